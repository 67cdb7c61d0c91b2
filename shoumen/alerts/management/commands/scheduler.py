"""`shoumen scheduler`: enqueue the scheduled tasks at their times (run beside db_worker).

shoumen scheduler            run until stopped
shoumen scheduler --list     print the schedule with each job's next time
shoumen scheduler --now NAME enqueue one job once and exit
"""

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shoumen.schedule import schedule

log = logging.getLogger("shoumen.schedule")


class Command(BaseCommand):
    help = "Enqueue the scheduled tasks (alert rules, escalation, completion, retention, digest)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="print the schedule and exit")
        parser.add_argument("--now", metavar="NAME", help="enqueue one job now and exit")

    def handle(self, *args, list=False, now=None, **options):
        jobs = schedule()
        if list:
            moment = timezone.localtime()
            for job in jobs:
                following = job.trigger().get_next_fire_time(None, moment)
                self.stdout.write(f"{job.name:24} {following:%Y-%m-%d %H:%M}  {job.description}")
            return
        if now is not None:
            found = {j.name: j for j in jobs}
            if now not in found:
                raise CommandError(f"No job named {now!r}; see --list.")
            result = found[now].enqueue()
            self.stdout.write(f"{now}: enqueued {result.id}")
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
