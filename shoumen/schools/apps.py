from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "shoumen.schools"
    verbose_name = _("Schools")

    def ready(self) -> None:
        from shoumen.alerts import messages
        from shoumen.schools import alert_panels, daily_tasks, metrics, receivers, roster_import

        receivers.connect_all()
        roster_import.register_kind()
        alert_panels.register()
        metrics.register()
        # The deadline notices render in each reader's language.
        messages.register(daily_tasks.CLASSES_KEY, daily_tasks.TITLE_CLASSES_MISSING)
        messages.register(daily_tasks.REPORT_KEY, daily_tasks.TITLE_REPORT_MISSING)
