"""Login successes and failures go to the audit chain."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from shoumen.audit.services import audit_event_record
from shoumen.lib.throttle import client_ip


def _ip(request) -> str | None:
    # Behind a proxy, the client's address from the configured header (as rate limits use).
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def _login_succeeded(sender, request, user, **kwargs):
    audit_event_record(actor=user, action="login.success", ip_address=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_event_record(
        actor=None,
        actor_label=str(credentials.get("username", ""))[:150],
        action="login.failure",
        ip_address=_ip(request),
    )
