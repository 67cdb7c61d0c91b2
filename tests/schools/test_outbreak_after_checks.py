"""A committed class check evaluates its school's rules at once: the third pupil absent
with fever and cough raises the class cluster without waiting for the scheduled run; a
replayed check raises nothing new; the scheduled job evaluates the whole district."""

import datetime
import uuid

import pytest
import time_machine

from shoumen.alerts.models import Alert, Cause
from shoumen.schools.check_services import class_check_submit
from shoumen.schools.tasks import school_rules_evaluate_task
from tests.schools.test_outbreak_rules import FRI, at, found, new_pupils

pytestmark = pytest.mark.django_db


def sick(pupil) -> dict:
    return {
        "pupil_id": pupil.pk,
        "kind": "sick",
        "symptoms": ["fever", "cough"],
        "onset_date": FRI.isoformat(),
        "saw_doctor": False,
        "diagnosis": "",
    }


def submit(world, absentees, client_uuid=None):
    klass = world.class_a
    return class_check_submit(
        actor=world.teacher,
        client_uuid=client_uuid or uuid.uuid4(),
        klass=klass,
        date=FRI,
        session="morning",
        present=klass.pupils.filter(active=True).count() - len(absentees),
        absences=[sick(p) for p in absentees],
    )


def test_two_sick_pupils_at_a_check_raise_nothing_a_third_at_noon_raises_the_cluster(
    world, django_capture_on_commit_callbacks
):
    pupils = [world.pupil("张小明"), world.pupil("李小红"), world.pupil("王小刚")]
    with time_machine.travel(at(FRI, 8, 30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            submit(world, pupils[:2])
        assert not Alert.objects.filter(cause=Cause.SCHOOL_CLASS_CLUSTER).exists()
    with time_machine.travel(at(FRI, 13, 30), tick=False):
        found(world.class_a, FRI, pupils[2:], session="noon")
        school_rules_evaluate_task.call()
    alert = Alert.objects.get(cause=Cause.SCHOOL_CLASS_CLUSTER)
    assert alert.details["count"] == 3
    assert alert.due_at == at(FRI, 13, 30) + datetime.timedelta(hours=24)


def test_a_check_with_three_sick_pupils_raises_the_cluster_on_commit(
    world, django_capture_on_commit_callbacks
):
    pupils = [world.pupil("张小明"), world.pupil("李小红"), world.pupil("王小刚")]
    key = uuid.uuid4()
    with time_machine.travel(at(FRI, 8, 30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            submit(world, pupils, client_uuid=key)
        alert = Alert.objects.get(cause=Cause.SCHOOL_CLASS_CLUSTER)
        assert (alert.grid, alert.owner) == (world.class_a.unit, world.school_doctor)
        with django_capture_on_commit_callbacks(execute=True):
            submit(world, pupils, client_uuid=key)  # a replay
    assert Alert.objects.filter(cause__startswith="school_").count() == 1
    assert Alert.objects.get().hits == 1


def test_a_check_without_a_case_does_not_evaluate_the_rules(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from shoumen.schools import outbreaks

    calls = []
    monkeypatch.setattr(outbreaks, "school_rules_evaluate", lambda **kw: calls.append(kw))
    with time_machine.travel(at(FRI, 8, 30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            submit(world, [])
        assert calls == []
        with django_capture_on_commit_callbacks(execute=True):
            noon, _ = class_check_submit(
                actor=world.teacher,
                client_uuid=uuid.uuid4(),
                klass=world.class_a,
                date=FRI,
                session="noon",
                present=2,
                absences=[sick(world.pupil("张小明"))],
            )
        assert calls == [{"school_ids": [noon.school_id]}]


def test_the_scheduled_run_covers_every_school(world):
    found(world.class_a, FRI, new_pupils(world.class_a, 3))
    k3 = world.school_class("K3")
    found(k3, FRI, new_pupils(k3, 3))
    with time_machine.travel(at(FRI, 10), tick=False):
        result = school_rules_evaluate_task.call()
    assert result["opened"] == 2
    assert set(Alert.objects.values_list("grid__code", flat=True)) == {"K1", "K3"}
