from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "shoumen.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from shoumen.alerts import metrics, panels

        panels.register()
        metrics.register()
