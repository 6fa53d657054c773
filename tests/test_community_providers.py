"""Providers keep their own record current: a member submits a change (a catalogue fragment of
its own offers), a steward accepts it (the catalogue's upsert: new dated rows, none rewritten)
or returns it; a provider never touches another's record."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from procurement import community
from procurement.management.demo_community import price_change
from procurement.models import AuditEvent, ProviderChange, Review
from providers.models import PriceRecord
from tests.community import make_community, provider_member

pytestmark = pytest.mark.django_db

OWN = "demo-mse-ai-labs"
OTHER = "sarvam-ai"


@pytest.fixture
def world(demo_catalogue, policy_pack):
    lab = make_community()
    return lab, provider_member("mse-member", OWN), provider_member("sarvam-member", OTHER)


def test_a_steward_accepts_a_price_change_and_the_new_price_is_added_not_rewritten(
    world, django_capture_on_commit_callbacks
):
    lab, member, _ = world
    before = list(
        PriceRecord.objects.filter(offering__provider__slug=OWN).values_list("pk", "input_per_mtok")
    )
    with django_capture_on_commit_callbacks(execute=True):
        change = community.provider_change_submit(
            user=member, summary="New price from next month", catalogue=price_change(OWN)
        )
    assert {m.to[0] for m in mail.outbox} == {s.email for s in lab.stewards}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        community.submission_review(user=lab.stewards[0], submission=change, accept=True)
    after = PriceRecord.objects.filter(offering__provider__slug=OWN)
    assert after.count() == len(before) + 1
    assert set(before) <= set(after.values_list("pk", "input_per_mtok"))
    newest = after.order_by("-effective_from").first()
    assert newest.effective_from == timezone.localdate() + dt.timedelta(days=30)
    [message] = mail.outbox
    assert message.to == [member.email] and "Accepted" in message.subject
    actions = set(AuditEvent.objects.filter(department=None).values_list("action", flat=True))
    assert {"provider_change.submitted", "provider_change.accepted"} <= actions


def with_a_score(fragment: str) -> str:
    """The fragment with a quality score for its offer, from an accredited demo evaluator."""
    document = json.loads(fragment)
    offer = document["providers"][0]["offerings"][0]
    offer["evaluations"] = [
        {
            "use_case": "citizen_services",
            "language": "hi",
            "score": 95,
            "evaluator": "demo-eval-lab-a",
            "method": "Our own test",
            "evaluated_on": timezone.localdate().isoformat(),
            "valid_until": (timezone.localdate() + dt.timedelta(days=365)).isoformat(),
            "source_note": "Our own test",
            "source_url": "https://example.org/our-own-test",
            "checked_on": timezone.localdate().isoformat(),
        }
    ]
    return json.dumps(document)


@pytest.mark.parametrize(
    ("fragment", "said"),
    [
        (lambda: price_change(OTHER), "you may change only"),
        (lambda: price_change(OWN, days=-3), "before today"),
        (lambda: "{not json", ""),
        (lambda: with_a_score(price_change(OWN)), "quality scores come from evaluators"),
    ],
    ids=["another provider", "a price dated in the past", "not a catalogue", "a quality score"],
)
def test_a_change_beyond_the_providers_own_record_or_history_is_refused(world, fragment, said):
    _, member, _ = world
    with pytest.raises(ValidationError) as refused:
        community.provider_change_submit(user=member, summary="Change", catalogue=fragment())
    assert said in " ".join(refused.value.message_dict["catalogue"])
    assert not ProviderChange.objects.exists()


def test_only_a_providers_member_submits_and_only_a_steward_reviews(world, alice):
    lab, member, other = world
    for outsider in (alice, lab.member, lab.stewards[0]):
        with pytest.raises(PermissionDenied):
            community.provider_change_submit(
                user=outsider, summary="Change", catalogue=price_change(OWN)
            )
    change = community.provider_change_submit(
        user=member, summary="Change", catalogue=price_change(OWN)
    )
    for not_a_steward in (member, other, lab.member, alice):
        with pytest.raises(PermissionDenied):
            community.submission_review(user=not_a_steward, submission=change, accept=True)
    community.submission_review(
        user=lab.stewards[0], submission=change, accept=False, reasons="Cite the price page."
    )
    assert Review.objects.get(provider_change=change).outcome == "returned"
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            ProviderChange.objects.filter(pk=change.pk).update(summary="Rewritten")


def test_a_change_is_seen_by_its_provider_and_the_stewards_until_accepted(world, client):
    lab, member, other = world
    change = community.provider_change_submit(
        user=member, summary="A new price", catalogue=price_change(OWN)
    )
    page = reverse("community_provider_change", args=[change.pk])
    profile = reverse("community_provider", args=[OWN])
    for outsider in (None, other, lab.member):
        client.logout()
        if outsider:
            client.force_login(outsider)
        assert client.get(page).status_code == 404
        assert "A new price" not in client.get(profile).content.decode()
    for insider in (member, lab.stewards[0]):
        client.force_login(insider)
        assert client.get(page).status_code == 200
        assert "A new price" in client.get(profile).content.decode()
    community.submission_review(user=lab.stewards[0], submission=change, accept=True)
    client.logout()
    assert client.get(page).status_code == 200
    assert "A new price" in client.get(profile).content.decode()


def test_the_page_submits_a_change_and_lists_each_problem(world, client):
    _, member, _ = world
    client.force_login(member)
    url = reverse("community_provider_change_submit")
    refused = client.post(url, {"summary": "Change", "catalogue": price_change(OTHER)})
    assert refused.status_code == 400
    assert "you may change only" in refused.content.decode()
    fragment = json.loads(price_change(OWN))
    done = client.post(url, {"summary": "New price", "catalogue": json.dumps(fragment)})
    assert done.status_code == 302
    assert ProviderChange.objects.get().summary == "New price"


def test_the_steward_sees_what_the_change_would_do_before_accepting(world, client):
    lab, member, _ = world
    change = community.provider_change_submit(
        user=member, summary="A new price", catalogue=price_change(OWN)
    )
    client.force_login(lab.stewards[0])
    page = client.get(reverse("community_provider_change", args=[change.pk]))
    effect = page.context["effect"]
    assert ("prices", 1, 0) in effect.counts and not effect.problems
    assert "What it would do to the catalogue now" in page.content.decode()
