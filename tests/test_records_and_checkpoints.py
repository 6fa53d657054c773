"""Records that cannot be rewritten, and the anchored chains (issue 11, holes 3 and 4).

Decisions and justification documents change only by their legal transitions: a PostgreSQL
trigger refuses every other write, SQL included; on SQLite the models refuse them in code. An
attacker who owns the database can switch the trigger off: then the chain still exposes what
they changed (``verify_audit_chain``, the public verification page), and signed checkpoints kept
outside the database expose a chain cut short or rewritten and hashed again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from procurement import audit, services, tasks
from procurement.documents import jobs
from procurement.models import AuditEvent, ChainCheckpoint, Decision, JustificationDocument

pytestmark = pytest.mark.django_db
Status = JustificationDocument.Status


def tamper(table: str, statement: str, params: list | None = None) -> None:
    """Run SQL as an attacker with the database would: on PostgreSQL with the table's triggers
    switched off for the statement (SQLite has none; only the models' guard, which SQL skips)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks block ALTER
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(statement, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


@contextmanager
def refused(message: str) -> Iterator[None]:
    """The write inside is refused with ``message``, rolled back to a savepoint so the test's
    transaction goes on."""
    with pytest.raises(DatabaseError, match=message), transaction.atomic():
        yield


def run_sql(statement: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement, params)


def verify() -> str:
    out = StringIO()
    try:
        call_command("verify_audit_chain", stdout=out)
    except CommandError as error:
        return out.getvalue() + f"\nFAILED: {error}"
    return out.getvalue()


@pytest.fixture
def returned(alice, bob, comparison) -> Decision:
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    return services.decision_return(user=bob, decision=decision, note="Check the FX date.")


@pytest.fixture
def queued(alice, comparison, django_capture_on_commit_callbacks) -> JustificationDocument:
    with django_capture_on_commit_callbacks(execute=False):
        return services.document_request(user=alice, comparison=comparison)


@pytest.fixture
def ready(queued) -> JustificationDocument:
    jobs.document_render(str(queued.pk))
    queued.refresh_from_db()
    assert queued.status == Status.READY, queued.error
    return queued


# Decisions ----------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE procurement_decision SET status = 'approved'",
            "procurement_decision is transition-only: decision .* is returned and never changes",
        ),
        ("DELETE FROM procurement_decision", "transition-only: DELETE refused"),
        ("TRUNCATE procurement_decision CASCADE", "transition-only: TRUNCATE refused"),
    ],
)
def test_postgresql_refuses_to_turn_a_returned_decision_into_an_approval(
    returned, statement, message
):
    with pytest.raises(DatabaseError, match=message):
        run_sql(statement)
    assert Decision.objects.get().status == Decision.Status.RETURNED


@pytest.mark.postgres
def test_postgresql_lets_a_proposal_be_decided_once_and_changes_nothing_else(
    alice, bob, comparison
):
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    with pytest.raises(DatabaseError, match="only the status, who decided, when and the note"):
        run_sql(
            "UPDATE procurement_decision SET status = 'approved', decided_by_id = %s, "
            "decided_at = now(), offer_name = 'someone else'",
            [bob.pk],
        )
    with pytest.raises(DatabaseError, match="names who decided and when"):
        run_sql("UPDATE procurement_decision SET status = 'approved'")
    with pytest.raises(DatabaseError, match="recorded as proposed, undecided"):
        run_sql(
            "INSERT INTO procurement_decision (department_id, comparison_id, offer_id, "
            "offer_name, follows_recommendation, reason, status, proposed_by_id, proposed_at, "
            "decision_note) SELECT department_id, comparison_id, offer_id, offer_name, "
            "follows_recommendation, reason, 'approved', proposed_by_id, proposed_at, '' "
            "FROM procurement_decision"
        )
    services.decision_approve(user=bob, decision=decision)
    assert Decision.objects.get().status == Decision.Status.APPROVED


