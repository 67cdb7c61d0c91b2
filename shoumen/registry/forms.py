"""Forms parse and shape input only; the services validate and write."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.lib.forms import StyledForm
from shoumen.places.selectors import org_units_visible_to
from shoumen.registry.models import FLAG_TAGS, DocumentType, Relation, Sex, Status, Tag

STATUS_ANY = "any"
KEEP_BIRTH_DATE = _("Leave empty to keep the birth date (age %(age)s).")


class BuildingForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=50, help_text=_("e.g. Building 5"))
    units = forms.IntegerField(label=_("Units"), initial=1, min_value=1, max_value=99)


class _BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class HouseholdForm(StyledForm):
    building = _BuildingChoiceField(
        label=_("Building"), queryset=None, required=False, empty_label=_("— no building —")
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        help_text=_("Used when there is no building"),
    )
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)
    door_number = forms.CharField(label=_("Door number"), max_length=20, required=False)

    def __init__(self, *args, buildings, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        building_field = cast(forms.ModelChoiceField, self.fields["building"])
        building_field.queryset = buildings
        if members is not None:
            self.fields["head"] = forms.ModelChoiceField(
                label=_("Head of household"),
                queryset=members,
                required=False,
                empty_label=_("— none —"),
                widget=forms.Select(attrs={"class": "form-select"}),
            )


class PersonForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    document_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.RESIDENT_ID
    )
    id_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", _("— from the ID number —")), *Sex.choices],
        required=False,
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Taken from a resident ID number when left empty."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    relation_to_head = forms.ChoiceField(
        label=_("Relation to head"), choices=Relation.choices, initial=Relation.OTHER
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"),
        choices=[(t.value, t.label) for t in FLAG_TAGS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PersonEditForm(PersonForm):
    """Sensitive values are never put back into the page: empty means unchanged."""

    clear_phone = forms.BooleanField(label=_("Remove the phone"), required=False)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        keep = _("Leave empty to keep %(masked)s.")
        if person.id_number_masked:
            self.fields["id_number"].help_text = keep % {"masked": person.id_number_masked}
        if person.birth_date is not None:
            # Not put back either: beside the masked ID number it would complete it.
            self.fields["birth_date"].help_text = KEEP_BIRTH_DATE % {"age": person.age}
        if person.phone_masked:
            self.fields["phone"].help_text = keep % {"masked": person.phone_masked}
        else:
            del self.fields["clear_phone"]

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        clear_phone = data.pop("clear_phone", False)
        if data["document_type"] == DocumentType.NONE:
            data["id_number"] = ""
        elif not data["id_number"]:
            data.pop("id_number")
        if not data["birth_date"]:
            if data.get("id_number") and data["document_type"] == DocumentType.RESIDENT_ID:
                data["birth_date"] = None  # taken from the new ID number
            else:
                data.pop("birth_date")
        if clear_phone:
            data["phone"] = ""
        elif not data["phone"]:
            data.pop("phone")
        return data


class RevealForm(StyledForm):
    field = forms.ChoiceField(
        choices=[("id_number", "id_number"), ("phone", "phone")], widget=forms.HiddenInput
    )
    # Required-ness is the service's rule, so the message is the audited one.
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class StatusForm(StyledForm):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in (Status.MOVED_OUT, Status.DECEASED, Status.RESIDENT)],
    )
    on_date = forms.DateField(
        label=_("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today when left empty."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class MoveForm(StyledForm):
    household = forms.IntegerField(widget=forms.HiddenInput)
    relation_to_head = forms.ChoiceField(
        label=_("Relation to head"), choices=Relation.choices, initial=Relation.OTHER
    )


class MergeForm(StyledForm):
    duplicate = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class _UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'· ' * (obj.depth - 1)}{obj.name}"


class SearchForm(StyledForm):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    org_unit = _UnitChoiceField(
        label=_("Org unit"), queryset=None, required=False, empty_label=_("All my units")
    )
    tag = forms.ChoiceField(
        label=_("Tag"), choices=[("", _("Any tag")), *Tag.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Status.RESIDENT.value, Status.RESIDENT.label),
            (Status.MOVED_OUT.value, Status.MOVED_OUT.label),
            (Status.DECEASED.value, Status.DECEASED.label),
            (STATUS_ANY, _("Any status")),
        ],
        required=False,
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        org_unit_field = cast(forms.ModelChoiceField, self.fields["org_unit"])
        org_unit_field.queryset = org_units_visible_to(actor)
