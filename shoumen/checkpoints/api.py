"""Checkpoint scanning over the API: the online check, the sync of a phone's queued scans,
and what a phone needs to decide offline. A checkpoint outside the caller's scope is 404."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage
from ninja import Path, Query, Router

from shoumen.alerts.rules import current_rules
from shoumen.api.responses import error_responses, too_many_requests
from shoumen.checkpoints import signing
from shoumen.checkpoints.lookup import (
    REASON_NO_PASS,
    REASON_NO_PASS_LABEL,
    checkpoint_lookup_scan_record,
    checkpoint_residents_lookup,
)
from shoumen.checkpoints.models import Verdict, VerdictReason
from shoumen.checkpoints.scan_selectors import (
    checkpoint_building_ids,
    pass_list_for_phone,
)
from shoumen.checkpoints.scan_services import ScanResult, scans_record
from shoumen.checkpoints.schemas import (
    BatchIn,
    BatchOut,
    CandidateOut,
    LookupIn,
    LookupOut,
    LookupScanIn,
    RevocationsIn,
    RevocationsOut,
    ScanRowOut,
    VerifyIn,
    VerifyOut,
)
from shoumen.checkpoints.selectors import checkpoint_for, checkpoint_ref_for
from shoumen.checkpoints.services import pass_check
from shoumen.registry.schemas import MAX_ID

ERR_LOOKUP_PAIR = _("Enter the surname and the last 4 of the ID number, or building and door.")

router = Router(tags=["checkpoints"])


_LABELS = dict(VerdictReason.choices)


def reason_label(reason: str) -> str:
    return str(_LABELS[reason]) if reason in _LABELS else ""


@router.post(
    "/passes/verify",
    response={200: VerifyOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Check a pass shown at a checkpoint",
)
def passes_verify(request, payload: VerifyIn):
    checkpoint = checkpoint_ref_for(request.auth, pk=payload.checkpoint)
    check = pass_check(token=payload.token, checkpoint=checkpoint, temperature=payload.temperature)
    facts = check.facts
    return VerifyOut(
        verdict=Verdict(check.verdict),
        reason=check.reason,
        reason_label=reason_label(check.reason),
        display_name=check.display_name,
        pass_id=facts.pass_id if facts is not None else None,
        valid_until=facts.valid_until if facts is not None else None,
    )


def _scan_row(r: ScanResult, client_uuid) -> ScanRowOut:
    scan = r.scan
    return ScanRowOut(
        index=r.index,
        client_uuid=client_uuid,
        result=r.result,  # type: ignore[arg-type]
        scan_id=scan.pk if scan is not None else None,
        verdict=scan.verdict if scan is not None else "",
        reason=scan.reason if scan is not None else "",
        reason_label=reason_label(scan.reason) if scan is not None else "",
        flagged=bool(scan is not None and scan.flagged),
        errors=r.errors,
    )


@router.post(
    "/scans/batch",
    response={200: BatchOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Record scans, or sync a phone's queued offline scans (idempotent on client_uuid)",
)
def scans_batch(request, payload: BatchIn):
    checkpoint = checkpoint_for(request.auth, pk=payload.checkpoint)
    rows = [row.model_dump() for row in payload.rows]
    results = scans_record(actor=request.auth, checkpoint=checkpoint, rows=rows)
    out = [_scan_row(r, rows[r.index]["client_uuid"]) for r in results]
    return BatchOut(
        created=sum(r.result == "created" for r in out),
        unchanged=sum(r.result == "unchanged" for r in out),
        errors=sum(r.result == "error" for r in out),
        flagged=sum(r.flagged and r.result == "created" for r in out),
        results=out,
    )


@router.get(
    "/passes/revocations",
    response={200: RevocationsOut, **error_responses(401, 404, 422)},
    summary="Pass changes since a time, the public keys and the rules a phone needs offline",
)
def passes_revocations(request, filters: Query[RevocationsIn]):
    checkpoint = checkpoint_for(request.auth, pk=filters.checkpoint)
    server_time = timezone.now()  # before the read: nothing changed after it is missed
    return RevocationsOut(
        server_time=server_time,
        since=filters.since,
        community=checkpoint.community_id,
        keys=signing.public_keys(),
        fever_temperature=current_rules().fever_temperature,
        expiry_warning_days=settings.PASS_EXPIRY_WARNING_DAYS,
        buildings=checkpoint_building_ids(checkpoint),
        changes=pass_list_for_phone(checkpoint, filters.since),  # type: ignore[arg-type]
    )


LOOKUP_GROUP = "checkpoint-lookup"


def _lookup_usage(request) -> dict | None:
    """Count one lookup against the volunteer (not the address: a gate shares one network)."""
    return get_usage(
        request,
        group=LOOKUP_GROUP,
        key=lambda group, req: str(req.auth.pk),
        rate=settings.CHECKPOINT_LOOKUP_RATE,
        increment=True,
    )


@router.get(
    "/checkpoints/{id}/residents",
    response={200: LookupOut, **error_responses(401, 404, 422, 429)},
    summary="Find a resident without their pass: surname + ID last 4, or building + door; "
    "each with the checkpoint's verdict, never the pass token",
)
def checkpoint_residents(
    request,
    response: HttpResponse,
    filters: Query[LookupIn],
    id: int = Path(..., ge=1, le=MAX_ID),
):
    checkpoint = checkpoint_for(request.auth, pk=id)
    by_name = bool(filters.surname.strip() and filters.id_last4)
    by_door = bool(filters.building.strip() and filters.door.strip())
    if not (by_name or by_door):
        raise ValidationError(ERR_LOOKUP_PAIR)
    usage = _lookup_usage(request)
    if usage is not None and usage["should_limit"]:
        response["Retry-After"] = str(max(usage["time_left"], 1))
        return too_many_requests(usage["time_left"])
    found = checkpoint_residents_lookup(
        actor=request.auth,
        checkpoint=checkpoint,
        surname=filters.surname.strip() if by_name else "",
        id_last4=filters.id_last4 if by_name else "",
        building=filters.building.strip(),
        door=filters.door.strip(),
    )
    return LookupOut(
        candidates=[
            CandidateOut(
                person=c.person_id,
                display_name=c.display_name,
                place=c.place,
                has_pass=c.has_pass,
                may_pass=c.may_pass,
                verdict=Verdict(c.verdict),
                reason=c.reason,
                reason_label=lookup_reason_label(c.reason),
            )
            for c in found
        ]
    )


def lookup_reason_label(reason: str) -> str:
    return str(REASON_NO_PASS_LABEL) if reason == REASON_NO_PASS else reason_label(reason)


@router.post(
    "/checkpoints/{id}/residents/{person}/scans",
    response={200: ScanRowOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Record the passage of a resident found by the lookup (idempotent on client_uuid)",
)
def checkpoint_resident_scan(
    request,
    payload: LookupScanIn,
    id: int = Path(..., ge=1, le=MAX_ID),
    person: int = Path(..., ge=1, le=MAX_ID),
):
    checkpoint = checkpoint_for(request.auth, pk=id)
    r = checkpoint_lookup_scan_record(
        actor=request.auth, checkpoint=checkpoint, person_id=person, **payload.model_dump()
    )
    return _scan_row(r, payload.client_uuid)
