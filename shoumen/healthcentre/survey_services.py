"""Every write on the satisfaction surveys: the manager opens a quarter's survey; a resident
answers once (the database keeps one response a resident a survey; copies sent at once
keep the first), rating the centre and only the staff they had a real contact with."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.models import HealthCentre, StaffRating, Survey, SurveyResponse
from shoumen.healthcentre.survey_selectors import is_open, manages, staff_contacts
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.text import clean_line
from shoumen.registry.models import Person

ERR_QUARTER = _("Choose a quarter from 1 to 4.")
ERR_DAYS = _("The survey closes on or after the day it opens.")
ERR_EXISTS = _("This quarter's survey is open already.")
ERR_CLOSED = _("This survey is not open.")
ERR_SCORE = _("Give a score from 1 to 5.")
ERR_NOT_CONTACT = _("You can rate only staff who served you.")
COMMENT_MAX = 500

ACTION_LABELS = {
    "survey.open": _("Satisfaction survey opened"),
    "survey.answer": _("Satisfaction survey answered"),
}


@transaction.atomic
def survey_open(
    *,
    actor,
    centre: HealthCentre,
    year: int,
    quarter: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
) -> Survey:
    if not manages(actor, centre):
        raise deny()
    errors: dict[str, list] = {}
    if not 1 <= quarter <= 4:
        errors["quarter"] = [ERR_QUARTER]
    if closes_on < opens_on:
        errors["closes_on"] = [ERR_DAYS]
    if Survey.objects.filter(centre=centre, year=year, quarter=quarter).exists():
        errors["quarter"] = [ERR_EXISTS]
    if errors:
        raise ValidationError(errors)
    survey = Survey.objects.create(
        centre=centre,
        year=year,
        quarter=quarter,
        opens_on=opens_on,
        closes_on=closes_on,
        token=secrets.token_urlsafe(24),
    )
    audit_event_record(
        actor=actor,
        action="survey.open",
        target=survey,
        org_path=centre.street.path,
        changes={
            "year": year,
            "quarter": quarter,
            "opens_on": str(opens_on),
            "closes_on": str(closes_on),
        },
    )
    return survey


def _score(value) -> int:
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError(ERR_SCORE)
    return score


def survey_answer(
    *,
    survey: Survey,
    person: Person,
    centre_score: int,
    ratings: dict[int, int] | None = None,
    comment: str = "",
    via: str = "qr",
) -> tuple[SurveyResponse, bool]:
    """Record ``person``'s answer: (the response, created). A second answer, or copies sent
    at once, keep the first and change nothing. ``ratings`` maps staff user ids to 1–5."""
    day = today()
    if not is_open(survey, day):
        raise ValidationError(ERR_CLOSED)
    try:
        centre_score = _score(centre_score)
    except ValidationError:
        raise ValidationError({"centre_score": [ERR_SCORE]}) from None
    comment = clean_line(comment or "")[:COMMENT_MAX]
    contacts = {c.staff.pk: c for c in staff_contacts(person, day)}
    rows = []
    for staff_id, score in (ratings or {}).items():
        contact = contacts.get(int(staff_id))
        if contact is None:
            raise ValidationError(ERR_NOT_CONTACT)
        rows.append((contact, _score(score)))
    existing = SurveyResponse.objects.filter(survey=survey, person=person).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey,
                person=person,
                centre_score=centre_score,
                comment=comment,
                submitted_at=timezone.now(),
            )
            StaffRating.objects.bulk_create(
                StaffRating(
                    response=response,
                    staff=contact.staff,
                    score=score,
                    contact_kind=contact.kind,
                    contact_id=contact.id,
                )
                for contact, score in rows
            )
            # Who answered is not in the trail: only that an answer came, how, and to which
            # centre (not the resident's grid, which would narrow who it was).
            audit_event_record(
                actor=None,
                actor_label=f"survey {survey.pk}",
                action="survey.answer",
                target=survey,
                org_path=survey.centre.street.path,
                changes={"via": via, "ratings": len(rows)},
            )
    except IntegrityError:
        existing = SurveyResponse.objects.filter(survey=survey, person=person).first()
        if existing is None:
            raise
        return existing, False
    return response, True
