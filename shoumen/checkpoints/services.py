"""Every write about passes, and the check a checkpoint makes when a pass is shown."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import require
from shoumen.alerts.models import Cause
from shoumen.alerts.rules import current_rules
from shoumen.alerts.services import alert_raise, alert_raise_for_visitor
from shoumen.audit.services import audit_event_record
from shoumen.checkpoints import cards, reports, signing
from shoumen.checkpoints.models import (
    VISITOR_PHONE_CONTEXT,
    Checkpoint,
    Direction,
    Pass,
    PassStatus,
    RevokeReason,
    Scan,
    Verdict,
    VerdictReason,
    Visitor,
)
from shoumen.checkpoints.selectors import (
    CheckpointRef,
    PassFacts,
    ledger_scans,
    pass_facts,
    residents_without_pass,
    visitors_of,
)
from shoumen.lib import crypto
from shoumen.lib.bulk import copy_rows, next_ids
from shoumen.lib.dates import today
from shoumen.lib.errors import clean_reason
from shoumen.lib.names import mask_name
from shoumen.lib.partitions import ensure_day_partitions
from shoumen.lib.phones import InvalidPhone, mask_phone, normalize_phone
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


def passes_sync_for_person(person: Person) -> Pass | None:
    """Revoke or restore a person's pass after their observation or residence changed."""
    pass_ = Pass.objects.select_for_update().filter(person=person).first()
    if pass_ is None:
        return None
    before = (pass_.status, pass_.revoke_reason)
    if _apply_automatic(pass_, blocking_reason(person), timezone.now()):
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


def passes_follow_residence(persons, *, building: tuple[int | None, int | None] | None = None):
    """Keep passes on their holders' households after a move. A move to another community
    also moves the pass there and bumps its version: the old QR names the old community.
    ``building`` (before, after): the household itself moved to another building, which
    offline phones learn from the pass's change time."""
    by_person = {p.pk: p for p in persons}
    # The holder and grid come along for the audit events (an import may move many).
    passes = (
        Pass.objects.select_for_update(of=("self",))
        .select_related("person__grid")
        .filter(person_id__in=list(by_person))
    )
    communities: dict[int, OrgUnit] = {}
    now = timezone.now()
    for pass_ in passes:
        person = by_person[pass_.person_id]
        if person.grid_id not in communities:
            communities[person.grid_id] = _community_of(person)
        community = communities[person.grid_id]
        changes = {}
        if pass_.household_id != person.household_id:
            changes["household"] = [pass_.household_id, person.household_id]
            pass_.household_id = person.household_id
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


# ---------------------------------------------------------------- scans

ERR_SCAN_TOKEN = _("Scan a pass, or look the resident up.")
ERR_SCAN_TIME = _("The scan time is in the future.")
ERR_SCAN_OLD = _("Scans older than %(days)d days are not accepted.")
ERR_SCAN_DIRECTION = _("Choose in or out.")
ERR_SCAN_TEMPERATURE = _("Enter a body temperature between 34.0 and 43.0 °C.")
SCAN_MAX_AGE_DAYS = 7
DIRECTIONS, VERDICTS = frozenset(Direction.values), frozenset(Verdict.values)
# Reasons that mean the pass itself was withdrawn: an offline "allow" for these is flagged.
WITHDRAWN = frozenset({VerdictReason.REVOKED, VerdictReason.ISOLATION, VerdictReason.OLD_VERSION})


@dataclass
class ScanResult:
    index: int
    result: str  # created / unchanged / error
    scan: Scan | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def _scan_errors(row, now) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not row.get("token"):
        errors["token"] = [str(ERR_SCAN_TOKEN)]
    if row.get("direction") not in DIRECTIONS:
        errors["direction"] = [str(ERR_SCAN_DIRECTION)]
    at = row.get("scanned_at") or now
    if at > now + datetime.timedelta(minutes=5):
        errors["scanned_at"] = [str(ERR_SCAN_TIME)]
    elif now - at > datetime.timedelta(days=SCAN_MAX_AGE_DAYS):
        errors["scanned_at"] = [str(ERR_SCAN_OLD % {"days": SCAN_MAX_AGE_DAYS})]
    temperature = row.get("temperature")
    if temperature is not None and not Decimal("34") <= Decimal(temperature) <= Decimal("43"):
        errors["temperature"] = [str(ERR_SCAN_TEMPERATURE)]
    return errors


