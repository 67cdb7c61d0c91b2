"""The soak's world: who sends what (tokens, links, sessions, the requests' bodies, made
before the clock starts) and, afterwards, the rows the database holds for what was sent.
Used only by bench/soak.py; runs inside its process, with Django set up on the primary."""

import datetime
import http.client
import http.cookies
import random
import re
import threading
import time
import uuid
from pathlib import Path

SEED = 7
FOLLOW_UP_COMMUNITIES = ("DEMO-S1-C2", "DEMO-S1-C3", "DEMO-S1-C4")
SELF_REPORT_COMMUNITIES = ("DEMO-S2-C1", "DEMO-S2-C2", "DEMO-S2-C3")
SCAN_COMMUNITY = "DEMO-S1-C1"
BOARD_LOGINS = {
    "district1": ["/boards/{district}/", "/reports/boards/{district}/"],
    "street1": ["/boards/{street}/", "/reports/boards/{street}/"],
    "community1": ["/boards/{community}/", "/reports/boards/{community}/", "/today/"],
}


class Queue:
    """Items handed out once each, from any thread."""

    def __init__(self, items: list):
        self.items, self.lock, self.next = items, threading.Lock(), 0

    def pop(self):
        with self.lock:
            if self.next >= len(self.items):
                return None
            self.next += 1
            return self.items[self.next - 1]

    def __len__(self) -> int:
        return len(self.items)


def _user(username: str, role: str, unit):
    from shoumen.accounts.models import RoleAssignment, User
    from shoumen.accounts.services import api_token_create

    user, created = User.objects.get_or_create(username=username, defaults={"display_name": "soak"})
    if created:
        RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
    return user, api_token_create(actor=None, user=user)[1]


