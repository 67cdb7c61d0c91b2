"""The resident register (居民台账) as workers hand it in: its columns, title and row
order as data, written as .xlsx (streaming, write-only) or as CSV for Excel."""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shoumen.lib import xlsx
from shoumen.lib.phones import national_digits
from shoumen.registry.models import DocumentType, Person, Relation, Sex, Status, Tag

XLSX_CONTENT_TYPE = xlsx.XLSX_CONTENT_TYPE
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
TAG_SEPARATOR = "、"
REGISTER_TITLE = _("%(unit)s resident register (%(date)s)")
SHEET_TITLE = _("Register")


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


@dataclass(frozen=True)
class Labels:
    """Choice labels translated once per export: translating per cell costs more than
    the rest of the row."""

    relation: dict[str, str]
    sex: dict[str, str]
    document_type: dict[str, str]
    status: dict[str, str]
    tag: dict[str, str]

    @classmethod
    def current(cls) -> "Labels":
        return cls(
            relation=_labels(Relation.choices),
            sex=_labels(Sex.choices),
            document_type=_labels(DocumentType.choices),
            status=_labels(Status.choices),
            tag=_labels(Tag.choices),
        )


@dataclass(frozen=True)
class RowContext:
    number: int
    day: datetime.date
    unmasked: bool
    labels: Labels


@dataclass(frozen=True)
class Column:
    label: Promise
    width: int
    value: Callable[[Any, Any], object]  # (record, context) -> cell value
    text: bool = False  # stored as text so Excel keeps every digit


def _building(p: Person, ctx: RowContext) -> str:
    building = p.household.building
    return building.name if building is not None else p.household.address


def _head(p: Person, ctx: RowContext) -> str:
    head = p.household.head
    return head.name if head is not None else ""


def _birth(p: Person, ctx: RowContext) -> str:
    # Beside the masked ID number (region and last 4) the birth date would complete it.
    if not ctx.unmasked:
        return ""
    return p.birth_date.isoformat() if p.birth_date else ""


def _age(p: Person, ctx: RowContext) -> int | str:
    age = p.age_on(ctx.day)
    return "" if age is None else age


def _id_number(p: Person, ctx: RowContext) -> str:
    return p.id_number() if ctx.unmasked else p.id_number_masked


def _phone(p: Person, ctx: RowContext) -> str:
    if not ctx.unmasked:
        return p.phone_masked
    phone = p.phone()
    return national_digits(phone) if phone else ""


def _tags(p: Person, ctx: RowContext) -> str:
    return TAG_SEPARATOR.join(ctx.labels.tag.get(t, t) for t in p.tags_on(ctx.day))


COLUMNS: tuple[Column, ...] = (
    Column(_("No."), 6, lambda p, ctx: ctx.number),
    Column(_("Grid"), 16, lambda p, ctx: p.grid.name),
    Column(_("Building"), 12, _building),
    Column(_("Unit"), 6, lambda p, ctx: p.household.unit),
    Column(_("Door number"), 9, lambda p, ctx: p.household.door_number, text=True),
    Column(_("Head of household"), 10, _head),
    Column(_("Name"), 10, lambda p, ctx: p.name),
    Column(
        _("Relation to head"), 10, lambda p, ctx: ctx.labels.relation.get(p.relation_to_head, "")
    ),
    Column(_("Sex"), 6, lambda p, ctx: ctx.labels.sex.get(p.sex, "")),
    Column(_("Birth date"), 12, _birth),
    Column(_("Age"), 6, _age),
    Column(
        _("Document type"), 14, lambda p, ctx: ctx.labels.document_type.get(p.document_type, "")
    ),
    Column(_("Document number"), 22, _id_number, text=True),
    Column(_("Phone"), 15, _phone, text=True),
    Column(_("Category / tags"), 18, _tags),
    Column(_("Status"), 8, lambda p, ctx: ctx.labels.status.get(p.status, "")),
    Column(_("Notes"), 24, lambda p, ctx: p.notes),
)


def register_title(unit_name: str, day: datetime.date) -> str:
    return str(REGISTER_TITLE % {"unit": unit_name, "date": date_format(day)})


def header_labels() -> list[str]:
    return [str(c.label) for c in COLUMNS]


def register_rows(
    persons: Iterable[Person], *, day: datetime.date, unmasked: bool
) -> Iterable[list[object]]:
    """One list of cell values per person, numbered from 1, in the order given."""
    labels = Labels.current()
    for number, person in enumerate(persons, start=1):
        ctx = RowContext(number=number, day=day, unmasked=unmasked, labels=labels)
        yield [column.value(person, ctx) for column in COLUMNS]


class CountedRows:
    """Counts rows as they stream past, so the caller learns the total afterwards."""

    def __init__(self, rows: Iterable[list[object]]):
        self._rows = rows
        self.count = 0

    def __iter__(self):
        for row in self._rows:
            self.count += 1
            yield row


def write_xlsx(
    title: str,
    rows: Iterable[list[object]],
    columns: Sequence[Column] = COLUMNS,
    sheet_title: str | Promise = SHEET_TITLE,
) -> bytes:
    """A ledger (the register by default) through the safe cell writer: title merged
    across, frozen header, widths, text-formatted ID and phone columns, no formulas."""
    return xlsx.write_ledger(
        sheet_name=str(sheet_title),
        title=title,
        headers=[str(c.label) for c in columns],
        widths=[c.width for c in columns],
        text_columns={i for i, c in enumerate(columns) if c.text},
        rows=rows,
    )


def write_csv(title: str, rows: Iterable[list[object]]) -> bytes:
    """The register as CSV: UTF-8 with a BOM so Excel reads the Chinese, the header first
    (the title lives in the file name)."""
    return xlsx.write_csv(header_labels(), rows)
