"""The WSGI application with the clock set to the bench's morning (SHOUMEN_BENCH_NOW, ISO
8601 with offset) and running on from there, so that the server sees the bench day as
today: a school day, whatever the real date is. Used only by bench/schools_bench.py."""

import datetime
import os

import time_machine

time_machine.travel(
    datetime.datetime.fromisoformat(os.environ["SHOUMEN_BENCH_NOW"]), tick=True
).start()

from shoumen.wsgi import application  # noqa: E402

__all__ = ["application"]
