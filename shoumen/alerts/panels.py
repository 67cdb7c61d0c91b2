"""What a person's page shows about alerts: the person's open alerts in the actor's scope."""

from django.utils import timezone

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.alerts.models import OPEN_STATUSES
from shoumen.alerts.selectors import alerts_visible_to
from shoumen.registry.models import Person
from shoumen.registry.panels import Panel, register_person_panel

OPEN_ALERTS_SHOWN = 10


def open_alerts_panel(user, person: Person) -> Panel | None:
    if not can(user, Perm.VIEW_OBSERVATIONS, person.grid):
        return None
    alerts = list(
        alerts_visible_to(user, Perm.VIEW_OBSERVATIONS)
        .filter(person=person, status__in=OPEN_STATUSES)
        .select_related("owner")
        .order_by("due_at", "pk")[:OPEN_ALERTS_SHOWN]
    )
    if not alerts:
        return None
    return Panel("alerts/_person_panel.html", {"alerts": alerts, "now": timezone.now()}, order=20)


def register() -> None:
    register_person_panel("alerts.open", open_alerts_panel)