def _community_staff(community) -> list:
    from shoumen.accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            assignments__role=Role.COMMUNITY_STAFF,
            assignments__org_unit=community,
        ).order_by("pk")
    )


_SCAN_COLUMNS = tuple(f.attname for f in Scan._meta.concrete_fields)


def _scans_insert(scans: list[Scan]) -> None:
    """PostgreSQL: ids from the sequence and one COPY; elsewhere a bulk insert."""
    if connection.vendor != "postgresql":
        Scan.objects.bulk_create(scans)
        return
    for scan, pk in zip(scans, next_ids(Scan, len(scans)), strict=True):
        scan.pk = pk
    copy_rows(Scan, _SCAN_COLUMNS, ([getattr(s, c) for c in _SCAN_COLUMNS] for s in scans))


def _scans_insert_once(scans: list[Scan]) -> dict:
    """Insert ``scans``; those whose client UUID a request sent at the same moment saved
    first are left out. Returns the scans already saved, by client UUID (usually none:
    only when the fast insert meets such a copy are the rows inserted one by one)."""
    try:
        with transaction.atomic():
            _scans_insert(scans)
    except IntegrityError:
        pass
    else:
        return {}
    replayed = {}
    for scan in scans:
        try:
            with transaction.atomic():
                scan.save(force_insert=True)
        except IntegrityError:
            winner = Scan.objects.filter(client_uuid=scan.client_uuid, day=scan.day).first()
            if winner is None:
                raise
            replayed[scan.client_uuid] = winner
    return replayed


