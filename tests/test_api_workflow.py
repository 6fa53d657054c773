"""The officer's and approver's workflow through /api/v1/ with real keys: workloads, comparisons
(run synchronously, full results, the snapshot), maker-checker decisions, policy packs, FX rates;
errors as JSON with field-level messages; pinned query counts for the lists."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from procurement import engine, services, summary
from procurement.engine.packs import pack_data
from procurement.models import AuditEvent, Comparison, Decision, Workload
from procurement.roles import APPROVER, OFFICER
from tests.conftest import workload_data, workload_values
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db

DECISION_DATE = "2026-11-26"
REQUESTS = "Enter from 1 to 1,00,00,00,000 requests a day."
WORKLOAD = {
    **workload_data(),
    "mean_input_tokens": "800",
    "mean_output_tokens": "300",
    "cached_input_share_pct": "20",
    "annual_growth_pct": "15",
    "peak_to_average": "3",
    "min_availability_pct": "99.5",
    "start_date": "2027-01-01",
}


@pytest.fixture
def officer(departments):
    """Department A's system with the officer role: (key row, client)."""
    key, plaintext = make_key(departments[0], (OFFICER,), "HMIS")
    return key, client_with(plaintext)


@pytest.fixture
def approver(departments):
    key, plaintext = make_key(departments[0], (APPROVER,), "Approvals desk")
    return key, client_with(plaintext)


# Workloads ------------------------------------------------------------------------------------


def test_a_key_creates_reads_updates_and_archives_a_workload(officer, demo_catalogue):
    key, client = officer
    response = client.post(reverse("api:workload-list"), WORKLOAD)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == body["url"]
    assert type(response.headers["Location"]) is str  # wsgiref refuses str subclasses
    workload = Workload.objects.get(pk=body["id"])
    assert workload.department == key.department and workload.created_by == key.service_user
    assert body["created_by"] == f"api-{key.prefix}" and body["status"] == "active"
    assert body["mean_input_tokens"] == "800.00" and body["languages"] == ["en", "hi"]

    assert client.get(body["url"]).json() == body
    patched = client.patch(body["url"], {"requests_per_day": 80000}).json()
    assert patched["requests_per_day"] == 80000 and patched["title"] == "Citizen helpline"
    replaced = client.put(body["url"], {**WORKLOAD, "title": "Helpline v2"}).json()
    assert replaced["title"] == "Helpline v2" and replaced["requests_per_day"] == 50000

    archived = client.post(reverse("api:workload-archive", args=[workload.pk]))
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    refused = client.patch(body["url"], {"title": "Again"})
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "An archived workload cannot be edited: restore it first, or copy it."
    }
    actions = list(
        AuditEvent.objects.filter(object_type="workload").values_list("action", "actor_name")
    )
    assert actions == [
        ("workload.created", f"api-{key.prefix}"),
        ("workload.updated", f"api-{key.prefix}"),
        ("workload.updated", f"api-{key.prefix}"),
        ("workload.archived", f"api-{key.prefix}"),
    ]


