"""Ledger import pages: upload → preview (counts, problems, column mapping) → confirm.
Views parse, call one service or selector, and render; imports outside the actor's scope
are 404."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.ledgers import import_jobs
from shoumen.ledgers.forms import ImportConfirmForm, ImportMappingForm, ImportUploadForm
from shoumen.ledgers.importing.workbooks import ledger_template_xlsx
from shoumen.ledgers.models import ImportStatus
from shoumen.lib.pages import add_service_errors, or_404, posted

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "居民台账模板.xlsx"


def _require_import_right(user) -> None:
    if not can(user, Perm.EDIT_REGISTRY):
        raise PermissionDenied


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def import_start(request):
    _require_import_right(request.user)
    form = ImportUploadForm(posted(request), request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_jobs.import_job_create(
                actor=request.user,
                org_unit=form.cleaned_data["org_unit"],
                filename=upload.name,
                data=upload.read(),
            )
            job = import_jobs.import_job_check(actor=request.user, job=job)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("ledgers:import_job", pk=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "ledgers/import_start.html", {"form": form}, status=status)


@login_required
@require_safe
def import_template(request):
    _require_import_right(request.user)
    return _xlsx(ledger_template_xlsx(), TEMPLATE_NAME)


def _job_page(request, job, *, mapping_form=None, confirm_form=None, status=200):
    kind = import_jobs.import_kind_of(job)
    context = {
        "job": job,
        "kind": kind,
        "start_url": kind.start_url(job),
        "mapping_form": mapping_form or ImportMappingForm(job=job),
        "confirm_form": confirm_form or ImportConfirmForm(job=job),
        "preview": job.preview,
        "changes": import_jobs.preview_changes(job),
        "moves": import_jobs.preview_moves(job),
        "statuses": ImportStatus,
        "can_confirm": job.status in (ImportStatus.CHECKED, ImportStatus.REJECTED),
    }
    return render(request, "ledgers/import_job.html", context, status=status)


@login_required
@require_safe
def import_job(request, pk):
    job = or_404(import_jobs.import_job_for, request.user, pk=pk)
    return _job_page(request, job)


@login_required
@require_safe
def import_progress(request, pk):
    job = or_404(import_jobs.import_job_for, request.user, pk=pk)
    response = render(
        request, "ledgers/import_progress.html", {"job": job, "statuses": ImportStatus}
    )
    if not job.is_running:
        response["HX-Refresh"] = "true"  # finished: htmx reloads the page with the result
    return response


@login_required
@require_POST
def import_mapping(request, pk):
    job = or_404(import_jobs.import_job_for, request.user, pk=pk)
    form = ImportMappingForm(request.POST, job=job)
    if form.is_valid():
        try:
            import_jobs.import_job_set_mapping(
                actor=request.user,
                job=job,
                mapping=form.mapping(),
                sheet=form.cleaned_data.get("sheet"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("ledgers:import_job", pk=job.pk)
    return _job_page(request, job, mapping_form=form, status=400)


@login_required
@require_POST
def import_confirm(request, pk):
    job = or_404(import_jobs.import_job_for, request.user, pk=pk)
    form = ImportConfirmForm(request.POST, job=job)
    if form.is_valid() and request.POST.get("confirm") == "1":
        try:
            import_jobs.import_job_confirm(
                actor=request.user,
                job=job,
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                allowed_moves=form.cleaned_data["moves"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("ledgers:import_job", pk=job.pk)
    elif form.is_valid():
        form.add_error(None, _("Press the import button to confirm."))
    return _job_page(request, job, confirm_form=form, status=400)


@login_required
@require_safe
def import_errors(request, pk):
    job = or_404(import_jobs.import_job_for, request.user, pk=pk)
    report = import_jobs.import_job_error_report(job)
    if not report:
        raise Http404
    stem = job.filename.rsplit(".", 1)[0]
    return _xlsx(report, f"{stem}-问题行.xlsx")
