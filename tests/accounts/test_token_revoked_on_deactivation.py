"""A deactivated user's API tokens are revoked for good, with an audit event for each."""

from shoumen.accounts.models import ApiToken
from shoumen.accounts.services import (
    REASON_USER_DEACTIVATED,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    user_set_active,
)
from shoumen.audit.models import AuditEvent


def test_deactivating_a_user_revokes_their_tokens(world):
    phone, raw_phone = api_token_create(actor=None, user=world.grid_worker, name="phone")
    _laptop, raw_laptop = api_token_create(actor=None, user=world.grid_worker, name="laptop")
    user_set_active(actor=world.community_staff, user=world.grid_worker, active=False)
    tokens = ApiToken.objects.filter(user=world.grid_worker)
    assert all(t.revoked_at is not None for t in tokens)
    assert api_token_authenticate(raw_phone) is None
    assert api_token_authenticate(raw_laptop) is None
    events = AuditEvent.objects.filter(
        action="api_token.revoke", target_id=str(world.grid_worker.pk)
    )
    assert events.count() == 2
    assert {e.reason for e in events} == {str(REASON_USER_DEACTIVATED)}
    assert all(e.actor_id == world.community_staff.pk for e in events)
    assert {e.changes["token"][0] for e in events} == {t.prefix + "…" for t in tokens}
    assert phone.prefix + "…" in {e.changes["token"][0] for e in events}


def test_reactivating_a_user_does_not_bring_their_tokens_back(world):
    _token, raw = api_token_create(actor=None, user=world.grid_worker)
    user_set_active(actor=world.community_staff, user=world.grid_worker, active=False)
    user_set_active(actor=world.community_staff, user=world.grid_worker, active=True)
    assert api_token_authenticate(raw) is None
    _new, fresh = api_token_create(actor=None, user=world.grid_worker)
    assert api_token_authenticate(fresh) == world.grid_worker


def test_a_token_revoked_earlier_keeps_its_revocation_time(world):
    token, _raw = api_token_create(actor=None, user=world.grid_worker)
    api_token_revoke(actor=None, token=token)
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    user_set_active(actor=world.community_staff, user=world.grid_worker, active=False)
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
