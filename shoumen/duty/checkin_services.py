"""Arriving at a post and leaving it: check-ins and check-outs of one's own shifts (or of
someone's shift, by those who manage duty over the community), from the phone, the API or
the checkpoint's scan page; and the secret of one's calendar feed."""

import datetime
import uuid
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.audit.services import audit_event_record
from shoumen.duty.models import Assignment, CheckIn, CheckKind, DutyPerson, RosterStatus
from shoumen.lib.errors import ERR_OUT_OF_SCOPE, deny

# A check-in is taken from this long before the shift starts until it ends; a check-out
# after the check-in until this long after the shift ends (a late hand-over).
CHECK_IN_EARLY = datetime.timedelta(minutes=60)
CHECK_OUT_LATE = datetime.timedelta(hours=4)
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)

ERR_NOT_PUBLISHED = _("This shift is not in a published roster.")
ERR_SICK = _("This shift was called in sick: it needs no check-in.")
ERR_KIND = _("Choose check-in or check-out.")
ERR_UUID = _("This submission has no valid identifier; reload the page and try again.")
ERR_UUID_REUSED = _("This submission's identifier was already used for another check-in.")
ERR_TOO_EARLY = _("Check-in opens %(minutes)d minutes before the shift starts, at %(time)s.")
ERR_SHIFT_OVER = _("This shift ended at %(time)s: check-in is closed.")
ERR_NOT_CHECKED_IN = _("Check in first: there is no check-in for this shift.")
ERR_OUT_BEFORE_IN = _("The check-out cannot be before the check-in at %(time)s.")
ERR_OUT_CLOSED = _("Check-out closed at %(time)s, %(hours)d hours after the shift ended.")
ERR_IN_FUTURE = _("The time cannot be in the future.")
ERR_ALREADY_IN = _("You already checked in for this shift at %(time)s.")
ERR_ALREADY_OUT = _("You already checked out of this shift at %(time)s.")
ERR_NOT_ON_DUTY = _("You are not on duty anywhere: there is no calendar feed to renew.")

ACTION_LABELS = {
    "shift.check_in": _("Checked in for a shift"),
    "shift.check_out": _("Checked out of a shift"),
    "calendar.reset": _("Calendar feed address renewed"),
}


class AlreadyChecked(ValidationError):
    """The shift already has a check of this kind under another client UUID (409 in the
    API)."""

    def __init__(self, message, existing: CheckIn):
        super().__init__(message)
        self.existing = existing


class Recorded(NamedTuple):
    check_in: CheckIn
    replay: bool


def is_own(user, assignment: Assignment) -> bool:
    """Whether ``assignment`` is a shift of one of the people on duty ``user`` is."""
    person = assignment.person
    if not user.is_authenticated:
        return False
    if person.user_id is not None and person.user_id == user.pk:
        return True
    volunteer = person.volunteer if person.volunteer_id is not None else None
    return volunteer is not None and volunteer.user_id == user.pk


def may_check_in(user, assignment: Assignment) -> bool:
    return is_own(user, assignment) or can(user, Perm.MANAGE_DUTY, assignment.roster.community)


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _already(existing: CheckIn) -> AlreadyChecked:
    message = ERR_ALREADY_IN if existing.kind == CheckKind.IN else ERR_ALREADY_OUT
    return AlreadyChecked(message % {"time": _local(existing.at)}, existing)


def _replay_of(client_uuid: uuid.UUID, assignment: Assignment, kind: str) -> CheckIn | None:
    existing = CheckIn.objects.filter(client_uuid=client_uuid).first()
    if existing is None:
        return None
    if existing.assignment_id != assignment.pk or existing.kind != kind:
        raise ValidationError({"client_uuid": [ERR_UUID_REUSED]})
    return existing


