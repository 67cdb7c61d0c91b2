"""Class rosters (班级花名册: 姓名, 性别, 出生日期, 身份证号, 班级, 是否住校, 监护人, 监护人电话)
imported into a school through the ledger import: the same upload checks, background
check, column mapping, preview with per-row errors and confirm step as residents' ledgers.

Every row is checked as a typed pupil is (``setup_services``), and written through the
same services, so an imported pupil is stored, linked to a resident and audited exactly
as a typed one. Classes are matched by name (or code) within the school; a class the
school does not have is refused unless the importer asked for it to be created and may
create it. Nothing is written while any row is bad, unless bad rows are skipped on
purpose."""

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.audit.services import audit_event_record
from shoumen.ledgers.importing import ImportResult
from shoumen.ledgers.importing.checking import (
    ERR_DATE_UNREADABLE,
    ERR_ID_AS_NUMBER,
    ERR_ID_TWICE,
    ERR_SEX_UNKNOWN,
    RowError,
    _Row,
)
from shoumen.ledgers.importing.kinds import ImportKind, register
from shoumen.ledgers.importing.reading import (
    _SCIENTIFIC,
    SEX_WORDS,
    LedgerError,
    ProgressCallback,
    _is_number,
    cell_text,
    checked_mapping,
    free_text,
    load_table,
    masked_cell,
    parse_date,
)
from shoumen.ledgers.importing.workbooks import error_report_xlsx
from shoumen.lib.errors import ERR_OUT_OF_SCOPE, deny
from shoumen.lib.excel import Table, header_key, is_blank
from shoumen.lib.ids import normalize_id_number
from shoumen.lib.phones import InvalidPhone, normalize_phone
from shoumen.lib.text import clean_line, strip_all_spaces, to_halfwidth
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import DocumentType, document_index
from shoumen.schools import setup_services
from shoumen.schools.models import Guardian, Pupil, School, SchoolClass

KIND = "class_roster"
FIELD_LABELS: dict[str, Any] = {
    "seq": _("Row number (ignored)"),
    "name": _("Name"),
    "sex": _("Sex"),
    "birth_date": _("Birth date"),
    "id_number": _("ID number"),
    "class_name": _("Class"),
    "boarding": _("Boarder"),
    "guardian": _("Guardian"),
    "guardian_relation": _("Guardian's relation"),
    "guardian_phone": _("Guardian's phone"),
}
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "No"),
    "name": ("姓名", "学生姓名", "学生"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "证件号", "身份证"),
    "class_name": ("班级", "班级名称", "所在班级", "班别"),
    "boarding": ("是否住校", "住校", "是否住宿", "住宿", "住校生"),
    "guardian": ("监护人", "监护人姓名", "家长", "家长姓名"),
    "guardian_relation": ("与学生关系", "监护人关系", "与监护人关系", "关系"),
    "guardian_phone": ("监护人电话", "监护人手机", "家长电话", "家长手机", "联系电话", "手机号"),
}
_ALIASES = {header_key(a): key for key, aliases in HEADER_ALIASES.items() for a in aliases}
YES_WORDS = {"是", "住校", "住宿", "y", "yes", "1", "√", "✓", "true"}
NO_WORDS = {"否", "不", "走读", "n", "no", "0", "×", "false", "不住校"}
PROGRESS_EVERY = 500

# 只能导入到学校。
ERR_NOT_A_SCHOOL = _("Import class rosters into a school.")
# 花名册需要有“班级”列。
ERR_CLASS_COLUMN = _("A class roster needs a class column (班级).")
# %(school)s没有名为“%(value)s”的班级。
ERR_CLASS_UNKNOWN = _("%(school)s has no class called “%(value)s”.")
# 请填写班级。
ERR_CLASS_REQUIRED = _("Enter the pupil's class.")
# 无法从班级名称“%(value)s”看出年级，请先建立该班级。
ERR_CLASS_GRADE = _(
    "The grade cannot be read from the class name “%(value)s”; set the class up first."
)
# 是否住校请填写“是”或“否”。
ERR_BOARDING_UNKNOWN = _("Write 是 or 否 for boarding.")
# 填写了监护人电话，请同时填写监护人姓名。
ERR_GUARDIAN_NAME = _("Enter the guardian's name with their phone.")
# 该学生已在%(school)s的花名册上。
ERR_OTHER_SCHOOL = _("This pupil is on the roll of %(school)s.")

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_GRADE = re.compile(r"^(初|高)?([一二三四五六七八九]|\d{1,2})(年级)?")


