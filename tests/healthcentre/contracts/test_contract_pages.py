"""The contract pages: scoped lists with filters and a pinned query count, confirming in
one tap, the page's actions, signing a resident up by search, the register."""

import io
import uuid

import openpyxl
import pytest
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.healthcentre.contract_services import contract_request, contract_sign
from shoumen.healthcentre.models import Contract, ContractStatus
from shoumen.registry.models import DocumentType, Relation
from shoumen.registry.services import person_register
from tests.healthcentre.contracts.helpers import at

pytestmark = pytest.mark.django_db


def test_doctor_of_c1_sees_c1_contracts(world, login):
    contract, _ = contract_request(team=world.team_a, person=world.shan)
    response = login(world.family_doctor).get(reverse("health:contracts"))
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"]] == [contract.pk]


def test_officers_see_no_contracts(world, login):
    contract, _ = contract_request(team=world.team_a, person=world.shan)
    officer = login(world.community_staff)
    assert officer.get(reverse("health:contracts")).status_code == 403
    assert officer.get(reverse("health:contract", args=[contract.pk])).status_code == 403


def test_a_doctor_of_another_community_gets_404(world, login, c3_doctor):
    contract, _ = contract_request(team=world.team_a, person=world.shan)
    assert login(c3_doctor).get(reverse("health:contract", args=[contract.pk])).status_code == 404
    assert login(c3_doctor).get(reverse("health:contracts")).context["page"].paginator.count == 0


def test_team_confirms_in_one_tap_from_the_list(world, login):
    contract, _ = contract_request(team=world.team_a, person=world.shan)
    nurse = login(world.centre_nurse)  # on the team, without manage_contracts
    response = nurse.post(reverse("health:contract_confirm", args=[contract.pk]), {"next": "list"})
    assert response.status_code == 302 and response.url == reverse("health:contracts")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE and contract.confirmed_by == world.centre_nurse


def test_nurse_not_on_the_team_may_not_confirm(world, login):
    contract, _ = contract_request(team=world.team_b, person=world.neighbour)
    response = login(world.centre_nurse).post(
        reverse("health:contract_confirm", args=[contract.pk])
    )
    assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PENDING


def test_decline_and_end_from_the_contract_page(world, login):
    doctor = login(world.family_doctor)
    pending, _ = contract_request(team=world.team_a, person=world.zeng)
    doctor.post(reverse("health:contract_decline", args=[pending.pk]), {"reason": "不在辖区"})
    pending.refresh_from_db()
    assert pending.status == ContractStatus.DECLINED
    active, _ = contract_sign(actor=world.family_doctor, person=world.shan, team=world.team_a)
    doctor.post(reverse("health:contract_end", args=[active.pk]), {"reason": "搬走"})
    active.refresh_from_db()
    assert active.status == ContractStatus.ENDED and active.closed_at is not None


def test_change_from_the_contract_page(world, login):
    active, _ = contract_sign(actor=world.family_doctor, person=world.shan, team=world.team_a)
    response = login(world.family_doctor).post(
        reverse("health:contract_change", args=[active.pk]), {"team": world.team_b.pk}
    )
    new = Contract.objects.get(person=world.shan, status=ContractStatus.PENDING)
    assert response.url == reverse("health:contract", args=[new.pk])
    assert new.team == world.team_b


def test_renew_is_offered_only_in_the_last_30_days(world, login):
    with at("2026-03-15"):
        active, _ = contract_sign(actor=world.family_doctor, person=world.shan, team=world.team_a)
    url = reverse("health:contract", args=[active.pk])
    with at("2027-02-11"):
        doctor = login(world.family_doctor)
        assert doctor.get(url).context["can_renew"] is False
        assert doctor.post(reverse("health:contract_renew", args=[active.pk])).status_code == 400
    with at("2027-02-12"):
        doctor = login(world.family_doctor)
        assert doctor.get(url).context["can_renew"] is True
        assert doctor.post(reverse("health:contract_renew", args=[active.pk])).status_code == 302
    assert Contract.objects.get(renewed_from=active).starts_on.isoformat() == "2027-03-15"


def test_ending_filter_lists_contracts_ending_within_30_days(world, login):
    with at("2026-03-15"):
        contract_sign(actor=world.family_doctor, person=world.shan, team=world.team_a)
    with at("2026-04-01"):
        contract_sign(actor=world.family_doctor, person=world.zeng, team=world.team_a)
    with at("2027-02-12"):
        doctor = login(world.family_doctor)
        page = doctor.get(reverse("health:contracts"), {"ending": "on"}).context["page"]
    assert [c.person for c in page] == [world.shan]


def _many(world, n):
    for i in range(n):
        person = person_register(
            actor=world.admin_user,
            household=world.household_a,
            name=f"居民{i}",
            sex="F",
            document_type=DocumentType.NONE,
            relation_to_head=Relation.OTHER,
        )
        contract_request(team=world.team_a, person=person)


def test_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    _many(world, 30)
    doctor = login(world.family_doctor)
    doctor.get(reverse("health:contracts"))
    with django_assert_max_num_queries(9):
        response = doctor.get(reverse("health:contracts"), {"team": world.team_a.pk})
    assert len(response.context["page"].object_list) == 25


def test_staff_sign_a_resident_found_by_search(world, login):
    doctor = login(world.family_doctor)
    found = doctor.get(reverse("health:contract_new"), {"q": "单明"})
    assert world.shan in found.context["candidates"]
    key = str(uuid.uuid4())
    body = {"person": world.shan.pk, "team": world.team_a.pk, "client_uuid": key}
    first = doctor.post(reverse("health:contract_new"), body)
    again = doctor.post(reverse("health:contract_new"), body)
    assert first.status_code == again.status_code == 302
    contract = Contract.objects.get()
    assert contract.status == ContractStatus.ACTIVE and contract.source == "staff"


def test_a_resident_out_of_scope_is_not_found(world, login):
    response = login(world.family_doctor).get(
        reverse("health:contract_new"), {"person": world.outsider_person.pk}
    )
    assert response.status_code == 404


def test_register_lists_contracts_with_masked_id_numbers(world, login):
    contract_sign(
        actor=world.family_doctor, person=world.shan, team=world.team_a, packages=["elderly"]
    )
    response = login(world.family_doctor).get(reverse("health:contracts_ledger"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    text = " ".join(cells)
    assert "单明" in text and "光华一队" in text and "老年人个性化服务包" in text
    assert "110105198503070019" not in text and "0019" in text
    assert AuditEvent.objects.filter(action="contract_ledger.export").count() == 1


def test_register_needs_the_export_right(world, login):
    assert login(world.centre_nurse).get(reverse("health:contracts_ledger")).status_code == 403


def test_doctor_list_defaults_to_own_team_and_widens_to_the_centre(world, login):
    own, _ = contract_request(team=world.team_a, person=world.shan)
    other, _ = contract_request(team=world.team_b, person=world.neighbour)
    doctor = login(world.family_doctor)
    assert [c.pk for c in doctor.get(reverse("health:contracts")).context["page"]] == [own.pk]
    everything = doctor.get(reverse("health:contracts"), {"team": ""}).context["page"]
    assert {c.pk for c in everything} == {own.pk, other.pk}


def test_awaiting_contracts_come_first(world, login):
    active, _ = contract_sign(actor=world.family_doctor, person=world.zeng, team=world.team_a)
    pending, _ = contract_request(team=world.team_a, person=world.shan)
    page = login(world.family_doctor).get(reverse("health:contracts")).context["page"]
    assert [c.pk for c in page] == [pending.pk, active.pk]
