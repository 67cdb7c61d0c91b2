"""The soak's clock: every process of the soak (web nodes, task worker, scheduler, the demo
load) runs SHOUMEN_SOAK_CLOCK_OFFSET seconds ahead of the real clock, so that all of them
see the same school-day morning whatever the real date, and a node restarted mid-run
agrees with the others (an offset, not a fixed start time). Used only by bench/soak.py.

    gunicorn soak_clock:application --pythonpath bench ...   # a web node
    python bench/soak_clock.py db_worker                      # any `shoumen` command
"""

import os
import sys
import time

import time_machine

time_machine.travel(time.time() + float(os.environ["SHOUMEN_SOAK_CLOCK_OFFSET"]), tick=True).start()

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.argv = ["shoumen", *sys.argv[1:]]
    from shoumen.cli import main

    main()
else:
    from shoumen.wsgi import application  # noqa: E402

    __all__ = ["application"]
