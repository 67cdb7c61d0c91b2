import pytest
from django.urls import reverse

from shoumen.alerts.inbox import unread_count
from shoumen.alerts.models import Notification
from shoumen.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(world):
    return [
        Notification.objects.create(recipient=world.grid_worker, title=f"消息{i}") for i in range(3)
    ] + [Notification.objects.create(recipient=world.neighbour_worker, title="别人的消息")]


def test_the_inbox_lists_only_my_messages(world, login, notes):
    page = login(world.grid_worker).get(reverse("inbox:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "消息0" in body and "消息2" in body
    assert "别人的消息" not in body


def test_the_badge_shows_the_unread_count_on_every_page(world, login, notes):
    page = login(world.grid_worker).get(reverse("home"))
    assert 'data-testid="inbox-badge"' in page.content.decode()
    assert '<span class="badge text-bg-danger">3</span>' in page.content.decode()


def test_marking_one_read(world, login, notes):
    client = login(world.grid_worker)
    response = client.post(reverse("inbox:read", args=[notes[0].pk]))
    assert response.status_code == 302
    assert unread_count(world.grid_worker) == 2
    assert AuditEvent.objects.filter(action="inbox.read").count() == 1
    unread = client.get(reverse("inbox:list") + "?unread=1").content.decode()
    assert "消息0" not in unread and "消息1" in unread


def test_someone_elses_message_is_a_404(world, login, notes):
    response = login(world.grid_worker).post(reverse("inbox:read", args=[notes[3].pk]))
    assert response.status_code == 404
    assert unread_count(world.neighbour_worker) == 1


def test_marking_all_read(world, login, notes):
    login(world.grid_worker).post(reverse("inbox:read_all"))
    assert unread_count(world.grid_worker) == 0
    assert unread_count(world.neighbour_worker) == 1
