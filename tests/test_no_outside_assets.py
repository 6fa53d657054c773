"""No page loads anything from outside the app: district offices may be offline, and a CDN leaks
who reads what. Every route in Django's URL resolver is requested (as a superuser so that admin
pages are included, and anonymously where a signed-in user is redirected, as from the login form).
Every HTML page is scanned for what a browser would fetch by itself: ``src``, ``srcset``,
``<link href>``, SVG ``href``, ``<object data>``, form actions, refreshes, and ``url()`` or
``@import`` in inline styles and in the stylesheets the page links.

Links a person clicks to read a source (``<a href="https://…">``) are navigation, not assets: the
catalogue must cite its sources. They are allowed only as ``rel="external noopener noreferrer"``.

A new route fails this test until it is given sample arguments below or a reason to skip it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from procurement.engine.packs import pack_data
from procurement.ocds import ocid

pytestmark = pytest.mark.django_db

# Routes that are not pages a browser loads by navigating to them, and why.
# The version of the central pack shipped with the product (the migrations store it).
SHIPPED = pack_data("india-default")["version"]
NOT_PAGES = {
    "schema": "the OpenAPI document (YAML), checked in test_catalogue_api",
    "logout": "POST only",
    "language_switch": "POST only",
    "workload_unarchive": "POST only",
    "comparison_create": "POST only",
    "decision_propose": "POST only",
    "decision_approve": "POST only",
    "decision_return": "POST only",
    "policy_adopt": "POST only",
    "api_key_revoke": "POST only",
    "document_create": "POST only",
    "document_download": "a PDF download",
    "api:workload-archive": "POST only",
    "api:decision-approve": "POST only",
    "api:decision-return": "POST only",
    "api:comparison-documents": "POST only",
    "api:community-measurement-list": "POST only",
    "comparison_snapshot": "a JSON download",
    "policy_file": "a JSON download",
    "comparison_export_xlsx": "an XLSX download",
    "comparison_export_csv": "a CSV download",
    "api:comparison-export-xlsx": "an XLSX download",
    "api:comparison-export-csv": "a CSV download",
    "community_evaluation_review": "POST only",
    "community_benchmark_review": "POST only",
    "community_provider_change_review": "POST only",
    "community_evidence": "a file download",
    "community_measurement_evidence": "a file download",
    "community_measurement_review": "POST only",
    "community_domain_note_review": "POST only",
    "tender_open": "POST only",
    "tender_bid_document": "POST only",
    "committee_appoint": "POST only",
    "tender_evaluate": "POST only",
    "invitation_issue": "POST only",
    "invitation_reply": "POST only",
    "award_propose": "POST only",
    "contract_sign": "POST only",
    "tender_evaluation_report": "POST only",
    "technical_result": "the bid is sealed here: its page sends back to the tender's",
    "api:tender-open": "POST only",
    "api:tender-bids": "sealed until the opening (a 409)",
    "community_item_results": "a JSON Lines download",
    "admin:logout": "POST only",
    "admin:view_on_site": "a redirect to the object's own page",
    "admin:autocomplete": "JSON for admin widgets",
    "admin:jsi18n": "JavaScript catalogue",
}
URL_IN_CSS = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")


def local(url: str) -> bool:
    """Same-origin path, fragment, query, or an inline data: URI."""
    url = url.strip()
    if url.startswith(("data:", "#", "?")) or url == "":
        return True
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


class AssetScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.assets: list[tuple[str, str]] = []  # (where, url)
        self.stylesheets: list[str] = []
        self.bad_links: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for attr in ("src", "poster", "data", "background"):
            if attr in a:
                self.assets.append((f"<{tag} {attr}>", a[attr]))
        for candidate in a.get("srcset", "").split(","):
            if candidate.strip():
                self.assets.append((f"<{tag} srcset>", candidate.split()[0]))
        if tag == "link" and "href" in a:
            self.assets.append(("<link href>", a["href"]))
            if "stylesheet" in a.get("rel", ""):
                self.stylesheets.append(a["href"])
        if tag in ("use", "image", "base") and ("href" in a or "xlink:href" in a):
            self.assets.append((f"<{tag} href>", a.get("href") or a["xlink:href"]))
        if tag == "form" and a.get("action"):
            self.assets.append(("<form action>", a["action"]))
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.assets.append(("<meta refresh>", a.get("content", "").partition("url=")[2]))
        for url in URL_IN_CSS.findall(a.get("style", "")):
            self.assets.append((f"<{tag} style>", url))
        if tag == "a" and not local(a.get("href", "")):
            rel = set(a.get("rel", "").split())
            if not {"external", "noopener", "noreferrer"} <= rel:
                self.bad_links.append(a["href"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.assets.extend(("<style>", url) for url in URL_IN_CSS.findall(data))


def all_routes(
    resolver: URLResolver | None = None, namespace: str = ""
) -> list[tuple[str, list[str]]]:
    """(name, [parameter names]) for every named route, following includes."""
    resolver = resolver or get_resolver()
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes.extend(all_routes(entry, inner))
        elif isinstance(entry, URLPattern) and entry.name:
            routes.append((f"{namespace}{entry.name}", list(entry.pattern.regex.groupindex)))
    return routes


def sample_kwargs(name: str, params: list[str]) -> dict[str, str] | None:
    """Arguments that reach a real object for ``name``, or None if the route is not understood."""
    from django.contrib.auth import get_user_model

    from procurement.models import (
        Benchmark,
        Comparison,
        Decision,
        DomainNote,
        EvaluationSubmission,
        JustificationDocument,
        Measurement,
        PolicyPack,
        ProviderChange,
        Tender,
        Workload,
    )
    from providers.models import Offering, Provider

    if not params:
        return {}
    if params == ["format"]:
        return {"format": "json"}
    samples = {
        "catalogue:provider_detail": {"slug": Provider.objects.first().slug},
        "catalogue:offering_detail": {"slug": Offering.objects.first().slug},
        "api:provider-detail": {"slug": Provider.objects.first().slug},
        "api:offering-detail": {"slug": Offering.objects.first().slug},
        "api:policy-pack-detail": {"slug": "india-default", "version": SHIPPED},
        "api:transparency-figure": {"figure": "trend"},
        "api:transparency-figure-csv": {"figure": "trend"},
        "api:workload-detail": {"pk": Workload.objects.first().pk},
        "api:comparison-detail": {"pk": Comparison.objects.first().pk},
        "api:comparison-snapshot": {"pk": Comparison.objects.first().pk},
        "api:decision-detail": {"pk": Decision.objects.first().pk},
        "api:award-detail": {"pk": Decision.objects.get(status="approved").pk},
        "api:award-usage": {"pk": Decision.objects.get(status="approved").pk},
        "api:ocds-release-package": {"ocid": ocid(Decision.objects.get(status="approved"))},
        "api:ocds-record": {"ocid": ocid(Decision.objects.get(status="approved"))},
        "api:document-detail": {"pk": JustificationDocument.objects.first().pk},
        "api:document-pdf": {"pk": JustificationDocument.objects.first().pk},
        "admin:app_list": {"app_label": "providers"},
        "admin:auth_user_password_change": {"id": str(get_user_model().objects.first().pk)},
        "workload_detail": {"pk": Workload.objects.first().pk},
        "workload_edit": {"pk": Workload.objects.first().pk},
        "workload_archive": {"pk": Workload.objects.first().pk},
        "comparison_detail": {"pk": Comparison.objects.first().pk},
        "decision_detail": {"pk": Decision.objects.first().pk},
        "document_detail": {"pk": JustificationDocument.objects.first().pk},
        "document_status": {"pk": JustificationDocument.objects.first().pk},
        "policy_detail": {"slug": "india-default", "version": SHIPPED},
        "community_evaluator": {"slug": EvaluationSubmission.objects.get().evaluator.slug},
        "community_evaluation": {"pk": EvaluationSubmission.objects.get().pk},
        "community_benchmark": {"pk": Benchmark.objects.first().pk},
        "community_provider": {"slug": ProviderChange.objects.get().provider.slug},
        "community_provider_change": {"pk": ProviderChange.objects.get().pk},
        "community_measurement": {"pk": Measurement.objects.get().pk},
        "community_domain_note": {"pk": DomainNote.objects.get().pk},
        "tender_create": {"pk": Decision.objects.get(status="approved").pk},
        "tender_detail": {"pk": Tender.objects.get().pk},
        "bid_record": {"pk": Tender.objects.get().pk},
        "technical_marks": {"pk": Tender.objects.get().pk},
        "api:tender-detail": {"pk": Tender.objects.get().pk},
        "policy_diff": {
            "slug": "india-default",
            "old": SHIPPED,
            # The draft made from the shipped version: the newest.
            "new": PolicyPack.objects.filter(slug="india-default")
            .order_by("-version")
            .values_list("version", flat=True)
            .first(),
        },
    }
    if name in samples:
        return {**samples[name], **({"format": "json"} if "format" in params else {})}
    match = re.fullmatch(r"admin:(\w+)_(change|delete|history)", name)
    if match and params == ["object_id"]:
        for model in admin_site._registry:
            if f"{model._meta.app_label}_{model._meta.model_name}" == match.group(1):
                obj = model._default_manager.first()
                return {"object_id": str(obj.pk)} if obj else None
    return None


@pytest.fixture
def signed_in_admin(
    admin_client, admin_user, alice, comparison, django_capture_on_commit_callbacks
):
    """A superuser who belongs to alice's department, with one record of every kind there."""
    from axes.models import AccessAttempt, AccessFailureLog

    from procurement import community, platform, services, tendering
    from procurement.documents import jobs
    from procurement.management.demo_community import price_change
    from procurement.models import Contributor, EvaluatorMember, Membership, ProviderMember
    from tests.community import (
        evidence,
        make_community,
        measurement_values,
        note_values,
        provider_member,
    )
    from tests.tenders import bid_values, tender_values

    # A draft pack and the proposal to publish it (by the administrator as a platform person,
    # before joining a department).
    draft = services.policy_pack_new_version(user=admin_user, source=comparison.policy_pack)
    platform.pack_publication_propose(user=admin_user, pack=draft, summary="Publish it")
    platform.share_target_set(
        user=admin_user,
        target_pct=Decimal(60),
        by_date=timezone.localdate() + dt.timedelta(days=365),
        source_note="A national target (test)",
    )
    # The community: an evaluation and a provider's change awaiting review, of organisations the
    # administrator is a member of (so the members' forms answer too).
    lab = make_community()
    lab.submit()
    EvaluatorMember.objects.create(user=admin_user, evaluator=lab.evaluator)
    seller = provider_member("seller", "demo-mse-ai-labs")
    community.provider_change_submit(
        user=seller, summary="A new price", catalogue=price_change("demo-mse-ai-labs")
    )
    ProviderMember.objects.create(user=admin_user, provider=seller.provider_membership.provider)
    # A measurement and a note of the administrator's own, as a registered contributor.
    Contributor.objects.create(user=admin_user, affiliation="The platform")
    community.measurement_submit(user=admin_user, values=measurement_values(), evidence=evidence())
    community.domain_note_submit(user=admin_user, values=note_values())
    Membership.objects.create(user=admin_user, department=alice.membership.department)
    who = {"user_agent": "test", "ip_address": "10.0.0.1", "username": "alice", "path_info": "/"}
    AccessAttempt.objects.create(**who, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**who)
    proposed = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    with django_capture_on_commit_callbacks(execute=False):
        award = services.decision_approve(user=admin_user, decision=proposed)
        document = services.document_request(user=alice, comparison=comparison)
    # The award's tender, with a bid (sealed).
    tender = tendering.tender_create(user=alice, decision=award, values=tender_values())
    tendering.bid_record(user=alice, tender=tender, values=bid_values(comparison))
    jobs.document_render(str(document.pk))
    return admin_client, lab.stewards[0]


