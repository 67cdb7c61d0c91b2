"""The school ledger pages: choose a school and the days, download the .xlsx (masked unless
the actor may unmask and gives a reason); and the class roster import, which hands the
file to the ledger import (its checks, preview and confirm pages)."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.ledgers import import_jobs
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.file_limits import ERR_FILE_TOO_BIG, Limits, size_text
from shoumen.lib.forms import StyledForm
from shoumen.lib.pages import add_service_errors, or_404, posted
from shoumen.lib.widgets import DateInput
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE
from shoumen.schools import reports, roster_import
from shoumen.schools import roster_template as blank_roster
from shoumen.schools.models import School
from shoumen.schools.selectors import school_for, schools_visible_to


def exportable_schools(user):
    """Schools whose ledgers the actor may export: the export right and sight of schools."""
    return (
        schools_visible_to(user, Perm.EXPORT_SCHOOL_LEDGERS)
        .filter(pk__in=schools_visible_to(user).values("pk"))
        .order_by("unit__path")
    )


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.unit.name


class LedgerForm(StyledForm):
    school = SchoolChoiceField(label=_("School"), queryset=School.objects.none())
    start = forms.DateField(label=_("First day"), widget=DateInput())
    end = forms.DateField(label=_("Last day"), widget=DateInput())
    unmasked = forms.BooleanField(
        label=_("Full ID numbers (recorded in the audit log)"), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = exportable_schools(user)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        if not can(user, Perm.EXPORT_SENSITIVE):
            del self.fields["unmasked"]
            del self.fields["reason"]


def _initial(request) -> dict:
    """The form's starting values from the query: ?school=pk&date=YYYY-MM-DD (or
    &from=&to=); today by default."""
    initial: dict = {"start": today(), "end": today()}
    school = request.GET.get("school", "")
    if school.isdigit():
        initial["school"] = int(school)
    for key, fields in (("date", ("start", "end")), ("from", ("start",)), ("to", ("end",))):
        try:
            value = datetime.date.fromisoformat(request.GET.get(key, ""))
        except ValueError:
            continue
        for field in fields:
            initial[field] = value
    return initial


@login_required
def ledger(request, kind):
    if kind not in reports.LEDGER_KINDS:
        raise Http404
    if not exportable_schools(request.user).exists():
        raise deny()
    form = LedgerForm(posted(request), user=request.user, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            export = reports.school_ledger_export(
                actor=request.user,
                kind=kind,
                school=data["school"],
                start=data["start"],
                end=data["end"],
                unmasked=data.get("unmasked", False),
                reason=data.get("reason", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            disposition = content_disposition_header(True, export.filename)
            return HttpResponse(
                export.content,
                content_type=export.content_type,
                headers={"Content-Disposition": disposition},
            )
    context = {
        "form": form,
        "kind": kind,
        "title": reports.LEDGER_KINDS[kind],
        "kinds": list(reports.LEDGER_KINDS.items()),
        "query": request.GET.urlencode(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "schools/ledgers/ledger.html", context, status=status)


class RosterUploadForm(StyledForm):
    file = forms.FileField(
        label=_("Class roster file"),
        help_text=_(".xlsx, .xls or .csv (UTF-8 or GBK)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    create_classes = forms.BooleanField(
        label=_("Create the classes the roster names that the school does not have yet"),
        required=False,
    )

    def clean_file(self):
        # Refused from its declared size, before the upload is read into memory.
        upload = self.cleaned_data["file"]
        limit = Limits.current().max_bytes
        if upload.size > limit:
            raise forms.ValidationError(ERR_FILE_TOO_BIG % {"max": size_text(limit)})
        return upload


@login_required
def roster_upload(request, pk):
    school = or_404(school_for, request.user, pk, Perm.MANAGE_PUPILS)
    form = RosterUploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_jobs.import_job_create(
                actor=request.user,
                org_unit=school.unit,
                filename=upload.name,
                data=upload.read(),
                kind=roster_import.KIND,
                options={"create_classes": form.cleaned_data.get("create_classes", False)},
            )
            job = import_jobs.import_job_check(actor=request.user, job=job)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("ledgers:import_job", pk=job.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "school": school, "headers": blank_roster.TEMPLATE_HEADERS}
    return render(request, "schools/ledgers/roster_import.html", context, status=status)


@login_required
@require_safe
def roster_template(request):
    if not can(request.user, Perm.MANAGE_PUPILS):
        raise deny()
    response = HttpResponse(blank_roster.roster_template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, blank_roster.TEMPLATE_NAME)
    return response
