"""The OpenAPI contract: valid, complete (every route, every error answer), with examples, and
what the endpoints answer matches it (schemathesis checks the same against a live server in
.ci/run; these tests catch it sooner)."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse
from openapi_schema_validator import OAS30Validator

from procurement.exports import XLSX_TYPE
from tests.test_api_support import client_with, make_key
from tests.test_api_tenancy import api_routes

pytestmark = pytest.mark.django_db

NOT_IN_SCHEMA = {"schema", "swagger-ui", "api:api-root"}  # the schema itself, its UI, an index
DOWNLOADS = {"application/pdf", XLSX_TYPE, "text/csv"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get(reverse("schema"))
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_the_schema_is_valid_openapi(schema):
    from openapi_spec_validator import validate

    validate(schema)


def test_every_api_route_is_in_the_schema(schema):
    documented = set(schema["paths"])
    for name, pattern in api_routes().items():
        if name in NOT_IN_SCHEMA:
            continue
        assert pattern.path_template.replace("{pk}", "{id}") in documented, name


def test_every_operation_has_a_summary_examples_and_its_error_answers(schema):
    for name, operation in operations(schema):
        assert operation.get("summary"), f"{name}: no summary"
        responses = operation["responses"]
        success = next(code for code in responses if code.startswith("2"))
        content = responses[success]["content"]
        if "application/json" in content:
            assert content["application/json"].get("examples"), f"{name}: no example of {success}"
        else:  # a download: its answer is the file itself, of one declared type
            assert len(content) == 1 and set(content) <= DOWNLOADS, f"{name}: {set(content)}"
        assert {"401", "429"} <= set(responses), f"{name}: error answers not documented"
        if "requestBody" in operation and name != "POST /api/v1/workloads/{id}/archive/":
            # JSON, or multipart/form-data where a file is uploaded (the community's).
            [body] = operation["requestBody"]["content"].values()
            assert body.get("examples"), f"{name}: no request example"
        for code, response in responses.items():
            assert code.startswith("2") or response["description"], f"{name} {code}: no text"


def conforms(schema, component: str, instance) -> list[str]:
    """Validation errors of ``instance`` against a component of the schema."""
    validator = OAS30Validator(
        {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def test_the_spliced_comparison_detail_matches_its_schema(schema, departments, comparison):
    _, key = make_key(departments[0])
    body = client_with(key).get(reverse("api:comparison-detail", args=[comparison.pk])).json()
    assert conforms(schema, "ComparisonDetail", body) == []
    assert list(body)[-1] == "results" and body["results"]["offers"]


def test_errors_match_their_schema(schema, departments):
    _, key = make_key(departments[0])
    client = client_with(key)
    bad = client.post(reverse("api:workload-list"), {"languages": [1, {}], "nope": 1}).json()
    validation = schema["paths"]["/api/v1/workloads/"]["post"]["responses"]["400"]
    validator = OAS30Validator(validation["content"]["application/json"]["schema"])
    assert list(validator.iter_errors(bad)) == []
    assert bad["nope"] == ["Unknown field."] and "languages[1]" in bad
    missing = client.get(reverse("api:workload-detail", args=[99])).json()
    assert conforms(schema, "Error", missing) == []