# Pages for a catalogue steward, a person of no department (the administrator has one).
STEWARD_PAGES = {"community_review"}


def test_no_page_loads_an_asset_from_outside_the_app(signed_in_admin, client):
    from django.test import Client

    admin_client, steward = signed_in_admin
    steward_client = Client()
    steward_client.force_login(steward)
    pages, problems, unknown = 0, [], []
    stylesheets: set[str] = set()
    for name, params in all_routes():
        if name in NOT_PAGES:
            continue
        kwargs = sample_kwargs(name, params)
        if kwargs is None:
            unknown.append(f"{name} {params}")
            continue
        url = reverse(name, kwargs=kwargs)
        response = (steward_client if name in STEWARD_PAGES else admin_client).get(url)
        if response.status_code == 302:  # a page for visitors only, such as the login form
            response = client.get(url)
        if response.status_code == 403 and name.startswith("admin:"):
            continue  # an admin page this model refuses to everyone (e.g. adding audit events)
        assert response.status_code == 200, f"{name} → {url}: {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):
            continue
        pages += 1
        scanner = AssetScanner()
        scanner.feed(response.content.decode())
        problems += [
            f"{url}: {where} {asset}" for where, asset in scanner.assets if not local(asset)
        ]
        problems += [
            f"{url}: <a> to {link} without rel=external noopener noreferrer"
            for link in scanner.bad_links
        ]
        stylesheets.update(scanner.stylesheets)

    for sheet in sorted(stylesheets):
        response = admin_client.get(sheet)
        assert response.status_code == 200, sheet
        css = b"".join(response.streaming_content if response.streaming else [response.content])
        problems += [
            f"{sheet}: {url}" for url in URL_IN_CSS.findall(css.decode()) if not local(url)
        ]

    assert not unknown, f"routes without sample arguments in this test: {unknown}"
    assert not problems, "\n".join(problems)
    assert pages >= 50, f"only {pages} HTML pages were scanned"
    assert any(s.startswith("/static/vendor/bootstrap/bootstrap.min.") for s in stylesheets)


def test_the_scanner_catches_what_it_must():
    scanner = AssetScanner()
    scanner.feed(
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//cdn/y.css">'
        '<img srcset="/ok.png 1x, http://x/y.png 2x"><div style="background:url(https://x/i.png)">'
        '<style>@import "https://fonts.example/f.css";</style><a href="https://x.org">x</a>'
        '<a href="https://docs.example" rel="external noopener noreferrer">source</a>'
    )
    outside = [url for _, url in scanner.assets if not local(url)]
    assert outside == [
        "https://cdn.example/x.js",
        "//cdn/y.css",
        "http://x/y.png",
        "https://x/i.png",
        "https://fonts.example/f.css",
    ]
    assert scanner.bad_links == ["https://x.org"]
