"""The screening ledger (走访排查台账): one row per household of a round with its outcome,
the answers of its latest visit, the findings and who visited when. Laid out like the
resident register (title merged across, frozen header, widths, text cells)."""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from shoumen.ledgers.exports import TAG_SEPARATOR
from shoumen.lib import xlsx
from shoumen.lib.names import mask_name
from shoumen.screening.models import Method, TaskStatus, Visit, VisitTask
from shoumen.screening.questions import localized_all

LEDGER_TITLE = _("%(round)s screening ledger (%(date)s)")
SHEET_TITLE = _("Screening ledger")
YES, NO = _("Yes"), _("No")
CHUNK = 2000


@dataclass(frozen=True)
class LedgerColumn:
    label: str
    width: int
    text: bool = False


def _questions(versions) -> list[dict]:
    """Every question asked in any version, in the order first asked."""
    seen: dict[str, dict] = {}
    for version in versions:
        for question in version.questions:
            seen.setdefault(question["code"], question)
    return list(seen.values())


def ledger_columns(questions: list[dict]) -> list[LedgerColumn]:
    fixed = [
        LedgerColumn(str(_("No.")), 6),
        LedgerColumn(str(_("Grid")), 16),
        LedgerColumn(str(_("Building")), 12),
        LedgerColumn(str(_("Unit")), 6),
        LedgerColumn(str(_("Door number")), 9, text=True),
        LedgerColumn(str(_("Head of household")), 10),
        LedgerColumn(str(_("Status")), 12),
        LedgerColumn(str(_("Visits")), 6),
        LedgerColumn(str(_("Last visit")), 17),
        LedgerColumn(str(_("Visited by")), 12),
        LedgerColumn(str(_("How")), 10),
        LedgerColumn(str(_("Questionnaire version")), 8),
    ]
    answers = [LedgerColumn(q["text"], 16) for q in localized_all(questions)]
    findings = [
        LedgerColumn(str(_("Returnee found")), 8),
        LedgerColumn(str(_("Symptomatic")), 8),
        LedgerColumn(str(_("Vulnerable household")), 8),
        LedgerColumn(str(_("Needs help with")), 20),
        LedgerColumn(str(_("Visit again on")), 12),
    ]
    return fixed + answers + findings


def _answer_text(question: dict, value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return str(YES if value else NO)
    labels = {c[0]: c[1] for c in question.get("choices") or []}
    if isinstance(value, list):
        return TAG_SEPARATOR.join(str(labels.get(v, v)) for v in value)
    return str(labels.get(value, value))


def _latest_visits(task_ids: list[int]) -> dict[int, Visit]:
    latest: dict[int, Visit] = {}
    for visit in (
        Visit.objects.filter(task_id__in=task_ids)
        .select_related("visitor", "version")
        .order_by("task_id", "visited_at", "pk")
    ):
        latest[visit.task_id] = visit
    return latest


def ledger_rows(tasks, questions: list[dict], *, unmasked: bool) -> Iterator[list[object]]:
    """One list of cell values per task, in the order given, chunk by chunk."""
    status_labels = {v: str(label) for v, label in TaskStatus.choices}
    method_labels = {v: str(label) for v, label in Method.choices}
    number = 0
    chunk: list[VisitTask] = []

    def flush() -> Iterable[list[object]]:
        nonlocal number
        visits = _latest_visits([t.pk for t in chunk])
        for task in chunk:
            number += 1
            visit = visits.get(task.pk)
            household = task.household
            head = household.head.name if household.head is not None else ""
            answers = visit.answers if visit is not None else {}
            yield [
                number,
                task.grid.name,
                household.building.name if household.building else household.address,
                household.unit,
                household.door_number,
                head if unmasked else mask_name(head),
                status_labels.get(task.status, task.status),
                task.attempts,
                (
                    timezone.localtime(visit.visited_at).strftime("%Y-%m-%d %H:%M")
                    if visit is not None
                    else ""
                ),
                str(visit.visitor) if visit is not None and visit.visitor else "",
                method_labels.get(visit.method, "") if visit is not None else "",
                visit.version.number if visit is not None else "",
                *(_answer_text(q, answers.get(q["code"])) for q in questions),
                str(YES) if task.returnee_found else "",
                str(YES) if task.symptomatic else "",
                str(YES) if task.vulnerable else "",
                visit.service_need if visit is not None else "",
                task.revisit_on.isoformat() if task.revisit_on else "",
            ]

    for task in tasks:
        chunk.append(task)
        if len(chunk) >= CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def ledger_title(round_name: str, day: datetime.date) -> str:
    return str(LEDGER_TITLE % {"round": round_name, "date": date_format(day)})


def write_ledger_xlsx(title: str, columns: list[LedgerColumn], rows) -> bytes:
    return xlsx.write_ledger(
        sheet_name=str(SHEET_TITLE),
        title=title,
        headers=[str(c.label) for c in columns],
        widths=[c.width for c in columns],
        text_columns={i for i, c in enumerate(columns) if c.text},
        rows=rows,
    )
