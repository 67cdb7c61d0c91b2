"""What the duty parts of the page matrix share: who is over community C1, who manages duty
elsewhere, the tables built from them, and the checkpoint volunteer on duty in C1."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}
MANAGE_DUTY = {*OVER_C1, "outsider"}


def duty_table(ok: int) -> dict[str, int]:
    """``ok`` over C1, 404 for those who manage duty elsewhere, 403 for the rest."""
    table = {p: (ok if p in OVER_C1 else 404 if p in MANAGE_DUTY else 403) for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


def everyone(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: anonymous}


def c1(w):
    return [w.community.pk]


def volunteer_on_duty(w):
    """The checkpoint volunteer as a person on duty in C1 (by the volunteer record linked to
    their login)."""
    from shoumen.duty.models import DutyPerson
    from shoumen.registry.models import Volunteer

    linked, _ = Volunteer.objects.get_or_create(
        user=w.volunteer, defaults={"community": w.community, "name": "志愿者小李"}
    )
    person, _ = DutyPerson.objects.get_or_create(
        community=w.community, volunteer=linked, defaults={"name": linked.name}
    )
    return person
