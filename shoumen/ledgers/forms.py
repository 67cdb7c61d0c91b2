from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.ledgers.import_jobs import import_units_for, mapping_choices
from shoumen.lib.file_limits import ERR_FILE_TOO_BIG, Limits, size_text
from shoumen.lib.forms import StyledForm


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_level_display()}）"


class ImportUploadForm(StyledForm):
    org_unit = UnitChoiceField(
        label=_("Import into"),
        queryset=None,
        help_text=_("A grid, or a community when the ledger has a grid column."),
    )
    file = forms.FileField(
        label=_("Ledger file"),
        help_text=_(".xlsx, .xls, .ods or .csv (UTF-8 or GBK)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.xlsm,.ods,.csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = import_units_for(user)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        if units.count() == 1:
            self.fields["org_unit"].initial = units.first()

    def clean_file(self):
        # Refused from its declared size, before the upload is read into memory.
        upload = self.cleaned_data["file"]
        limit = Limits.current().max_bytes
        if upload.size > limit:
            raise forms.ValidationError(ERR_FILE_TOO_BIG % {"max": size_text(limit)})
        return upload


class ImportMappingForm(StyledForm):
    """One choice per column of the file: which field it holds, or nothing."""

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = list(job.headers)
        choices = mapping_choices(job.kind)
        if len(job.sheets) > 1:
            self.fields["sheet"] = forms.ChoiceField(
                label=_("Sheet"), choices=[(s, s) for s in job.sheets], initial=job.sheet
            )
            self.fields["sheet"].widget.attrs["class"] = "form-select"
        for index, header in enumerate(self.headers):
            field = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=job.mapping.get(header, ""),
            )
            field.widget.attrs.update({"class": "form-select form-select-sm"})
            self.fields[f"col_{index}"] = field

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"col_{index}") or ""
            for index, header in enumerate(self.headers)
        }

    def column_fields(self):
        return [self[f"col_{i}"] for i in range(len(self.headers))]


class ImportConfirmForm(StyledForm):
    skip_bad_rows = forms.BooleanField(
        label=_("Import the good rows and leave out the bad ones"), required=False
    )
    # One box per household move the preview lists; unticked, the person stays.
    moves = forms.TypedMultipleChoiceField(
        label=_("Household moves to make"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moves"].choices = [  # type: ignore[attr-defined]
            (m["person"], m["name"]) for m in job.preview.get("moves", [])
        ]
