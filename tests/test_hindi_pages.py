"""Every page in Hindi shows no Latin-script words of the product's own (Official Languages Act,
1963, s. 3(3)): only codes, units and names on the allow-list, and data people entered or the
catalogue holds (tests/hindi.py says exactly what is read)."""

from __future__ import annotations

import pytest
from django.test import Client

from procurement import services
from providers.models import Offering, Provider
from tests.conftest import workload_values
from tests.hindi import data_words, untranslated
from tests.tenders import award_after_rounds, evaluated_tender

pytestmark = pytest.mark.django_db


def _read_in_hindi(client: Client, pages: dict[str, str]) -> dict[str, list[str]]:
    client.post("/language/", {"language": "hi", "next": "/"})
    data = data_words()
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        assert '<html lang="hi">' in response.content.decode(), name
        words = untranslated(response.content.decode(), data)
        if words:
            found[f"{name} ({url})"] = sorted(set(words))
    return found


def _listing(found: dict[str, list[str]]) -> str:
    return "Latin-script words on Hindi pages:\n" + "\n".join(
        f"  {page}: {' '.join(words)}" for page, words in found.items()
    )


def test_the_public_pages_in_hindi(client, demo_catalogue, policy_pack):
    provider = Provider.objects.order_by("pk").first()
    offering = Offering.objects.order_by("pk").first()
    pages = {
        "home": "/",
        "sign in": "/accounts/login/",
        "providers": "/catalogue/",
        "provider": f"/catalogue/providers/{provider.slug}/",
        "offerings": "/catalogue/offerings/",
        "offering": f"/catalogue/offerings/{offering.slug}/",
        "transparency": "/transparency/",
        "community": "/community/",
        "verify": "/verify/",
        "checkpoints": "/verify/checkpoints/",
    }
    found = _read_in_hindi(client, pages)
    assert not found, _listing(found)


def test_the_officers_pages_in_hindi(client, alice, bob, demo_catalogue, policy_pack):
    workload = services.workload_create(user=alice, values=workload_values())
    comparison = services.comparison_run(user=alice, workload=workload)
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    client.force_login(alice)
    pages = {
        "workloads": "/workloads/",
        "new workload": "/workloads/new/",
        "workload": f"/workloads/{workload.pk}/",
        "edit workload": f"/workloads/{workload.pk}/edit/",
        "comparison": f"/comparisons/{comparison.pk}/",
        "decision": f"/decisions/{decision.pk}/",
        "inbox": "/inbox/",
        "history": "/history/",
        "awards": "/awards/",
        "tenders": "/tenders/",
        "API keys": "/api-keys/",
        "new API key": "/api-keys/new/",
        "policies": "/policies/",
        "policy": f"/policies/{policy_pack.slug}/v{policy_pack.version}/",
    }
    found = _read_in_hindi(client, pages)
    assert not found, _listing(found)


def test_a_tender_through_its_award_in_hindi(client, alice, bob, demo_catalogue, policy_pack):
    tender, _bids, planning = evaluated_tender(alice, bob)
    award = award_after_rounds(alice, bob, tender)
    client.force_login(alice)
    pages = {
        "planning decision": f"/decisions/{planning.pk}/",
        "tender": f"/tenders/{tender.pk}/",
        "award": f"/decisions/{award.pk}/",
    }
    found = _read_in_hindi(client, pages)
    assert not found, _listing(found)


def test_the_communitys_pages_in_hindi(client, demo_catalogue, policy_pack):
    from procurement import community
    from tests.community import make_community

    people = make_community()
    people.accredit()
    evaluation = people.submit()
    community.submission_review(user=people.stewards[0], submission=evaluation, accept=True)
    pages = {
        "community": "/community/",
        "evaluator": f"/community/evaluators/{people.evaluator.slug}/",
        "evaluation": f"/community/evaluations/{evaluation.pk}/",
        "benchmark": f"/community/benchmarks/{people.benchmark.pk}/",
    }
    found = _read_in_hindi(client, pages)
    client.force_login(people.member)
    found |= _read_in_hindi(client, {"new evaluation": "/community/evaluations/new/"})
    client.force_login(people.stewards[1])
    found |= _read_in_hindi(client, {"review list": "/community/review/"})
    assert not found, _listing(found)
