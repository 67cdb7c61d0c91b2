"""A masked ID number cannot be rebuilt: everything a role sees of a person without revealing
(pages, API, masked exports, history), put together, and everything the database keeps in
plain text, leave at least 30 ID numbers possible.

An ID number is region (6) + birth date (8) + sequence (3) + check digit (1). The count is a
real enumeration: every (birth date, sequence) the visible facts allow whose check digit
matches. The region is taken as known (an attacker guesses the local code), age in years is
taken as visible (pages show it); a fact counts as visible when its text appears."""

import datetime
import io
import re
from dataclasses import dataclass, replace

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.ledgers.export_services import register_export
from shoumen.lib.dates import age_on, today
from shoumen.lib.ids import _check_digit
from shoumen.observation.models import Kind, Reason
from shoumen.observation.reports import FOLLOW_UP, KEY_PERSONS, observation_ledger_export
from shoumen.observation.services import observation_start
from shoumen.registry.household_services import household_create
from shoumen.registry.models import DocumentType, Person, Relation, birth_date_cutoff
from shoumen.registry.services import person_register, person_update
from tests.api.conftest import ApiClient

MIN_CANDIDATES = 30
# A digest of a keyed blind index: opaque without the key, whatever digits it holds.
_KEYED_DIGEST = re.compile(r"\b[0-9a-f]{64}\b")
_TAGS = re.compile(r"<script.*?</script>|<[^>]+>", re.S)
# 钱多: registered with one number, then corrected to another, as happens.
FIRST_ID = "110105199806150029"
CORRECTED_ID = "110105199806150045"


@dataclass(frozen=True)
class Facts:
    """What is known of one ID number: the birth-date window, and the last 4 if seen."""

    region: str
    earliest: datetime.date
    latest: datetime.date
    last4: str = ""
    sex: str = ""
    whole: bool = False


def candidates(facts: Facts, *, enough: int = 10 * MIN_CANDIDATES) -> int:
    """ID numbers consistent with ``facts`` (counting stops at ``enough``)."""
    if facts.whole:
        return 1
    if facts.last4:
        sequences = [facts.last4[:3]]
    else:
        odd = {"M": True, "F": False}.get(facts.sex)
        sequences = [f"{i:03d}" for i in range(1000) if odd is None or (i % 2 == 1) == odd]
    count, day = 0, facts.earliest
    while day <= facts.latest and count < enough:
        stem = facts.region + day.strftime("%Y%m%d")
        for sequence in sequences:
            check = _check_digit(stem + sequence)
            if not facts.last4 or check == facts.last4[3]:
                count += 1
        day += datetime.timedelta(days=1)
    return count


def _date_forms(day: datetime.date) -> list[str]:
    y, m, d = day.year, day.month, day.day
    return [
        day.isoformat(),
        day.strftime("%Y%m%d"),
        day.strftime("%Y/%m/%d"),
        day.strftime("%Y.%m.%d"),
        f"{y}年{m}月{d}日",
        f"{y}/{m}/{d}",
        f"{m}/{d}/{y}",
    ]