def scans_record(*, actor, checkpoint: Checkpoint, rows) -> list[ScanResult]:
    """Record scans at ``checkpoint``, online or synced from a phone's offline queue.

    Each row: client_uuid, token, direction, temperature, scanned_at, offline, and for
    offline scans the verdict the phone showed. A replayed client UUID changes nothing. An
    offline scan let through for a pass withdrawn meanwhile is flagged. A fever raises an
    alert for community staff."""
    require(actor, Perm.SCAN_PASSES, checkpoint.community)
    now = timezone.now()
    results: list[ScanResult] = []
    uuids = {row.get("client_uuid") for row in rows if row.get("client_uuid")}
    seen = {
        s.client_uuid: s for s in Scan.objects.filter(client_uuid__in=uuids, checkpoint=checkpoint)
    }
    # Everything the rule needs, read once for the whole batch: the signatures (no
    # database), the passes named by genuine tokens, the checkpoint's buildings, the rules.
    pending: list[tuple[int, dict, signing.PassClaims | None]] = []
    errors_of: dict[int, dict[str, list[str]]] = {}
    verified: dict[str, signing.PassClaims | None] = {}
    for index, row in enumerate(rows):
        errors = _scan_errors(row, now)
        if errors:
            errors_of[index] = errors
            continue
        if row["client_uuid"] in seen:
            continue
        token = row["token"]
        if token not in verified:  # a queue repeats tokens (in and out): check each once
            try:
                verified[token] = signing.verify(token)
            except signing.ForgedToken:
                verified[token] = None
        pending.append((index, row, verified[token]))
    passes = pass_facts(
        {claims.pass_id for _i, _r, claims in pending if claims is not None},
        checkpoint_id=checkpoint.pk,
    )
    zone = timezone.get_current_timezone()
    fever_temperature = (
        current_rules().fever_temperature
        if any(row.get("temperature") is not None for _i, row, _c in pending)
        else None
    )
    to_create: list[Scan] = []
    fevers: list[Scan] = []
    decided: dict[int, Scan] = {}
    for index, row, claims in pending:
        if row["client_uuid"] in seen:  # the same UUID twice in one batch
            continue
        at = row.get("scanned_at") or now
        day = at.astimezone(zone).date()
        temperature = row.get("temperature")
        if claims is None:
            check = _deny(VerdictReason.FORGED)
        else:
            check = _verdict(
                claims,
                passes.get(claims.pass_id),
                community_id=checkpoint.community_id,
                day=day,
                temperature=temperature,
                fever_temperature=fever_temperature,
            )
        offline = bool(row.get("offline"))
        shown = row.get("verdict") if offline and row.get("verdict") in VERDICTS else None
        let_through = shown in (Verdict.ALLOW, Verdict.WARN)
        facts = check.facts
        scan = Scan(
            checkpoint=checkpoint,
            day=day,
            scanned_at=at,
            checkpoint_pass_id=facts.pass_id if facts else None,
            person_id=facts.person_id if facts else None,
            direction=row["direction"],
            temperature=temperature,
            verdict=shown or check.verdict,
            reason=check.reason,
            volunteer=actor,
            client_uuid=row["client_uuid"],
            offline=offline,
            flagged=let_through and check.reason in WITHDRAWN,
            received_at=now,
        )
        seen[scan.client_uuid] = scan
        decided[index] = scan
        to_create.append(scan)
        if check.reason == VerdictReason.FEVER:
            fevers.append(scan)
    for index, row in enumerate(rows):
        if index in errors_of:
            results.append(ScanResult(index, "error", errors=errors_of[index]))
        elif index in decided:
            results.append(ScanResult(index, "created", decided[index]))
        else:
            results.append(ScanResult(index, "unchanged", seen[row["client_uuid"]]))
    ensure_day_partitions(Scan, {s.day for s in to_create})
    with transaction.atomic():
        replayed = _scans_insert_once(to_create)
        if replayed:
            for index, result in enumerate(results):
                mine = result.scan
                if mine is not None and mine.client_uuid in replayed:
                    results[index] = ScanResult(index, "unchanged", replayed[mine.client_uuid])
            # The copy saved first raised the alerts of its fevers.
            fevers = [s for s in fevers if s.client_uuid not in replayed]
        staff = _community_staff(checkpoint.community) if fevers else []
        feverish = Person.objects.in_bulk({s.person_id for s in fevers if s.person_id})
        for scan in fevers:
            if scan.person_id is None:
                continue
            alert_raise(
                person=feverish[scan.person_id],
                cause=Cause.FEVER,
                details={
                    "date": scan.day.isoformat(),
                    "temperature": str(scan.temperature),
                    "checkpoint": checkpoint.name,
                },
                owner=staff[0] if staff else None,
            )
    return results


# ---------------------------------------------------------------- visitors

ERR_VISITOR_NAME = _("Enter the visitor's name.")
ERR_VISITOR_REASON = _("Enter the reason for the visit.")
ERR_VISITOR_TARGET = _("Choose the household visited, or enter the address.")
ERR_VISITOR_HOUSEHOLD = _("That household is not in this community.")
ERR_ALREADY_LEFT = _("This visitor has already left.")


def _visitor_errors(checkpoint: Checkpoint, values) -> tuple[dict, dict]:
    errors: dict[str, list] = {}
    clean = {
        "name": clean_line(values.get("name") or "")[:50],
        "reason": clean_line(values.get("reason") or "")[:100],
        "visiting": clean_line(values.get("visiting") or "")[:100],
        "household": values.get("household"),
        "temperature": values.get("temperature"),
    }
    if not clean["name"]:
        errors["name"] = [ERR_VISITOR_NAME]
    if not clean["reason"]:
        errors["reason"] = [ERR_VISITOR_REASON]
    household = clean["household"]
    if household is None and not clean["visiting"]:
        errors["visiting"] = [ERR_VISITOR_TARGET]
    if household is not None and not household.grid.path.startswith(checkpoint.community.path):
        errors["household"] = [ERR_VISITOR_HOUSEHOLD]
    temperature = clean["temperature"]
    if temperature is not None and not Decimal("34") <= Decimal(temperature) <= Decimal("43"):
        errors["temperature"] = [ERR_SCAN_TEMPERATURE]
    try:
        clean["phone"] = normalize_phone(values.get("phone") or "")
    except InvalidPhone as exc:
        errors["phone"] = [exc.message]
    return errors, clean


