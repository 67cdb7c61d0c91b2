"""API shapes of the chronic registry: patients and follow-ups. Residents are named by id
(and masked name), never by ID number or phone."""

import datetime
import uuid
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from shoumen.healthcentre.models import FollowUp, Patient
from shoumen.lib.names import mask_name
from shoumen.registry.schemas import Id, Page, Text


class PatientIn(Schema):
    client_uuid: uuid.UUID | None = Field(
        None, description="Made by the client; a replay answers 200 with the first patient"
    )
    person: Id = Field(description="The resident")
    disease: Text = Field(max_length=8, description="ICD-10: I10 hypertension, E11 diabetes")
    diagnosed_on: datetime.date | None = None
    source: Text = Field(
        "staff", max_length=16, description="contract, first_visit, registry_tag or staff"
    )


class PatientFiltersIn(Page):
    disease: Text = Field("", max_length=8, description="I10 or E11")
    team: Id | None = None
    due: Literal["", "due", "overdue"] = Field("", description="due (by today) or overdue")
    referral_due: bool = False
    uncontrolled: bool = False


class PatientOut(Schema):
    id: int
    person: int
    person_name: str = Field(description="Masked")
    disease: str
    team: int | None
    grid: int
    status: str
    source: str
    diagnosed_on: datetime.date | None
    registered_on: datetime.date
    ended_on: datetime.date | None
    next_follow_up_on: datetime.date | None
    last_classification: str
    consecutive_unsatisfactory: int
    referral_check_due_on: datetime.date | None

    @staticmethod
    def of(p: Patient) -> "PatientOut":
        return PatientOut(
            id=p.pk,
            person=p.person_id,
            person_name=mask_name(p.person.name),
            disease=p.disease,
            team=p.team_id,
            grid=p.grid_id,
            status=p.status,
            source=p.source,
            diagnosed_on=p.diagnosed_on,
            registered_on=p.registered_on,
            ended_on=p.ended_on,
            next_follow_up_on=p.next_follow_up_on,
            last_classification=p.last_classification,
            consecutive_unsatisfactory=p.consecutive_unsatisfactory,
            referral_check_due_on=p.referral_check_due_on,
        )


class PatientPage(Schema):
    items: list[PatientOut]
    count: int


class MedicineIn(Schema):
    name: Text = Field(max_length=100)
    dose: Text = Field("", max_length=100)


class ChronicFollowUpIn(Schema):
    client_uuid: uuid.UUID = Field(description="A replay answers 200 with the first follow-up")
    patient: Id
    date: datetime.date
    way: Text = Field(max_length=8, description="clinic, home or phone")
    systolic: int | None = Field(None, ge=0, le=1000)
    diastolic: int | None = Field(None, ge=0, le=1000)
    fasting_glucose: Decimal | None = Field(None, ge=0, le=100, max_digits=4, decimal_places=1)
    hba1c: Decimal | None = Field(None, ge=0, le=100, max_digits=4, decimal_places=1)
    symptoms: list[Text] = Field([], max_length=40, description="Symptom and urgent-sign codes")
    other_symptoms: Text = Field("", max_length=200)
    adherence: Text = Field(max_length=16, description="regular, intermittent or none")
    adverse_reaction: bool = False
    adverse_reaction_note: Text = Field("", max_length=200)
    new_complication: bool = False
    complication_note: Text = Field("", max_length=200)
    weight_kg: Decimal | None = Field(None, ge=0, le=1000, max_digits=5, decimal_places=1)
    target_weight_kg: Decimal | None = Field(None, ge=0, le=1000, max_digits=5, decimal_places=1)
    height_cm: Decimal | None = Field(None, ge=0, le=1000, max_digits=5, decimal_places=1)
    target_bmi: Decimal | None = Field(None, ge=0, le=100, max_digits=4, decimal_places=1)
    heart_rate: int | None = Field(None, ge=0, le=1000)
    dorsalis_pedis_pulse: Text = Field("", max_length=40)
    other_signs: Text = Field("", max_length=200)
    cigarettes_per_day: int | None = Field(None, ge=0, le=1000)
    target_cigarettes_per_day: int | None = Field(None, ge=0, le=1000)
    drinks_per_day: int | None = Field(None, ge=0, le=1000)
    target_drinks_per_day: int | None = Field(None, ge=0, le=1000)
    exercise_times_per_week: int | None = Field(None, ge=0, le=1000)
    exercise_minutes: int | None = Field(None, ge=0, le=10000)
    target_exercise_times_per_week: int | None = Field(None, ge=0, le=1000)
    target_exercise_minutes: int | None = Field(None, ge=0, le=10000)
    salt: Text = Field("", max_length=8, description="light, moderate or heavy")
    target_salt: Text = Field("", max_length=8)
    staple_food_g_per_day: int | None = Field(None, ge=0, le=10000)
    target_staple_food_g_per_day: int | None = Field(None, ge=0, le=10000)
    psychological_adjustment: Text = Field("", max_length=8, description="good, fair or poor")
    compliance: Text = Field("", max_length=8, description="good, fair or poor")
    tests: Text = Field("", max_length=300)
    medications: list[MedicineIn] = Field([], max_length=20)
    referral_reason: Text = Field("", max_length=200)
    referral_facility: Text = Field("", max_length=100)

    def values(self) -> dict:
        data = self.model_dump(exclude={"client_uuid", "patient", "adherence"})
        data["medication_adherence"] = self.adherence
        data["medications"] = [m.model_dump() for m in self.medications]
        return data


class ChronicFollowUpOut(Schema):
    id: int
    patient: int
    date: datetime.date
    way: str
    systolic: int | None
    diastolic: int | None
    fasting_glucose: Decimal | None
    bmi: Decimal | None
    symptoms: list[str]
    adherence: str
    adverse_reaction: bool
    new_complication: bool
    classification: str = Field(
        description="satisfactory, unsatisfactory, adverse_reaction or complication"
    )
    referral: str = Field(description="none, urgent or routine")
    next_follow_up_on: datetime.date
    doctor: int
    recorded_at: datetime.datetime

    @staticmethod
    def of(fu: FollowUp) -> "ChronicFollowUpOut":
        return ChronicFollowUpOut(
            id=fu.pk,
            patient=fu.patient_id,
            date=fu.date,
            way=fu.way,
            systolic=fu.systolic,
            diastolic=fu.diastolic,
            fasting_glucose=fu.fasting_glucose,
            bmi=fu.bmi,
            symptoms=list(fu.symptoms),
            adherence=fu.medication_adherence,
            adverse_reaction=fu.adverse_reaction,
            new_complication=fu.new_complication,
            classification=fu.classification,
            referral=fu.referral,
            next_follow_up_on=fu.next_follow_up_on,
            doctor=fu.doctor_id,
            recorded_at=fu.recorded_at,
        )