def test_the_models_keep_the_same_rules_on_every_database(alice, bob, returned, comparison):
    """The ORM path: refused by the trigger on PostgreSQL, by the models' guard on SQLite."""
    with refused("is returned and never changes again"):
        Decision.objects.filter(pk=returned.pk).update(status=Decision.Status.APPROVED)
    returned.status = Decision.Status.APPROVED
    with refused("is returned and never changes again"):
        returned.save()
    with refused("DELETE refused"):
        Decision.objects.filter(pk=returned.pk).delete()
    with refused("recorded as proposed, undecided"):
        Decision.objects.create(
            department=returned.department,
            comparison=comparison,
            offer_id=returned.offer_id,
            offer_name=returned.offer_name,
            follows_recommendation=True,
            status=Decision.Status.APPROVED,
            proposed_by=alice,
        )
    again = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
    )
    with refused("a proposed decision becomes approved or returned, not proposed"):
        Decision.objects.filter(pk=again.pk).update(offer_name="someone else")
    with refused("only the status, who decided, when and the note"):
        Decision.objects.filter(pk=again.pk).update(
            status=Decision.Status.APPROVED,
            decided_by=bob,
            decided_at=again.proposed_at,
            offer_name="someone else",
        )
    services.decision_approve(user=bob, decision=again)
    assert Decision.objects.get(pk=returned.pk).status == Decision.Status.RETURNED
    assert Decision.objects.get(pk=again.pk).status == Decision.Status.APPROVED
    assert audit.verify_department(returned.department) is None


def test_a_decision_flipped_behind_the_guards_is_caught_by_the_chain(returned):
    tamper(
        "procurement_decision",
        "UPDATE procurement_decision SET status = 'approved' WHERE id = %s",
        [returned.pk],
    )
    broken = audit.verify_department(returned.department)
    assert broken is not None and broken.sequence == 4
    assert broken.problem == (
        f"decision {returned.pk} is approved, but its last event says returned"
    )
    assert f"health: event #4: decision {returned.pk} is approved" in verify()


# Documents ----------------------------------------------------------------------------------


def test_a_document_moves_only_as_its_rendering_job_does(queued):
    rows = JustificationDocument.objects.filter(pk=queued.pk)
    with refused("a queued document cannot become ready"):
        rows.update(status=Status.READY, pdf=b"%PDF", sha256="0" * 64, size=4)
    with refused("a queued document cannot become failed"):
        rows.update(status=Status.FAILED, error="made up")
    with refused("from queued to queued only enqueued_at change"):
        rows.update(language="hi")
    claim = jobs.document_claim(str(queued.pk))
    assert claim.outcome is jobs.Claim.CLAIMED
    with refused("a claim counts one attempt"):
        rows.update(attempts=5)
    with refused("sha256 is the SHA-256 of its PDF"):
        rows.update(status=Status.READY, pdf=b"%PDF-1.7 forged", sha256="0" * 64, size=15)
    with refused("DELETE refused"):
        rows.delete()
    assert rows.get().status == Status.RENDERING


def test_a_ready_document_never_changes(ready):
    rows = JustificationDocument.objects.filter(pk=ready.pk)
    forged = b"%PDF-1.7 a forgery"
    digest = hashlib.sha256(forged).hexdigest()
    with refused("is ready and never changes"):
        rows.update(pdf=forged, sha256=digest, size=len(forged))
    with refused("is ready and never changes"):
        rows.update(status=Status.QUEUED)
    with refused("DELETE refused"):
        ready.delete()
    assert rows.get().sha256 == ready.sha256
    assert jobs.document_render(str(ready.pk)).outcome is jobs.Claim.SETTLED


@pytest.mark.postgres
def test_postgresql_refuses_a_pdf_and_sha256_swap(ready):
    forged = b"%PDF-1.7 a forgery"
    with pytest.raises(DatabaseError, match="is ready and never changes"):
        run_sql(
            "UPDATE procurement_justificationdocument SET pdf = %s, sha256 = %s, size = %s",
            [forged, hashlib.sha256(forged).hexdigest(), len(forged)],
        )
    with pytest.raises(DatabaseError, match="transition-only: DELETE refused"):
        run_sql("DELETE FROM procurement_justificationdocument")


def test_the_issue_of_a_pdf_is_written_into_the_chain(ready):
    event = AuditEvent.objects.get(action="document.ready", object_id=str(ready.pk))
    assert json.loads(event.payload) | {"fingerprint": None} == {
        "sha256": hashlib.sha256(bytes(ready.pdf)).hexdigest(),
        "size": len(bytes(ready.pdf)),
        "fingerprint": None,
    }


def test_a_pdf_swapped_behind_the_guards_is_not_vouched_for(client, ready):
    """The attack of the review: replace the PDF and its sha256 (triggers off on PostgreSQL)."""
    original = ready.sha256
    forged = b"%PDF-1.7 a forgery"
    digest = hashlib.sha256(forged).hexdigest()
    tamper(
        "procurement_justificationdocument",
        "UPDATE procurement_justificationdocument SET pdf = %s, sha256 = %s, size = %s "
        "WHERE id = %s",
        [forged, digest, len(forged), ready.pk.hex if connection.vendor == "sqlite" else ready.pk],
    )
    assert JustificationDocument.objects.get(pk=ready.pk).sha256 == digest
    page = client.get(reverse("document_verify") + f"?sha256={digest}").content.decode()
    assert "This product has not issued a document with this SHA-256" in page
    page = client.get(reverse("document_verify") + f"?sha256={original}").content.decode()
    assert "This product issued a document with this SHA-256" in page
    assert f"health: event #4: document {ready.pk}'s sha256 or size differs" in verify()


