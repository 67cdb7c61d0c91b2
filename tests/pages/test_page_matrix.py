"""Every page route, classified: what each persona gets on GET. A new route fails
``test_every_page_route_is_classified`` until it is added here."""

import pytest
from django.urls import get_resolver, reverse

from tests.personas import PERSONAS

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
POST_ONLY = _expect(405)


# ledgers: import
IMPORTERS = MANAGERS | {"grid_worker", "neighbour_worker"}


def _import_job(w):
    """A checked ledger import into grid A, with an error report to download."""
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
        error_report=b"report",
    )


# ledgers: import (end)

# checkpoints: scan
SCANNERS = {"admin_user", "district_officer", "street_officer", "community_staff", "volunteer"}


def _gate(w):
    from shoumen.checkpoints.models import Checkpoint

    return Checkpoint.objects.get_or_create(community=w.community, name="北门")[0]


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
    "places:tree": (lambda w: [], _expect(200)),
    "places:unit": (
        lambda w: [w.community.pk],
        _expect(404, **_for(COVER_GRID_A, 200, 404)),
    ),
    "places:unit_create_child": (lambda w: [w.community.pk], _expect(404, admin_user=302)),
    "places:unit_rename": (lambda w: [w.community.pk], _expect(404, admin_user=302)),
    "places:unit_move": (lambda w: [w.community.pk], _expect(404, admin_user=302)),
    "registry:search": (lambda w: [], _expect(200)),
    "registry:grid": (lambda w: [w.grid_a.pk], GRID_A_PAGE),
    "registry:building_new": (lambda w: [w.grid_a.pk], GRID_A_PAGE),
    "registry:household_new": (lambda w: [w.grid_a.pk], GRID_A_PAGE),
    "registry:household": (lambda w: [w.household_a.pk], GRID_A_PAGE),
    "registry:household_edit": (lambda w: [w.household_a.pk], GRID_A_PAGE),
    "registry:person_new": (lambda w: [w.household_a.pk], GRID_A_PAGE),
    "registry:person": (lambda w: [w.shan.pk], GRID_A_PAGE),
    "registry:person_edit": (lambda w: [w.shan.pk], GRID_A_PAGE),
    "registry:person_history": (lambda w: [w.shan.pk], GRID_A_PAGE),
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
    # checkpoints: scan
    "checkpoint_scan:scan": (lambda w: [_gate(w).pk], _expect(404, **_for(SCANNERS, 200, 404))),
    "checkpoint_scan:service_worker": (lambda w: [], _expect(200, anonymous=200)),
    # checkpoints: scan (end)
}

PAGE_NAMESPACES = ("accounts", "places", "registry", "ledgers", "checkpoint_scan")


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
    "registry:search": READ_ONLY,
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
    "registry:person_reveal": _expect(404, **_for(COVER_GRID_A | {"grid_worker"}, 422, 404)),
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
    # checkpoints: scan
    "checkpoint_scan:scan": READ_ONLY,
    "checkpoint_scan:service_worker": _expect(405, anonymous=405),
    # checkpoints: scan (end)
}
CHANGE_ON_EMPTY_POST = {
    "accounts:login",
    "accounts:logout",
    "accounts:user_revoke",
    "accounts:user_active",
}


def test_every_page_route_has_a_post_expectation():
    assert set(POST_ROUTES) | CHANGE_ON_EMPTY_POST == set(ROUTES)


@pytest.mark.parametrize("persona", ALL)
def test_page_matrix_post(world, client, persona):
    if persona != ANONYMOUS:
        client.force_login(getattr(world, persona))
    got = {}
    for name in POST_ROUTES:
        args = ROUTES[name][0](world)
        got[name] = client.post(reverse(name, args=args), {}).status_code
    assert got == {name: expected[persona] for name, expected in POST_ROUTES.items()}
