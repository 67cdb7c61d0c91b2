"""The soak's faults, on a timetable in fractions of the run, each recorded with what
happened: a web node killed and restarted, the replica stopped and started, the task
worker killed while the ledger import commits. Used only by bench/soak.py."""

import threading
import time
import traceback

NODE_KILL, NODE_RESTART = 0.20, 0.25
REPLICA_STOP, REPLICA_START = 0.40, 0.50
LEDGER_START = 0.55
# After the worker restarts, how long the import may take to finish on its own (the worker
# takes back its killed predecessor's task) before the run records it as stuck and does
# what an operator would (re-enqueue the job).
RESUME_WAIT_S = 90.0


class Faults:
    def __init__(self, stack, cluster, world, seconds: float, failures):
        self.stack, self.cluster, self.world = stack, cluster, world
        self.seconds, self.failures = seconds, failures
        self.events: list[dict] = []
        self.ledger_job = None
        self.thread: threading.Thread | None = None

    def start(self, t0: float) -> None:
        self.t0 = t0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _now(self) -> float:
        return round(time.perf_counter() - self.t0, 1)

    def _at(self, fraction: float) -> None:
        delay = self.t0 + fraction * self.seconds - time.perf_counter()
        if delay > 0:
            time.sleep(delay)

    def _event(self, what: str, **details) -> dict:
        event = {"at_s": self._now(), "what": what, **details}
        self.events.append(event)
        print(f"  fault at {event['at_s']} s: {what} {details}")
        return event

    def _run(self) -> None:
        try:
            self._timetable()
        except Exception:
            self.failures.add("the fault timetable raised: " + traceback.format_exc()[-400:])

    def _timetable(self) -> None:
        node = self.stack.nodes[1]
        self._at(NODE_KILL)
        node.kill()
        self._event("web node 2 killed (SIGKILL to gunicorn's master and workers)")
        self._at(NODE_RESTART)
        node.start()
        took = self.stack.wait_node(1)
        self._event("web node 2 restarted", answering_after_s=round(took, 1))

        self._at(REPLICA_STOP)
        began = time.perf_counter()
        self.cluster.stop_replica()
        self._event("replica stopped (pg_ctl stop -m fast)",
                    took_s=round(time.perf_counter() - began, 1))  # fmt: skip
        self._at(REPLICA_START)
        began = time.perf_counter()
        self.cluster.start_replica()
        started = time.perf_counter() - began
        self.cluster.wait_for_replica(timeout=120)
        self._event("replica started", took_s=round(started, 1),
                    caught_up_after_s=round(time.perf_counter() - began, 1))  # fmt: skip

        self._at(LEDGER_START)
        self._ledger_with_worker_kill()

    # -- the ledger import and the worker ------------------------------------------------
    def _wait_job(self, statuses: set, timeout: float, *, until=None):
        from shoumen.ledgers.models import ImportJob

        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            job = ImportJob.objects.get(pk=self.ledger_job.pk)
            if job.status in statuses or (until is not None and until(job)):
                return job
            time.sleep(0.05)
        return ImportJob.objects.get(pk=self.ledger_job.pk)

    def _ledger_with_worker_kill(self) -> None:
        from shoumen.ledgers import import_jobs

        world = self.world
        self.ledger_job = import_jobs.import_job_create(
            actor=world.ledger_user, org_unit=world.ledger_community,
            filename=world.ledger_path.name, data=world.ledger_path.read_bytes(),
        )  # fmt: skip
        import_jobs.import_job_check(actor=world.ledger_user, job=self.ledger_job)
        job = self._wait_job({"checked", "failed", "rejected"}, 300)
        self._event("ledger import checked by the worker", status=job.status,
                    counts=job.counts, rows=world.ledger_made["rows"])  # fmt: skip
        if job.status != "checked":
            self.failures.add(f"the ledger check ended {job.status}: {job.message}")
            return
        # The generated ledger repeats a few ID numbers: those rows are left out, as a community
        # would after reading the check's report.
        import_jobs.import_job_confirm(actor=world.ledger_user, job=job, skip_bad_rows=True)
        self._event("ledger import confirmed: the worker imports it")
        job = self._wait_job(
            {"done", "failed", "rejected"}, 300,
            until=lambda j: j.progress_total and j.progress_done >= j.progress_total,
        )  # fmt: skip
        if job.status != "importing":
            self._event("the import ended before the worker could be killed", status=job.status)
            self._restart_worker_anyway()
            return
        time.sleep(0.3)  # into the commit: every row read and planned, none committed yet
        self.stack.worker.kill()
        job.refresh_from_db()
        self._event("task worker killed (SIGKILL) while the import committed",
                    job_status=job.status,
                    progress=f"{job.progress_done}/{job.progress_total}")  # fmt: skip
        time.sleep(3)
        self.stack.worker.start()
        restarted = time.perf_counter()
        self._event("task worker restarted (the same worker id)")
        job = self._wait_job({"done", "failed", "rejected"}, RESUME_WAIT_S)
        if job.status == "importing":
            self._recover(job)
        else:
            self._event("the import ran again by itself and ended", status=job.status,
                        after_the_restart_s=round(time.perf_counter() - restarted, 1))  # fmt: skip

    def _restart_worker_anyway(self) -> None:
        self.stack.worker.kill()
        self._event("task worker killed (SIGKILL), with no import running")
        time.sleep(3)
        self.stack.worker.start()
        self._event("task worker restarted")

    def _recover(self, job) -> None:
        """What an operator does today: the killed worker's task stays RUNNING and nothing
        runs it again, so mark it failed and enqueue the job once more (the import was one
        transaction, rolled back when the worker's connection died)."""
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from shoumen.ledgers.models import ImportJob
        from shoumen.ledgers.tasks import import_job_task

        task = DBTaskResult.objects.filter(pk=job.task_id).first()
        self._event(
            f"import not resumed {RESUME_WAIT_S:.0f} s after the restart",
            job_status=job.status,
            task_status=getattr(task, "status", None),
        )
        if task is not None:
            DBTaskResult.objects.filter(pk=task.pk).update(
                status="FAILED", finished_at=timezone.now()
            )
        result = import_job_task.enqueue(job.pk, "")
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
        self._event("operator: the stale task marked FAILED and the job enqueued again")

    def finish(self, timeout: float = 300.0) -> None:
        """Wait for the timetable, then for the import to end."""
        if self.thread is not None:
            self.thread.join(timeout)
        if self.ledger_job is not None:
            began = time.perf_counter()
            job = self._wait_job({"done", "failed", "rejected"}, timeout)
            self._event("ledger import ended", status=job.status, counts=job.counts,
                        waited_after_the_run_s=round(time.perf_counter() - began, 1))  # fmt: skip