def grade_of(name: str) -> int | None:
    """The grade a class name says: 一年级1班 → 1, 3年级2班 → 3, 初一1班 → 7, 高二3班 → 11."""
    match = _GRADE.match(strip_all_spaces(to_halfwidth(name)))
    if not match or (not match.group(1) and not match.group(3)):
        return None
    text = match.group(2)
    grade = _CN_DIGITS[text] if text in _CN_DIGITS else int(text)
    grade += {"初": 6, "高": 9}.get(match.group(1) or "", 0)
    return grade if 1 <= grade <= 12 else None


def guess_mapping(table: Table) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for header in table.headers:
        key = _ALIASES.get(header_key(header))
        if key and key not in mapping.values():
            mapping[header] = key
    return mapping


# ---------------------------------------------------------------- checking


class _Roster:
    """Everything looked up once for the file: the school's classes, and the pupils the
    file's ID numbers (or names without one) already name."""

    def __init__(
        self,
        *,
        actor,
        school: School,
        table: Table,
        mapping: Mapping[str, str],
        create_classes: bool,
    ):
        self.actor, self.school, self.table = actor, school, table
        self.column = {key: table.headers.index(h) for h, key in mapping.items()}
        self.header = {key: h for h, key in mapping.items()}
        self.create_classes = create_classes
        self.classes: dict[str, SchoolClass] = {}
        for klass in SchoolClass.objects.filter(school=school).select_related("unit"):
            self.classes[_class_key(klass.unit.name)] = klass
            self.classes.setdefault(_class_key(klass.unit.code), klass)
        self.new_classes: dict[str, tuple[str, int]] = {}  # key -> (name, grade)

    def cell(self, cells: list[Any], key: str) -> Any:
        index = self.column.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def error(self, row: _Row, key: str | None, reason) -> None:
        column = self.header.get(key or "", "") if key else ""
        shown = "id_number" if key == "id_number" else "phone" if key == "guardian_phone" else key
        value = masked_cell(shown, self.cell(row.cells, key)) if key else ""
        row.errors.append(RowError(self.table.sheet, row.row, column, value, str(reason)))

    def read_row(self, number: int, cells: list[Any]) -> _Row:
        row = _Row(number, cells)
        get = lambda key: self.cell(cells, key)  # noqa: E731
        values: dict[str, Any] = {"name": free_text(get("name"))}
        raw_id = get("id_number")
        id_text = "" if is_blank(raw_id) else cell_text(raw_id)
        if id_text and (_is_number(raw_id) or _SCIENTIFIC.match(strip_all_spaces(id_text))):
            self.error(row, "id_number", ERR_ID_AS_NUMBER)
            id_text = ""
        values["id_number"] = id_text
        sex_text = strip_all_spaces(cell_text(get("sex"))).lower()
        values["sex"] = ""
        if sex_text:
            if sex_text in SEX_WORDS:
                values["sex"] = SEX_WORDS[sex_text].value
            else:
                self.error(row, "sex", ERR_SEX_UNKNOWN)
        try:
            values["birth_date"] = parse_date(get("birth_date"))
        except ValueError:
            values["birth_date"] = None
            self.error(row, "birth_date", ERR_DATE_UNREADABLE)
        boarding = strip_all_spaces(cell_text(get("boarding"))).lower()
        values["boarding"] = boarding in YES_WORDS
        if boarding and boarding not in YES_WORDS | NO_WORDS:
            self.error(row, "boarding", ERR_BOARDING_UNKNOWN)
        self._guardian(row, values)
        self._class(row, values)
        in_error = {e.column for e in row.errors}
        try:
            clean = setup_services._validated_pupil(values, number_typed=True)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                column = key if key in self.column else "id_number"
                if self.header.get(column, "") in in_error:
                    continue
                for message in messages:
                    self.error(row, column, message)
        else:
            values.update(clean)
        row.values = values
        return row

    def _guardian(self, row: _Row, values: dict[str, Any]) -> None:
        values["guardian"] = free_text(self.cell(row.cells, "guardian"))[:50]
        values["guardian_relation"] = free_text(self.cell(row.cells, "guardian_relation"))[:20]
        phone = cell_text(self.cell(row.cells, "guardian_phone"))
        values["guardian_phone"] = ""
        if phone:
            try:
                values["guardian_phone"] = normalize_phone(phone)
            except InvalidPhone as exc:
                self.error(row, "guardian_phone", exc.message)
            if not values["guardian"]:
                self.error(row, "guardian", ERR_GUARDIAN_NAME)

    def _class(self, row: _Row, values: dict[str, Any]) -> None:
        text = clean_line(cell_text(self.cell(row.cells, "class_name")))
        values["class_key"] = key = _class_key(text)
        if not text:
            self.error(row, "class_name", ERR_CLASS_REQUIRED)
        elif key in self.classes:
            return
        elif not self.create_classes:
            self.error(
                row,
                "class_name",
                ERR_CLASS_UNKNOWN % {"school": self.school.unit.name, "value": text},
            )
        elif (grade := grade_of(text)) is None:
            self.error(row, "class_name", ERR_CLASS_GRADE % {"value": text})
        else:
            self.new_classes.setdefault(key, (text, grade))