def test_a_pdf_replaced_under_its_own_sha256_is_caught(ready):
    tamper(
        "procurement_justificationdocument",
        "UPDATE procurement_justificationdocument SET pdf = %s WHERE id = %s",
        [b"%PDF-1.7 other bytes", ready.pk.hex if connection.vendor == "sqlite" else ready.pk],
    )
    assert f"document {ready.pk}'s PDF no longer hashes to its sha256" in verify()


def test_the_verification_page_vouches_only_through_a_chain_that_holds(client, ready):
    url = reverse("document_verify") + f"?sha256={ready.sha256}"
    assert "This product issued a document" in client.get(url).content.decode()
    tamper(
        "procurement_auditevent",
        "UPDATE procurement_auditevent SET summary = 'nothing happened' WHERE sequence = 1",
    )
    assert "has not issued a document" in client.get(url).content.decode()


def test_with_checkpoints_the_page_checks_only_the_links_around_the_issue(client, ready):
    """Anchored by the nearest signed checkpoint, the page walks the events between it and the
    issue, not the whole chain; a link altered there still costs the vouching."""
    url = reverse("document_verify") + f"?sha256={ready.sha256}"
    department = ready.department
    note(department, 1)
    audit.checkpoint_create()  # after the issue (event #4): the page walks #4..#5
    assert "This product issued a document" in client.get(url).content.decode()
    note(department, 2)
    audit.checkpoint_create()
    assert "This product issued a document" in client.get(url).content.decode()
    tamper(
        "procurement_auditevent",
        "UPDATE procurement_auditevent SET summary = 'altered' WHERE sequence = 5",
    )
    assert "has not issued a document" in client.get(url).content.decode()


def test_a_second_issue_of_one_document_is_reported(ready):
    """An attacker who appends a well-hashed second issue with another PDF's hash."""
    with transaction.atomic():
        audit.audit_record(
            department=ready.department,
            actor=None,
            action="document.ready",
            obj=ready,
            summary="Issued again",
            payload={"sha256": "0" * 64, "size": 1},
        )
    assert f"health: event #5: document {ready.pk} is issued a second time" in verify()


# Signed checkpoints -------------------------------------------------------------------------


def checkpoints_file(client, tmp_path):
    response = client.get(reverse("audit_checkpoints_file"))
    assert response.status_code == 200
    assert "audit-checkpoints.json" in response["Content-Disposition"]
    path = tmp_path / "audit-checkpoints.json"
    path.write_bytes(response.content)
    return path


def verify_against(path) -> str:
    out = StringIO()
    try:
        call_command("verify_audit_chain", checkpoints=str(path), stdout=out)
    except CommandError as error:
        return out.getvalue() + f"\nFAILED: {error}"
    return out.getvalue()


def note(department, n: int) -> None:
    """Events that vouch for no record: truncating them fools every check but a checkpoint."""
    with transaction.atomic():
        audit.audit_record(
            department=department,
            actor=None,
            action="test.noted",
            obj=department,
            summary=f"Note {n}",
            payload={"n": n},
        )


def test_checkpoints_are_signed_published_and_hold(client, tmp_path, departments, returned):
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    checkpoint = ChainCheckpoint.objects.get()
    assert f"checkpoint {checkpoint.pk} at " in out.getvalue()
    statement = json.loads(checkpoint.statement)
    assert statement["chains"] == [
        {"chain": "platform", "sequence": 0, "chain_hash": audit.genesis(None)},
        {
            "chain": "health",
            "sequence": 4,
            "chain_hash": AuditEvent.objects.get(sequence=4).chain_hash,
        },
        {"chain": "revenue", "sequence": 0, "chain_hash": audit.genesis(departments[1])},
    ]
    page = client.get(reverse("audit_checkpoints")).content.decode()
    assert f"Checkpoint {checkpoint.pk}," in page and checkpoint.signature in page
    path = checkpoints_file(client, tmp_path)
    published = json.loads(path.read_text())
    assert published["key_id"] == checkpoint.key_id
    assert published["checkpoints"][0]["statement"] == checkpoint.statement
    report = verify_against(path)
    assert "ok      checkpoints: 3 chain heads still in place" in report
    assert "FAILED" not in report


