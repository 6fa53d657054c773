"""The public catalogue API and its OpenAPI contract."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse

from tests.catalogue_builder import build_catalogue

pytestmark = pytest.mark.django_db

API_QUERIES = {"providers": 5, "offerings": 7, "provider": 9, "offering": 9, "filtered": 8}


@pytest.mark.parametrize("size", [10, 200])
def test_endpoints_make_the_same_number_of_queries_whatever_the_catalogue_size(
    client, django_assert_num_queries, size
):
    offering = build_catalogue(size)[0]
    urls = {
        "providers": reverse("api:provider-list"),
        "offerings": reverse("api:offering-list"),
        "provider": reverse("api:provider-detail", args=[offering.provider.slug]),
        "offering": reverse("api:offering-detail", args=[offering.slug]),
        "filtered": reverse("api:offering-list")
        + "?hosted_in_india=true&language=hi&ordering=-name",
    }
    for name, url in urls.items():
        with django_assert_num_queries(API_QUERIES[name]):
            response = client.get(url)
        assert response.status_code == 200, name


def test_offering_list_is_paginated_and_carries_prices_as_exact_strings(client, db):
    build_catalogue(60, providers=3)
    first = client.get(reverse("api:offering-list")).json()
    assert first["count"] == 60 and len(first["results"]) == 50 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 10 and second["next"] is None
    serverless = next(o for o in first["results"] if o["pricing_mode"] == "serverless")
    assert serverless["current_price"]["input_per_mtok"] == "29.280000"
    assert serverless["current_price"]["effective_from"] == "2026-01-01"
    assert serverless["current_price"]["is_demo"] is True


def test_offering_detail_has_history_evaluations_and_certifications(client, small_catalogue):
    body = client.get(reverse("api:offering-detail", args=["desi-llm"])).json()
    assert [p["effective_from"] for p in body["prices"]] == ["2026-01-01", "2025-06-01"]
    assert body["prices"][0]["source_url"] == "https://example.org/desi-prices"
    assert body["prices"][0]["checked_on"] == "2026-01-05"
    assert {
        "use_case": "health",
        "language": "hi",
        "score": "81.50",
        "evaluator": "Test Lab",
        "evaluator_accredited": True,
    }.items() <= body["evaluations"][0].items()
    assert {(c["kind"], c["valid_today"]) for c in body["certifications"]} == {
        ("iso27001", True),
        ("soc2", False),
    }
    assert [r["code"] for r in body["processing_regions"]] == ["test-mumbai"]
    assert body["languages"] == ["en", "hi"]


def test_a_provider_carries_its_billing_country_and_offerings(client, small_catalogue):
    body = client.get(reverse("api:provider-detail", args=["global-ai"])).json()
    assert (body["headquarters_country"], body["billing_country"]) == ("US", "SG")
    assert [o["slug"] for o in body["offerings"]] == ["global-mini"]
    listing = client.get(reverse("api:provider-list")).json()["results"]
    assert {p["slug"]: p["billing_country"] for p in listing} == {"desi-ai": "", "global-ai": "SG"}


def test_filters_match_the_pages(client, small_catalogue):
    def slugs(url: str) -> list[str]:
        return [item["slug"] for item in client.get(url).json()["results"]]

    assert slugs(reverse("api:provider-list") + "?ownership=domestic") == ["desi-ai"]
    assert slugs(reverse("api:provider-list") + "?hosted_in_india=false") == ["global-ai"]
    assert slugs(reverse("api:offering-list") + "?pricing_mode=dedicated") == ["desi-h100"]
    assert slugs(reverse("api:offering-list") + "?language=hi&ordering=name") == [
        "desi-h100",
        "desi-llm",
    ]
    assert slugs(reverse("api:offering-list") + "?use_case=health") == ["desi-llm"]


def test_bad_filter_values_are_a_400_naming_the_field(client, small_catalogue):
    response = client.get(reverse("api:offering-list") + "?pricing_mode=barter")
    assert response.status_code == 400
    assert "pricing_mode" in response.json()


def test_unknown_slug_is_a_404(client, db):
    assert client.get(reverse("api:offering-detail", args=["nope"])).status_code == 404


def test_the_catalogue_api_is_read_only(client, small_catalogue):
    assert client.post(reverse("api:offering-list"), {}).status_code in (401, 403, 405)
    assert client.delete(reverse("api:offering-detail", args=["desi-llm"])).status_code in (
        401,
        403,
        405,
    )


def test_the_openapi_schema_is_valid_and_lists_the_catalogue(client, db):
    from openapi_spec_validator import validate

    response = client.get(reverse("schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/providers/",
        "/api/v1/providers/{slug}/",
        "/api/v1/offerings/",
        "/api/v1/offerings/{slug}/",
    ):
        assert "get" in schema["paths"][path], path
    params = {p["name"] for p in schema["paths"]["/api/v1/offerings/"]["get"]["parameters"]}
    assert {"hosted_in_india", "language", "pricing_mode", "certification", "page"} <= params


def test_swagger_ui_is_served_from_local_static_files(client, db):
    html = client.get(reverse("swagger-ui")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_swagger_ui_page_satisfies_the_content_security_policy(client, db):
    import base64
    import hashlib
    import re

    response = client.get(reverse("swagger-ui"))
    policy = response["Content-Security-Policy"]
    assert "script-src" not in policy and "'unsafe-inline'" not in policy
    assert not re.search(r"<script>(?!\s*</script>)", response.content.decode())
    for style in re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S):
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
