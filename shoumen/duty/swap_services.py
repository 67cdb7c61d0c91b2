"""Swaps on a published roster: someone on duty hands a shift of theirs to a colleague (or
exchanges it for one of the colleague's), and community staff approve it once the
independent checker finds that the roster as it would be afterwards keeps every hard rule.

An approval that would break a rule is refused on the spot: the swap becomes ``refused``
with the rules it would break kept in ``Swap.problems`` (in words on every page), and the
requester is told; a new request can be made once things change. A refused swap never
comes back to life, so what staff saw when they decided is what the record says."""

import uuid
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.alerts import messages
from shoumen.audit.services import audit_event_record
from shoumen.duty import cover_services
from shoumen.duty import rostering as r
from shoumen.duty.models import (
    Assignment,
    AssignmentSource,
    DutyPerson,
    RosterStatus,
    Swap,
    SwapStatus,
)
from shoumen.duty.problem import spec_of
from shoumen.duty.swap_people import is_own, login_of, manages, shift_words, staff_of, tell
from shoumen.duty.swap_problems import added_violations, problems_of, roster_now, texts_of
from shoumen.lib.errors import deny
from shoumen.lib.text import clean_line

ERR_NOT_YOURS = _("Only the person on this shift or community staff can ask to swap it.")
ERR_NOT_PUBLISHED = _("Only shifts of a published roster can be swapped.")
ERR_PAST_SHIFT = _("This shift has started or is over; only shifts still to come can be swapped.")
ERR_SICK_SHIFT = _("This shift was called in sick; it cannot be swapped.")
ERR_PARTNER_SELF = _("Choose someone other than the person on the shift.")
ERR_PARTNER_ELSEWHERE = _("Choose an active person on duty of the same community.")
ERR_PARTNER_SHIFT = _("Choose one of the partner's own shifts still to come in the same roster.")
ERR_PARTNER_ON_SHIFT = _("The partner is on this shift already.")
ERR_PENDING = _("A swap of this shift is already waiting for a decision.")
ERR_DECIDED = _("This swap was decided already.")
ERR_NOT_PENDING = _("Only a swap waiting for a decision can be withdrawn.")
ERR_NOT_REQUESTER = _("Only whoever asked for the swap can withdraw it.")
ERR_REASON_LONG = _("Reason: use at most 200 characters.")
ERR_CHANGED = _("The shifts of this swap changed meanwhile; it can no longer be approved.")

TITLE_REQUESTED = _("Swap request: %(name)s asks %(partner)s to take %(post)s %(date)s %(shift)s")
TITLE_APPROVED = _("Swap approved: %(partner)s takes %(post)s %(date)s %(shift)s")
TITLE_REFUSED = _("Swap refused: %(post)s %(date)s %(shift)s stays with %(name)s")
KEY_REQUESTED = "duty.swap_requested"
KEY_APPROVED = "duty.swap_approved"
KEY_REFUSED = "duty.swap_refused"

ACTION_LABELS = {
    "swap.request": _("Shift swap requested"),
    "swap.approve": _("Shift swap approved"),
    "swap.refuse": _("Shift swap refused"),
    "swap.withdraw": _("Shift swap withdrawn"),
    **cover_services.ACTION_LABELS,
}


def register() -> None:
    """Notification texts, each rendered in its reader's language; call once at start-up."""
    messages.register(KEY_REQUESTED, TITLE_REQUESTED)
    messages.register(KEY_APPROVED, TITLE_APPROVED)
    messages.register(KEY_REFUSED, TITLE_REFUSED)
    cover_services.register()


# Checks ----------------------------------------------------------------------------------


def _check_open(assignment: Assignment, field: str = "assignment") -> None:
    if assignment.roster.status != RosterStatus.PUBLISHED:
        raise ValidationError({field: [ERR_NOT_PUBLISHED]})
    if assignment.absent:
        raise ValidationError({field: [ERR_SICK_SHIFT]})
    if assignment.starts_at <= timezone.now():
        raise ValidationError({field: [ERR_PAST_SHIFT]})


def _pending_on(assignments: list[Assignment]) -> Q:
    ids = [a.pk for a in assignments]
    return Q(status=SwapStatus.PENDING) & (Q(assignment__in=ids) | Q(partner_assignment__in=ids))


def _locked(pk: int) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("roster__community", "shift__post", "person__volunteer")
        .get(pk=pk)
    )


def after_swap(
    swap: Swap, now: tuple[r.Problem, list[r.Assignment]] | None = None
) -> tuple[r.Problem, list[r.Assignment], list[r.Assignment]]:
    """The roster's problem, its shifts now and its shifts as they would be after ``swap``
    (``now``: the roster's problem and shifts, when already read)."""
    assignment = swap.assignment
    problem, before = now or roster_now(assignment.roster)
    giver = assignment.person_id
    mine = spec_of(assignment)
    theirs = spec_of(swap.partner_assignment) if swap.partner_assignment is not None else None
    after = []
    for spec in before:
        if spec.key == mine.key:
            spec = replace(spec, person=swap.partner_id)
        elif theirs is not None and spec.key == theirs.key:
            spec = replace(spec, person=giver)
        after.append(spec)
    return problem, before, after


