"""API shapes of alerts. The person leaves by name and masked phone only."""

import datetime
from enum import StrEnum
from typing import Any, Literal

from ninja import Field, Schema

from shoumen.alerts.models import Alert, AlertStatus, Cause, Outcome
from shoumen.registry.schemas import Page, Text


class AlertFiltersIn(Page):
    status: AlertStatus | Literal["", "open_any"] = Field(
        "open_any", description="'open_any': open or acknowledged; '' for any status"
    )
    cause: Cause | Literal[""] = ""
    mine: bool = Field(False, description="Only alerts I own")


# Its own name in the schema: the visits' Outcome would otherwise take the same component.
AlertOutcome = StrEnum("AlertOutcome", {m.name: m.value for m in Outcome})  # type: ignore[misc]


class ResolveIn(Schema):
    outcome: AlertOutcome  # type: ignore[valid-type]
    note: Text = Field("", max_length=200)
    end_observation: bool = Field(
        False,
        description="Also end the person's active observations as sent to hospital "
        "(outcomes fever_clinic and hospital only)",
    )


class AlertOut(Schema):
    id: int
    person: int | None
    person_name: str
    person_phone_masked: str
    grid: str
    observation: int | None
    cause: str
    status: str
    level: int
    owner: int | None
    owner_name: str
    opened_at: datetime.datetime
    due_at: datetime.datetime
    overdue: bool
    last_seen_at: datetime.datetime
    hits: int
    details: dict[str, Any]
    acknowledged_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    outcome: str
    outcome_note: str

    @staticmethod
    def from_alert(alert: Alert, now: datetime.datetime) -> "AlertOut":
        person, owner = alert.person, alert.owner
        return AlertOut(
            id=alert.pk,
            person=alert.person_id,
            person_name=person.name if person is not None else "",
            person_phone_masked=person.phone_masked if person is not None else "",
            grid=alert.grid.code,
            observation=alert.observation_id,
            cause=alert.cause,
            status=alert.status,
            level=alert.level,
            owner=alert.owner_id,
            owner_name=str(owner) if owner is not None else "",
            opened_at=alert.opened_at,
            due_at=alert.due_at,
            overdue=alert.status == AlertStatus.OPEN and alert.due_at < now,
            last_seen_at=alert.last_seen_at,
            hits=alert.hits,
            details=alert.details,
            acknowledged_at=alert.acknowledged_at,
            resolved_at=alert.resolved_at,
            outcome=alert.outcome,
            outcome_note=alert.outcome_note,
        )


class AlertPage(Schema):
    items: list[AlertOut]
    count: int
