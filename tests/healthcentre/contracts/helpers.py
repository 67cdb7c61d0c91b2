import datetime

import time_machine

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: str):
    """Frozen at 10:00 Shanghai time on ``day`` (YYYY-MM-DD)."""
    moment = datetime.datetime.fromisoformat(day + "T10:00").replace(tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)
