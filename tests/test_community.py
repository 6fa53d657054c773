"""The community's evaluators: scoped accreditations with a term (maker-checker), benchmarks and
evaluations submitted with evidence and per-item results, a steward's review, and the quality
gate that counts an accepted score only while its evaluator's accreditation covers it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from procurement import community, notifications, selectors, services
from procurement.models import (
    Accreditation,
    AuditEvent,
    EvaluationSubmission,
    EvaluatorMember,
    EvidenceFile,
    Review,
)
from procurement.roles import CATALOGUE_STEWARDS
from providers.models import QualityEvaluation
from tests.community import OFFER, PDF, evidence, item_results, make_community, person
from tests.conftest import workload_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab(demo_catalogue, policy_pack):
    return make_community()


def quality(alice, on: dt.date, languages=("hi",)):
    """The QUALITY outcomes of OFFER for a Hindi citizen-services workload decided on ``on``."""
    workload = services.workload_create(
        user=alice, values=workload_values(languages=list(languages))
    )
    comparison = services.comparison_run(user=alice, workload=workload, decision_date=on)
    result = selectors.comparison_results(comparison)
    return [o for o in result.offer(OFFER).outcomes if o.code == "QUALITY"]


# Accreditation --------------------------------------------------------------------------------


def test_a_scoped_accreditation_is_granted_by_a_second_person_and_recorded(lab):
    lab.accredit(use_cases=["citizen_services", "health"], languages=["hi", "en"], days=200)
    granted = Accreditation.objects.get(evaluator=lab.evaluator)
    assert granted.use_cases == ["citizen_services", "health"]
    assert granted.languages == ["en", "hi"]
    assert granted.expires_on == timezone.localdate() + dt.timedelta(days=200)
    lab.evaluator.refresh_from_db()
    assert lab.evaluator.accredited
    actions = list(
        AuditEvent.objects.filter(department=None, action__startswith="accreditation.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["accreditation.proposed", "accreditation.approved"]
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            Accreditation.objects.filter(pk=granted.pk).update(expires_on=dt.date(2040, 1, 1))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"use_cases": ["astrology"]}, "use_cases"),
        ({"languages": ["xx"]}, "languages"),
        ({"days": 0}, "expires_on"),
        ({"days": 4 * 366}, "expires_on"),
    ],
)
def test_a_bad_scope_or_term_is_refused_naming_the_field(lab, change, field):
    with pytest.raises(ValidationError) as refused:
        lab.accredit(**change)
    assert field in refused.value.message_dict
    assert not Accreditation.objects.exists()


# Submissions --------------------------------------------------------------------------------


def test_an_evaluation_is_stored_with_its_recomputed_score_and_the_stewards_are_told(
    lab, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submission = lab.submit(right=82)
    assert sorted(m.to[0] for m in mail.outbox) == [s.email for s in lab.stewards]
    assert "Awaiting your review" in mail.outbox[0].subject
    assert submission.recomputed_score == Decimal("82.00")
    assert submission.items == 100 and submission.interval_method == "wilson"
    assert submission.ci_low < Decimal("82") < submission.ci_high
    assert EvidenceFile.objects.get().sha256 == evidence().sha256
    assert community.status_of(submission) == "submitted"
    event = AuditEvent.objects.filter(action="evaluation.submitted").get()
    assert json.loads(event.payload)["evidence_sha256"] == evidence().sha256


def test_a_score_the_items_do_not_give_is_refused_and_nothing_is_stored(lab):
    with pytest.raises(ValidationError) as refused:
        lab.submit(right=70, score=Decimal("82.00"))
    assert "give 70.00" in refused.value.message_dict["score"][0]
    assert not EvaluationSubmission.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_a_benchmark_not_yet_accepted_cannot_be_named(lab):
    waiting = community.benchmark_register(
        user=lab.member,
        values=community.BenchmarkValues(
            name="Unreviewed",
            version="1",
            description="",
            languages=["hi"],
            items=100,
            licence="CC BY 4.0",
            url="https://example.org/unreviewed",
            held_out=False,
        ),
    )
    with pytest.raises(ValidationError) as refused:
        lab.submit(benchmark=waiting)
    assert "not accepted yet" in refused.value.message_dict["benchmark"][0]


def test_ties_to_the_provider_must_be_stated_and_a_judge_must_be_named(lab):
    with pytest.raises(ValidationError) as refused:
        lab.submit(has_ties=True, method="judge_model")
    errors = refused.value.message_dict
    assert {"ties", "judge_model", "judge_prompt"} <= set(errors)


def test_only_a_member_of_an_evaluator_organisation_submits(lab, alice):
    for outsider in (alice, lab.stewards[0]):
        with pytest.raises(PermissionDenied):
            community.evaluation_submit(
                user=outsider,
                values=lab.values(),
                evidence=evidence(),
                item_results=item_results(82),
            )


# Review -------------------------------------------------------------------------------------


def test_a_steward_accepts_and_the_score_enters_the_catalogue(lab):
    submission = lab.submit()
    review = community.submission_review(user=lab.stewards[1], submission=submission, accept=True)
    row = review.quality_evaluation
    assert isinstance(row, QualityEvaluation)
    assert (row.offering.slug, row.use_case, row.language_id, row.score) == (
        OFFER,
        "citizen_services",
        "hi",
        Decimal("82.00"),
    )
    assert row.evaluator == lab.evaluator and row.valid_until == submission.valid_until
    assert AuditEvent.objects.filter(action="evaluation.accepted", department=None).exists()
    with pytest.raises(ValidationError, match="reviewed already"):
        community.submission_review(user=lab.stewards[0], submission=submission, accept=True)


def test_a_return_needs_reasons_and_tells_the_submitter(lab, django_capture_on_commit_callbacks):
    submission = lab.submit()
    with pytest.raises(ValidationError):
        community.submission_review(user=lab.stewards[0], submission=submission, accept=False)
    with django_capture_on_commit_callbacks(execute=True):
        community.submission_review(
            user=lab.stewards[0],
            submission=submission,
            accept=False,
            reasons="The settings omit the system prompt.",
        )
    assert not QualityEvaluation.objects.filter(offering__slug=OFFER).exists()
    [message] = mail.outbox
    assert message.to == [lab.member.email]
    assert "Returned to you" in message.subject
    assert "The settings omit the system prompt." in message.body


def test_a_steward_never_reviews_their_own_organisations_submission(lab):
    steward_member = person("steward-member", CATALOGUE_STEWARDS)
    EvaluatorMember.objects.create(user=steward_member, evaluator=lab.evaluator)
    submission = lab.submit()
    with pytest.raises(PermissionDenied, match="own organisation"):
        community.submission_review(user=steward_member, submission=submission, accept=True)
    for not_a_steward in (lab.member, lab.other_member, lab.authority[0]):
        with pytest.raises(PermissionDenied):
            community.submission_review(user=not_a_steward, submission=submission, accept=True)
    assert not Review.objects.filter(evaluation=submission).exists()


def test_submissions_and_reviews_cannot_be_rewritten(lab):
    if connection.vendor != "postgresql":
        pytest.skip("the triggers are PostgreSQL's")
    submission = lab.submit()
    for rows, change in (
        (EvaluationSubmission.objects.filter(pk=submission.pk), {"score": 99}),
        (EvidenceFile.objects.all(), {"name": "other.pdf"}),
        (Review.objects.all(), {"reasons": "Rewritten."}),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            rows.update(**change)
        with pytest.raises(DatabaseError), transaction.atomic():
            rows.delete()


# The quality gate ---------------------------------------------------------------------------


def test_an_accepted_score_counts_only_within_its_accreditation(lab, alice):
    today = timezone.localdate()
    [before] = quality(alice, today)
    assert before.status == "fail"
    lab.accredit(use_cases=["citizen_services"], languages=["hi"], days=30)
    community.submission_review(user=lab.stewards[0], submission=lab.submit(), accept=True)
    [now] = quality(alice, today)
    assert now.status == "pass"
    assert "Test Evaluation Lab" in now.message
    expiry = today + dt.timedelta(days=30)
    [after] = quality(alice, expiry + dt.timedelta(days=1))
    assert after.status == "fail"
    assert f"the evaluator's accreditation expired {expiry.isoformat()}" in after.message


def test_an_accreditation_for_another_scope_does_not_count(lab, alice):
    lab.accredit(use_cases=["health"], languages=["hi"])
    community.submission_review(user=lab.stewards[0], submission=lab.submit(), accept=True)
    [outcome] = quality(alice, timezone.localdate())
    assert outcome.status == "fail"
    assert "evaluator not accredited" in outcome.message


# Pages --------------------------------------------------------------------------------------


def test_a_submission_is_seen_by_its_organisation_and_the_stewards_until_accepted(lab, client):
    submission = lab.submit()
    page = reverse("community_evaluation", args=[submission.pk])
    evidence_url = reverse("community_evidence", args=[submission.pk])
    for outsider in (None, lab.other_member):
        client.logout()
        if outsider:
            client.force_login(outsider)
        assert client.get(page).status_code == 404
        assert client.get(evidence_url).status_code == 404
    for insider in (lab.member, lab.stewards[0]):
        client.force_login(insider)
        assert client.get(page).status_code == 200
    community.submission_review(user=lab.stewards[0], submission=submission, accept=True)
    client.logout()
    shown = client.get(page)
    assert shown.status_code == 200
    assert "Accepted" in shown.content.decode()
    download = client.get(evidence_url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content == PDF
    items = client.get(reverse("community_item_results", args=[submission.pk]))
    assert items.content == item_results(82)
    assert items["Content-Disposition"].startswith("attachment;")


def test_the_public_pages_list_evaluators_accreditations_and_activity(lab, client):
    lab.accredit(days=100)
    community.submission_review(user=lab.stewards[0], submission=lab.submit(), accept=True)
    index = client.get(reverse("community_index")).content.decode()
    assert "Test Evaluation Lab" in index and "Citizen QA 1" in index
    assert "accepted" in index
    page = client.get(reverse("community_evaluator", args=["test-lab"])).content.decode()
    assert "Citizen services" in page and "Hindi" in page
    assert (timezone.localdate() + dt.timedelta(days=100)).strftime("%-d %b %Y") in page


def test_the_steward_reviews_from_the_page(lab, client):
    submission = lab.submit()
    client.force_login(lab.stewards[0])
    queue = client.get(reverse("community_review"))
    assert "Test Evaluation Lab" in queue.content.decode()
    url = reverse("community_evaluation_review", args=[submission.pk])
    client.post(url, {"outcome": "return", "reasons": ""})
    assert not Review.objects.filter(evaluation=submission).exists()
    client.post(url, {"outcome": "accept", "reasons": ""})
    assert Review.objects.get(evaluation=submission).outcome == "accepted"


def test_the_reminder_job_writes_to_the_members_30_days_ahead(lab):
    lab.accredit(days=30)
    mail.outbox.clear()
    assert notifications.accreditations_expiring(timezone.localdate()) == 1
    [message] = mail.outbox
    assert message.to == [lab.member.email]
    assert "expires on" in message.subject
    assert notifications.accreditations_expiring(timezone.localdate() + dt.timedelta(1)) == 0


def posted(lab, evidence_file) -> dict:
    """The evaluation form's fields as a member posts them, with ``evidence_file``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "offering": OFFER,
        "model_snapshot": "deepseek-v4-flash",
        "use_case": "citizen_services",
        "language": "hi",
        "benchmark": str(lab.benchmark.pk),
        "method": "exact_match",
        "settings": "Zero-shot.",
        "score": "82.00",
        "run_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "evidence": evidence_file,
        "item_results": SimpleUploadedFile("items.jsonl", item_results(82)),
    }


