"""Persons, not accounts (issue 11, hole 1): every API key is held by a person of the
department, acts with at most that person's current roles, and maker-checker compares persons
across keys and sign-ins. Against the real PostgreSQL, through the pages and the API."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from procurement import services
from procurement.models import AuditEvent, Decision, DepartmentAPIKey, Membership
from procurement.roles import APPROVER, OFFICER
from tests.test_api_support import client_with, make_admin, make_key, make_person

pytestmark = pytest.mark.django_db

REFUSED = (
    "The person who proposed an award cannot also approve or return it, whether signed in or "
    "through any API key they hold."
)


def issue_on_the_page(client, person, roles, name="System"):
    """POST the key form; (status, the key's text or None, the form's errors)."""
    response = client.post(
        reverse("api_key_create"), {"person": person.pk, "name": name, "roles": list(roles)}
    )
    match = re.search(r'value="([A-Za-z0-9]{8}\.[A-Za-z0-9]{32})"', response.content.decode())
    errors = response.context["form"].errors if response.status_code == 400 else {}
    return response.status_code, match.group(1) if match else None, errors


def propose(client, comparison):
    return client.post(
        reverse("api:decision-list"),
        {"comparison": comparison.pk, "offer_id": comparison.recommended_offer_id},
    )


# (a) The 5-call self-approval, closed ---------------------------------------------------------


def test_a_key_administrator_cannot_mint_the_roles_they_do_not_hold(
    client, departments, alice, comparison
):
    """The review's 5 calls: the key administrator (key rights only) mints an officer key and
    an approver key, proposes with one, approves with the other. The first two are refused,
    for themselves and for a colleague alike, so there is nothing to propose or approve with."""
    admin = make_admin(departments[0])
    client.force_login(admin)
    for person, roles in [(admin, (OFFICER,)), (admin, (APPROVER,)), (alice, (OFFICER,))]:
        status, key, errors = issue_on_the_page(client, person, roles)
        assert status == 400 and key is None
        assert "You cannot grant a role you do not hold yourself" in " ".join(errors["roles"])
    assert not DepartmentAPIKey.objects.exists()
    # Nor may the administrator act with roles through the API in any other way: they see no
    # workloads, comparisons or decisions at all.
    assert client.get(reverse("api:comparison-list")).json()["results"] == []
    assert client.get(reverse("api:comparison-detail", args=[comparison.pk])).status_code == 404


def test_a_person_with_both_roles_cannot_approve_their_own_proposal_with_two_keys(
    client, departments, comparison
):
    pat = make_person(departments[0], (OFFICER, APPROVER), username="pat")
    client.force_login(pat)
    _, officer_key, _ = issue_on_the_page(client, pat, (OFFICER,), "Pat's proposals")
    _, approver_key, _ = issue_on_the_page(client, pat, (APPROVER,), "Pat's approvals")
    assert officer_key and approver_key
    proposed = propose(client_with(officer_key), comparison)
    assert proposed.status_code == 201, proposed.content
    decision_id = proposed.json()["id"]
    for action, body in [("approve", {}), ("return", {"note": "Mine."})]:
        refused = client_with(approver_key).post(
            reverse(f"api:decision-{action}", args=[decision_id]), body
        )
        assert refused.status_code == 403 and refused.json() == {"detail": REFUSED}, action
    # Nor through the browser, signed in as themselves.
    page = client.get(reverse("decision_detail", args=[decision_id])).content.decode()
    assert reverse("decision_approve", args=[decision_id]) not in page
    assert client.post(reverse("decision_approve", args=[decision_id])).status_code == 403
    assert Decision.objects.get(pk=decision_id).status == Decision.Status.PROPOSED
    # The proposal's event names the key's account and the person behind it.
    event = AuditEvent.objects.get(action="decision.proposed")
    assert event.actor.username.startswith("api-") and event.person == pat
    assert event.person_name == "pat"


def test_a_proposal_made_signed_in_cannot_be_approved_with_the_same_persons_key(
    client, departments, comparison, bob
):
    pat = make_person(departments[0], (OFFICER, APPROVER), username="pat")
    _, approver_key = make_key(departments[0], (APPROVER,), "Pat's approvals", person=pat)
    decision = services.decision_propose(
        user=pat, comparison=comparison, offer_id=comparison.recommended_offer_id
    )
    refused = client_with(approver_key).post(
        reverse("api:decision-approve", args=[decision.pk]), {}
    )
    assert refused.status_code == 403 and refused.json() == {"detail": REFUSED}
    # Another person approves it, through their own key.
    _, bobs_key = make_key(departments[0], (APPROVER,), "Bob's approvals", person=bob)
    approved = client_with(bobs_key).post(reverse("api:decision-approve", args=[decision.pk]), {})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    event = AuditEvent.objects.get(action="decision.approved")
    assert event.person == bob and event.actor != bob


# (b) A key never exceeds its holder's current roles ---------------------------------------------


def test_a_key_loses_a_role_when_its_holder_does_and_stops_with_them(departments, workload):
    pat = make_person(departments[0], (OFFICER, APPROVER), username="pat")
    key, plaintext = make_key(departments[0], (OFFICER, APPROVER), person=pat)
    api = client_with(plaintext)
    workloads = reverse("api:workload-list")
    detail = reverse("api:workload-detail", args=[workload.pk])
    assert api.patch(detail, {"title": "Renamed"}).status_code == 200

    pat.groups.remove(Group.objects.get(name=OFFICER))
    assert api.patch(detail, {"title": "Again"}).status_code == 403
    assert api.get(workloads).json()["results"] != [], "still an approver: still reads"
    pat.groups.add(Group.objects.get(name=OFFICER))
    assert api.patch(detail, {"title": "Again"}).status_code == 200, "granted, held again"

    pat.groups.clear()
    assert api.get(workloads).json()["results"] == []
    assert api.get(detail).status_code == 404

    pat.groups.add(*Group.objects.filter(name__in=[OFFICER, APPROVER]))
    pat.is_active = False
    pat.save(update_fields=["is_active"])
    assert api.get(reverse("api:ping")).status_code == 401
    pat.is_active = True
    pat.save(update_fields=["is_active"])
    assert api.get(reverse("api:ping")).status_code == 200

    Membership.objects.filter(user=pat).update(department=departments[1])
    assert api.get(reverse("api:ping")).status_code == 401, "the holder left the department"


def test_a_key_is_never_granted_more_than_its_holder_and_issuer_hold(client, departments, alice):
    """A key administrator holding both roles issues to an officer: the approver role is
    refused (alice does not hold it); and nobody issues to another department's person."""
    admin = make_admin(departments[0])
    admin.groups.add(*Group.objects.filter(name__in=[OFFICER, APPROVER]))
    client.force_login(admin)
    status, _, errors = issue_on_the_page(client, alice, (OFFICER, APPROVER))
    assert status == 400 and "alice does not hold: Approvers" in " ".join(errors["roles"])
    other = make_person(departments[1], (OFFICER,), username="ravi")
    status, _, errors = issue_on_the_page(client, other, (OFFICER,))
    assert status == 400 and "active person" in " ".join(errors["person"])
    status, key, _ = issue_on_the_page(client, alice, (OFFICER,))
    assert status == 200 and key
    assert DepartmentAPIKey.objects.get().person == alice


def test_a_keys_requests_resolve_its_holder_without_extra_queries(
    departments, workload, django_assert_num_queries
):
    """Authentication loads the key, its account, holder and department in one query; the
    role check is one more; the audit event's person costs nothing further."""
    _, plaintext = make_key(departments[0], (OFFICER,))
    api = client_with(plaintext)
    api.get(reverse("api:ping"))  # the minute's last use is recorded once
    detail = reverse("api:workload-archive", args=[workload.pk])
    with django_assert_num_queries(9):
        # the key (account, holder, department); permissions; the workload; its update; the
        # chain's lock, last event and the event's insert; the savepoint and its release.
        response = api.post(detail, {})
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="workload.archived").person.username.startswith("holder-")
