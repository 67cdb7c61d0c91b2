import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from shoumen.accounts.models import ApiToken
from shoumen.audit.models import AuditEvent


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_token_create_prints_the_token_as_the_last_word_and_it_authenticates(world):
    output = run("create", "grid_worker", "--name", "phone app")
    token = output.split()[-1]
    response = Client().get("/api/v1/persons", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["count"] == 3
    stored = ApiToken.objects.get(user=world.grid_worker)
    assert stored.name == "phone app"
    assert token not in {stored.digest, stored.prefix}
    assert AuditEvent.objects.filter(action="api_token.create", actor_label="cli").exists()


def test_token_create_for_an_unknown_user_is_a_clear_error(world):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("create", "nobody")


def test_token_revoke_stops_the_token(world):
    token = run("create", "grid_worker").split()[-1]
    output = run("revoke", token[:12])
    assert "Revoked" in output
    response = Client().get("/api/v1/persons", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_token_revoke_of_an_unknown_prefix_is_a_clear_error(world):
    with pytest.raises(CommandError, match="No active token"):
        run("revoke", "smt_zzzzzzzz")
