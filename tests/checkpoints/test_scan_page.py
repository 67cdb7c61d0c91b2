import json
import re

import pytest
from django.urls import reverse

from shoumen.checkpoints.models import Checkpoint, VerdictReason
from shoumen.checkpoints.services import pass_issue
from tests.personas import ID_SHAN, PHONE_SHAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return Checkpoint.objects.create(community=world.community, name="北门")


def _config(response) -> dict:
    match = re.search(
        r'<script id="scan-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match is not None
    return json.loads(match.group(1))


def test_the_scan_page_carries_what_the_phone_needs_offline(login, world, gate):
    pass_issue(actor=world.grid_worker, person=world.shan)
    response = login(world.volunteer).get(reverse("checkpoint_scan:scan", args=[gate.pk]))
    config = _config(response)
    assert (config["checkpoint"], config["community"]) == (gate.pk, world.community.pk)
    assert config["urls"]["batch"] == "/api/v1/scans/batch"
    assert config["urls"]["sw"] == "/checkpoints/scan-sw.js"
    assert config["reasons"]["revoked"] == str(VerdictReason.REVOKED.label)
    assert "vendor/jsqr/jsQR.js" in response.content.decode()


def test_the_scan_page_shows_no_names_ids_or_phones(login, world, gate):
    pass_issue(actor=world.grid_worker, person=world.shan)
    body = login(world.volunteer).get(reverse("checkpoint_scan:scan", args=[gate.pk]))
    text = body.content.decode()
    assert "单明" not in text and ID_SHAN not in text and PHONE_SHAN not in text


def test_a_volunteer_cannot_open_another_communitys_scan_page(login, world):
    other = Checkpoint.objects.create(community=world.unit("C2"), name="南门")
    response = login(world.volunteer).get(reverse("checkpoint_scan:scan", args=[other.pk]))
    assert response.status_code == 404


def test_the_service_worker_is_served_as_script_from_the_checkpoints_path(client):
    response = client.get(reverse("checkpoint_scan:service_worker"))
    assert response["Content-Type"] == "text/javascript"
    assert response["Cache-Control"] == "no-cache"
    assert b"shoumen-scan-v1" in response.content
