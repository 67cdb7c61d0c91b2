"""Every page route, classified: what each persona gets on GET. A new route fails
``test_every_page_route_is_classified`` until it is added here."""

import pytest
from django.urls import get_resolver, reverse

from tests.nothing_written import changed_counts, row_counts
from tests.pages import (
    duty_matrix_my,
    duty_matrix_rest,
    duty_matrix_rosters,
    duty_matrix_setup,
    duty_matrix_swaps,
    health_matrix_board,
    health_matrix_care,
    health_matrix_centres,
    health_matrix_chronic,
    health_matrix_contracts,
    reports_matrix_board,
    reports_matrix_daily,
    school_matrix_absences,
    school_matrix_checks,
    school_matrix_daily,
    school_matrix_ledgers,
    school_matrix_reports,
    school_matrix_setup,
    services_matrix,
    supplies_matrix_campaigns,
    supplies_matrix_stock,
    volunteers_matrix,
)
from tests.personas import HEALTH_PERSONAS, PERSONAS, SCHOOL_PERSONAS

ANONYMOUS = "anonymous"
ALL = [*PERSONAS, ANONYMOUS]
MANAGERS = {"admin_user", "district_officer", "street_officer", "community_staff", "outsider"}
COVER_GRID_A = {"admin_user", "district_officer", "street_officer", "community_staff"}


def _expect(default, **by_persona):
    table = dict.fromkeys(ALL, default)
    table[ANONYMOUS] = 302
    table.update(by_persona)
    return table


def _for(personas, inside, outside):
    return {p: (inside if p in personas else outside) for p in PERSONAS}


GRID_A_PAGE = _expect(404, **_for(COVER_GRID_A | {"grid_worker"}, 200, 404))
# The health centre's people read the registry of the communities they serve (masked; the
# doctor and the manager may reveal with a reason, the nurse may not), and change nothing.
GRID_A_READ = _expect(404, **_for(COVER_GRID_A | {"grid_worker"} | HEALTH_PERSONAS, 200, 404))
HEALTH_REVEALERS = {"family_doctor", "centre_manager"}
# Neither schools nor the health centre keep gates or follow key persons up.
NO_RESIDENT_WORK = SCHOOL_PERSONAS | HEALTH_PERSONAS
POST_ONLY = _expect(405)


# ledgers: import
IMPORTERS = MANAGERS | {"grid_worker", "neighbour_worker"}


def _import_job(w):
    """A checked ledger import into grid A, with an error report to download."""
    from shoumen.ledgers.import_files import REPORT_CONTEXT, seal
    from shoumen.ledgers.models import ImportJob, ImportStatus

    return ImportJob.objects.create(
        org_unit=w.grid_a,
        created_by=w.community_staff,
        filename="台账.xlsx",
        data=b"",
        headers=["姓名"],
        mapping={"姓名": "name"},
        status=ImportStatus.CHECKED,
        counts={"new": 1, "updated": 0, "unchanged": 0, "bad": 1},
        error_report=seal(b"report", context=REPORT_CONTEXT),
    )


# ledgers: import (end)

# observation and alerts: pages
FOLLOW_UP = set(PERSONAS) - {"volunteer"} - NO_RESIDENT_WORK
# Those who handle school alerts see the alert list (school alerts only); the health
# centre's people see it with their patients' alerts only.
SCHOOL_ALERTS = {"school_doctor", "principal", "education_officer", "cdc_officer"}
FOLLOW_UP_PAGE = _expect(403, **_for(FOLLOW_UP, 200, 403))
RECEIVERS = {"admin_user", "district_officer", "street_officer"}  # of community C2


def _observation(w):
    """An active observation of 单明 in grid A."""
    from shoumen.observation.models import Kind, Observation, Reason
    from shoumen.observation.services import observation_start

    found = Observation.objects.filter(person=w.shan, status="active").first()
    return found or observation_start(
        actor=w.admin_user, person=w.shan, kind=Kind.HOME_MONITORING, reason=Reason.OTHER
    )


def _transfer(w):
    """曾丽's observation in grid A, waiting for community C2 to accept it."""
    from shoumen.observation.models import Kind, Observation, Reason
    from shoumen.observation.services import observation_start, observation_transfer_request

    found = Observation.objects.filter(person=w.zeng, transfer_to__isnull=False).first()
    if found is not None:
        return found
    obs = observation_start(
        actor=w.admin_user, person=w.zeng, kind=Kind.HOME_MONITORING, reason=Reason.OTHER
    )
    return observation_transfer_request(
        actor=w.admin_user, observation=obs, to_community=w.unit("C2"), reason="搬到女儿家"
    )


