"""The alert rules page: thresholds, slot deadlines and due minutes (administrators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.alerts.rules import current_rules
from shoumen.alerts.rules_forms import AlertRulesForm
from shoumen.alerts.rules_services import EDITABLE, alert_rules_update
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, posted

SAVED = _("The alert rules are saved.")


@login_required
def rules_page(request):
    if not can(request.user, Perm.MANAGE_ALERT_RULES):
        raise deny()
    rules = current_rules()
    form = AlertRulesForm(posted(request), initial={n: getattr(rules, n) for n in EDITABLE})
    if request.method == "POST" and form.is_valid():
        try:
            alert_rules_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, SAVED)
            return redirect("alert_rules:edit")
    status = 400 if request.method == "POST" else 200
    return render(request, "alerts/rules_edit.html", {"form": form, "rules": rules}, status=status)
