"""The day's work in the persona world, as the demo has it: an observed person, an
overdue alert, a checkpoint with a scan, an open screening round and a self-report link."""

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
    from shoumen.checkpoints.services import checkpoint_create
    from shoumen.observation.links import report_link_issue
    from shoumen.observation.models import Kind, Reason
    from shoumen.observation.services import observation_start
    from shoumen.screening.services import round_create

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
    return {
        "observation": observation,
        "alert": alert,
        "unowned": unowned,
        "gate": gate,
        "round": round_,
        "link": link,
        "client_uuid": uuid.uuid4(),
    }
