"""Maker-checker decisions, the insert-only tables and the per-department hash chain."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from procurement import services
from procurement.audit import verify_department
from procurement.models import AuditEvent, Comparison, ComparisonResults, Decision

pytestmark = pytest.mark.django_db


def test_officer_proposes_and_another_person_approves(client, alice, bob, comparison):
    client.force_login(alice)
    response = client.post(
        reverse("decision_propose", args=[comparison.pk]),
        {"offer_id": comparison.recommended_offer_id, "reason": ""},
    )
    decision = Decision.objects.get()
    assert response["Location"] == reverse("decision_detail", args=[decision.pk])
    assert decision.follows_recommendation and decision.status == Decision.Status.PROPOSED

    client.force_login(bob)
    client.post(reverse("decision_approve", args=[decision.pk]), {"note": "In order."})
    decision.refresh_from_db()
    assert decision.status == Decision.Status.APPROVED and decision.decided_by == bob
    history = client.get(reverse("decision_detail", args=[decision.pk])).content.decode()
    assert "Proposed Sarvam AI" in history and "Approved the award" in history
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    # The approval queues the final version of the file note in the same transaction.
    assert actions[-3:] == ["decision.proposed", "decision.approved", "document.requested"]
    assert comparison.documents.get().final


def test_departing_from_the_recommendation_needs_a_reason(client, alice, comparison):
    other = next(
        o["offer_id"]
        for o in comparison.snapshot_document()["results"]["offers"]
        if o["eligible"] and o["offer_id"] != comparison.recommended_offer_id
    )
    client.force_login(alice)
    response = client.post(
        reverse("decision_propose", args=[comparison.pk]), {"offer_id": other, "reason": " "}
    )
    assert response.status_code == 400
    assert "Say why the award departs from the recommendation" in response.content.decode()
    assert not Decision.objects.exists()
    client.post(
        reverse("decision_propose", args=[comparison.pk]),
        {"offer_id": other, "reason": "Dedicated capacity is needed for the pilot's data."},
    )
    assert Decision.objects.get().follows_recommendation is False


def test_an_ineligible_offer_cannot_be_proposed(alice, comparison):
    excluded = next(
        o["offer_id"]
        for o in comparison.snapshot_document()["results"]["offers"]
        if not o["eligible"]
    )
    with pytest.raises(ValidationError):
        services.decision_propose(
            user=alice, comparison=comparison, offer_id=excluded, reason="because"
        )


def test_the_proposer_cannot_approve_even_with_the_approver_role(alice, comparison):
    from django.contrib.auth.models import Group

    from procurement.roles import APPROVER

    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    alice.groups.add(Group.objects.get(name=APPROVER))
    alice = type(alice).objects.get(pk=alice.pk)  # fresh permission cache
    with pytest.raises(PermissionDenied, match="cannot also approve"):
        services.decision_approve(user=alice, decision=decision)


def test_returning_needs_a_note_and_the_officer_can_propose_again(client, alice, bob, comparison):
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    client.force_login(bob)
    response = client.post(reverse("decision_return", args=[decision.pk]), {"note": ""})
    assert response.status_code == 400 and "Say why it is returned" in response.content.decode()
    client.post(reverse("decision_return", args=[decision.pk]), {"note": "Attach the PoC report."})
    decision.refresh_from_db()
    assert decision.status == Decision.Status.RETURNED
    again = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    assert again.status == Decision.Status.PROPOSED


def test_the_chain_holds_and_the_command_says_so(alice, bob, comparison):
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    services.decision_approve(user=bob, decision=decision)
    assert verify_department(alice.membership.department) is None
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "ok      health: 5 events" in out.getvalue()  # with the final file note requested


def test_altered_stored_results_are_reported(alice, comparison):
    """The results the pages and the API read must still be the snapshot's own."""
    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL the trigger refuses the edit: see the postgres tests")
    tampered = comparison.results.json().replace(b'"eligible":true', b'"eligible":false', 1)
    ComparisonResults.objects.filter(pk=comparison.pk).update(
        json_zlib=ComparisonResults.pack(tampered)
    )
    with pytest.raises(CommandError, match="stored results differ from its snapshot's"):
        call_command("verify_audit_chain", stdout=StringIO())