def _alert(w):
    from shoumen.alerts.models import Cause
    from shoumen.alerts.services import alert_raise

    alert, _ = alert_raise(person=w.shan, cause=Cause.FEVER, details={"temperature": "37.8"})
    return alert


# observation and alerts: pages (end)


def _note(w):
    """A message in the grid worker's inbox: only the grid worker may mark it read."""
    from shoumen.alerts.models import Notification

    return Notification.objects.create(recipient=w.grid_worker, title="提醒")


# observation: boards and self-report links
EVERYONE_200 = dict.fromkeys(ALL, 200)


def _report_link(w):
    """A live self-report link for 单明 (observed), made once per test."""
    from shoumen.observation.links import report_link_issue
    from shoumen.observation.models import ReportLink

    link = ReportLink.objects.filter(holder=w.shan).first()
    if link is None:
        _observation(w)
        link = report_link_issue(actor=w.admin_user, holder=w.shan, subjects=[w.shan])
    return link


def _report_token(w):
    from shoumen.observation.links import report_link_token

    return report_link_token(_report_link(w))


# observation: boards and self-report links (end)
# checkpoints: pages
# Who acts at grid A's community's posts: its volunteer and those above it.
AT_C1_POSTS = COVER_GRID_A | {"volunteer"}
PASS_KEEPERS = MANAGERS | {"grid_worker", "neighbour_worker"}
VISITOR_UUID = "8e0c7a52-51a4-4f0e-9d53-3c1f7d7c0b11"
# checkpoints: scan
SCANNERS = {"admin_user", "district_officer", "street_officer", "community_staff", "volunteer"}


def _gate(w):
    from shoumen.checkpoints.models import Checkpoint

    return Checkpoint.objects.get_or_create(community=w.community, name="北门")[0]


def _visitor(w):
    from shoumen.checkpoints.visitor_services import visitor_register

    return visitor_register(
        actor=None,
        checkpoint=_gate(w),
        client_uuid=VISITOR_UUID,
        name="访客甲",
        phone="13912345678",
        visiting="5号楼2单元301",
        reason="探望老人",
    )


def _with_pass(w):
    from shoumen.checkpoints.models import Pass
    from shoumen.checkpoints.services import pass_issue

    if not Pass.objects.filter(person=w.shan).exists():
        pass_issue(actor=w.admin_user, person=w.shan)
    return [w.shan.pk]


AT_GATE = _expect(404, **_for(AT_C1_POSTS, 200, 404))
MANAGE_GATE = _expect(404, **_for(COVER_GRID_A, 200, 404))
# checkpoints: pages (end)
# screening
VISITORS = COVER_GRID_A | {"grid_worker", "neighbour_worker", "outsider"}
ROUND_C1 = COVER_GRID_A | {"grid_worker", "neighbour_worker"}
SCREENING_MANAGERS = COVER_GRID_A


def _round(w):
    """A screening round over community C1 (grid A and grid B)."""
    import datetime

    from shoumen.screening.models import ScreeningRound
    from shoumen.screening.services import round_create

    existing = ScreeningRound.objects.filter(name="矩阵轮次").first()
    if existing is not None:
        return existing
    day = datetime.date(2026, 11, 20)
    return round_create(
        actor=w.community_staff, scope=w.community, name="矩阵轮次", starts_on=day, ends_on=day
    )


def _task_a(w):
    return _round(w).tasks.get(household=w.household_a)


def _visit_a(w):
    import uuid

    from shoumen.screening.services import visit_record

    task = _task_a(w)
    visit = task.visits.first()
    if visit is None:
        visit, _created = visit_record(
            actor=w.grid_worker,
            task=task,
            client_uuid=uuid.uuid4(),
            outcome="visited",
            method="in_person",
        )
    return visit


# screening (end)
# checkpoints: scan (end)

