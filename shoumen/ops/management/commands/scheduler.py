"""`shoumen scheduler`: enqueue the scheduled tasks at their times (run beside db_worker).

shoumen scheduler            run until stopped: lead, or follow until the leader is gone
shoumen scheduler --list     print the schedule with each job's next time
shoumen scheduler --now      run every job once, here, in order; exit 1 if any failed
shoumen scheduler --now NAME run the named jobs once
shoumen scheduler --enqueue NAME  put one job on the queue for db_worker and exit

Any number may run (one per machine, say): one leads, the others wait to take over
(shoumen.ops.scheduler). --now and --enqueue are by hand: they run or enqueue whenever
asked and record no scheduled time.
"""

import builtins
import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string

from shoumen.ops.scheduler import Scheduler
from shoumen.schedule import Job, run_now, schedule


class Command(BaseCommand):
    help = "Enqueue the scheduled tasks (alert rules, escalation, completion, retention, digest)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="print the schedule and exit")
        parser.add_argument(
            "--now",
            nargs="*",
            metavar="NAME",
            help="run the named jobs (all when none is named) once, in order, and exit; "
            "the exit status is 1 when any failed",
        )
        parser.add_argument("--enqueue", metavar="NAME", help="enqueue one job now and exit")
        parser.add_argument(
            "--retry-seconds",
            type=float,
            default=None,
            help="how often a waiting scheduler tries for the lead "
            "(default: SHOUMEN_SCHEDULER_RETRY_SECONDS)",
        )
        parser.add_argument(
            "--schedule",
            metavar="DOTTED.PATH",
            default=None,
            help="a function returning the jobs to use instead of the project's (trials and tests)",
        )

    def handle(self, *args, list=False, now=None, enqueue=None, **options):
        jobs: builtins.list[Job] = (
            import_string(options["schedule"])() if options["schedule"] else schedule()
        )
        if list:
            moment = timezone.localtime()
            for job in jobs:
                following = job.trigger().get_next_fire_time(None, moment)
                self.stdout.write(f"{job.name:24} {following:%Y-%m-%d %H:%M}  {job.description}")
            return
        found = {j.name: j for j in jobs}
        for name in [*(now or []), *([enqueue] if enqueue else [])]:
            if name not in found:
                raise CommandError(f"No job named {name!r}; see --list.")
        if enqueue is not None:
            result = found[enqueue].enqueue()
            self.stdout.write(f"{enqueue}: enqueued {result.id}")
            return
        if now is not None:
            chosen = [j for j in jobs if j.name in now] if now else jobs
            runs = run_now(chosen)
            for run in runs:
                outcome = f"ok {run.result!r}" if run.ok else f"FAILED {run.error}"
                self.stdout.write(f"{run.name:24} {run.seconds:7.2f} s  {outcome}")
            failed = [run.name for run in runs if not run.ok]
            if failed:
                raise CommandError(f"{len(failed)} of {len(runs)} jobs failed: {', '.join(failed)}")
            return
        # Which process leads, and when it changes hands, is worth a line at INFO.
        level = logging.INFO if options["verbosity"] >= 1 else logging.WARNING
        logging.getLogger("shoumen.schedule").setLevel(level)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        self.stdout.write(f"Scheduler: {len(jobs)} jobs; stop with Ctrl-C.")
        try:
            Scheduler(jobs, retry=options["retry_seconds"], stop=stop).run()
        except KeyboardInterrupt:
            stop.set()
