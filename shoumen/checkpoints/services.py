"""Every write about passes, and the check a checkpoint makes when a pass is shown."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.alerts.rules import current_rules
from shoumen.audit.services import audit_event_record
from shoumen.checkpoints import cards, reports, signing
from shoumen.checkpoints.models import (
    Checkpoint,
    Pass,
    PassStatus,
    RevokeReason,
    Verdict,
    VerdictReason,
)
from shoumen.checkpoints.selectors import (
    CheckpointRef,
    PassFacts,
    ledger_scans,
    pass_facts,
    residents_without_pass,
    visitors_of,
)
from shoumen.lib.dates import today
from shoumen.lib.errors import clean_reason
from shoumen.lib.events import PersonMove
from shoumen.lib.names import mask_name
from shoumen.lib.text import clean_line
from shoumen.observation.models import ISOLATION_KINDS, Observation, ObservationStatus
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Person, Status

ERR_NOT_RESIDENT = _("Only current residents get a pass.")
ERR_ALREADY_REVOKED = _("This pass is already revoked.")
ERR_NOT_MANUALLY_REVOKED = _("Only a pass revoked by staff can be restored by staff.")

AUTO_LABEL = "pass rules"


def _community_of(person: Person):
    return OrgUnit.objects.get_parent(person.grid)


def _record(actor, action: str, pass_: Pass, *, changes=None, reason: str = "") -> None:
    audit_event_record(
        actor=actor,
        action=action,
        target=pass_,
        org_path=pass_.person.grid.path,
        changes=changes,
        reason=reason,
        actor_label=None if actor is not None else AUTO_LABEL,
    )


def blocking_reason(person: Person) -> str:
    """Why the person may not pass right now ('' when nothing stops them)."""
    if person.status != Status.RESIDENT:
        return RevokeReason.MOVED_OUT
    isolated = Observation.objects.filter(
        person=person, status=ObservationStatus.ACTIVE, kind__in=ISOLATION_KINDS
    ).exists()
    return RevokeReason.ISOLATION if isolated else ""


def _apply_automatic(pass_: Pass, reason: str, now) -> bool:
    """Revoke for ``reason`` or lift an automatic revocation; manual ones stay."""
    if pass_.revoke_reason == RevokeReason.MANUAL:
        return False
    if reason and (pass_.status, pass_.revoke_reason) != (PassStatus.REVOKED, reason):
        pass_.status, pass_.revoke_reason, pass_.revoke_note = PassStatus.REVOKED, reason, ""
    elif not reason and pass_.status == PassStatus.REVOKED:
        pass_.status, pass_.revoke_reason = PassStatus.VALID, ""
    else:
        return False
    pass_.changed_at = now
    return True


@transaction.atomic
def pass_issue(*, actor, person: Person) -> Pass:
    """Issue a person's pass, or re-issue it: the version goes up, so the old QR stops
    working, and the validity starts again from today."""
    require(actor, Perm.MANAGE_PASSES, person.grid)
    if person.status != Status.RESIDENT:
        raise ValidationError(ERR_NOT_RESIDENT)
    now = timezone.now()
    valid_until = today() + datetime.timedelta(days=settings.PASS_VALID_DAYS)
    pass_ = Pass.objects.select_for_update().filter(person=person).first()
    if pass_ is None:
        pass_ = Pass(person=person, version=1)
        action = "pass.issue"
    else:
        pass_.version += 1
        action = "pass.reissue"
    pass_.community = _community_of(person)
    pass_.household = person.household
    pass_.valid_until = valid_until
    pass_.issued_at = pass_.changed_at = now
    pass_.issued_by = actor
    _apply_automatic(pass_, blocking_reason(person), now)
    pass_.save()
    _record(
        actor,
        action,
        pass_,
        changes={"version": pass_.version, "valid_until": valid_until.isoformat()},
    )
    return pass_


@transaction.atomic
def pass_revoke(*, actor, pass_: Pass, reason: str) -> Pass:
    require(actor, Perm.MANAGE_PASSES, pass_.person.grid)
    reason = clean_reason(reason)
    pass_ = Pass.objects.select_for_update().select_related("person__grid").get(pk=pass_.pk)
    if pass_.status == PassStatus.REVOKED and pass_.revoke_reason == RevokeReason.MANUAL:
        raise ValidationError(ERR_ALREADY_REVOKED)
    pass_.status, pass_.revoke_reason = PassStatus.REVOKED, RevokeReason.MANUAL
    pass_.revoke_note, pass_.changed_at = reason[:200], timezone.now()
    pass_.save()
    _record(actor, "pass.revoke", pass_, reason=reason)
    return pass_


@transaction.atomic
def pass_restore(*, actor, pass_: Pass, reason: str) -> Pass:
    """Lift a manual revocation; an automatic reason that still holds takes over."""
    require(actor, Perm.MANAGE_PASSES, pass_.person.grid)
    reason = clean_reason(reason)
    pass_ = Pass.objects.select_for_update().select_related("person__grid").get(pk=pass_.pk)
    if pass_.revoke_reason != RevokeReason.MANUAL:
        raise ValidationError(ERR_NOT_MANUALLY_REVOKED)
    now = timezone.now()
    pass_.status, pass_.revoke_reason, pass_.revoke_note = PassStatus.VALID, "", ""
    pass_.changed_at = now
    _apply_automatic(pass_, blocking_reason(pass_.person), now)
    pass_.save()
    _record(actor, "pass.restore", pass_, reason=reason, changes={"status": pass_.status})
    return pass_


def passes_sync_for_person(person_id: int) -> Pass | None:
    """Revoke or restore a person's pass after their observation or residence changed."""
    pass_ = (
        Pass.objects.select_for_update(of=("self",))
        .select_related("person__grid")
        .filter(person_id=person_id)
        .first()
    )
    if pass_ is None:
        return None
    before = (pass_.status, pass_.revoke_reason)
    if _apply_automatic(pass_, blocking_reason(pass_.person), timezone.now()):
        pass_.save(update_fields=["status", "revoke_reason", "revoke_note", "changed_at"])
        _record(
            None,
            "pass.revoke" if pass_.status == PassStatus.REVOKED else "pass.restore",
            pass_,
            changes={
                "status": [before[0], pass_.status],
                "reason": [before[1], pass_.revoke_reason],
            },
        )
    return pass_


