"""Downloading the key-person ledger and the daily follow-up sheet."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, posted
from shoumen.observation.report_forms import LedgerForm
from shoumen.observation.reports import observation_ledger_export
from shoumen.places.selectors import org_unit_for


@login_required
def ledger_page(request):
    if not can(request.user, Perm.EXPORT):
        raise deny()
    form = LedgerForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = or_404(org_unit_for, request.user, pk=data["unit"], perm=Perm.EXPORT)
        try:
            ledger = observation_ledger_export(
                actor=request.user,
                org_unit=unit,
                ledger=data["ledger"],
                day=data.get("day"),
                unmasked=data.get("unmasked", False),
                reason=data.get("reason", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"org_unit": "unit"})
        else:
            return HttpResponse(
                ledger.content,
                content_type=ledger.content_type,
                headers={"Content-Disposition": content_disposition_header(True, ledger.filename)},
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "observation/report_ledgers.html", {"form": form}, status=status)
