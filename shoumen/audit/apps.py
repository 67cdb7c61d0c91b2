from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "shoumen.audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from shoumen.audit import signals  # noqa: F401
