"""One's own shifts and checking in and out over the API (idempotent on client_uuid: 201
new, 200 replay; 409 when the shift already has a check of that kind sent with another
client_uuid)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from shoumen.api.responses import error_responses
from shoumen.duty import my_selectors
from shoumen.duty.checkin_services import AlreadyChecked, check_in_record
from shoumen.duty.schemas_checkins import (
    CheckInIn,
    CheckInOut,
    MyShiftOut,
    MyShiftsIn,
    MyShiftsOut,
)

ERR_PERIOD = _("The last day comes before the first.")
ERR_PERIOD_LONG = _("Ask for at most %(days)d days at a time.")
MAX_DAYS = 62

router = Router(tags=["duty"])


@router.post(
    "/duty/check-ins",
    response={
        200: CheckInOut,
        201: CheckInOut,
        **error_responses(400, 401, 403, 404, 409, 422),
    },
    summary="Check in for a shift or out of it (201 new; 200 replay of the same client_uuid)",
    description="Your own shifts, or any shift of a community where you manage duty. "
    "Check-in opens 60 minutes before the start and closes at the end; check-out follows "
    "the check-in until 4 hours after the end. 409 when the shift already has a check of "
    "this kind sent with another client_uuid.",
)
def check_ins_create(request, payload: CheckInIn):
    actor = request.auth
    assignment = my_selectors.assignment_for_check_in(actor, payload.assignment)
    try:
        recorded = check_in_record(
            actor=actor,
            assignment=assignment,
            kind=payload.kind,
            client_uuid=payload.client_uuid,
            at=payload.at,
        )
    except AlreadyChecked as exc:
        return Status(409, {"detail": str(exc.messages[0]), "existing_id": exc.existing.pk})
    body = CheckInOut.of(recorded.check_in, recorded.replay)
    return Status(200 if recorded.replay else 201, body)


@router.get(
    "/duty/my-shifts",
    response={200: MyShiftsOut, **error_responses(401, 422)},
    summary="Your shifts in published rosters, with check-ins (default 7 days back to 14 ahead)",
)
def my_shifts(request, filters: Query[MyShiftsIn]):
    today = timezone.localdate()
    start = filters.start or today - datetime.timedelta(days=my_selectors.DAYS_BEHIND)
    end = filters.end or today + datetime.timedelta(days=my_selectors.DAYS_AHEAD)
    if end < start:
        raise ValidationError({"end": [ERR_PERIOD]})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError({"end": [ERR_PERIOD_LONG % {"days": MAX_DAYS}]})
    rows = my_selectors.my_shifts_between(request.auth, start, end)
    return MyShiftsOut(start=start, end=end, items=[MyShiftOut.of(r) for r in rows])
