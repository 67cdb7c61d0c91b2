"""What a school alert's page shows: the epidemic report sent from it, or the button that
sends it for those who report for the school."""

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.alerts.alert_panels import register_alert_panel
from shoumen.alerts.models import Alert
from shoumen.registry.panels import Panel
from shoumen.schools.epidemic_selectors import deadline_of, report_of_alert


def epidemic_report_panel(user, alert: Alert) -> Panel | None:
    if not alert.is_school:
        return None
    report = report_of_alert(alert)
    if report is not None:
        context = {"alert": alert, "report": report, "deadline": deadline_of(report)}
        return Panel("schools/reports/_alert_panel.html", context, order=10)
    if can(user, Perm.REPORT_SCHOOL, alert.grid):
        return Panel("schools/reports/_alert_panel.html", {"alert": alert}, order=10)
    return None


def register() -> None:
    register_alert_panel("schools.epidemic_report", epidemic_report_panel)
