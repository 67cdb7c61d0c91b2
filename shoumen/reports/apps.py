from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "shoumen.reports"
    verbose_name = _("Daily figures and reports")

    def ready(self) -> None:
        # The late-report notices render in each reader's language.
        from shoumen.alerts import messages
        from shoumen.reports import daily_tasks as notices

        messages.register(notices.COMMUNITY_KEY, notices.TITLE_COMMUNITY)
        messages.register(notices.STREET_KEY, notices.TITLE_STREET)
        messages.register(notices.DISTRICT_KEY, notices.TITLE_DISTRICT)
