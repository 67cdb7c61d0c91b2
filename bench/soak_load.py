"""The soak's load: each kind of request built from the world's plan, sent through nginx
(stdlib http.client, one keep-alive connection per thread), retried with the same body
when no answer came or nginx had no node (502/503/504), and recorded: kind, status,
latency, attempts. Used only by bench/soak.py."""

import http.client
import json
import random
import statistics
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

RETRY_STATUSES = {0, 502, 503, 504}
ATTEMPTS = 10
# The closed loop's mix (no class checks or self-reports: those are used up by the day).
CLOSED_MIX = (("board", 0.3), ("follow_up", 0.35), ("scan", 0.35))


def summary(latencies: list[float]) -> dict:
    if not latencies:
        return {"p50_ms": None, "p95_ms": None, "max_ms": None}
    ordered = sorted(latencies)
    if len(ordered) == 1:
        return {"p50_ms": round(ordered[0], 1), "p95_ms": round(ordered[0], 1),
                "max_ms": round(ordered[0], 1)}  # fmt: skip
    cut = statistics.quantiles(ordered, n=100)
    return {"p50_ms": round(cut[49], 1), "p95_ms": round(cut[94], 1),
            "max_ms": round(ordered[-1], 1)}  # fmt: skip


class Load:
    def __init__(self, port: int, world):
        self.port, self.world = port, world
        self.local = threading.local()
        self.lock = threading.Lock()
        self.records: dict[str, list[dict]] = {}
        self.durations: dict[str, float] = {}
        self.sent: dict[str, set] = {}
        self.acked: dict[str, set] = {}
        self.rng = random.Random(11)  # noqa: S311 (bench timing)

    # -- one request ---------------------------------------------------------------------
    def _conn(self, address: str | None) -> http.client.HTTPConnection:
        if address is not None:  # a phone of its own: a fresh connection from its address
            return http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=60, source_address=(address, 0)
            )
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return conn

    def _send(self, method, path, body, headers, address) -> tuple[int, bytes]:
        conn = self._conn(address)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            if address is not None or response.will_close:
                conn.close()
            return response.status, content
        except (OSError, http.client.HTTPException):
            conn.close()
            if address is None:
                self.local.conn = None
            return 0, b""

    def _exchange(self, method, path, body, headers, address=None) -> tuple[int, bytes, list]:
        statuses = []
        for attempt in range(ATTEMPTS):
            status, content = self._send(method, path, body, headers, address)
            statuses.append(status)
            if status not in RETRY_STATUSES:
                break
            time.sleep(min(0.25 * 2**attempt, 3.0))
        return status, content, statuses

    def _note_sent(self, kind: str, keys: list[str]) -> None:
        with self.lock:
            self.sent.setdefault(kind, set()).update(keys)

    def _note_acked(self, kind: str, keys: list[str]) -> None:
        with self.lock:
            self.acked.setdefault(kind, set()).update(keys)

    def one(self, phase: str, kind: str, scheduled: float | None = None) -> None:
        began = time.perf_counter() if scheduled is None else scheduled
        outcome = getattr(self, f"_{kind}")()
        if outcome is None:
            return  # nothing left to send of this kind
        status, ok, statuses = outcome
        record = {
            "kind": kind,
            "t": round(time.perf_counter() - self.phase_start, 2),
            "status": status,
            "ok": ok,
            "ms": (time.perf_counter() - began) * 1000,
            "attempts": len(statuses),
            "statuses": statuses if len(statuses) > 1 or not ok else None,
        }
        with self.lock:
            self.records.setdefault(phase, []).append(record)

    # -- the kinds -----------------------------------------------------------------------
    def _api(self, token: str) -> dict:
        return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def _class_check(self, queue=None):
        item = (queue or self.class_queue).pop()
        if item is None:
            return None
        key = str(uuid.uuid4())
        self._note_sent("class_check", [key])
        body = json.dumps({**item["body"], "client_uuid": key}).encode()
        status, _, statuses = self._exchange(
            "POST", "/api/v1/class-checks", body, self._api(item["token"])
        )
        ok = status in (200, 201)
        if ok:
            self._note_acked("class_check", [key])
        return status, ok, statuses

    def _morning_check(self):
        return self._class_check(self.world.morning)

    def _noon_check(self):
        return self._class_check(self.world.noon)

    def _follow_up(self):
        item = self.world.follow_ups.pop()
        if item is None:
            return None
        token, person, day, slot = item
        key = str(uuid.uuid4())
        self._note_sent("follow_up", [key])
        body = json.dumps(
            {"person": person, "date": day, "slot": slot, "temperature": "36.5",
             "source": "worker_phone", "reached": True, "client_uuid": key}
        )  # fmt: skip
        status, _, statuses = self._exchange(
            "POST", "/api/v1/health-reports", body.encode(), self._api(token)
        )
        ok = status in (200, 201)
        if ok:
            self._note_acked("follow_up", [key])
        return status, ok, statuses

    def _self_report(self):
        item = self.world.self_reports.pop()
        if item is None:
            return None
        key = str(uuid.uuid4())
        self._note_sent("self_report", [key])
        form = {"subject": "0", "s0-slot": "am", "s0-temperature": "36.6",
                "s0-other_symptoms": "", "s0-client_uuid": key}  # fmt: skip
        status, _, statuses = self._exchange(
            "POST", f"/r/{item['token']}/", urllib.parse.urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"}, item["address"],
        )  # fmt: skip
        ok = status == 302
        if ok:
            self._note_acked("self_report", [key])
        return status, ok, statuses

    def _scan(self):
        body, keys = self.world.scan_body()
        self._note_sent("scan", keys)
        status, content, statuses = self._exchange(
            "POST", "/api/v1/scans/batch", json.dumps(body).encode(),
            self._api(self.world.volunteer_token),
        )  # fmt: skip
        ok = status == 200
        if ok:
            results = json.loads(content)["results"]
            good = [r["client_uuid"] for r in results if r["result"] in ("created", "unchanged")]
            ok = len(good) == len(keys)
            self._note_acked("scan", good)
        return status, ok, statuses

    def _board(self):
        cookie, path = self.rng.choice(self.world.boards)
        status, _, statuses = self._exchange("GET", path, None, {"Cookie": cookie})
        return status, status == 200, statuses

    # -- runs ----------------------------------------------------------------------------
    def _arrivals(self, rate: float, start: float, end: float) -> list[float]:
        times, t = [], start
        while rate > 0:
            t += self.rng.expovariate(rate)
            if t >= end:
                break
            times.append(t)
        return times

    def run_open_loop(self, phase, seconds, rates, *, class_rate, faults=None) -> None:
        """Each request at its time (Poisson arrivals), whether or not earlier ones have
        answered; latency counts from that time, so queueing is not hidden."""
        plan = [(t, kind) for kind, rate in rates.items() for t in self._arrivals(rate, 0, seconds)]
        plan += [(t, "morning_check") for t in self._arrivals(class_rate, 0, seconds * 0.45)]
        plan += [
            (t, "noon_check") for t in self._arrivals(class_rate, seconds * 0.6, seconds * 0.95)
        ]
        plan.sort()
        self.records.setdefault(phase, [])
        self.phase_start = start = time.perf_counter()
        self.durations[phase] = seconds
        if faults is not None:
            faults.start(start)
        with ThreadPoolExecutor(max_workers=48) as pool:
            for t, kind in plan:
                delay = start + t - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(self._guarded, phase, kind, start + t)
        self.durations[phase] = max(seconds, time.perf_counter() - start)

    def run_closed_loop(self, phase: str, seconds: float, clients: int) -> None:
        """``clients`` each send the next request when the last one is answered."""
        kinds = [k for k, _ in CLOSED_MIX]
        weights = [w for _, w in CLOSED_MIX]
        self.records.setdefault(phase, [])
        self.phase_start = start = time.perf_counter()

        def client(n: int) -> None:
            rng = random.Random(n)  # noqa: S311 (bench mix)
            while time.perf_counter() - start < seconds:
                self._guarded(phase, rng.choices(kinds, weights)[0])

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.durations[phase] = time.perf_counter() - start

    def _guarded(self, phase: str, kind: str, scheduled: float | None = None) -> None:
        try:
            self.one(phase, kind, scheduled)
        except Exception as exc:  # a bug in the load generator must show, not hang
            with self.lock:
                self.records.setdefault(phase, []).append(
                    {
                        "kind": kind,
                        "t": 0,
                        "status": -1,
                        "ok": False,
                        "ms": 0,
                        "attempts": 1,
                        "statuses": [repr(exc)[:200]],
                    }  # fmt: skip
                )

    # -- what happened -------------------------------------------------------------------
    def report(self, phase: str, until: float | None = None) -> dict:
        records = [r for r in self.records.get(phase, []) if until is None or r["t"] < until]
        seconds = until or self.durations.get(phase, 1.0)
        kinds: dict[str, dict] = {}
        for name in sorted({_kind_name(r["kind"]) for r in records}):
            mine = [r for r in records if _kind_name(r["kind"]) == name]
            statuses: dict[str, int] = {}
            for r in mine:
                statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
            kinds[name] = {
                "requests": len(mine),
                "ok": sum(r["ok"] for r in mine),
                "errors": sum(not r["ok"] for r in mine),
                "retried": sum(r["attempts"] > 1 for r in mine),
                "statuses": statuses,
                **summary([r["ms"] for r in mine if r["ok"]]),
            }
        ok = sum(r["ok"] for r in records)
        return {
            "seconds": round(seconds, 1),
            "kinds": kinds,
            "total": {
                "requests": len(records),
                "ok": ok,
                "errors": len(records) - ok,
                "retried": sum(r["attempts"] > 1 for r in records),
                "per_s": round(ok / seconds, 2),
                **summary([r["ms"] for r in records if r["ok"]]),
            },
        }

    def phases(self) -> list[str]:
        return list(self.records)

    def failed(self, phase: str) -> list[str]:
        return [
            f"{r['kind']} at {r['t']} s: {r['status']} after {r['statuses']}"
            for r in self.records[phase]
            if not r["ok"]
        ]

    def retried_examples(self) -> list[dict]:
        return [
            {"phase": phase, "kind": r["kind"], "t": r["t"], "statuses": r["statuses"]}
            for phase, records in self.records.items()
            for r in records
            if r["attempts"] > 1
        ][:20]

    def keys(self, kind: str) -> tuple[set, set]:
        return self.sent.get(kind, set()), self.acked.get(kind, set())

    def count(self) -> int:
        return sum(len(r) for r in self.records.values())


def _kind_name(kind: str) -> str:
    return "class_check" if kind.endswith("_check") else kind
