from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "shoumen.duty"
    verbose_name = _("Duty rosters")

    def ready(self) -> None:
        from shoumen.duty import (
            checkin_services,
            labels,
            metrics,
            resolve_services,
            rest_services,
            swap_services,
        )

        labels.register()
        checkin_services.register()
        rest_services.register()
        swap_services.register()
        resolve_services.register()
        metrics.register()
