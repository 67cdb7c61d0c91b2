"""Date fields use the browser's date picker with ISO values in every language: a date
rendered as 2026/12/06 (Chinese) shows empty in the picker and is sent back empty."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from shoumen.lib.widgets import DateInput
from shoumen.observation.forms import ExtendForm, StartForm
from shoumen.screening.forms import ObserveForm, RoundForm

DAY = datetime.date(2026, 12, 6)
User = get_user_model()


def test_date_input_renders_iso_in_chinese():
    with translation.override("zh-hans"):
        html = DateInput().render("day", DAY)
    assert 'type="date"' in html and 'value="2026-12-06"' in html


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (lambda: RoundForm(initial={"starts_on": DAY, "ends_on": DAY}, units=[]), "starts_on"),
        (lambda: RoundForm(initial={"starts_on": DAY, "ends_on": DAY}, units=[]), "ends_on"),
        (lambda: ObserveForm(initial={"arrival_date": DAY}), "arrival_date"),
        (
            lambda: StartForm(initial={"arrival_date": DAY}, workers=User.objects.none()),
            "arrival_date",
        ),
        (lambda: ExtendForm(initial={"exposure_date": DAY}), "exposure_date"),
    ],
)
def test_prefilled_dates_are_iso_in_chinese(form, field):
    with translation.override("zh-hans"):
        html = str(form()[field])
    assert 'type="date"' in html and 'value="2026-12-06"' in html


@pytest.mark.django_db
def test_new_round_page_prefills_its_dates_in_a_form_it_accepts(world, login, settings):
    client = login(world.community_staff)
    with translation.override("zh-hans"):
        page = client.get(reverse("screening:round_new"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    today = page.context["form"].initial["starts_on"]
    assert f'name="starts_on" value="{today.isoformat()}"' in html
    assert "/" not in today.isoformat()