def _class_key(text: str) -> str:
    return strip_all_spaces(to_halfwidth(text or "")).lower()


def _match(roster: _Roster, rows: list[_Row]) -> None:
    """Each row's stored pupil: by the ID number's blind index (on any school's roll), or
    by name and birth date in the same school for a pupil without one."""
    by_index: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.values.get("id_number"):
            number = normalize_id_number(row.values["id_number"])
            index = document_index(DocumentType.RESIDENT_ID, number)
            row.values["id_index"] = index
            by_index[index].append(row)
    found = Pupil.objects.filter(id_number_index__in=list(by_index)).select_related(
        "school__unit", "klass"
    )
    for pupil in found:
        for row in by_index[pupil.id_number_index or ""]:
            row.values["_pupil"] = pupil
    for group in by_index.values():
        if len(group) > 1:
            numbers = ", ".join(str(r.row) for r in group)
            for row in group:
                roster.error(row, "id_number", ERR_ID_TWICE % {"rows": numbers})
    names = {r.values["name"] for r in rows if not r.values.get("id_number")}
    without: dict[tuple, Pupil] = {}
    for pupil in Pupil.objects.filter(
        school=roster.school, id_number_index__isnull=True, name__in=names
    ):
        without.setdefault((pupil.name, pupil.birth_date), pupil)
    for row in rows:
        if not row.values.get("id_number") and not row.errors:
            candidate = without.get((row.values["name"], row.values.get("birth_date")))
            if candidate is not None:
                candidate.school = roster.school
                row.values["_pupil"] = candidate


def _classify(roster: _Roster, row: _Row, guardians: dict[int, set[tuple[str, str]]]) -> None:
    pupil: Pupil | None = row.values.get("_pupil")
    if row.errors:
        row.kind = "bad"
    elif pupil is None:
        row.kind = "new"
    elif pupil.school_id != roster.school.pk:
        roster.error(row, "id_number", ERR_OTHER_SCHOOL % {"school": pupil.school.unit.name})
        row.kind = "bad"
    else:
        values = row.values
        klass = roster.classes.get(values["class_key"])
        guardian = values["guardian"] and (
            values["guardian"],
            values["guardian_phone"][-4:],
        ) not in guardians.get(pupil.pk, set())
        same = (
            pupil.name == values["name"]
            and pupil.sex == values["sex"]
            and (values["birth_date"] is None or pupil.birth_date == values["birth_date"])
            and pupil.boarding == values["boarding"]
            and klass is not None
            and pupil.klass_id == klass.pk
            and pupil.active
            and not guardian
        )
        row.kind = "unchanged" if same else "updated"


def _plan(roster: _Roster, on_progress: ProgressCallback | None) -> list[_Row]:
    total = len(roster.table.rows)
    rows = []
    for done, (number, cells) in enumerate(roster.table.rows, start=1):
        rows.append(roster.read_row(number, cells))
        if on_progress and (done % PROGRESS_EVERY == 0):
            on_progress(done, total)
    _match(roster, rows)
    matched = [r.values["_pupil"].pk for r in rows if "_pupil" in r.values]
    guardians: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for pupil_id, name, last4 in Guardian.objects.filter(pupil_id__in=matched).values_list(
        "pupil_id", "name", "phone_last4"
    ):
        guardians[pupil_id].add((name, last4))
    for row in rows:
        _classify(roster, row, guardians)
    if on_progress:
        on_progress(total, total)
    return rows


# ---------------------------------------------------------------- the kind


