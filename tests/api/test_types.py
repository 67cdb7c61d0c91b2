import datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from shoumen.api.types import ERR_NAIVE_TIME, ERR_TIME_RANGE, Moment

moment = TypeAdapter(Moment)


def test_an_aware_time_in_range_passes():
    value = datetime.datetime(
        2026, 11, 20, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    assert moment.validate_python(value) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-11-20T09:00:00", ERR_NAIVE_TIME),
        ("0277-05-07T08:02:49+19:03", ERR_TIME_RANGE),
        ("1198-11-17T08:56:36-01:00", ERR_TIME_RANGE),
        ("2026-11-20T09:00:00-13:00", ERR_TIME_RANGE),
    ],
)
def test_times_the_database_cannot_hold_or_no_one_lives_in_are_refused(text, message):
    with pytest.raises(ValidationError) as exc:
        moment.validate_json(f'"{text}"')
    assert str(message) in str(exc.value)
