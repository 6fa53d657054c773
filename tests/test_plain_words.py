"""The officer's pages and the PDF speak to officers, not to developers.

Every page an officer reads on the way from a workload to an approved justification is rendered
(with the demo catalogue and the shipped pack), and its visible text — what a browser shows and
reads aloud: text nodes, ``title``, ``alt``, ``aria-label``, ``placeholder`` — is scanned, with the
PDF's text, for what only a developer would write: the engine's rule codes, the catalogue's
internal offer ids, the names of our internal notes, library and rounding-mode names, and numbers
grouped the Western way (219,000,000) where Indian grouping is the rule (21,90,00,000).

An "Audit detail" section (``<details data-audit>``) may keep the engine's own terms for auditors;
it is left out of the scan, and nothing else is.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from procurement import services
from procurement.documents import jobs
from providers.models import Offering, Provider

pytestmark = pytest.mark.django_db

RULE_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
INTERNAL = re.compile(r"POLICY-RULES|DESIGN\b|RELIABILITY\.md|TENDER-FILE|float64|NumPy|ROUND_HALF")
# A number written with thousands separators: Indian grouping has one group of three at the end,
# after groups of two; any group of three before the last is the Western way.
GROUPED = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{2,3})+")
VISIBLE_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")


def western(number: str) -> bool:
    groups = number.split(",")
    return any(len(group) == 3 for group in groups[:-1]) or len(groups[0]) == 3 and len(groups) > 1


class VisibleText(HTMLParser):
    """The text a reader meets, outside scripts, styles and the audit detail section."""

    SKIPPED = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[tuple[str, bool]] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        skip = tag in self.SKIPPED or (tag == "details" and "data-audit" in named)
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col"}:
            self._stack.append((tag, skip))
        if not self._skipping() and not skip:
            self.parts.extend(named[a] or "" for a in VISIBLE_ATTRIBUTES if named.get(a))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def findings(where: str, text: str, offer_ids: set[str]) -> list[str]:
    found = [f"{where}: rule code {code!r}" for code in RULE_CODE.findall(text)]
    found += [f"{where}: {word!r}" for word in INTERNAL.findall(text)]
    found += [f"{where}: Western grouping {n!r}" for n in GROUPED.findall(text) if western(n)]
    words = set(re.findall(r"[a-z0-9][a-z0-9-]*[a-z0-9]", text))
    found += [f"{where}: offer id {slug!r}" for slug in sorted(offer_ids & words)]
    return found


def test_the_western_grouping_rule_itself():
    assert [n for n in ("219,000,000", "200,000", "1,000") if western(n)] == [
        "219,000,000",
        "200,000",
    ]
    assert not [n for n in ("21,90,00,000", "1,49,36,451", "2,00,000", "99,999") if western(n)]


def test_no_page_or_pdf_an_officer_reads_speaks_in_codes(
    client, alice, bob, comparison, django_capture_on_commit_callbacks
):
    # An id that is also the provider's own published model name ("sarvam-30b", the name a
    # buyer's system calls) is a fact of the catalogue, not our id: the catalogue shows it.
    model_names = set(Offering.objects.values_list("model_name", flat=True))
    offer_ids = {
        slug
        for slug in Offering.objects.values_list("slug", flat=True)
        if "-" in slug and slug not in model_names
    }
    assert offer_ids, "the demo catalogue has offers"
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id
    )
    with django_capture_on_commit_callbacks(execute=False):
        document = services.document_request(user=alice, comparison=comparison)
    jobs.document_render(str(document.pk))
    document.refresh_from_db()
    workload = comparison.workload
    provider = Provider.objects.first()
    offering = Offering.objects.first()
    pack = comparison.policy_pack
    officer_pages = [
        reverse("workload_list"),
        reverse("workload_create"),
        reverse("workload_detail", args=[workload.pk]),
        reverse("workload_edit", args=[workload.pk]),
        reverse("workload_archive", args=[workload.pk]),
        reverse("workload_create") + f"?copy={workload.pk}",
        reverse("comparison_detail", args=[comparison.pk]),
        reverse("decision_detail", args=[decision.pk]),
        reverse("document_detail", args=[document.pk]),
        reverse("history"),
        reverse("inbox"),
        reverse("policy_list"),
        reverse("policy_detail", args=[pack.slug, pack.version]),
        reverse("document_verify"),
        reverse("catalogue:provider_list"),
        reverse("catalogue:provider_detail", args=[provider.slug]),
        reverse("catalogue:offering_list"),
        reverse("catalogue:offering_detail", args=[offering.slug]),
    ]
    problems: list[str] = []
    for user in (alice, bob):
        client.force_login(user)
        for url in officer_pages:
            response = client.get(url)
            if user == bob and response.status_code == 403:
                continue  # the approver may not write workloads; alice reads those pages
            assert response.status_code == 200, (url, response.status_code)
            text = visible(response.content.decode())
            problems += findings(f"{user.username} {url}", text, offer_ids)
    assert document.status == "ready", document.failure
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(bytes(document.pdf))).pages)
    problems += findings("the PDF", " ".join(text.split()), offer_ids)
    assert not problems, "\n".join(problems)
