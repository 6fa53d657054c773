"""The national share target, set by the platform's policy authority in the admin (added, never
edited; an event on the platform's chain; every other role reads it only), and departments as
buyers: body type, ministry or parent body and sector in the admin and on the members' pages."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from procurement import platform
from procurement.audit import chain_events
from procurement.models import Department, ShareTarget
from procurement.roles import PLATFORM_ROLES, POLICY_AUTHORITY, ROLE_PERMISSIONS
from tests.test_platform_authorities import platform_user, staff_in

pytestmark = pytest.mark.django_db


def next_year() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=365)


def target_form(**overrides) -> dict[str, str]:
    return {
        "target_pct": "60",
        "by_date": next_year().isoformat(),
        "source_note": "Cabinet decision on sovereign AI, 1 April 2026 (demo)",
        "source_url": "https://example.gov.in/sovereign-ai",
        **overrides,
    }


def person_of(role: str, department):
    """A staff person holding ``role`` alone: of no department for a platform role."""
    name = role.lower().replace(" ", "-")
    if role in PLATFORM_ROLES:
        return platform_user(name, role)
    return staff_in(name, department, role)


@pytest.mark.parametrize("role", sorted(ROLE_PERMISSIONS))
def test_only_the_policy_authority_adds_a_target_and_everyone_reads_it(client, departments, role):
    earlier = ShareTarget.objects.create(
        target_pct=Decimal("50"),
        by_date=next_year(),
        source_note="An earlier decision",
        set_by=platform_user("earlier", POLICY_AUTHORITY),
    )
    client.force_login(person_of(role, departments[0]))
    add = reverse("admin:procurement_sharetarget_add")
    change = reverse("admin:procurement_sharetarget_change", args=[earlier.pk])
    delete = reverse("admin:procurement_sharetarget_delete", args=[earlier.pk])
    allowed = role == POLICY_AUTHORITY

    assert client.get(reverse("admin:procurement_sharetarget_changelist")).status_code == 200
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(add).status_code == (200 if allowed else 403)
    response = client.post(add, target_form())
    assert response.status_code == (302 if allowed else 403)
    assert ShareTarget.objects.count() == (2 if allowed else 1)
    assert client.post(change, target_form(target_pct="99")).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    earlier.refresh_from_db()
    assert earlier.target_pct == Decimal("50")


def test_a_target_is_an_event_on_the_platform_chain_and_the_latest_counts(client):
    authority = platform_user("meera", POLICY_AUTHORITY)
    client.force_login(authority)
    client.post(reverse("admin:procurement_sharetarget_add"), target_form(target_pct="40"))
    client.post(reverse("admin:procurement_sharetarget_add"), target_form(target_pct="60"))
    assert ShareTarget.objects.first().target_pct == Decimal("60")
    assert ShareTarget.objects.count() == 2
    events = list(chain_events(None).order_by("sequence"))
    assert [(e.action, e.person_name, e.department) for e in events] == [
        ("share_target.set", "meera", None),
        ("share_target.set", "meera", None),
    ]
    assert json.loads(events[1].payload) == {
        "target_pct": "60",
        "by_date": next_year().isoformat(),
        "source_note": "Cabinet decision on sovereign AI, 1 April 2026 (demo)",
        "source_url": "https://example.gov.in/sovereign-ai",
        "is_demo": False,
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target_pct", "120", "A share is between 0 and 100 %."),
        ("by_date", "2020-01-01", "The date to reach the target is after today."),
        ("source_note", "   ", "This field is required."),
    ],
)
def test_a_bad_target_is_refused_naming_its_field(client, field, value, message):
    client.force_login(platform_user("meera", POLICY_AUTHORITY))
    response = client.post(
        reverse("admin:procurement_sharetarget_add"), target_form(**{field: value})
    )
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field]
    assert not ShareTarget.objects.exists() and not chain_events(None).exists()


def test_the_service_refuses_a_department_person_even_with_the_permission(departments):
    officer = staff_in("priya", departments[0], "Policy officers", "procurement.add_sharetarget")
    with pytest.raises(PermissionDenied):
        platform.share_target_set(
            user=officer, target_pct=Decimal(60), by_date=next_year(), source_note="Mine"
        )
    with pytest.raises(ValidationError) as refused:
        platform.share_target_set(
            user=platform_user("meera", POLICY_AUTHORITY),
            target_pct=Decimal(-1),
            by_date=next_year(),
            source_note="",
        )
    assert set(refused.value.message_dict) == {"target_pct", "source_note"}
    assert not ShareTarget.objects.exists()


def test_the_department_admin_edits_body_type_ministry_and_sector(client, departments, admin_user):
    department = departments[0]
    client.force_login(admin_user)
    url = reverse("admin:procurement_department_change", args=[department.pk])
    html = client.get(url).content.decode()
    for label in ("Body type", "Ministry or parent body", "Sector"):
        assert label in html, label
    response = client.post(
        url,
        {
            "name": department.name,
            "slug": department.slug,
            "body_type": "hospital",
            "parent": "Ministry of Health and Family Welfare",
            "sector": "health",
        },
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert (department.body_type, department.parent, department.sector) == (
        "hospital",
        "Ministry of Health and Family Welfare",
        "health",
    )


def test_members_see_their_department_as_a_buyer(client, alice, departments):
    Department.objects.filter(pk=departments[0].pk).update(
        body_type="hospital", parent="Ministry of Health and Family Welfare", sector="health"
    )
    client.force_login(get_user_model().objects.get(pk=alice.pk))
    html = client.get(reverse("workload_list")).content.decode()
    assert (
        "eHealth Division: public hospital under Ministry of Health and Family Welfare, health "
        "sector." in html
    )
    assert "national totals only" not in html
    Department.objects.filter(pk=departments[0].pk).update(sector="defence_security")
    html = client.get(reverse("workload_list")).content.decode()
    assert "defence and security sector" in html and "national totals only" in html
