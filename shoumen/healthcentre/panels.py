"""What a person's page shows about their family doctor: the contracted team, its service
phone, the doctor, the term; a link to the contract for the health centre's people.

``register()`` is called from the app's ``ready()``: the person panel, the audit trail's
words for contracts and set-up, and the renewal reminder's inbox message."""

from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.audit.labels import register_actions, register_target
from shoumen.healthcentre import contract_services, contract_tasks, setup_services
from shoumen.healthcentre.contract_selectors import person_contract
from shoumen.registry.models import Person
from shoumen.registry.panels import Panel, register_person_panel


def contract_panel(user, person: Person) -> Panel | None:
    """For anyone who may see the person; nothing when they have no open contract."""
    if not can(user, Perm.VIEW_REGISTRY, person.grid):
        return None
    contract = person_contract(person)
    if contract is None:
        return None
    context = {
        "contract": contract,
        "doctors": [str(m.user) for m in contract.team.doctors],  # type: ignore[attr-defined]
        "health_role": can(user, Perm.VIEW_HEALTH_RECORDS, person.grid),
    }
    return Panel("healthcentre/contracts/_person_panel.html", context, order=45)


def register() -> None:
    register_actions(contract_services.ACTION_LABELS)
    register_actions(setup_services.ACTION_LABELS)
    register_actions({"contract_ledger.export": _("Contract register exported")})
    register_target("healthcentre.contract")
    register_target("healthcentre.team")
    register_target("healthcentre.package")
    register_person_panel("healthcentre.contract", contract_panel)
    contract_tasks.register()