def roster_import(
    *,
    actor,
    org_unit: OrgUnit,
    data: bytes,
    filename: str,
    sheet: str | None = None,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    on_progress: ProgressCallback | None = None,
    options: Mapping[str, Any] | None = None,
    **_unused: Any,
) -> ImportResult:
    """Check a class roster and, unless ``dry_run``, import it (one transaction)."""
    if not can(actor, Perm.MANAGE_PUPILS, org_unit):
        raise deny(ERR_OUT_OF_SCOPE)
    if org_unit.level != Level.SCHOOL:
        raise LedgerError(ERR_NOT_A_SCHOOL)
    school = School.objects.select_related("unit").get(unit=org_unit)
    table = load_table(data, filename, sheet=sheet, known=_ALIASES)
    used = checked_mapping(
        table.headers, mapping if mapping is not None else guess_mapping(table), FIELD_LABELS
    )
    if "class_name" not in used.values():
        raise LedgerError(ERR_CLASS_COLUMN)
    create = bool((options or {}).get("create_classes"))
    roster = _Roster(actor=actor, school=school, table=table, mapping=used, create_classes=create)
    rows = _plan(roster, on_progress)
    counts = dict.fromkeys(("new", "updated", "unchanged", "bad"), 0)
    for row in rows:
        counts[row.kind] += 1
    wanted = {r.values["class_key"] for r in rows if r.kind in ("new", "updated")}
    result = ImportResult(
        sheet=table.sheet,
        headers=table.headers,
        mapping=used,
        counts=counts,
        errors=[e for row in rows for e in row.errors],
        committed=False,
        sheets=table.sheets,
        new_buildings=_new_classes(roster, wanted),
    )
    if counts["bad"]:
        result.error_report = error_report_xlsx(table, rows)
    if dry_run or (counts["bad"] and not skip_bad_rows):
        return result
    _commit(roster, rows, filename=filename, counts=counts, wanted=wanted)
    result.committed = True
    return result


def _new_classes(roster: _Roster, wanted: set[str]) -> dict[str, list[str]]:
    """The classes the import would create, for the preview (under the school's name)."""
    names = sorted(name for key, (name, _grade) in roster.new_classes.items() if key in wanted)
    return {roster.school.unit.name: names} if names else {}


@transaction.atomic
def _commit(roster: _Roster, rows: list[_Row], *, filename: str, counts, wanted: set[str]) -> None:
    actor, school = roster.actor, roster.school
    for key, (name, grade) in roster.new_classes.items():
        if key in wanted:
            roster.classes[key] = setup_services.class_create(
                actor=actor, school=school, code=_free_code(school), name=name, grade=grade
            )
    for row in rows:
        if row.kind not in ("new", "updated"):
            continue
        values = row.values
        klass = roster.classes[values["class_key"]]
        fields = {k: values[k] for k in ("name", "sex", "birth_date", "id_number", "boarding")}
        if row.kind == "new":
            pupil = setup_services.pupil_create(actor=actor, klass=klass, **fields)
        else:
            pupil = setup_services.pupil_update(
                actor=actor, pupil=values["_pupil"], klass=klass, **fields
            )
        if values["guardian"]:
            _guardian_put(actor, pupil, values)
    audit_event_record(
        actor=actor,
        action="roster.import",
        target=school,
        org_path=school.unit.path,
        changes={"file": filename, "sheet": roster.table.sheet, **counts},
    )


def _guardian_put(actor, pupil: Pupil, values: Mapping[str, Any]) -> None:
    """The row's guardian: the one of that name is updated, else one is added."""
    existing = Guardian.objects.filter(pupil=pupil, name=values["guardian"]).first()
    last4 = values["guardian_phone"][-4:]
    if (
        existing is not None
        and existing.phone_last4 == last4
        and (not values["guardian_relation"] or existing.relation == values["guardian_relation"])
    ):
        return
    setup_services.guardian_set(
        actor=actor,
        pupil=pupil,
        name=values["guardian"],
        relation=values["guardian_relation"] or (existing.relation if existing else ""),
        phone=values["guardian_phone"],
        guardian=existing,
    )


def _free_code(school: School) -> str:
    """A code for a new class of ``school``: its code, "-K" and the next free number."""
    prefix = f"{school.unit.code}-K"
    taken = set(OrgUnit.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def _start_url(job) -> str:
    return reverse("schools:roster_import", args=[job.org_unit.school.pk])


def register_kind() -> None:
    """Make class rosters a kind of ledger import (from SchoolsConfig.ready)."""
    register(
        ImportKind(
            slug=KIND,
            label=_("Class roster"),
            perm=Perm.MANAGE_PUPILS,
            levels=(Level.SCHOOL,),
            field_labels=FIELD_LABELS,
            run=roster_import,
            guess_mapping=guess_mapping,
            known_headers=_ALIASES,
            start_url=_start_url,
            start_label=_("Import class rosters"),
            new_places_title=_("New classes"),
            new_places_help=_("The school has no such classes yet; importing sets them up."),
        )
    )