def test_workload_list_filters_orders_and_paginates(officer, alice, demo_catalogue):
    _, client = officer
    for i in range(55):
        services.workload_create(user=alice, values=workload_values(title=f"Workload {i:02d}"))
    services.workload_archive(user=alice, workload=Workload.objects.get(title="Workload 07"))
    first = client.get(reverse("api:workload-list") + "?ordering=title").json()
    assert first["count"] == 55 and len(first["results"]) == 50
    assert first["results"][0]["title"] == "Workload 00"
    assert len(client.get(first["next"]).json()["results"]) == 5
    archived = client.get(reverse("api:workload-list") + "?status=archived").json()
    assert [w["title"] for w in archived["results"]] == ["Workload 07"]
    found = client.get(reverse("api:workload-list") + "?q=Workload 4&ordering=-title").json()
    assert [w["title"] for w in found["results"]][:2] == ["Workload 49", "Workload 48"]
    bad = client.get(reverse("api:workload-list") + "?status=deleted")
    assert bad.status_code == 400 and list(bad.json()) == ["status"]
    assert client.get(reverse("api:workload-list") + "?page=9").status_code == 404


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"colour": "blue"}, {"colour": ["Unknown field."]}),
        ({"status": "archived"}, {"status": ["Read-only field: the server sets it."]}),
        ({"requests_per_day": 0}, {"requests_per_day": [REQUESTS]}),
        ({"requests_per_day": 3_000_000_000}, {"requests_per_day": [REQUESTS]}),
        (
            {"mean_input_tokens": "1000000.01"},
            {"mean_input_tokens": ["Enter from 0 to 10,00,000 tokens."]},
        ),
        (
            {"mean_output_tokens": "12.345"},
            {"mean_output_tokens": ["Ensure that there are no more than 2 decimal places."]},
        ),
        ({"mean_output_tokens": "NaN"}, {"mean_output_tokens": ["A valid number is required."]}),
        (
            {"annual_growth_pct": "-1.7976931348623157e308"},
            {"annual_growth_pct": ["Enter a yearly change from -50 to 500 per cent."]},
        ),
        (
            {"annual_growth_pct": -1.5},
            {"annual_growth_pct": ['Must be a decimal string, e.g. "12.50".']},
        ),
        (
            {"peak_to_average": "1e1"},
            {
                "peak_to_average": [
                    "Write the number with digits and at most one point, e.g. 12.50 (no plus "
                    "sign, exponent or leading zero): '1e1'."
                ]
            },
        ),
        (
            {"estimated_value_inr": "1000000000000"},
            {"estimated_value_inr": ["Enter an amount from ₹0 to ₹9,99,99,99,99,999.99."]},
        ),
        (
            {"languages": ["en", "xx"]},
            {
                "languages": [
                    "Unknown language code(s): xx. See the languages of /api/v1/offerings/."
                ]
            },
        ),
        (
            {"languages": ["en", "Hindi"]},
            {"languages[1]": ["Use a two-letter ISO 639-1 code, e.g. hi."]},
        ),
        ({"languages": []}, {"languages": ["Choose from 1 to 50 languages."]}),
        (
            {"data_classification": ["gossip"]},
            {"data_classification[0]": ['"gossip" is not a valid choice.']},
        ),
        ({"term_years": 11}, {"term_years": ["The product plans contracts of 1 to 10 years."]}),
        (
            {"start_date": "9999-12-31"},
            {"start_date": ["Enter a date from 1 January 2000 to 31 December 2099."]},
        ),
        ({"title": "x\x00y"}, {"title": ["Null characters are not allowed."]}),
        # A rule of the engine itself, reported on its field as the form reports it.
        ({"languages": ["en", "en"]}, {"languages": ["duplicate language 'en'"]}),
    ],
    ids=lambda value: json.dumps(value)[:40] if isinstance(value, dict) else None,
)
def test_bad_workloads_are_refused_field_by_field(
    officer, demo_catalogue, policy_pack, change, errors
):
    _, client = officer
    response = client.post(reverse("api:workload-list"), {**WORKLOAD, **change})
    assert response.status_code == 400
    assert response.json() == errors
    assert not Workload.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('"a string"', "application/json"),
        ("null", "application/json"),
        ('{"title": {"nested": [1, {"x": null}]}}', "application/json"),
        ("title=x", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_bodies_are_a_4xx_with_a_json_message(officer, body, content_type):
    _, client = officer
    response = client.generic("POST", reverse("api:workload-list"), body, content_type)
    assert response.status_code in (400, 415)
    assert response["Content-Type"] == "application/json"
    assert response.json()


def test_a_key_without_the_officer_role_cannot_create(approver):
    _, client = approver
    response = client.post(reverse("api:workload-list"), WORKLOAD)
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}


def test_a_signed_in_officer_uses_the_api_with_the_session_and_its_csrf_token(alice):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(reverse("api:workload-list")).status_code == 200
    refused = client.post(reverse("api:workload-list"), WORKLOAD)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert client.get(reverse("api:ping")).json() == {
        "user": "alice",
        "department": "health",
        "api_key": None,
    }


