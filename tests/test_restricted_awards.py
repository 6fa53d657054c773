"""Restricted awards (counted in the national totals only): the officer marks one when proposing,
on the page or through the API, checked by default for a department of a restricted sector; the
audit event records it; the decision page, the approver's inbox and the API show it before the
approval."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from procurement.models import AuditEvent, Decision, Department
from procurement.roles import APPROVER, OFFICER
from tests.conftest import make_user
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db

LABEL = "Restricted: count this award in the national totals only (e.g. security)"


def proposal_event(decision: Decision) -> dict:
    event = AuditEvent.objects.get(action="decision.proposed", object_id=str(decision.pk))
    return json.loads(event.payload)


def restricted_box(html: str) -> str:
    start = html.index('name="restricted"')
    return html[html.rindex("<input", 0, start) : html.index(">", start)]


@pytest.mark.parametrize(("sector", "checked"), [("defence_security", True), ("health", False)])
def test_the_box_is_checked_by_default_for_a_restricted_sector(
    client, alice, comparison, sector, checked
):
    Department.objects.filter(pk=comparison.department_id).update(sector=sector)
    client.force_login(alice)
    html = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    assert LABEL in html
    assert (" checked" in restricted_box(html)) is checked


@pytest.mark.parametrize("restricted", [True, False])
def test_the_page_proposes_it_and_the_approver_sees_it_first(
    client, alice, bob, comparison, restricted
):
    client.force_login(alice)
    form = {"offer_id": comparison.recommended_offer_id, "reason": ""}
    if restricted:
        form["restricted"] = "on"
    response = client.post(reverse("decision_propose", args=[comparison.pk]), form)
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.restricted is restricted
    assert proposal_event(decision)["restricted"] is restricted

    client.force_login(bob)
    page = client.get(reverse("decision_detail", args=[decision.pk])).content.decode()
    inbox = client.get(reverse("inbox")).content.decode()
    said = "<strong>Restricted</strong>" if restricted else "Not restricted"
    for html in (page, inbox):
        assert said in html
        assert html.index(said) < html.index("Approve the award")


def test_a_restricted_sectors_officer_may_clear_the_box(client, comparison, departments):
    Department.objects.filter(pk=departments[0].pk).update(sector="defence_security")
    officer = make_user("defence-officer", departments[0], OFFICER)
    client.force_login(officer)
    response = client.post(
        reverse("decision_propose", args=[comparison.pk]),
        {"offer_id": comparison.recommended_offer_id, "reason": ""},  # the box unchecked
    )
    assert response.status_code == 302
    assert Decision.objects.get().restricted is False


def propose(api, comparison, **extra):
    return api.post(
        reverse("api:decision-list"),
        {"comparison": comparison.pk, "offer_id": comparison.recommended_offer_id, **extra},
    )


@pytest.mark.parametrize(
    ("sector", "sent", "expected"),
    [
        ("defence_security", {}, True),
        ("health", {}, False),
        ("health", {"restricted": True}, True),
        ("defence_security", {"restricted": False}, False),
    ],
)
def test_the_api_takes_it_defaults_it_by_sector_and_shows_it(
    departments, comparison, sector, sent, expected
):
    Department.objects.filter(pk=departments[0].pk).update(sector=sector)
    _, plaintext = make_key(departments[0], (OFFICER,), "HMIS")
    response = propose(client_with(plaintext), comparison, **sent)
    assert response.status_code == 201, response.json()
    assert response.json()["restricted"] is expected
    decision = Decision.objects.get()
    assert decision.restricted is expected and proposal_event(decision)["restricted"] is expected
    _, approving = make_key(departments[0], (APPROVER,), "Approvals desk")
    shown = client_with(approving).get(reverse("api:decision-detail", args=[decision.pk]))
    assert shown.json()["restricted"] is expected


@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_the_api_refuses_a_restricted_that_is_not_true_or_false(departments, comparison, value):
    _, plaintext = make_key(departments[0], (OFFICER,), "HMIS")
    response = propose(client_with(plaintext), comparison, restricted=value)
    assert response.status_code == 400
    assert response.json() == {"restricted": ["Must be true or false."]}
    assert not Decision.objects.exists()
