import datetime
from io import StringIO

import phonenumbers
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.audit.models import AuditEvent
from shoumen.demo.load import demo_load
from shoumen.demo.management.commands.demo import ERR_NO_DEMO_PASSWORD
from shoumen.demo.plan import DEMO_DISTRICT_CODE, SIZES, community_code, grid_code, street_code
from shoumen.demo.users import DEMO_USERS
from shoumen.lib import crypto
from shoumen.lib.ids import parse_resident_id
from shoumen.places.models import OrgUnit
from shoumen.registry import services
from shoumen.registry.models import PHONE_CONTEXT, Household, Person, Relation
from shoumen.registry.selectors import persons_visible_to

DAY = datetime.date(2026, 6, 1)
PASSWORD = "demo-pass-2026"


def _load(**kwargs):
    return demo_load(size="small", seed=7, password=PASSWORD, day=DAY, **kwargs)


@pytest.fixture
def demo(db):
    return _load()


def _demo_persons():
    district = OrgUnit.objects.get(code=DEMO_DISTRICT_CODE)
    return Person.objects.filter(grid__path__startswith=district.path)


def test_small_demo_loads_every_planned_person(demo):
    assert demo.generated
    assert demo.counts["persons"] == SIZES["small"].persons == _demo_persons().count()
    assert demo.counts["grids"] >= 40
    assert demo.counts["communities"] >= 6
    assert demo.counts["streets"] >= 2


def test_second_load_adds_nothing(demo):
    persons, households, events = (
        Person.objects.count(),
        Household.objects.count(),
        AuditEvent.objects.count(),
    )
    again = demo_load(size="medium", seed=99, password=PASSWORD, day=DAY)
    assert not again.generated
    assert again.counts == demo.counts
    assert (Person.objects.count(), Household.objects.count(), AuditEvent.objects.count()) == (
        persons,
        households,
        events,
    )


def test_load_records_one_audit_event_with_the_counts(db):
    before = AuditEvent.objects.values_list("id", flat=True).first() or 0
    result = _load()
    # Besides what the parts record through their services, as it would have been: the
    # alerts the school rules raise on the demo's clusters, the supplies' movements and
    # reorder levels (and the low-stock alert), the mask campaign and its deliveries, the
    # hotline calls.
    events = AuditEvent.objects.filter(id__gt=before).exclude(
        action__in=[
            "alert.raise",
            "movement.record",
            "reorder_level.set",
            "campaign.create",
            "campaign.deliver",
            "hotline_call.record",
        ]
    )
    assert [e.action for e in events] == ["demo.load"]
    event = events.get()
    assert event.changes["created"]["persons"] == result.counts["persons"]
    assert event.changes["seed"] == 7
    assert sorted(event.changes["users"]) == sorted(u.username for u in DEMO_USERS)


def test_all_id_numbers_are_valid_unique_and_match_sex_and_birth_date(demo):
    numbers = []
    for person in _demo_persons():
        parsed = parse_resident_id(person.id_number(), today=DAY)
        assert (parsed.sex, parsed.birth_date) == (person.sex, person.birth_date)
        numbers.append(parsed.number)
    assert len(numbers) == len(set(numbers)) == SIZES["small"].persons


def test_all_phones_are_valid_chinese_mobiles(demo):
    phones = [p.phone() for p in _demo_persons().exclude(phone_encrypted=None)]
    assert len(phones) > SIZES["small"].persons // 2
    for phone in phones:
        parsed = phonenumbers.parse(phone, "CN")
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE


def test_every_person_is_in_the_grid_of_their_household(demo):
    persons = _demo_persons().select_related("household")
    assert all(p.grid_id == p.household.grid_id for p in persons)


def test_every_household_has_exactly_one_head_who_lives_there(demo):
    district = OrgUnit.objects.get(code=DEMO_DISTRICT_CODE)
    households = Household.objects.filter(grid__path__startswith=district.path)
    assert households.count() == demo.counts["households"]
    for household in households.prefetch_related("members"):
        heads = [m for m in household.members.all() if m.relation_to_head == Relation.HEAD]
        assert [h.pk for h in heads] == [household.head_id]


def test_demo_person_is_stored_exactly_as_the_services_store_it(demo):
    person = _demo_persons().exclude(phone_encrypted=None).order_by("id")[3]
    values = services._current_values(person)
    expected = Person()
    services._apply_values(expected, services._validated_person_values(values, day=DAY))
    for field in (
        "name",
        "sex",
        "birth_date",
        "document_type",
        "id_number_index",
        "id_number_last4_index",
        "phone_index",
        "phone_last4",
        "search_text",
    ):
        assert getattr(person, field) == getattr(expected, field), field
    assert person.id_number() == expected.id_number()
    assert person.phone() == expected.phone()
    assert person.phone_index == crypto.blind_index(person.phone(), context=PHONE_CONTEXT)
    found = services.person_find_by_document(
        document_type=person.document_type, number=person.id_number()
    )
    assert found == person


