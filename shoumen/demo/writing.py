"""Writing generated grids in the registry's stored form: ``bulk_create`` on any database,
``COPY`` on PostgreSQL. A person is stored exactly as ``person_register`` stores one:
encrypted ID and phone, blind indexes, last 4 characters and the pinyin search text."""

import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from shoumen.demo.plan import BuildingPlan, PersonPlan
from shoumen.lib import crypto
from shoumen.lib.bulk import copy_rows, next_ids
from shoumen.lib.pinyin import search_text
from shoumen.places.models import OrgUnit
from shoumen.registry.models import (
    ID_CONTEXT,
    PHONE_CONTEXT,
    Building,
    DocumentType,
    Household,
    Person,
    Relation,
    Status,
    id_last4_index,
)
from shoumen.registry.services import document_index


def _now() -> datetime.datetime:
    return timezone.now()


class _Writer:
    """Collects generated grids and writes them in batches in the registry's stored form."""

    def __init__(self):
        self.pending: list[tuple[OrgUnit, list[BuildingPlan]]] = []
        self.pending_persons = 0
        self.counts = {"buildings": 0, "households": 0, "persons": 0}

    def add(self, grid: OrgUnit, buildings: list[BuildingPlan]) -> None:
        self.pending.append((grid, buildings))
        self.pending_persons += sum(len(h.members) for b in buildings for h in b.households)

    def flush(self) -> None:
        if self.pending:
            self._write()
        self.pending, self.pending_persons = [], 0

    def finish(self, district: OrgUnit) -> None:
        """Anything left to do once every batch is written."""

    def person_fields(
        self, plan: PersonPlan, *, household_id, grid_id, now: datetime.datetime
    ) -> dict:
        """A person's column values exactly as ``person_register`` stores them."""
        document_type = DocumentType.RESIDENT_ID.value
        number, phone = plan.id_number, plan.phone
        return {
            "name": plan.name,
            "sex": plan.sex,
            "birth_date": plan.birth_date,
            "document_type": document_type,
            "id_number_encrypted": crypto.encrypt(number, context=ID_CONTEXT),
            "id_number_index": document_index(document_type, number),
            "id_number_last4_index": id_last4_index(number),
            "phone_encrypted": crypto.encrypt(phone, context=PHONE_CONTEXT) if phone else None,
            "phone_index": crypto.blind_index(phone, context=PHONE_CONTEXT) if phone else None,
            "phone_last4": phone[-4:],
            "household_id": household_id,
            "grid_id": grid_id,
            "relation_to_head": plan.relation,
            "status": Status.RESIDENT.value,
            "status_changed_on": None,
            "merged_into_id": None,
            "has_chronic_disease": plan.chronic,
            "is_pregnant": plan.pregnant,
            "is_disabled": plan.disabled,
            "lives_alone": plan.lives_alone,
            "notes": "",
            "search_text": search_text(plan.name),
            "created_at": now,
            "updated_at": now,
        }

    def _write(self) -> None:
        raise NotImplementedError


class _OrmWriter(_Writer):
    """``bulk_create`` in batches: any database; heads are set in one update at the end."""

    def _write(self) -> None:
        now = _now()
        building_rows = [(grid, plan) for grid, plans in self.pending for plan in plans]
        buildings = Building.objects.bulk_create(
            [Building(grid=grid, name=plan.name, units=plan.units) for grid, plan in building_rows],
            batch_size=1000,
        )
        household_rows = [
            (grid, building, plan)
            for (grid, building_plan), building in zip(building_rows, buildings, strict=True)
            for plan in building_plan.households
        ]
        households = Household.objects.bulk_create(
            [
                Household(
                    grid=grid, building=building, unit=plan.unit, door_number=plan.door_number
                )
                for grid, building, plan in household_rows
            ],
            batch_size=1000,
        )
        persons = [
            Person(
                **self.person_fields(member, household_id=household.pk, grid_id=grid.pk, now=now)
            )
            for (grid, _, plan), household in zip(household_rows, households, strict=True)
            for member in plan.members
        ]
        Person.objects.bulk_create(persons, batch_size=1000)
        self.counts["buildings"] += len(buildings)
        self.counts["households"] += len(households)
        self.counts["persons"] += len(persons)

    def finish(self, district: OrgUnit) -> None:
        heads = Person.objects.filter(
            household=OuterRef("pk"), relation_to_head=Relation.HEAD
        ).values("pk")[:1]
        Household.objects.filter(grid__path__startswith=district.path).update(head=Subquery(heads))


class _CopyWriter(_Writer):
    """PostgreSQL: ids drawn from the sequences up front, rows streamed with ``COPY``.

    Foreign keys are deferred to the end of the transaction, so households are written with
    their head before the persons exist.
    """

    def _ids(self, model, n: int) -> list[int]:
        return next_ids(model, n)

    def _copy(self, model, rows: list[dict]) -> None:
        attnames = [f.attname for f in model._meta.concrete_fields]
        copy_rows(model, attnames, ([row[a] for a in attnames] for row in rows))

    def _write(self) -> None:
        now = _now()
        building_rows = [(grid, plan) for grid, plans in self.pending for plan in plans]
        building_ids = self._ids(Building, len(building_rows))
        buildings = [
            {
                "id": building_id,
                "grid_id": grid.pk,
                "name": plan.name,
                "units": plan.units,
                "created_at": now,
            }
            for (grid, plan), building_id in zip(building_rows, building_ids, strict=True)
        ]
        household_rows = [
            (grid, building_id, plan)
            for (grid, building_plan), building_id in zip(building_rows, building_ids, strict=True)
            for plan in building_plan.households
        ]
        household_ids = self._ids(Household, len(household_rows))
        person_ids = iter(self._ids(Person, sum(len(p.members) for _, _, p in household_rows)))
        households, persons = [], []
        for (grid, building_id, plan), household_id in zip(
            household_rows, household_ids, strict=True
        ):
            head_id = None
            for member in plan.members:
                person = self.person_fields(
                    member, household_id=household_id, grid_id=grid.pk, now=now
                )
                person["id"] = next(person_ids)
                if member.relation == Relation.HEAD:
                    head_id = person["id"]
                persons.append(person)
            households.append(
                {
                    "id": household_id,
                    "grid_id": grid.pk,
                    "building_id": building_id,
                    "address": "",
                    "unit": plan.unit,
                    "door_number": plan.door_number,
                    "head_id": head_id,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        self._copy(Building, buildings)
        self._copy(Household, households)
        self._copy(Person, persons)
        self.counts["buildings"] += len(buildings)
        self.counts["households"] += len(households)
        self.counts["persons"] += len(persons)
