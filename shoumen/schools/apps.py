from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "shoumen.schools"
    verbose_name = _("Schools")

    def ready(self) -> None:
        from shoumen.schools import alert_panels, metrics, receivers, roster_import

        receivers.connect_all()
        roster_import.register_kind()
        alert_panels.register()
        metrics.register()