def swap_problems(
    swap: Swap, now: tuple[r.Problem, list[r.Assignment]] | None = None
) -> list[dict]:
    """The rules ``swap`` would break on the roster as the database holds it now."""
    problem, before, after = after_swap(swap, now)
    return problems_of(added_violations(problem, before, after))


def pending_problems(swaps: list[Swap]) -> list[list[str]]:
    """For each pending swap, the rules it would break now, in words (each roster read
    once)."""
    read: dict[int, tuple[r.Problem, list[r.Assignment]]] = {}
    out = []
    for swap in swaps:
        roster = swap.assignment.roster
        if roster.pk not in read:
            read[roster.pk] = roster_now(roster)
        out.append(texts_of(swap_problems(swap, read[roster.pk])))
    return out


# Services --------------------------------------------------------------------------------


def swap_request(
    *,
    actor,
    assignment: Assignment,
    partner: DutyPerson,
    partner_assignment: Assignment | None = None,
    reason: str = "",
    client_uuid: uuid.UUID | str,
) -> tuple[Swap, bool]:
    """Ask for ``assignment``'s shift to go to ``partner`` (with ``partner_assignment``
    coming back: an exchange). By the person on the shift or community staff. Returns
    (swap, created): a replayed ``client_uuid`` returns the first swap and changes nothing,
    also when copies arrive at once."""
    existing = Swap.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return existing, False
    reason = clean_line(reason or "")
    if len(reason) > 200:
        raise ValidationError({"reason": [ERR_REASON_LONG]})
    with transaction.atomic():
        assignment = _locked(assignment.pk)
        if not (is_own(actor, assignment.person) or manages(actor, assignment)):
            raise deny(ERR_NOT_YOURS)
        existing = Swap.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing, False
        _check_open(assignment)
        community_id = assignment.roster.community_id
        if partner.pk == assignment.person_id:
            raise ValidationError({"partner": [ERR_PARTNER_SELF]})
        if partner.community_id != community_id or not partner.is_active:
            raise ValidationError({"partner": [ERR_PARTNER_ELSEWHERE]})
        if Assignment.objects.filter(
            roster=assignment.roster,
            shift=assignment.shift,
            date=assignment.date,
            person=partner,
            absent=False,
        ).exists():
            raise ValidationError({"partner": [ERR_PARTNER_ON_SHIFT]})
        rows = [assignment]
        if partner_assignment is not None:
            partner_assignment = _locked(partner_assignment.pk)
            if (
                partner_assignment.person_id != partner.pk
                or partner_assignment.roster_id != assignment.roster_id
                or partner_assignment.pk == assignment.pk
            ):
                raise ValidationError({"partner_assignment": [ERR_PARTNER_SHIFT]})
            _check_open(partner_assignment, "partner_assignment")
            rows.append(partner_assignment)
        if Swap.objects.filter(_pending_on(rows)).exists():
            raise ValidationError({"assignment": [ERR_PENDING]})
        swap = Swap(
            assignment=assignment,
            partner=partner,
            partner_assignment=partner_assignment,
            reason=reason,
            requested_by=actor,
            client_uuid=client_uuid,
        )
        try:
            with transaction.atomic():
                swap.save(force_insert=True)
        except IntegrityError:
            winner = Swap.objects.filter(client_uuid=client_uuid).first()
            if winner is None:
                raise
            return winner, False
        audit_event_record(
            actor=actor,
            action="swap.request",
            target=swap,
            org_path=assignment.roster.community.path,
            changes={
                "assignment": assignment.pk,
                "person": assignment.person_id,
                "partner": partner.pk,
                "partner_assignment": partner_assignment.pk if partner_assignment else None,
            },
        )
        values = {**shift_words(assignment), "partner": partner.name}
        tell(
            [login_of(partner), *staff_of(assignment.roster.community)],
            KEY_REQUESTED,
            TITLE_REQUESTED,
            values,
        )
    return swap, True


def _locked_swap(swap: Swap) -> Swap:
    return (
        Swap.objects.select_for_update(of=("self",))
        .select_related(
            "assignment__roster__community",
            "assignment__shift__post",
            "assignment__person__volunteer",
            "partner__volunteer",
            "partner_assignment__shift__post",
            "requested_by",
        )
        .get(pk=swap.pk)
    )


