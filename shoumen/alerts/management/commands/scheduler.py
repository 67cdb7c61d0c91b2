"""`shoumen scheduler`: enqueue the scheduled tasks at their times (run beside db_worker).

shoumen scheduler            run until stopped
shoumen scheduler --list     print the schedule with each job's next time
shoumen scheduler --now      run every job once, here, in order; exit 1 if any failed
shoumen scheduler --now NAME run the named jobs once
shoumen scheduler --enqueue NAME  put one job on the queue for db_worker and exit
"""

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shoumen.schedule import run_now, schedule

log = logging.getLogger("shoumen.schedule")


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

    def handle(self, *args, list=False, now=None, enqueue=None, **options):
        jobs = schedule()
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
        scheduler = BlockingScheduler(timezone=str(timezone.get_current_timezone()))
        for job in jobs:
            scheduler.add_job(
                job.enqueue,
                job.trigger(),
                id=job.name,
                name=job.name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=300,
            )
        self.stdout.write(f"Scheduler: {len(jobs)} jobs; stop with Ctrl-C.")
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            log.info("scheduler stopped")
