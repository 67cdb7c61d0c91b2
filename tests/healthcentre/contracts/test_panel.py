"""The person page's family doctor panel: the team, its service phone, the doctor and the
term for anyone who may see the person; the contract's link for health roles only."""

import pytest
from django.urls import reverse

from shoumen.healthcentre import panels
from shoumen.healthcentre.contract_services import contract_sign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def registered():
    panels.register()


def _panel(user, person):
    return panels.contract_panel(user, person)


def test_grid_worker_sees_team_phone_doctor_and_term_without_the_link(world, login):
    contract_sign(actor=world.family_doctor, person=world.shan, team=world.team_a)
    response = login(world.grid_worker).get(reverse("registry:person", args=[world.shan.pk]))
    page = response.content.decode()
    assert 'data-testid="person-contract"' in page
    assert "光华一队" in page and "010-65120001" in page
    assert str(world.family_doctor) in page
    assert 'data-testid="panel-contract-link"' not in page


def test_doctor_gets_the_link_to_the_contract(world, login):
    contract, _ = contract_sign(actor=world.family_doctor, person=world.shan, team=world.team_a)
    panel = _panel(world.family_doctor, world.shan)
    assert panel.context["health_role"] is True
    page = login(world.family_doctor).get(reverse("registry:person", args=[world.shan.pk]))
    assert reverse("health:contract", args=[contract.pk]) in page.content.decode()


def test_no_panel_without_a_contract_or_out_of_reach(world):
    assert _panel(world.grid_worker, world.shan) is None
    contract_sign(actor=world.family_doctor, person=world.shan, team=world.team_a)
    assert _panel(world.neighbour_worker, world.shan) is None
