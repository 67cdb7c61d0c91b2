"""Every read of the registry that feeds a page, API or report: scoped by the actor."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.audit.models import AuditEvent
from shoumen.lib.dates import today
from shoumen.lib.ids import normalize_id_number
from shoumen.lib.text import clean_line, to_halfwidth
from shoumen.places.models import OrgUnit
from shoumen.places.selectors import grids_visible_to
from shoumen.registry.models import (
    Building,
    DocumentType,
    Household,
    Person,
    Relation,
    Status,
    document_index,
    id_last4_index,
    tag_q,
)


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""
    org_unit: OrgUnit | None = None
    tag: str = ""
    status: str = Status.RESIDENT  # "" means every status but merged


def persons_visible_to(user, perm: str = Perm.VIEW_REGISTRY) -> QuerySet[Person]:
    return Person.objects.filter(scope_q(user, perm, "grid__path"))


def document_number_query(q: str) -> str:
    """The document number a search is for, normalised (full-width digits, spaces, lower-case
    x), when it looks like a whole one (5 to 30 letters and digits, with a digit); else ""."""
    number = normalize_id_number(clean_line(q))
    if 5 <= len(number) <= 30 and number.isascii() and number.isalnum():
        return number if any(c.isdigit() for c in number) else ""
    return ""


def document_indexes(number: str) -> list[str]:
    """The blind index the number would have under each document type: an exact match."""
    return [document_index(t, number) for t in DocumentType if t != DocumentType.NONE]


def _matching_ids(qs: QuerySet[Person], q: str):
    """Ids in ``qs`` matching name, full pinyin or initials; or 4 trailing ID or phone
    characters; or a whole document number (exact, by its blind index); or a door number."""
    text = clean_line(q).lower()
    compact = "".join(text.split())
    if not compact:
        return qs.values("pk")
    if compact.isascii() and compact.isalnum() and any(c.isdigit() for c in compact):
        last4 = normalize_id_number(compact)
        by_door = qs.filter(household__door_number=to_halfwidth(q).strip()).values("pk")
        if len(last4) != 4:
            number = document_number_query(q)
            if not number:
                return by_door
            indexes = document_indexes(number)
            return qs.filter(id_number_index__in=indexes).values("pk").union(by_door)
        # A union of three indexed lookups, each inside the actor's scope: an OR across
        # person and household columns would make PostgreSQL read every person in scope,
        # and a door number unscoped matches that door in every building of the district.
        return (
            qs.filter(id_number_last4_index=id_last4_index(last4))
            .values("pk")
            .union(qs.filter(phone_last4=last4).values("pk"), by_door)
        )
    return qs.filter(search_text__contains=compact).values("pk")


def persons_search(user, filters: PersonFilters) -> QuerySet[Person]:
    """Scoped persons matching the filters, newest first by id, with what lists show."""
    qs = persons_visible_to(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.exclude(status=Status.MERGED)
    if filters.org_unit is not None:
        qs = qs.filter(grid__path__startswith=filters.org_unit.path)
    if filters.tag:
        qs = qs.filter(tag_q(filters.tag, today()))
    if filters.q:
        # Matching ids first: on PostgreSQL the scope and name filters then run on the covering
        # index (grid, status, id) INCLUDE (search_text) without reading the table, and only
        # the matches are fetched. The matches are sorted rather than found by walking the
        # primary key backwards, a guess that reads most of the table when the actor's
        # persons have low ids; "id + 0" orders newest first but cannot use the index.
        matches = _matching_ids(qs, filters.q)
        return (
            Person.objects.filter(pk__in=matches)
            .select_related("household__building", "grid")
            .order_by((F("id") + 0).desc())
        )
    return qs.select_related("household__building", "grid").order_by("-id")


def person_for(user, *, pk: int, perm: str = Perm.VIEW_REGISTRY) -> Person:
    """One person in scope, or Person.DoesNotExist."""
    return persons_visible_to(user, perm).select_related("household__building", "grid").get(pk=pk)


def person_history(user, person: Person) -> QuerySet[AuditEvent]:
    """Audit events about the person and any records merged into it (caller already scoped)."""
    ids = [str(person.pk), *(str(pk) for pk in person.merged_from.values_list("pk", flat=True))]
    return AuditEvent.objects.filter(target_type="registry.person", target_id__in=ids).order_by(
        "-id"
    )


def households_visible_to(user, perm: str = Perm.VIEW_REGISTRY) -> QuerySet[Household]:
    return Household.objects.filter(scope_q(user, perm, "grid__path"))


def households_of_grid(user, grid: OrgUnit, *, building: Building | None = None):
    """A grid's households in door order, each with its count of residents."""
    qs = households_visible_to(user).filter(grid=grid)
    if building is not None:
        qs = qs.filter(building=building)
    return (
        qs.select_related("building", "head")
        .annotate(resident_count=Count("members", filter=Q(members__status=Status.RESIDENT)))
        .order_by("building__name", "unit", "door_number", "id")
    )


def household_for(user, *, pk: int, perm: str = Perm.VIEW_REGISTRY) -> Household:
    return households_visible_to(user, perm).select_related("building", "grid", "head").get(pk=pk)


def household_members(household: Household) -> QuerySet[Person]:
    """Members of a household, the head first, then in the order they were registered."""
    head_first = Case(
        When(relation_to_head=Relation.HEAD, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        household.members.exclude(status=Status.MERGED)
        .annotate(head_first=head_first)
        .order_by("head_first", "id")
    )


def buildings_visible_to(user, perm: str = Perm.VIEW_REGISTRY) -> QuerySet[Building]:
    return Building.objects.filter(scope_q(user, perm, "grid__path"))


def buildings_of_grid(user, grid: OrgUnit) -> QuerySet[Building]:
    return (
        buildings_visible_to(user)
        .filter(grid=grid)
        .annotate(household_count=Count("households"))
        .order_by("name")
    )


def building_for(user, *, pk: int, perm: str = Perm.VIEW_REGISTRY) -> Building:
    return buildings_visible_to(user, perm).select_related("grid").get(pk=pk)


def _count_of(model, *, filter_q: Q | None = None) -> Coalesce:
    rows = (
        model.objects.filter(filter_q or Q(), grid=OuterRef("pk"))
        .order_by()
        .values("grid")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def grids_with_counts(user, *, under: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """The actor's grids (optionally under one unit) with household and resident counts."""
    qs = grids_visible_to(user)
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    return qs.annotate(
        household_count=_count_of(Household),
        resident_count=_count_of(Person, filter_q=Q(status=Status.RESIDENT)),
    )


def households_search(user, q: str, perm: str = Perm.VIEW_REGISTRY) -> QuerySet[Household]:
    """Households in scope whose door number, building name or address contains ``q``."""
    text = clean_line(to_halfwidth(q or ""))
    qs = households_visible_to(user, perm)
    if text:
        qs = qs.filter(
            Q(door_number=text) | Q(building__name__contains=text) | Q(address__contains=text)
        )
    return qs.select_related("building", "grid").order_by(
        "grid__path", "building__name", "unit", "door_number", "id"
    )
