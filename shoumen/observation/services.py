"""Every write about key persons' observations through their lifecycle (health reports are
in ``health_reports``)."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require
from shoumen.audit.services import audit_event_record
from shoumen.lib import events
from shoumen.lib.dates import today
from shoumen.lib.errors import clean_reason
from shoumen.lib.text import clean_line
from shoumen.observation.models import (
    Kind,
    Observation,
    ObservationStatus,
    Reason,
)
from shoumen.observation.selectors import grid_worker_of
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Person, Status

ERR_KIND = _("Choose the kind of observation.")
ERR_REASON = _("Choose why the person is observed.")
ERR_RISK_AREA_REQUIRED = _("Enter the risk area the person came from.")
ERR_ARRIVAL_REQUIRED = _("Enter the date the person arrived.")
ERR_EXPOSURE_REQUIRED = _("Enter the date of the last contact.")
ERR_DATE_FUTURE = _("The date cannot be in the future.")
ERR_PERIOD_RANGE = _("The period is between 1 and 60 days.")
ERR_PERIOD_OVER = _("Counted from %(start)s, this period already ended on %(end)s.")
ERR_ALREADY_OBSERVED = _("This person is already under %(kind)s until %(end)s.")
ERR_NOT_RESIDENT = _("Only current residents can be observed.")
ERR_NOT_ACTIVE = _("This observation has already ended (%(status)s).")
ERR_RESPONSIBLE_SCOPE = _("The responsible worker must work in this grid.")
ERR_TRANSFER_SAME = _("Choose another community: the person is already observed here.")
ERR_TRANSFER_LEVEL = _("Transfers go to a community.")
ERR_TRANSFER_PENDING = _("A transfer to %(unit)s is already waiting to be accepted.")
ERR_NO_TRANSFER = _("There is no transfer waiting for this observation.")
ERR_ACCEPT_GRID = _("Choose a grid of %(unit)s for the person.")
ERR_EXPOSURE_BEFORE = _("The new exposure must be after the last one (%(date)s).")
ERR_CLOSE_STATUS = _("Choose sent to hospital, lost to follow-up or cancelled.")
ERR_PERSON_UNKNOWN = _("There is no such person in your jurisdiction.")


def _record(actor, action: str, obj, *, org_path: str, changes=None, reason: str = "", **kw):
    audit_event_record(
        actor=actor,
        action=action,
        target=obj,
        org_path=org_path,
        changes=changes,
        reason=reason,
        **kw,
    )


def period_days_for(kind: str) -> int:
    return int(settings.OBSERVATION_PERIOD_DAYS[kind])


# ---------------------------------------------------------------- observations


def _validated_start(values: Mapping[str, Any], day: datetime.date) -> dict[str, Any]:
    errors: dict[str, list] = {}
    kind, reason = str(values.get("kind") or ""), values.get("reason")
    if kind not in Kind.values:
        errors["kind"] = [ERR_KIND]
    if reason not in Reason.values:
        errors["reason"] = [ERR_REASON]
    risk_area = clean_line(values.get("risk_area") or "")[:100]
    arrival, exposure = values.get("arrival_date"), values.get("last_exposure_date")
    if reason == Reason.RISK_AREA:
        if not risk_area:
            errors["risk_area"] = [ERR_RISK_AREA_REQUIRED]
        if arrival is None:
            errors["arrival_date"] = [ERR_ARRIVAL_REQUIRED]
    if reason in (Reason.CLOSE_CONTACT, Reason.SECONDARY_CONTACT) and exposure is None:
        errors["last_exposure_date"] = [ERR_EXPOSURE_REQUIRED]
    for name in ("arrival_date", "last_exposure_date"):
        if values.get(name) is not None and values[name] > day:
            errors[name] = [ERR_DATE_FUTURE]
    given = values.get("period_days")
    known_kind = kind in Kind.values
    period = int(given) if given is not None else period_days_for(kind) if known_kind else 0
    if known_kind and not 1 <= period <= 60:
        errors["period_days"] = [ERR_PERIOD_RANGE]
    if errors:
        raise ValidationError(errors)
    # Counted from the last exposure, else the arrival, else today.
    starts_on = exposure or arrival or day
    ends_on = starts_on + datetime.timedelta(days=period - 1)
    if ends_on < day:
        raise ValidationError(ERR_PERIOD_OVER % {"start": starts_on, "end": ends_on})
    return {
        "kind": kind,
        "reason": reason,
        "risk_area": risk_area,
        "arrival_date": arrival,
        "last_exposure_date": exposure,
        "reason_note": clean_line(values.get("reason_note") or "")[:200],
        "starts_on": starts_on,
        "period_days": period,
        "ends_on": ends_on,
    }


def _check_responsible(responsible, grid: OrgUnit) -> None:
    if responsible is not None and not can(responsible, Perm.RECORD_HEALTH_REPORTS, grid):
        raise ValidationError({"responsible": [ERR_RESPONSIBLE_SCOPE]})


def _snapshot(obs: Observation) -> dict[str, Any]:
    return {
        "kind": obs.kind,
        "reason": obs.reason,
        "risk_area": obs.risk_area,
        "arrival_date": obs.arrival_date.isoformat() if obs.arrival_date else None,
        "last_exposure_date": (
            obs.last_exposure_date.isoformat() if obs.last_exposure_date else None
        ),
        "starts_on": obs.starts_on.isoformat(),
        "ends_on": obs.ends_on.isoformat(),
        "responsible": obs.responsible_id,
        "status": obs.status,
        "transfer_to": obs.transfer_to_id,
    }


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _record_change(actor, action: str, obs: Observation, before: Mapping[str, Any], **kw) -> None:
    """Audit what changed on ``obs`` since ``before`` (its earlier snapshot)."""
    _record(actor, action, obs, org_path=obs.grid.path, changes=_diff(before, _snapshot(obs)), **kw)


@transaction.atomic
def observation_start(*, actor, person: Person, responsible=None, **values: Any) -> Observation:
    """Put a resident under observation; the grid worker is responsible by default."""
    require(actor, Perm.MANAGE_OBSERVATIONS, person.grid)
    if person.status != Status.RESIDENT:
        raise ValidationError(ERR_NOT_RESIDENT)
    cleaned = _validated_start(values, today())
    current = Observation.objects.filter(
        person=person, kind=cleaned["kind"], status=ObservationStatus.ACTIVE
    ).first()
    if current is not None:
        raise ValidationError(
            ERR_ALREADY_OBSERVED % {"kind": current.get_kind_display(), "end": current.ends_on}
        )
    _check_responsible(responsible, person.grid)
    obs = Observation(
        person=person,
        grid=person.grid,
        responsible=responsible or grid_worker_of(person.grid),
        created_by=actor,
        status_changed_at=timezone.now(),
        **cleaned,
    )
    try:
        with transaction.atomic():
            obs.save()
    except IntegrityError:
        raise ValidationError(
            ERR_ALREADY_OBSERVED % {"kind": obs.get_kind_display(), "end": "-"}
        ) from None
    _record(actor, "observation.start", obs, org_path=obs.grid.path, changes=_snapshot(obs))
    events.announce(
        events.ObservationStarted(observation_id=obs.pk, person_id=person.pk, kind=obs.kind)
    )
    return obs


@dataclass
class BulkStartResult:
    index: int
    observation: Observation | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def observations_start_bulk(
    *, actor, persons: Sequence[Person | None], common: Mapping[str, Any], rows=None
) -> list[BulkStartResult]:
    """Start one observation per person (e.g. returnees from a station notice).

    ``common`` holds the shared fields; ``rows`` optional per-person overrides (same order).
    Each person succeeds or fails on its own; a bad row does not stop the others."""
    results = []
    for index, person in enumerate(persons):
        values = {**common, **((rows or [{}] * len(persons))[index] or {})}
        if person is None:
            results.append(BulkStartResult(index, errors={"person": [str(ERR_PERSON_UNKNOWN)]}))
            continue
        try:
            obs = observation_start(actor=actor, person=person, **values)
        except ValidationError as exc:
            results.append(BulkStartResult(index, errors=_messages(exc)))
        else:
            results.append(BulkStartResult(index, observation=obs))
    return results


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _locked_active(obs: Observation) -> Observation:
    # Lock this row only: person is nullable (an outer join) and PostgreSQL will not lock one.
    obs = (
        Observation.objects.select_for_update(of=("self",))
        .select_related("grid", "person")
        .get(pk=obs.pk)
    )
    if obs.status != ObservationStatus.ACTIVE:
        raise ValidationError(ERR_NOT_ACTIVE % {"status": obs.get_status_display()})
    return obs


def _set_status(actor, obs: Observation, status: str, *, note: str = "", reason: str = "", **kw):
    before = _snapshot(obs)
    obs.status, obs.status_changed_at = status, timezone.now()
    obs.outcome_note = note[:200]
    obs.save()
    _record_change(actor, f"observation.{status}", obs, before, reason=reason, **kw)
    events.announce(
        events.ObservationEnded(observation_id=obs.pk, person_id=obs.person_id, status=status)
    )
    return obs


@transaction.atomic
def observation_complete(*, actor, observation: Observation, note: str = "") -> Observation:
    """End an observation at (or after) its period end. ``actor`` None: the scheduled task."""
    if actor is not None:
        require(actor, Perm.MANAGE_OBSERVATIONS, observation.grid)
    obs = _locked_active(observation)
    label = None if actor is not None else "observation schedule"
    return _set_status(
        actor, obs, ObservationStatus.COMPLETED, note=clean_line(note), actor_label=label
    )


CLOSING_STATUSES = {
    ObservationStatus.HOSPITALISED,
    ObservationStatus.LOST,
    ObservationStatus.CANCELLED,
}


@transaction.atomic
def observation_close(*, actor, observation: Observation, status: str, reason: str) -> Observation:
    """Sent to hospital, lost to follow-up or cancelled, with a reason."""
    require(actor, Perm.MANAGE_OBSERVATIONS, observation.grid)
    if status not in CLOSING_STATUSES:
        raise ValidationError({"status": [ERR_CLOSE_STATUS]})
    reason = clean_reason(reason)
    obs = _locked_active(observation)
    return _set_status(actor, obs, status, note=reason, reason=reason)


@transaction.atomic
def observation_extend(
    *, actor, observation: Observation, exposure_date: datetime.date, reason: str
) -> Observation:
    """Re-exposure: the period is counted again from the new exposure."""
    require(actor, Perm.MANAGE_OBSERVATIONS, observation.grid)
    reason = clean_reason(reason)
    obs = _locked_active(observation)
    if exposure_date > today():
        raise ValidationError({"exposure_date": [ERR_DATE_FUTURE]})
    if exposure_date <= obs.starts_on:
        raise ValidationError({"exposure_date": [ERR_EXPOSURE_BEFORE % {"date": obs.starts_on}]})
    before = _snapshot(obs)
    obs.last_exposure_date = exposure_date
    obs.starts_on = exposure_date
    obs.ends_on = exposure_date + datetime.timedelta(days=obs.period_days - 1)
    obs.save()
    _record_change(actor, "observation.extend", obs, before, reason=reason)
    return obs


@transaction.atomic
def observation_assign(*, actor, observation: Observation, responsible) -> Observation:
    require(actor, Perm.MANAGE_OBSERVATIONS, observation.grid)
    obs = _locked_active(observation)
    _check_responsible(responsible, obs.grid)
    before = _snapshot(obs)
    obs.responsible = responsible
    obs.save(update_fields=["responsible", "updated_at"])
    _record_change(actor, "observation.assign", obs, before)
    return obs


@transaction.atomic
def observation_transfer_request(
    *, actor, observation: Observation, to_community: OrgUnit, reason: str
) -> Observation:
    """Ask another community to take the person over (they moved, or were placed there)."""
    require(actor, Perm.MANAGE_OBSERVATIONS, observation.grid)
    reason = clean_reason(reason)
    obs = _locked_active(observation)
    if to_community.level != Level.COMMUNITY:
        raise ValidationError({"to_community": [ERR_TRANSFER_LEVEL]})
    if obs.grid.path.startswith(to_community.path):
        raise ValidationError({"to_community": [ERR_TRANSFER_SAME]})
    if obs.transfer_to_id is not None:
        raise ValidationError(ERR_TRANSFER_PENDING % {"unit": obs.transfer_to})
    before = _snapshot(obs)
    obs.transfer_to = to_community
    obs.save(update_fields=["transfer_to", "updated_at"])
    _record_change(actor, "observation.transfer_request", obs, before, reason=reason)
    return obs


@transaction.atomic
def observation_transfer_accept(
    *, actor, observation: Observation, grid: OrgUnit, responsible=None
) -> Observation:
    """The receiving community takes over: the old observation ends as transferred, a new
    one continues the same period in the chosen grid. Both keep their history."""
    obs = _locked_active(observation)
    target = obs.transfer_to
    if target is None:
        raise ValidationError(ERR_NO_TRANSFER)
    require(actor, Perm.MANAGE_OBSERVATIONS, target)
    if grid.level != Level.GRID or not grid.path.startswith(target.path):
        raise ValidationError({"grid": [ERR_ACCEPT_GRID % {"unit": target}]})
    _check_responsible(responsible, grid)
    _set_status(actor, obs, ObservationStatus.TRANSFERRED, note=str(target))
    new = Observation.objects.create(
        person=obs.person,
        grid=grid,
        kind=obs.kind,
        reason=obs.reason,
        risk_area=obs.risk_area,
        arrival_date=obs.arrival_date,
        last_exposure_date=obs.last_exposure_date,
        reason_note=obs.reason_note,
        starts_on=obs.starts_on,
        period_days=obs.period_days,
        ends_on=obs.ends_on,
        responsible=responsible or grid_worker_of(grid),
        transferred_from=obs,
        created_by=actor,
        status_changed_at=timezone.now(),
    )
    _record(
        actor,
        "observation.transfer_accept",
        new,
        org_path=grid.path,
        changes={**_snapshot(new), "transferred_from": obs.pk},
    )
    return new


@transaction.atomic
def observation_transfer_cancel(*, actor, observation: Observation, reason: str) -> Observation:
    """Withdraw (sender) or decline (receiver) a pending transfer."""
    obs = _locked_active(observation)
    if obs.transfer_to_id is None:
        raise ValidationError(ERR_NO_TRANSFER)
    if not (
        can(actor, Perm.MANAGE_OBSERVATIONS, obs.grid)
        or can(actor, Perm.MANAGE_OBSERVATIONS, obs.transfer_to)
    ):
        require(actor, Perm.MANAGE_OBSERVATIONS, obs.grid)
    reason = clean_reason(reason)
    before = _snapshot(obs)
    obs.transfer_to = None
    obs.save(update_fields=["transfer_to", "updated_at"])
    _record_change(actor, "observation.transfer_cancel", obs, before, reason=reason)
    return obs
