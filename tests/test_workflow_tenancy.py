"""Every page route of the officer's workflow, tried by another department's officer (404, as
for a missing object) and by an anonymous visitor (sent to sign in). The route list comes from
Django's URL resolver: a new route without a row here fails the test."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from procurement import services, tendering
from procurement.documents import jobs
from procurement.models import (
    AuditEvent,
    Bid,
    BidOpening,
    Comparison,
    Decision,
    JustificationDocument,
    Workload,
)
from tests.tenders import approved_decision, bid_values, tender_values

pytestmark = pytest.mark.django_db

# route name → (method, which of department A's objects its pk names)
ROUTES = {
    "workload_list": ("GET", None),
    "workload_create": ("GET", None),
    "workload_detail": ("GET", "workload"),
    "workload_edit": ("GET", "workload"),
    "workload_archive": ("POST", "workload"),
    "workload_unarchive": ("POST", "workload"),
    "comparison_create": ("POST", "workload"),
    "comparison_detail": ("GET", "comparison"),
    "comparison_snapshot": ("GET", "comparison"),
    "comparison_export_xlsx": ("GET", "comparison"),
    "comparison_export_csv": ("GET", "comparison"),
    "decision_propose": ("POST", "comparison"),
    "decision_detail": ("GET", "decision"),
    "decision_approve": ("POST", "decision"),
    "decision_return": ("POST", "decision"),
    "history": ("GET", None),
    "awards": ("GET", None),
    "usage_upload": ("GET", None),
    "usage_template": ("GET", None),
    "inbox": ("GET", None),
    "policy_list": ("GET", None),
    "policy_detail": ("GET", "pack"),
    "policy_adopt": ("POST", "pack"),
    "policy_diff": ("GET", "pack_diff"),
    "policy_file": ("GET", "pack"),
    "document_create": ("POST", "comparison"),
    "document_detail": ("GET", "document"),
    "document_status": ("GET", "document"),
    "document_download": ("GET", "document"),
    "document_verify": ("GET", None),
    "snapshot_signing_key": ("GET", None),
    "audit_checkpoints": ("GET", None),
    "audit_checkpoints_file": ("GET", None),
    "transparency": ("GET", None),
    "tender_list": ("GET", None),
    "tender_create": ("POST", "approved"),
    "tender_detail": ("GET", "tender"),
    "bid_record": ("GET", "tender"),
    "tender_open": ("POST", "tender"),
    "tender_bid_document": ("POST", "tender"),
    "committee_appoint": ("POST", "tender"),
    "technical_result": ("POST", "tender_bid"),
    "technical_marks": ("GET", "tender"),
    "tender_evaluate": ("POST", "tender"),
    "invitation_issue": ("POST", "tender"),
    "invitation_reply": ("POST", "tender_invitation"),
    "award_propose": ("POST", "tender"),
    "contract_sign": ("POST", "tender"),
    "tender_evaluation_report": ("POST", "tender"),
}
# Open to everyone: whether a file was issued, when and for which department; whether a
# snapshot's signature matches; the public key that signs snapshots; the signed checkpoints of
# the audit chains; the national figures (suppressed below three departments).
PUBLIC = {
    "document_verify",
    "snapshot_signing_key",
    "audit_checkpoints",
    "audit_checkpoints_file",
    "transparency",
}


# The department administrator's API-key pages: they need that role, which the officers above
# lack, so they are tried by administrators below (route name → method, target).
KEY_ROUTES = {
    "api_key_list": ("GET", None),
    "api_key_create": ("GET", None),
    "api_key_revoke": ("POST", "api_key"),
}


def procurement_routes() -> set[str]:
    """Names of the routes procurement/urls.py contributes to the project's URL resolver."""
    names = set()
    for entry in get_resolver().url_patterns:
        module = getattr(entry, "urlconf_module", None)
        if isinstance(entry, URLResolver) and getattr(module, "__name__", "") == "procurement.urls":
            names |= {e.name for e in entry.url_patterns if isinstance(e, URLPattern)}
    return names


@pytest.fixture
def objects_of_department_a(
    alice, bob, comparison, policy_pack, django_capture_on_commit_callbacks
):
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    with django_capture_on_commit_callbacks(execute=False):
        document = services.document_request(user=alice, comparison=comparison)
    jobs.document_render(str(document.pk))
    approved = approved_decision(
        alice, bob, services.comparison_run(user=alice, workload=comparison.workload)
    )
    tender = tendering.tender_create(user=alice, decision=approved, values=tender_values())
    bid = tendering.bid_record(user=alice, tender=tender, values=bid_values(approved.comparison))
    return {
        "tender_bid": {"pk": tender.pk, "bid_pk": bid.pk},
        # Sealed bids have no invitation yet: the tender is found first (404 across departments).
        "tender_invitation": {"pk": tender.pk, "invitation_pk": 1},
        "approved": {"pk": approved.pk},
        "tender": {"pk": tender.pk},
        "document": {"pk": document.pk},
        "workload": {"pk": comparison.workload.pk},
        "comparison": {"pk": comparison.pk},
        "decision": {"pk": decision.pk},
        "pack": {"slug": policy_pack.slug, "version": policy_pack.version},
        "pack_diff": {
            "slug": policy_pack.slug,
            "old": policy_pack.version,
            "new": policy_pack.version,
        },
    }


