"""The demo centre's chronic patients: about a fifth of the signed residents aged 35 and
over with hypertension and one in sixteen with type 2 diabetes, each with a year of
follow-ups whose classification, referral and next date come from ``healthcentre.rules``
(as the follow-up form computes them). Most come on time; some stopped coming and are
overdue; one of doctor1's patients read 182/112 five days ago and waits for the check of
their urgent referral, its alert open."""

import datetime
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from shoumen.accounts.models import User
from shoumen.alerts.models import Cause
from shoumen.alerts.services import alert_raise
from shoumen.healthcentre.models import (
    Adherence,
    Disease,
    FollowUp,
    Patient,
    PatientSource,
    Referral,
    Way,
)
from shoumen.healthcentre.rules import assess
from shoumen.lib.dates import age_on

NAMESPACE = uuid.UUID("7a2d9c41-5e3b-4f08-8c6d-1b4e2f9a3c57")
HYPERTENSION_SHARE = 0.20
DIABETES_SHARE = 0.06
OVERDUE_SHARE = 0.1
MEDICINES: dict[str, list[tuple[str, str]]] = {
    Disease.HYPERTENSION: [
        ("硝苯地平控释片", "30mg 每日1次"),
        ("氨氯地平片", "5mg 每日1次"),
        ("缬沙坦胶囊", "80mg 每日1次"),
        ("美托洛尔缓释片", "47.5mg 每日1次"),
    ],
    Disease.DIABETES: [
        ("二甲双胍片", "0.5g 每日3次"),
        ("格列美脲片", "2mg 每日1次"),
        ("阿卡波糖片", "50mg 每日3次"),
    ],
}
WAYS = [Way.CLINIC] * 6 + [Way.HOME] * 2 + [Way.PHONE] * 2


