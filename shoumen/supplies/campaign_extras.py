"""A household visit hands out what open campaigns owe the household: one tick box per
campaign due (``supplies_campaign_<pk>`` on the visit form, ``extras.supplies`` in the
API), each ticked one a delivery recorded with the visit, in its transaction. Imported by
the app's ``ready()``, which registers it."""

import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shoumen.audit.labels import register_actions
from shoumen.screening.extras import VisitExtra, register
from shoumen.screening.models import Outcome
from shoumen.supplies.campaign_models import Campaign
from shoumen.supplies.campaign_selectors import campaigns_due_for
from shoumen.supplies.campaign_services import ACTION_LABELS, delivery_record

KEY = "supplies"
PREFIX = "campaign_"
FIELD_LABEL = _("Hand out: %(campaign)s (%(quantity)d %(unit)s)")
ERR_UNKNOWN_CAMPAIGN = _("There is no such distribution campaign for this household.")
ERR_NOT_BOOL = _("Answer true or false.")
ERR_NOT_VISITED = _("Supplies are handed out only when the household was visited.")
# Deliveries made at a visit get their client UUID from the visit's and the campaign.
VISIT_NAMESPACE = uuid.UUID("0b6c3f9a-7d21-4e55-8f0e-2a9d4c6b1e37")


def delivery_uuid(visit_uuid, campaign_pk: int) -> uuid.UUID:
    return uuid.uuid5(VISIT_NAMESPACE, f"{visit_uuid}:{campaign_pk}")


def fields(task) -> dict[str, forms.Field]:
    return {
        f"{PREFIX}{campaign.pk}": forms.BooleanField(
            label=FIELD_LABEL
            % {
                "campaign": campaign.name,
                "quantity": campaign.quantity,
                "unit": campaign.item.unit,
            },
            required=False,
        )
        for campaign in campaigns_due_for(task.household)
    }


def _covering(household, name: str):
    """The campaign over the household's grid that ``name`` stands for, open or not."""
    number = name.removeprefix(PREFIX)
    if not name.startswith(PREFIX) or not number.isdigit() or len(number) > 18:
        return None
    path = household.grid.path
    campaign = Campaign.objects.select_related("scope", "item", "source").filter(pk=number).first()
    if campaign is None or not path.startswith(campaign.scope.path):
        return None
    return campaign


def record(actor, visit, values: Mapping[str, Any]) -> None:
    """Check every value first (a bool for a campaign over the household), then record a
    delivery for each ticked one; a refused delivery refuses the visit."""
    if not values:
        return
    household = visit.task.household
    due = {f"{PREFIX}{c.pk}": c for c in campaigns_due_for(household)}
    errors: dict[str, list] = {}
    ticked = []
    for name, value in values.items():
        key = f"extras.{KEY}.{name}"
        campaign = due.get(name) or _covering(household, name)
        if campaign is None:
            errors[key] = [ERR_UNKNOWN_CAMPAIGN]
        elif not isinstance(value, bool):
            errors[key] = [ERR_NOT_BOOL]
        elif value and visit.outcome != Outcome.VISITED:
            errors[key] = [ERR_NOT_VISITED]
        elif value:
            ticked.append((key, campaign))
    if errors:
        raise ValidationError(errors)
    for key, campaign in ticked:
        try:
            delivery_record(
                actor=actor,
                campaign=campaign,
                household=household,
                client_uuid=delivery_uuid(visit.client_uuid, campaign.pk),
                visit=visit,
            )
        except ValidationError as exc:
            raise ValidationError({key: exc.messages}) from exc


register(VisitExtra(key=KEY, fields=fields, record=record))
register_actions(ACTION_LABELS)
