import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shoumen.alerts.rules import current_rules
from shoumen.alerts.rules_services import (
    EDITABLE,
    ERR_DEADLINE_ORDER,
    ERR_ILI_BELOW_FEVER,
    ERR_LOST_DAYS,
    ERR_MINUTES,
    alert_rules_update,
)
from shoumen.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def form_data(**changes):
    rules = current_rules()
    data = {}
    for name in EDITABLE:
        value = getattr(rules, name)
        data[name] = value.strftime("%H:%M") if isinstance(value, datetime.time) else str(value)
    return {**data, **changes}


def test_the_admin_changes_thresholds_and_it_is_audited(world, login):
    client = login(world.admin_user)
    response = client.post(
        reverse("alert_rules:edit"),
        form_data(fever_temperature="37.5", morning_deadline="09:30", escalation_minutes="30"),
    )
    assert response.status_code == 302
    rules = current_rules()
    assert rules.fever_temperature == Decimal("37.5")
    assert rules.morning_deadline == datetime.time(9, 30)
    assert rules.escalation_minutes == 30
    event = AuditEvent.objects.get(action="alert_rules.update")
    assert event.changes == {
        "fever_temperature": ["37.3", "37.5"],
        "morning_deadline": ["10:00", "09:30"],
        "escalation_minutes": [60, 30],
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"ili_temperature": "37.4", "fever_temperature": "37.5"},
            "ili_temperature",
            ERR_ILI_BELOW_FEVER,
        ),
        ({"morning_deadline": "11:00", "afternoon_deadline": "12:00"}, None, None),
        (
            {"morning_deadline": "12:00", "afternoon_deadline": "12:00"},
            "afternoon_deadline",
            ERR_DEADLINE_ORDER,
        ),
        ({"lost_contact_days": "0"}, "lost_contact_days", ERR_LOST_DAYS),
        ({"fever_due_minutes": "2"}, "fever_due_minutes", ERR_MINUTES),
        ({"escalation_minutes": "2000"}, "escalation_minutes", ERR_MINUTES),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(world, login, changes, field, message):
    response = login(world.admin_user).post(reverse("alert_rules:edit"), form_data(**changes))
    if field is None:
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [str(message)]
    assert not AuditEvent.objects.filter(action="alert_rules.update").exists()


def test_an_empty_field_is_required(world, login):
    data = form_data()
    del data["ili_due_minutes"]
    response = login(world.admin_user).post(reverse("alert_rules:edit"), data)
    assert response.status_code == 400
    assert "ili_due_minutes" in response.context["form"].errors


def test_only_administrators_edit_the_rules(world):
    with pytest.raises(PermissionDenied):
        alert_rules_update(actor=world.district_officer, fever_temperature=Decimal("37.5"))


def test_the_service_checks_the_whole_set(world):
    alert_rules_update(actor=world.admin_user, fever_temperature=Decimal("37.8"))
    with pytest.raises(ValidationError) as exc:
        alert_rules_update(actor=world.admin_user, ili_temperature=Decimal("37.5"))
    assert exc.value.message_dict == {"ili_temperature": [str(ERR_ILI_BELOW_FEVER)]}


def test_saving_unchanged_rules_records_nothing(world):
    alert_rules_update(actor=world.admin_user, fever_temperature=Decimal("37.3"))
    assert not AuditEvent.objects.filter(action="alert_rules.update").exists()
