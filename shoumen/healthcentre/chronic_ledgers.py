"""高血压患者随访服务记录表 and 2型糖尿病患者随访服务记录表: a year's follow-ups of the
patients under the actor's EXPORT_HEALTH_LEDGERS (and VIEW_HEALTH_RECORDS) reach, one row
a follow-up in the columns of the standard's record form, as .xlsx through the one ledger
writer, audited. ID numbers are masked; age stands beside them."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere, scope_q
from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.models import Disease, FollowUp
from shoumen.healthcentre.page_helpers import download_response
from shoumen.healthcentre.rules import symptom_label
from shoumen.lib.dates import today
from shoumen.lib.downloads import Download
from shoumen.lib.xlsx import XLSX_CONTENT_TYPE, write_ledger

TITLES = {
    Disease.HYPERTENSION: _("Hypertension patient follow-up record"),
    Disease.DIABETES: _("Type 2 diabetes patient follow-up record"),
}
ASCII_NAMES = {
    Disease.HYPERTENSION: "hypertension-follow-ups",
    Disease.DIABETES: "diabetes-follow-ups",
}
COMMON_HEADERS = (
    _("No."),
    _("Follow-up date"),
    _("Name"),
    _("Sex"),
    _("Age"),
    _("ID number"),
    _("Grid"),
    pgettext_lazy("health centre", "Team"),
    _("Way"),
    _("Symptoms"),
    _("Blood pressure (mmHg)"),
    _("Weight (kg) now/target"),
    _("BMI now/target"),
    _("Heart rate"),
    _("Cigarettes a day now/target"),
    _("Liang of liquor a day now/target"),
    _("Exercise now/target"),
)
HYPERTENSION_HEADERS = (_("Salt now/target"),)
DIABETES_HEADERS = (
    _("Dorsalis pedis pulse"),
    _("Staple food (g a day) now/target"),
    _("Fasting glucose (mmol/L)"),
    _("HbA1c (%)"),
)
TAIL_HEADERS = (
    _("Psychological adjustment"),
    _("Adherence to advice"),
    _("Other tests"),
    _("Medication adherence"),
    _("Adverse drug reaction"),
    _("Classification"),
    _("Medicines"),
    _("Referral"),
    _("Referral reason"),
    _("Referred to"),
    _("Next follow-up"),
    _("Doctor"),
)


def _pair(now: Any, target: Any) -> str:
    if now in (None, "") and target in (None, ""):
        return ""
    return f"{'' if now is None else now}/{'' if target is None else target}"


def _exercise(times: Any, minutes: Any) -> str:
    return "" if times is None else f"{times}×{minutes or ''}"


def headers_for(disease: str) -> list[str]:
    middle = HYPERTENSION_HEADERS if disease == Disease.HYPERTENSION else DIABETES_HEADERS
    return [str(h) for h in (*COMMON_HEADERS, *middle, *TAIL_HEADERS)]


def _row(fu: FollowUp, disease: str) -> list:
    person = fu.patient.person
    common = [
        fu.pk,
        fu.date.isoformat(),
        person.name,
        person.get_sex_display(),
        person.age_on(fu.date) or "",
        person.id_number_masked,
        fu.patient.grid.name,
        fu.patient.team.name if fu.patient.team else "",
        fu.get_way_display(),
        "、".join(
            [symptom_label(disease, c) for c in fu.symptoms]
            + ([fu.other_symptoms] if fu.other_symptoms else [])
        ),
        _pair(fu.systolic, fu.diastolic) if fu.systolic is not None else "",
        _pair(fu.weight_kg, fu.target_weight_kg),
        _pair(fu.bmi, fu.target_bmi),
        fu.heart_rate if fu.heart_rate is not None else "",
        _pair(fu.cigarettes_per_day, fu.target_cigarettes_per_day),
        _pair(fu.drinks_per_day, fu.target_drinks_per_day),
        _pair(
            _exercise(fu.exercise_times_per_week, fu.exercise_minutes),
            _exercise(fu.target_exercise_times_per_week, fu.target_exercise_minutes),
        ),
    ]
    if disease == Disease.HYPERTENSION:
        middle = [_pair(fu.get_salt_display(), fu.get_target_salt_display())]
    else:
        middle = [
            fu.dorsalis_pedis_pulse,
            _pair(fu.staple_food_g_per_day, fu.target_staple_food_g_per_day),
            str(fu.fasting_glucose) if fu.fasting_glucose is not None else "",
            str(fu.hba1c) if fu.hba1c is not None else "",
        ]
    tail = [
        fu.get_psychological_adjustment_display(),
        fu.get_compliance_display(),
        fu.tests,
        fu.get_medication_adherence_display(),
        fu.adverse_reaction_note or (str(_("Yes")) if fu.adverse_reaction else str(_("No"))),
        fu.get_classification_display(),
        "; ".join(f"{m.get('name', '')} {m.get('dose', '')}".strip() for m in fu.medications),
        fu.get_referral_display(),
        fu.referral_reason,
        fu.referral_facility,
        fu.next_follow_up_on.isoformat(),
        str(fu.doctor),
    ]
    return [*common, *middle, *tail]


def ledger_follow_ups(actor, disease: str, year: int):
    return (
        FollowUp.objects.filter(
            scope_q(actor, Perm.EXPORT_HEALTH_LEDGERS, "patient__grid__path"),
            scope_q(actor, Perm.VIEW_HEALTH_RECORDS, "patient__grid__path"),
            patient__disease=disease,
            date__year=year,
        )
        .select_related("patient__person", "patient__grid", "patient__team", "doctor")
        .order_by("patient__grid__path", "patient_id", "date", "pk")
    )


def follow_up_ledger_export(*, actor, disease: str, year: int) -> Download:
    rows = [_row(fu, disease) for fu in ledger_follow_ups(actor, disease, year)]
    title = f"{TITLES[Disease(disease)]} {year}"
    content = write_ledger(
        sheet_name=str(year), headers=headers_for(disease), rows=rows, title=title
    )
    audit_event_record(
        actor=actor,
        action="chronic_follow_up.ledger_export",
        changes={"disease": disease, "year": year, "rows": len(rows), "format": "xlsx"},
    )
    return Download(
        content=content,
        filename=f"{title}.xlsx",
        ascii_filename=f"{ASCII_NAMES[Disease(disease)]}-{year}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


def _ledger(request, disease: str) -> HttpResponse:
    require_somewhere(request.user, Perm.EXPORT_HEALTH_LEDGERS)
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    download = follow_up_ledger_export(
        actor=request.user, disease=disease, year=year or today().year
    )
    return download_response(download)


@login_required
@require_safe
def hypertension_ledger(request):
    return _ledger(request, Disease.HYPERTENSION)


@login_required
@require_safe
def diabetes_ledger(request):
    return _ledger(request, Disease.DIABETES)