@dataclass
class Signed:
    """A signed resident the chronic demo may make a patient."""

    person_id: int
    grid_id: int
    birth_date: datetime.date
    tagged: bool
    team_id: int
    doctor: User


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    time = datetime.time(rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _reading(rng: random.Random, disease: str, age: int, controlled: bool) -> dict:
    elderly = age >= settings.SHOUMEN_HT_ELDERLY_AGE
    if controlled:
        systolic = rng.randint(112, 146 if elderly else 136)
        diastolic = rng.randint(66, 86)
    else:
        systolic = rng.randint(152 if elderly else 142, 172)
        diastolic = rng.randint(84, 104)
    values: dict = {"systolic": systolic, "diastolic": diastolic, "fasting_glucose": None}
    if disease == Disease.DIABETES:
        if controlled:
            glucose = rng.uniform(5.0, 6.8)
        else:
            glucose = rng.uniform(7.2, 13.5)
        values["fasting_glucose"] = Decimal(f"{glucose:.1f}")
        values["systolic"] = min(values["systolic"], 138)
    return values


class ChronicDemo:
    def __init__(self, rng: random.Random, *, day: datetime.date, urgent_team_id: int):
        self.rng = rng
        self.day = day
        self.urgent_team_id = urgent_team_id

    def load(self, signed: list[Signed]) -> dict[str, int]:
        adults = [
            s for s in signed if age_on(s.birth_date, self.day) >= settings.SHOUMEN_HT_SCREEN_AGE
        ]
        picked = self._pick(adults)
        patients = Patient.objects.bulk_create([self._patient(s, disease) for s, disease in picked])
        follow_ups: list[FollowUp] = []
        urgent_done = False
        for i, ((s, disease), patient) in enumerate(zip(picked, patients, strict=True)):
            urgent = (
                not urgent_done
                and disease == Disease.HYPERTENSION
                and s.team_id == self.urgent_team_id
            )
            urgent_done = urgent_done or urgent
            # The last patient stopped coming too, so that even a small demo has one.
            last = i == len(picked) - 1
            overdue = not urgent and (last or self.rng.random() < OVERDUE_SHARE)
            follow_ups += self._year(patient, s, urgent=urgent, overdue=overdue)
        FollowUp.objects.bulk_create(follow_ups)
        Patient.objects.bulk_update(
            patients,
            [
                "next_follow_up_on",
                "last_classification",
                "consecutive_unsatisfactory",
                "referral_check_due_on",
            ],
        )
        self._alert_urgent(follow_ups, signed)
        return {"health_patients": len(patients), "health_follow_ups": len(follow_ups)}

    def _pick(self, adults: list[Signed]) -> list[tuple[Signed, str]]:
        """A fifth with hypertension (the registry's tagged first), one in sixteen with
        diabetes; at least three and one, so that a small demo has both."""
        order = sorted(adults, key=lambda s: (not s.tagged, self.rng.random()))
        ht = max(3, round(len(adults) * HYPERTENSION_SHARE))
        dm = max(1, round(len(adults) * DIABETES_SHARE))
        diabetic = self.rng.sample(adults, min(dm, len(adults)))
        hypertensive = order[:ht]
        if not any(s.team_id == self.urgent_team_id for s in hypertensive):
            # doctor1's team has a hypertensive patient: the one referred urgently.
            hypertensive += [s for s in order[ht:] if s.team_id == self.urgent_team_id][:1]
        picked: list[tuple[Signed, str]] = [(s, Disease.HYPERTENSION) for s in hypertensive]
        picked += [(s, Disease.DIABETES) for s in diabetic]
        return picked

    def _patient(self, s: Signed, disease: str) -> Patient:
        registered = self.day - datetime.timedelta(days=self.rng.randint(120, 1500))
        return Patient(
            person_id=s.person_id,
            disease=disease,
            team_id=s.team_id,
            grid_id=s.grid_id,
            source=PatientSource.REGISTRY_TAG if s.tagged else PatientSource.CONTRACT,
            diagnosed_on=registered - datetime.timedelta(days=self.rng.randint(0, 2000)),
            registered_on=registered,
        )

    def _year(self, patient: Patient, s: Signed, *, urgent: bool, overdue: bool):
        """The patient's follow-ups of the last year, their plan kept on the patient."""
        rng = self.rng
        start = max(patient.registered_on, self.day - datetime.timedelta(days=365))
        date = start + datetime.timedelta(days=rng.randint(0, 30))
        stop = self.day - datetime.timedelta(days=40) if urgent else self.day
        propensity = rng.uniform(0.55, 0.92)
        height = Decimal(rng.randint(152, 178))
        weight = Decimal(rng.randint(52, 88))
        medicine = rng.choice(MEDICINES[patient.disease])
        rows: list[tuple[FollowUp, int]] = []
        in_a_row = 0
        while date <= stop:
            age = age_on(s.birth_date, date)
            values = _reading(rng, patient.disease, age, rng.random() < propensity)
            row, in_a_row = self._follow_up(patient, s, date, age, values, in_a_row)
            row.weight_kg, row.height_cm = weight, height
            row.bmi = round(weight / (height / 100) ** 2, 1)
            row.medications = [{"name": medicine[0], "dose": medicine[1]}]
            rows.append((row, in_a_row))
            date = row.next_follow_up_on - datetime.timedelta(days=rng.randint(0, 4))
        if overdue and len(rows) > 1 and rows[-1][0].next_follow_up_on >= self.day:
            rows.pop()
        if urgent:
            date = self.day - datetime.timedelta(days=5)
            values = {"systolic": 182, "diastolic": 112, "fasting_glucose": None}
            row, in_a_row = self._follow_up(
                patient, s, date, age_on(s.birth_date, date), values, in_a_row
            )
            row.medications = [{"name": medicine[0], "dose": medicine[1]}]
            row.referral_reason = "血压 182/112 mmHg，紧急转诊"
            row.referral_facility = "区医院心内科"
            rows.append((row, in_a_row))
        if rows:
            last, in_a_row = rows[-1]
            patient.next_follow_up_on = last.next_follow_up_on
            patient.last_classification = last.classification
            patient.consecutive_unsatisfactory = in_a_row
            if last.referral != Referral.NONE:
                patient.referral_check_due_on = last.next_follow_up_on
        return [row for row, _n in rows]

    def _follow_up(self, patient, s: Signed, date, age, values, in_a_row):
        rng = self.rng
        adverse = rng.random() < 0.02
        complication = rng.random() < 0.01
        found = assess(
            disease=patient.disease,
            age=age,
            day=date,
            symptoms=[],
            adverse_reaction=adverse,
            new_complication=complication,
            uncontrolled_before=in_a_row,
            **values,
        )
        row = FollowUp(
            patient=patient,
            client_uuid=uuid.uuid5(NAMESPACE, f"{patient.person_id}-{patient.disease}-{date}"),
            date=date,
            way=rng.choice(WAYS),
            heart_rate=rng.randint(62, 92),
            medication_adherence=Adherence.REGULAR
            if rng.random() < 0.85
            else Adherence.INTERMITTENT,
            adverse_reaction=adverse,
            adverse_reaction_note="踝部水肿" if adverse else "",
            new_complication=complication,
            complication_note="视网膜病变" if complication else "",
            classification=found.classification,
            referral=found.referral,
            referral_reason="连续两次控制不满意" if found.referral == Referral.ROUTINE else "",
            referral_facility="区医院" if found.referral != Referral.NONE else "",
            next_follow_up_on=found.next_follow_up_on,
            doctor=s.doctor,
            recorded_at=_at(date, rng),
            **values,
        )
        return row, (in_a_row + 1 if not found.controlled else 0)

    def _alert_urgent(self, follow_ups: list[FollowUp], signed: list[Signed]) -> None:
        doctors: dict[int | None, User] = {s.team_id: s.doctor for s in signed}
        for row in follow_ups:
            if row.referral == Referral.URGENT and row.date > self.day - datetime.timedelta(
                days=14
            ):
                patient = row.patient
                alert_raise(
                    person=patient.person,
                    cause=Cause.HEALTH_URGENT_REFERRAL,
                    details={
                        "patient": patient.pk,
                        "follow_up": row.pk,
                        "disease": patient.disease,
                        "date": row.date.isoformat(),
                    },
                    owner=doctors.get(patient.team_id),
                    due_minutes=settings.SHOUMEN_HEALTH_URGENT_REFERRAL_DUE_MINUTES,
                )
