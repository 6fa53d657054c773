"""Practitioners publish measurements of offers in use (community-reported: no rule reads one
unless a steward promotes its p95 latency to the catalogue); domain experts submit notes that a
steward reviews; a provider's members see where its offers failed recent comparisons, by rule,
and nothing of the buyers or the competitors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from procurement import community, labels, services
from procurement.models import AuditEvent, DomainNote, Measurement, OfferRuleCount, Review
from procurement.roles import CATALOGUE_STEWARDS, DOMAIN_EXPERTS, PRACTITIONERS
from providers.models import Offering
from tests.community import (
    MEASURED_OFFER,
    PDF,
    contributor,
    evidence,
    make_community,
    measurement_values,
    note_values,
    person,
    provider_member,
)

pytestmark = pytest.mark.django_db

OFFER = MEASURED_OFFER


@pytest.fixture
def world(demo_catalogue, policy_pack):
    lab = make_community()
    return (
        lab,
        contributor("practitioner", PRACTITIONERS),
        contributor("expert", DOMAIN_EXPERTS, "Institute of Health Law"),
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {
                "p50_latency_ms": None,
                "p95_latency_ms": None,
                "tokens_per_second": None,
                "availability_pct": None,
                "observed_inr_per_mtok": None,
            },
            "p95_latency_ms",
        ),
        ({"p50_latency_ms": 2_000}, "p50_latency_ms"),
        ({"period_end": timezone.localdate() + dt.timedelta(days=1)}, "period_end"),
        ({"period_start": timezone.localdate() - dt.timedelta(days=400)}, "period_start"),
        ({"availability_pct": Decimal("100.5")}, "availability_pct"),
        ({"requests": 0}, "requests"),
        ({"method": "  "}, "method"),
    ],
)
def test_a_measurement_with_a_problem_is_refused_naming_the_field(world, overrides, field):
    _, practitioner, _ = world
    with pytest.raises(ValidationError) as refused:
        community.measurement_submit(
            user=practitioner, values=measurement_values(**overrides), evidence=evidence()
        )
    assert field in refused.value.message_dict
    assert not Measurement.objects.exists()


def test_only_a_registered_practitioner_publishes_a_measurement(world):
    lab, _, expert = world
    unregistered = person("no-profile", PRACTITIONERS)
    for who in (lab.member, expert, unregistered, lab.stewards[0]):
        with pytest.raises(PermissionDenied):
            community.measurement_submit(user=who, values=measurement_values(), evidence=evidence())
    with pytest.raises(PermissionDenied):
        community.domain_note_submit(user=world[1], values=note_values())


def test_a_measurement_is_shown_at_once_and_a_steward_promotes_its_p95_to_the_catalogue(
    world, client, django_capture_on_commit_callbacks
):
    lab, practitioner, _ = world
    with django_capture_on_commit_callbacks(execute=True):
        measurement = community.measurement_submit(
            user=practitioner, values=measurement_values(), evidence=evidence()
        )
    assert {m.to[0] for m in mail.outbox} == {s.email for s in lab.stewards}
    page = client.get(reverse("community_measurement", args=[measurement.pk]))
    assert page.status_code == 200 and b"Community-reported" in page.content
    assert b"50,000" in page.content
    download = client.get(reverse("community_measurement_evidence", args=[measurement.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    before = Offering.objects.get(slug=OFFER).p95_latency_ms
    assert before != 1_400
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        community.submission_review(user=lab.stewards[0], submission=measurement, accept=True)
    offering = Offering.objects.get(slug=OFFER)
    assert offering.p95_latency_ms == 1_400
    assert "promoted by a catalogue steward" in offering.source_note
    [message] = mail.outbox
    assert message.to == [practitioner.email] and "Promoted" in message.subject
    actions = set(AuditEvent.objects.filter(department=None).values_list("action", flat=True))
    assert {"measurement.submitted", "measurement.accepted"} <= actions


def test_a_measurement_without_a_p95_cannot_be_promoted_and_a_withdrawn_one_is_hidden(
    world, client
):
    lab, practitioner, _ = world
    measurement = community.measurement_submit(
        user=practitioner,
        values=measurement_values(p50_latency_ms=None, p95_latency_ms=None),
        evidence=evidence(),
    )
    with pytest.raises(ValidationError):
        community.submission_review(user=lab.stewards[0], submission=measurement, accept=True)
    with pytest.raises(ValidationError):
        community.submission_review(user=lab.stewards[0], submission=measurement, accept=False)
    community.submission_review(
        user=lab.stewards[0], submission=measurement, accept=False, reasons="The log is empty."
    )
    url = reverse("community_measurement", args=[measurement.pk])
    assert client.get(url).status_code == 404
    client.force_login(practitioner)
    page = client.get(url)
    assert b"Withdrawn" in page.content and b"The log is empty." in page.content


def test_a_steward_never_reviews_their_own_measurement_or_note(world):
    lab, _, _ = world
    both = contributor("steward-practitioner", PRACTITIONERS)
    both.groups.add(*lab.stewards[0].groups.all())
    measurement = community.measurement_submit(
        user=both, values=measurement_values(), evidence=evidence()
    )
    with pytest.raises(PermissionDenied):
        community.submission_review(user=both, submission=measurement, accept=True)
    expert_steward = contributor("steward-expert", DOMAIN_EXPERTS)
    expert_steward.groups.add(*person("plain-steward", CATALOGUE_STEWARDS).groups.all())
    own = community.domain_note_submit(user=expert_steward, values=note_values())
    with pytest.raises(PermissionDenied):
        community.submission_review(user=expert_steward, submission=own, accept=True)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"use_case": "astrology"}, "use_case"),
        ({"rule": "NO_SUCH_RULE"}, "rule"),
        ({"title": ""}, "title"),
        ({"body": "x" * 4001}, "body"),
        ({"sources": []}, "sources"),
        ({"sources": [{"title": "A page", "url": "javascript:alert(1)"}]}, "sources"),
        ({"sources": [{"title": " ", "url": "https://example.org/"}]}, "sources"),
    ],
)
def test_a_note_with_a_problem_is_refused_naming_the_field(world, overrides, field):
    _, _, expert = world
    with pytest.raises(ValidationError) as refused:
        community.domain_note_submit(user=expert, values=note_values(**overrides))
    assert field in refused.value.message_dict
    assert not DomainNote.objects.exists()


def test_a_note_is_public_only_once_accepted(world, client):
    lab, practitioner, expert = world
    submitted = community.domain_note_submit(user=expert, values=note_values())
    url = reverse("community_domain_note", args=[submitted.pk])
    assert client.get(url).status_code == 404
    client.force_login(practitioner)
    assert client.get(url).status_code == 404
    client.force_login(expert)
    assert client.get(url).status_code == 200
    client.logout()
    community.submission_review(user=lab.stewards[1], submission=submitted, accept=True)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Institute of Health Law" in page.content and b"Data residency" in page.content
    assert b"Triage data should stay in India" in client.get(reverse("community_index")).content


def test_the_pages_publish_a_measurement_and_submit_a_note(world, client):
    lab, practitioner, expert = world
    client.force_login(practitioner)
    today = timezone.localdate()
    page = client.post(
        reverse("community_measurement_submit"),
        {
            "offering": OFFER,
            "period_start": (today - dt.timedelta(days=10)).isoformat(),
            "period_end": today.isoformat(),
            "requests": "1000",
            "p95_latency_ms": "900",
            "p50_latency_ms": "1200",
            "method": "Timed.",
            "evidence": _upload(),
        },
    )
    assert page.status_code == 400
    assert b"cannot exceed the p95 latency" in page.content
    assert not Measurement.objects.exists()
    client.force_login(expert)
    page = client.post(
        reverse("community_domain_note_submit"),
        {
            "use_case": "legal",
            "rule": "",
            "title": "Orders in the language of the court",
            "body": "Test in Hindi.",
            "sources": "Official Languages Act, 1963 https://www.indiacode.nic.in/",
        },
    )
    saved = DomainNote.objects.get()
    assert page.status_code == 302 and saved.sources[0]["url"] == "https://www.indiacode.nic.in/"
    client.force_login(lab.stewards[0])
    review_list = client.get(reverse("community_review"))
    assert b"Orders in the language of the court" in review_list.content
    client.post(reverse("community_domain_note_review", args=[saved.pk]), {"outcome": "accept"})
    assert Review.objects.get(domain_note=saved).outcome == "accepted"


def _upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("log.pdf", PDF, content_type="application/pdf")


def test_measurements_and_notes_are_insert_only(world):
    lab, practitioner, expert = world
    measurement = community.measurement_submit(
        user=practitioner, values=measurement_values(), evidence=evidence()
    )
    submitted = community.domain_note_submit(user=expert, values=note_values())
    if connection.vendor != "postgresql":
        pytest.skip("The insert-only triggers are PostgreSQL's.")
    for table, pk in (
        ("procurement_measurement", measurement.pk),
        ("procurement_domainnote", submitted.pk),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET is_demo = true WHERE id = %s", [pk])


def test_a_provider_sees_where_its_offers_failed_by_rule_and_nothing_of_the_buyers(
    world, client, alice, workload
):
    services.comparison_run(user=alice, workload=workload)
    services.comparison_run(user=alice, workload=workload)
    counted = OfferRuleCount.objects.filter(offer_id="demo-mse-indic-assist")
    compared = counted.get(rule="")
    assert compared.comparisons == 2 and compared.day == timezone.localdate()
    failed = {row.rule: row.comparisons for row in counted.exclude(rule="")}
    assert failed and set(failed.values()) == {2}
    member = provider_member("mse-member", "demo-mse-ai-labs")
    url = reverse("community_provider", args=["demo-mse-ai-labs"])
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "Where your offers failed comparisons" in page
    section = page.split("Where your offers failed")[1].split("Changes submitted")[0]
    rule, times = next(iter(failed.items()))
    assert f"{labels.rule(rule)} (2)" in section
    for secret in (workload.title, workload.department.name, "Sarvam", alice.username):
        assert secret not in section
    other = provider_member("sarvam-member", "sarvam-ai")
    client.force_login(other)
    assert "Where your offers failed" not in client.get(url).content.decode()
    client.logout()
    assert "Where your offers failed" not in client.get(url).content.decode()