ROUTES = {
    "home": (lambda w: [], _expect(200)),
    "accounts:login": (lambda w: [], _expect(302, anonymous=200)),
    "accounts:logout": (lambda w: [], _expect(405, anonymous=405)),
    "accounts:user_list": (lambda w: [], _expect(403, **_for(MANAGERS, 200, 403))),
    "accounts:user_new": (lambda w: [], _expect(403, **_for(MANAGERS, 200, 403))),
    "accounts:user_detail": (
        lambda w: [w.grid_worker.pk],
        _expect(403, **_for(MANAGERS, 200, 403) | {"outsider": 404}),
    ),
    "accounts:user_grant": (lambda w: [w.grid_worker.pk], POST_ONLY),
    "accounts:user_revoke": (
        lambda w: [w.grid_worker.pk, w.grid_worker.assignments.get().pk],
        POST_ONLY,
    ),
    "accounts:user_active": (lambda w: [w.grid_worker.pk], POST_ONLY),
    "places:tree": (
        lambda w: [],
        _expect(200, volunteer=403, **dict.fromkeys(SCHOOL_PERSONAS, 403)),
    ),
    "places:unit": (
        lambda w: [w.community.pk],
        _expect(404, **_for(COVER_GRID_A | HEALTH_PERSONAS, 200, 404)),
    ),
    "places:unit_create_child": (lambda w: [w.community.pk], _expect(404, admin_user=302)),
    "places:unit_rename": (lambda w: [w.community.pk], _expect(404, admin_user=302)),
    "places:unit_move": (lambda w: [w.community.pk], _expect(404, admin_user=302)),
    "registry:search": (lambda w: [], _expect(200)),
    "registry:grid": (lambda w: [w.grid_a.pk], GRID_A_READ),
    "registry:building_new": (lambda w: [w.grid_a.pk], GRID_A_PAGE),
    "registry:household_new": (lambda w: [w.grid_a.pk], GRID_A_PAGE),
    "registry:household": (lambda w: [w.household_a.pk], GRID_A_READ),
    "registry:household_edit": (lambda w: [w.household_a.pk], GRID_A_PAGE),
    "registry:person_new": (lambda w: [w.household_a.pk], GRID_A_PAGE),
    "registry:person": (lambda w: [w.shan.pk], GRID_A_READ),
    "registry:person_edit": (lambda w: [w.shan.pk], GRID_A_PAGE),
    "registry:person_history": (lambda w: [w.shan.pk], GRID_A_READ),
    "registry:person_move": (lambda w: [w.shan.pk], GRID_A_PAGE),
    "registry:person_status": (lambda w: [w.shan.pk], GRID_A_PAGE),
    "registry:person_merge": (lambda w: [w.shan.pk], GRID_A_PAGE),
    "registry:person_reveal": (lambda w: [w.shan.pk], POST_ONLY),
    # ledgers: export
    "ledgers:export": (lambda w: [], _expect(403, **_for(MANAGERS, 200, 403))),
    # ledgers: import
    "ledgers:import_start": (lambda w: [], _expect(403, **_for(IMPORTERS, 200, 403))),
    "ledgers:import_template": (lambda w: [], _expect(403, **_for(IMPORTERS, 200, 403))),
    "ledgers:import_job": (lambda w: [_import_job(w).pk], GRID_A_PAGE),
    "ledgers:import_progress": (lambda w: [_import_job(w).pk], GRID_A_PAGE),
    "ledgers:import_mapping": (lambda w: [_import_job(w).pk], POST_ONLY),
    "ledgers:import_confirm": (lambda w: [_import_job(w).pk], POST_ONLY),
    "ledgers:import_errors": (lambda w: [_import_job(w).pk], GRID_A_PAGE),
    # ledgers: import (end)
    # observation and alerts: pages
    "observation:today": (lambda w: [], FOLLOW_UP_PAGE),
    "observation:today_report": (lambda w: [_observation(w).pk], POST_ONLY),
    "observation:today_temperature": (lambda w: [_observation(w).pk], GRID_A_PAGE),
    "observation:today_undo": (lambda w: [_observation(w).pk], POST_ONLY),
    "observation:call": (lambda w: [], POST_ONLY),
    "observation:list": (lambda w: [], FOLLOW_UP_PAGE),
    "observation:bulk": (lambda w: [], FOLLOW_UP_PAGE),
    "observation:transfers": (lambda w: [], FOLLOW_UP_PAGE),
    "observation:detail": (lambda w: [_observation(w).pk], GRID_A_PAGE),
    "observation:complete": (lambda w: [_observation(w).pk], GRID_A_PAGE),
    "observation:close": (lambda w: [_observation(w).pk], GRID_A_PAGE),
    "observation:extend": (lambda w: [_observation(w).pk], GRID_A_PAGE),
    "observation:assign": (lambda w: [_observation(w).pk], GRID_A_PAGE),
    "observation:transfer": (lambda w: [_observation(w).pk], GRID_A_PAGE),
    "observation:transfer_cancel": (lambda w: [_transfer(w).pk], GRID_A_PAGE),
    "observation:transfer_accept": (
        lambda w: [_transfer(w).pk],
        _expect(404, **_for(RECEIVERS, 200, 404)),
    ),
    "observation:start": (lambda w: [w.shan.pk], GRID_A_PAGE),
    "alerts:list": (
        lambda w: [],
        _expect(403, **_for(FOLLOW_UP | SCHOOL_ALERTS | HEALTH_PERSONAS, 200, 403)),
    ),
    "alerts:detail": (lambda w: [_alert(w).pk], GRID_A_PAGE),
    "alerts:acknowledge": (lambda w: [_alert(w).pk], POST_ONLY),
    "alerts:resolve": (lambda w: [_alert(w).pk], POST_ONLY),
    # observation and alerts: pages (end)
    # alerts: inbox, rules; observation ledgers
    "inbox:list": (lambda w: [], _expect(200)),
    "inbox:read": (lambda w: [_note(w).pk], POST_ONLY),
    "inbox:read_all": (lambda w: [], POST_ONLY),
    "alert_rules:edit": (lambda w: [], _expect(403, admin_user=200)),
    "observation_ledgers:download": (lambda w: [], _expect(403, **_for(MANAGERS, 200, 403))),
    # alerts: inbox, rules; observation ledgers (end)
    # observation: boards and self-report links
    "boards:board": (lambda w: [w.community.pk], _expect(404, **_for(COVER_GRID_A, 200, 404))),
    "links:person": (lambda w: [w.shan.pk], GRID_A_PAGE),
    "links:issue": (lambda w: [w.shan.pk], POST_ONLY),
    "links:regenerate": (lambda w: [_report_link(w).pk], POST_ONLY),
    "links:revoke": (lambda w: [_report_link(w).pk], POST_ONLY),
    "links:card": (lambda w: [_report_link(w).pk], GRID_A_PAGE),
    "links:qr_png": (lambda w: [_report_link(w).pk], GRID_A_PAGE),
    "links:qr_svg": (lambda w: [_report_link(w).pk], GRID_A_PAGE),
    "links:self_report": (lambda w: [_report_token(w)], EVERYONE_200),
    # observation: boards and self-report links (end)
    # checkpoints: pages
    "checkpoints:list": (lambda w: [], _expect(200, **dict.fromkeys(NO_RESIDENT_WORK, 403))),
    "checkpoints:new": (lambda w: [w.community.pk], MANAGE_GATE),
    "checkpoints:detail": (lambda w: [_gate(w).pk], AT_GATE),
    "checkpoints:edit": (lambda w: [_gate(w).pk], MANAGE_GATE),
    "checkpoints:poster": (lambda w: [_gate(w).pk], MANAGE_GATE),
    "checkpoints:visitors": (lambda w: [_gate(w).pk], AT_GATE),
    "checkpoints:visitor_new": (lambda w: [_gate(w).pk], AT_GATE),
    "checkpoints:visitor_leave": (lambda w: [_visitor(w).pk], POST_ONLY),
    "checkpoints:visitor_reveal": (lambda w: [_visitor(w).pk], POST_ONLY),
    "checkpoints:traffic": (lambda w: [_gate(w).pk], AT_GATE),
    "checkpoints:handover": (lambda w: [_gate(w).pk], AT_GATE),
    "checkpoints:ledger": (lambda w: [_gate(w).pk], AT_GATE),
    "checkpoints:passes": (lambda w: [], _expect(403, **_for(PASS_KEEPERS, 200, 403))),
    "checkpoints:passes_issue": (lambda w: [], POST_ONLY),
    "checkpoints:person_pass": (lambda w: [w.shan.pk], GRID_A_PAGE),
    "checkpoints:person_pass_issue": (lambda w: [w.shan.pk], POST_ONLY),
    "checkpoints:person_pass_revoke": (_with_pass, POST_ONLY),
    "checkpoints:person_pass_restore": (_with_pass, POST_ONLY),
    "checkpoints:person_pass_card": (lambda w: [*_with_pass(w), "png"], GRID_A_PAGE),
    "checkpoints:visitor_self": (lambda w: [_gate(w).visitor_key], _expect(200, anonymous=200)),
    # checkpoints: pages (end)
    # screening
    "screening:rounds": (lambda w: [], _expect(403, **_for(VISITORS, 200, 403))),
    "screening:round_new": (lambda w: [], _expect(403, **_for(MANAGERS, 200, 403))),
    "screening:round": (lambda w: [_round(w).pk], _expect(404, **_for(ROUND_C1, 200, 404))),
    "screening:round_questions": (lambda w: [_round(w).pk], POST_ONLY),
    "screening:round_close": (lambda w: [_round(w).pk], POST_ONLY),
    "screening:tasks": (lambda w: [_round(w).pk], _expect(404, **_for(ROUND_C1, 200, 404))),
    "screening:reassign": (lambda w: [_round(w).pk], POST_ONLY),
    "screening:coverage": (lambda w: [_round(w).pk], _expect(404, **_for(ROUND_C1, 200, 404))),
    "screening:ledger": (
        lambda w: [_round(w).pk],
        _expect(404, **_for(SCREENING_MANAGERS, 200, 404)),
    ),
    "screening:visit_new": (lambda w: [_task_a(w).pk], GRID_A_PAGE),
    "screening:visit": (lambda w: [_visit_a(w).pk], GRID_A_PAGE),
    "screening:visit_observe": (lambda w: [_visit_a(w).pk], POST_ONLY),
    # screening (end)
    # checkpoints: scan
    "checkpoint_scan:scan": (lambda w: [_gate(w).pk], _expect(404, **_for(SCANNERS, 200, 404))),
    "checkpoint_scan:service_worker": (lambda w: [], _expect(200, anonymous=200)),
    # checkpoints: scan (end)
}