def test_a_chain_truncated_after_a_checkpoint_is_caught(client, tmp_path, alice):
    department = alice.membership.department
    for n in (1, 2, 3):
        note(department, n)
    audit.checkpoint_create()
    path = checkpoints_file(client, tmp_path)
    tamper("procurement_auditevent", "DELETE FROM procurement_auditevent WHERE sequence = 3")
    assert audit.verify_department(department) is None  # the chain alone still holds
    report = verify_against(path)
    assert "BROKEN  health: event #3: checkpointed at" in report
    assert "but missing: the chain now ends at event #2 (truncated)" in report
    assert "FAILED: 1 broken link(s)" in report


def test_a_chain_rewritten_and_hashed_again_after_a_checkpoint_is_caught(client, tmp_path, alice):
    department = alice.membership.department
    for n in (1, 2, 3):
        note(department, n)
    audit.checkpoint_create()
    path = checkpoints_file(client, tmp_path)
    previous = audit.genesis(department)
    for event in AuditEvent.objects.filter(department=department).order_by("sequence"):
        if event.sequence == 2:
            event.summary = "Note rewritten"
        content_hash = audit.sha256(audit.event_content(event))
        chain_hash = audit.chain_link(previous, content_hash)
        tamper(
            "procurement_auditevent",
            "UPDATE procurement_auditevent SET summary = %s, content_hash = %s, chain_hash = %s "
            "WHERE id = %s",
            [event.summary, content_hash, chain_hash, event.pk],
        )
        previous = chain_hash
    assert audit.verify_department(department) is None  # hashed again, it holds by itself
    report = verify_against(path)
    assert "BROKEN  health: event #3: its chain hash differs from the one checkpointed" in report
    assert "the chain was rewritten" in report


@pytest.mark.parametrize("what", ["statement", "signature"])
def test_a_tampered_checkpoint_is_refused(client, tmp_path, alice, what):
    note(alice.membership.department, 1)
    audit.checkpoint_create()
    path = checkpoints_file(client, tmp_path)
    published = json.loads(path.read_text())
    entry = published["checkpoints"][0]
    if what == "statement":
        entry["statement"] = entry["statement"].replace('"sequence":1', '"sequence":0')
    else:
        entry["signature"] = audit.signing.signing_key().sign_checkpoint("something else")
    path.write_text(json.dumps(published))
    report = verify_against(path)
    key = audit.signing.published_key()
    assert key is not None
    assert f"checkpoint {entry['number']}: its signature is not by this product's key" in report
    assert key.key_id in report


def test_an_unreadable_checkpoints_file_is_a_clear_error(tmp_path):
    path = tmp_path / "nothing.json"
    path.write_text("not json")
    with pytest.raises(CommandError, match="is not a JSON file of checkpoints"):
        call_command("verify_audit_chain", checkpoints=str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            "verify_audit_chain", checkpoints=str(tmp_path / "missing.json"), stdout=StringIO()
        )


def test_beat_makes_a_checkpoint_only_when_a_chain_moved(alice):
    assert settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]["task"] == tasks.CHECKPOINT_TASK
    assert tasks.audit_checkpoint() == "checkpoint " + str(ChainCheckpoint.objects.get().pk)
    assert tasks.audit_checkpoint() == "no chain moved"
    note(alice.membership.department, 1)
    assert tasks.audit_checkpoint().startswith("checkpoint ")
    assert ChainCheckpoint.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE procurement_chaincheckpoint SET signature = 'x'",
        "DELETE FROM procurement_chaincheckpoint",
        "TRUNCATE procurement_chaincheckpoint",
    ],
)
def test_postgresql_keeps_checkpoints_insert_only(statement):
    audit.checkpoint_create()
    with pytest.raises(DatabaseError, match="insert-only"):
        run_sql(statement)


def test_the_platform_chain_is_checked_too(alice):
    with transaction.atomic():
        audit.audit_record(
            department=None,
            actor=None,
            action="test.noted",
            obj=alice.membership.department,
            summary="A platform note",
            payload={},
        )
    assert "ok      platform: 1 events" in verify()
    tamper("procurement_auditevent", "UPDATE procurement_auditevent SET summary = 'altered'")
    assert "platform: event #1: content does not match its hash" in verify()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_transition_only_tables(returned, ready):
    audit.checkpoint_create()
    call_command("flush", "--noinput", verbosity=0)
    assert not Decision.objects.exists() and not JustificationDocument.objects.exists()
    assert not ChainCheckpoint.objects.exists()