def _zip_bomb() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", b"0" * 20_000_000)
    return buffer.getvalue()


BAD_FILES = [
    ("big.pdf", PDF + b"%" * (10 * 1024 * 1024), "limited to 10 MB"),
    ("report.pdf", b"PK\x03\x04" + b"\x00" * 100, "Archives are not accepted"),
    ("results.csv", _zip_bomb(), "Archives are not accepted"),
    ("notes.csv", b"<html><script>alert(1)</script></html>", "HTML or script"),
    ("report.csv", PDF, "is called a CSV"),
    # Django keeps only a name's last component ("../../etc/x.pdf" arrives as "x.pdf"); what
    # is left of a trick is refused here.
    (".hidden.pdf", PDF, "starts with"),
    ("CON.pdf", PDF, "reserved"),
    ("report.pdf.exe", PDF, "must end in .pdf"),
]


@pytest.mark.parametrize(("name", "data", "said"), BAD_FILES, ids=[repr(n) for n, *_ in BAD_FILES])
def test_a_bad_evidence_file_is_refused_on_the_page_and_nothing_is_stored(
    lab, client, name, data, said
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(lab.member)
    before = (EvidenceFile.objects.count(), EvaluationSubmission.objects.count())
    response = client.post(
        reverse("community_evaluation_submit"),
        posted(lab, SimpleUploadedFile(name, data)),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["evidence"]
    assert any(said in error for error in errors), errors
    assert (EvidenceFile.objects.count(), EvaluationSubmission.objects.count()) == before


def test_a_good_submission_on_the_page_is_stored_and_shown_to_its_organisation(lab, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(lab.member)
    response = client.post(
        reverse("community_evaluation_submit"),
        posted(lab, SimpleUploadedFile("report.pdf", PDF)),
    )
    submission = EvaluationSubmission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("community_evaluation", args=[submission.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Awaiting review" in page and "82.00" in page


def test_a_path_in_the_file_name_never_reaches_the_product(lab, client):
    """Django's upload parser keeps only the last component of a name; the product stores and
    serves that, never a path."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(lab.member)
    data = posted(lab, SimpleUploadedFile("../../etc/report.pdf", PDF))
    assert client.post(reverse("community_evaluation_submit"), data).status_code == 302
    assert EvidenceFile.objects.get().name == "report.pdf"


def test_a_huge_upload_is_dropped_while_it_arrives_and_the_form_says_what_to_choose(
    lab, client, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UPLOAD_FILE_CAP = 1024 * 1024
    client.force_login(lab.member)
    response = client.post(
        reverse("community_evaluation_submit"),
        {
            "evidence": SimpleUploadedFile("huge.pdf", PDF + b"%" * (2 * 1024 * 1024)),
            "item_results": SimpleUploadedFile("items.jsonl", item_results(82)),
        },
    )
    assert response.status_code == 400
    [message] = response.context["form"].errors["evidence"]
    assert "at most 10 MB" in message
    assert not EvidenceFile.objects.exists()