PAGE_NAMESPACES = (
    "duty",
    "supplies",
    "campaigns",
    "services",
    "volunteers",
    "schools",
    "reports",
    "accounts",
    "places",
    "registry",
    "ledgers",
    "observation",
    "alerts",
    "inbox",
    "alert_rules",
    "observation_ledgers",
    "boards",
    "links",
    "checkpoints",
    "screening",
    "checkpoint_scan",
    "health",
)


def _page_route_names():
    resolver = get_resolver()
    names = {"home"}
    for namespace in PAGE_NAMESPACES:
        _, sub = resolver.namespace_dict[namespace]
        names |= {f"{namespace}:{name}" for name in sub.reverse_dict if isinstance(name, str)}
    return names


def test_every_page_route_is_classified():
    assert _page_route_names() == set(ROUTES)


@pytest.mark.parametrize("persona", ALL)
def test_page_matrix(world, client, persona):
    if persona != ANONYMOUS:
        client.force_login(getattr(world, persona))
    got = {}
    for name, (args, _) in ROUTES.items():
        got[name] = client.get(reverse(name, args=args(world))).status_code
    assert got == {name: expected[persona] for name, (_, expected) in ROUTES.items()}


# What an empty POST gets. Read-only pages refuse the method before looking anything up;
# forms answer 400 with their errors inside the actor's scope and 404 outside it. User
# actions that change state on an empty POST (revoke, activate, logout) are covered one by
# one in test_user_pages.py.
READ_ONLY = _expect(405)
GRID_A_FORM = _expect(404, **_for(COVER_GRID_A | {"grid_worker"}, 400, 404))
UNIT_FORM = _expect(404, admin_user=400)
MANAGER_FORM = _expect(403, **_for(MANAGERS, 400, 403))

