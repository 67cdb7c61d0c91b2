"""The platform's own Prometheus figures, read from the database at each scrape, next to
django-prometheus's request and database metrics.

Every figure is a count or a time, never a person's data. A scrape costs five queries on
the primary, each bounded by an index (see ``shoumen.ops.health``): open alerts (the open
alerts' index entries), the task queue (the READY tasks' partial index), the last audit
block (one row by primary key), the unsealed events (a primary-key range, capped) and the
last fill of the daily figures (one row a day). Replica figures are this process's last
view of its replicas and cost no query."""

import logging
import os
from collections.abc import Iterator

import prometheus_client
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector, CollectorRegistry

from shoumen.lib.replicas import replica_states
from shoumen.ops import health

logger = logging.getLogger(__name__)

ALERTS_OPEN = "shoumen_alerts_open"
ALERTS_OVERDUE = "shoumen_alerts_overdue"
TASK_QUEUE_DEPTH = "shoumen_task_queue_depth"
TASK_QUEUE_OLDEST_AGE = "shoumen_task_queue_oldest_age_seconds"
AUDIT_UNSEALED = "shoumen_audit_unsealed_events"
AUDIT_LAST_SEAL = "shoumen_audit_last_seal_timestamp_seconds"
ROLLUP_LAST_FILL = "shoumen_rollup_last_fill_timestamp_seconds"
REPLICA_UP = "shoumen_replica_up"
REPLICA_USED = "shoumen_replica_used"
REPLICA_LAG = "shoumen_replica_lag_seconds"
COLLECT_OK = "shoumen_platform_metrics_ok"

HELP = {
    ALERTS_OPEN: "Alerts open or acknowledged, by cause family.",
    ALERTS_OVERDUE: "Alerts open or acknowledged and past their due time, by cause family.",
    TASK_QUEUE_DEPTH: "Background tasks ready to run now.",
    TASK_QUEUE_OLDEST_AGE: "How long the task waiting longest has waited to run (0 if none).",
    AUDIT_UNSEALED: "Audit events committed but not sealed into a signed block yet.",
    AUDIT_LAST_SEAL: "When the newest audit block was sealed (Unix time).",
    ROLLUP_LAST_FILL: "When the daily figures were last filled for every metric (Unix time).",
    REPLICA_UP: "1 when the read replica answers, as this process last saw it.",
    REPLICA_USED: "1 when the router sends reads to the replica (answering, lag within limit).",
    REPLICA_LAG: "Replication lag of the read replica in seconds, as this process last saw it.",
    COLLECT_OK: "1 when the platform's figures were read from the database for this scrape.",
}
LABELS = {
    ALERTS_OPEN: ["family"],
    ALERTS_OVERDUE: ["family"],
    REPLICA_UP: ["alias"],
    REPLICA_USED: ["alias"],
    REPLICA_LAG: ["alias"],
}


def _family(name: str) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, HELP[name], labels=LABELS.get(name))


class PlatformCollector(Collector):
    """Reads the figures at each scrape (Prometheus scrapes every 15 to 60 seconds). When
    the database fails, the database figures are left out and ``shoumen_platform_metrics_ok``
    reads 0, so that django-prometheus's own metrics still arrive."""

    def describe(self) -> Iterator[Metric]:
        # Registering calls this rather than collect(): no query at start-up.
        return iter([_family(name) for name in HELP])

    def collect(self) -> Iterator[Metric]:
        yield from self._replicas()
        try:
            database = list(self._database())
        except Exception:  # a failed scrape must not hide the other metrics
            logger.exception("reading the platform's metrics failed")
            database, ok = [], 0
        else:
            ok = 1
        yield from database
        status = _family(COLLECT_OK)
        status.add_metric([], ok)
        yield status

    def _database(self) -> Iterator[Metric]:
        now = timezone.now()
        opened, overdue = _family(ALERTS_OPEN), _family(ALERTS_OVERDUE)
        for family, counts in health.open_alert_counts(now).items():
            opened.add_metric([family], counts["open"])
            overdue.add_metric([family], counts["overdue"])
        yield from (opened, overdue)

        queue = health.task_queue_state(now)
        depth, age = _family(TASK_QUEUE_DEPTH), _family(TASK_QUEUE_OLDEST_AGE)
        depth.add_metric([], queue["ready"])
        age.add_metric([], queue["oldest_age_seconds"])
        yield from (depth, age)

        block = health.last_audit_block()
        unsealed = _family(AUDIT_UNSEALED)
        unsealed.add_metric([], health.audit_unsealed_count(block))
        yield unsealed
        if block is not None:
            sealed = _family(AUDIT_LAST_SEAL)
            sealed.add_metric([], block["sealed_at"].timestamp())
            yield sealed

        fill = health.last_daily_fill()
        if fill is not None:
            filled = _family(ROLLUP_LAST_FILL)
            filled.add_metric([], fill["filled_at"].timestamp())
            yield filled

    def _replicas(self) -> Iterator[Metric]:
        up, used, lag = _family(REPLICA_UP), _family(REPLICA_USED), _family(REPLICA_LAG)
        for state in replica_states():
            up.add_metric([state.alias], int(state.answering))
            used.add_metric([state.alias], int(state.used))
            if state.lag_seconds is not None:
                lag.add_metric([state.alias], state.lag_seconds)
        yield from (up, used, lag)


_collector: PlatformCollector | None = None


def register_platform_collector() -> PlatformCollector:
    """Add the platform's collector to prometheus_client's default registry, once per
    process (``OpsConfig.ready`` may run again, e.g. when tests set the apps up again)."""
    global _collector
    if _collector is None:
        _collector = PlatformCollector()
        prometheus_client.REGISTRY.register(_collector)
    return _collector


def exposition() -> tuple[bytes, str]:
    """The text a scrape gets, and its content type. Under gunicorn with
    ``PROMETHEUS_MULTIPROC_DIR`` set, django-prometheus's metrics are summed over every
    worker from their files, and the platform's figures (the database's, the same for
    every worker) come from this process's collector once."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ or "prometheus_multiproc_dir" in os.environ:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(register_platform_collector())
    else:
        register_platform_collector()
        registry = prometheus_client.REGISTRY
    return prometheus_client.generate_latest(registry), prometheus_client.CONTENT_TYPE_LATEST