# Comparisons ----------------------------------------------------------------------------------


def run_comparison(client, workload: Workload) -> dict:
    response = client.post(
        reverse("api:comparison-list"), {"workload": workload.pk, "decision_date": DECISION_DATE}
    )
    assert response.status_code == 201, response.content[:500]
    assert response.headers["Location"] == response.json()["url"]
    assert type(response.headers["Location"]) is str
    return response.json()


def test_running_a_comparison_returns_the_full_result_and_stores_the_snapshot(
    officer, workload, policy_pack, demo_catalogue
):
    key, client = officer
    body = run_comparison(client, workload)
    comparison = Comparison.objects.get()
    snapshot = comparison.snapshot_document()
    assert body["id"] == comparison.pk and body["workload"] == workload.pk
    assert body["results"] == snapshot["results"]
    assert body["fingerprint"] == comparison.fingerprint == engine.fingerprint(snapshot)
    assert (
        body["recommended_offer_id"] == snapshot["results"]["recommendation"]["award"]["offer_id"]
    )
    assert (
        body["policy_pack"]["slug"] == "india-default" and body["created_by"] == f"api-{key.prefix}"
    )
    assert body["decision_date"] == DECISION_DATE and body["uses_demo_data"] is True

    detail = client.get(body["url"])
    assert detail["Content-Type"] == "application/json"
    assert detail.json() == body

    raw = client.get(body["snapshot_url"])
    assert raw.status_code == 200 and raw["Content-Type"] == "application/json"
    assert raw.content.decode() == comparison.snapshot
    assert engine.fingerprint(json.loads(raw.content)) == body["fingerprint"]


def test_list_and_detail_write_the_summary_the_schema_documents(officer, comparison):
    from procurement.api.serializers import ComparisonDetailSerializer, ComparisonSerializer

    _, client = officer
    (listed,) = client.get(reverse("api:comparison-list")).json()["results"]
    detail = client.get(listed["url"]).json()
    assert list(listed) == list(ComparisonSerializer().fields)
    assert list(detail) == list(ComparisonDetailSerializer().fields)
    assert {k: v for k, v in detail.items() if k != "results"} == listed


def test_the_detail_serves_the_results_stored_at_insert_byte_for_byte(officer, comparison):
    """Stored once, in the comparison's transaction: the snapshot's results, canonical."""
    snapshot = comparison.snapshot_document()
    stored = comparison.results.json()
    assert stored == engine.canonical_json(snapshot["results"])
    assert stored in comparison.snapshot.encode()
    _, client = officer
    body = client.get(reverse("api:comparison-detail", args=[comparison.pk])).content
    assert body.endswith(b',"results":' + stored + b"}")


@pytest.mark.parametrize("bad_id", ["null,null", "1e3", "x" * 50])
def test_a_comparison_id_that_cannot_be_one_is_a_404(officer, bad_id):
    _, client = officer
    response = client.get(f"/api/v1/comparisons/{bad_id}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Comparison matches the given query."}


def test_a_decision_date_before_the_adopted_pack_is_in_force_is_a_409_naming_it(
    officer, workload, policy_pack, demo_catalogue
):
    """The date is a valid one: the department's adopted pack refuses it (a conflict)."""
    _, client = officer
    response = client.post(
        reverse("api:comparison-list"), {"workload": workload.pk, "decision_date": "2001-01-01"}
    )
    assert response.status_code == 409
    message = response.json()["detail"]
    assert message.startswith("decision_date")
    assert f"india-default version {policy_pack.version}" in message and "before it" in message


def test_an_archived_workload_cannot_be_compared(officer, workload, policy_pack, demo_catalogue):
    _, client = officer
    services.workload_archive(user=workload.created_by, workload=workload)
    response = client.post(reverse("api:comparison-list"), {"workload": workload.pk})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "An archived workload cannot be compared: restore it first, or copy it."
    }


