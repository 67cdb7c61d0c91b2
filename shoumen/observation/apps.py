from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationConfig(AppConfig):
    name = "shoumen.observation"
    verbose_name = _("Key persons and health reports")

    def ready(self) -> None:
        from shoumen.observation import metrics, panels

        panels.register()
        metrics.register()
