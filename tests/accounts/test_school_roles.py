"""The school roles: where each is assigned, who may grant it, and what it sees."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import can
from shoumen.accounts.services import ERR_ROLE_LEVEL, user_create
from shoumen.places.selectors import org_units_visible_to

PASSWORD = "Gx7!wq-2026-longer"


def test_street_officer_appoints_a_principal_of_a_school_in_their_street(world):
    user = user_create(
        actor=world.street_officer,
        username="new.principal",
        password=PASSWORD,
        role=Role.PRINCIPAL,
        org_unit=world.school.unit,
    )
    assert can(user, Perm.REPORT_SCHOOL, world.school.unit)
    assert not can(user, Perm.VIEW_REGISTRY)


def test_a_class_teacher_is_assigned_to_a_class_not_a_school(world):
    with pytest.raises(ValidationError) as caught:
        user_create(
            actor=world.street_officer,
            username="new.teacher",
            password=PASSWORD,
            role=Role.CLASS_TEACHER,
            org_unit=world.school.unit,
        )
    expected = ERR_ROLE_LEVEL % {
        "role": Role.CLASS_TEACHER.label,
        "level": world.school.unit.get_level_display(),
    }
    assert caught.value.message_dict["org_unit"] == [expected]


def test_community_staff_cannot_appoint_school_staff(world):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=world.community_staff,
            username="x.teacher",
            password=PASSWORD,
            role=Role.CLASS_TEACHER,
            org_unit=world.class_a.unit,
        )


def test_the_grant_form_offers_school_units_to_those_who_manage_users(world):
    codes = set(
        org_units_visible_to(world.street_officer, Perm.MANAGE_USERS).values_list("code", flat=True)
    )
    assert {"SCH1", "K1", "K2"} <= codes
    assert "SCH2" not in codes


def test_the_residents_tree_leaves_school_units_out(world):
    codes = set(org_units_visible_to(world.street_officer).values_list("code", flat=True))
    assert codes == {"S1", "C1", "C2", "G1", "G2", "G3"}


@pytest.mark.parametrize(
    "persona", ["teacher", "school_doctor", "principal", "education_officer", "cdc_officer"]
)
def test_school_roles_see_no_resident_registry(world, persona):
    user = getattr(world, persona)
    for perm in (Perm.VIEW_REGISTRY, Perm.VIEW_OBSERVATIONS, Perm.EXPORT, Perm.SCAN_PASSES):
        assert not can(user, perm)


def test_a_class_teacher_covers_their_class_only(world):
    assert can(world.teacher, Perm.RECORD_CLASS_CHECKS, world.class_a.unit)
    assert not can(world.teacher, Perm.RECORD_CLASS_CHECKS, world.class_b.unit)
    assert not can(world.teacher, Perm.VIEW_SCHOOLS, world.school.unit)


def test_the_education_bureau_and_cdc_cover_every_school_of_their_district(world):
    for persona in ("education_officer", "cdc_officer"):
        user = getattr(world, persona)
        assert can(user, Perm.RECEIVE_SCHOOL_REPORTS, world.school.unit)
        assert can(user, Perm.RECEIVE_SCHOOL_REPORTS, world.other_school.unit)
        assert not can(user, Perm.REPORT_SCHOOL, world.school.unit)
