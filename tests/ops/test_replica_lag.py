"""How far behind a replica is, as the router measures it (``replicas.LAG_SQL``), on a
real primary and streaming replica: nothing while it streams and has applied all, and
the age of its last applied transaction once it is cut off from its primary — having
applied all it received must not read as up to date then."""

import time

import pytest
from django.db import connection

from shoumen.lib.replicas import LAG_SQL
from tests import pgcluster

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or bool(pgcluster.available()),
    reason=pgcluster.available() or "run with the PostgreSQL suite",
)
SQL = " ".join(LAG_SQL.split())


def _until(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the cluster did not get there in time"
        time.sleep(0.2)


def test_a_streaming_replica_that_applied_everything_lags_nothing_and_a_cut_off_one_does():
    with pgcluster.LocalCluster() as cluster:
        cluster.create_database("lag")
        cluster.psql(
            cluster.primary_port, "CREATE TABLE t (i int); INSERT INTO t VALUES (1)", "lag"
        )
        cluster.wait_for_replica()
        assert float(cluster.psql(cluster.replica_port, SQL, "lag")) == 0

        # Cut off: the replica's primary is now an address nobody answers on.
        cluster.psql(cluster.replica_port, "ALTER SYSTEM SET primary_conninfo = 'port=1'")
        cluster.psql(cluster.replica_port, "SELECT pg_reload_conf()")
        _until(
            lambda: (
                cluster.psql(
                    cluster.replica_port,
                    "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'",
                )
                == "0"
            )
        )
        cluster.psql(cluster.primary_port, "INSERT INTO t VALUES (2)", "lag")
        time.sleep(1.0)
        assert cluster.psql(cluster.replica_port, "SELECT count(*) FROM t", "lag") == "1"
        assert float(cluster.psql(cluster.replica_port, SQL, "lag")) >= 1.0
