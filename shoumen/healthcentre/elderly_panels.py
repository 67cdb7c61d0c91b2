"""The elderly check on a resident's page (for the health centre's people: this year's
booking or record, and a way to book), and the audit trail's words for the elderly check,
surveys and work points.

``register()`` is for the app's ``ready()``."""

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.audit.labels import register_actions, register_target
from shoumen.healthcentre import elderly_ledger, elderly_services, points_services, survey_services
from shoumen.healthcentre.elderly_rules import is_due
from shoumen.healthcentre.models import ElderlyCheck, ElderlyCheckStatus
from shoumen.lib.dates import today
from shoumen.registry.models import Person, Status
from shoumen.registry.panels import Panel, register_person_panel


def elderly_panel(user, person: Person) -> Panel | None:
    """For health roles over the resident, when the resident is due this year."""
    year = today().year
    if person.status != Status.RESIDENT or not is_due(person.birth_date, year):
        return None
    if not can(user, Perm.VIEW_HEALTH_RECORDS, person.grid):
        return None
    check = (
        ElderlyCheck.objects.filter(person=person, year=year)
        .exclude(status=ElderlyCheckStatus.CANCELLED)
        .first()
    )
    context = {
        "check": check,
        "year": year,
        "can_book": check is None and can(user, Perm.RECORD_FOLLOW_UPS, person.grid),
    }
    return Panel("healthcentre/elderly/_person_panel.html", context, order=46)


def register() -> None:
    register_actions(elderly_services.ACTION_LABELS)
    register_actions(elderly_ledger.ACTION_LABELS)
    register_actions(survey_services.ACTION_LABELS)
    register_actions(points_services.ACTION_LABELS)
    register_target("healthcentre.elderlycheck")
    register_target("healthcentre.survey")
    register_person_panel("healthcentre.elderly", elderly_panel)
