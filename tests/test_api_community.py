"""The community's API: the public lists show only what a catalogue steward accepted; members
signed in submit evaluations, benchmarks and measurements, read by the pages' forms (the same
fields, the same messages, by field); anyone else — a department's API key included — is
refused; one evaluator organisation never sees another's submissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from procurement import community, selectors
from procurement.models import (
    Benchmark,
    Contributor,
    EvaluationSubmission,
    EvidenceFile,
    Measurement,
)
from procurement.roles import PRACTITIONERS
from tests.community import OFFER, PDF, evidence, item_results, make_community, person
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db

EVALUATIONS = reverse("api:community-evaluation-list")
EVALUATORS = reverse("api:community-evaluator-list")
BENCHMARKS = reverse("api:community-benchmark-list")
MEASUREMENTS = reverse("api:community-measurement-list")
SUBMISSIONS = reverse("api:community-submission-list")


@pytest.fixture
def lab(demo_catalogue, policy_pack):
    return make_community()


@pytest.fixture
def practitioner(demo_catalogue):
    user = person("practitioner", PRACTITIONERS)
    Contributor.objects.create(user=user, affiliation="State e-Governance Society")
    return user


def signed_in(user):
    client = client_with()
    client.force_login(user)
    return client


def upload(lab, *, score: str = "82.00", right: int = 82, evidence_file=None, **extra) -> dict:
    """The evaluation form's fields as a member's system posts them."""
    return {
        "offering": OFFER,
        "model_snapshot": "deepseek-v4-flash-2026-10",
        "use_case": "citizen_services",
        "language": "hi",
        "benchmark": str(lab.benchmark.pk),
        "method": "exact_match",
        "settings": "Zero-shot, temperature 0.",
        "score": score,
        "run_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "evidence": evidence_file or SimpleUploadedFile("report.pdf", PDF),
        "item_results": SimpleUploadedFile("items.jsonl", item_results(right)),
        **extra,
    }


def stored() -> tuple[int, int]:
    return EvaluationSubmission.objects.count(), EvidenceFile.objects.count()


# The public lists -----------------------------------------------------------------------------


def test_the_public_list_shows_accepted_evaluations_only(lab, django_assert_num_queries):
    accepted = lab.submit()
    community.submission_review(user=lab.stewards[0], submission=accepted, accept=True)
    pending = lab.submit(right=80, score=Decimal("80.00"))
    returned = lab.submit(right=75, score=Decimal("75.00"))
    community.submission_review(
        user=lab.stewards[0], submission=returned, accept=False, reasons="Say the settings."
    )
    # The count and the page, however many rows (signed in: the session and the person too);
    # the organisation's own member sees no more here than anyone.
    for client, queries in ((client_with(), 2), (signed_in(lab.member), 4)):
        with django_assert_num_queries(queries):
            body = client.get(EVALUATIONS).json()
        assert [row["id"] for row in body["results"]] == [accepted.pk]
    [row] = body["results"]
    assert pending.pk != row["id"] != returned.pk
    assert row["status"] == "accepted" and row["reasons"] is None
    assert row["offering"]["slug"] == OFFER and row["evaluator"]["slug"] == "test-lab"
    assert (row["use_case"], row["language"], row["method"]) == (
        "citizen_services",
        "hi",
        "exact_match",
    )
    assert row["benchmark"] == {"id": lab.benchmark.pk, "name": "Citizen QA", "version": "1"}
    assert (row["score"], row["recomputed_score"]) == ("82.00", "82.00")
    assert Decimal(row["ci_low"]) < Decimal("82") < Decimal(row["ci_high"])
    assert row["run_on"] == accepted.run_on.isoformat()
    assert row["valid_until"] == accepted.valid_until.isoformat()
    assert row["evidence_sha256"] == evidence().sha256 and row["is_demo"] is False
    assert row["evidence_url"] == "http://testserver" + reverse(
        "community_evidence", args=[accepted.pk]
    )
    download = client_with().get(row["evidence_url"])
    assert download.status_code == 200 and download.content == PDF


def test_the_evaluators_list_their_accreditations_in_force(lab, django_assert_num_queries):
    lab.accredit(use_cases=["citizen_services", "health"], languages=["hi", "en"], days=100)
    community.submission_review(user=lab.stewards[0], submission=lab.submit(), accept=True)
    with django_assert_num_queries(2):  # the evaluators with their counts, the accreditations
        body = client_with().get(EVALUATORS).json()
    by_slug = {row["slug"]: row for row in body["results"]}
    assert {"test-lab", "other-lab"} <= set(by_slug)  # with the demo catalogue's
    [accreditation] = by_slug["test-lab"]["accreditations"]
    assert accreditation["use_cases"] == ["citizen_services", "health"]
    assert accreditation["languages"] == ["en", "hi"]
    assert accreditation["granted_on"] == timezone.localdate().isoformat()
    assert (
        accreditation["expires_on"] == (timezone.localdate() + dt.timedelta(days=100)).isoformat()
    )
    assert by_slug["test-lab"]["accepted_evaluations"] == 1
    assert by_slug["other-lab"]["accreditations"] == []
    assert by_slug["other-lab"]["accepted_evaluations"] == 0


# Evaluations ----------------------------------------------------------------------------------


def test_a_member_submits_an_evaluation_and_a_steward_reviews_it(lab):
    response = signed_in(lab.member).post(EVALUATIONS, upload(lab), format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    submission = EvaluationSubmission.objects.get()
    assert body["id"] == submission.pk and body["status"] == "submitted"
    assert body["evaluator"]["slug"] == "test-lab" and body["recomputed_score"] == "82.00"
    assert response["Location"] == body["page"]
    assert EvidenceFile.objects.get().sha256 == body["evidence_sha256"] == evidence().sha256
    assert client_with().get(EVALUATIONS).json()["count"] == 0  # not public before its review
    steward = lab.stewards[0]
    assert submission in selectors.submissions_visible_to(steward).filter(review__isnull=True)
    community.submission_review(user=steward, submission=submission, accept=True)
    assert [row["id"] for row in client_with().get(EVALUATIONS).json()["results"]] == [
        submission.pk
    ]


def test_a_score_that_disagrees_with_its_items_is_refused_naming_score(lab):
    client = signed_in(lab.member)
    response = client.post(EVALUATIONS, upload(lab, score="82.00", right=70), format="multipart")
    assert response.status_code == 400
    [message] = response.json()["score"]
    assert "give 70.00" in message and "82.00" in message
    assert stored() == (0, 0)


BAD_EVIDENCE = [
    ("report.pdf", b"PK\x03\x04" + b"\x00" * 100, "Archives are not accepted"),
    ("notes.csv", b"<html><script>alert(1)</script></html>", "HTML or script"),
    ("report.csv", PDF, "is called a CSV"),
    ("CON.pdf", PDF, "reserved"),
]


@pytest.mark.parametrize(("name", "data", "said"), BAD_EVIDENCE, ids=[n for n, *_ in BAD_EVIDENCE])
def test_a_bad_evidence_file_is_refused_naming_evidence_and_nothing_is_stored(
    lab, name, data, said
):
    bad = upload(lab, evidence_file=SimpleUploadedFile(name, data))
    response = signed_in(lab.member).post(EVALUATIONS, bad, format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["evidence"]
    assert said in response.json()["evidence"][0]
    assert stored() == (0, 0)


def test_a_field_the_form_does_not_have_or_given_twice_is_refused(lab):
    client = signed_in(lab.member)
    misspelt = client.post(EVALUATIONS, upload(lab, has_tie="true"), format="multipart")
    assert misspelt.status_code == 400
    assert misspelt.json() == {"has_tie": ["Unknown field."]}
    twice = client.post(EVALUATIONS, upload(lab, score=["82.00", "70.00"]), format="multipart")
    assert twice.json() == {"score": ["Give this field once."]}
    as_json = client.post(EVALUATIONS, {"score": "82.00"}, format="json")
    assert as_json.status_code == 415
    assert stored() == (0, 0)


def test_a_huge_upload_is_dropped_while_it_arrives_and_named(lab, settings):
    settings.UPLOAD_FILE_CAP = 1024 * 1024
    huge = SimpleUploadedFile("huge.pdf", PDF + b"%" * (2 * 1024 * 1024))
    response = signed_in(lab.member).post(
        EVALUATIONS, upload(lab, evidence_file=huge), format="multipart"
    )
    assert response.status_code == 400
    [message] = response.json()["evidence"]
    assert "at most 10 MB" in message
    assert stored() == (0, 0)


def test_anyone_but_a_member_is_refused_with_a_plain_message(lab, departments, alice):
    assert client_with().post(EVALUATIONS, upload(lab), format="multipart").status_code == 401
    _, key = make_key(departments[0])
    for client in (client_with(key), signed_in(alice), signed_in(lab.stewards[0])):
        response = client.post(EVALUATIONS, upload(lab), format="multipart")
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Only members of an evaluator organisation submit evaluations."
        }
        assert client.get(SUBMISSIONS).status_code == 403
    assert stored() == (0, 0)


def test_a_member_never_sees_another_organisations_submissions(lab):
    pending = lab.submit()
    returned = lab.submit(right=75, score=Decimal("75.00"))
    community.submission_review(
        user=lab.stewards[0], submission=returned, accept=False, reasons="Say the settings."
    )
    own = signed_in(lab.member).get(SUBMISSIONS).json()["results"]
    shown = {(row["kind"], row["id"]): row for row in own}
    assert shown[("evaluation", pending.pk)]["status"] == "submitted"
    assert shown[("evaluation", returned.pk)]["status"] == "returned"
    assert shown[("evaluation", returned.pk)]["reasons"] == "Say the settings."
    assert ("benchmark", lab.benchmark.pk) in shown
    other = signed_in(lab.other_member)
    assert other.get(SUBMISSIONS).json()["results"] == []
    assert other.get(EVALUATIONS).json()["results"] == []
    assert other.get(reverse("community_evidence", args=[pending.pk])).status_code == 404


# Benchmarks -----------------------------------------------------------------------------------

BENCHMARK = {
    "name": "Citizen QA",
    "version": "2",
    "description": "Questions about schemes.",
    "languages": ["hi"],
    "items": 200,
    "licence": "CC BY 4.0",
    "url": "https://example.org/citizen-qa",
    "held_out": False,
}


def test_a_member_registers_a_benchmark_as_json(lab):
    client = signed_in(lab.member)
    response = client.post(BENCHMARKS, BENCHMARK, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["evaluator"]["slug"] == "test-lab"
    public = client_with().get(BENCHMARKS).json()["results"]
    assert [row["id"] for row in public] == [lab.benchmark.pk]  # the new one awaits review
    again = client.post(BENCHMARKS, BENCHMARK, format="json")
    assert again.status_code == 400 and "registered already" in again.json()["version"][0]
    coerced = client.post(BENCHMARKS, {**BENCHMARK, "version": "3", "items": "200"}, format="json")
    assert coerced.json() == {"items": ["Must be a whole number."]}
    assert Benchmark.objects.count() == 2


# Measurements ---------------------------------------------------------------------------------


def measurement(**extra) -> dict:
    today = timezone.localdate()
    return {
        "offering": OFFER,
        "period_start": (today - dt.timedelta(days=30)).isoformat(),
        "period_end": (today - dt.timedelta(days=1)).isoformat(),
        "requests": "18400",
        "p95_latency_ms": "1850",
        "method": "Client in Mumbai; the helpline's request mix.",
        "evidence": SimpleUploadedFile("latency.csv", b"request,latency_ms\n1,640\n2,1850\n"),
        **extra,
    }


def test_a_practitioner_publishes_a_measurement(practitioner, lab):
    client = signed_in(practitioner)
    response = client.post(MEASUREMENTS, measurement(), format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    stored_row = Measurement.objects.get()
    assert body["id"] == stored_row.pk and body["status"] == "submitted"
    assert (body["p95_latency_ms"], body["p50_latency_ms"]) == (1850, None)
    assert body["offering"]["slug"] == OFFER and stored_row.submitted_by == practitioner
    [own] = client.get(SUBMISSIONS).json()["results"]
    assert (own["kind"], own["id"]) == ("measurement", stored_row.pk)
    # Not a practitioner: an evaluator's member; and a practitioner submits no evaluation.
    refused = signed_in(lab.member).post(MEASUREMENTS, measurement(), format="multipart")
    assert refused.json() == {"detail": "Only registered practitioners publish measurements."}
    assert client.post(EVALUATIONS, upload(lab), format="multipart").status_code == 403


def test_a_measurement_the_service_refuses_is_a_400_by_field(practitioner):
    slower_median = measurement(p50_latency_ms="2000")
    response = signed_in(practitioner).post(MEASUREMENTS, slower_median, format="multipart")
    assert response.status_code == 400
    assert "cannot exceed the p95" in response.json()["p50_latency_ms"][0]
    assert not Measurement.objects.exists() and not EvidenceFile.objects.exists()


# The schema ---------------------------------------------------------------------------------


def test_the_answers_match_the_schema(lab, practitioner):
    import yaml
    from django.test import Client

    from tests.test_api_schema import conforms

    schema = yaml.safe_load(Client().get(reverse("schema")).content)
    member = signed_in(lab.member)
    created = member.post(EVALUATIONS, upload(lab), format="multipart").json()
    assert conforms(schema, "CommunityEvaluation", created) == []
    community.submission_review(
        user=lab.stewards[0], submission=EvaluationSubmission.objects.get(), accept=True
    )
    lab.accredit()
    answers = {
        "PaginatedCommunityEvaluationList": client_with().get(EVALUATIONS),
        "PaginatedCommunityEvaluatorList": client_with().get(EVALUATORS),
        "PaginatedBenchmarkList": client_with().get(BENCHMARKS),
        "PaginatedOwnSubmissionList": member.get(SUBMISSIONS),
        "Benchmark": member.post(BENCHMARKS, BENCHMARK, format="json"),
        "Measurement": signed_in(practitioner).post(
            MEASUREMENTS, measurement(), format="multipart"
        ),
    }
    for component, response in answers.items():
        assert response.status_code in (200, 201), component
        assert conforms(schema, component, response.json()) == [], component
