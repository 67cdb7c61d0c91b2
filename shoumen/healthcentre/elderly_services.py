"""Every write on the elderly's annual check: booked (idempotent on ``client_uuid``, one
a resident a year, kept by the database), rebooked, cancelled and recorded. Booking and
recording need ``record_follow_ups`` over the resident's grid; each write is audited."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.elderly_rules import (
    FINDING_KEYS,
    FINDING_VALUE_MAX,
    SELF_CARE_SCORE_MAX,
    is_due,
    self_care_band,
)
from shoumen.healthcentre.elderly_selectors import centre_of_grid
from shoumen.healthcentre.models import CheckResult, ElderlyCheck, ElderlyCheckStatus
from shoumen.lib.dates import today
from shoumen.lib.text import clean_line
from shoumen.registry.models import Person, Status

ERR_NOT_DUE = _("This resident is not due for the elderly check in that year.")
ERR_NOT_SERVED = _("No health centre serves this resident's community.")
ERR_YEAR = _("Book for this year or the next.")
ERR_ALREADY = _("This resident already has a check booked or done in that year.")
ERR_UUID_REUSED = _("This client UUID was used for another booking.")
ERR_BOOKED_FOR = _("Book a day in the check's year, from today on.")
ERR_NOT_BOOKED = _("Only a booked check can be changed or cancelled.")
ERR_CANCELLED = _("This check was cancelled; book again.")
ERR_DONE_ON = _("Give the day of the check: in its year and not after today.")
ERR_SCORE = _("The self-care score is from 0 to %(max)d.")
ERR_RESULT = _("Choose the result.")
ERR_FINDING = _("Unknown finding: %(key)s.")
ERR_FINDING_VALUE = _("At most %(max)d characters.")
ADVICE_MAX = 300

ACTION_LABELS = {
    "elderly_check.book": _("Elderly check booked"),
    "elderly_check.rebook": _("Elderly check rebooked"),
    "elderly_check.cancel": _("Elderly check cancelled"),
    "elderly_check.record": _("Elderly check recorded"),
}


def _record(actor, action: str, check: ElderlyCheck, changes: dict) -> None:
    audit_event_record(
        actor=actor, action=action, target=check, org_path=check.grid.path, changes=changes
    )


def _check_booked_for(booked_for: datetime.date | None, year: int) -> None:
    if booked_for is not None and (booked_for.year != year or booked_for < today()):
        raise ValidationError({"booked_for": [ERR_BOOKED_FOR]})


def elderly_check_book(
    *,
    actor,
    person: Person,
    year: int,
    client_uuid: uuid.UUID,
    booked_for: datetime.date | None = None,
) -> tuple[ElderlyCheck, bool]:
    """Book ``person``'s check in ``year``: (the check, created). The same ``client_uuid``
    again returns the first booking and changes nothing."""
    require(actor, Perm.RECORD_FOLLOW_UPS, person.grid)
    replay = ElderlyCheck.objects.filter(client_uuid=client_uuid).first()
    if replay is not None:
        if replay.person_id != person.pk or replay.year != year:
            raise ValidationError({"client_uuid": [ERR_UUID_REUSED]})
        return replay, False
    if year not in (today().year, today().year + 1):
        raise ValidationError({"year": [ERR_YEAR]})
    if person.status != Status.RESIDENT or not is_due(person.birth_date, year):
        raise ValidationError({"person": [ERR_NOT_DUE]})
    centre = centre_of_grid(person.grid)
    if centre is None:
        raise ValidationError({"person": [ERR_NOT_SERVED]})
    _check_booked_for(booked_for, year)
    try:
        with transaction.atomic():
            check = ElderlyCheck.objects.create(
                person=person,
                centre=centre,
                grid=person.grid,
                year=year,
                booked_for=booked_for,
                client_uuid=client_uuid,
            )
            _record(
                actor,
                "elderly_check.book",
                check,
                {"year": year, "booked_for": booked_for.isoformat() if booked_for else ""},
            )
    except IntegrityError:
        replay = ElderlyCheck.objects.filter(client_uuid=client_uuid).first()
        if replay is not None and replay.person_id == person.pk and replay.year == year:
            return replay, False
        raise ValidationError({"person": [ERR_ALREADY]}) from None
    return check, True


def _locked(check: ElderlyCheck) -> ElderlyCheck:
    return ElderlyCheck.objects.select_for_update().select_related("grid").get(pk=check.pk)


@transaction.atomic
def elderly_check_rebook(
    *, actor, check: ElderlyCheck, booked_for: datetime.date | None
) -> ElderlyCheck:
    require(actor, Perm.RECORD_FOLLOW_UPS, check.grid)
    check = _locked(check)
    if check.status != ElderlyCheckStatus.BOOKED:
        raise ValidationError(ERR_NOT_BOOKED)
    _check_booked_for(booked_for, check.year)
    before = check.booked_for
    check.booked_for = booked_for
    check.save(update_fields=["booked_for"])
    _record(
        actor,
        "elderly_check.rebook",
        check,
        {
            "booked_for": [
                before.isoformat() if before else "",
                booked_for.isoformat() if booked_for else "",
            ]
        },
    )
    return check


@transaction.atomic
def elderly_check_cancel(*, actor, check: ElderlyCheck) -> ElderlyCheck:
    require(actor, Perm.RECORD_FOLLOW_UPS, check.grid)
    check = _locked(check)
    if check.status != ElderlyCheckStatus.BOOKED:
        raise ValidationError(ERR_NOT_BOOKED)
    check.status = ElderlyCheckStatus.CANCELLED
    check.save(update_fields=["status"])
    _record(actor, "elderly_check.cancel", check, {"status": ["booked", "cancelled"]})
    return check


def clean_findings(findings: dict) -> dict:
    """Known findings only, each {"value": one line, "abnormal": bool}; empty ones left out."""
    cleaned = {}
    for key, item in (findings or {}).items():
        if key not in FINDING_KEYS:
            raise ValidationError({"findings": [ERR_FINDING % {"key": key}]})
        value = clean_line(str((item or {}).get("value", "")))
        abnormal = bool((item or {}).get("abnormal"))
        if len(value) > FINDING_VALUE_MAX:
            raise ValidationError({key: [ERR_FINDING_VALUE % {"max": FINDING_VALUE_MAX}]})
        if value or abnormal:
            cleaned[key] = {"value": value, "abnormal": abnormal}
    return cleaned


@transaction.atomic
def elderly_check_record(
    *,
    actor,
    check: ElderlyCheck,
    done_on: datetime.date,
    self_care_score: int,
    result: str,
    findings: dict | None = None,
    advice: str = "",
) -> ElderlyCheck:
    """Record (or correct) the check's assessment, findings, result and advice."""
    require(actor, Perm.RECORD_FOLLOW_UPS, check.grid)
    check = _locked(check)
    errors: dict[str, list] = {}
    if check.status == ElderlyCheckStatus.CANCELLED:
        raise ValidationError(ERR_CANCELLED)
    if done_on is None or done_on.year != check.year or done_on > today():
        errors["done_on"] = [ERR_DONE_ON]
    if self_care_score is None or not 0 <= self_care_score <= SELF_CARE_SCORE_MAX:
        errors["self_care_score"] = [ERR_SCORE % {"max": SELF_CARE_SCORE_MAX}]
    if result not in CheckResult.values:
        errors["result"] = [ERR_RESULT]
    advice = clean_line(advice or "")
    if len(advice) > ADVICE_MAX:
        errors["advice"] = [ERR_FINDING_VALUE % {"max": ADVICE_MAX}]
    if errors:
        raise ValidationError(errors)
    cleaned = clean_findings(findings or {})
    check.status = ElderlyCheckStatus.DONE
    check.done_on = done_on
    check.self_care_score = self_care_score
    check.self_care = self_care_band(self_care_score)
    check.findings = cleaned
    check.result = result
    check.advice = advice
    check.recorded_by = actor
    check.recorded_at = timezone.now()
    check.save()
    _record(
        actor,
        "elderly_check.record",
        check,
        {
            "done_on": done_on.isoformat(),
            "self_care": check.self_care,
            "result": result,
            "abnormal": sorted(k for k, v in cleaned.items() if v["abnormal"]),
        },
    )
    return check
