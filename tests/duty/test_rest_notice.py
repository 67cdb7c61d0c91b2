"""Rest notices (休假通知书): who may issue them, sane dates, the absence that keeps the
next roster off those days, the audit event, and the printable PDF."""

import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from pypdf import PdfReader

from shoumen.audit.models import AuditEvent
from shoumen.duty.models import Absence, AbsenceKind, DutyPerson, RestNotice
from shoumen.duty.problem import problem_for
from shoumen.duty.rest_pdf import rest_notice_download, rest_notice_pdf_bytes
from shoumen.duty.rest_services import (
    ERR_DATES_ORDER,
    ERR_FROM_PAST,
    ERR_INACTIVE,
    ERR_TOO_FAR,
    ERR_TOO_LONG,
    MAX_DAYS_AHEAD,
    MAX_REST_DAYS,
    rest_notice_issue,
)
from tests.duty.conftest import MONDAY, NOW
from tests.duty.rest_helpers import DAY, days_up_to, published, shift_of, work

pytestmark = pytest.mark.django_db

TUESDAY, WEDNESDAY = MONDAY + DAY, MONDAY + 2 * DAY


@pytest.fixture
def nine_days(duty):
    roster = published(duty.community, MONDAY - 20 * DAY, MONDAY + 20 * DAY)
    work(roster, duty.volunteer, shift_of(duty.gate, "D"), days_up_to(MONDAY, 9))
    return roster


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _issue(duty, actor=None, **dates):
    dates = {"rest_from": TUESDAY, "rest_to": WEDNESDAY, **dates}
    return rest_notice_issue(actor=actor or duty.staff.user, person=duty.volunteer, **dates)


def _nothing_written():
    assert not RestNotice.objects.exists()
    assert not Absence.objects.exists()
    assert not AuditEvent.objects.filter(action="rest_notice.issue").exists()


def test_issuing_a_rest_notice_records_the_days_without_rest(duty, nine_days):
    notice = _issue(duty)
    assert (notice.person, notice.days_without_rest) == (duty.volunteer, 9)
    assert (notice.rest_from, notice.rest_to, notice.issued_by) == (
        TUESDAY,
        WEDNESDAY,
        duty.staff.user,
    )


def test_a_rest_notice_adds_a_rest_absence_for_its_days(duty, nine_days):
    _issue(duty)
    absence = Absence.objects.get(person=duty.volunteer)
    assert (absence.kind, absence.starts_on, absence.ends_on) == (
        AbsenceKind.REST,
        TUESDAY,
        WEDNESDAY,
    )
    assert absence.created_by == duty.staff.user


def test_the_next_roster_solve_leaves_the_rest_days_off(duty, nine_days):
    _issue(duty)
    problem = problem_for(duty.community, MONDAY, MONDAY + 6 * DAY)
    spec = next(p for p in problem.people if p.id == duty.volunteer.pk)
    assert spec.leave == {TUESDAY, WEDNESDAY}
    assert MONDAY not in spec.leave


def test_issuing_a_rest_notice_is_audited(duty, nine_days):
    notice = _issue(duty)
    event = AuditEvent.objects.get(action="rest_notice.issue")
    assert (event.actor, event.target_id) == (duty.staff.user, str(notice.pk))
    assert event.org_path == duty.community.path
    assert event.changes == {
        "person": duty.volunteer.pk,
        "from": "2026-03-03",
        "to": "2026-03-04",
        "days_without_rest": 9,
    }


def test_issuing_the_same_days_twice_keeps_one_notice(duty, nine_days):
    first = _issue(duty)
    assert _issue(duty) == first
    assert RestNotice.objects.count() == 1
    assert Absence.objects.count() == 1
    assert AuditEvent.objects.filter(action="rest_notice.issue").count() == 1


