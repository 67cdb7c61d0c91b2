import json

import pytest
from django.test import Client

from shoumen.accounts.services import api_token_create

BASE = "/api/v1"


class ApiClient:
    """A test client that sends a persona's personal access token and speaks JSON."""

    def __init__(self, token: str):
        self.token = token
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params):
        return self.client.get(BASE + path, params, headers=self.headers)

    def post(self, path: str, body: dict):
        return self._send("post", path, body)

    def patch(self, path: str, body: dict):
        return self._send("patch", path, body)

    def _send(self, method: str, path: str, body: dict):
        send = getattr(self.client, method)
        return send(
            BASE + path, json.dumps(body), content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api(world):
    """``api(world.grid_worker)`` gives a client authenticated with a fresh token."""

    def _api(user) -> ApiClient:
        _token, raw = api_token_create(actor=None, user=user)
        return ApiClient(raw)

    return _api