def passes_follow_residence(
    moves: Iterable[PersonMove], *, building: tuple[int | None, int | None] | None = None
) -> None:
    """Keep passes on their holders' households after a move. A move to another community
    also moves the pass there and bumps its version: the old QR names the old community.
    ``building`` (before, after): the household itself moved to another building, which
    offline phones learn from the pass's change time."""
    by_person = {move.person_id: move for move in moves}
    if not by_person:
        return
    # The holder and grid come along for the audit events (an import may move many).
    passes = (
        Pass.objects.select_for_update(of=("self",))
        .select_related("person__grid")
        .filter(person_id__in=list(by_person))
    )
    communities: dict[int, OrgUnit] = {}
    now = timezone.now()
    for pass_ in passes:
        move = by_person[pass_.person_id]
        if move.grid_id not in communities:
            grid = pass_.person.grid
            if grid.pk != move.grid_id:
                grid = OrgUnit.objects.get(pk=move.grid_id)
            communities[move.grid_id] = OrgUnit.objects.get_parent(grid)
        community = communities[move.grid_id]
        changes = {}
        if pass_.household_id != move.household_id:
            changes["household"] = [pass_.household_id, move.household_id]
            pass_.household_id = move.household_id
        if pass_.community_id != community.pk:
            changes["community"] = [pass_.community_id, community.pk]
            changes["version"] = [pass_.version, pass_.version + 1]
            pass_.community, pass_.version = community, pass_.version + 1
        if building is not None and building[0] != building[1]:
            changes["building"] = list(building)
        if changes:
            pass_.changed_at = now
            pass_.save(update_fields=["household", "community", "version", "changed_at"])
            _record(None, "pass.move", pass_, changes=changes)


def pass_token(pass_: Pass) -> str:
    return signing.sign(
        signing.PassClaims(
            pass_id=pass_.pk,
            person_id=pass_.person_id,
            community_id=pass_.community_id,
            valid_until=pass_.valid_until,
            version=pass_.version,
        )
    )


