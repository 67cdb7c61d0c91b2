"""The roster pages: a community's duty home (on duty now and next, its rosters, the solve
form), drawing a roster through the form, its progress while solving, its figures and
table once solved, its shortfalls in words when none is possible, publishing, fixing
shifts by hand, the week and month views, print, and the page's query count."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from shoumen.audit.models import AuditEvent
from shoumen.duty.models import (
    Assignment,
    AssignmentSource,
    DutyPerson,
    Roster,
    RosterStatus,
)
from shoumen.duty.roster_forms import ERR_CUSTOM_LENGTH, ERR_CUSTOM_ORDER, period_of
from shoumen.duty.roster_services import ERR_NOT_SOLVED, ERR_TIME_LIMIT, roster_publish
from shoumen.duty.roster_views import ERR_PIN_CHOICE, MSG_PUBLISHED
from shoumen.registry.models import Volunteer
from tests.duty.conftest import MONDAY, NOW
from tests.duty.roster_helpers import SUNDAY, solved, written

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages in English: the assertions name the English words (msgids)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(login, world):
    return login(world.community_staff)


def _index(duty):
    return reverse("duty:index", args=[duty.community.pk])


def _page(roster, **query):
    url = reverse("duty:roster", args=[roster.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _html(response) -> str:
    return response.content.decode()


def test_a_street_officer_lists_the_communities_under_them(login, world):
    client = login(world.street_officer)
    html = _html(client.get(reverse("duty:units")))
    assert "光华社区" in html and "永安社区" in html and "和平里社区" not in html
    assert reverse("duty:index", args=[world.community.pk]) in html


def test_community_staff_see_their_one_community(staff, world):
    html = _html(staff.get(reverse("duty:units")))
    assert html.count('data-testid="duty-unit"') == 1


def test_the_duty_home_without_a_published_roster_says_so(staff, duty, frozen):
    response = staff.get(_index(duty))
    assert response.status_code == 200
    html = _html(response)
    assert 'data-testid="on-duty-empty"' in html
    assert 'data-testid="rosters-empty"' in html
    assert 'data-testid="roster-solve-form"' in html


def test_the_duty_home_shows_who_stands_where_now_and_next(staff, world, duty, frozen):
    roster = written(duty, status=RosterStatus.PUBLISHED)
    now = Assignment.objects.get(roster=roster, date=MONDAY, shift__post=duty.gate, shift__code="D")
    later = Assignment.objects.get(
        roster=roster, date=MONDAY, shift__post=duty.gate, shift__code="E"
    )
    html = _html(staff.get(_index(duty)))
    gate = html[html.index("北门卡点") :]
    now_part = gate[
        gate.index('data-testid="on-duty-now"') : gate.index('data-testid="on-duty-next"')
    ]
    assert now.person.name in now_part and "08:00" in now_part
    next_part = gate[gate.index('data-testid="on-duty-next"') :]
    assert later.person.name in next_part.split("</div>")[0]


def test_the_duty_home_lists_rosters_with_status_and_period(staff, duty, frozen):
    written(duty, status=RosterStatus.PUBLISHED, published_at=datetime.datetime.now(datetime.UTC))
    html = _html(staff.get(_index(duty)))
    assert html.count('data-testid="roster-item"') == 1
    assert "2026-03-02 – 2026-03-08" in html
    assert 'data-status="published"' in html


def test_drawing_a_roster_solves_it_and_opens_its_page(staff, duty, frozen):
    response = staff.post(
        reverse("duty:roster_new", args=[duty.community.pk]),
        {
            "period": "custom",
            "starts_on": MONDAY.isoformat(),
            "ends_on": SUNDAY.isoformat(),
            "time_limit_seconds": "10",
        },
    )
    roster = Roster.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("duty:roster", args=[roster.pk])
    assert roster.status == RosterStatus.SOLVED
    assert (roster.starts_on, roster.ends_on, roster.time_limit_seconds) == (MONDAY, SUNDAY, 10)
    html = _html(staff.get(response.url))
    assert html.count('data-testid="roster-row"') == 5
    assert 'data-testid="roster-figures"' in html
    assert 'data-testid="roster-publish"' in html


def test_the_named_periods_are_this_week_next_week_and_the_next_four_weeks():
    wednesday = MONDAY + datetime.timedelta(days=2)
    assert period_of("this_week", wednesday) == (MONDAY, SUNDAY)
    next_monday = MONDAY + datetime.timedelta(days=7)
    assert period_of("next_week", wednesday) == (next_monday, next_monday + datetime.timedelta(6))
    assert period_of("next_4_weeks", wednesday) == (
        next_monday,
        next_monday + datetime.timedelta(days=27),
    )


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        (
            {"period": "custom", "starts_on": "2026-03-08", "ends_on": "2026-03-02"},
            ERR_CUSTOM_ORDER,
        ),
        (
            {"period": "custom", "starts_on": "2026-03-02", "ends_on": "2026-03-30"},
            lambda: ERR_CUSTOM_LENGTH % {"days": 28},
        ),
        ({"period": "custom", "starts_on": "2026-03-02"}, "Give the first and the last day"),
        ({"period": "next_week", "time_limit_seconds": "5"}, "greater than or equal to 10"),
        ({"period": "next_week", "time_limit_seconds": "121"}, "less than or equal to 120"),
        ({"period": "someday"}, "Select a valid choice"),
    ],
)
def test_a_bad_solve_form_shows_its_error_and_starts_nothing(staff, duty, frozen, fields, error):
    data = {"time_limit_seconds": "10", **fields}
    response = staff.post(reverse("duty:roster_new", args=[duty.community.pk]), data)
    assert response.status_code == 400
    with translation.override("en"):  # the page's language
        expected = error() if callable(error) else str(error)
    assert expected in _html(response)
    assert 'data-testid="solve-errors"' in _html(response)
    assert not Roster.objects.exists()


def test_a_period_already_over_is_refused_by_the_service_on_the_form(staff, duty, frozen):
    data = {"period": "custom", "starts_on": "2026-02-01", "ends_on": "2026-02-07"}
    response = staff.post(
        reverse("duty:roster_new", args=[duty.community.pk]), {**data, "time_limit_seconds": 10}
    )
    assert response.status_code == 400
    assert "This period is over" in _html(response)
    assert not Roster.objects.exists()


def test_the_time_limit_is_checked_by_the_service_too(world, duty, frozen):
    from django.core.exceptions import ValidationError

    from shoumen.duty.roster_services import roster_solve

    with pytest.raises(ValidationError) as caught:
        roster_solve(
            actor=world.community_staff,
            community=duty.community,
            starts_on=MONDAY,
            ends_on=SUNDAY,
            time_limit_seconds=500,
        )
    assert str(ERR_TIME_LIMIT % {"min": 1, "max": 120}) in str(caught.value)
    assert not Roster.objects.exists()


def test_the_solve_form_offers_the_default_time_limit(staff, duty, frozen, settings):
    settings.SHOUMEN_DUTY_SOLVE_SECONDS = 45
    html = _html(staff.get(_index(duty)))
    assert re.search(r'name="time_limit_seconds"[^>]*value="45"', html)


def test_a_roster_being_solved_shows_its_progress_polled_every_two_seconds(staff, duty, frozen):
    roster = Roster.objects.create(
        community=duty.community,
        starts_on=MONDAY,
        ends_on=SUNDAY,
        progress=[
            {"objective": 300, "bound": 12, "seconds": 0.5},
            {"objective": 120, "bound": 40, "seconds": 2.1},
        ],
    )
    html = _html(staff.get(_page(roster)))
    assert 'hx-trigger="every 2s"' in html
    assert reverse("duty:roster_progress", args=[roster.pk]) in html
    fragment = staff.get(reverse("duty:roster_progress", args=[roster.pk]))
    assert fragment.status_code == 200 and "HX-Refresh" not in fragment
    text = _html(fragment)
    assert re.search(r'data-testid="progress-found">2<', text)
    assert re.search(r'data-testid="progress-objective">120<', text)
    assert re.search(r'data-testid="progress-bound">40<', text)
    assert 'data-testid="progress-elapsed"' in text
    assert 'data-testid="roster-table"' not in html


def test_the_progress_fragment_reloads_the_page_once_the_roster_is_solved(staff, duty, frozen):
    roster = written(duty)
    fragment = staff.get(reverse("duty:roster_progress", args=[roster.pk]))
    assert fragment["HX-Refresh"] == "true"
    assert 'hx-trigger="every 2s"' not in _html(fragment)


def test_the_figures_show_fairness_gaps_wishes_and_changes(staff, duty, frozen):
    roster = written(
        duty,
        figures={
            "nights_gap": 3,
            "weekends_gap": 2,
            "holidays_gap": 1,
            "preference_violations": 4,
            "changes": 5,
        },
    )
    html = _html(staff.get(_page(roster)))
    for testid, value in [
        ("nights", 3),
        ("weekends", 2),
        ("holidays", 1),
        ("preferences", 4),
        ("changes", 5),
    ]:
        assert re.search(rf'data-testid="figure-{testid}">{value}<', html), testid


def test_an_impossible_roster_lists_its_shortfalls_in_words(staff, duty, frozen):
    roster = Roster.objects.create(
        community=duty.community,
        starts_on=MONDAY,
        ends_on=SUNDAY,
        status=RosterStatus.INFEASIBLE,
        message="No roster keeps every rule: see what is missing below.",
        shortfalls=[
            {
                "post": duty.gate.pk,
                "date": "2026-03-02",
                "shift": "N",
                "missing": 1,
                "text": "北门卡点 3月2日 夜班 缺1人",
            }
        ],
    )
    html = _html(staff.get(_page(roster)))
    assert "北门卡点 3月2日 夜班 缺1人" in html
    assert html.count('data-testid="shortfall"') == 1
    assert 'data-testid="roster-publish"' not in html


def test_publishing_from_the_page_publishes_and_says_so(staff, duty, frozen):
    roster = written(duty)
    response = staff.post(reverse("duty:roster_publish", args=[roster.pk]), follow=True)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.PUBLISHED
    assert str(MSG_PUBLISHED) in _html(response)
    assert AuditEvent.objects.filter(action="roster.publish", target_id=str(roster.pk)).exists()


def test_publishing_a_roster_not_solved_shows_why_and_changes_nothing(staff, duty, frozen):
    roster = written(duty, status=RosterStatus.INFEASIBLE)
    response = staff.post(reverse("duty:roster_publish", args=[roster.pk]), follow=True)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.INFEASIBLE
    assert str(ERR_NOT_SOLVED) in _html(response)
    assert not AuditEvent.objects.filter(action="roster.publish").exists()


def test_fixing_a_shift_by_hand_and_freeing_it(staff, duty, frozen):
    roster = written(duty)
    row = roster.assignments.first()
    url = reverse("duty:assignment_pin", args=[row.pk])
    response = staff.post(url, {"fixed": "1", "view": "week"})
    assert response.status_code == 302 and "pins=1" in response.url
    row.refresh_from_db()
    assert row.fixed
    html = _html(staff.get(response.url))
    assert 'data-testid="pin-button"' in html and 'data-testid="pinned"' in html
    staff.post(url, {"fixed": "0"})
    row.refresh_from_db()
    assert not row.fixed
    actions = AuditEvent.objects.filter(
        target_id=str(row.pk), action__startswith="assignment."
    ).order_by("pk")
    assert list(actions.values_list("action", flat=True)) == ["assignment.pin", "assignment.unpin"]


def test_a_pin_without_a_choice_changes_nothing(staff, duty, frozen):
    roster = written(duty)
    row = roster.assignments.first()
    response = staff.post(reverse("duty:assignment_pin", args=[row.pk]), {}, follow=True)
    row.refresh_from_db()
    assert not row.fixed
    assert str(ERR_PIN_CHOICE) in _html(response)


def test_a_shift_pinned_on_the_page_stays_when_the_period_is_drawn_again(staff, world, duty):
    first = solved(world, duty)
    row = first.assignments.select_related("shift").first()
    staff.post(reverse("duty:assignment_pin", args=[row.pk]), {"fixed": "1"})
    second = solved(world, duty)
    assert Assignment.objects.get(
        roster=second, shift=row.shift, date=row.date, person=row.person
    ).fixed


def test_the_table_has_a_row_per_post_and_shift_with_times_and_a_column_per_day(
    staff, duty, frozen
):
    roster = written(duty)
    html = _html(staff.get(_page(roster)))
    assert html.count('data-testid="roster-row"') == 5
    assert "夜班 00:00–08:00" in html and "白班 08:00–20:00" in html
    days = re.findall(r'data-date="([\d-]+)" data-kind="(\w+)"', html)
    assert [d for d, _k in days] == [
        (MONDAY + datetime.timedelta(days=i)).isoformat() for i in range(7)
    ]
    assert [k for _d, k in days][5:] == ["weekend", "weekend"]
    assert "Mon" in html


def test_holidays_are_marked_in_the_table(staff, duty):
    with time_machine.travel("2026-09-28 09:00 +0800", tick=False):
        roster = written(duty, start=datetime.date(2026, 9, 28), end=datetime.date(2026, 10, 4))
        html = _html(staff.get(_page(roster)))
    kinds = dict(re.findall(r'data-date="([\d-]+)" data-kind="(\w+)"', html))
    assert kinds["2026-10-01"] == "holiday"
    assert kinds["2026-09-28"] == "workday"


def test_sick_calls_are_struck_through_and_covers_marked(staff, duty, frozen):
    roster = written(duty)
    sick = roster.assignments.select_related("shift").get(
        date=MONDAY, shift__post=duty.gate, shift__code="N"
    )
    sick.absent = True
    sick.save()
    cover_person = duty.people[-1]
    Assignment.objects.create(
        roster=roster,
        shift=sick.shift,
        date=sick.date,
        person=cover_person,
        starts_at=sick.starts_at,
        ends_at=sick.ends_at,
        source=AssignmentSource.COVER,
    )
    html = _html(staff.get(_page(roster)))
    assert f'<s title="called in sick">{sick.person.name}</s>' in html
    assert 'data-cover="1"' in html


def test_the_week_view_steps_through_the_roster_and_the_month_view_shows_the_month(
    staff, duty, frozen
):
    roster = written(duty, end=MONDAY + datetime.timedelta(days=13))
    first = _html(staff.get(_page(roster)))
    assert 'data-testid="window-previous"' not in first
    assert 'data-testid="window-next"' in first
    second = _html(staff.get(_page(roster, start="2026-03-09")))
    assert 'data-date="2026-03-15"' in second and 'data-date="2026-03-08"' not in second
    assert 'data-testid="window-next"' not in second
    month = _html(staff.get(_page(roster, view="month", start="2026-03-02")))
    assert 'data-date="2026-03-01"' in month and 'data-date="2026-03-31"' in month
    assert len(re.findall(r'data-date="', month)) == 31


def test_a_bad_start_shows_the_roster_from_its_first_day(staff, duty, frozen):
    roster = written(duty)
    response = staff.get(_page(roster, start="not-a-day", view="year"))
    assert response.status_code == 200
    assert 'data-date="2026-03-02"' in _html(response)


def test_the_print_layout_has_every_week_and_no_navigation(staff, duty, frozen):
    roster = written(duty, end=MONDAY + datetime.timedelta(days=9))
    html = _html(staff.get(reverse("duty:roster_print", args=[roster.pk])))
    assert html.count('data-testid="print-week"') == 2
    assert "navbar" not in html
    assert "duty/rosters.css" in html


def test_the_print_stylesheet_has_a_print_layout():
    from django.contrib.staticfiles import finders

    with open(finders.find("duty/rosters.css"), encoding="utf-8") as f:
        css = f.read()
    assert "@media print" in css and "break-after: page" in css


def _more_people(duty, count: int) -> None:
    for i in range(count):
        v = Volunteer.objects.create(community=duty.community, name=f"加人{i:03d}")
        DutyPerson.objects.create(community=duty.community, name=v.name, volunteer=v)


def test_the_roster_page_reads_in_a_fixed_number_of_queries(
    staff, duty, frozen, django_assert_max_num_queries
):
    small = written(duty)
    staff.get(_page(small))  # the session's first request stamps it
    with django_assert_max_num_queries(12) as few:
        staff.get(_page(small))
    _more_people(duty, 40)
    people = list(DutyPerson.objects.filter(community=duty.community))
    big = written(duty, end=MONDAY + datetime.timedelta(days=27), people=people)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(_page(big, view="month"))


def test_the_duty_home_reads_in_a_fixed_number_of_queries(
    staff, duty, frozen, django_assert_max_num_queries
):
    roster = written(duty)
    roster_publish(actor=duty.staff.user, roster=roster)
    staff.get(_index(duty))
    with django_assert_max_num_queries(17) as few:
        staff.get(_index(duty))
    _more_people(duty, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(_index(duty))


def test_the_duty_home_links_the_other_duty_pages_that_exist(staff, duty, frozen):
    from django.urls import NoReverseMatch

    html = _html(staff.get(_index(duty)))
    for name in ("duty:posts", "duty:people", "duty:swaps", "duty:rest"):
        try:
            url = reverse(name, args=[duty.community.pk])
        except NoReverseMatch:
            continue
        assert f'href="{url}"' in html, name


@pytest.mark.parametrize("persona", ["grid_worker", "volunteer", "teacher"])
def test_those_with_no_duty_to_manage_are_refused(login, world, duty, persona):
    client = login(getattr(world, persona))
    assert client.get(_index(duty)).status_code == 403
    assert client.get(reverse("duty:units")).status_code == 403


def test_an_officer_of_another_street_gets_not_found(login, world, duty, frozen):
    roster = written(duty)
    client = login(world.outsider)
    assert client.get(_index(duty)).status_code == 404
    assert client.get(_page(roster)).status_code == 404
    response = client.post(reverse("duty:roster_publish", args=[roster.pk]))
    assert response.status_code == 404
    roster.refresh_from_db()
    assert roster.status == RosterStatus.SOLVED


def test_weeks_run_from_the_rosters_first_day_and_open_on_today(staff, duty):
    thursday = MONDAY + datetime.timedelta(days=3)
    with time_machine.travel("2026-03-12 09:00 +0800", tick=False):
        roster = written(duty, start=thursday, end=thursday + datetime.timedelta(days=13))
        html = _html(staff.get(_page(roster)))
    days = re.findall(r'data-date="([\d-]+)"', html)
    # Today (03-12) is in the second week: 03-12 to 03-18.
    assert days[0] == "2026-03-12" and days[-1] == "2026-03-18"
    assert 'data-testid="window-previous"' in html and 'data-testid="window-next"' not in html


def test_the_duty_home_shows_the_rest_watch_in_short(staff, duty, frozen):
    body = staff.get(_index(duty)).content.decode()
    assert 'data-testid="rest-summary"' in body
    assert reverse("duty:rest", args=[duty.community.pk]) in body


def test_each_name_of_a_published_roster_opens_its_shift_for_a_sick_call(staff, duty, frozen):
    roster = written(duty, status=RosterStatus.PUBLISHED)
    html = _html(staff.get(_page(roster)))
    first = roster.assignments.order_by("starts_at").first()
    assert reverse("duty:sick_call", args=[first.pk]) in html
    now = timezone.now()
    under_way = roster.assignments.filter(starts_at__lte=now, ends_at__gt=now).first()
    assert under_way is not None
    assert reverse("duty:sick_call", args=[under_way.pk]) in _html(staff.get(_index(duty)))


def test_a_roster_not_yet_published_has_no_sick_call_links(staff, duty, frozen):
    roster = written(duty)
    assert 'data-testid="roster-shift-link"' not in _html(staff.get(_page(roster)))