def test_demo_users_hold_their_roles_at_the_right_units(demo):
    for spec in DEMO_USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(PASSWORD)
        assignment = RoleAssignment.objects.get(user=user)
        assert (assignment.role, assignment.org_unit.code) == (spec.role, spec.unit_code)
    assert {s.unit_code for s in DEMO_USERS if s.username in {"grid1", "grid2"}} == {
        grid_code(1, 1, 1),
        grid_code(1, 1, 2),
    }
    assert User.objects.get(username="admin").is_superuser


def test_grid1_sees_only_the_persons_of_its_grid(demo):
    grid = OrgUnit.objects.get(code=grid_code(1, 1, 1))
    visible = persons_visible_to(User.objects.get(username="grid1"))
    assert visible.exists()
    assert set(visible.values_list("pk", flat=True)) == set(
        Person.objects.filter(grid=grid).values_list("pk", flat=True)
    )


def test_street1_sees_its_street_but_not_the_other(demo):
    street1 = OrgUnit.objects.get(code=street_code(1))
    visible = persons_visible_to(User.objects.get(username="street1"))
    assert visible.count() == Person.objects.filter(grid__path__startswith=street1.path).count()
    assert not visible.filter(grid__code__startswith=street_code(2) + "-").exists()
    assert visible.count() < _demo_persons().count()


def test_volunteer1_sees_no_registry(demo):
    assert not persons_visible_to(User.objects.get(username="volunteer1")).exists()


def test_community1_is_the_first_community_of_street1(demo):
    assignment = RoleAssignment.objects.get(user__username="community1")
    assert assignment.role == Role.COMMUNITY_STAFF
    assert assignment.org_unit.code == community_code(1, 1)
    assert OrgUnit.objects.get_parent(assignment.org_unit).code == street_code(1)


def test_existing_demo_username_is_left_alone(db):
    user = User(username="grid1")
    user.set_password("someone-elses-pass")
    user.save()
    result = _load()
    user.refresh_from_db()
    assert user.check_password("someone-elses-pass")
    assert not user.assignments.exists()
    assert [login.created for login in result.logins if login.username == "grid1"] == [False]


def test_missing_demo_users_are_added_on_a_second_run(demo):
    User.objects.filter(username="volunteer1").delete()
    again = _load()
    assert not again.generated
    assert [login.username for login in again.logins if login.created] == ["volunteer1"]


def test_command_prints_the_logins_and_their_scope(db):
    out = StringIO()
    with override_settings(SHOUMEN_DEMO_PASSWORD=PASSWORD):
        call_command("demo", "--size", "small", "--seed", "3", stdout=out)
    text = out.getvalue()
    for spec in DEMO_USERS:
        assert spec.username in text
    assert grid_code(1, 1, 1) in text
    # The address is printed by `make serve` once the server answers, on the chosen port.
    assert "http://" not in text


def test_command_second_run_says_nothing_was_generated(demo):
    out = StringIO()
    with override_settings(SHOUMEN_DEMO_PASSWORD=PASSWORD):
        call_command("demo", "--size", "small", stdout=out)
    assert "already exists" in out.getvalue()


def test_command_refuses_without_a_demo_password(db):
    with override_settings(SHOUMEN_DEMO_PASSWORD=None), pytest.raises(CommandError) as exc:
        call_command("demo", "--size", "small", stdout=StringIO())
    assert str(exc.value) == str(ERR_NO_DEMO_PASSWORD)
    assert not OrgUnit.objects.filter(code=DEMO_DISTRICT_CODE).exists()
    assert not User.objects.filter(username="grid1").exists()


def test_the_demo_fills_the_daily_figures_of_the_30_days_before_its_day(demo):
    from shoumen.reports.models import DailyFigure

    district = OrgUnit.objects.get(code=DEMO_DISTRICT_CODE)
    days = set(
        DailyFigure.objects.filter(unit=district, metric="observation.follow_ups_due").values_list(
            "date", flat=True
        )
    )
    assert max(days) == DAY - datetime.timedelta(days=1)
    assert min(days) >= DAY - datetime.timedelta(days=30)
    assert len(days) >= 25  # observations start on random days within the period
    assert not DailyFigure.objects.filter(date__gte=DAY).exists()
