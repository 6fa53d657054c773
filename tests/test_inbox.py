"""The approver's inbox and the officer's returned proposals, the emails about awards, archiving
with confirmation and undo, the warning on a duplicate title, and copying a workload.

alice (officer) and bob (approver) are of one department, charlie (officer) of another."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from procurement import services
from procurement.models import AuditEvent, Decision, Workload
from procurement.roles import APPROVER, OFFICER
from tests.conftest import PASSWORD, make_user, workload_values
from tests.test_api_support import client_with, make_key
from tests.test_workload_form import form_post

pytestmark = pytest.mark.django_db

INBOX = reverse("inbox")


def propose(user, comparison) -> Decision:
    return services.decision_propose(
        user=user, comparison=comparison, offer_id=comparison.recommended_offer_id
    )


def with_email(*users) -> None:
    for user in users:
        user.email = f"{user.username}@health.example.gov.in"
        user.save(update_fields=["email"])


def nav_count(html: str) -> int:
    """The count the navigation shows beside "Inbox" (0 when none is shown)."""
    match = re.search(r'data-testid="inbox-count">(\d+)<', html)
    return int(match.group(1)) if match else 0


def awaiting_section(html: str) -> str:
    match = re.search(r'data-testid="awaiting">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


# The inbox ------------------------------------------------------------------------------------


def test_the_approver_sees_the_proposal_awaiting_with_its_count_in_the_navigation(
    client, alice, bob, comparison
):
    propose(alice, comparison)
    client.force_login(bob)
    html = client.get(INBOX).content.decode()
    section = awaiting_section(html)
    assert "Awaiting your approval (1)" in section
    assert "Citizen helpline: award to" in section and comparison.recommended_name in section
    assert "Proposed by alice" in section
    assert 'formaction="' + reverse("decision_approve", args=[Decision.objects.get().pk]) in section
    assert nav_count(html) == 1
    # Every page's navigation shows it.
    assert nav_count(client.get(reverse("workload_list")).content.decode()) == 1


def test_an_approver_of_another_department_sees_nothing_of_it(
    client, departments, alice, comparison
):
    propose(alice, comparison)
    dave = make_user("dave", departments[1], APPROVER)
    client.force_login(dave)
    html = client.get(INBOX).content.decode()
    assert "Awaiting your approval (0)" in html and "Citizen helpline" not in html
    assert nav_count(html) == 0


def test_the_proposer_never_sees_their_own_proposal_awaiting_even_holding_both_roles(
    client, departments, alice, bob, comparison
):
    """Maker-checker is by person: an officer who also approves finds their own proposal
    under "awaiting an approver", not under "awaiting your approval"; bob sees it."""
    alice.groups.add(Group.objects.get(name=APPROVER))
    propose(alice, comparison)
    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    assert "Awaiting your approval (0)" in html
    assert "Your proposals awaiting an approver (1)" in html
    assert nav_count(html) == 0
    client.force_login(bob)
    assert "Awaiting your approval (1)" in client.get(INBOX).content.decode()


def test_a_proposal_made_through_a_key_is_its_holders_own(
    client, departments, alice, bob, workload, comparison
):
    alice.groups.add(Group.objects.get(name=APPROVER))
    _, plaintext = make_key(departments[0], (OFFICER,), "Alice's system", person=alice)
    answer = client_with(plaintext).post(
        reverse("api:decision-list"),
        {"comparison": comparison.pk, "offer_id": comparison.recommended_offer_id},
        format="json",
    )
    assert answer.status_code == 201
    client.force_login(alice)
    assert "Awaiting your approval (0)" in client.get(INBOX).content.decode()
    client.force_login(bob)
    assert "Awaiting your approval (1)" in client.get(INBOX).content.decode()


def test_the_approver_approves_from_the_inbox_and_comes_back_to_it(client, alice, bob, comparison):
    decision = propose(alice, comparison)
    client.force_login(bob)
    response = client.post(
        reverse("decision_approve", args=[decision.pk]), {"note": "", "back": "inbox"}
    )
    assert response.status_code == 302 and response["Location"] == INBOX
    decision.refresh_from_db()
    assert decision.status == Decision.Status.APPROVED and decision.decided_by == bob
    html = client.get(INBOX).content.decode()
    assert f"Approved the award to {decision.offer_name} for “Citizen helpline”." in html
    assert "Awaiting your approval (0)" in html and nav_count(html) == 0


def test_returning_from_the_inbox_needs_a_reason_which_the_officer_then_reads(
    client, alice, bob, comparison
):
    decision = propose(alice, comparison)
    client.force_login(bob)
    refused = client.post(
        reverse("decision_return", args=[decision.pk]), {"note": " ", "back": "inbox"}
    )
    assert refused.status_code == 400
    assert "Say why it is returned" in refused.content.decode()
    returned = client.post(
        reverse("decision_return", args=[decision.pk]),
        {"note": "Attach the PoC report.", "back": "inbox"},
    )
    assert returned["Location"] == INBOX

    client.force_login(alice)
    html = client.get(INBOX).content.decode()
    assert "Returned to you (1)" in html and "Attach the PoC report." in html
    assert reverse("comparison_detail", args=[comparison.pk]) in html
    assert nav_count(html) == 1
    # Once she proposes again, nothing is left to act on.
    propose(alice, comparison)
    html = client.get(INBOX).content.decode()
    assert "Returned to you (0)" in html and nav_count(html) == 0


def test_a_returned_proposal_leaves_the_inbox_when_its_workload_is_archived(
    client, alice, bob, workload, comparison
):
    decision = propose(alice, comparison)
    services.decision_return(user=bob, decision=decision, note="Not needed this year.")
    services.workload_archive(user=alice, workload=workload)
    client.force_login(alice)
    assert "Returned to you (0)" in client.get(INBOX).content.decode()


@pytest.mark.parametrize("proposals", [1, 5])
def test_the_inbox_makes_the_same_number_of_queries_whatever_it_holds(
    client, alice, bob, workload, comparison, django_assert_num_queries, proposals
):
    propose(alice, comparison)
    for _ in range(proposals - 1):
        other = services.comparison_run(user=alice, workload=workload)
        propose(alice, other)
    client.force_login(bob)
    # session, user, membership, department, permissions, the count (navigation), awaiting,
    # returned, pending
    with django_assert_num_queries(9):
        html = client.get(INBOX).content.decode()
    assert f"Awaiting your approval ({proposals})" in html


def test_an_approver_with_proposals_waiting_lands_on_the_inbox_after_signing_in(
    client, alice, bob, comparison
):
    login = reverse("login")
    assert client.post(login, {"username": "bob", "password": PASSWORD})["Location"] == (
        reverse("workload_list")
    )
    client.logout()
    propose(alice, comparison)
    assert client.post(login, {"username": "bob", "password": PASSWORD})["Location"] == INBOX
    client.logout()
    # A page asked for before signing in wins.
    history = reverse("history")
    answer = client.post(login + f"?next={history}", {"username": "bob", "password": PASSWORD})
    assert answer["Location"] == history
    client.logout()
    # The proposer is not sent there by her own proposal.
    assert client.post(login, {"username": "alice", "password": PASSWORD})["Location"] == (
        reverse("workload_list")
    )


# Emails ---------------------------------------------------------------------------------------


def test_a_proposal_emails_the_departments_approvers_after_it_commits(
    departments, alice, bob, comparison, django_capture_on_commit_callbacks
):
    carol = make_user("carol", departments[0], APPROVER)  # no email address: skipped
    dave = make_user("dave", departments[1], APPROVER)  # another department
    alice.groups.add(Group.objects.get(name=APPROVER))  # the proposer, an approver too
    with_email(alice, bob, dave)
    assert carol.email == ""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decision = propose(alice, comparison)
    assert mail.outbox == [], "nothing leaves before the decision is stored"
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["bob@health.example.gov.in"]]
    message = mail.outbox[0]
    assert message.subject == "Awaiting your approval: the award for “Citizen helpline”"
    assert f"alice proposes to award “Citizen helpline” to {decision.offer_name}." in message.body
    assert "This is the offer the comparison recommends." in message.body
    assert f"https://testserver{INBOX}" in message.body
    assert f"https://testserver/decisions/{decision.pk}/" in message.body
    assert "₹" in message.body


def test_approval_and_return_email_the_proposer(
    alice, bob, workload, comparison, django_capture_on_commit_callbacks
):
    with_email(alice, bob)
    decision = propose(alice, comparison)
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_return(user=bob, decision=decision, note="Attach the PoC report.")
    (returned,) = mail.outbox
    assert returned.to == ["alice@health.example.gov.in"]
    assert returned.subject == "Returned to you: the award for “Citizen helpline”"
    assert "bob returned your proposal" in returned.body
    assert "Attach the PoC report." in returned.body
    assert f"https://testserver/comparisons/{comparison.pk}/" in returned.body

    again = propose(alice, comparison)
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_approve(user=bob, decision=again, note="Within budget.")
    approved = mail.outbox[1]
    assert approved.to == ["alice@health.example.gov.in"]
    assert approved.subject == "Approved: the award for “Citizen helpline”"
    assert "bob approved your proposal" in approved.body and "Within budget." in approved.body


def test_a_mail_server_that_fails_is_logged_and_the_decision_stands(
    alice, bob, comparison, django_capture_on_commit_callbacks, settings, caplog
):
    with_email(alice, bob)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 2
    decision = propose(alice, comparison)
    with (
        caplog.at_level(logging.ERROR, logger="procurement.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.decision_approve(user=bob, decision=decision)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.APPROVED
    assert "Could not send the email about an approval" in caplog.text


# Archive, with confirmation and undo ------------------------------------------------------------


def test_archiving_asks_first_then_offers_to_undo(client, alice, workload):
    client.force_login(alice)
    archive = reverse("workload_archive", args=[workload.pk])
    detail = client.get(reverse("workload_detail", args=[workload.pk])).content.decode()
    assert f'<a class="btn btn-outline-danger" href="{archive}">Archive…</a>' in detail
    asked = client.get(archive).content.decode()
    assert "Archive “Citizen helpline”?" in asked and "You can undo it" in asked
    workload.refresh_from_db()
    assert workload.status == Workload.Status.ACTIVE, "asking changed nothing"

    answer = client.post(archive, follow=True)
    page = answer.content.decode()
    assert answer.redirect_chain[-1][0] == reverse("workload_detail", args=[workload.pk])
    assert "Archived “Citizen helpline”." in page and "Undo archiving" in page
    workload.refresh_from_db()
    assert workload.status == Workload.Status.ARCHIVED

    undone = client.post(reverse("workload_unarchive", args=[workload.pk]), follow=True)
    assert "Restored “Citizen helpline”: it is active again." in undone.content.decode()
    workload.refresh_from_db()
    assert workload.status == Workload.Status.ACTIVE
    actions = list(
        AuditEvent.objects.filter(object_type="workload", object_id=str(workload.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["workload.created", "workload.archived", "workload.unarchived"]


def test_only_an_archived_workload_can_be_restored(client, alice, workload):
    client.force_login(alice)
    answer = client.post(reverse("workload_unarchive", args=[workload.pk]), follow=True)
    assert "“Citizen helpline” is not archived." in answer.content.decode()
    assert not AuditEvent.objects.filter(action="workload.unarchived").exists()


def test_an_approver_can_neither_archive_nor_restore(client, alice, bob, workload):
    services.workload_archive(user=alice, workload=workload)
    client.force_login(bob)
    assert client.post(reverse("workload_unarchive", args=[workload.pk])).status_code == 403
    page = client.get(reverse("workload_detail", args=[workload.pk])).content.decode()
    assert "Undo archiving" not in page and "This workload is archived" in page


# A duplicate title: a warning, then the officer's choice ---------------------------------------


def test_a_duplicate_title_is_warned_about_before_saving_and_saved_when_confirmed(
    client, alice, workload, demo_catalogue
):
    client.force_login(alice)
    body = form_post(title="  citizen HELPLINE ")
    warned = client.post(reverse("workload_create"), body)
    assert warned.status_code == 200
    html = warned.content.decode()
    assert "Your department already has a workload with this name" in html
    assert reverse("workload_detail", args=[workload.pk]) in html
    assert Workload.objects.count() == 1, "nothing saved before the officer chose"

    saved = client.post(reverse("workload_create"), {**body, "same_title": "confirmed"})
    assert saved.status_code == 302
    assert Workload.objects.count() == 2


def test_another_departments_title_is_no_duplicate(client, alice, charlie, demo_catalogue):
    services.workload_create(user=charlie, values=workload_values())
    client.force_login(alice)
    assert client.post(reverse("workload_create"), form_post()).status_code == 302


def test_renaming_to_a_title_in_use_is_warned_about(client, alice, workload, demo_catalogue):
    other = services.workload_create(user=alice, values=workload_values(title="Tax chatbot"))
    client.force_login(alice)
    edit = reverse("workload_edit", args=[other.pk])
    warned = client.post(edit, form_post(title="Citizen helpline"))
    assert "already has a workload with this name" in warned.content.decode()
    other.refresh_from_db()
    assert other.title == "Tax chatbot"
    # Saving it unchanged is no duplicate of itself.
    assert client.post(edit, form_post(title="Tax chatbot")).status_code == 302


# Copy this workload ---------------------------------------------------------------------------


def test_copying_fills_the_new_workload_form_and_records_where_it_came_from(
    client, alice, workload, demo_catalogue
):
    client.force_login(alice)
    detail = client.get(reverse("workload_detail", args=[workload.pk])).content.decode()
    copy_url = reverse("workload_create") + f"?copy={workload.pk}"
    assert f'href="{copy_url}"' in detail and "Copy this workload" in detail
    form = client.get(copy_url)
    assert form.context["form"]["title"].value() == "Copy of Citizen helpline"
    assert form.context["form"]["requests_per_day"].value() == 50_000
    assert f'name="copy" value="{workload.pk}"' in form.content.decode()
    assert Workload.objects.count() == 1, "opening the form saves nothing"

    body = {**form_post(title="Copy of Citizen helpline", requests_per_day=80_000)}
    answer = client.post(reverse("workload_create"), {**body, "copy": workload.pk})
    assert answer.status_code == 302
    copy = Workload.objects.get(title="Copy of Citizen helpline")
    assert copy.requests_per_day == 80_000
    event = AuditEvent.objects.get(action="workload.created", object_id=str(copy.pk))
    assert json.loads(event.payload)["copied_from"] == workload.pk
    assert "a copy of “Citizen helpline”" in event.summary


def test_another_departments_workload_cannot_be_copied(client, alice, charlie):
    theirs = services.workload_create(user=charlie, values=workload_values())
    client.force_login(alice)
    assert client.get(reverse("workload_create") + f"?copy={theirs.pk}").status_code == 404
    post = {**form_post(title="Mine"), "copy": theirs.pk}
    assert client.post(reverse("workload_create"), post).status_code == 404
    assert not Workload.objects.filter(title="Mine").exists()