POST_ROUTES = {
    "home": READ_ONLY,
    "accounts:user_list": READ_ONLY,
    "accounts:user_new": MANAGER_FORM,
    "accounts:user_detail": READ_ONLY,
    "accounts:user_grant": _expect(403, **_for(MANAGERS, 400, 403) | {"outsider": 404}),
    "places:tree": READ_ONLY,
    "places:unit": READ_ONLY,
    "places:unit_create_child": UNIT_FORM,
    "places:unit_rename": UNIT_FORM,
    "places:unit_move": UNIT_FORM,
    "registry:search": _expect(302),  # the search form posts, answered by a redirect
    "registry:grid": READ_ONLY,
    "registry:building_new": GRID_A_FORM,
    "registry:household_new": GRID_A_FORM,
    "registry:household": READ_ONLY,
    "registry:household_edit": GRID_A_FORM,
    "registry:person_new": GRID_A_FORM,
    "registry:person": READ_ONLY,
    "registry:person_edit": GRID_A_FORM,
    "registry:person_history": READ_ONLY,
    "registry:person_move": GRID_A_FORM,
    "registry:person_status": GRID_A_FORM,
    "registry:person_merge": GRID_A_FORM,
    "registry:person_reveal": _expect(
        404, **_for(COVER_GRID_A | {"grid_worker"} | HEALTH_REVEALERS, 422, 404)
    ),
    # ledgers: export
    "ledgers:export": MANAGER_FORM,
    # ledgers: import
    "ledgers:import_start": _expect(403, **_for(IMPORTERS, 400, 403)),
    "ledgers:import_template": READ_ONLY,
    "ledgers:import_job": READ_ONLY,
    "ledgers:import_progress": READ_ONLY,
    "ledgers:import_mapping": GRID_A_FORM,
    "ledgers:import_confirm": GRID_A_FORM,
    "ledgers:import_errors": READ_ONLY,
    # ledgers: import (end)
    # observation and alerts: pages
    "observation:today": READ_ONLY,
    "observation:today_report": GRID_A_FORM,
    "observation:today_temperature": GRID_A_FORM,
    "observation:today_undo": GRID_A_FORM,
    "observation:call": _expect(400, volunteer=403, **dict.fromkeys(NO_RESIDENT_WORK, 403)),
    "observation:list": READ_ONLY,
    "observation:bulk": _expect(403, **_for(FOLLOW_UP, 400, 403)),
    "observation:transfers": READ_ONLY,
    "observation:detail": READ_ONLY,
    "observation:close": GRID_A_FORM,
    "observation:extend": GRID_A_FORM,
    "observation:assign": GRID_A_FORM,
    "observation:transfer": GRID_A_FORM,
    "observation:transfer_cancel": GRID_A_FORM,
    "observation:transfer_accept": _expect(404, **_for(RECEIVERS, 400, 404)),
    "observation:start": GRID_A_FORM,
    "alerts:list": READ_ONLY,
    "alerts:detail": READ_ONLY,
    "alerts:resolve": GRID_A_FORM,
    # observation and alerts: pages (end)
    # alerts: inbox, rules; observation ledgers
    "inbox:list": READ_ONLY,
    "alert_rules:edit": _expect(403, admin_user=400),
    "observation_ledgers:download": MANAGER_FORM,
    # alerts: inbox, rules; observation ledgers (end)
    # observation: boards and self-report links
    "boards:board": READ_ONLY,
    "links:person": READ_ONLY,
    "links:issue": GRID_A_FORM,
    "links:revoke": GRID_A_FORM,
    "links:card": READ_ONLY,
    "links:qr_png": READ_ONLY,
    "links:qr_svg": READ_ONLY,
    # An empty report through a live link: the form's errors, for anyone holding it.
    "links:self_report": dict.fromkeys(ALL, 400),
    # observation: boards and self-report links (end)
    # checkpoints: pages
    "checkpoints:list": READ_ONLY,
    "checkpoints:new": _expect(404, **_for(COVER_GRID_A, 400, 404)),
    "checkpoints:detail": READ_ONLY,
    "checkpoints:edit": _expect(404, **_for(COVER_GRID_A, 400, 404)),
    "checkpoints:poster": READ_ONLY,
    "checkpoints:visitors": READ_ONLY,
    "checkpoints:visitor_new": _expect(404, **_for(AT_C1_POSTS, 400, 404)),
    # Marking a visitor's time out needs no input.
    "checkpoints:visitor_leave": _expect(404, **_for(AT_C1_POSTS, 302, 404)),
    # Revealing a visitor's contact needs a reason and the gates' right: volunteers may not,
    # nor the doctor and the manager, who may reveal residents' numbers in C1 only.
    "checkpoints:visitor_reveal": _expect(404, **_for(COVER_GRID_A, 422, 404)),
    "checkpoints:traffic": READ_ONLY,
    "checkpoints:handover": READ_ONLY,
    "checkpoints:ledger": READ_ONLY,
    "checkpoints:passes": READ_ONLY,
    "checkpoints:passes_issue": _expect(403, **_for(PASS_KEEPERS, 400, 403)),
    "checkpoints:person_pass": READ_ONLY,
    # Issuing needs no input: an empty POST issues the pass.
    "checkpoints:person_pass_issue": _expect(404, **_for(COVER_GRID_A | {"grid_worker"}, 302, 404)),
    "checkpoints:person_pass_revoke": GRID_A_FORM,
    "checkpoints:person_pass_restore": GRID_A_FORM,
    "checkpoints:person_pass_card": READ_ONLY,
    "checkpoints:visitor_self": _expect(400, anonymous=400),
    # checkpoints: pages (end)
    # screening
    "screening:rounds": READ_ONLY,
    "screening:round_new": MANAGER_FORM,
    "screening:round": READ_ONLY,
    "screening:round_questions": _expect(404, **_for(SCREENING_MANAGERS, 400, 404)),
    "screening:tasks": READ_ONLY,
    "screening:reassign": _expect(404, **_for(SCREENING_MANAGERS, 400, 404)),
    "screening:coverage": READ_ONLY,
    "screening:visit_new": GRID_A_FORM,
    "screening:visit": READ_ONLY,
    "screening:visit_observe": GRID_A_FORM,
    # screening (end)
    # checkpoints: scan
    "checkpoint_scan:scan": READ_ONLY,
    "checkpoint_scan:service_worker": _expect(405, anonymous=405),
    # checkpoints: scan (end)
}
# Covered one by one in tests/observation/test_observation_pages.py and
# tests/alerts/test_alert_pages.py.
CHANGE_ON_EMPTY_POST = {
    "inbox:read",  # the user's own message (covered in tests/alerts/test_inbox.py)
    "inbox:read_all",
    "accounts:login",
    "accounts:logout",
    "accounts:user_revoke",
    "accounts:user_active",
    "observation:complete",
    "alerts:acknowledge",
    # A new token on an empty POST; covered in tests/observation/test_links.py.
    "links:regenerate",
    # screening: closing a round and downloading its ledger (masked) need no fields
    "screening:round_close",
    "screening:ledger",
}