def url_for(name: str, objects: dict) -> str:
    target = ROUTES[name][1]
    return reverse(name, kwargs=objects[target] if target else None)


def test_every_procurement_route_has_a_row():
    # The community's pages have no department: the role matrix (test_role_matrix.py) tries
    # each of them with every caller, and test_community.py their rules.
    workflow = {name for name in procurement_routes() if not name.startswith("community_")}
    assert workflow == set(ROUTES) | set(KEY_ROUTES), "add the new route to ROUTES"


def test_another_departments_officer_gets_404_on_every_object_route(
    client, charlie, objects_of_department_a
):
    client.force_login(charlie)
    before = (
        Workload.objects.count(),
        Comparison.objects.count(),
        Decision.objects.count(),
        JustificationDocument.objects.count(),
        Bid.objects.count(),
        BidOpening.objects.count(),
        AuditEvent.objects.count(),
    )
    for name, (method, target) in ROUTES.items():
        if target in (None, "pack", "pack_diff"):
            continue  # lists are scoped, packs are shared: tested below
        response = getattr(client, method.lower())(url_for(name, objects_of_department_a))
        assert response.status_code == 404, f"{name}: {response.status_code}"
    after = (
        Workload.objects.count(),
        Comparison.objects.count(),
        Decision.objects.count(),
        JustificationDocument.objects.count(),
        Bid.objects.count(),
        BidOpening.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before, "a refused request changed something"
    assert Decision.objects.get(**objects_of_department_a["decision"]).status == "proposed"


def test_lists_show_only_the_own_departments_records(client, charlie, objects_of_department_a):
    client.force_login(charlie)
    for name in ("workload_list", "history", "inbox"):
        html = client.get(reverse(name)).content.decode()
        assert "Citizen helpline" not in html, name
    for tab in ("comparisons", "decisions", "workloads"):
        html = client.get(reverse("history") + f"?tab={tab}").content.decode()
        assert "Citizen helpline" not in html and "Nothing found" in html, tab


def test_the_own_department_sees_its_records(client, alice, objects_of_department_a):
    client.force_login(alice)
    for name, (method, _) in ROUTES.items():
        if method == "GET":
            response = client.get(url_for(name, objects_of_department_a))
            assert response.status_code == 200, f"{name}: {response.status_code}"


def test_anonymous_visitors_are_sent_to_sign_in_on_every_route(client, objects_of_department_a):
    for name, (method, _) in ROUTES.items():
        url = url_for(name, objects_of_department_a)
        response = getattr(client, method.lower())(url)
        if name in PUBLIC:
            assert response.status_code == 200, name
            continue
        assert response.status_code == 302, f"{name}: {response.status_code}"
        assert response["Location"].startswith(reverse("login") + "?next="), name


def test_an_approver_of_another_department_cannot_approve(
    client, departments, objects_of_department_a
):
    from procurement.roles import APPROVER
    from tests.conftest import make_user

    dave = make_user("dave", departments[1], APPROVER)
    client.force_login(dave)
    decision = objects_of_department_a["decision"]
    assert client.post(reverse("decision_approve", kwargs=decision)).status_code == 404
    assert Decision.objects.get(**decision).status == Decision.Status.PROPOSED


def test_key_pages_answer_only_their_departments_administrator(client, departments):
    from tests.test_api_support import make_admin, make_key

    key, _ = make_key(departments[0])
    own, other = key.created_by, make_admin(departments[1])
    urls = {
        name: reverse(name, args=[key.prefix] if target else None)
        for name, (_, target) in KEY_ROUTES.items()
    }
    for name, (method, _) in KEY_ROUTES.items():
        response = getattr(client, method.lower())(urls[name])
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login") + "?next="), name
    client.force_login(other)
    assert client.post(urls["api_key_revoke"]).status_code == 404
    assert key.prefix not in client.get(urls["api_key_list"]).content.decode()
    client.force_login(own)
    for name, (method, _) in KEY_ROUTES.items():
        if method == "GET":
            assert client.get(urls[name]).status_code == 200, name
    key.refresh_from_db()
    assert not key.revoked