def test_a_rest_may_start_today(duty, nine_days):
    assert _issue(duty, rest_from=MONDAY, rest_to=MONDAY).rest_from == MONDAY


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"rest_from": MONDAY - DAY}, "rest_from", ERR_FROM_PAST),
        ({"rest_to": MONDAY + DAY * 0, "rest_from": TUESDAY}, "rest_to", ERR_DATES_ORDER),
        (
            {"rest_to": TUESDAY + DAY * MAX_REST_DAYS},
            "rest_to",
            ERR_TOO_LONG % {"days": MAX_REST_DAYS},
        ),
        (
            {
                "rest_from": MONDAY + DAY * (MAX_DAYS_AHEAD + 1),
                "rest_to": MONDAY + DAY * (MAX_DAYS_AHEAD + 1),
            },
            "rest_from",
            ERR_TOO_FAR % {"days": MAX_DAYS_AHEAD},
        ),
    ],
)
def test_bad_rest_dates_are_refused_and_write_nothing(duty, nine_days, dates, field, message):
    with pytest.raises(ValidationError) as caught:
        _issue(duty, **dates)
    assert caught.value.message_dict == {field: [str(message)]}
    _nothing_written()


def test_fourteen_days_of_rest_are_allowed(duty, nine_days):
    notice = _issue(duty, rest_to=TUESDAY + DAY * (MAX_REST_DAYS - 1))
    assert (notice.rest_to - notice.rest_from).days + 1 == MAX_REST_DAYS


def test_no_rest_notice_for_someone_no_longer_on_duty(duty, nine_days):
    DutyPerson.objects.filter(pk=duty.volunteer.pk).update(is_active=False)
    duty.volunteer.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _issue(duty)
    assert caught.value.messages == [str(ERR_INACTIVE)]
    _nothing_written()


@pytest.mark.parametrize("persona", ["outsider", "grid_worker", "volunteer"])
def test_only_those_managing_the_communitys_duty_issue_rest_notices(
    duty, nine_days, world, persona
):
    with pytest.raises(PermissionDenied):
        _issue(duty, actor=getattr(world, persona))
    _nothing_written()


def test_a_street_officer_over_the_community_issues_rest_notices(duty, nine_days, world):
    assert _issue(duty, actor=world.street_officer).issued_by == world.street_officer


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_rest_notice_pdf_has_selectable_chinese_text(duty, nine_days):
    notice = _issue(duty)
    content = rest_notice_pdf_bytes(notice)
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    text = pdf_text(content).replace(" ", "").replace("\n", "")
    assert "休假通知书" in text
    assert "志愿者小李" in text
    assert "光华社区" in text
    assert "连续值班9天未休息" in text
    assert "2026年3月3日至2026年3月4日" in text
    assert "请您于" in text and "休息" in text
    assert "签发人" in text and "签发日期" in text
    assert "2026年3月2日" in text  # the date it was issued
    assert reader.metadata.title == "休假通知书 志愿者小李"


def test_downloading_the_rest_notice_is_audited(duty, nine_days):
    notice = _issue(duty)
    rest_notice_download(actor=duty.staff.user, notice=notice)
    event = AuditEvent.objects.get(action="rest_notice.download")
    assert (event.actor, event.target_id) == (duty.staff.user, str(notice.pk))
    assert event.changes["format"] == "pdf"


def test_the_rest_actions_read_in_words():
    from shoumen.audit.labels import action_label

    with translation.override("en"):
        assert action_label("rest_notice.issue") == "Rest notice issued"
        assert action_label("rest_notice.download") == "Rest notice downloaded"
        assert action_label("duty_hours.export") == "Duty hours ledger exported"


def test_a_rest_notice_in_the_history_names_its_dates(duty, nine_days):
    from shoumen.audit.labels import describe

    _issue(duty)
    with translation.override("en"):
        (entry,) = describe(AuditEvent.objects.filter(action="rest_notice.issue"))
        labels = {str(row.label) for row in entry.rows}
    assert {"Rest from", "Rest to"} <= labels


def test_a_roster_solved_after_the_notice_keeps_the_person_off_those_days(duty, nine_days):
    from shoumen.duty.models import Assignment, RosterStatus
    from shoumen.duty.roster_services import roster_solve

    _issue(duty)
    roster = roster_solve(
        actor=duty.staff.user,
        community=duty.community,
        starts_on=MONDAY,
        ends_on=MONDAY + 6 * DAY,
        time_limit_seconds=10,
    )
    roster.refresh_from_db()
    assert roster.status == RosterStatus.SOLVED
    mine = Assignment.objects.filter(roster=roster, person=duty.volunteer)
    assert not mine.filter(date__in=[TUESDAY, WEDNESDAY]).exists()
