from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "shoumen.screening"
    verbose_name = _("Screening rounds")

    def ready(self) -> None:
        from shoumen.screening import metrics

        metrics.register()
