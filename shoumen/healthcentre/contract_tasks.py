"""The daily contracts job: renewal reminders to the team a notice period before a term
ends (once a term), and terms past their end without renewal ended."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from shoumen.alerts import messages
from shoumen.alerts.notify import notify
from shoumen.healthcentre.contract_selectors import contracts_to_remind
from shoumen.healthcentre.contract_services import contract_mark_reminded, contracts_expire
from shoumen.healthcentre.models import TeamMember
from shoumen.lib.dates import today

KEY_RENEWAL = "health.contract_renewal"
# No resident's name: copies of inbox messages leave the system.
TITLE_RENEWAL = _("Contract renewal: a resident of %(team)s, term ends %(day)s (contract %(id)s)")


def register() -> None:
    messages.register(KEY_RENEWAL, TITLE_RENEWAL)


def contract_reminders_send() -> dict:
    """Remind each team of its contracts ending within the notice days, then end the
    terms that are over. Returns the counts."""
    day = today()
    reminded = 0
    contracts = list(contracts_to_remind(day, settings.SHOUMEN_CONTRACT_RENEWAL_NOTICE_DAYS))
    members: dict[int, list] = {}
    for m in TeamMember.objects.filter(team_id__in={c.team_id for c in contracts}).select_related(
        "user"
    ):
        members.setdefault(m.team_id, []).append(m.user)
    for contract in contracts:
        if not contract_mark_reminded(contract=contract, day=day):
            continue
        values = {
            "team": contract.team.name,
            "day": str(contract.ends_on),
            "id": contract.pk,
        }
        with translation.override(settings.LANGUAGE_CODE):
            title = str(TITLE_RENEWAL % values)
        notify(
            recipients=members.get(contract.team_id, []),
            title=title,
            words={"title": messages.words(KEY_RENEWAL, values)},
        )
        reminded += 1
    return {"reminded": reminded, "ended": contracts_expire(day=day)}


@task()
def contracts_remind() -> dict:
    """Daily: renewal reminders, and terms past their end ended."""
    return contract_reminders_send()
