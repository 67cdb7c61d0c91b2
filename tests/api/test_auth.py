import pytest
from django.test import Client
from django.utils import timezone

from shoumen.accounts.models import User
from shoumen.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from shoumen.api.errors import ERR_UNAUTHENTICATED

URL = "/api/v1/persons"


def test_personal_access_token_authenticates(world, api):
    response = api(world.grid_worker).get("/persons")
    assert response.status_code == 200
    assert response.json()["count"] == 3


@pytest.mark.parametrize("header", ["Bearer smt_not-a-real-token", "Bearer ", "Token abc", ""])
def test_wrong_or_missing_token_gets_401(world, header):
    headers = {"Authorization": header} if header else {}
    response = Client().get(URL, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": str(ERR_UNAUTHENTICATED)}
    assert response["WWW-Authenticate"] == "Bearer"


def test_wrong_token_on_a_write_gets_401_not_a_csrf_error(world):
    response = Client().post(
        "/api/v1/households",
        {"grid": "G1", "address": "x"},
        content_type="application/json",
        headers={"Authorization": "Bearer smt_wrong"},
    )
    assert response.status_code == 401


def test_revoked_token_gets_401(world):
    token, raw = api_token_create(actor=None, user=world.grid_worker)
    api_token_revoke(actor=None, token=token)
    response = Client().get(URL, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_token_of_deactivated_user_gets_401(world):
    user = world.grid_worker
    _token, raw = api_token_create(actor=None, user=user)
    user.is_active = False
    user.save()
    response = Client().get(URL, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_browser_session_reads_the_api(world, login):
    client = login(world.grid_worker)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_browser_session_write_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.grid_worker)
    response = client.post(
        "/api/v1/households",
        {"grid": "G1", "address": "光华路1号"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_browser_session_write_with_csrf_token_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.grid_worker)
    client.get("/api/v1/docs")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/households",
        {"grid": "G1", "address": "光华路1号"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"] == {
        "title": "Shoumen",
        "version": "v1",
        "description": schema["info"]["description"],
    }
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "BrowserSessionAuth"}
    assert client.get("/api/v1/docs").status_code == 200


def test_the_token_user_is_the_user_as_the_orm_reads_it(world):
    worker = world.grid_worker
    _token, raw = api_token_create(actor=None, user=worker)
    worker.last_login = timezone.now()
    worker.save(update_fields=["last_login"])
    user = api_token_authenticate(raw)
    stored = User.objects.get(pk=worker.pk)
    fields = [f.attname for f in User._meta.concrete_fields]
    assert [getattr(user, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert timezone.is_aware(user.last_login) and timezone.is_aware(user.date_joined)


def test_a_token_records_its_last_use_at_most_every_five_minutes(world):
    token, raw = api_token_create(actor=None, user=world.grid_worker)
    api_token_authenticate(raw)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == first