def _check_window(assignment: Assignment, kind: str, at: datetime.datetime) -> None:
    if kind == CheckKind.IN:
        opens = assignment.starts_at - CHECK_IN_EARLY
        if at < opens:
            minutes = int(CHECK_IN_EARLY.total_seconds() // 60)
            raise ValidationError(ERR_TOO_EARLY % {"minutes": minutes, "time": _local(opens)})
        if at > assignment.ends_at:
            raise ValidationError(ERR_SHIFT_OVER % {"time": _local(assignment.ends_at)})
        return
    checked_in = CheckIn.objects.filter(assignment=assignment, kind=CheckKind.IN).first()
    if checked_in is None:
        raise ValidationError(ERR_NOT_CHECKED_IN)
    if at < checked_in.at:
        raise ValidationError(ERR_OUT_BEFORE_IN % {"time": _local(checked_in.at)})
    closes = assignment.ends_at + CHECK_OUT_LATE
    if at > closes:
        hours = int(CHECK_OUT_LATE.total_seconds() // 3600)
        raise ValidationError(ERR_OUT_CLOSED % {"time": _local(closes), "hours": hours})


def _as_uuid(value) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise ValidationError({"client_uuid": [ERR_UUID]}) from None


def check_in_record(
    *,
    actor,
    assignment: Assignment,
    kind: str,
    client_uuid: uuid.UUID | str,
    at: datetime.datetime | None = None,
    from_scan_page: bool = False,
) -> Recorded:
    """Record arriving at (``kind`` "in") or leaving (``kind`` "out") ``assignment``'s
    post, by the person themselves or by someone managing duty over the community. A
    replayed ``client_uuid`` answers the first record (``replay`` True) and changes
    nothing; a second check of the same kind under another UUID is refused
    (AlreadyChecked)."""
    if not may_check_in(actor, assignment):
        raise deny(ERR_OUT_OF_SCOPE)
    client_uuid = _as_uuid(client_uuid)
    if kind not in CheckKind.values:
        raise ValidationError({"kind": [ERR_KIND]})
    existing = _replay_of(client_uuid, assignment, kind)
    if existing is not None:
        return Recorded(existing, True)
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if assignment.roster.status != RosterStatus.PUBLISHED:
        raise ValidationError(ERR_NOT_PUBLISHED)
    if assignment.absent:
        raise ValidationError(ERR_SICK)
    if at > now + CLOCK_SKEW:
        raise ValidationError({"at": [ERR_IN_FUTURE]})
    taken = CheckIn.objects.filter(assignment=assignment, kind=kind).first()
    if taken is not None:
        if taken.client_uuid == client_uuid:
            return Recorded(taken, True)
        raise _already(taken)
    _check_window(assignment, kind, at)
    return _write(
        actor=actor,
        assignment=assignment,
        kind=kind,
        client_uuid=client_uuid,
        at=at,
        from_scan_page=from_scan_page,
    )


@transaction.atomic
def _write(*, actor, assignment, kind, client_uuid, at, from_scan_page) -> Recorded:
    check = CheckIn(
        assignment=assignment,
        kind=kind,
        at=at,
        from_scan_page=from_scan_page,
        recorded_by=actor,
        client_uuid=client_uuid,
    )
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:
        # A copy with this UUID, or another check of this kind, committed meanwhile.
        replayed = _replay_of(client_uuid, assignment, kind)
        if replayed is not None:
            return Recorded(replayed, True)
        taken = CheckIn.objects.filter(assignment=assignment, kind=kind).first()
        if taken is None:
            raise
        raise _already(taken) from None
    audit_event_record(
        actor=actor,
        action="shift.check_in" if kind == CheckKind.IN else "shift.check_out",
        target=check,
        org_path=assignment.roster.community.path,
        changes={
            "assignment": assignment.pk,
            "at": at.isoformat(),
            "from_scan_page": from_scan_page,
            "for_self": is_own(actor, assignment),
        },
    )
    return Recorded(check, False)


@transaction.atomic
def calendar_token_reset(*, actor) -> list[DutyPerson]:
    """Give each person on duty ``actor`` is a new calendar feed address: the old one stops
    answering."""
    from shoumen.duty.selectors import me_on_duty

    people = me_on_duty(actor)
    if not people:
        raise ValidationError(ERR_NOT_ON_DUTY)
    for person in people:
        person.calendar_token = uuid.uuid4()
        person.save(update_fields=["calendar_token"])
        audit_event_record(
            actor=actor, action="calendar.reset", target=person, org_path=person.community.path
        )
    return people


def register() -> None:
    """Hooks into lower apps, called once at start-up: the check-in box on the scan page
    of a checkpoint whose post one stands now."""
    from shoumen.checkpoints import scan_extras
    from shoumen.duty.my_views import scan_page_check_in

    scan_extras.register("duty_check_in", scan_page_check_in)
