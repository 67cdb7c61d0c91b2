import base64
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from shoumen.audit.models import AuditEvent
from shoumen.checkpoints import signing
from shoumen.checkpoints.models import Checkpoint, PassStatus, RevokeReason, Verdict
from shoumen.checkpoints.models import VerdictReason as Why
from shoumen.checkpoints.services import (
    ERR_NOT_MANUALLY_REVOKED,
    pass_check,
    pass_issue,
    pass_restore,
    pass_revoke,
    pass_token,
)
from shoumen.lib.names import mask_name
from shoumen.observation.models import Kind, Reason
from shoumen.observation.services import observation_complete, observation_start
from shoumen.registry.household_services import building_create, household_create, household_move
from shoumen.registry.models import Status
from shoumen.registry.services import person_move, person_set_status

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(settings):
    settings.PASS_VALID_DAYS = 30
    settings.PASS_EXPIRY_WARNING_DAYS = 3
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def gate(world):
    return Checkpoint.objects.create(community=world.community, name="北门")


@pytest.fixture
def issued(world):
    return pass_issue(actor=world.grid_worker, person=world.shan)


def check(token, gate, **kw):
    return pass_check(token=token, checkpoint=gate, **kw)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def test_a_fresh_pass_lets_its_holder_through_showing_only_a_masked_name(issued, gate):
    result = check(pass_token(issued), gate)
    assert (result.verdict, result.reason, result.display_name) == (Verdict.ALLOW, Why.OK, "单*")


def test_a_tampered_payload_is_forged(issued, gate):
    prefix, kid, payload, signature = pass_token(issued).split(".")
    claims = signing._unb64(payload).replace(b"2026-12-20", b"2027-12-20")
    tampered = ".".join([prefix, kid, signing._b64(claims), signature])
    assert check(tampered, gate).reason == Why.FORGED


@pytest.mark.parametrize("token", ["", "hello", "SM1.x.y.z", "SM1.00000000.e30.AAAA"])
def test_garbage_is_forged(gate, token):
    assert (check(token, gate).verdict, check(token, gate).reason) == (Verdict.DENY, Why.FORGED)


def test_a_token_signed_by_another_key_is_forged(issued, gate, settings):
    token = pass_token(issued)
    settings.SHOUMEN_PASS_SIGNING_KEY = b"z" * 32
    assert check(token, gate).reason == Why.FORGED


