"""API shapes of the registry. ID numbers and phones only ever leave masked."""

import datetime
from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import AfterValidator

from shoumen.lib.dates import today
from shoumen.lib.text import clean_line
from shoumen.registry.models import DocumentType, Household, Person, Relation, Sex, Status, Tag

ERR_NUL = _("Text cannot contain NUL characters.")
ERR_TOO_LONG = _("At most %(max)d characters.")
MAX_ID = 2**63 - 1
MAX_OFFSET = 10**9


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(str(ERR_NUL))
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


def _fits(max_length: int):
    """Text must still fit its column once normalised (NFKC can lengthen it)."""

    def check(value: str) -> str:
        if len(clean_line(value)) > max_length:
            raise ValueError(str(ERR_TOO_LONG % {"max": max_length}))
        return value

    return AfterValidator(check)


Name = Annotated[Text, Field(max_length=50), _fits(50)]
Code = Annotated[Text, Field(max_length=32), _fits(32)]
Address = Annotated[Text, Field(max_length=200), _fits(200)]
UnitNo = Annotated[Text, Field(max_length=10), _fits(10)]
DoorNo = Annotated[Text, Field(max_length=20), _fits(20)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Page(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class PersonFiltersIn(Page):
    q: Text = Field(
        "",
        max_length=100,
        description="Name, pinyin, initials, ID/phone last 4, or a whole document number",
    )
    org_unit: Code = Field("", description="Code of an org unit to search under")
    tag: Tag | None = None
    status: Status | Literal[""] = Field(Status.RESIDENT, description="'' for any status")


class HouseholdFiltersIn(Page):
    grid: Code = Field("", description="Code of a grid")
    q: Text = Field("", max_length=20, description="Door number")


class PersonOut(Schema):
    """A person as every list and detail shows it: the ID number masked (region and last
    4), so age in years and never the birth date, which would complete the number."""

    id: int
    name: str
    sex: str
    age: int | None = Field(description="Age in years today")
    document_type: str
    id_number_masked: str
    phone_masked: str
    household: int
    household_label: str
    grid: str
    relation_to_head: str
    status: str
    tags: list[str]
    notes: str

    @staticmethod
    def from_person(person: Person, day: datetime.date | None = None) -> "PersonOut":
        day = day or today()
        return PersonOut(
            id=person.pk,
            name=person.name,
            sex=person.sex,
            age=person.age_on(day),
            document_type=person.document_type,
            id_number_masked=person.id_number_masked,
            phone_masked=person.phone_masked,
            household=person.household_id,
            household_label=person.household.label,
            grid=person.grid.code,
            relation_to_head=person.relation_to_head,
            status=person.status,
            tags=person.tags_on(day),
            notes=person.notes,
        )


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


class PersonFieldsIn(Schema):
    """The PERSON_FIELDS; on PATCH only those given are changed."""

    name: Name | None = None
    sex: Sex | None = None
    birth_date: datetime.date | None = None
    document_type: DocumentType | None = None
    id_number: Text | None = Field(None, max_length=40)
    phone: Text | None = Field(None, max_length=40)
    relation_to_head: Relation | None = None
    tags: list[Tag] | None = None
    notes: Text | None = Field(None, max_length=2000)


class PersonIn(PersonFieldsIn):
    household: Id
    name: Name
    document_type: DocumentType = DocumentType.NONE


class RevealIn(Schema):
    field: Literal["id_number", "phone"]
    reason: Text = Field("", max_length=200)


class RevealOut(Schema):
    field: str
    value: str


class HouseholdOut(Schema):
    id: int
    label: str
    grid: str
    building: int | None
    building_name: str
    address: str
    unit: str
    door_number: str
    head: int | None
    head_name: str

    @staticmethod
    def from_household(household: Household) -> dict:
        return {
            "id": household.pk,
            "label": household.label,
            "grid": household.grid.code,
            "building": household.building_id,
            "building_name": household.building.name if household.building else "",
            "address": household.address,
            "unit": household.unit,
            "door_number": household.door_number,
            "head": household.head_id,
            "head_name": household.head.name if household.head else "",
        }


class HouseholdDetailOut(HouseholdOut):
    members: list[PersonOut]


class HouseholdPage(Schema):
    items: list[HouseholdOut]
    count: int


class HouseholdIn(Schema):
    grid: Code = Field(description="Code of the grid")
    building: Id | None = None
    address: Address = ""
    unit: UnitNo = ""
    door_number: DoorNo = ""
