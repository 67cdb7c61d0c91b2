"""Labels say what they mean: a round's and a checkpoint's name is a thing's name, the
visitor form registers a visitor, a screening outcome is an address not found."""

import pathlib

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext

from shoumen.checkpoints.forms import CheckpointForm
from shoumen.screening.forms import RoundForm

TEMPLATES = pathlib.Path(settings.BASE_DIR)


def template_source(path: str) -> str:
    return (TEMPLATES / path).read_text(encoding="utf-8")


@pytest.mark.parametrize("form_class", [RoundForm, CheckpointForm])
def test_rounds_and_checkpoints_are_named_as_things_not_persons(form_class):
    label = form_class.base_fields["name"].label
    with translation.override("zh-hans"):
        assert str(label) != "姓名"
    with translation.override("en"):
        assert str(label) == "Name"


@pytest.mark.parametrize(
    "path",
    [
        "shoumen/checkpoints/templates/checkpoints/visitor_form.html",
        "shoumen/checkpoints/templates/checkpoints/visitor_self.html",
    ],
)
def test_the_visitor_form_button_registers_a_visitor_not_a_ledger(path):
    assert '{% translate "Register" context "sign in a visitor" %}' in template_source(path)
    with translation.override("zh-hans"):
        assert pgettext("sign in a visitor", "Register") != "台账"


@pytest.mark.parametrize(
    "path",
    [
        "shoumen/screening/templates/screening/_coverage_row.html",
        "shoumen/screening/templates/screening/coverage.html",
    ],
)
def test_a_screening_outcome_reads_address_not_found_not_page_not_found(path):
    source = template_source(path)
    assert '{% translate "Not found" %}' not in source
    assert '{% translate "Not found" context "screening outcome" %}' in source
    with translation.override("zh-hans"):
        assert pgettext("screening outcome", "Not found") != "页面不存在"
