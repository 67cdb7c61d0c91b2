"""The volunteer's manual lookup of a resident who has no pass at hand, and the passage
recorded after it. The lookup answers with a verdict (may pass or not, and why), a masked
name and a place, never the pass token: the token stays on the server, which records the
passage with it. Every lookup is audited."""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shoumen.audit.services import audit_event_record
from shoumen.checkpoints.models import Checkpoint, Pass, Verdict
from shoumen.checkpoints.scan_selectors import Candidate, residents_lookup
from shoumen.checkpoints.scan_services import ScanResult, scans_record
from shoumen.checkpoints.services import pass_check, pass_token
from shoumen.registry.models import Person, Status

# A reason of the lookup only: the scan of a pass never meets a resident without one.
REASON_NO_PASS = "no_pass"  # noqa: S105 (a reason code)
REASON_NO_PASS_LABEL = _("No pass issued")
ERR_NO_PASS = _("This resident has no pass: community staff can issue one.")
ERR_NOT_FOUND = _("No such resident at this checkpoint's community.")


@dataclass(frozen=True)
class LookupVerdict:
    person_id: int
    display_name: str
    place: str
    has_pass: bool
    verdict: str
    reason: str

    @property
    def may_pass(self) -> bool:
        return self.verdict != Verdict.DENY


def _verdict_of(checkpoint: Checkpoint, candidate: Candidate) -> LookupVerdict:
    pass_ = candidate.checkpoint_pass
    verdict: str
    reason: str
    if pass_ is None:
        verdict, reason = Verdict.DENY, REASON_NO_PASS
    else:
        # The same rule as a pass shown at the gate, with the token made here and kept here.
        check = pass_check(token=pass_token(pass_), checkpoint=checkpoint)
        verdict, reason = check.verdict, check.reason
    return LookupVerdict(
        person_id=candidate.person_id,
        display_name=candidate.display_name,
        place=candidate.place,
        has_pass=pass_ is not None,
        verdict=str(verdict),
        reason=str(reason),
    )


def checkpoint_residents_lookup(
    *,
    actor,
    checkpoint: Checkpoint,
    surname: str = "",
    id_last4: str = "",
    building: str = "",
    door: str = "",
) -> list[LookupVerdict]:
    """Residents of the checkpoint's community by surname + ID last 4, or building + door,
    each with the verdict the checkpoint would give; the lookup is audited (how it searched
    and whom it found, not what was typed)."""
    candidates = residents_lookup(
        checkpoint, surname=surname, id_last4=id_last4, building=building, door=door
    )
    results = [_verdict_of(checkpoint, c) for c in candidates]
    audit_event_record(
        actor=actor,
        action="checkpoint.lookup",
        target=checkpoint,
        org_path=checkpoint.community.path,
        changes={
            "by": "name" if surname and id_last4 else "door",
            "found": [r.person_id for r in results],
        },
    )
    return results


def _pass_of_resident(checkpoint: Checkpoint, person_id: int) -> Pass:
    person = (
        Person.objects.filter(
            pk=person_id,
            grid__path__startswith=checkpoint.community.path,
            status=Status.RESIDENT,
        )
        .select_related("checkpoint_pass")
        .first()
    )
    if person is None:
        raise ValidationError({"person": [ERR_NOT_FOUND]})
    pass_ = getattr(person, "checkpoint_pass", None)
    if pass_ is None:
        raise ValidationError({"person": [ERR_NO_PASS]})
    return pass_


def checkpoint_lookup_scan_record(
    *,
    actor,
    checkpoint: Checkpoint,
    person_id: int,
    client_uuid: uuid.UUID,
    direction: str,
    temperature: Decimal | None = None,
    scanned_at: datetime.datetime | None = None,
) -> ScanResult:
    """Record the passage of a resident found by the lookup, as a scan of their pass
    (idempotent on ``client_uuid``, like every scan)."""
    pass_ = _pass_of_resident(checkpoint, person_id)
    row = {
        "client_uuid": client_uuid,
        "token": pass_token(pass_),
        "direction": direction,
        "temperature": temperature,
        "scanned_at": scanned_at,
        "offline": False,
        "verdict": None,
    }
    (result,) = scans_record(actor=actor, checkpoint=checkpoint, rows=[row])
    return result