def test_an_altered_comparison_is_reported_as_the_first_broken_link(alice, comparison):
    """On SQLite nothing stops an UPDATE; the chain still exposes it."""
    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL the trigger refuses the edit: see the postgres tests")
    tampered = comparison.snapshot.replace('"requests_per_day":50000', '"requests_per_day":5000')
    Comparison.objects.filter(pk=comparison.pk).update(snapshot=tampered)
    with pytest.raises(CommandError, match="snapshot was altered"):
        call_command("verify_audit_chain", stdout=StringIO())


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE procurement_comparison SET recommended_name = 'someone else'",
        "DELETE FROM procurement_comparison",
        "TRUNCATE procurement_comparison CASCADE",
        "UPDATE procurement_comparisonresults SET json_zlib = ''",
        "DELETE FROM procurement_comparisonresults",
        "TRUNCATE procurement_comparisonresults",
        "UPDATE procurement_auditevent SET summary = 'nothing happened'",
        "DELETE FROM procurement_auditevent",
        "TRUNCATE procurement_auditevent",
    ],
)
def test_postgresql_refuses_to_change_comparisons_their_results_and_audit_events(
    comparison, statement
):
    with (
        pytest.raises(DatabaseError, match="insert-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Django's foreign keys are deferred; check them now, or PostgreSQL refuses a
        # TRUNCATE in this transaction for that reason before our trigger can.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement)
    assert Comparison.objects.get().recommended_name == comparison.recommended_name
    assert ComparisonResults.objects.get().json() == comparison.results.json()


@pytest.mark.postgres
def test_a_row_altered_with_the_trigger_disabled_is_reported(alice, bob, comparison):
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    services.decision_approve(user=bob, decision=decision)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks block ALTER TABLE
        cursor.execute("ALTER TABLE procurement_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE procurement_auditevent SET summary = 'Approved someone else' "
            "WHERE action = 'decision.approved'"
        )
        cursor.execute("ALTER TABLE procurement_auditevent ENABLE TRIGGER USER")
    broken = verify_department(alice.membership.department)
    assert broken is not None and broken.sequence == 4
    assert broken.problem == "content does not match its hash"
    with pytest.raises(CommandError, match="health: event #4: content does not match its hash"):
        call_command("verify_audit_chain", stdout=StringIO())


@pytest.mark.postgres
def test_an_altered_snapshot_with_the_trigger_disabled_is_reported(alice, comparison):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks block ALTER TABLE
        cursor.execute("ALTER TABLE procurement_comparison DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE procurement_comparison SET snapshot = replace(snapshot, "
            "'\"requests_per_day\":50000', '\"requests_per_day\":5000')"
        )
        cursor.execute("ALTER TABLE procurement_comparison ENABLE TRIGGER USER")
    broken = verify_department(alice.membership.department)
    assert broken is not None and "snapshot was altered" in broken.problem


@pytest.mark.postgres
def test_altered_stored_results_with_the_trigger_disabled_are_reported(alice, comparison):
    tampered = comparison.results.json().replace(b'"eligible":true', b'"eligible":false', 1)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks block ALTER TABLE
        cursor.execute("ALTER TABLE procurement_comparisonresults DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE procurement_comparisonresults SET json_zlib = %s",
            [ComparisonResults.pack(tampered)],
        )
        cursor.execute("ALTER TABLE procurement_comparisonresults ENABLE TRIGGER USER")
    broken = verify_department(alice.membership.department)
    assert broken is not None
    assert (
        broken.problem == f"comparison {comparison.pk}'s stored results differ from its snapshot's"
    )