def _decided(swap: Swap, actor, status: str, problems: list[dict] | None = None) -> Swap:
    swap.status = status
    swap.decided_by = actor
    swap.decided_at = timezone.now()
    fields = ["status", "decided_by", "decided_at"]
    if problems is not None:
        swap.problems = problems
        fields.append("problems")
    swap.save(update_fields=fields)
    return swap


def _tell_decision(swap: Swap, giver: DutyPerson) -> None:
    values = {**shift_words(swap.assignment), "name": giver.name, "partner": swap.partner.name}
    recipients = [swap.requested_by, login_of(giver)]
    if swap.status == SwapStatus.APPROVED:
        recipients.append(login_of(swap.partner))
        tell(recipients, KEY_APPROVED, TITLE_APPROVED, values)
    else:
        tell(recipients, KEY_REFUSED, TITLE_REFUSED, values)


def swap_approve(*, actor, swap: Swap) -> Swap:
    """Approve ``swap`` (community staff): the checker runs on the roster as it would be
    afterwards. Every hard rule kept: the shifts change hands (source "swap") at once.
    A rule broken: the swap is refused with the rules in ``problems``. Check the returned
    swap's status. Approving an approved swap again changes nothing."""
    with transaction.atomic():
        swap = _locked_swap(swap)
        assignment = swap.assignment
        require(actor, Perm.MANAGE_DUTY, assignment.roster.community)
        if swap.status == SwapStatus.APPROVED:
            return swap
        if swap.status != SwapStatus.PENDING:
            raise ValidationError(ERR_DECIDED)
        assignment = _locked(assignment.pk)
        swap.assignment = assignment
        theirs = None
        if swap.partner_assignment_id:
            theirs = _locked(swap.partner_assignment_id)
            swap.partner_assignment = theirs
        _check_open(assignment)
        if theirs is not None:
            _check_open(theirs, "partner_assignment")
            if theirs.person_id != swap.partner_id:
                raise ValidationError(ERR_CHANGED)
        if assignment.person_id == swap.partner_id:
            raise ValidationError(ERR_CHANGED)
        giver = assignment.person
        problems = swap_problems(swap)
        path = assignment.roster.community.path
        if problems:
            _decided(swap, actor, SwapStatus.REFUSED, problems)
            audit_event_record(
                actor=actor,
                action="swap.refuse",
                target=swap,
                org_path=path,
                changes={"rules": [p["rule"] for p in problems], "by_checker": True},
            )
            _tell_decision(swap, giver)
            return swap
        assignment.person = swap.partner
        assignment.source = AssignmentSource.SWAP
        assignment.save(update_fields=["person", "source"])
        if theirs is not None:
            theirs.person = giver
            theirs.source = AssignmentSource.SWAP
            theirs.save(update_fields=["person", "source"])
        _decided(swap, actor, SwapStatus.APPROVED, [])
        audit_event_record(
            actor=actor,
            action="swap.approve",
            target=swap,
            org_path=path,
            changes={
                "assignment": assignment.pk,
                "from": giver.pk,
                "to": swap.partner_id,
                "partner_assignment": theirs.pk if theirs else None,
            },
        )
        _tell_decision(swap, giver)
    return swap


def swap_refuse(*, actor, swap: Swap) -> Swap:
    """Refuse ``swap`` (community staff); refusing a refused swap again changes nothing."""
    with transaction.atomic():
        swap = _locked_swap(swap)
        require(actor, Perm.MANAGE_DUTY, swap.assignment.roster.community)
        if swap.status == SwapStatus.REFUSED:
            return swap
        if swap.status != SwapStatus.PENDING:
            raise ValidationError(ERR_DECIDED)
        _decided(swap, actor, SwapStatus.REFUSED)
        audit_event_record(
            actor=actor,
            action="swap.refuse",
            target=swap,
            org_path=swap.assignment.roster.community.path,
            changes={"by_checker": False},
        )
        _tell_decision(swap, swap.assignment.person)
    return swap


def swap_withdraw(*, actor, swap: Swap) -> Swap:
    """Withdraw a pending swap: by whoever asked for it, or the person on the shift."""
    with transaction.atomic():
        swap = _locked_swap(swap)
        own = swap.requested_by_id == actor.pk or is_own(actor, swap.assignment.person)
        if not own:
            raise deny(ERR_NOT_REQUESTER)
        if swap.status == SwapStatus.WITHDRAWN:
            return swap
        if swap.status != SwapStatus.PENDING:
            raise ValidationError(ERR_NOT_PENDING)
        _decided(swap, actor, SwapStatus.WITHDRAWN)
        audit_event_record(
            actor=actor,
            action="swap.withdraw",
            target=swap,
            org_path=swap.assignment.roster.community.path,
        )
    return swap


def problem_texts(swap: Swap) -> list[str]:
    """The problems kept on a decided swap, in the reader's language."""
    return texts_of(swap.problems or [])
