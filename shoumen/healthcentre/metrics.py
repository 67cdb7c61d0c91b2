"""The health centre's daily figures per grid (see ``shoumen.lib.metrics``): chronic
follow-ups done and urgent referrals, contracts confirmed (renewals apart) and in force,
patients under management by disease and elderly checks done — counts only, by the
resident's grid.

The integrator calls ``register()`` from the app's ready()."""

import datetime

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.healthcentre.contract_selectors import contracts_active_on, contracts_signed_on
from shoumen.healthcentre.models import (
    Contract,
    Disease,
    ElderlyCheck,
    ElderlyCheckStatus,
    FollowUp,
    Patient,
    Referral,
)
from shoumen.healthcentre.patient_selectors import patients_managed_on
from shoumen.lib.metrics import Metric, register_metrics

# Numbers only: the centre's people, the area's officers and the CDC see them.
SEEN_BY = (Perm.VIEW_HEALTH_INDICATORS,)
UNIT_FOLLOW_UPS = "follow-ups"
UNIT_PERSONS = "persons"


def _count(qs: QuerySet, field: str) -> dict[int, float]:
    rows = qs.values(field).annotate(n=Count("pk")).values_list(field, "n").order_by()
    return {unit_id: float(n) for unit_id, n in rows if n}


def _follow_ups(*, urgent: bool):
    def compute(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
        qs = FollowUp.objects.filter(patient__grid_id__in=unit_ids, date=day)
        if urgent:
            qs = qs.filter(referral=Referral.URGENT)
        return _count(qs, "patient__grid_id")

    return compute


def _contracts_signed(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    return _count(
        contracts_signed_on(Contract.objects.filter(grid_id__in=unit_ids), day), "grid_id"
    )


def _contracts_in_force(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    return _count(
        contracts_active_on(Contract.objects.filter(grid_id__in=unit_ids), day), "grid_id"
    )


def _patients(disease: str):
    def compute(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
        qs = Patient.objects.filter(grid_id__in=unit_ids, disease=disease)
        return _count(patients_managed_on(qs, day), "grid_id")

    return compute


def _elderly_checks(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    qs = ElderlyCheck.objects.filter(
        grid_id__in=unit_ids, status=ElderlyCheckStatus.DONE, done_on=day
    )
    return _count(qs, "grid_id")


def metrics() -> list[Metric]:
    return [
        Metric(
            "health.follow_ups",
            _("Chronic follow-ups"),
            UNIT_FOLLOW_UPS,
            _follow_ups(urgent=False),
            perms=SEEN_BY,
            order=120,
            phrase=_("%(value)s chronic disease follow-ups done"),
        ),
        Metric(
            "health.urgent_referrals",
            _("Urgent referrals"),
            UNIT_PERSONS,
            _follow_ups(urgent=True),
            perms=SEEN_BY,
            order=121,
            notable=True,
            phrase=_("%(value)s patients referred urgently"),
        ),
        Metric(
            "health.contracts_signed",
            _("Contracts signed"),
            UNIT_PERSONS,
            _contracts_signed,
            perms=SEEN_BY,
            order=122,
            phrase=_("%(value)s family doctor contracts signed"),
        ),
        Metric(
            "health.contracts_active",
            _("Contracts in force"),
            UNIT_PERSONS,
            _contracts_in_force,
            perms=SEEN_BY,
            order=123,
            stock=True,
        ),
        Metric(
            "health.hypertension_patients",
            _("Hypertension managed"),
            UNIT_PERSONS,
            _patients(Disease.HYPERTENSION),
            perms=SEEN_BY,
            order=124,
            stock=True,
        ),
        Metric(
            "health.diabetes_patients",
            _("Diabetes managed"),
            UNIT_PERSONS,
            _patients(Disease.DIABETES),
            perms=SEEN_BY,
            order=125,
            stock=True,
        ),
        Metric(
            "health.elderly_checks",
            _("Elderly checks done"),
            UNIT_PERSONS,
            _elderly_checks,
            perms=SEEN_BY,
            order=126,
            phrase=_("%(value)s elderly health checks done"),
        ),
    ]


def register() -> None:
    register_metrics(metrics())
