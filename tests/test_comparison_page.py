"""The comparison page in the officer's words: top-down, grouped, without the engine's codes
(except in the audit detail at the end), and compressed on the wire."""

from __future__ import annotations

import gzip
import re

import pytest
from django.urls import reverse

from procurement import charts, labels, presenters, selectors
from procurement.engine import codes

pytestmark = pytest.mark.django_db

AUDIT_DETAIL = re.compile(r'<details class="audit-detail.*?</details>', re.S)


def officer_page(client, user, comparison) -> str:
    client.force_login(user)
    response = client.get(reverse("comparison_detail", args=[comparison.pk]))
    assert response.status_code == 200
    return response.content.decode()


def visible_text(html: str) -> str:
    """The page's text and attributes shown to a person, without the audit detail, the chart
    data, the form values (the proposal form posts offer ids) and the URLs."""
    html = AUDIT_DETAIL.sub("", html)
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    html = re.sub(r'(?:value|href|action|id|for|name|class|data-[\w-]+)="[^"]*"', "", html)
    return html


def test_the_page_reads_top_down(client, alice, comparison):
    html = officer_page(client, alice, comparison)
    order = [
        'data-testid="recommended"',
        'id="ranking-title"',
        'id="excluded-title"',
        'id="matrix-title"',
        'data-testid="audit-detail"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    view = presenters.comparison_view(selectors.comparison_results(comparison))
    assert len(view.summary.sentences) == 5
    for sentence in view.summary.sentences:
        assert sentence in html.replace("&#x27;", "'")
    # The engine's own step-by-step explanation is only in the audit detail: the card is not
    # repeated by a "Why" list.
    assert 'id="why-title"' not in html
    assert view.summary.winner.startswith("Award to Sarvam AI — Sarvam-105B")
    assert "lowest evaluated cost" in view.summary.mechanism
    assert "no premium" in view.summary.pays and "₹35,04,758.33" in view.summary.pays
    assert "robust" in view.summary.robustness


def test_the_other_offers_are_grouped_by_the_rule_that_excludes_them(client, alice, comparison):
    html = officer_page(client, alice, comparison)
    view = presenters.comparison_view(selectors.comparison_results(comparison))
    excluded = {row.offer.name for row in view.excluded}
    grouped = {offer.name for group in view.exclusions for offer in group.offers}
    assert grouped == excluded and excluded
    sizes = [len(group.offers) for group in view.exclusions]
    assert sizes == sorted(sizes, reverse=True)
    for group in view.exclusions:
        count = len(group.offers)
        assert f"<strong>{group.rule.label}</strong>: {count} offer{'s' if count > 1 else ''}" in (
            html
        )
    assert html.count("<details>") == len(view.exclusions)


def test_no_code_id_or_library_name_reaches_the_officer(client, alice, comparison):
    html = officer_page(client, alice, comparison)
    text = visible_text(html)
    view = presenters.comparison_view(selectors.comparison_results(comparison))
    for offer_id in view.offers:
        assert not re.search(rf"(?<![\w-]){re.escape(offer_id)}(?![\w-])", text), offer_id
    for code in (*codes.OFFER_RULES, *codes.COMPARISON_GATES):
        assert not re.search(rf"\b{code}\b", text), code
    for words in ("float64", "NumPy", "ROUND_HALF", "Notapplied", "(demo) (demo)", "(demo) demo"):
        assert words not in text, words
    for language in labels.LANGUAGE:
        assert f"'{language}'" not in text and f"&#x27;{language}&#x27;" not in text
    assert "citizen_services" not in text and "incorporated in IN" not in text
    # The codes stay available to an auditor, at the end.
    audit = AUDIT_DETAIL.search(html)
    assert audit is not None and "<code>CLOUD_EMPANELMENT</code>" in audit.group(0)
    assert comparison.fingerprint in audit.group(0)


def test_plain_words_for_the_engines_sentences():
    plain = presenters.Plain({"sarvam-105b-sovereign-cloud": "Sarvam AI — Sarvam-105B"})
    assert (
        plain("L1: sarvam-105b-sovereign-cloud at ₹1.00.")
        == "L1: Sarvam AI — Sarvam-105B at ₹1.00."
    )
    assert plain("not-sarvam-105b-sovereign-cloud-x") == "not-sarvam-105b-sovereign-cloud-x"
    assert plain("QUALITY (56), CLOUD_EMPANELMENT (27)") == (
        "certified quality (56), cloud empanelment (27)"
    )
    assert plain("in 'en' meets") == "in English meets"
    assert plain("every language (en, hi).") == "every language (English and Hindi)."
    assert plain("Certified 'citizen_services' score") == "Certified Citizen services score"
    assert plain("processing demo-cloud-in (Bengaluru, IN);") == "processing Bengaluru, India;"
    assert plain("logs kept in IN") == "logs kept in India"
    assert plain("on 2026-10-01") == "on 1 Oct 2026"
    assert plain("iso27001 expires") == "ISO/IEC 27001 expires"
    assert plain("an offering (empanelled_commercial)") == (
        "an offering (MeitY-empanelled commercial cloud)"
    )
    assert plain("Monte Carlo in float64 (NumPy).") == "Monte Carlo in floating-point arithmetic."
    assert plain("(0.01, ROUND_HALF_UP)") == "(0.01, halves rounded up)"


def test_every_rule_code_has_words():
    assert set(labels.RULE) == set(codes.OFFER_RULES) | set(codes.COMPARISON_GATES)
    assert labels.rule("UNKNOWN_RULE") == "UNKNOWN_RULE"


def test_the_charts_name_offers_and_draw_the_recommendation_on_top(comparison):
    view = presenters.comparison_view(selectors.comparison_results(comparison))
    figures = charts.comparison_figures(view)
    cost_quality = figures["cost_quality"]
    assert cost_quality is not None
    *others, recommended = cost_quality["data"]
    assert recommended["name"] == "Recommended" and recommended["text"] == [view.awarded.name]
    assert all(recommended["marker"]["size"] > trace["marker"]["size"] for trace in others)
    awards = figures["awards"]
    assert awards is not None
    labels_shown = " ".join(awards["data"][0]["y"]).replace("<br>", " ")
    assert "Sarvam AI — Sarvam-105B" in labels_shown
    assert not any(offer_id in labels_shown for offer_id in view.offers)
    assert charts.wrap("Sarvam AI — Sarvam-105B on Demo Sovereign Cloud", 24) == (
        "Sarvam AI — Sarvam-105B<br>on Demo Sovereign Cloud"
    )


def test_pages_are_compressed_for_browsers_that_accept_it(client, alice, comparison):
    client.force_login(alice)
    url = reverse("comparison_detail", args=[comparison.pk])
    plain_page = client.get(url)
    compressed = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain_page
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    body = gzip.decompress(compressed.content)
    assert b"Award to Sarvam AI" in body
    assert len(compressed.content) < len(plain_page.content) / 5
