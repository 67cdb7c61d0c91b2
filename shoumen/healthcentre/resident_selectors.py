"""Residents a health role may act for: found by a search, or one by its id."""

from shoumen.accounts.scoping import scope_q
from shoumen.registry.models import Person, Status
from shoumen.registry.selectors import PersonFilters, persons_search

FOUND_LIMIT = 20


def residents_found(user, q: str, perm: str, limit: int = FOUND_LIMIT) -> list[Person]:
    """Residents where ``perm`` reaches matching a search (name, pinyin, last 4 of the ID
    number), as the registry's search finds them."""
    if not q.strip():
        return []
    found = persons_search(user, PersonFilters(q=q)).filter(
        scope_q(user, perm, "grid__path"), status=Status.RESIDENT
    )
    return list(found.select_related("grid")[:limit])


def resident_for(user, pk: int, perm: str) -> Person:
    """A resident where ``perm`` reaches, or Person.DoesNotExist."""
    return (
        Person.objects.filter(scope_q(user, perm, "grid__path"), status=Status.RESIDENT)
        .select_related("grid")
        .get(pk=pk)
    )
