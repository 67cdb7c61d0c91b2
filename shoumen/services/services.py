"""Every write on service requests: asked (by one of three doors), assigned, delivered,
confirmed, cancelled. Each is audited; creating is idempotent on ``client_uuid`` (a replay
returns the first request and changes nothing, also when copies arrive at once).

Who may do what:
- ask by a call: whoever manages services over the resident's grid;
- ask by a visit: the visit's recorder (the visit was authorised already);
- ask by the resident's own link: the link, for its persons (no login);
- assign, cancel, confirm on the resident's word: who manages services over the grid;
- mark delivered: the same, or the assigned volunteer's or cadre's login;
- confirm received: the resident through their link, or staff on their word."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers, require
from shoumen.alerts import messages
from shoumen.alerts.notify import notify
from shoumen.audit.services import audit_event_record
from shoumen.lib.errors import deny
from shoumen.lib.text import clean_line
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Household, Person, Status, Volunteer, VolunteerStatus
from shoumen.services import overdue
from shoumen.services.models import (
    OPEN_STATUSES,
    Door,
    Kind,
    RequestStatus,
    ServiceRequest,
    Urgency,
)
from shoumen.services.rules import clean_note, due_at_for, standing_max_days

ERR_KIND = _("Choose what kind of help is needed.")
ERR_URGENCY = _("Choose how urgent it is: normal, today or urgent.")
ERR_DOOR = _("Unknown way of asking for help.")
ERR_UUID_REUSED = _("This client UUID was used for another request.")
ERR_NOBODY = _("Choose the resident or household the help is for.")
ERR_NOT_RESIDENT = _("This person no longer lives here.")
ERR_NOT_ON_LINK = _("This link does not cover that person.")
ERR_VISIT_NEEDED = _("A request from a visit needs the visit.")
ERR_STANDING_UNTIL = _("Give the last day of the daily delivery, from today up to %(days)d days.")
ERR_NOT_OPEN = _("This request is no longer open.")
ERR_NOT_DONE = _("Only a delivered request can be confirmed as received.")
ERR_ASSIGNEE = _("Choose one volunteer or one member of staff.")
ERR_VOLUNTEER = _("Choose an active volunteer of the request's community.")
ERR_CADRE = _("Choose staff who work for the request's grid.")
ERR_NOT_ASSIGNEE = _("Only the person assigned, or staff managing services, can mark it done.")
ERR_DONE_NOTE = _("Say in a few words what was delivered.")
ERR_CANCEL_REASON = _("Give a reason for cancelling (at most 200 characters).")

KEY_ASSIGNED = "services.assigned.%s"
# One text per kind, so that each reader reads the kind in their own language.
TITLES_ASSIGNED = {
    Kind.GROCERIES: _("Service task: groceries in %(grid)s, due %(due)s"),
    Kind.MEDICINE: _("Service task: medicine in %(grid)s, due %(due)s"),
    Kind.DOCTOR: _("Service task: seeing a doctor in %(grid)s, due %(due)s"),
    Kind.TRANSPORT: _("Service task: transport in %(grid)s, due %(due)s"),
    Kind.PSYCHOLOGICAL: _("Service task: someone to talk to in %(grid)s, due %(due)s"),
    Kind.OTHER: _("Service task: other help in %(grid)s, due %(due)s"),
}

ACTION_LABELS = {
    "service_request.create": _("Service request made"),
    "service_request.assign": _("Service request assigned"),
    "service_request.done": _("Service delivered"),
    "service_request.confirm": _("Service confirmed received"),
    "service_request.cancel": _("Service request cancelled"),
}


def register() -> None:
    for kind, title in TITLES_ASSIGNED.items():
        messages.register(KEY_ASSIGNED % kind, title)


def link_label(link) -> str:
    return f"self-report link {link.pk}"


def _actor_label(actor, link) -> str | None:
    return link_label(link) if actor is None and link is not None else None


def _record(actor, action: str, req: ServiceRequest, changes: dict, *, link=None) -> None:
    audit_event_record(
        actor=actor,
        action=action,
        target=req,
        org_path=req.grid.path,
        changes=changes,
        actor_label=_actor_label(actor, link),
    )


def _link_persons(link) -> list[Person]:
    from shoumen.observation.links import link_subjects

    return link_subjects(link)


def _check_choices(kind: str, urgency: str) -> None:
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = [ERR_KIND]
    if urgency not in Urgency.values:
        errors["urgency"] = [ERR_URGENCY]
    if errors:
        raise ValidationError(errors)


def _standing_until(standing: bool, until: datetime.date | None, day: datetime.date):
    if not standing:
        return None
    last = day + datetime.timedelta(days=standing_max_days())
    if until is None or not day <= until <= last:
        raise ValidationError(
            {"standing_until": [ERR_STANDING_UNTIL % {"days": standing_max_days()}]}
        )
    return until


def _whom(person: Person | None, household: Household | None) -> tuple:
    if person is not None:
        if person.status != Status.RESIDENT:
            raise ValidationError({"person": [ERR_NOT_RESIDENT]})
        return person, person.household, person.grid
    if household is not None:
        return None, household, household.grid
    raise ValidationError({"person": [ERR_NOBODY]})


def request_create(
    *,
    actor,
    door: str,
    kind: str,
    urgency: str = Urgency.NORMAL,
    note: str = "",
    person: Person | None = None,
    household: Household | None = None,
    visit=None,
    link=None,
    standing: bool = False,
    standing_until: datetime.date | None = None,
    client_uuid: uuid.UUID | str,
) -> tuple[ServiceRequest, bool]:
    """A new request for ``person`` (or their ``household``). Returns (request, created);
    a replay of the same request returns the first, another request under its client UUID
    is refused."""
    existing = _replay(client_uuid, kind=kind, person=person, household=household)
    if existing is not None:
        return existing, False
    if door not in Door.values:
        raise ValidationError({"door": [ERR_DOOR]})
    _check_choices(kind, urgency)
    person, household, grid = _whom(person, household)
    if door == Door.CALL:
        require(actor, Perm.MANAGE_SERVICES, grid)
    elif door == Door.VISIT:
        if visit is None:
            raise ValidationError({"visit": [ERR_VISIT_NEEDED]})
    elif link is None or person is None or person.pk not in {p.pk for p in _link_persons(link)}:
        raise ValidationError({"person": [ERR_NOT_ON_LINK]})
    note = clean_note(note)
    now = timezone.now()
    until = _standing_until(standing, standing_until, timezone.localdate(now))
    req = ServiceRequest(
        community=OrgUnit.objects.get_parent(grid),
        grid=grid,
        household=household,
        person=person,
        kind=kind,
        urgency=urgency,
        note=note,
        door=door,
        visit=visit,
        standing=standing,
        standing_until=until,
        for_day=timezone.localdate(now) if standing else None,
        due_at=due_at_for(urgency, now),
        created_by=actor if getattr(actor, "pk", None) else None,
        client_uuid=client_uuid,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                req.save(force_insert=True)
        except IntegrityError:
            winner = _replay(client_uuid, kind=kind, person=person, household=household)
            if winner is None:
                raise
            return winner, False
        _record(
            actor,
            "service_request.create",
            req,
            {
                "door": door,
                "kind": kind,
                "urgency": urgency,
                "person": person.pk if person else None,
                "household": household.pk if household else None,
                "visit": visit.pk if visit is not None else None,
                "standing_until": until.isoformat() if until else None,
            },
            link=link,
        )
    return req, True


def _replay(client_uuid, *, kind: str, person, household) -> ServiceRequest | None:
    """The request already made under ``client_uuid``, when it is the same request."""
    existing = ServiceRequest.objects.filter(client_uuid=client_uuid).first()
    if existing is None:
        return None
    same_whom = (
        existing.person_id == person.pk
        if person is not None
        else household is not None and existing.household_id == household.pk
    )
    if existing.kind != kind or not same_whom:
        raise ValidationError({"client_uuid": [ERR_UUID_REUSED]})
    return existing


def _locked(req: ServiceRequest) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("grid", "community", "volunteer", "cadre")
        .get(pk=req.pk)
    )


def _tell_assigned(req: ServiceRequest) -> None:
    recipients = [req.cadre, req.volunteer.user if req.volunteer else None]
    values = {
        "grid": req.grid.name,
        "due": timezone.localtime(req.due_at).strftime("%m-%d %H:%M"),
    }
    title = TITLES_ASSIGNED[Kind(req.kind)]
    with translation.override(settings.LANGUAGE_CODE):
        text = str(title % values)
    notify(
        recipients=recipients,
        title=text,
        words={"title": messages.words(KEY_ASSIGNED % req.kind, values)},
    )


def request_assign(
    *, actor, request: ServiceRequest, volunteer: Volunteer | None = None, cadre=None
) -> ServiceRequest:
    """Give an open request to one volunteer of its community or to one member of staff
    working for its grid (a 包保 cadre, a grid worker). Assigning again hands it over."""
    require(actor, Perm.MANAGE_SERVICES, request.grid)
    if (volunteer is None) == (cadre is None):
        raise ValidationError({"volunteer": [ERR_ASSIGNEE]})
    with transaction.atomic():
        req = _locked(request)
        if req.status not in OPEN_STATUSES:
            raise ValidationError(ERR_NOT_OPEN)
        if volunteer is not None and (
            volunteer.community_id != req.community_id
            or not volunteer.is_active
            or volunteer.status != VolunteerStatus.APPROVED
        ):
            raise ValidationError({"volunteer": [ERR_VOLUNTEER]})
        if cadre is not None and not covers(cadre, Perm.MANAGE_SERVICES, req.grid.path):
            raise ValidationError({"cadre": [ERR_CADRE]})
        same = (req.volunteer_id, req.cadre_id) == (
            volunteer.pk if volunteer else None,
            cadre.pk if cadre else None,
        )
        if same and req.status == RequestStatus.ASSIGNED:
            return req
        req.volunteer, req.cadre = volunteer, cadre
        req.status = RequestStatus.ASSIGNED
        req.assigned_at, req.assigned_by = timezone.now(), actor
        req.save(update_fields=["volunteer", "cadre", "status", "assigned_at", "assigned_by"])
        _record(
            actor,
            "service_request.assign",
            req,
            {"volunteer": req.volunteer_id, "cadre": req.cadre_id},
        )
        _tell_assigned(req)
    return req


def is_assignee(actor, req: ServiceRequest) -> bool:
    if actor is None or not getattr(actor, "pk", None):
        return False
    if req.cadre_id is not None and req.cadre_id == actor.pk:
        return True
    return req.volunteer is not None and req.volunteer.user_id == actor.pk


def can_mark_done(actor, req: ServiceRequest) -> bool:
    return is_assignee(actor, req) or covers(actor, Perm.MANAGE_SERVICES, req.grid.path)


def request_done(*, actor, request: ServiceRequest, note: str) -> ServiceRequest:
    """Mark an open request delivered, saying what was brought. Marking a delivered request
    again changes nothing. Its overdue alert, if any, is resolved."""
    with transaction.atomic():
        req = _locked(request)
        if not can_mark_done(actor, req):
            raise deny(ERR_NOT_ASSIGNEE)
        if req.status in (RequestStatus.DONE, RequestStatus.CONFIRMED):
            return req
        if req.status not in OPEN_STATUSES:
            raise ValidationError(ERR_NOT_OPEN)
        note = clean_note(note)
        if len(clean_line(note)) < 2:
            raise ValidationError({"note": [ERR_DONE_NOTE]})
        req.status = RequestStatus.DONE
        req.done_at, req.done_by, req.done_note = timezone.now(), actor, note
        req.save(update_fields=["status", "done_at", "done_by", "done_note"])
        _record(actor, "service_request.done", req, {"status": req.status})
        overdue.overdue_alert_resolve(actor=actor, request=req)
    return req


def request_confirm(*, actor, request: ServiceRequest, link=None) -> ServiceRequest:
    """The resident confirms that what was delivered arrived: through their link
    (``actor`` None, ``link`` given) or staff on their word. Again changes nothing."""
    with transaction.atomic():
        req = _locked(request)
        if link is not None and actor is None:
            persons = _link_persons(link)
            households = {p.household_id for p in persons}
            if req.person_id not in {p.pk for p in persons} and (
                req.household_id not in households
            ):
                raise ValidationError({"request": [ERR_NOT_ON_LINK]})
        else:
            require(actor, Perm.MANAGE_SERVICES, req.grid)
        if req.status == RequestStatus.CONFIRMED:
            return req
        if req.status != RequestStatus.DONE:
            raise ValidationError(ERR_NOT_DONE)
        req.status = RequestStatus.CONFIRMED
        req.confirmed_at = timezone.now()
        req.confirmed_by = actor if getattr(actor, "pk", None) else None
        req.save(update_fields=["status", "confirmed_at", "confirmed_by"])
        _record(
            actor,
            "service_request.confirm",
            req,
            {"by_link": actor is None},
            link=link,
        )
    return req


def request_cancel(*, actor, request: ServiceRequest, reason: str) -> ServiceRequest:
    """Cancel an open request (no longer needed, asked twice); a standing delivery stops."""
    require(actor, Perm.MANAGE_SERVICES, request.grid)
    reason = clean_line(reason or "")
    if not 2 <= len(reason) <= 200:
        raise ValidationError({"reason": [ERR_CANCEL_REASON]})
    with transaction.atomic():
        req = _locked(request)
        if req.status == RequestStatus.CANCELLED:
            return req
        if req.status not in OPEN_STATUSES and not req.standing:
            raise ValidationError(ERR_NOT_OPEN)
        fields = ["cancelled_at", "cancel_reason"]
        if req.status in OPEN_STATUSES:
            req.status = RequestStatus.CANCELLED
            fields.append("status")
        if req.standing:
            req.standing_until = timezone.localdate() - datetime.timedelta(days=1)
            fields.append("standing_until")
        req.cancelled_at, req.cancel_reason = timezone.now(), reason
        req.save(update_fields=fields)
        _record(actor, "service_request.cancel", req, {"status": req.status}, link=None)
        overdue.overdue_alert_resolve(actor=actor, request=req)
    return req
