"""A person's tags are shown in words, by the registry's own template library."""

from django.test import override_settings
from django.urls import reverse

from shoumen.registry.models import Tag
from shoumen.registry.templatetags.registry_ui import tag_label


def test_a_tag_is_shown_by_its_label_and_an_unknown_one_as_it_is():
    assert tag_label("chronic") == Tag.CHRONIC.label
    assert tag_label("no-such-tag") == "no-such-tag"


@override_settings(LANGUAGE_CODE="en")
def test_the_person_page_names_the_persons_tags_in_words(world, login):
    body = login(world.grid_worker).get(reverse("registry:person", args=[world.zeng.pk]))
    assert f">{Tag.CHRONIC.label}</span>" in body.content.decode()
