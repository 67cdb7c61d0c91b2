"""Every write about screening rounds: create (one task per household), revise the
questionnaire, assign, and record visits (idempotent on the client UUID)."""

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import can, require, scope_paths, scope_q
from shoumen.alerts.rules import current_rules
from shoumen.audit.services import audit_event_record
from shoumen.ledgers.exports import XLSX_CONTENT_TYPE, CountedRows
from shoumen.lib.dates import today
from shoumen.lib.errors import ERR_NOT_ALLOWED, ERR_OUT_OF_SCOPE, clean_reason, deny
from shoumen.lib.text import clean_line
from shoumen.observation.health_reports import health_reports_ingest
from shoumen.observation.models import Slot, Source
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Person
from shoumen.screening import questions as library
from shoumen.screening import reports
from shoumen.screening.extras import extras_record
from shoumen.screening.models import (
    OUTCOME_STATUS,
    Method,
    Outcome,
    QuestionnaireVersion,
    RoundStatus,
    ScreeningRound,
    TaskStatus,
    Visit,
    VisitTask,
)
from shoumen.screening.selectors import WALKING_ORDER

ERR_NAME = _("Give the round a name.")
ERR_SCOPE_LEVEL = _("A round covers grids, a community or a street.")
ERR_DATES = _("The round must end on or after its first day.")
ERR_NO_QUESTIONS = _("Choose at least one question.")
ERR_UNKNOWN_QUESTION = _("Unknown question: %(code)s.")
ERR_ROUND_CLOSED = _("This round is closed.")
ERR_ASSIGNEE_SCOPE = _("This worker does not work in the household's grid.")
ERR_OUTCOME = _("Choose the outcome of the visit.")
ERR_METHOD = _("Choose how the household was visited.")
ERR_VISIT_TIME = _("The visit time cannot be in the future.")
ERR_ANSWER_TYPE = _("This answer does not fit the question.")
ERR_ANSWER_UNKNOWN = _("This question is not in the round's questionnaire.")
ERR_MEMBER = _("This person is not a member of the household.")
ERR_VERSION = _("The questionnaire has changed; reload the form.")
ERR_TEMPERATURE_NEEDED = _(
    "Temperatures were taken: enter the temperature of at least one member present."
)

REVISIT_AFTER_DAYS = 1
ROUND_LEVELS = {Level.GRID, Level.COMMUNITY, Level.STREET}


def _check_questions(codes: Sequence[str]) -> list[str]:
    codes = list(dict.fromkeys(codes))
    if not codes:
        raise ValidationError({"questions": [ERR_NO_QUESTIONS]})
    unknown = [c for c in codes if c not in library.LIBRARY]
    if unknown:
        raise ValidationError({"questions": [ERR_UNKNOWN_QUESTION % {"code": unknown[0]}]})
    return codes


_CREATE_TASKS = """
INSERT INTO screening_visittask
    (round_id, household_id, grid_id, assignee_id, status, attempts,
     returnee_found, symptomatic, vulnerable, updated_at)
SELECT %s, h.id, h.grid_id, w.user_id, 'due', 0, FALSE, FALSE, FALSE, %s
FROM registry_household h
JOIN places_orgunit g ON g.id = h.grid_id
LEFT JOIN (
    SELECT ra.org_unit_id, ra.user_id
    FROM accounts_roleassignment ra
    WHERE ra.id IN (
        SELECT MIN(a.id) FROM accounts_roleassignment a
        JOIN accounts_user u ON u.id = a.user_id
        WHERE a.role = %s AND u.is_active
        GROUP BY a.org_unit_id
    )
) w ON w.org_unit_id = h.grid_id
WHERE g.path LIKE %s
"""


