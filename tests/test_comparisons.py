"""Running a comparison through the pages: the stored snapshot, the page, replay, query counts."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from procurement import engine, selectors, services
from procurement.models import AuditEvent, Comparison
from procurement.workload_fields import values_from, values_of
from tests.catalogue_builder import build_catalogue
from tests.conftest import workload_values

pytestmark = pytest.mark.django_db

# Pinned: session, user, membership, comparison, decisions, documents, permissions (one query:
# the account's own and its roles', procurement.api_keys.KeyHolderBackend), the department's
# adopted pack and a newer published version of it, the inbox's count in the navigation, the
# national figures' cell (this award's effect on the national share), and the domain experts'
# notes on the use case compared.
COMPARISON_PAGE_QUERIES = 13


def test_running_a_comparison_from_the_workload_page_stores_the_snapshot(
    client, alice, workload, policy_pack, demo_catalogue
):
    client.force_login(alice)
    response = client.post(reverse("comparison_create", args=[workload.pk]))
    comparison = Comparison.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("comparison_detail", args=[comparison.pk])
    snapshot = comparison.snapshot_document()
    assert snapshot["fingerprint"] == comparison.fingerprint == engine.fingerprint(snapshot)
    assert (
        comparison.recommended_offer_id
        == snapshot["results"]["recommendation"]["award"]["offer_id"]
    )
    assert comparison.uses_demo_data is True
    assert AuditEvent.objects.filter(action="comparison.created").count() == 1


def test_replaying_the_stored_snapshot_gives_the_same_fingerprint(
    client, alice, comparison, tmp_path
):
    client.force_login(alice)
    download = client.get(reverse("comparison_snapshot", args=[comparison.pk]))
    assert download["Content-Type"] == "application/json; charset=utf-8"
    path = tmp_path / "snapshot.json"
    path.write_bytes(download.content)

    report = engine.replay(json.loads(download.content))
    assert report.ok and report.fingerprint_of_content == comparison.fingerprint

    # The command line, without Django settings, as an auditor would run it.
    result = subprocess.run(
        [sys.executable, "-m", "procurement.engine", "replay", str(path)],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"fingerprint {comparison.fingerprint}" in result.stderr
    assert json.loads(result.stdout) == json.loads(download.content)["results"]


def test_the_page_shows_the_recommendation_matrix_charts_and_fingerprint(client, alice, comparison):
    client.force_login(alice)
    html = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    snapshot = comparison.snapshot_document()
    award = snapshot["results"]["recommendation"]["award"]
    assert "Sarvam-105B on Demo Sovereign Cloud" in html
    assert "₹35,04,758.33" in html and award["cost_inr"] == "3504758.33"
    assert comparison.fingerprint in html
    assert 'id="comparison-figures" type="application/json"' in html
    assert 'id="chart-tco"' in html and 'id="chart-cost-quality"' in html
    assert f"{comparison.policy_pack.title}, version {comparison.policy_pack.version}" in html
    for rule in ("Data residency", "Certified quality", "Cloud empanelment"):  # matrix columns
        assert f'data-sort-type="status">{rule}</button>' in html
    assert "The buying authority's own policy, not the Make in India order." in html
    assert "must not be used in a real procurement" in html  # demo banner


def test_editing_a_workload_leaves_its_comparisons_as_they_were(client, alice, comparison):
    before = comparison.snapshot
    workload = comparison.workload
    services.workload_update(
        user=alice,
        workload=workload,
        values=values_from({"requests_per_day": 1, "title": "Renamed"}, base=values_of(workload)),
    )
    comparison.refresh_from_db()
    assert comparison.snapshot == before
    assert json.loads(comparison.snapshot)["inputs"]["workload"]["requests_per_day"] == 50_000


def test_an_archived_workload_cannot_be_compared(client, alice, workload, policy_pack):
    services.workload_archive(user=alice, workload=workload)
    client.force_login(alice)
    response = client.post(reverse("comparison_create", args=[workload.pk]), follow=True)
    assert "An archived workload cannot be compared" in response.content.decode()
    assert not Comparison.objects.exists()


@pytest.mark.parametrize("size", [10, 200])
def test_the_comparison_page_makes_the_same_number_of_queries_with_10_and_200_offers(
    client, alice, policy_pack, django_assert_num_queries, size
):
    build_catalogue(size)
    workload = services.workload_create(
        user=alice, values=workload_values(languages=["en"], use_case="health")
    )
    comparison = services.comparison_run(
        user=alice, workload=workload, decision_date=dt.date(2026, 11, 26)
    )
    assert len(comparison.snapshot_document()["results"]["offers"]) == size
    client.force_login(alice)
    with django_assert_num_queries(COMPARISON_PAGE_QUERIES):
        response = client.get(reverse("comparison_detail", args=[comparison.pk]))
    assert response.status_code == 200


def test_a_department_compares_under_its_own_authoritys_pack(
    client, alice, workload, policy_pack, state_pack, demo_catalogue
):
    """A department buying under a state's order (here the fictional demo state) is compared
    under that pack; every other department stays on the central pack."""
    department = alice.membership.department
    department.adopted_pack = state_pack
    department.save()
    comparison = services.comparison_run(
        user=alice, workload=workload, decision_date=dt.date(2026, 11, 26)
    )
    assert comparison.policy_pack == state_pack
    assert comparison.uses_demo_data
    premium = next(
        p
        for p in selectors.comparison_results(comparison).preferences
        if p.kind == "transition_premium"
    )
    assert premium.instrument is not None and premium.status != "scenario"
    client.force_login(alice)
    page = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    assert "FD-PP/2026/17 (DEMO)" in page and "fictional, demo only" in page


def test_under_the_central_pack_the_premium_is_labelled_a_policy_scenario(client, comparison):
    premium = next(
        p
        for p in selectors.comparison_results(comparison).preferences
        if p.kind == "transition_premium"
    )
    assert premium.instrument is None
    client.force_login(comparison.created_by)
    page = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    assert "No instrument empowering the buying authority" in page
    assert "Notapplied" not in page


def test_the_officer_states_which_class_i_offers_would_decline(client, alice, comparison):
    """Planning mode: the officer's assumption is per supplier; it travels in the snapshot and
    an offer not compared is refused with the field named."""
    offer_id = comparison.recommended_offer_id
    rerun = services.comparison_run(
        user=alice,
        workload=comparison.workload,
        decision_date=comparison.decision_date,
        match_declines=[offer_id],
    )
    options = rerun.snapshot_document()["inputs"]["options"]
    assert options["match_replies"] == [
        {"offer_id": offer_id, "accepts": False, "preference": "mii_match_l1"}
    ]
    with pytest.raises(ValidationError) as refused:
        services.comparison_run(
            user=alice, workload=comparison.workload, match_declines=["no-such-offer"]
        )
    assert "match_declines" in refused.value.message_dict
    assert "not one of the offers compared" in str(refused.value.message_dict["match_declines"])


def test_a_comparison_stored_by_an_earlier_engine_still_shows_as_it_was_decided(
    client, alice, workload, policy_pack
):
    """Stored records are never rewritten: a comparison from engine 1.0.0 (before operators,
    per-supplier answers and the order of precedence) still opens, with its own figures."""
    from pathlib import Path

    from procurement.models import ComparisonResults

    text = (Path(__file__).parent / "data" / "snapshot-engine-1.0.0.json").read_text()
    document = json.loads(text)
    old = Comparison.objects.create(
        department=workload.department,
        workload=workload,
        policy_pack=policy_pack,
        decision_date=dt.date(2026, 5, 1),
        snapshot=text,
        fingerprint=document["fingerprint"],
        engine_version="1.0.0",
        offer_count=4,
        eligible_count=4,
        recommended_offer_id="b-class-ii",
        recommended_name="Offer b-class-ii",
        recommended_total_inr=document["results"]["recommendation"]["award"]["cost_inr"],
        mechanism="transition_premium",
        uses_demo_data=False,
        created_by=alice,
    )
    ComparisonResults.objects.create(
        comparison=old,
        json_zlib=ComparisonResults.pack(engine.canonical_json(document["results"])),
    )
    client.force_login(alice)
    page = client.get(reverse("comparison_detail", args=[old.pk]))
    assert page.status_code == 200
    assert "₹45,22,350.00" in page.content.decode()  # the Class-II award, as decided then
