"""The psychological support hotline log: one row per call, with its topic, length and
whether a follow-up is due — never notes about the caller. Boards see counts only."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Person
from shoumen.services.models import HotlineCall, Topic

ERR_TOPIC = _("Choose the call's topic.")
ERR_MINUTES = _("Give the call's length in minutes, from 1 to 600.")
ERR_COMMUNITY = _("Choose a community.")
ERR_CALLER = _("An anonymous call has no caller; untick “anonymous” to name one.")
ERR_CALLER_ELSEWHERE = _("The caller lives in another community.")
ERR_FOLLOW_UP = _("The follow-up day cannot be before the call.")
ERR_NO_FOLLOW_UP = _("This call has no follow-up due.")

ACTION_LABELS = {
    "hotline_call.record": _("Hotline call logged"),
    "hotline_call.follow_up": _("Hotline follow-up done"),
}


def hotline_call_record(
    *,
    actor,
    community: OrgUnit,
    topic: str,
    minutes: int,
    anonymous: bool = True,
    caller: Person | None = None,
    follow_up_on: datetime.date | None = None,
    received_at: datetime.datetime | None = None,
    client_uuid: uuid.UUID | str,
) -> tuple[HotlineCall, bool]:
    """Log a call taken by ``actor`` (the counsellor). Returns (call, created)."""
    existing = HotlineCall.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return existing, False
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": [ERR_COMMUNITY]})
    require(actor, Perm.LOG_HOTLINE, community)
    errors: dict[str, list] = {}
    if topic not in Topic.values:
        errors["topic"] = [ERR_TOPIC]
    if not isinstance(minutes, int) or not 1 <= minutes <= 600:
        errors["minutes"] = [ERR_MINUTES]
    if anonymous and caller is not None:
        errors["caller"] = [ERR_CALLER]
    if caller is not None and not caller.grid.path.startswith(community.path):
        errors["caller"] = [ERR_CALLER_ELSEWHERE]
    received_at = received_at or timezone.now()
    if follow_up_on is not None and follow_up_on < timezone.localdate(received_at):
        errors["follow_up_on"] = [ERR_FOLLOW_UP]
    if errors:
        raise ValidationError(errors)
    call = HotlineCall(
        community=community,
        received_at=received_at,
        anonymous=anonymous,
        caller=caller,
        topic=topic,
        counsellor=actor,
        minutes=minutes,
        follow_up_on=follow_up_on,
        created_by=actor,
        client_uuid=client_uuid,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                call.save(force_insert=True)
        except IntegrityError:
            winner = HotlineCall.objects.filter(client_uuid=client_uuid).first()
            if winner is None:
                raise
            return winner, False
        audit_event_record(
            actor=actor,
            action="hotline_call.record",
            target=call,
            org_path=community.path,
            changes={"topic": topic, "minutes": minutes, "follow_up": bool(follow_up_on)},
        )
    return call, True


def hotline_follow_up_done(*, actor, call: HotlineCall) -> HotlineCall:
    require(actor, Perm.LOG_HOTLINE, call.community)
    with transaction.atomic():
        call = HotlineCall.objects.select_for_update().select_related("community").get(pk=call.pk)
        if call.follow_up_on is None:
            raise ValidationError(ERR_NO_FOLLOW_UP)
        if call.follow_up_done:
            return call
        call.follow_up_done, call.follow_up_done_at = True, timezone.now()
        call.save(update_fields=["follow_up_done", "follow_up_done_at"])
        audit_event_record(
            actor=actor,
            action="hotline_call.follow_up",
            target=call,
            org_path=call.community.path,
            changes={"follow_up_done": True},
        )
    return call