class World:
    def __init__(self, port: int, tmp: Path):
        self.port, self.tmp = port, tmp
        self.rng = random.Random(SEED)  # noqa: S311 (bench data)
        self.counts: dict = {}

    # -- the requests ------------------------------------------------------------------
    def plan_class_checks(self) -> None:
        from shoumen.accounts.roles import Role
        from shoumen.lib.dates import today
        from shoumen.schools.models import ClassCheck, Pupil, School, SchoolClass

        day = today()
        tokens = {s.pk: _user(f"soak-school-{s.pk}", Role.SCHOOL_HEALTH_OFFICER, s.unit)[1]
                  for s in School.objects.select_related("unit")}  # fmt: skip
        roll: dict[int, int] = {}
        pending = set()
        for klass, returning in Pupil.objects.filter(active=True).values_list(
            "klass_id", "return_pending"
        ):
            roll[klass] = roll.get(klass, 0) + 1
            if returning:
                pending.add(klass)
        done = set(ClassCheck.objects.filter(date=day).values_list("klass_id", "session"))
        waves: dict[str, list] = {"morning": [], "noon": []}
        for klass, school in SchoolClass.objects.values_list("pk", "school_id"):
            for session, wave in waves.items():
                if klass in pending or (klass, session) in done or klass not in roll:
                    continue
                body = {"class_id": klass, "date": day.isoformat(), "session": session,
                        "present": roll[klass], "absences": [], "symptomatic": []}  # fmt: skip
                wave.append({"token": tokens[school], "body": body})
        for wave in waves.values():
            self.rng.shuffle(wave)
        self.morning, self.noon = Queue(waves["morning"]), Queue(waves["noon"])
        self.counts["class_checks_planned"] = {k: len(v) for k, v in waves.items()}
        self.counts["classes_skipped_return_pending"] = len(pending)

    def plan_follow_ups(self) -> None:
        from shoumen.accounts.roles import Role
        from shoumen.lib.dates import today
        from shoumen.observation.models import HealthReport
        from shoumen.places.models import Level, OrgUnit
        from shoumen.registry.models import Person

        day = today()
        days = [day - datetime.timedelta(days=n) for n in range(1, 7)]
        items = []
        for code in FOLLOW_UP_COMMUNITIES:
            community = OrgUnit.objects.get(code=code)
            for grid in OrgUnit.objects.filter(path__startswith=community.path, level=Level.GRID):
                token = _user(f"soak-grid-{grid.pk}", Role.GRID_WORKER, grid)[1]
                persons = list(
                    Person.objects.filter(grid=grid, status="resident").values_list("pk", flat=True)
                )
                taken = set(
                    HealthReport.objects.filter(person_id__in=persons, date__in=days).values_list(
                        "person_id", "date", "slot"
                    )
                )
                for person in persons:
                    for d in days:
                        for slot in ("am", "pm"):
                            if (person, d, slot) not in taken:
                                items.append((token, person, d.isoformat(), slot))
        self.rng.shuffle(items)
        self.follow_ups = Queue(items)
        self.counts["follow_up_slots_free"] = len(items)

    def plan_self_reports(self, needed: int) -> None:
        """Links for residents under observation (observations started here for more of
        them, as the demo observes a few hundred), each link used once, from its own
        loopback address (127.1.x.y), as phones on the street would be."""
        from django.db import connection
        from django.utils import timezone

        from shoumen.accounts.roles import Role
        from shoumen.lib.dates import today
        from shoumen.observation.links import report_link_issue, report_link_token
        from shoumen.observation.models import HealthReport, Observation
        from shoumen.places.models import OrgUnit
        from shoumen.registry.models import Person

        day = today()
        staff = {}
        candidates = []
        for code in SELF_REPORT_COMMUNITIES:
            community = OrgUnit.objects.get(code=code)
            staff[community.path] = _user(f"soak-staff-{community.pk}", Role.COMMUNITY_STAFF,
                                          community)[0]  # fmt: skip
            candidates += list(
                Person.objects.filter(grid__path__startswith=community.path, status="resident")
                .exclude(pk__in=HealthReport.objects.filter(date=day).values("person_id"))
                .values_list("pk", flat=True)
            )
        self.rng.shuffle(candidates)
        chosen = candidates[:needed]
        observed = set(
            Observation.objects.filter(person_id__in=chosen, status="active").values_list(
                "person_id", flat=True
            )
        )
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Observation._meta.db_table} (person_id, grid_id, kind, reason, "
                "risk_area, reason_note, starts_on, period_days, ends_on, status, "
                "status_changed_at, outcome_note, created_at, updated_at) "
                "SELECT id, grid_id, 'home_monitoring', 'other', '', 'soak', %s, 7, %s, "
                "'active', %s, '', %s, %s FROM registry_person WHERE id = ANY(%s)",
                [day, day + datetime.timedelta(days=6), now, now, now,
                 [p for p in chosen if p not in observed]],
            )  # fmt: skip
        items = []
        for n, person in enumerate(Person.objects.filter(pk__in=chosen).select_related("grid")):
            actor = next(u for path, u in staff.items() if person.grid.path.startswith(path))
            link = report_link_issue(actor=actor, holder=person, subjects=[person])
            address = f"127.1.{n // 250}.{n % 250 + 1}"
            items.append({"token": report_link_token(link), "address": address})
        self.self_reports = Queue(items)
        self.counts["self_report_links"] = len(items)

    def plan_scans(self) -> None:
        from shoumen.accounts.roles import Role
        from shoumen.checkpoints import signing
        from shoumen.checkpoints.models import Checkpoint, Pass
        from shoumen.places.models import OrgUnit

        community = OrgUnit.objects.get(code=SCAN_COMMUNITY)
        self.checkpoint = Checkpoint.objects.filter(community=community).order_by("pk").first()
        self.volunteer_token = _user("soak-volunteer", Role.CHECKPOINT_VOLUNTEER, community)[1]
        fields = ("pk", "person_id", "community_id", "valid_until", "version")
        passes = Pass.objects.filter(community=community, status="valid").values_list(*fields)
        self.pass_tokens = [signing.sign(signing.PassClaims(*row)) for row in passes]
        self.counts["passes"] = len(self.pass_tokens)

    def scan_body(self) -> tuple[dict, list[str]]:
        rows = [
            {"client_uuid": str(uuid.uuid4()), "token": self.rng.choice(self.pass_tokens),
             "direction": self.rng.choice(["in", "out"]), "temperature": "36.4"}
            for _ in range(self.rng.randint(1, 3))
        ]  # fmt: skip
        return {"checkpoint": self.checkpoint.pk, "rows": rows}, [r["client_uuid"] for r in rows]

    def plan_boards(self, password: str) -> None:
        from shoumen.places.models import OrgUnit

        units = {
            "district": OrgUnit.objects.get(code="DEMO").pk,
            "street": OrgUnit.objects.get(code="DEMO-S1").pk,
            "community": OrgUnit.objects.get(code="DEMO-S1-C1").pk,
        }
        self.boards = []
        for username, paths in BOARD_LOGINS.items():
            cookie = self.login(username, password)
            self.boards += [(cookie, p.format(**units)) for p in paths]

    def login(self, username: str, password: str) -> str:
        """A session cookie, logged in through nginx as a browser would."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", "/login/")
        page = conn.getresponse()
        html = page.read().decode()
        jar = http.cookies.SimpleCookie()
        for header in page.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = f"csrfmiddlewaretoken={token}&username={username}&password={password}"
        conn.request("POST", "/login/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken'].value}",
        })  # fmt: skip
        answer = conn.getresponse()
        answer.read()
        for header in answer.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        conn.close()
        if answer.status != 302 or "sessionid" not in jar:
            raise RuntimeError(f"login as {username} answered {answer.status}")
        return f"sessionid={jar['sessionid'].value}"

    def plan_ledger(self, rows: int) -> None:
        import ledger_import

        from shoumen.accounts.roles import Role

        self.ledger_path = self.tmp / "居民台账.xlsx"
        self.ledger_made = ledger_import.build_ledger(self.ledger_path, rows=rows, bad_share=0.0)
        self.ledger_community, _grids = ledger_import._units()
        self.ledger_user = _user("soak-ledger", Role.COMMUNITY_STAFF, self.ledger_community)[0]

    def static_check(self) -> int:
        from django.contrib.staticfiles import finders

        name = "vendor/htmx/htmx.min.js" if finders.find("vendor/htmx/htmx.min.js") else None
        if name is None:
            return 0
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", f"/static/{name}")
        response = conn.getresponse()
        response.read()
        return response.status

    def describe(self) -> dict:
        from shoumen.demo.load import demo_counts, demo_district

        return {"demo": demo_counts(demo_district()), "planned": self.counts,
                "ledger": self.ledger_made}  # fmt: skip

    # -- afterwards ----------------------------------------------------------------------
    def account(self, load, faults) -> dict:
        """Rows in the database for the client UUIDs sent, against the acknowledged."""
        from shoumen.checkpoints.models import Scan
        from shoumen.observation.models import HealthReport
        from shoumen.registry.models import Person
        from shoumen.schools.models import ClassCheck

        def compare(kind: str, queryset, acked: set, sent: set) -> dict:
            found = list(
                queryset.filter(client_uuid__in=sent).values_list("client_uuid", flat=True)
            )
            found_set = {str(u) for u in found}
            return {
                "sent": len(sent),
                "acknowledged": len(acked),
                "written": len(found),
                "acknowledged_not_written": len(acked - found_set),
                "written_twice": len(found) - len(found_set),
                "written_not_acknowledged": len(found_set - acked),
                "equal": len(found) == len(acked) and acked == found_set,
            }

        rows = {}
        for kind, model in (("class_check", ClassCheck), ("follow_up", HealthReport),
                            ("self_report", HealthReport), ("scan", Scan)):  # fmt: skip
            sent, acked = load.keys(kind)
            rows[kind] = compare(kind, model.objects, acked, sent)
        job = faults.ledger_job
        if job is not None:
            job.refresh_from_db()
            community = self.ledger_community.path
            written = Person.objects.filter(grid__path__startswith=community).count()
            acked = int(job.counts.get("new", 0)) if job.status == "done" else 0
            rows["ledger_import"] = {
                "file_rows": self.ledger_made["rows"],
                "bad_rows_left_out": job.counts.get("bad"),
                "job_status": job.status,
                "acknowledged": acked,
                "written": written,
                "equal": job.status == "done" and written == acked,
            }
        return rows


def plan_world(args, port: int, password: str, tmp: Path) -> World:
    began = time.monotonic()
    world = World(port, tmp)
    seconds = args.minutes * 60 + args.one_node_minutes * 60 + 30  # and the warm-up
    world.plan_class_checks()
    world.plan_follow_ups()
    world.plan_self_reports(int(seconds * 0.8 * 1.3) + 20)
    world.plan_scans()
    world.plan_boards(password)
    world.plan_ledger(args.ledger_rows)
    world.counts["planning_s"] = round(time.monotonic() - began, 1)
    print(f"world planned in {world.counts['planning_s']} s: {world.counts}")
    return world