def test_a_retired_key_still_verifies_after_rotation(issued, gate, settings):
    token = pass_token(issued)
    old = Ed25519PrivateKey.from_private_bytes(settings.SHOUMEN_PASS_SIGNING_KEY)
    settings.SHOUMEN_PASS_RETIRED_PUBLIC_KEYS = [
        b64(old.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    ]
    settings.SHOUMEN_PASS_SIGNING_KEY = b"z" * 32
    assert check(token, gate).verdict == Verdict.ALLOW


def test_an_expired_pass_is_denied_and_one_about_to_expire_warns(issued, gate):
    token = pass_token(issued)
    assert check(token, gate, day=TODAY + datetime.timedelta(days=28)).reason == Why.EXPIRING
    assert check(token, gate, day=TODAY + datetime.timedelta(days=31)).reason == Why.EXPIRED


def test_reissuing_kills_the_old_qr(world, issued, gate):
    old = pass_token(issued)
    new = pass_issue(actor=world.grid_worker, person=world.shan)
    assert new.version == 2
    assert check(old, gate).reason == Why.OLD_VERSION
    assert check(pass_token(new), gate).verdict == Verdict.ALLOW


def test_another_communitys_post_denies_the_pass(world, issued):
    other = Checkpoint.objects.create(community=world.unit("C2"), name="南门")
    assert check(pass_token(issued), other).reason == Why.OTHER_COMMUNITY


def test_a_post_for_some_buildings_only_denies_the_others(world, issued, gate):
    gate.buildings.set([world.building_a])
    assert check(pass_token(issued), gate).verdict == Verdict.ALLOW
    other = pass_issue(actor=world.admin_user, person=world.neighbour)
    assert check(pass_token(other), gate).reason == Why.BUILDING


def test_a_fever_at_the_gate_denies_entry(issued, gate):
    assert check(pass_token(issued), gate, temperature=Decimal("37.3")).reason == Why.FEVER
    assert check(pass_token(issued), gate, temperature=Decimal("36.8")).verdict == Verdict.ALLOW


def test_home_isolation_revokes_the_pass_and_its_end_restores_it(world, issued, gate):
    obs = observation_start(
        actor=world.grid_worker,
        person=world.shan,
        kind=Kind.HOME_ISOLATION,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=TODAY,
    )
    issued.refresh_from_db()
    assert (issued.status, issued.revoke_reason) == (PassStatus.REVOKED, RevokeReason.ISOLATION)
    assert check(pass_token(issued), gate).reason == Why.ISOLATION
    observation_complete(actor=None, observation=obs)
    issued.refresh_from_db()
    assert issued.status == PassStatus.VALID
    assert check(pass_token(issued), gate).verdict == Verdict.ALLOW
    actions = list(
        AuditEvent.objects.filter(target_type="checkpoints.pass")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["pass.issue", "pass.revoke", "pass.restore"]


def test_health_monitoring_does_not_revoke_the_pass(world, issued):
    observation_start(
        actor=world.grid_worker,
        person=world.shan,
        kind=Kind.HOME_MONITORING,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=TODAY,
    )
    issued.refresh_from_db()
    assert issued.status == PassStatus.VALID


def test_moving_out_revokes_the_pass(world, issued, gate):
    person_set_status(
        actor=world.grid_worker, person=world.shan, status=Status.MOVED_OUT, reason="搬走"
    )
    issued.refresh_from_db()
    assert issued.revoke_reason == RevokeReason.MOVED_OUT
    assert check(pass_token(issued), gate).reason == Why.REVOKED


def test_a_manual_revocation_outlasts_the_automatic_rules(world, issued, gate):
    pass_revoke(actor=world.community_staff, pass_=issued, reason="冒用他人出入证")
    obs = observation_start(
        actor=world.grid_worker,
        person=world.shan,
        kind=Kind.HOME_ISOLATION,
        reason=Reason.CLOSE_CONTACT,
        last_exposure_date=TODAY,
    )
    observation_complete(actor=None, observation=obs)
    issued.refresh_from_db()
    assert (issued.status, issued.revoke_reason) == (PassStatus.REVOKED, RevokeReason.MANUAL)
    restored = pass_restore(actor=world.community_staff, pass_=issued, reason="核实无误")
    assert restored.status == PassStatus.VALID


def test_only_a_manual_revocation_is_restored_by_staff(world, issued):
    with pytest.raises(ValidationError) as exc:
        pass_restore(actor=world.community_staff, pass_=issued, reason="恢复")
    assert exc.value.messages == [str(ERR_NOT_MANUALLY_REVOKED)]


def test_a_volunteer_cannot_issue_passes(world):
    with pytest.raises(PermissionDenied):
        pass_issue(actor=world.volunteer, person=world.shan)


@pytest.mark.parametrize(
    ("name", "masked"), [("单明", "单*"), ("欧阳娜娜", "欧阳**"), ("王", "王*"), ("", "")]
)
def test_names_are_masked_after_the_surname(name, masked):
    assert mask_name(name) == masked


def test_pass_keys_prints_the_current_public_key(settings):
    out = io.StringIO()
    call_command("pass-keys", stdout=out)
    ((kid, public, label),) = [line.split() for line in out.getvalue().splitlines()]
    assert (kid, label) == (next(iter(signing.public_keys())), "current")
    assert public == signing.public_keys()[kid]


def test_a_pass_follows_its_holder_to_another_household_of_the_community(world, issued, gate):
    neighbours, before = world.neighbour.household, world.shan.household_id  # 7号楼, G2
    gate.buildings.set([neighbours.building])
    assert check(pass_token(issued), gate).reason == Why.BUILDING
    person_move(actor=world.admin_user, person=world.shan, household=neighbours)
    issued.refresh_from_db()
    assert (issued.household_id, issued.version) == (neighbours.pk, 1)
    assert check(pass_token(issued), gate).reason == Why.OK
    event = AuditEvent.objects.get(action="pass.move")
    assert event.changes == {"household": [before, neighbours.pk]}


def test_a_move_to_another_community_moves_the_pass_and_retires_the_old_qr(world, issued):
    old_token = pass_token(issued)
    elsewhere = household_create(
        actor=world.admin_user, grid=world.unit("G3"), address="永安里1号", unit="", door_number="1"
    )
    person_move(actor=world.admin_user, person=world.shan, household=elsewhere)
    issued.refresh_from_db()
    assert (issued.community_id, issued.version) == (world.unit("C2").pk, 2)
    new_gate = Checkpoint.objects.create(community=world.unit("C2"), name="永安南门")
    assert check(old_token, new_gate).reason == Why.OLD_VERSION
    assert check(pass_token(issued), new_gate).reason == Why.OK


def test_a_household_moved_to_another_community_takes_its_members_passes_along(world, issued):
    household_move(
        actor=world.admin_user,
        household=world.household_a,
        grid=world.unit("G3"),
        address="永安里2号",
    )
    issued.refresh_from_db()
    assert (issued.community_id, issued.version) == (world.unit("C2").pk, 2)
    assert AuditEvent.objects.filter(action="pass.move").count() == 1


def test_a_household_moved_to_another_building_marks_its_passes_changed(world, issued):
    other = building_create(actor=world.admin_user, grid=world.grid_a, name="6号楼", units=2)
    before = issued.changed_at
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        household_move(
            actor=world.admin_user,
            household=world.household_a,
            grid=world.grid_a,
            building=other,
            unit="1",
            door_number="101",
        )
    issued.refresh_from_db()
    assert issued.changed_at > before and issued.version == 1
    event = AuditEvent.objects.get(action="pass.move")
    assert event.changes == {"building": [world.building_a.pk, other.pk]}
