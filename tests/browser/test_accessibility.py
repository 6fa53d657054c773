"""axe-core on every page an officer or an approver uses, and the community's pages, in a real
Chromium.

axe-core comes from npm (package.json's devDependencies; `make test` runs `npm ci`) and is
injected by the test into each page it checks: it is never served to users. Pages run under the
product's Content Security Policy, which refuses inline scripts, so this module's browser
context bypasses the CSP for the injected script alone.

Every rule axe runs by default is applied (WCAG 2.0–2.2 A and AA, and best practices). A page
passes with no critical and no serious violation; the moderate and minor ones are counted and
printed with the rest (``pytest -s``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from procurement import community, services, summary, tendering
from procurement.documents import jobs
from procurement.management.demo_community import price_change
from procurement.models import PolicyPack
from procurement.roles import DOMAIN_EXPERTS, PRACTITIONERS
from tests.browser.test_community_flow import sign_in as sign_in_to
from tests.community import (
    contributor,
    evidence,
    make_community,
    measurement_values,
    note_values,
    provider_member,
)
from tests.conftest import PASSWORD
from tests.tenders import approved_decision, bid_values, clock_at, tender_values

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
IMPACTS = ("critical", "serious", "moderate", "minor")
FAILING = {"critical", "serious"}

# axe's results, reduced to what a failure message needs: which rule, how bad, where.
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def axe_script() -> Path:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    return AXE


class Audit:
    """Runs axe on pages and keeps every page's violations, to report them all at the end."""

    def __init__(self, page: Page, base_url: str, script: Path) -> None:
        self.page, self.base_url, self.script = page, base_url, script
        self.results: dict[str, list[dict]] = {}
        self.suffix = ""

    def visit(self, name: str, path: str, status: int = 200) -> None:
        response = self.page.goto(f"{self.base_url}{path}")
        assert response is not None and response.status == status, f"{name}: {path}"
        self.check(name)

    def check(self, name: str) -> None:
        """The page as it stands now (after a form was sent, say)."""
        self.page.wait_for_load_state("load")
        self.page.add_script_tag(path=str(self.script))
        name += self.suffix
        assert name not in self.results, f"{name} checked twice"
        self.results[name] = self.page.evaluate(RUN_AXE)

    def table(self) -> str:
        width = max(map(len, self.results))
        lines = [f"{'page':<{width}}  " + "  ".join(f"{i:>8}" for i in IMPACTS)]
        for name, violations in self.results.items():
            counts = Counter(v["impact"] for v in violations)
            lines.append(f"{name:<{width}}  " + "  ".join(f"{counts[i]:>8}" for i in IMPACTS))
        return "\n".join(lines)

    def lines(self, impacts: Iterable[str] = IMPACTS) -> list[str]:
        """One line per violation of these impacts: page, rule, impact, where."""
        return [
            f"{name}: {v['id']} ({v['impact']}) {v['help']} — at {', '.join(v['targets'][:5])}"
            + (f" and {len(v['targets']) - 5} more" if len(v["targets"]) > 5 else "")
            for name, violations in self.results.items()
            for v in violations
            if v["impact"] in impacts
        ]


