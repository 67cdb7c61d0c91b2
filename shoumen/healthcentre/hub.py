"""The health worker's day on one page (the hub, ``health:home``, and the partial the home
page includes for health roles): follow-ups due and overdue for one's team, referral
checks due, open health alerts by cause, contracts waiting or ending, the elderly not yet
booked this year, and what the actor's rights open. A handful of queries, whatever the
size of the centre."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.alerts.models import HEALTH_CAUSES, OPEN_STATUSES, Cause
from shoumen.alerts.selectors import alerts_visible_to
from shoumen.healthcentre.contract_selectors import ENDING_DAYS, contracts_visible_to
from shoumen.healthcentre.elderly_selectors import elderly_counts
from shoumen.healthcentre.models import ContractStatus, HealthCentre, PatientStatus, Team
from shoumen.healthcentre.patient_selectors import due_q, patients_visible_to
from shoumen.healthcentre.setup_selectors import centres_of, teams_of


@dataclass(frozen=True)
class AlertCount:
    cause: str
    label: str
    count: int


@dataclass(frozen=True)
class Hub:
    day: datetime.date
    # The actor's team when they are on exactly one: lists open filtered to it.
    team: Team | None
    teams: list[Team]
    indicators: bool
    follow_ups_due: int = 0
    follow_ups_overdue: int = 0
    referral_checks_due: int = 0
    alerts: list[AlertCount] = field(default_factory=list)
    contracts_pending: int = 0
    contracts_ending: int = 0
    elderly_not_booked: int = 0
    may_record: bool = False
    may_sign: bool = False
    may_export: bool = False
    managed: HealthCentre | None = None

    @property
    def ending_days(self) -> int:
        return ENDING_DAYS

    @property
    def alerts_open(self) -> int:
        return sum(a.count for a in self.alerts)


def may_open_hub(user) -> bool:
    """The hub is the day's work of those who hold the centre's records; who sees the
    indicators only has the board."""
    return can(user, Perm.VIEW_HEALTH_RECORDS)


def hub_context(user, *, day: datetime.date) -> Hub:
    """The day's work on ``day`` of ``user``, who holds the centre's records."""
    indicators = can(user, Perm.VIEW_HEALTH_INDICATORS)
    teams = list(teams_of(user))
    team = teams[0] if len(teams) == 1 else None
    mine = Q(team__in=teams) if teams else Q()
    patients = (
        patients_visible_to(user)
        .filter(mine, status=PatientStatus.ACTIVE)
        .aggregate(
            due=Count("pk", filter=due_q("due", day)),
            overdue=Count("pk", filter=due_q("overdue", day)),
            referral=Count("pk", filter=due_q("referral", day)),
        )
    )
    contracts = (
        contracts_visible_to(user)
        .filter(mine)
        .aggregate(
            pending=Count("pk", filter=Q(status=ContractStatus.PENDING)),
            ending=Count(
                "pk",
                filter=Q(
                    status=ContractStatus.ACTIVE,
                    ends_on__gte=day,
                    ends_on__lte=day + datetime.timedelta(days=ENDING_DAYS),
                ),
            ),
        )
    )
    elderly = elderly_counts(user, year=day.year)
    return Hub(
        day=day,
        team=team,
        teams=teams,
        indicators=indicators,
        follow_ups_due=patients["due"],
        follow_ups_overdue=patients["overdue"],
        referral_checks_due=patients["referral"],
        alerts=_open_alerts(user),
        contracts_pending=contracts["pending"],
        contracts_ending=contracts["ending"],
        elderly_not_booked=elderly["due"] - elderly["booked"] - elderly["done"],
        may_record=can(user, Perm.RECORD_FOLLOW_UPS),
        may_sign=can(user, Perm.MANAGE_CONTRACTS),
        may_export=can(user, Perm.EXPORT_HEALTH_LEDGERS),
        managed=centres_of(user, Perm.MANAGE_HEALTH_CENTRE).first(),
    )


def _open_alerts(user) -> list[AlertCount]:
    if not can(user, Perm.HANDLE_HEALTH_ALERTS):
        return []
    rows = dict(
        alerts_visible_to(user)
        .filter(cause__in=sorted(HEALTH_CAUSES), status__in=OPEN_STATUSES)
        .values("cause")
        .annotate(n=Count("pk"))
        .values_list("cause", "n")
        .order_by()
    )
    return [
        AlertCount(cause.value, str(cause.label), rows.get(cause.value, 0))
        for cause in Cause
        if cause.value in HEALTH_CAUSES
    ]
