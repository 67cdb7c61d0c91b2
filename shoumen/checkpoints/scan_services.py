"""Scans at a checkpoint: a pass shown at the gate, one by one or synced from an offline
phone in a batch, each kept once (by its client UUID) with its verdict."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.alerts.models import Cause
from shoumen.alerts.rules import current_rules
from shoumen.alerts.services import alert_raise
from shoumen.checkpoints import signing
from shoumen.checkpoints.models import (
    Checkpoint,
    Direction,
    Scan,
    Verdict,
    VerdictReason,
)
from shoumen.checkpoints.selectors import (
    community_staff_of,
    pass_facts,
)
from shoumen.checkpoints.services import _deny, _verdict
from shoumen.lib.bulk import copy_rows, next_ids
from shoumen.lib.partitions import ensure_day_partitions
from shoumen.registry.models import Person

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
        staff = community_staff_of(checkpoint.community) if fevers else []
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