@transaction.atomic
def round_create(
    *,
    actor,
    scope: OrgUnit,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    purpose: str = "",
    questions: Sequence[str] = library.DEFAULT_QUESTIONS,
) -> ScreeningRound:
    """Create a round over ``scope``: every household in it becomes a visit task, assigned
    to its grid's worker. Done in one INSERT ... SELECT, so a street of 100,000 households
    takes seconds."""
    require(actor, Perm.MANAGE_SCREENING, scope)
    errors: dict[str, list] = {}
    name = clean_line(name or "")[:100]
    if not name:
        errors["name"] = [ERR_NAME]
    if scope.level not in ROUND_LEVELS:
        errors["scope"] = [ERR_SCOPE_LEVEL]
    if ends_on < starts_on:
        errors["ends_on"] = [ERR_DATES]
    if errors:
        raise ValidationError(errors)
    codes = _check_questions(questions)
    round_ = ScreeningRound.objects.create(
        name=name,
        purpose=(purpose or "").strip()[:2000],
        scope=scope,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    QuestionnaireVersion.objects.create(round=round_, number=1, questions=library.snapshot(codes))
    with connection.cursor() as cursor:
        cursor.execute(
            _CREATE_TASKS, [round_.pk, timezone.now(), Role.GRID_WORKER, scope.path + "%"]
        )
        created = cursor.rowcount
    audit_event_record(
        actor=actor,
        action="screening.round_create",
        target=round_,
        org_path=scope.path,
        changes={"households": created, "questions": codes},
    )
    return round_


def current_version(round_: ScreeningRound) -> QuestionnaireVersion:
    return round_.versions.order_by("-number").first()  # type: ignore[return-value]


@transaction.atomic
def questionnaire_revise(
    *, actor, round_: ScreeningRound, questions: Sequence[str]
) -> QuestionnaireVersion:
    """A new version of the questions; visits already recorded keep theirs."""
    require(actor, Perm.MANAGE_SCREENING, round_.scope)
    codes = _check_questions(questions)
    latest = current_version(round_)
    version = QuestionnaireVersion.objects.create(
        round=round_, number=latest.number + 1, questions=library.snapshot(codes)
    )
    audit_event_record(
        actor=actor,
        action="screening.questionnaire_revise",
        target=round_,
        org_path=round_.scope.path,
        changes={"version": version.number, "questions": codes},
    )
    return version


@transaction.atomic
def round_close(*, actor, round_: ScreeningRound) -> ScreeningRound:
    require(actor, Perm.MANAGE_SCREENING, round_.scope)
    round_.status = RoundStatus.CLOSED
    round_.save(update_fields=["status"])
    audit_event_record(
        actor=actor, action="screening.round_close", target=round_, org_path=round_.scope.path
    )
    return round_


@transaction.atomic
def tasks_reassign(*, actor, tasks: Iterable[VisitTask], assignee) -> int:
    """Give visit tasks to another worker of the same grids."""
    tasks = list(tasks)
    for task in tasks:
        require(actor, Perm.MANAGE_SCREENING, task.grid)
        if assignee is not None and not can(assignee, Perm.RECORD_VISITS, task.grid):
            raise ValidationError({"assignee": [ERR_ASSIGNEE_SCOPE]})
    now = timezone.now()
    VisitTask.objects.filter(pk__in=[t.pk for t in tasks]).update(assignee=assignee, updated_at=now)
    if tasks:
        audit_event_record(
            actor=actor,
            action="screening.reassign",
            target=tasks[0].round,
            org_path=tasks[0].round.scope.path,
            changes={"tasks": len(tasks), "assignee": getattr(assignee, "pk", None)},
        )
    return len(tasks)


def _answer_ok(question: Mapping[str, Any], value: Any) -> bool:
    kind = question["type"]
    if value is None or value == "":
        return True
    if kind == library.QuestionType.YES_NO:
        return isinstance(value, bool)
    if kind == library.QuestionType.NUMBER:
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 999
    if kind == library.QuestionType.TEXT:
        return isinstance(value, str) and len(value) <= 500
    if kind == library.QuestionType.DATE:
        try:
            datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return False
        return True
    allowed = {c[0] for c in question["choices"]}
    if kind == library.QuestionType.CHOICE:
        return value in allowed
    return isinstance(value, list) and set(value) <= allowed


def _clean_answers(version: QuestionnaireVersion, answers: Mapping[str, Any]) -> dict:
    by_code = {q["code"]: q for q in version.questions}
    errors = {}
    for code, value in answers.items():
        if code not in by_code:
            errors[f"answers.{code}"] = [ERR_ANSWER_UNKNOWN]
        elif not _answer_ok(by_code[code], value):
            errors[f"answers.{code}"] = [ERR_ANSWER_TYPE]
    if errors:
        raise ValidationError(errors)
    return {k: (clean_line(v) if isinstance(v, str) else v) for k, v in answers.items()}


def _findings(answers: Mapping[str, Any], member_reports) -> dict[str, bool]:
    fever_from = current_rules().fever_temperature
    symptomatic = bool(answers.get("symptoms")) or any(
        r.get("symptoms") or (r.get("temperature") is not None and r["temperature"] >= fever_from)
        for r in member_reports
    )
    return {
        "returnee_found": bool(answers.get("risk_travel")),
        "symptomatic": symptomatic,
        "vulnerable": bool(answers.get("vulnerable")),
    }


@transaction.atomic
def visit_record(
    *,
    actor,
    task: VisitTask,
    client_uuid: uuid.UUID,
    outcome: str,
    method: str,
    answers: Mapping[str, Any] | None = None,
    members_present: Sequence[int] = (),
    member_reports: Sequence[Mapping[str, Any]] = (),
    service_need: str = "",
    extras: Mapping[str, Mapping[str, Any]] | None = None,
    visited_at: datetime.datetime | None = None,
    version_number: int | None = None,
) -> tuple[Visit, bool]:
    """Record a household visit; returns (visit, created). A replayed client UUID returns
    the first visit and changes nothing.

    ``member_reports``: per member present, {person, temperature, symptoms flags}; they
    become health reports (source: worker visit). ``extras``: what higher apps record
    with the visit (``screening.extras``), in this transaction."""
    existing = Visit.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return existing, False
    require(actor, Perm.RECORD_VISITS, task.grid)
    task = VisitTask.objects.select_for_update().select_related("round").get(pk=task.pk)
    # A copy sent at the same moment may have been recorded while this one waited for the
    # task: read again under the lock.
    existing = Visit.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return existing, False
    if task.round.status != RoundStatus.OPEN:
        raise ValidationError(ERR_ROUND_CLOSED)
    errors: dict[str, list] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [ERR_OUTCOME]
    if method not in Method.values:
        errors["method"] = [ERR_METHOD]
    now = timezone.now()
    visited_at = visited_at or now
    if visited_at > now + datetime.timedelta(minutes=5):
        errors["visited_at"] = [ERR_VISIT_TIME]
    members = set(
        Person.objects.filter(household_id=task.household_id).values_list("pk", flat=True)
    )
    present = [int(p) for p in members_present]
    reported = [int(r["person"]) for r in member_reports]
    if any(p not in members for p in [*present, *reported]):
        errors["members_present"] = [ERR_MEMBER]
    if errors:
        raise ValidationError(errors)
    version = current_version(task.round)
    if version_number is not None and version_number != version.number:
        version = task.round.versions.filter(number=version_number).first() or version
    answers = _clean_answers(version, answers or {}) if outcome == Outcome.VISITED else {}
    if answers.get("temperatures_taken") is True and not any(
        r.get("temperature") is not None for r in member_reports
    ):
        raise ValidationError({"answers.temperatures_taken": [ERR_TEMPERATURE_NEEDED]})
    visit = Visit(
        task=task,
        round_id=task.round_id,
        client_uuid=client_uuid,
        outcome=outcome,
        method=method,
        version=version,
        answers=answers,
        members_present=present,
        service_need=clean_line(service_need or "")[:200],
        visited_at=visited_at,
        visitor=actor,
    )
    try:
        with transaction.atomic():
            visit.save(force_insert=True)
    except IntegrityError:
        # The same client UUID recorded for another task meanwhile: that visit stands.
        winner = Visit.objects.filter(client_uuid=client_uuid).first()
        if winner is None:
            raise
        return winner, False
    task.status = OUTCOME_STATUS[Outcome(outcome)]
    task.attempts += 1
    task.revisit_on = (
        timezone.localdate(visited_at) + datetime.timedelta(days=REVISIT_AFTER_DAYS)
        if task.status == TaskStatus.REVISIT
        else None
    )
    task.last_visit_at = visited_at
    if outcome == Outcome.VISITED:
        for name, value in _findings(answers, member_reports).items():
            setattr(task, name, value)
    task.updated_at = now
    task.save()
    if member_reports and outcome == Outcome.VISITED:
        _member_health_reports(actor, visit, member_reports)
    extras_record(actor, visit, extras or {})
    audit_event_record(
        actor=actor,
        action="screening.visit",
        target=task.household,
        org_path=task.grid.path,
        changes={"round": task.round_id, "outcome": outcome, "method": method},
    )
    return visit, True


def _member_health_reports(actor, visit: Visit, member_reports) -> None:
    day = timezone.localdate(visit.visited_at)
    slot = Slot.MORNING if timezone.localtime(visit.visited_at).hour < 12 else Slot.AFTERNOON
    rows = []
    for index, report in enumerate(member_reports):
        symptoms = dict.fromkeys(report.get("symptoms") or (), True)
        rows.append(
            {
                "person": int(report["person"]),
                "date": day,
                "slot": slot,
                "temperature": report.get("temperature"),
                "source": Source.WORKER_VISIT,
                # Derived from the visit, so a replayed visit replays the same reports.
                "client_uuid": uuid.uuid5(visit.client_uuid, str(index)),
                **symptoms,
            }
        )
    results = health_reports_ingest(actor=actor, rows=rows)
    bad = {r.index: r.errors for r in results if r.result == "error"}
    if bad:
        raise ValidationError({"member_reports": [str(errors) for errors in bad.values()]})


# ---------------------------------------------------------------- the screening ledger

LEDGER_FILENAME = _("%(round)s screening ledger %(date)s")


@dataclass(frozen=True)
class LedgerExport:
    content: bytes
    filename: str
    content_type: str
    rows: int


@transaction.atomic
def round_ledger_export(
    *, actor, round_: ScreeningRound, unmasked: bool = False, reason: str = ""
) -> LedgerExport:
    """The screening ledger of a round as .xlsx, as far as the actor sees it. Names are
    masked unless the actor may export them in full and gives a reason; audited."""
    if not can(actor, Perm.EXPORT, round_.scope) and not _exports_part_of(actor, round_):
        raise deny(ERR_OUT_OF_SCOPE)
    reason = clean_line(reason or "")
    if unmasked:
        if not can(actor, Perm.EXPORT_SENSITIVE, round_.scope):
            raise deny(ERR_NOT_ALLOWED)
        reason = clean_reason(reason)
    tasks = (
        VisitTask.objects.filter(scope_q(actor, Perm.EXPORT, "grid__path"), round=round_)
        .select_related("grid", "household__building", "household__head")
        .order_by("grid__path", *WALKING_ORDER, "pk")
    )
    questions = reports._questions(round_.versions.order_by("number"))
    columns = reports.ledger_columns(questions)
    rows = CountedRows(
        reports.ledger_rows(tasks.iterator(chunk_size=2000), questions, unmasked=unmasked)
    )
    day = today()
    content = reports.write_ledger_xlsx(reports.ledger_title(round_.name, day), columns, rows)
    audit_event_record(
        actor=actor,
        action="screening.ledger_export",
        target=round_,
        org_path=round_.scope.path,
        changes={"format": "xlsx", "rows": rows.count, "masked": not unmasked},
        reason=reason,
    )
    name = LEDGER_FILENAME % {"round": round_.name, "date": day.strftime("%Y%m%d")}
    return LedgerExport(
        content=content, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE, rows=rows.count
    )


def _exports_part_of(actor, round_: ScreeningRound) -> bool:
    """A community's staff export their part of a street's round."""
    return any(p.startswith(round_.scope.path) for p in scope_paths(actor, Perm.EXPORT))
