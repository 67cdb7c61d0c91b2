"""Work points counted from recorded work, never from a form: follow-ups (on time or late)
by their doctor, contracts signed and renewed by whoever confirmed them (else the team's
doctor), elderly checks by their recorder, referrals followed up in time by the doctor of
the follow-up, and the month's satisfaction ratings. A few aggregate queries a month, for
all members of a centre's teams at once."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm
from shoumen.healthcentre.followup_counts import with_previous
from shoumen.healthcentre.indicators import Area
from shoumen.healthcentre.models import (
    Contract,
    ContractSource,
    ContractStatus,
    Disease,
    ElderlyCheck,
    ElderlyCheckStatus,
    FollowUp,
    HealthCentre,
    PointActivity,
    PointRule,
    StaffRating,
    TeamMember,
    TeamRole,
)
from shoumen.healthcentre.points_rules import DEFAULT_POINTS, month_days, month_times
from shoumen.healthcentre.setup_selectors import centres_of
from shoumen.healthcentre.survey_selectors import min_ratings
from shoumen.lib.names import mask_name

A = PointActivity
COUNTED_CONTRACTS = (
    ContractStatus.ACTIVE,
    ContractStatus.RENEWED,
    ContractStatus.CHANGED,
    ContractStatus.ENDED,
)


def rules_of(centre: HealthCentre) -> dict[str, Decimal]:
    rules = dict(DEFAULT_POINTS)
    rules.update(dict(PointRule.objects.filter(centre=centre).values_list("activity", "points")))
    return rules


def managed_centres(user) -> QuerySet[HealthCentre]:
    return centres_of(user, Perm.MANAGE_HEALTH_CENTRE)


def member_centre(user) -> HealthCentre | None:
    """The centre of the first team ``user`` is on."""
    return HealthCentre.objects.filter(teams__members__user=user).order_by("pk").first()


def centre_members(centre: HealthCentre) -> list[User]:
    ids = TeamMember.objects.filter(team__centre=centre).values("user")
    return list(User.objects.filter(pk__in=ids).order_by("display_name", "pk"))


def centre_area(centre: HealthCentre) -> Area:
    """The communities ``centre`` serves: its points count the work done there."""
    return Area(tuple(centre.communities.values_list("path", flat=True)))


def follow_ups_counted(area: Area, user_ids, first: datetime.date) -> QuerySet:
    """The month's follow-ups by these doctors of patients in ``area``, each with
    ``on_time`` and ``referral_checked`` (see followup_counts)."""
    start, end = month_days(first)
    return with_previous(
        FollowUp.objects.filter(
            area.q("patient__grid__path"),
            doctor__in=user_ids,
            date__gte=start,
            date__lt=end,
        )
    )


def contracts_counted(centre: HealthCentre, first: datetime.date) -> QuerySet:
    start, end = month_times(first)
    doctor = TeamMember.objects.filter(team=OuterRef("team"), role=TeamRole.DOCTOR).order_by("pk")
    return (
        Contract.objects.filter(
            team__centre=centre,
            status__in=COUNTED_CONTRACTS,
            confirmed_at__gte=start,
            confirmed_at__lt=end,
        )
        .annotate(
            credited=Coalesce(
                "confirmed_by",
                Subquery(doctor.values("user")[:1]),
                output_field=IntegerField(),
            )
        )
        .annotate(
            renewal=Q(renewed_from__isnull=False) | Q(source=ContractSource.RENEWAL),
        )
    )


def checks_counted(centre: HealthCentre, user_ids, first: datetime.date) -> QuerySet[ElderlyCheck]:
    start, end = month_days(first)
    return ElderlyCheck.objects.filter(
        centre=centre,
        recorded_by__in=user_ids,
        status=ElderlyCheckStatus.DONE,
        done_on__gte=start,
        done_on__lt=end,
    )


def ratings_counted(
    centre: HealthCentre, user_ids, first: datetime.date
) -> dict[int, tuple[int, Decimal]]:
    start, end = month_times(first)
    rows = (
        StaffRating.objects.filter(
            response__survey__centre=centre,
            staff__in=user_ids,
            response__submitted_at__gte=start,
            response__submitted_at__lt=end,
        )
        .values("staff")
        .annotate(n=Count("pk"), avg=Avg("score"))
    )
    return {r["staff"]: (r["n"], Decimal(str(r["avg"])).quantize(Decimal("0.01"))) for r in rows}


@dataclass
class PointsRow:
    user: User
    counts: dict[str, int] = field(default_factory=dict)
    rating_average: Decimal | None = None
    rating_count: int = 0
    points: dict[str, Decimal] = field(default_factory=dict)

    @property
    def rating_shown(self) -> Decimal | None:
        """The average rating, from the minimum number of ratings on."""
        return self.rating_average if self.rating_count >= min_ratings() else None

    @property
    def total(self) -> Decimal:
        return sum(self.points.values(), Decimal("0"))


def _score(row: PointsRow, rules: dict[str, Decimal]) -> PointsRow:
    for activity, n in row.counts.items():
        row.points[activity] = rules[activity] * n
    if row.rating_shown is not None:
        row.points[A.SATISFACTION_POINT] = (
            rules[A.SATISFACTION_POINT] * row.rating_shown
        ).quantize(Decimal("0.01"))
    return row


def points_table(centre: HealthCentre, first: datetime.date, users: list[User]) -> list[PointsRow]:
    """Each of ``users``' points in the month at ``centre`` (the work done where it serves),
    highest first: six queries in all."""
    rows = {u.pk: PointsRow(u, dict.fromkeys(DEFAULT_POINTS, 0)) for u in users}
    rows_ids = list(rows)
    rules = rules_of(centre)
    area = centre_area(centre)
    follow_ups = (
        follow_ups_counted(area, rows_ids, first)
        .values("doctor")
        .annotate(
            ok=Count("pk", filter=Q(on_time=True)),
            late=Count("pk", filter=Q(on_time=False)),
            referral=Count("pk", filter=Q(referral_checked=True)),
        )
    )
    for r in follow_ups:
        counts = rows[r["doctor"]].counts
        counts[A.FOLLOW_UP_ON_TIME] = r["ok"]
        counts[A.FOLLOW_UP_LATE] = r["late"]
        counts[A.REFERRAL_FOLLOWED_UP] = r["referral"]
    contracts = (
        contracts_counted(centre, first)
        .filter(Q(credited__in=rows_ids))
        .values("credited")
        .annotate(
            signed=Count("pk", filter=Q(renewal=False)),
            renewed=Count("pk", filter=Q(renewal=True)),
        )
    )
    for k in contracts:
        rows[k["credited"]].counts[A.CONTRACT_SIGNED] = k["signed"]
        rows[k["credited"]].counts[A.CONTRACT_RENEWED] = k["renewed"]
    checks = checks_counted(centre, rows_ids, first).values("recorded_by").annotate(n=Count("pk"))
    for c in checks:
        rows[c["recorded_by"]].counts[A.ELDERLY_CHECK_DONE] = c["n"]
    for staff, (n, avg) in ratings_counted(centre, rows_ids, first).items():
        rows[staff].rating_count, rows[staff].rating_average = n, avg
    del_key = A.SATISFACTION_POINT
    for row in rows.values():
        row.counts.pop(del_key, None)
        _score(row, rules)
    return sorted(rows.values(), key=lambda r: (-r.total, str(r.user), r.user.pk))


def points_centre_for(user, target: User) -> HealthCentre | None:
    """The centre whose points of ``target`` ``user`` may see: their own (any member) or
    one they manage that ``target`` works for; None otherwise."""
    if target.pk == user.pk:
        return member_centre(user)
    return managed_centres(user).filter(teams__members__user=target).order_by("pk").first()


@dataclass
class PointItem:
    day: datetime.date
    activity: str
    label: str
    points: Decimal

    @property
    def activity_label(self) -> str:
        return str(PointActivity(self.activity).label)


def points_items(centre: HealthCentre, target: User, first: datetime.date) -> list[PointItem]:
    """How ``target``'s points came about: each counted piece of work, dated; residents by
    masked name only, never an ID number."""
    rules = rules_of(centre)
    area = centre_area(centre)
    items = []
    follow_ups = follow_ups_counted(area, [target.pk], first).values(
        "date", "on_time", "referral_checked", "patient__person__name", "patient__disease"
    )
    for f in follow_ups:
        what = f"{mask_name(f['patient__person__name'])} · {Disease(f['patient__disease']).label}"
        activity = A.FOLLOW_UP_ON_TIME if f["on_time"] else A.FOLLOW_UP_LATE
        items.append(PointItem(f["date"], activity, what, rules[activity]))
        if f["referral_checked"]:
            points = rules[A.REFERRAL_FOLLOWED_UP]
            items.append(PointItem(f["date"], A.REFERRAL_FOLLOWED_UP, what, points))
    contracts = (
        contracts_counted(centre, first)
        .filter(Q(credited=target.pk))
        .values("confirmed_at", "renewal", "person__name")
    )
    for c in contracts:
        activity = A.CONTRACT_RENEWED if c["renewal"] else A.CONTRACT_SIGNED
        day = timezone.localdate(c["confirmed_at"])
        items.append(PointItem(day, activity, mask_name(c["person__name"]), rules[activity]))
    checks = checks_counted(centre, [target.pk], first).values("done_on", "person__name")
    for e in checks:
        points = rules[A.ELDERLY_CHECK_DONE]
        assert e["done_on"] is not None  # a done check has its day (a database check)
        items.append(
            PointItem(e["done_on"], A.ELDERLY_CHECK_DONE, mask_name(e["person__name"]), points)
        )
    return sorted(items, key=lambda i: (i.day, i.activity))
