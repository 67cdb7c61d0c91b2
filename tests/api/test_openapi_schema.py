"""The OpenAPI schema tells the truth: one component per type (visit outcomes are not alert
outcomes), and every operation lists the error statuses it answers."""

import enum
import typing

import pytest
from pydantic import BaseModel

from shoumen.alerts.models import Outcome as AlertOutcome
from shoumen.api.main import api as ninja_api
from shoumen.api.responses import ERROR_STATUSES
from shoumen.screening.models import Outcome as VisitOutcome

UNSAFE = {"post", "patch", "put", "delete"}


@pytest.fixture
def schema(client, world):
    client.force_login(world.grid_worker)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _ref_name(prop: dict) -> str:
    ref = prop.get("$ref") or next(
        (item["$ref"] for item in prop.get("allOf", []) + prop.get("anyOf", []) if "$ref" in item),
        "",
    )
    return ref.rsplit("/", 1)[-1]


def test_visit_outcomes_and_alert_outcomes_are_separate_components(schema):
    components = schema["components"]["schemas"]
    visit = _ref_name(components["VisitIn"]["properties"]["outcome"])
    alert = _ref_name(components["ResolveIn"]["properties"]["outcome"])
    assert (visit, alert) == ("VisitOutcome", "AlertOutcome")
    assert components[visit]["enum"] == VisitOutcome.values
    assert components[alert]["enum"] == AlertOutcome.values
    assert components[visit]["enum"] != components[alert]["enum"]


def _types_by_name() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    visited: set[type] = set()

    def walk(annotation):
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum | BaseModel):
            found.setdefault(annotation.__name__, set()).add(
                f"{annotation.__module__}.{annotation.__qualname__}"
            )
            if issubclass(annotation, BaseModel) and annotation not in visited:
                visited.add(annotation)
                for field in annotation.model_fields.values():
                    walk(field.annotation)
            return
        for argument in typing.get_args(annotation):
            walk(argument)

    for _prefix, router in ninja_api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    walk(model)
                for model in operation.response_models.values():
                    walk(model)
    return found


def test_no_two_types_of_the_api_share_a_component_name():
    shared = {name: kinds for name, kinds in _types_by_name().items() if len(kinds) > 1}
    assert shared == {}


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_the_error_statuses_it_can_answer(schema):
    missing = {}
    for path, method, operation in _operations(schema):
        documented = {int(code) for code in operation["responses"]}
        needed = {401}
        if operation.get("parameters") or "requestBody" in operation:
            needed.add(422)
        if "requestBody" in operation:
            needed.add(400)  # a body that is not JSON
        if method in UNSAFE:
            needed.add(403)  # a browser session without its CSRF token
        if "{" in path:
            needed.add(404)
        if needed - documented:
            missing[f"{method.upper()} {path}"] = sorted(needed - documented)
    assert missing == {}


def test_error_statuses_are_documented_with_the_error_shape(schema):
    for _path, _method, operation in _operations(schema):
        for code, response in operation["responses"].items():
            if int(code) >= 400:
                assert int(code) in ERROR_STATUSES
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[-1] in {"ErrorOut", "DuplicateOut"}


def test_the_rate_limited_lookup_documents_429_and_the_duplicate_person_409(schema):
    paths = schema["paths"]
    assert "429" in paths["/api/v1/checkpoints/{id}/residents"]["get"]["responses"]
    assert "409" in paths["/api/v1/persons"]["post"]["responses"]
    assert "409" in paths["/api/v1/persons/{id}"]["patch"]["responses"]
