"""What a person's page shows about resident services: their requests (and their
household's) with who carried them and whether they arrived; "Take a call" for them."""

from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.audit.labels import register_actions, register_target
from shoumen.registry.models import Person, Status
from shoumen.registry.panels import Panel, register_person_panel
from shoumen.services import hotline, services
from shoumen.services.selectors import person_requests

CADRE_ACTION_LABELS = {"cadre.set": _("Responsible cadre named")}


def services_panel(user, person: Person) -> Panel | None:
    if not can(user, Perm.MANAGE_SERVICES, person.grid):
        return None
    context = {
        "requests": person_requests(person),
        "can_ask": person.status == Status.RESIDENT,
    }
    return Panel(
        "services/_person_panel.html",
        context,
        order=40,
        actions_template="services/_person_actions.html",
    )


def register() -> None:
    register_actions(services.ACTION_LABELS)
    register_actions(hotline.ACTION_LABELS)
    register_actions(CADRE_ACTION_LABELS)
    register_actions(
        {
            "service_ledger.export": _("Service ledger exported"),
            "hotline_ledger.export": _("Hotline ledger exported"),
        }
    )
    register_target("services.servicerequest")
    register_target("services.hotlinecall")
    register_target("services.cadre")
    register_person_panel("services.requests", services_panel)
