"""Reads of the chronic disease registry: patients and their follow-ups, scoped by the
actor's VIEW_HEALTH_RECORDS over the patient's grid (the centre's health roles at the
communities they are assigned to). Officers and grid workers see none: they read the
indicators, never a patient's record."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.healthcentre.models import (
    Classification,
    FollowUp,
    Patient,
    PatientStatus,
    Team,
)
from shoumen.lib.dates import today
from shoumen.registry.models import Person, Status

RELATED = ("person", "team", "grid")


def patients_visible_to(user, perm: str = Perm.VIEW_HEALTH_RECORDS) -> QuerySet[Patient]:
    return Patient.objects.filter(scope_q(user, perm, "grid__path"))


def patients_managed_on(qs: QuerySet[Patient], day: datetime.date) -> QuerySet[Patient]:
    """The patients of ``qs`` under management on ``day``: registered by then, not ended
    before it."""
    return qs.filter(Q(status=PatientStatus.ACTIVE) | Q(ended_on__gt=day), registered_on__lte=day)


def due_q(due: str, day: datetime.date) -> Q:
    """Patients whose follow-up is ``due`` ("due": by ``day``; "overdue": before it) or
    whose referral's check is (``due`` "referral": by ``day``)."""
    field, lookup = {
        "due": ("next_follow_up_on", "lte"),
        "overdue": ("next_follow_up_on", "lt"),
        "referral": ("referral_check_due_on", "lte"),
    }[due]
    return Q(**{f"{field}__{lookup}": day})


def patients_list(
    user,
    *,
    disease: str = "",
    team: Team | None = None,
    due: str = "",
    referral_due: bool = False,
    uncontrolled: bool = False,
    ended: bool = False,
) -> QuerySet[Patient]:
    """The actor's patients under management (or ended ones), soonest follow-up first.

    ``due``: "overdue" (next follow-up before today) or "due" (today or before);
    ``referral_due``: a referral's check falls due today or before."""
    day = today()
    qs = patients_visible_to(user).filter(
        status=PatientStatus.ENDED if ended else PatientStatus.ACTIVE
    )
    if disease:
        qs = qs.filter(disease=disease)
    if team is not None:
        qs = qs.filter(team=team)
    if due:
        qs = qs.filter(due_q(due, day))
    if referral_due:
        qs = qs.filter(due_q("referral", day))
    if uncontrolled:
        qs = qs.filter(
            last_classification__in=[
                Classification.UNSATISFACTORY,
                Classification.ADVERSE_REACTION,
                Classification.COMPLICATION,
            ]
        )
    return qs.select_related(*RELATED).order_by("next_follow_up_on", "pk")


def patient_for(user, pk: int) -> Patient:
    """One patient the actor sees, or Patient.DoesNotExist."""
    return patients_visible_to(user).select_related(*RELATED, "team__centre").get(pk=pk)


def patient_follow_ups(patient: Patient) -> list[FollowUp]:
    """The patient's follow-ups, latest first."""
    return list(patient.follow_ups.select_related("doctor").order_by("-date", "-pk"))


def follow_up_for(user, pk: int) -> FollowUp:
    """One follow-up of a patient the actor sees, or FollowUp.DoesNotExist."""
    return (
        FollowUp.objects.filter(scope_q(user, Perm.VIEW_HEALTH_RECORDS, "patient__grid__path"))
        .select_related("patient__person", "patient__team", "patient__grid", "doctor")
        .get(pk=pk)
    )


def tagged_not_registered(user) -> QuerySet[Person]:
    """Residents the registry tags as chronically ill who are no patient under management
    (of either disease) in the actor's scope."""
    managed = Patient.objects.filter(person=OuterRef("pk"), status=PatientStatus.ACTIVE)
    return (
        Person.objects.filter(
            scope_q(user, Perm.VIEW_HEALTH_RECORDS, "grid__path"),
            has_chronic_disease=True,
            status=Status.RESIDENT,
        )
        .filter(~Exists(managed))
        .select_related("grid")
        .order_by("grid__path", "name", "pk")
    )


def is_managed(person: Person, disease: str) -> bool:
    """Whether ``person`` is a patient under management for ``disease``."""
    return Patient.objects.filter(
        person=person, disease=disease, status=PatientStatus.ACTIVE
    ).exists()


def teams_for_filter(user) -> QuerySet[Team]:
    """The teams of the patients the actor sees (for the list's filter)."""
    return Team.objects.filter(pk__in=patients_visible_to(user).values("team_id")).order_by(
        "name", "pk"
    )