for _part in (
    school_matrix_checks,
    school_matrix_absences,
    school_matrix_reports,
    school_matrix_daily,
    school_matrix_ledgers,
    school_matrix_setup,
    reports_matrix_board,
    reports_matrix_daily,
    duty_matrix_setup,
    duty_matrix_rosters,
    duty_matrix_my,
    duty_matrix_swaps,
    duty_matrix_rest,
    supplies_matrix_stock,
    supplies_matrix_campaigns,
    services_matrix,
    volunteers_matrix,
    health_matrix_contracts,
    health_matrix_chronic,
    health_matrix_care,
    health_matrix_board,
    health_matrix_centres,
):
    ROUTES.update(_part.ROUTES)
    POST_ROUTES.update(_part.POST_ROUTES)


def test_every_page_route_has_a_post_expectation():
    assert set(POST_ROUTES) | CHANGE_ON_EMPTY_POST == set(ROUTES)


@pytest.mark.parametrize("persona", ALL)
def test_page_matrix_post(world, client, persona):
    if persona != ANONYMOUS:
        client.force_login(getattr(world, persona))
    from shoumen.alerts.rules import current_rules

    current_rules()  # the alert rules' row is made when first read, refused or not
    got, wrote = {}, {}
    for name in POST_ROUTES:
        args = ROUTES[name][0](world)
        before = row_counts()
        got[name] = client.post(reverse(name, args=args), {}).status_code
        # A refusal (wrong method, bad form, no access) writes no row anywhere.
        if got[name] >= 400 and (changed := changed_counts(before, row_counts())):
            wrote[name] = changed
    assert got == {name: expected[persona] for name, expected in POST_ROUTES.items()}
    assert wrote == {}


# The board of a district (rolled up by street): its officers and the admin only.
DISTRICT_BOARD = _expect(404, admin_user=200, district_officer=200)


@pytest.mark.parametrize("persona", ALL)
def test_district_board_matrix(world, client, persona):
    if persona != ANONYMOUS:
        client.force_login(getattr(world, persona))
    response = client.get(reverse("boards:board", args=[world.unit("D1").pk]))
    assert response.status_code == DISTRICT_BOARD[persona]
