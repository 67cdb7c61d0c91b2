"""The volunteer registry's audit actions in words: registering, signing up, approving and
rejecting (the registry's services), the certificate and the register ledger. Called from
the services app's ready()."""

from django.utils.translation import gettext_lazy as _

from shoumen.audit.labels import register_actions, register_target
from shoumen.registry import volunteer_services

ACTION_LABELS = {
    **volunteer_services.ACTION_LABELS,
    **volunteer_services.SIGN_UP_ACTION_LABELS,
    "volunteer_certificate.download": _("Volunteer certificate downloaded"),
    "volunteer_ledger.export": _("Volunteer register exported"),
}


def register() -> None:
    register_actions(ACTION_LABELS)
    register_target("registry.volunteer")
