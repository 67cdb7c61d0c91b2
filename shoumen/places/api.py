"""The jurisdiction tree over the API."""

from ninja import Router, Schema

from shoumen.api.responses import error_responses
from shoumen.places.models import Level
from shoumen.places.selectors import org_units_visible_to, parent_codes_of

router = Router(tags=["org units"])


class OrgUnitOut(Schema):
    id: int
    code: str
    name: str
    level: Level
    parent_code: str | None


@router.get(
    "/org-units",
    response={200: list[OrgUnitOut], **error_responses(401)},
    summary="The units of your jurisdiction",
)
def org_units(request):
    units = list(org_units_visible_to(request.auth))
    parents = parent_codes_of(units)
    return [
        OrgUnitOut(
            id=u.pk, code=u.code, name=u.name, level=Level(u.level), parent_code=parents.get(u.path)
        )
        for u in units
    ]
