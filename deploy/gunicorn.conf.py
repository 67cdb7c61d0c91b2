"""gunicorn settings of one Shoumen web node, behind nginx (deploy/nginx/shoumen.conf).

    gunicorn shoumen.wsgi --config deploy/gunicorn.conf.py

Read by deploy/systemd/shoumen-web@.service and by bench/soak.py. The environment may
override: SHOUMEN_BIND (default 127.0.0.1:8000; a node that nginx reaches over the network
binds its private address), SHOUMEN_WEB_WORKERS (default 2 per core, at least 2),
SHOUMEN_WEB_THREADS (default 4). Each worker holds its own database connection pool of up
to SHOUMEN_DB_POOL_SIZE (10) per database: workers × pool size × nodes must stay under
PostgreSQL's max_connections (and each replica's).
"""

import os

bind = os.environ.get("SHOUMEN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SHOUMEN_WEB_WORKERS", max(2, 2 * (os.cpu_count() or 1))))
# Threads: requests mostly wait on PostgreSQL; a few threads per worker keep the cores busy
# without a process per request.
worker_class = "gthread"
threads = int(os.environ.get("SHOUMEN_WEB_THREADS", "4"))
# A board or an export is done well within this; a worker stuck longer is restarted.
timeout = 60
graceful_timeout = 30
# Longer than nginx's keepalive_timeout to its upstream (60 s), so that nginx, not
# gunicorn, closes idle connections (a request sent on a connection gunicorn just closed
# is an error nginx can only retry when it is idempotent).
keepalive = 75
# Recycle workers now and then, staggered, so a slow leak never takes a node down.
max_requests = 5000
max_requests_jitter = 500
# The heartbeat file on tmpfs: a disk stall must not look like a hung worker.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (gunicorn's own heartbeat files)
# nginx on the same host or the private network sets X-Forwarded-Proto; only it is trusted.
forwarded_allow_ips = os.environ.get("SHOUMEN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log here: nginx keeps one (without query strings). Errors go to stderr, which
# systemd's journal keeps.
accesslog = None
errorlog = "-"
loglevel = "warning"
proc_name = "shoumen-web"


def child_exit(server, worker):
    """Prometheus in multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by the unit): a
    worker that ended stops counting in /metrics' gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
