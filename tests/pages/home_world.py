"""The day's work in the persona world, as the demo has it: an observed person, an
overdue alert and one with no owner, a checkpoint, an open screening round with a visit, a
self-report link, a resident's pass, a transfer waiting and a ledger import to confirm."""

import datetime
import uuid

from django.utils import timezone

TZ = datetime.timezone(datetime.timedelta(hours=8))
# 11:30: the morning report (due 10:00) is overdue.
NOW = datetime.datetime(2026, 11, 20, 11, 30, tzinfo=TZ)


def build_day(w) -> dict:
    """Make the day's work once; returns the objects by name."""
    from shoumen.alerts.models import Alert, Cause
    from shoumen.alerts.services import alert_raise
    from shoumen.checkpoints.models import Checkpoint
    from shoumen.checkpoints.services import checkpoint_create, pass_issue
    from shoumen.ledgers.import_files import REPORT_CONTEXT, seal
    from shoumen.ledgers.models import ImportJob, ImportStatus
    from shoumen.observation.links import report_link_issue
    from shoumen.observation.models import Kind, Reason
    from shoumen.observation.services import observation_start, observation_transfer_request
    from shoumen.screening.services import round_create, visit_record

    now = timezone.now()
    observation = observation_start(
        actor=w.admin_user,
        person=w.shan,
        kind=Kind.HOME_MONITORING,
        reason=Reason.OTHER,
        responsible=w.grid_worker,
    )
    alert, _ = alert_raise(
        person=w.shan,
        cause=Cause.FEVER,
        details={"temperature": "37.8"},
        observation=observation,
        now=now - datetime.timedelta(hours=12),
    )
    unowned, _ = alert_raise(
        person=w.neighbour, cause=Cause.FEVER, details={"temperature": "38.1"}, now=now
    )
    Alert.objects.filter(pk=unowned.pk).update(owner=None)
    gate = Checkpoint.objects.filter(community=w.community, name="北门").first()
    gate = gate or checkpoint_create(actor=w.community_staff, community=w.community, name="北门")
    round_ = round_create(
        actor=w.community_staff,
        scope=w.community,
        name="入户排查",
        starts_on=timezone.localdate(now),
        ends_on=timezone.localdate(now) + datetime.timedelta(days=3),
    )
    link = report_link_issue(actor=w.admin_user, holder=w.shan, subjects=[w.shan])
    pass_ = pass_issue(actor=w.admin_user, person=w.shan)
    moving = observation_start(
        actor=w.admin_user, person=w.zeng, kind=Kind.HOME_MONITORING, reason=Reason.OTHER
    )
    transfer = observation_transfer_request(
        actor=w.admin_user, observation=moving, to_community=w.unit("C2"), reason="搬到女儿家"
    )
    visit, _created = visit_record(
        actor=w.grid_worker,
        task=round_.tasks.get(household=w.household_a),
        client_uuid=uuid.uuid4(),
        outcome="visited",
        method="in_person",
    )
    job = ImportJob.objects.create(
        org_unit=w.grid_a,
        created_by=w.community_staff,
        filename="台账.xlsx",
        data=b"",
        headers=["姓名"],
        mapping={"姓名": "name"},
        status=ImportStatus.CHECKED,
        counts={"new": 1, "updated": 0, "unchanged": 0, "bad": 1},
        errors=[{"sheet": "Sheet1", "row": 3, "column": "姓名", "value": "", "reason": "缺少姓名"}],
        error_report=seal(b"report", context=REPORT_CONTEXT),
    )
    from tests.pages.community_work_world import community_work_day
    from tests.pages.duty_world import duty_day
    from tests.pages.health_world import health_day
    from tests.pages.school_matrix_absences import absence_day
    from tests.pages.school_matrix_reports import school_day

    return {
        **duty_day(w, gate),
        **community_work_day(w),
        **health_day(w),
        **school_day(w),
        **absence_day(w),
        "pass": pass_,
        "transfer": transfer,
        "visit": visit,
        "import_job": job,
        "observation": observation,
        "alert": alert,
        "unowned": unowned,
        "gate": gate,
        "round": round_,
        "link": link,
    }
