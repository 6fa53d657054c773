"""The tender clause library is pack data: the justification document writes the clauses the
pack's rules call for, each placeholder filled from the pack and the workload, with the
instruments it rests on; the policy pack page shows the library and no raw JSON."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.documents.content import eligibility_clauses
from procurement.engine.packs import load_pack, pack_names
from tests.engine import builders

# Workloads that together call for every clause: no cloud at all; the strictest cloud rule (an
# operator type, a processing guarantee) with empanelment; a value above and below the local
# content certificate's limit; the service levels.
RUNS = (
    (("secret",), Decimal("2000000")),
    (("category_a", "personal"), Decimal("200000000")),
    (("internal",), Decimal("2000000")),
)


def rendered(name: str) -> list:
    policy = load_pack(name)
    clauses = []
    for tags, value in RUNS:
        workload = builders.workload(
            data_classification=tags,
            min_availability_pct=Decimal("99.5"),
            max_p95_latency_ms=2000,
            use_case="health",
        )
        clauses += eligibility_clauses(policy, workload, value)
    return clauses


@pytest.mark.parametrize("name", pack_names())
def test_every_clause_of_the_library_renders_with_its_placeholders_filled(name: str) -> None:
    policy = load_pack(name)
    clauses = rendered(name)
    assert {c.title for c in clauses} == {c.title for c in policy.clauses}
    for clause in clauses:
        assert not re.search(r"[{}]|to be stated", clause.text), clause
        assert clause.source and clause.confidence in "PSMDA"
    texts = {c.title: c.text for c in clauses}
    assert (
        "remain in named regions in India (processing, storage and logs)"
        in texts["Storage and processing in India"]
    )
    assert "at least 80 out of 100 for health in each of" in texts["Quality"]
    assert "₹10 crore" in texts["Local content certificate"]
    assert "monthly availability of at least 99.5 %" in texts["Availability"]
    residency = next(c for c in clauses if c.title == "Storage and processing in India")
    assert "Ministry of Electronics and Information Technology (MeitY)" in residency.source


def test_a_clause_the_rules_do_not_name_is_written_and_a_missing_value_is_marked() -> None:
    policy = load_pack("india-default")
    extra = dataclasses.replace(
        policy.clauses[0],
        clause_id="exit_plan",
        title="Exit plan",
        text="The Bidder shall keep Buyer Data for {retention_days} days after exit; {latency_ms}.",
    )
    policy = dataclasses.replace(policy, clauses=(*policy.clauses, extra))
    workload = builders.workload(max_p95_latency_ms=None)
    [clause] = [c for c in eligibility_clauses(policy, workload, None) if c.title == "Exit plan"]
    assert clause.text == (
        "The Bidder shall keep Buyer Data for 30 days after exit; [to be stated in the tender]."
    )


def test_a_pack_stored_before_the_library_writes_the_shipped_library() -> None:
    """A comparison made under india-default version 2 (no library) still gets its clauses."""
    policy = dataclasses.replace(load_pack("india-default"), clauses=())
    titles = {c.title for c in eligibility_clauses(policy, builders.workload(), None)}
    assert {"Storage and processing in India", "No training on Buyer Data"} <= titles


def test_the_policy_page_shows_the_clause_library_and_no_raw_json(client, alice, policy_pack):
    client.force_login(alice)
    page = client.get(reverse("policy_detail", args=[policy_pack.slug, policy_pack.version]))
    html = page.content.decode()
    assert html.count('data-testid="clause"') == len(policy_pack.document["clauses"])
    assert "Buyer Data — prompts, outputs, files, logs and backups — and all inference" in html
    assert "[the country the data must stay in]" in html and "{country}" not in html
    assert "policy-json" not in html and '"pack_id"' not in html
    assert "Comparable practice elsewhere (not an authority here)" in html
    assert "No. P-45021/2/2017-PP (BE-II) dated 16.09.2020" in html
    for text in ("POLICY-RULES", "DESIGN", "RELIABILITY"):
        assert text not in html
    link = reverse("policy_file", args=[policy_pack.slug, policy_pack.version])
    assert link in html
    download = client.get(link)
    assert download["Content-Disposition"] == 'attachment; filename="india-default-v4.json"'
    assert json.loads(download.content) == policy_pack.document


def test_the_comparison_page_cites_instruments_without_repeating_comparable_practice(
    client, alice, comparison
):
    client.force_login(alice)
    html = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    assert "Ministry of Finance, Department of Expenditure: General Financial Rules 2017" in html
    assert "Comparable practice" not in html and "M-24-18" not in html
    for text in ("POLICY-RULES", "DESIGN §", "RELIABILITY"):
        assert text not in html
