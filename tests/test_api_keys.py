"""Department API keys: a department administrator creates them in the browser (shown once) for
a person of the department, they are stored hashed, authenticate as their own service account,
record their last use, and stop working when revoked. Administrators see only their own
department's keys; other persons only the keys they hold."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procurement.models import AuditEvent, DepartmentAPIKey
from procurement.roles import APPROVER, OFFICER, POLICY_OFFICERS
from tests.conftest import make_user
from tests.test_api_support import client_with, make_admin, make_key, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_a(departments):
    """Department A's key administrator, who also holds the roles a key may be given (so may
    grant them)."""
    admin = make_admin(departments[0])
    admin.groups.add(*Group.objects.filter(name__in=[OFFICER, APPROVER]))
    return admin


@pytest.fixture
def holder(departments):
    return make_person(departments[0], (OFFICER, APPROVER), username="bea")


@pytest.fixture
def admin_b(departments):
    return make_admin(departments[1])


def create_on_the_page(client, person, name="HMIS integration", roles=(OFFICER,)) -> str:
    response = client.post(
        reverse("api_key_create"), {"person": person.pk, "name": name, "roles": list(roles)}
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    match = re.search(r'value="([A-Za-z0-9]{8}\.[A-Za-z0-9]{32})"', html)
    assert match, "the new key is shown on the page"
    return match.group(1)


def test_an_administrator_creates_a_key_that_is_shown_once_and_stored_hashed(
    client, admin_a, holder
):
    client.force_login(admin_a)
    plaintext = create_on_the_page(client, holder, roles=(OFFICER, APPROVER))
    key = DepartmentAPIKey.objects.get()
    prefix, secret = plaintext.split(".")
    assert key.prefix == prefix and key.name == "HMIS integration" and key.person == holder
    assert secret not in key.hashed_key and secret not in key.pk
    assert key.hashed_key.startswith("sha512$")
    listing = client.get(reverse("api_key_list")).content.decode()
    assert prefix in listing and "HMIS integration" in listing and secret not in listing
    assert "bea" in listing, "the list names the key's holder"

    account = key.service_user
    assert account.username == f"api-{prefix}" and not account.has_usable_password()
    assert account.membership.department == admin_a.membership.department
    assert sorted(account.groups.values_list("name", flat=True)) == sorted([APPROVER, OFFICER])
    event = AuditEvent.objects.get(action="api_key.created")
    assert event.actor == admin_a and prefix in event.summary and secret not in event.payload
    assert "held by bea" in event.summary

    response = client_with(plaintext).get(reverse("api:ping"))
    assert response.json() == {
        "user": f"api-{prefix}",
        "department": "health",
        "api_key": "HMIS integration",
    }


def test_a_key_cannot_sign_in_to_the_site(client, admin_a):
    key, plaintext = make_key(admin_a.membership.department)
    response = client.post(
        reverse("login"), {"username": key.service_user.username, "password": plaintext}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"name": "", "roles": [OFFICER]}, "name", "Name: Name the system that will use the key"),
        ({"name": "x" * 51, "roles": [OFFICER]}, "name", "at most 50 characters"),
        ({"name": "HMIS", "roles": []}, "roles", "Give the key at least one role."),
        (
            {"name": "HMIS", "roles": ["Department administrators"]},
            "roles",
            "Roles: “Department administrators” is not a role a key can hold",
        ),
        ({"name": "HMIS", "roles": [OFFICER], "person": ""}, "person", "Choose the person"),
        ({"name": "HMIS", "roles": [OFFICER], "person": "99999"}, "person", "active person"),
        ({"name": "HMIS", "roles": [APPROVER], "person": "alice"}, "roles", "does not hold"),
    ],
)
def test_the_key_form_says_what_is_wrong(client, admin_a, holder, alice, form, field, message):
    client.force_login(admin_a)
    persons = {"alice": alice.pk}
    form = {"person": holder.pk, **form}
    form["person"] = persons.get(form["person"], form["person"])
    response = client.post(reverse("api_key_create"), form)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not DepartmentAPIKey.objects.exists()


def test_revoking_a_key_stops_it_at_once_and_deactivates_its_account(client, admin_a):
    key, plaintext = make_key(admin_a.membership.department)
    api = client_with(plaintext)
    assert api.get(reverse("api:ping")).status_code == 200
    client.force_login(admin_a)
    response = client.post(reverse("api_key_revoke", args=[key.prefix]), follow=True)
    assert "Revoked" in response.content.decode()
    key.refresh_from_db()
    assert key.revoked and not key.service_user.is_active
    refused = api.get(reverse("api:ping"))
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Api-Key"
    assert refused.json() == {"detail": "This API key is not valid, or was revoked."}
    again = client.post(reverse("api_key_revoke", args=[key.prefix]), follow=True)
    assert "already revoked" in again.content.decode()
    assert AuditEvent.objects.filter(action="api_key.revoked").count() == 1


def test_an_expired_key_is_refused(admin_a):
    key, plaintext = make_key(admin_a.membership.department)
    DepartmentAPIKey.objects.filter(pk=key.pk).update(
        expiry_date=timezone.now() - dt.timedelta(minutes=1)
    )
    assert client_with(plaintext).get(reverse("api:ping")).status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(admin_a):
    key, plaintext = make_key(admin_a.membership.department)
    api = client_with(plaintext)
    assert key.last_used_at is None
    with CaptureQueriesContext(connection) as first:
        api.get(reverse("api:ping"))
    key.refresh_from_db()
    assert key.last_used_at is not None
    with CaptureQueriesContext(connection) as second:
        api.get(reverse("api:ping"))
    updates = [q for q in first.captured_queries + second.captured_queries if "UPDATE" in q["sql"]]
    assert len(updates) == 1, "only the first use within a minute writes"
    stale = timezone.now() - dt.timedelta(minutes=2)
    DepartmentAPIKey.objects.filter(pk=key.pk).update(last_used_at=stale)
    api.get(reverse("api:ping"))
    key.refresh_from_db()
    assert key.last_used_at > stale


@pytest.mark.parametrize(
    "header",
    [
        "Api-Key",
        "Api-Key a b",
        "Api-Key not-a-key",
        "Api-Key " + "A" * 8 + "." + "B" * 32,
        "Api-Key " + "x" * 5000,
        "Api-Key ünïcödé.key",
        "api-key " + "A" * 8 + ".\x00" + "B" * 31,
    ],
)
def test_bad_keys_are_a_401_in_json_never_an_error(departments, header):
    make_key(departments[0])
    client = client_with()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(reverse("api:workload-list"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json" and response.json()["detail"]


def test_a_key_with_the_right_prefix_and_a_wrong_secret_is_refused(admin_a):
    key, plaintext = make_key(admin_a.membership.department)
    forged = key.prefix + "." + ("A" * 32 if plaintext[-1] != "A" else "B" * 32)
    assert client_with(forged).get(reverse("api:ping")).status_code == 401


def test_anonymous_calls_are_a_401_naming_the_scheme(db):
    response = client_with().get(reverse("api:workload-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


# The pages: administrators see their department's keys, other persons the keys they hold ------


def test_administrators_see_only_their_own_departments_keys(client, admin_a, admin_b):
    key_a, _ = make_key(admin_a.membership.department, name="Health system")
    make_key(admin_b.membership.department, name="Revenue system")
    client.force_login(admin_b)
    html = client.get(reverse("api_key_list")).content.decode()
    assert "Revenue system" in html and "Health system" not in html and key_a.prefix not in html
    response = client.post(reverse("api_key_revoke", args=[key_a.prefix]))
    assert response.status_code == 404
    missing = client.post(reverse("api_key_revoke", args=["Zz9Zz9Zz"]))
    assert missing.status_code == 404
    key_a.refresh_from_db()
    assert not key_a.revoked


def test_officers_see_issue_and_revoke_only_their_own_keys(client, alice, admin_a, holder):
    theirs, _ = make_key(admin_a.membership.department, person=holder, name="Bea system")
    client.force_login(alice)
    listing = client.get(reverse("api_key_list"))
    assert listing.status_code == 200 and "Bea system" not in listing.content.decode()
    assert client.post(reverse("api_key_revoke", args=[theirs.prefix])).status_code == 404
    to_bea = client.post(
        reverse("api_key_create"), {"person": holder.pk, "name": "x", "roles": [OFFICER]}
    )
    assert to_bea.status_code == 400
    assert "active person" in " ".join(to_bea.context["form"].errors["person"])
    approver = client.post(
        reverse("api_key_create"), {"person": alice.pk, "name": "x", "roles": [APPROVER]}
    )
    assert "do not hold" in " ".join(approver.context["form"].errors["roles"])
    plaintext = create_on_the_page(client, alice, name="Alice script")
    own = DepartmentAPIKey.objects.get(name="Alice script")
    assert own.person == alice and own.created_by == alice
    assert "Alice script" in client.get(reverse("api_key_list")).content.decode()
    client.post(reverse("api_key_revoke", args=[own.prefix]))
    assert client_with(plaintext).get(reverse("api:ping")).status_code == 401
    theirs.refresh_from_db()
    assert not theirs.revoked


def test_the_navigation_shows_api_keys_to_those_who_may_hold_or_manage_them(
    client, alice, admin_a, departments
):
    client.force_login(admin_a)
    assert reverse("api_key_list") in client.get(reverse("policy_list")).content.decode()
    client.force_login(alice)
    assert reverse("api_key_list") in client.get(reverse("policy_list")).content.decode()
    client.force_login(make_user("polly", departments[0], POLICY_OFFICERS))
    assert reverse("api_key_list") not in client.get(reverse("policy_list")).content.decode()


def test_a_key_acts_within_its_roles_only(departments, workload):
    _, approver_key = make_key(departments[0], (APPROVER,))
    response = client_with(approver_key).patch(
        reverse("api:workload-detail", args=[workload.pk]), {"title": "Renamed"}
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}
    assert get_user_model().objects.filter(username__startswith="api-").count() == 1


def test_the_navigation_shows_workloads_only_to_roles_that_see_them(client, alice, departments):
    client.force_login(alice)
    assert reverse("workload_list") in client.get(reverse("policy_list")).content.decode()
    client.force_login(make_admin(departments[0]))
    assert reverse("workload_list") not in client.get(reverse("policy_list")).content.decode()