# Decisions (maker-checker) ----------------------------------------------------------------------


def test_maker_checker_holds_for_keys_as_for_people(
    departments, workload, policy_pack, demo_catalogue
):
    _, both = make_key(departments[0], (OFFICER, APPROVER), "Both roles")
    _, approving = make_key(departments[0], (APPROVER,), "Approvals desk")
    officer_client, approver_client = client_with(both), client_with(approving)
    comparison = run_comparison(officer_client, workload)

    proposed = officer_client.post(
        reverse("api:decision-list"),
        {"comparison": comparison["id"], "offer_id": comparison["recommended_offer_id"]},
    )
    assert proposed.status_code == 201, proposed.json()
    decision = proposed.json()
    assert decision["status"] == "proposed" and decision["follows_recommendation"] is True

    own = officer_client.post(reverse("api:decision-approve", args=[decision["id"]]), {})
    assert own.status_code == 403
    assert own.json() == {
        "detail": "The person who proposed an award cannot also approve or return it, whether "
        "signed in or through any API key they hold."
    }
    no_note = approver_client.post(reverse("api:decision-return", args=[decision["id"]]), {})
    assert no_note.status_code == 400
    assert no_note.json() == {"note": ["Say why it is returned, so the officer can act on it."]}

    approved = approver_client.post(
        reverse("api:decision-approve", args=[decision["id"]]), {"note": "Within budget."}
    )
    assert approved.status_code == 200
    assert (
        approved.json()["status"] == "approved"
        and approved.json()["decision_note"] == "Within budget."
    )
    again = approver_client.post(
        reverse("api:decision-return", args=[decision["id"]]), {"note": "x"}
    )
    assert again.status_code == 409
    assert again.json() == {"detail": "This decision is already approved."}
    assert Decision.objects.get().status == Decision.Status.APPROVED


def test_a_proposal_that_departs_from_the_recommendation_needs_a_reason(officer, comparison):
    _, client = officer
    results = comparison.snapshot_document()["results"]
    other = next(
        o["offer_id"]
        for o in results["offers"]
        if o["eligible"] and o["offer_id"] != comparison.recommended_offer_id
    )
    url = reverse("api:decision-list")
    # Rules the comparison's results decide: 409s, in words.
    response = client.post(url, {"comparison": comparison.pk, "offer_id": other})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "reason: Say why the award departs from the recommendation; it goes on file."
    }
    response = client.post(url, {"comparison": comparison.pk, "offer_id": "no-such-offer"})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "offer_id: Choose one of the offers that passed every rule."
    }
    response = client.post(
        url, {"comparison": comparison.pk, "offer_id": other, "reason": "Needs the context."}
    )
    assert response.status_code == 201 and response.json()["follows_recommendation"] is False


def test_returning_a_proposal_lets_the_officer_propose_again(officer, approver, comparison):
    _, officer_client = officer
    _, approver_client = approver
    body = {"comparison": comparison.pk, "offer_id": comparison.recommended_offer_id}
    first = officer_client.post(reverse("api:decision-list"), body).json()
    assert officer_client.post(reverse("api:decision-list"), body).status_code == 409
    returned = approver_client.post(
        reverse("api:decision-return", args=[first["id"]]), {"note": "Attach the test report."}
    )
    assert returned.json()["status"] == "returned"
    assert officer_client.post(reverse("api:decision-list"), body).status_code == 201
    listed = officer_client.get(reverse("api:decision-list") + f"?comparison={comparison.pk}")
    assert [d["status"] for d in listed.json()["results"]] == ["proposed", "returned"]


# Shared data: policy packs and FX rates -----------------------------------------------------------


