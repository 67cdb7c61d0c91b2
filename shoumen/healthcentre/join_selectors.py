"""Who a resident signing up through a team's QR code is: a match against the registry on
name and ID number (or name and phone), by their keyed blind indexes, never a search.

Any failure answers None alike: an unknown person, a wrong number, a resident living
outside the centre's communities, more than one match."""

from django.core import signing

from shoumen.healthcentre.models import Team
from shoumen.lib import crypto
from shoumen.lib.ids import normalize_id_number
from shoumen.lib.names import mask_name
from shoumen.lib.phones import InvalidPhone, normalize_phone
from shoumen.lib.text import clean_line
from shoumen.registry.models import PHONE_CONTEXT, Person, Status
from shoumen.registry.selectors import document_indexes, household_members

SALT = "healthcentre.join"
# How long the identity checked stays good for choosing whom to sign up.
MAX_AGE_SECONDS = 15 * 60


def _served(team: Team, person: Person) -> bool:
    community_path = person.grid.path[: len(person.grid.path) - person.grid.steplen]
    return team.centre.communities.filter(path=community_path).exists()


def identify(team: Team, *, name: str, id_number: str = "", phone: str = "") -> Person | None:
    """The resident named ``name`` with that ID number (or phone), served by the team's
    centre; None otherwise."""
    name = clean_line(name)
    if not name:
        return None
    qs = Person.objects.filter(name=name, status=Status.RESIDENT).select_related(
        "grid", "household"
    )
    number = normalize_id_number(clean_line(id_number))
    if number:
        qs = qs.filter(id_number_index__in=document_indexes(number))
    elif phone:
        try:
            e164 = normalize_phone(phone)
        except InvalidPhone:
            return None
        qs = qs.filter(phone_index=crypto.blind_index(e164, context=PHONE_CONTEXT))
    else:
        return None
    found = list(qs[:2])
    if len(found) != 1 or not _served(team, found[0]):
        return None
    return found[0]


def identity_pass(team: Team, person: Person) -> str:
    """A signed note that ``person`` proved who they are on ``team``'s page."""
    return signing.dumps({"t": team.pk, "p": person.pk}, salt=SALT)


def identity_from_pass(team: Team, value: str) -> Person | None:
    try:
        data = signing.loads(value or "", salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") != team.pk:
        return None
    pk = data.get("p")
    if not isinstance(pk, int):
        return None
    return (
        Person.objects.filter(pk=pk, status=Status.RESIDENT)
        .select_related("grid", "household")
        .first()
    )


def household_to_sign(person: Person) -> list[dict]:
    """The person and the residents of their household, with names masked and ages."""
    members = [p for p in household_members(person.household) if p.status == Status.RESIDENT]
    return [
        {"person": p, "name": mask_name(p.name), "age": p.age, "self": p.pk == person.pk}
        for p in members
    ]