ERR_CARD_FORMAT = _("A pass card is a PNG or a PDF.")
CARD_RENDERERS = {"png": cards.card_png, "pdf": cards.card_pdf}


@transaction.atomic
def pass_card_export(*, actor, pass_: Pass, fmt: str) -> bytes:
    """The printable card of a pass as PNG or PDF. It carries the holder's name and a QR
    that opens the gate, so every download is audited like an export."""
    require(actor, Perm.MANAGE_PASSES, pass_.person.grid)
    render = CARD_RENDERERS.get(fmt)
    if render is None:
        raise ValidationError({"fmt": [ERR_CARD_FORMAT]})
    content = render(pass_, pass_token(pass_))
    _record(actor, "pass.card_export", pass_, changes={"format": fmt, "version": pass_.version})
    return content


@dataclass(frozen=True)
class CheckResult:
    verdict: str
    reason: str
    facts: PassFacts | None = None  # the pass as read, when one was found
    # What a volunteer may see: the surname and a masked given name.
    display_name: str = ""


def _deny(reason: str, facts: PassFacts | None = None) -> CheckResult:
    return CheckResult(Verdict.DENY, reason, facts, mask_name(facts.name) if facts else "")


def _verdict(
    claims: signing.PassClaims,
    facts: PassFacts | None,
    *,
    community_id: int,
    day: datetime.date,
    temperature: Decimal | None,
    fever_temperature: Decimal | None,
) -> CheckResult:
    """The rule, in one place, for a genuine token's claims and the pass they name (None
    when no such pass of that person exists), read at the checkpoint. ``fever_temperature``
    is needed only when a temperature was taken."""
    if facts is None or facts.person_id != claims.person_id:
        return _deny(VerdictReason.FORGED)
    if claims.version != facts.version:
        return _deny(VerdictReason.OLD_VERSION, facts)
    if facts.status == PassStatus.REVOKED:
        isolated = facts.revoke_reason == RevokeReason.ISOLATION
        return _deny(VerdictReason.ISOLATION if isolated else VerdictReason.REVOKED, facts)
    if claims.community_id != community_id:
        return _deny(VerdictReason.OTHER_COMMUNITY, facts)
    if claims.valid_until < day:
        return _deny(VerdictReason.EXPIRED, facts)
    if not facts.building_allowed:
        return _deny(VerdictReason.BUILDING, facts)
    if temperature is not None and temperature >= fever_temperature:  # type: ignore[operator]
        return _deny(VerdictReason.FEVER, facts)
    name = mask_name(facts.name)
    if (claims.valid_until - day).days < settings.PASS_EXPIRY_WARNING_DAYS:
        return CheckResult(Verdict.WARN, VerdictReason.EXPIRING, facts, name)
    return CheckResult(Verdict.ALLOW, VerdictReason.OK, facts, name)


def pass_check(
    *,
    token: str,
    checkpoint: Checkpoint | CheckpointRef,
    day: datetime.date | None = None,
    temperature: Decimal | None = None,
) -> CheckResult:
    """Green, amber or red for a pass shown at ``checkpoint``; writes nothing."""
    day = day or today()
    try:
        claims = signing.verify(token)
    except signing.ForgedToken:
        return _deny(VerdictReason.FORGED)
    return _verdict(
        claims,
        pass_facts([claims.pass_id], checkpoint_id=checkpoint.pk).get(claims.pass_id),
        community_id=checkpoint.community_id,
        day=day,
        temperature=temperature,
        fever_temperature=current_rules().fever_temperature if temperature is not None else None,
    )


# ---------------------------------------------------------------- checkpoints

ERR_CHECKPOINT_LEVEL = _("Checkpoints belong to a community.")
ERR_CHECKPOINT_NAME = _("Enter the checkpoint's name.")
ERR_CHECKPOINT_NAME_TAKEN = _("This community already has a checkpoint with that name.")
ERR_CHECKPOINT_HOURS = _("Give both opening and closing times, or neither (open all day).")
ERR_CHECKPOINT_BUILDING = _("Choose buildings of this community only.")