def test_policy_packs_are_listed_and_read_by_slug_and_version(officer, policy_pack):
    _, client = officer
    listed = client.get(reverse("api:policy-pack-list")).json()
    # Every pack shipped with the engine is stored by the migrations.
    assert [(p["slug"], p["version"]) for p in listed["results"]] == [
        ("demo-state-transition", pack_data("demo-state-transition")["version"]),
        ("india-default", policy_pack.version),
    ]
    detail = client.get(listed["results"][1]["url"]).json()
    assert detail["document"] == policy_pack.document and detail["status"] == "published"
    missing = client.get(reverse("api:policy-pack-detail", args=["india-default", 99]))
    assert missing.status_code == 404


def test_fx_rates_are_public_with_their_sources(demo_catalogue):
    body = client_with().get(reverse("api:fx-rate-list") + "?currency=USD&ordering=-date").json()
    assert body["count"] >= 1
    rate = body["results"][0]
    assert set(rate) == {
        "currency",
        "rate_to_inr",
        "date",
        "source_url",
        "source_note",
        "checked_on",
        "is_demo",
    }
    assert rate["currency"] == "USD" and "." in rate["rate_to_inr"]


# Query counts -----------------------------------------------------------------------------------

# Pinned per request with a key: the key (with its account, holder and department), the role's
# permissions (the holder's current roles included, in the same query), the count and the page;
# the throttle lives in the cache. A list that starts making more fails here.
API_QUERIES = {
    "workloads": 4,
    "comparisons": 4,
    "decisions": 4,
    "comparison": 3,
    "ping": 1,
    "awards": 4,
    "usage": 4,
}


@pytest.mark.parametrize("size", [2, 20])
def test_list_endpoints_make_the_same_number_of_queries_whatever_their_size(
    officer, alice, bob, policy_pack, demo_catalogue, django_assert_num_queries, size
):
    _, client = officer
    workload = services.workload_create(user=alice, values=workload_values())
    comparison = None
    for day in range(size):
        comparison = services.comparison_run(
            user=alice,
            workload=workload,
            decision_date=dt.date(2026, 11, 1) + dt.timedelta(days=day),
        )
        decision = services.decision_propose(
            user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
        )
        if day % 2:  # half are awards, with their contract's dates recorded
            decision = services.decision_approve(user=bob, decision=decision)
            summary.award_fact_record(decision)
    for _ in range(size - 1):
        services.workload_create(user=alice, values=workload_values())
    client.get(reverse("api:ping"))  # the key's last use is recorded once, not per request
    urls = {
        "workloads": reverse("api:workload-list"),
        "comparisons": reverse("api:comparison-list"),
        "decisions": reverse("api:decision-list"),
        "comparison": reverse("api:comparison-detail", args=[comparison.pk]),
        "ping": reverse("api:ping"),
        "awards": reverse("api:award-list"),
        "usage": reverse("api:award-usage", args=[decision.pk]),
    }
    for name, url in urls.items():
        with django_assert_num_queries(API_QUERIES[name]):
            response = client.get(url)
        assert response.status_code == 200, name


def test_a_workload_at_the_top_of_every_range_is_refused_by_the_cost_ceiling(
    officer, alice, policy_pack, demo_catalogue
):
    """Issue 10, defect 7: "allowed inputs produce awards of ₹1.7×10^46 with no warning". The
    largest workload the ranges allow costs more than the Union budget's total expenditure of a
    year with every offer: a 400 naming each offer and the ceiling, nothing stored."""
    _, client = officer
    huge = services.workload_create(
        user=alice,
        values=workload_values(
            languages=["en"],
            requests_per_day=10**9,
            mean_input_tokens=50_000,  # within the offers' context windows: some stay eligible
            mean_output_tokens=50_000,
            annual_growth_pct=500,
            peak_to_average=100,
            term_years=10,
            data_classification=["public"],
            max_p95_latency_ms=None,
            min_availability_pct=None,
        ),
    )
    response = client.post(
        reverse("api:comparison-list"), {"workload": huge.pk, "decision_date": DECISION_DATE}
    )
    # The workload alone was valid: its meeting with today's catalogue is the conflict.
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert detail.startswith("workload: offers[") and "above the engine's cost ceiling" in detail
    assert not Comparison.objects.exists()
