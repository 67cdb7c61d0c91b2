"""Field types shared by the API's schemas."""

import datetime
from typing import Annotated

from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator

ERR_NAIVE_TIME = _("Give the time with its UTC offset.")
ERR_TIME_RANGE = _("Give a time between the year 2000 and 2100, with a real UTC offset.")
# Real time zones lie between UTC−12:00 and UTC+14:00.
MIN_OFFSET, MAX_OFFSET = datetime.timedelta(hours=-12), datetime.timedelta(hours=14)


def _moment(value: datetime.datetime) -> datetime.datetime:
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(str(ERR_NAIVE_TIME))
    if not (MIN_OFFSET <= offset <= MAX_OFFSET and 2000 <= value.year < 2100):
        raise ValueError(str(ERR_TIME_RANGE))
    return value


# A moment in time: aware, in a plausible year, with an offset the database can store.
Moment = Annotated[datetime.datetime, AfterValidator(_moment)]
