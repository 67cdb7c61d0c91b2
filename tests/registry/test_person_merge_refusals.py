"""A person is not merged with themselves: the refusal names the reason, the record stays
as it was and nothing is written or audited."""

import pytest
from django.core.exceptions import ValidationError

from shoumen.registry.models import Person, Status
from shoumen.registry.services import ERR_SAME_PERSON, person_merge
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db


def test_a_person_cannot_be_merged_with_themselves(world):
    before = Person.objects.filter(pk=world.shan.pk).values().get()
    with nothing_written(), pytest.raises(ValidationError) as refused:
        person_merge(actor=world.grid_worker, keep=world.shan, duplicate=world.shan, reason="重复")
    assert refused.value.messages == [str(ERR_SAME_PERSON)]
    after = Person.objects.filter(pk=world.shan.pk).values().get()
    assert after == before
    assert after["status"] == Status.RESIDENT and after["merged_into_id"] is None


def test_the_same_record_fetched_twice_is_still_the_same_person(world):
    with nothing_written(), pytest.raises(ValidationError) as refused:
        person_merge(
            actor=world.grid_worker,
            keep=Person.objects.get(pk=world.shan.pk),
            duplicate=Person.objects.get(pk=world.shan.pk),
            reason="重复",
        )
    assert refused.value.messages == [str(ERR_SAME_PERSON)]
