"""Who is who for swaps and sick calls: the login of someone on duty, whether an actor is
that person or manages their community, the community staff told of changes, and the
notifications they get (kept as words, so each reader reads them in their language)."""

from django.conf import settings
from django.utils import translation

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import can
from shoumen.alerts import messages
from shoumen.alerts.notify import notify
from shoumen.duty.models import Assignment, DutyPerson


def login_id_of(person: DutyPerson) -> int | None:
    if person.user_id:
        return person.user_id
    if person.volunteer_id and person.volunteer is not None:
        return person.volunteer.user_id
    return None


def login_of(person: DutyPerson) -> User | None:
    """The login of someone on duty: their own, or their volunteer record's."""
    found = login_id_of(person)
    return None if found is None else User.objects.filter(pk=found, is_active=True).first()


def is_own(user, person: DutyPerson) -> bool:
    """Whether ``person`` on duty is ``user`` (by login or by the volunteer record)."""
    if user is None or not user.is_authenticated:
        return False
    return login_id_of(person) == user.pk


def manages(user, assignment: Assignment) -> bool:
    return can(user, Perm.MANAGE_DUTY, assignment.roster.community)


def staff_of(community) -> list[User]:
    """The community's staff, who hear of swaps and sick calls."""
    return list(
        User.objects.filter(
            assignments__role=Role.COMMUNITY_STAFF,
            assignments__org_unit=community,
            is_active=True,
        ).distinct()
    )


def shift_words(assignment: Assignment) -> dict:
    return {
        "post": assignment.shift.post.name,
        "date": assignment.date.isoformat(),
        "shift": assignment.shift.label,
        "name": assignment.person.name,
    }


def tell(recipients, key: str, title, values: dict) -> None:
    """A notification in each reader's language (kept as words), titled in the default one."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(title % values)
    notify(recipients=recipients, title=text, words={"title": messages.words(key, values)})
