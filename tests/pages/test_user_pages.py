from django.urls import reverse

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.accounts.services import ERR_USERNAME_FORMAT
from shoumen.audit.models import AuditEvent


def test_community_staff_lists_users_of_their_community_only(world, login):
    response = login(world.community_staff).get(reverse("accounts:user_list"))
    names = {u.username for u in response.context["page"]}
    assert {"grid_worker", "neighbour_worker", "volunteer", "community_staff"} <= names
    assert not names & {"outsider", "street_officer", "district_officer"}


def test_grid_worker_cannot_open_user_management(world, login):
    client = login(world.grid_worker)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_new")).status_code == 403


def test_user_out_of_scope_is_404(world, login):
    client = login(world.community_staff)
    response = client.get(reverse("accounts:user_detail", args=[world.outsider.pk]))
    assert response.status_code == 404


def test_create_user_with_bad_input_shows_field_errors_and_writes_nothing(world, login):
    client = login(world.community_staff)
    before = User.objects.count()
    response = client.post(
        reverse("accounts:user_new"),
        {
            "username": "a",
            "password": "123",
            "role": Role.GRID_WORKER,
            "org_unit": world.grid_a.pk,
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["username"] == [str(ERR_USERNAME_FORMAT)]
    assert "password" in form.errors
    assert User.objects.count() == before


def test_create_user_with_role_at_wrong_level_shows_org_unit_error(world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("accounts:user_new"),
        {
            "username": "new.worker",
            "password": "a-long-pass-phrase-2026",
            "role": Role.GRID_WORKER,
            "org_unit": world.community.pk,
        },
    )
    assert "org_unit" in response.context["form"].errors
    assert not User.objects.filter(username="new.worker").exists()


def test_community_staff_creates_a_grid_worker(world, login):
    client = login(world.community_staff)
    response = client.post(
        reverse("accounts:user_new"),
        {
            "username": "new.worker",
            "display_name": "新网格员",
            "password": "a-long-pass-phrase-2026",
            "role": Role.GRID_WORKER,
            "org_unit": world.grid_a.pk,
        },
    )
    created = User.objects.get(username="new.worker")
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user=created, role=Role.GRID_WORKER, org_unit=world.grid_a
    ).exists()
    assert AuditEvent.objects.filter(action="user.create", target_id=str(created.pk)).exists()


def test_community_staff_grants_and_revokes_a_role(world, login):
    client = login(world.community_staff)
    worker = world.grid_worker
    client.post(
        reverse("accounts:user_grant", args=[worker.pk]),
        {"role": Role.GRID_WORKER, "org_unit": world.grid_b.pk},
    )
    granted = RoleAssignment.objects.get(user=worker, org_unit=world.grid_b)
    client.post(reverse("accounts:user_revoke", args=[worker.pk, granted.pk]))
    assert not RoleAssignment.objects.filter(pk=granted.pk).exists()


def test_community_staff_deactivates_and_reactivates_a_worker(world, login):
    client = login(world.community_staff)
    worker = world.grid_worker
    client.post(reverse("accounts:user_active", args=[worker.pk]), {"active": "0"})
    worker.refresh_from_db()
    assert not worker.is_active
    client.post(reverse("accounts:user_active", args=[worker.pk]), {"active": "1"})
    worker.refresh_from_db()
    assert worker.is_active


def test_manager_cannot_change_a_peer_shown_in_the_list(world, login):
    client = login(world.street_officer)
    peer = User.objects.create_user("peer", password="x-long-pass-2026")
    RoleAssignment.objects.create(user=peer, role=Role.STREET_OFFICER, org_unit=world.street)
    page = client.get(reverse("accounts:user_detail", args=[peer.pk]))
    assert page.status_code == 200
    assert not page.context["manageable"]
    response = client.post(reverse("accounts:user_active", args=[peer.pk]), {"active": "0"})
    assert response.status_code == 404
    peer.refresh_from_db()
    assert peer.is_active


def test_user_list_query_count_does_not_grow_with_users(
    world, login, django_assert_max_num_queries
):
    client = login(world.community_staff)
    for i in range(15):
        user = User.objects.create_user(f"extra{i}", password="x-long-pass-2026")
        RoleAssignment.objects.create(user=user, role=Role.GRID_WORKER, org_unit=world.grid_a)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 200
