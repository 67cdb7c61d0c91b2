"""Setting up a health centre: its name, the street it belongs to, the communities it
serves, its public phone and address. Officers who manage the users of the street (its
officers, the district's, the system administrator) do it; the centre's own manager then
sets up its teams and packages. Each write is audited."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.centre_selectors import SET_UP
from shoumen.healthcentre.models import HealthCentre
from shoumen.lib.errors import length_errors
from shoumen.lib.text import clean_line
from shoumen.places.models import Level, OrgUnit

ERR_CENTRE_NAME = _("Give the centre a name.")
ERR_CENTRE_TAKEN = _("The street already has a centre of this name.")
ERR_STREET = _("Choose a street of yours.")
ERR_COMMUNITIES = _("Choose at least one community of the centre's street.")

ACTION_LABELS = {
    "health_centre.create": _("Health centre added"),
    "health_centre.update": _("Health centre changed"),
}


def _values(name: str, street: OrgUnit, communities: Sequence[OrgUnit], phone, address):
    values = {"name": clean_line(name), "phone": clean_line(phone), "address": clean_line(address)}
    errors = length_errors(HealthCentre, values)
    if not values["name"]:
        errors["name"] = [ERR_CENTRE_NAME]
    if not communities or any(
        c.level != Level.COMMUNITY or not c.path.startswith(street.path) for c in communities
    ):
        errors["communities"] = [ERR_COMMUNITIES]
    if errors:
        raise ValidationError(errors)
    return values


def _save(actor, centre: HealthCentre, communities, action: str) -> HealthCentre:
    try:
        with transaction.atomic():
            centre.save()
    except IntegrityError:
        raise ValidationError({"name": [ERR_CENTRE_TAKEN]}) from None
    centre.communities.set(communities)
    audit_event_record(
        actor=actor,
        action=action,
        target=centre,
        org_path=centre.street.path,
        changes={
            "name": centre.name,
            "communities": sorted(c.pk for c in communities),
            "phone": centre.phone,
        },
    )
    return centre


@transaction.atomic
def centre_create(
    *,
    actor,
    name: str,
    street: OrgUnit,
    communities: Sequence[OrgUnit],
    phone: str = "",
    address: str = "",
) -> HealthCentre:
    if street.level != Level.STREET:
        raise ValidationError({"street": [ERR_STREET]})
    require(actor, SET_UP, street)
    values = _values(name, street, communities, phone, address)
    centre = HealthCentre(street=street, **values)
    return _save(actor, centre, communities, "health_centre.create")


@transaction.atomic
def centre_update(
    *,
    actor,
    centre: HealthCentre,
    name: str,
    communities: Sequence[OrgUnit],
    phone: str = "",
    address: str = "",
) -> HealthCentre:
    require(actor, SET_UP, centre.street)
    values = _values(name, centre.street, communities, phone, address)
    for field, value in values.items():
        setattr(centre, field, value)
    return _save(actor, centre, communities, "health_centre.update")
