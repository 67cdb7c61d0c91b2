"""Schools and classes in the jurisdiction tree: where each level may hang."""

import pytest
from django.core.exceptions import ValidationError

from shoumen.places.models import Level, child_level, child_levels
from shoumen.places.services import (
    ERR_CLASS_STAYS,
    ERR_LEVEL_NOT_UNDER,
    ERR_LEVEL_UNDER_GRID,
    ERR_MOVE_LEVEL,
    org_unit_create,
    org_unit_move,
)


def test_a_street_holds_communities_first_and_schools():
    assert child_levels(Level.STREET) == [Level.COMMUNITY, Level.SCHOOL]
    assert child_level(Level.STREET) == Level.COMMUNITY
    assert child_level(Level.SCHOOL) == Level.CLASS
    assert child_level(Level.CLASS) is None


def test_a_school_is_created_under_a_street_and_a_class_under_it(world):
    school = org_unit_create(
        actor=world.admin_user, parent=world.street, code="SCH9", name="第九小学", level="school"
    )
    klass = org_unit_create(actor=world.admin_user, parent=school, code="K9", name="三年级2班")
    assert (school.level, klass.level) == (Level.SCHOOL, Level.CLASS)
    assert klass.path.startswith(school.path)


def test_a_school_cannot_hang_under_a_community(world):
    with pytest.raises(ValidationError) as caught:
        org_unit_create(
            actor=world.admin_user, parent=world.community, code="X1", name="x", level="school"
        )
    assert caught.value.messages == [
        ERR_LEVEL_NOT_UNDER % {"parent": Level.COMMUNITY.label, "level": Level.SCHOOL.label}
    ]


def test_a_class_holds_nothing(world):
    with pytest.raises(ValidationError) as caught:
        org_unit_create(actor=world.admin_user, parent=world.class_a.unit, code="X2", name="x")
    assert caught.value.messages == [str(ERR_LEVEL_UNDER_GRID)]


def test_a_class_stays_in_its_school(world):
    with pytest.raises(ValidationError) as caught:
        org_unit_move(
            actor=world.admin_user, unit=world.class_b.unit, new_parent=world.other_school.unit
        )
    assert caught.value.message_dict["new_parent"] == [ERR_CLASS_STAYS]


def test_a_school_moves_to_another_street_with_its_classes_but_not_under_a_community(world):
    moved = org_unit_move(
        actor=world.admin_user, unit=world.school.unit, new_parent=world.other_street
    )
    assert world.school_class("K1").unit.path.startswith(moved.path)
    with pytest.raises(ValidationError) as caught:
        org_unit_move(actor=world.admin_user, unit=moved, new_parent=world.community)
    assert caught.value.message_dict["new_parent"] == [
        ERR_MOVE_LEVEL % {"level": Level.SCHOOL.label, "parent": Level.STREET.label}
    ]