def facts_seen(number: str, birth: datetime.date, sex: str, texts: list[str]) -> Facts:
    """The facts about ``number`` that the texts give away, with today's age as visible."""
    age = age_on(birth, today())
    facts = Facts(
        region=number[:6],
        earliest=birth_date_cutoff(today(), age + 1) + datetime.timedelta(days=1),
        latest=birth_date_cutoff(today(), age),
        sex=sex,
    )
    text = _KEYED_DIGEST.sub(" ", "\n".join(texts))
    if number in text:
        return replace(facts, whole=True)
    if any(form in text for form in _date_forms(birth)):
        facts = replace(facts, earliest=birth, latest=birth)
    elif re.search(rf"{birth.year}\D{{0,2}}0?{birth.month}\D", text):
        month_end = (birth.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        facts = replace(
            facts,
            earliest=max(facts.earliest, birth.replace(day=1)),
            latest=min(facts.latest, month_end - datetime.timedelta(days=1)),
        )
    elif re.search(rf"(?<!\d){birth.year}(?!\d)", text):
        facts = replace(
            facts,
            earliest=max(facts.earliest, datetime.date(birth.year, 1, 1)),
            latest=min(facts.latest, datetime.date(birth.year, 12, 31)),
        )
    if number[-4:] in text:
        facts = replace(facts, last4=number[-4:])
    return facts


# ---------------------------------------------------------------- what a role sees


def _page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return _TAGS.sub(" ", response.content.decode())


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return "\n".join(
        " ".join("" if v is None else str(v) for v in row)
        for row in sheet.iter_rows(values_only=True)
    )


def _xlsx_rows_of(content: bytes, person: Person) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    return [list(row) for row in rows if person.id_number_masked in row]


@pytest.fixture
def corrected(world):
    household = household_create(
        actor=world.admin_user, grid=world.grid_a, building=world.building_a, door_number="502"
    )
    person = person_register(
        actor=world.admin_user,
        household=household,
        name="钱多",
        document_type=DocumentType.RESIDENT_ID,
        id_number=FIRST_ID,
        phone="13900002222",
        relation_to_head=Relation.HEAD,
    )
    return person_update(actor=world.grid_worker, person=person, id_number=CORRECTED_ID)


def seen_by(world, client, person: Person) -> list[str]:
    """Everything ``community_staff`` is shown of ``person`` without revealing."""
    observation_start(
        actor=world.admin_user,
        person=person,
        kind=Kind.HOME_MONITORING,
        reason=Reason.OTHER,
        arrival_date=today() - datetime.timedelta(days=2),  # on yesterday's sheet too
    )
    actor = world.community_staff
    pk = person.pk
    texts = [
        _page_text(client.get(reverse(name, args=[pk])))
        for name in (
            "registry:person",
            "registry:person_history",
            "registry:person_edit",
        )
    ]
    texts.append(_page_text(client.get(reverse("registry:household", args=[person.household_id]))))
    for q in (person.name, person.id_number()[-4:]):
        texts.append(_page_text(client.post(reverse("registry:search"), {"q": q}, follow=True)))
    observation = person.observations.get()
    texts.append(_page_text(client.get(reverse("observation:detail", args=[observation.pk]))))

    api = ApiClient(api_token_create(actor=None, user=actor)[1])
    for response in (
        api.get("/persons", q=person.name),
        api.get(f"/persons/{pk}"),
        api.get(f"/households/{person.household_id}"),
        api.post("/persons/search", {"q": person.name}),
    ):
        assert response.status_code == 200
        texts.append(response.content.decode())

    unit = world.community
    exports = [
        register_export(actor=actor, org_unit=unit, fmt="xlsx").content,
        observation_ledger_export(actor=actor, org_unit=unit, ledger=KEY_PERSONS).content,
        observation_ledger_export(
            actor=actor, org_unit=unit, ledger=FOLLOW_UP, day=today() - datetime.timedelta(1)
        ).content,
        observation_ledger_export(actor=actor, org_unit=unit, ledger=FOLLOW_UP).content,
    ]
    for content in exports:
        rows = _xlsx_rows_of(content, person)
        assert rows, "the person is in every export"
        # Ages are today's everywhere: ages on two different days would narrow the window.
        age = person.age
        assert all(age in row for row in rows), rows
        texts.append(_xlsx_text(content))
    csv = register_export(actor=actor, org_unit=unit, fmt="csv").content
    texts.append(csv.decode("utf-8-sig"))
    return texts


def _persons(world, corrected) -> list[Person]:
    return [world.shan, world.zeng, Person.objects.get(pk=corrected.pk)]


def test_what_a_role_sees_leaves_at_least_30_id_numbers(world, login, corrected):
    client = login(world.community_staff)
    seen = {}
    for person in _persons(world, corrected):
        texts = seen[person.pk] = seen_by(world, client, person)
        number = person.id_number()
        assert person.id_number_masked in "\n".join(texts)  # the mask is there to combine
        facts = facts_seen(number, person.birth_date, person.sex, texts)
        assert facts.last4 == number[-4:] and facts.earliest < facts.latest, facts
        assert candidates(facts) >= MIN_CANDIDATES, (person.name, facts)
    # The number it had before the correction shows nowhere, masked or not.
    old = facts_seen(FIRST_ID, corrected.birth_date, corrected.sex, seen[corrected.pk])
    assert not old.last4 and candidates(old) >= MIN_CANDIDATES


def _plain_columns(table: str, where: str, params: list) -> list[str]:
    """Every value of the matching rows as text, binary columns (ciphertext) left out, and
    the times rows were written: their microseconds hold any 4 digits by chance."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {where}", params)  # noqa: S608
        rows = cursor.fetchall()
    return [
        str(value)
        for row in rows
        for value in row
        if value is not None and not isinstance(value, bytes | memoryview | datetime.datetime)
    ]


def test_what_the_database_keeps_in_plain_text_leaves_at_least_30_id_numbers(world, corrected):
    for person in _persons(world, corrected):
        texts = _plain_columns(Person._meta.db_table, "id = %s", [person.pk])
        texts += _plain_columns(
            AuditEvent._meta.db_table,
            "target_type = %s AND target_id = %s",
            ["registry.person", str(person.pk)],
        )
        number = person.id_number()
        facts = facts_seen(number, person.birth_date, person.sex, texts)
        # The birth date is there in plain text (age tags need it); the last 4 must not be.
        assert facts.earliest == facts.latest == person.birth_date
        assert not facts.last4, person.name
        assert candidates(facts) >= MIN_CANDIDATES, (person.name, facts)
        search_text = Person.objects.get(pk=person.pk).search_text
        assert not any(c.isdigit() for c in search_text)


def test_the_count_falls_below_30_when_the_birth_date_shows_beside_the_mask():
    birth = datetime.date(1985, 3, 7)
    number = "110105198503070019"
    masked_only = facts_seen(number, birth, "M", ["110105********0019"])
    assert 30 <= candidates(masked_only) <= 40
    with_birth = facts_seen(number, birth, "M", ["110105********0019", "1985-03-07"])
    assert candidates(with_birth) == 1
    with_year = facts_seen(number, birth, "M", ["110105********0019 · 1985"])
    assert candidates(with_year) <= candidates(masked_only)
    from_dump = facts_seen(number, birth, "M", ["1985-03-07", "0019"])
    assert candidates(from_dump) == 1
