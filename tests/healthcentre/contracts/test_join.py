"""The public sign-up page behind a team's QR code: identity checked against the registry
(name and ID number, or name and phone), one generic message for any mismatch, a
household signed up at once, an unknown or replaced code a 404."""

import pytest

from shoumen.audit.models import AuditEvent
from shoumen.healthcentre.contract_services import contract_sign
from shoumen.healthcentre.join_views import ERR_IDENTITY
from shoumen.healthcentre.models import Contract, ContractStatus
from tests.personas import ID_NEIGHBOUR, ID_OUTSIDER, ID_SHAN, ID_ZENG, PHONE_SHAN

pytestmark = pytest.mark.django_db
URL = "/health/join/team-a-token/"


def _identify(client, **body):
    return client.post(URL, {"step": "identify", **body})


def test_page_names_the_team_and_its_phone(world, client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "光华一队" in response.content.decode() and "010-65120001" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_unknown_code_is_a_404(world, client):
    assert client.get("/health/join/no-such-code/").status_code == 404


def test_a_resident_with_name_and_id_number_signs_up_the_household(world, client):
    response = _identify(client, name="单明", id_number=ID_SHAN.lower())
    assert response.status_code == 200
    assert response.context["step"] == "sign"
    labels = dict(response.context["form"].fields["members"].choices)
    # The household's residents, masked: 单明, 曾丽, 单小宝.
    assert len(labels) == 3 and all("*" in label for label in labels.values())
    assert "单明" not in response.content.decode().split("join-sign")[1]
    members = [world.shan.pk, world.zeng.pk]
    signed = client.post(
        URL,
        {
            "step": "sign",
            "pass": response.context["pass_"],
            "members": members,
            "packages": ["elderly"],
        },
    )
    assert signed.status_code == 200
    contracts = Contract.objects.filter(person__in=members)
    assert contracts.count() == 2
    assert {c.status for c in contracts} == {ContractStatus.PENDING}
    assert {c.source for c in contracts} == {"qr"}
    assert {c.team_id for c in contracts} == {world.team_a.pk}
    assert sorted(p.code for p in contracts[0].packages.all()) == ["basic", "elderly"]
    assert AuditEvent.objects.filter(action="contract.request").count() == 2


def test_name_and_phone_identify_too(world, client):
    response = _identify(client, name="单明", phone=PHONE_SHAN)
    assert response.context["step"] == "sign"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "单明", "id_number": ID_ZENG},
        {"name": "单明明", "id_number": ID_SHAN},
        {"name": "无此人", "id_number": "110105200001010011"},
        {"name": "单明", "phone": "13900000000"},
        # A resident of the other street: not served by this centre, told the same.
        {"name": "李强", "id_number": ID_OUTSIDER},
    ],
)
def test_any_identity_mismatch_gets_one_generic_message(world, client, body):
    response = _identify(client, **body)
    assert response.status_code == 400
    assert response.context["error"] == ERR_IDENTITY
    assert response.context["step"] == "identify"
    assert not Contract.objects.exists()


def test_a_neighbour_of_another_grid_may_still_choose_this_team(world, client):
    """The team's grids are where it goes round; any resident its centre serves may sign."""
    response = _identify(client, name="王刚", id_number=ID_NEIGHBOUR)
    client.post(
        URL,
        {"step": "sign", "pass": response.context["pass_"], "members": [world.neighbour.pk]},
    )
    assert Contract.objects.get().person == world.neighbour


def test_a_forged_identity_pass_signs_nobody_up(world, client):
    response = client.post(URL, {"step": "sign", "pass": "forged", "members": [world.shan.pk]})
    assert response.status_code == 400
    assert not Contract.objects.exists()


def test_member_already_contracted_is_told_and_others_still_sign(world, client):
    contract_sign(actor=world.centre_manager, person=world.zeng, team=world.team_b)
    response = _identify(client, name="单明", id_number=ID_SHAN)
    done = client.post(
        URL,
        {
            "step": "sign",
            "pass": response.context["pass_"],
            "members": [world.shan.pk, world.zeng.pk],
        },
    )
    results = done.context["results"]
    assert [r["ok"] for r in results] == [True, False]
    assert Contract.objects.filter(person=world.shan, team=world.team_a).exists()


def test_posts_are_rate_limited(world, client, settings):
    settings.PUBLIC_POST_RATE = "2/m"
    codes = [_identify(client, name="x", id_number="1").status_code for _ in range(3)]
    assert codes == [400, 400, 429]
