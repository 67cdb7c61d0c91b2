"""The visit door: a household visit records a service request when the household needs
help (``screening.extras``). The visit form gets "Help needed" and "How urgent"; a kind
chosen, or the visit's "needs help with" filled in without one (then "other help"), makes
a request for the household, its note the visit's words, linked to the visit. A visit is
recorded once, so a replayed visit makes no second request."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shoumen.screening.extras import VisitExtra, register
from shoumen.services.models import Door, Kind, Urgency
from shoumen.services.rules import has_id_number

KEY = "services"
ERR_KIND = _("Choose one of the kinds of help offered.")
ERR_URGENCY = _("Choose how urgent it is: normal, today or urgent.")


def _fields(task) -> dict[str, forms.Field]:
    return {
        "kind": forms.ChoiceField(
            label=_("Help needed"),
            choices=[("", _("None")), *Kind.choices],
            required=False,
            help_text=_("A request goes to the community's service desk, with the note above."),
        ),
        "urgency": forms.ChoiceField(
            label=_("How urgent"),
            choices=Urgency.choices,
            initial=Urgency.NORMAL,
            required=False,
        ),
    }


def _record(actor, visit, values: Mapping[str, Any]) -> None:
    from shoumen.services.services import request_create

    kind = values.get("kind") or ""
    urgency = values.get("urgency") or Urgency.NORMAL
    if not isinstance(kind, str) or (kind and kind not in Kind.values):
        raise ValidationError({f"extras.{KEY}.kind": [ERR_KIND]})
    if not isinstance(urgency, str) or urgency not in Urgency.values:
        raise ValidationError({f"extras.{KEY}.urgency": [ERR_URGENCY]})
    need = visit.service_need or ""
    if not kind and not need.strip():
        return
    if has_id_number(need):
        # The visit keeps its words; the request, read by volunteers, must not carry an ID.
        need = ""
    request_create(
        actor=actor,
        door=Door.VISIT,
        kind=kind or Kind.OTHER,
        urgency=urgency,
        note=need,
        household=visit.task.household,
        visit=visit,
        client_uuid=visit.client_uuid,
    )


def register_extra() -> None:
    register(VisitExtra(key=KEY, fields=_fields, record=_record))
