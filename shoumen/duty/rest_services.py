"""Rest notices (休假通知书): ordering someone who has gone too long without a day off to
rest. The notice adds an absence of kind "rest" for its days, so that the next roster
solved for the community leaves them off (problem.py reads it as leave)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.duty.models import Absence, AbsenceKind, DutyPerson, RestNotice
from shoumen.duty.rest import days_without_rest
from shoumen.lib.dates import today

# The longest rest one notice orders, and how far ahead it may start.
MAX_REST_DAYS = 14
MAX_DAYS_AHEAD = 14

ERR_FROM_PAST = _("The rest starts today or later.")
ERR_DATES_ORDER = _("The last day of rest comes before the first.")
ERR_TOO_LONG = _("A rest notice covers at most %(days)d days.")
ERR_TOO_FAR = _("The rest starts within the next %(days)d days.")
ERR_INACTIVE = _("This person no longer stands duty.")
NOTE_REST = _("Rest notice no. %(number)s")

ACTION_LABELS = {
    "rest_notice.issue": _("Rest notice issued"),
    "rest_notice.download": _("Rest notice downloaded"),
    "duty_hours.export": _("Duty hours ledger exported"),
}


def _check_dates(rest_from: datetime.date, rest_to: datetime.date) -> None:
    current = today()
    if rest_from < current:
        raise ValidationError({"rest_from": [ERR_FROM_PAST]})
    if rest_from > current + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"rest_from": [ERR_TOO_FAR % {"days": MAX_DAYS_AHEAD}]})
    if rest_to < rest_from:
        raise ValidationError({"rest_to": [ERR_DATES_ORDER]})
    if (rest_to - rest_from).days + 1 > MAX_REST_DAYS:
        raise ValidationError({"rest_to": [ERR_TOO_LONG % {"days": MAX_REST_DAYS}]})


def notice_number(notice: RestNotice) -> str:
    return f"XJ-{notice.rest_from.year}-{notice.pk:05d}"


def rest_notice_issue(
    *, actor, person: DutyPerson, rest_from: datetime.date, rest_to: datetime.date
) -> RestNotice:
    """Order ``person`` to rest from ``rest_from`` to ``rest_to`` (both included): a rest
    notice recording their days on duty without a day off as of today, and an absence of
    kind "rest" for those days. Issuing the same days again returns the notice already
    issued and writes nothing."""
    require(actor, Perm.MANAGE_DUTY, person.community)
    if not person.is_active:
        raise ValidationError(ERR_INACTIVE)
    _check_dates(rest_from, rest_to)
    with transaction.atomic():
        DutyPerson.objects.select_for_update().filter(pk=person.pk).first()
        same = RestNotice.objects.filter(person=person, rest_from=rest_from, rest_to=rest_to)
        if (existing := same.first()) is not None:
            return existing
        notice = RestNotice.objects.create(
            person=person,
            days_without_rest=min(days_without_rest(person, today()), 32767),
            rest_from=rest_from,
            rest_to=rest_to,
            issued_by=actor,
        )
        Absence.objects.create(
            person=person,
            kind=AbsenceKind.REST,
            starts_on=rest_from,
            ends_on=rest_to,
            note=str(NOTE_REST % {"number": notice_number(notice)}),
            created_by=actor,
        )
        audit_event_record(
            actor=actor,
            action="rest_notice.issue",
            target=notice,
            org_path=person.community.path,
            changes={
                "person": person.pk,
                "from": rest_from.isoformat(),
                "to": rest_to.isoformat(),
                "days_without_rest": notice.days_without_rest,
            },
        )
    return notice


def register() -> None:
    """The rest alerts' inbox texts, rendered in each reader's language, and the rest
    notices' audit events in words."""
    from shoumen.alerts import messages
    from shoumen.audit.labels import register_target
    from shoumen.duty import rest_tasks

    register_target(
        "duty.restnotice",
        labels={
            "from": _("Rest from"),
            "to": _("Rest to"),
            "number": _("Number"),
            "format": _("Format"),
        },
    )

    messages.register(rest_tasks.TITLE_KEY, rest_tasks.TITLE_PAST_LIMIT)
    messages.register(rest_tasks.BODY_KEY, rest_tasks.BODY_PAST_LIMIT)
