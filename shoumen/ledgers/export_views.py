"""The export page: choose a community or grid, a format and masking, then download."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.ledgers.export_forms import ExportForm
from shoumen.ledgers.export_services import register_export
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, posted
from shoumen.places.selectors import org_unit_for


@login_required
def export_page(request):
    if not can(request.user, Perm.EXPORT):
        raise deny()
    initial = {"unit": request.GET["unit"]} if request.GET.get("unit", "").isdigit() else {}
    form = ExportForm(posted(request), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = or_404(org_unit_for, request.user, pk=data["unit"], perm=Perm.EXPORT)
        try:
            export = register_export(
                actor=request.user,
                org_unit=unit,
                fmt=data["fmt"],
                unmasked=data.get("unmasked", False),
                reason=data.get("reason", ""),
                include_inactive=data["include_inactive"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"org_unit": "unit"})
        else:
            disposition = content_disposition_header(True, export.filename)
            return HttpResponse(
                export.content,
                content_type=export.content_type,
                headers={"Content-Disposition": disposition},
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "ledgers/export.html", {"form": form}, status=status)
