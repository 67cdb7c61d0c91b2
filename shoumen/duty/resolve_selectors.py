"""Reads for re-solves around a sick call, scoped by the actor (``manage_duty``), and a
re-solve's changes in words: each shift that changes hands, who leaves it and who takes
it."""

import datetime
from dataclasses import dataclass, field

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.duty.models import Assignment, DutyPerson, Resolve, ResolveStatus, Shift
from shoumen.duty.resolve_problem import by_slot


def resolves_visible_to(user):
    return Resolve.objects.filter(scope_q(user, Perm.MANAGE_DUTY, "roster__community__path"))


def resolve_for(user, pk: int) -> Resolve:
    """One re-solve the user manages (Resolve.DoesNotExist otherwise: a 404)."""
    return (
        resolves_visible_to(user).select_related("roster__community", "person", "sick").get(pk=pk)
    )


def latest_resolve_of(user, assignment: Assignment) -> Resolve | None:
    """The newest re-solve started from ``assignment``'s sick call, unless discarded."""
    return (
        resolves_visible_to(user)
        .filter(sick=assignment)
        .exclude(status=ResolveStatus.DISCARDED)
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass
class Change:
    date: datetime.date
    post: str
    shift: str
    leaving: list[str] = field(default_factory=list)
    taking: list[str] = field(default_factory=list)


def changes_of(resolve: Resolve) -> list[Change]:
    """The shifts that change hands, in time order."""
    entries = [*resolve.dropped, *resolve.added]
    names = dict(
        DutyPerson.objects.filter(pk__in={e["person"] for e in entries}).values_list("pk", "name")
    )
    shifts = {
        (s.post_id, s.code): s
        for s in Shift.objects.filter(post__in={e["post"] for e in entries}).select_related("post")
    }
    leaving, taking = by_slot(resolve.dropped), by_slot(resolve.added)
    out: list[tuple[tuple, Change]] = []
    for slot in set(leaving) | set(taking):
        post_id, day, code = slot
        shift = shifts.get((post_id, code))
        start = shift.start if shift else datetime.time()
        out.append(
            (
                (day, start, slot[0]),
                Change(
                    date=datetime.date.fromisoformat(day),
                    post=shift.post.name if shift else str(post_id),
                    shift=shift.label if shift else code,
                    leaving=[names.get(e["person"], "?") for e in leaving.get(slot, [])],
                    taking=[names.get(e["person"], "?") for e in taking.get(slot, [])],
                ),
            )
        )
    return [change for _order, change in sorted(out, key=lambda item: item[0])]