def sign_in(page: Page, base_url: str, username: str) -> None:
    """Signs in and stays on the page the person lands on."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def sign_out(page: Page) -> None:
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # on a phone the navigation is folded behind it
        menu.click()
    page.get_by_role("button", name="Sign out").click()


@pytest.fixture
def records(alice, comparison, django_capture_on_commit_callbacks):
    """A proposed award, its rendered justification, and a second version of the pack."""
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    with django_capture_on_commit_callbacks(execute=False):
        document = services.document_request(user=alice, comparison=comparison)
    jobs.document_render(str(document.pk))
    document.refresh_from_db()
    pack = comparison.policy_pack
    PolicyPack.objects.create(
        slug=pack.slug,
        version=pack.version + 1,
        title=pack.title,
        status=PolicyPack.Status.DRAFT,
        document={**pack.document, "version": pack.version + 1, "description": "Revised."},
        effective_from=pack.effective_from,
    )
    return comparison, decision, document, pack


@pytest.fixture
def published(award_factory):
    """Three departments' approved awards in the transparency page's figures."""
    for slug, requests in (("alpha", 50_000), ("beta", 51_000), ("gamma", 52_000)):
        award_factory(slug, requests_per_day=requests)
    summary.rebuild()


# Desktop, and a phone (where the navigation folds and wide tables scroll in their boxes).
WIDTHS = (1366, 390)


def walk(audit: Audit, page: Page, base_url: str, records) -> None:
    """Every page the officer and the approver use, in the order of their day."""
    comparison, decision, document, pack = records
    workload = comparison.workload

    # Before signing in.
    audit.visit("home (visitor)", "/")
    audit.visit("sign in", "/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    audit.check("sign in, refused")
    audit.visit("verify a document", "/verify/")
    audit.visit("verify a document, answered", f"/verify/?sha256={document.sha256}")
    upload = page.locator("form", has=page.locator("input[name=snapshot]"))
    upload.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "snapshot.json",
                "mimeType": "application/json",
                "buffer": comparison.snapshot.encode(),
            }
        ]
    )
    upload.locator("[type=submit]").click()
    audit.check("verify a snapshot, answered")
    by_file = page.locator("form", has=page.locator("input[name=document]"))
    by_file.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "justification.pdf",
                "mimeType": "application/pdf",
                "buffer": bytes(document.pdf),
            }
        ]
    )
    by_file.locator("[type=submit]").click()
    audit.check("verify a document by its file, answered")
    audit.visit("audit checkpoints", "/verify/checkpoints/")
    audit.visit("transparency", "/transparency/")
    audit.visit("transparency, a bad scenario", "/transparency/?premium=150")

    # The officer.
    sign_in(page, base_url, "alice")
    audit.check("after sign-in (officer)")
    audit.visit("workloads", "/workloads/")
    audit.visit("home", "/")
    audit.visit("new workload", "/workloads/new/")
    page.locator("[name=title]").fill("   ")
    page.locator("[name=requests_per_day]").fill("0")
    page.locator("main form [type=submit]").last.click()
    audit.check("new workload, with errors")
    audit.visit("workload", f"/workloads/{workload.pk}/")
    audit.visit("archive a workload?", f"/workloads/{workload.pk}/archive/")
    audit.visit("copy a workload", f"/workloads/new/?copy={workload.pk}")
    audit.visit("inbox (officer)", "/inbox/")
    audit.visit("edit workload", f"/workloads/{workload.pk}/edit/")
    audit.visit("comparison", f"/comparisons/{comparison.pk}/")
    audit.visit("decision (officer)", f"/decisions/{decision.pk}/")
    audit.visit("justification document", f"/documents/{document.pk}/")
    for tab in ("comparisons", "decisions", "workloads"):
        audit.visit(f"history: {tab}", f"/history/?tab={tab}")
    audit.visit("policies", "/policies/")
    audit.visit("policy", f"/policies/{pack.slug}/v{pack.version}/")
    audit.visit(
        "policy versions compared", f"/policies/{pack.slug}/v{pack.version}...v{pack.version + 1}/"
    )
    audit.visit("API keys", "/api-keys/")
    audit.visit("new API key", "/api-keys/new/")
    page.get_by_role("button", name="Create the key").click()
    audit.check("new API key, with errors")
    page.locator("#id_name").fill("HMIS integration")
    page.get_by_label(re.compile("^Procurement officer")).check()
    page.get_by_role("button", name="Create the key").click()
    audit.check("new API key, shown once")
    audit.visit("change password", "/accounts/password/")
    page.get_by_role("button", name="Change password").click()
    audit.check("change password, with errors")
    audit.visit("providers", "/catalogue/")
    page.locator("main a[href^='/catalogue/providers/']").first.click()
    audit.check("provider")
    audit.visit("offerings", "/catalogue/offerings/")
    page.locator("main a[href^='/catalogue/offerings/'][href$='/']").first.click()
    audit.check("offering")
    sign_out(page)

    # The approver.
    sign_in(page, base_url, "bob")
    audit.check("after sign-in (approver)")
    audit.visit("workloads (approver)", "/workloads/")
    audit.visit("inbox (approver)", "/inbox/")
    audit.visit("decision (approver)", f"/decisions/{decision.pk}/")
    audit.visit("comparison (approver)", f"/comparisons/{comparison.pk}/")
    sign_out(page)


# One test per width: the two walks run side by side under pytest-xdist.
@pytest.mark.parametrize("width", WIDTHS)
def test_every_officer_page_has_no_critical_or_serious_violation(
    page: Page, live_server, alice, bob, records, published, axe_script, width
):
    audit = Audit(page, live_server.url, axe_script)
    page.set_viewport_size({"width": width, "height": 900})
    audit.suffix = f" @{width}"
    walk(audit, page, live_server.url, records)

    print("\naxe-core violations per page\n" + audit.table() + "\n" + "\n".join(audit.lines()))
    failures = audit.lines(FAILING)
    assert not failures, "\n".join(failures)


def test_the_community_pages_have_no_critical_or_serious_violation(
    page: Page, live_server, policy_pack, demo_catalogue, axe_script
):
    lab = make_community()
    lab.accredit()
    accepted = lab.submit()
    waiting = lab.submit(right=80, score=Decimal("80.00"), language="en")
    services_review(lab, accepted)
    audit = Audit(page, live_server.url, axe_script)
    audit.visit("community", "/community/")
    audit.visit("evaluator", f"/community/evaluators/{lab.evaluator.slug}/")
    audit.visit("evaluation, accepted", f"/community/evaluations/{accepted.pk}/")
    audit.visit("benchmark", f"/community/benchmarks/{lab.benchmark.pk}/")
    seller = provider_member("seller", "demo-mse-ai-labs")
    change = community.provider_change_submit(
        user=seller, summary="A new price", catalogue=price_change("demo-mse-ai-labs")
    )
    audit.visit("provider profile", "/community/providers/demo-mse-ai-labs/")
    sign_in_to(page, live_server, seller.username, "/community/providers/demo-mse-ai-labs/")
    audit.check("provider profile, to its member (where its offers failed)")
    audit.visit("submit a provider's change", "/community/provider-changes/new/")
    page.get_by_role("button", name="Submit for review").click()
    audit.check("submit a provider's change, with errors")
    audit.visit("provider's change, awaiting review", f"/community/provider-changes/{change.pk}/")
    sign_out(page)
    sign_in_to(page, live_server, lab.member.username, "/community/evaluations/new/")
    audit.check("submit an evaluation")
    page.get_by_role("button", name="Submit for review").click()
    audit.check("submit an evaluation, with errors")
    audit.visit("register a benchmark", "/community/benchmarks/new/")
    audit.visit("submissions", "/community/submissions/")
    audit.visit("evaluation, awaiting review", f"/community/evaluations/{waiting.pk}/")
    sign_out(page)
    practitioner = contributor("practitioner", PRACTITIONERS)
    sign_in_to(page, live_server, practitioner.username, "/community/measurements/new/")
    audit.check("publish a measurement")
    page.get_by_role("button", name="Publish").click()
    audit.check("publish a measurement, with errors")
    measurement = community.measurement_submit(
        user=practitioner, values=measurement_values(), evidence=evidence()
    )
    audit.visit("measurement", f"/community/measurements/{measurement.pk}/")
    sign_out(page)
    expert = contributor("expert", DOMAIN_EXPERTS)
    sign_in_to(page, live_server, expert.username, "/community/notes/new/")
    audit.check("submit a domain note")
    page.get_by_role("button", name="Submit for review").click()
    audit.check("submit a domain note, with errors")
    note = community.domain_note_submit(user=expert, values=note_values())
    audit.visit("domain note, awaiting review", f"/community/notes/{note.pk}/")
    audit.visit("what a contributor published", "/community/submissions/")
    sign_out(page)
    sign_in_to(page, live_server, lab.stewards[0].username, "/community/review/")
    audit.check("review list")
    audit.visit("evaluation to review", f"/community/evaluations/{waiting.pk}/")
    audit.visit("provider's change to review", f"/community/provider-changes/{change.pk}/")
    audit.visit("measurement to promote or withdraw", f"/community/measurements/{measurement.pk}/")
    audit.visit("domain note to review", f"/community/notes/{note.pk}/")
    print("\naxe-core violations per page\n" + audit.table())
    failures = audit.lines(FAILING)
    assert not failures, "\n".join(failures)


def test_the_tender_pages_have_no_critical_or_serious_violation(
    page: Page, live_server, alice, bob, comparison, axe_script
):
    decision = approved_decision(alice, bob, comparison)
    audit = Audit(page, live_server.url, axe_script)
    sign_in(page, live_server.url, "alice")
    audit.visit("decision, approved (officer)", f"/decisions/{decision.pk}/")
    audit.visit("publish the tender", f"/decisions/{decision.pk}/tender/")
    page.get_by_role("button", name="Publish").click()
    audit.check("publish the tender, with errors")
    tender = tendering.tender_create(user=alice, decision=decision, values=tender_values())
    tendering.bid_record(user=alice, tender=tender, values=bid_values(comparison))
    audit.visit("tenders", "/tenders/")
    audit.visit("tender, bids sealed", f"/tenders/{tender.pk}/")
    audit.visit("record a bid", f"/tenders/{tender.pk}/bids/new/")
    page.get_by_role("button", name="Record the bid").click()
    audit.check("record a bid, with errors")
    with clock_at(tender.opening_at + dt.timedelta(minutes=1)):
        tendering.tender_open(user=alice, tender=tender)
        audit.visit("tender, bids opened", f"/tenders/{tender.pk}/")
    print("\naxe-core violations per page\n" + audit.table())
    failures = audit.lines(FAILING)
    assert not failures, "\n".join(failures)


def services_review(lab, submission) -> None:
    community.submission_review(user=lab.stewards[1], submission=submission, accept=True)
