"""Operations' own records."""

from django.db import models
from django.utils import timezone


class ScheduledRun(models.Model):
    """One scheduled time of one job, put on the queue. The row is written in the
    transaction that enqueues the task, and its unique key is what makes a time run once:
    a second scheduler enqueuing the same job for the same time (two leaders for a moment,
    a restart that looks back over the grace period) hits the constraint and its task is
    rolled back with it."""

    job = models.CharField(max_length=64)
    scheduled_for = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)
    task_id = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["job", "scheduled_for"], name="ops_scheduled_run_once_a_time"
            ),
        ]
        indexes = [models.Index(fields=["scheduled_for"], name="ops_scheduled_run_for")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.scheduled_for:%Y-%m-%d %H:%M:%S}"
