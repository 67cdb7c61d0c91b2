"""Scheduled: once today's daily report is due (the deadline's minute has passed), tell
whoever must act of the communities that have not confirmed it: each community's staff,
each street's officers (one notice listing its communities) and each district's officers
(one notice counting them per street). Once per unit and day: a later run finds the notice
sent and says nothing again; a community confirming late is simply left out of later
notices (none is sent twice)."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from shoumen.accounts.models import RoleAssignment
from shoumen.accounts.roles import Role
from shoumen.alerts.models import Notification
from shoumen.alerts.notify import notify
from shoumen.places.models import Level, OrgUnit
from shoumen.reports.daily import deadline_of
from shoumen.reports.models import DailyReport

TITLE_COMMUNITY = _("%(unit)s: the daily report of %(date)s is not confirmed (due %(time)s)")
BODY_COMMUNITY = _(
    "Check the day's figures and confirm the daily report; with nothing new, confirm the "
    "zero report."
)
TITLE_STREET = _(
    "%(unit)s: %(count)d communities have not confirmed the daily report of %(date)s (due %(time)s)"
)
TITLE_DISTRICT = TITLE_STREET
STREET_COUNT = _("%(street)s: %(count)d")
COMMUNITY_KEY = "reports.daily_missing.community"
STREET_KEY = "reports.daily_missing.street"
DISTRICT_KEY = "reports.daily_missing.district"
# Who hears of the reports missing under a unit of each level.
ROLE_AT: dict[str, str] = {
    Level.COMMUNITY: Role.COMMUNITY_STAFF,
    Level.STREET: Role.STREET_OFFICER,
    Level.DISTRICT: Role.DISTRICT_OFFICER,
}
KEY_AT: dict[str, str] = {
    Level.COMMUNITY: COMMUNITY_KEY,
    Level.STREET: STREET_KEY,
    Level.DISTRICT: DISTRICT_KEY,
}


def _people_at(units: list[OrgUnit]) -> dict[int, list]:
    """Unit id → the active users holding its level's role there, in one query."""
    found: dict[int, list] = defaultdict(list)
    if not units:
        return found
    wanted = {(u.pk, ROLE_AT[u.level]) for u in units}
    assignments = RoleAssignment.objects.filter(
        org_unit_id__in=[u.pk for u in units],
        role__in={ROLE_AT[u.level] for u in units},
        user__is_active=True,
    ).select_related("user")
    for a in assignments.order_by("user_id"):
        if (a.org_unit_id, a.role) in wanted:
            found[a.org_unit_id].append(a.user)
    return found


def _sent(day: datetime.date) -> set[str]:
    """The notice keys already sent for ``day``."""
    rows = Notification.objects.filter(words__day=day.isoformat(), words__has_key="key")
    return {words["key"] for words in rows.values_list("words", flat=True)}


def _above(unit: OrgUnit, level: str, units: dict[str, OrgUnit]) -> OrgUnit | None:
    """The unit of ``level`` above ``unit`` among ``units`` (by path), if any."""
    step = OrgUnit.steplen
    for end in range(step, len(unit.path), step):
        found = units.get(unit.path[:end])
        if found is not None and found.level == level:
            return found
    return None


@transaction.atomic
def daily_reports_missing_notify(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Notices of today's reports not confirmed once their deadline has passed by ``now``;
    returns how many notices were sent per level."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    counts = {"communities": 0, "streets": 0, "districts": 0}
    deadline = deadline_of(day)
    # A confirmation within the deadline's minute is on time: wait for the next one.
    if now < deadline + datetime.timedelta(minutes=1):
        return counts
    reported = set(DailyReport.objects.filter(date=day).values_list("unit_id", flat=True))
    communities = OrgUnit.objects.filter(level=Level.COMMUNITY).order_by("path")
    missing = [c for c in communities if c.pk not in reported]
    if not missing:
        return counts
    above = {
        u.path: u
        for u in OrgUnit.objects.filter(level__in=(Level.STREET, Level.DISTRICT)).order_by("path")
    }
    by_street: dict[int, list[OrgUnit]] = defaultdict(list)
    streets: dict[int, OrgUnit] = {}
    districts: dict[int, OrgUnit] = {}
    by_district: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for community in missing:
        street = _above(community, Level.STREET, above)
        district = _above(community, Level.DISTRICT, above)
        if street is not None:
            streets[street.pk] = street
            by_street[street.pk].append(community)
        if district is not None and street is not None:
            districts[district.pk] = district
            by_district[district.pk][street.pk] += 1
    sent = _sent(day)
    people = _people_at([*missing, *streets.values(), *districts.values()])
    values = {"date": day.isoformat(), "time": deadline.strftime("%H:%M")}

    def tell(unit: OrgUnit, title, title_values: dict, body: str) -> bool:
        key = f"{KEY_AT[unit.level]}:{unit.pk}:{day}"
        to = people.get(unit.pk)
        if not to or key in sent:
            return False
        kept = {"unit": unit.name, **values, **title_values}
        notify(
            recipients=to,
            title=str(title % kept),
            body=body,
            words={"title": [KEY_AT[unit.level], kept], "key": key, "day": day.isoformat()},
        )
        return True

    with translation.override(settings.LANGUAGE_CODE):
        for community in missing:
            counts["communities"] += tell(community, TITLE_COMMUNITY, {}, str(BODY_COMMUNITY))
        for street_id, listed in by_street.items():
            street = streets[street_id]
            names = "、".join(c.name for c in listed)
            counts["streets"] += tell(street, TITLE_STREET, {"count": len(listed)}, names)
        for district_id, per_street in by_district.items():
            lines = "；".join(
                str(STREET_COUNT % {"street": streets[s].name, "count": n})
                for s, n in per_street.items()
            )
            total = sum(per_street.values())
            counts["districts"] += tell(
                districts[district_id], TITLE_DISTRICT, {"count": total}, lines
            )
    return counts


@task()
def daily_reports_missing_notify_task() -> dict[str, int]:
    return daily_reports_missing_notify()