def visitor_has_fever(visitor: Visitor, fever_temperature: Decimal | None = None) -> bool:
    """The rule a resident's scan follows (``alerts.AlertRules.fever_temperature``): at or
    above it the visitor is refused, like a resident."""
    if visitor.temperature is None:
        return False
    threshold = fever_temperature or current_rules().fever_temperature
    return Decimal(visitor.temperature) >= threshold


@transaction.atomic
def visitor_register(*, actor, checkpoint: Checkpoint, client_uuid, **values) -> Visitor:
    """Register a visitor at a post: by its volunteer, or (``actor`` None) by the visitor
    through the post's own QR. A replayed client UUID returns the first registration, also
    when the copies arrive together. A visitor with a fever is registered (for tracing) and
    refused as a resident would be: community staff get an alert."""
    if actor is not None:
        require(actor, Perm.SCAN_PASSES, checkpoint.community)
    existing = Visitor.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return existing
    errors, clean = _visitor_errors(checkpoint, values)
    if errors:
        raise ValidationError(errors)
    phone = clean.pop("phone")
    visitor = Visitor(
        checkpoint=checkpoint,
        phone_encrypted=crypto.encrypt(phone, context=VISITOR_PHONE_CONTEXT),
        phone_last4=phone[-4:],
        arrived_at=timezone.now(),
        registered_by=actor,
        client_uuid=client_uuid,
        **clean,
    )
    try:
        with transaction.atomic():
            visitor.save()
    except IntegrityError:
        # The same registration was saved by a copy sent at the same moment: that one
        # stands, and did the audit and the alert.
        winner = Visitor.objects.filter(client_uuid=client_uuid).first()
        if winner is None:
            raise
        return winner
    audit_event_record(
        actor=actor,
        action="visitor.register",
        target=visitor,
        org_path=checkpoint.community.path,
        changes={"phone": mask_phone(phone), "checkpoint": checkpoint.name},
        actor_label=None if actor is not None else "visitor self-registration",
    )
    rules = current_rules()
    if visitor_has_fever(visitor, rules.fever_temperature):
        staff = _community_staff(checkpoint.community)
        alert_raise_for_visitor(
            unit=checkpoint.community,
            name=visitor.name,
            cause=Cause.FEVER,
            details={
                "date": timezone.localdate(visitor.arrived_at).isoformat(),
                "temperature": str(visitor.temperature),
                "checkpoint": checkpoint.name,
                "checkpoint_id": checkpoint.pk,
                "visitor": visitor.pk,
            },
            owner=staff[0] if staff else None,
            rules=rules,
        )
    return visitor


@transaction.atomic
def visitor_leave(*, actor, visitor: Visitor) -> Visitor:
    require(actor, Perm.SCAN_PASSES, visitor.checkpoint.community)
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
    if visitor.left_at is not None:
        raise ValidationError(ERR_ALREADY_LEFT)
    visitor.left_at = timezone.now()
    visitor.save(update_fields=["left_at"])
    audit_event_record(
        actor=actor,
        action="visitor.leave",
        target=visitor,
        org_path=visitor.checkpoint.community.path,
    )
    return visitor


@dataclass(frozen=True)
class VisitorContact:
    name: str
    phone: str


@transaction.atomic
def visitor_reveal(*, actor, visitor: Visitor, reason: str) -> VisitorContact:
    """A visitor's full name and phone, for tracing (a fever at the gate, a visitor later
    found to be a contact): for those who may reveal sensitive data in the community, with
    a reason, recorded. The ledger shows them masked."""
    require(actor, Perm.REVEAL_SENSITIVE, visitor.checkpoint.community)
    reason = clean_reason(reason)
    contact = VisitorContact(
        name=visitor.name,
        phone=crypto.decrypt(bytes(visitor.phone_encrypted), context=VISITOR_PHONE_CONTEXT),
    )
    audit_event_record(
        actor=actor,
        action="visitor.reveal",
        target=visitor,
        org_path=visitor.checkpoint.community.path,
        reason=reason,
    )
    return contact


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