def _checkpoint_values(community, values) -> dict:
    errors: dict[str, list] = {}
    name = clean_line(values.get("name") or "")[:100]
    if not name:
        errors["name"] = [ERR_CHECKPOINT_NAME]
    opens_at, closes_at = values.get("opens_at"), values.get("closes_at")
    if (opens_at is None) != (closes_at is None):
        errors["opens_at"] = [ERR_CHECKPOINT_HOURS]
    buildings = list(values.get("buildings") or [])
    if any(not b.grid.path.startswith(community.path) for b in buildings):
        errors["buildings"] = [ERR_CHECKPOINT_BUILDING]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "location": clean_line(values.get("location") or "")[:200],
        "opens_at": opens_at,
        "closes_at": closes_at,
        "buildings": buildings,
    }


def _save_checkpoint(checkpoint: Checkpoint, buildings) -> None:
    try:
        with transaction.atomic():
            checkpoint.save()
    except IntegrityError:
        raise ValidationError({"name": [ERR_CHECKPOINT_NAME_TAKEN]}) from None
    checkpoint.buildings.set(buildings)


@transaction.atomic
def checkpoint_create(*, actor, community: OrgUnit, **values) -> Checkpoint:
    require(actor, Perm.MANAGE_CHECKPOINTS, community)
    if community.level != Level.COMMUNITY:
        raise ValidationError({"community": [ERR_CHECKPOINT_LEVEL]})
    clean = _checkpoint_values(community, values)
    buildings = clean.pop("buildings")
    checkpoint = Checkpoint(community=community, **clean)
    _save_checkpoint(checkpoint, buildings)
    audit_event_record(
        actor=actor,
        action="checkpoint.create",
        target=checkpoint,
        org_path=community.path,
        changes={**{k: str(v) for k, v in clean.items()}, "buildings": [b.pk for b in buildings]},
    )
    return checkpoint


@transaction.atomic
def checkpoint_update(*, actor, checkpoint: Checkpoint, **values) -> Checkpoint:
    require(actor, Perm.MANAGE_CHECKPOINTS, checkpoint.community)
    clean = _checkpoint_values(checkpoint.community, values)
    buildings = clean.pop("buildings")
    before = {k: str(getattr(checkpoint, k)) for k in clean}
    for name, value in clean.items():
        setattr(checkpoint, name, value)
    checkpoint.is_active = bool(values.get("is_active", checkpoint.is_active))
    _save_checkpoint(checkpoint, buildings)
    after = {k: str(getattr(checkpoint, k)) for k in clean}
    audit_event_record(
        actor=actor,
        action="checkpoint.update",
        target=checkpoint,
        org_path=checkpoint.community.path,
        changes={k: [before[k], v] for k, v in after.items() if before[k] != v},
    )
    return checkpoint


# ---------------------------------------------------------------- pages: bulk issue, ledger

ERR_BULK_TARGET = _("Choose a building or a household.")


@transaction.atomic
def passes_issue_missing(*, actor, building=None, household=None) -> list[Pass]:
    """Issue a pass to every resident of a building or household who has none yet; passes
    already issued keep their QR (re-issuing would void the printed cards)."""
    if (building is None) == (household is None):
        raise ValidationError(ERR_BULK_TARGET)
    require(actor, Perm.MANAGE_PASSES, (building or household).grid)
    persons = residents_without_pass(building=building, household=household)
    return [pass_issue(actor=actor, person=person) for person in persons]


@transaction.atomic
def checkpoint_ledger_export(*, actor, checkpoint: Checkpoint, day: datetime.date) -> bytes:
    """The day's ledger of a post as .xlsx, names masked; the export is audited."""
    require(actor, Perm.SCAN_PASSES, checkpoint.community)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    scans = list(ledger_scans(checkpoint, day))
    visitors = list(visitors_of(checkpoint, start, start + datetime.timedelta(days=1)))
    content = reports.checkpoint_ledger_xlsx(checkpoint, day, scans, visitors)
    audit_event_record(
        actor=actor,
        action="checkpoint.ledger_export",
        target=checkpoint,
        org_path=checkpoint.community.path,
        changes={"day": day.isoformat(), "scans": len(scans), "visitors": len(visitors)},
    )
    return content
