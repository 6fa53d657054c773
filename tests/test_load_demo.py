"""`manage.py load_demo`, which `make run` calls: demo catalogue and demo users, idempotently."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from procurement import national
from procurement.management import demo_awards
from procurement.management.commands.load_demo import DEMO_BUYERS, DEMO_PASSWORD
from procurement.roles import (
    ACCREDITATION_AUTHORITY,
    APPROVER,
    CATALOGUE_READERS,
    CATALOGUE_STEWARDS,
    DEPARTMENT_ADMINISTRATORS,
    EVALUATOR,
    OFFICER,
    POLICY_AUTHORITY,
    POLICY_OFFICERS,
)

pytestmark = pytest.mark.django_db


def signed_in(username: str, password: str = DEMO_PASSWORD):
    """The user, if ``password`` is theirs (through the same check a login makes)."""
    user = get_user_model().objects.get(username=username)
    return user if user.check_password(password) else None


def run(*, awards: bool = False) -> str:
    """load_demo on a declared demonstration instance (the tests run with DEBUG off); without
    its demo awards unless asked (each is a comparison, an approval and, with Celery eager, a
    rendered file note: seconds apiece)."""
    out = StringIO()
    with (
        override_settings(DEMO_INSTANCE=True),
        mock.patch.object(demo_awards, "AWARDS", demo_awards.AWARDS if awards else ()),
    ):
        call_command("load_demo", "--demo-instance", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("flag", "instance"),
    [(False, False), (True, False), (False, True)],
    ids=["none", "flag", "env"],
)
def test_with_debug_off_it_refuses_unless_the_instance_is_declared_a_demo_twice(flag, instance):
    """Issue 11, item 7: `docker compose up` created a superuser `admin` whose password the README
    prints. With DEBUG off, demo accounts need PROCUREMENT_DEMO_INSTANCE=1 and --demo-instance."""
    args = ["--demo-instance"] if flag else []
    with override_settings(DEMO_INSTANCE=instance), pytest.raises(CommandError) as refused:
        call_command("load_demo", *args, stdout=StringIO())
    assert "PROCUREMENT_DEMO_INSTANCE=1" in str(refused.value)
    assert "--demo-instance" in str(refused.value)
    assert not get_user_model().objects.exists()


def test_check_deploy_fails_while_a_demo_account_has_the_demo_password():
    from procurement.checks import check_demo_accounts

    assert check_demo_accounts() == []
    run()
    [error] = check_demo_accounts()
    assert error.id == "procurement.E003" and "health-officer" in error.msg
    for user in get_user_model().objects.all():
        user.set_password("a-new-long-password-2026")
        user.save()
    assert check_demo_accounts() == []


def test_ensure_administrator_creates_the_first_administrator_from_the_environment(monkeypatch):
    for name in (
        "DJANGO_SUPERUSER_USERNAME",
        "DJANGO_SUPERUSER_EMAIL",
        "DJANGO_SUPERUSER_PASSWORD",
    ):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(CommandError, match="DJANGO_SUPERUSER_PASSWORD"):
        call_command("ensure_administrator", stdout=StringIO())
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "platform")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "platform@example.gov.in")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-random-password-2026")
    call_command("ensure_administrator", stdout=StringIO())
    out = StringIO()
    call_command("ensure_administrator", stdout=out)  # the next `up`: kept as it is
    assert "left as it is" in out.getvalue()
    admin = get_user_model().objects.get(username="platform")
    assert admin.is_superuser and admin.check_password("a-long-random-password-2026")


def test_running_it_twice_changes_nothing_the_second_time():
    first = run()
    assert "Demo users: 46 created, 0 already present." in first
    second = run()
    total = next(line for line in second.splitlines() if line.startswith("total")).split()
    assert total[1:3] == ["0", "0"] and int(total[3]) > 0
    assert "Demo users: 0 created, 46 already present." in second
    assert f"password for each: {DEMO_PASSWORD}" in second


DEMO_ROLES = {
    "health-officer": (OFFICER, "demo-health"),
    "health-approver": (APPROVER, "demo-health"),
    "health-evaluator": (EVALUATOR, "demo-health"),
    "health-catalogue": (CATALOGUE_READERS, "demo-health"),
    "health-policy": (POLICY_OFFICERS, "demo-health"),
    "revenue-officer": (OFFICER, "demo-revenue"),
    "revenue-approver": (APPROVER, "demo-revenue"),
    "revenue-evaluator": (EVALUATOR, "demo-revenue"),
    "revenue-catalogue": (CATALOGUE_READERS, "demo-revenue"),
    "revenue-policy": (POLICY_OFFICERS, "demo-revenue"),
    "health-admin": (DEPARTMENT_ADMINISTRATORS, "demo-health"),
    "revenue-admin": (DEPARTMENT_ADMINISTRATORS, "demo-revenue"),
}


def test_demo_users_have_their_role_and_department():
    run()
    for username, (role, department) in DEMO_ROLES.items():
        user = signed_in(username)
        assert user.groups.filter(name=role).exists() and not user.is_superuser, username
        assert user.membership.department.slug == department, username


def test_demo_roles_carry_their_permissions():
    run()
    catalogue = signed_in("health-catalogue")
    officer = signed_in("health-officer")
    approver = signed_in("health-approver")
    assert signed_in("admin").is_superuser
    assert catalogue.is_staff and catalogue.has_perm("providers.view_pricerecord")
    assert not catalogue.has_perm("providers.change_pricerecord")
    assert not catalogue.has_perm("auth.change_user")
    assert officer.has_perm("procurement.add_workload") and not officer.is_staff
    assert not officer.has_perm("procurement.approve_decision")
    assert approver.has_perm("procurement.approve_decision")
    assert not approver.has_perm("procurement.add_workload")


def test_an_existing_demo_user_keeps_a_changed_password():
    run()
    user = get_user_model().objects.get(username="health-catalogue")
    user.set_password("a-new-long-password-2026")
    user.save()
    run()
    assert signed_in("health-catalogue", "a-new-long-password-2026")


def test_catalogue_readers_read_the_catalogue_in_the_admin(client):
    run()
    client.post(reverse("login"), {"username": "health-catalogue", "password": DEMO_PASSWORD})
    for path in ("/admin/providers/offering/", "/admin/providers/pricerecord/?q=sarvam"):
        assert client.get(path).status_code == 200
    assert client.get("/admin/providers/pricerecord/add/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


def test_two_people_of_each_platform_role_and_each_department_adopted_its_pack():
    """So maker-checker can be shown: one proposes, the other approves."""
    from procurement.models import AuditEvent, Department

    run()
    for prefix, role in (
        ("platform-policy", POLICY_AUTHORITY),
        ("platform-catalogue", CATALOGUE_STEWARDS),
        ("platform-accreditation", ACCREDITATION_AUTHORITY),
    ):
        for n in (1, 2):
            user = signed_in(f"{prefix}-{n}")
            assert user.groups.filter(name=role).exists() and user.is_staff
            assert not hasattr(user, "membership")
    adopted = dict(
        Department.objects.filter(slug__startswith="demo-").values_list(
            "slug", "adopted_pack__slug"
        )
    )
    assert adopted == {
        "demo-health": "india-default",
        "demo-revenue": "india-default",
        "demo-state": "demo-state-transition",
    } | {slug: pack for slug, _, _, pack, *_ in DEMO_BUYERS}
    assert AuditEvent.objects.filter(action="policy_pack.adopted").count() == 3 + len(DEMO_BUYERS)


def test_the_demo_awards_give_the_dashboard_published_figures():
    """Approved through the services by the demo people: at least three departments in each of
    health, education and finance, in four sectors; a demo target; usage reported."""
    from procurement.models import AwardFact, Decision, Department, ShareTarget, UsageReport

    out = run(awards=True)
    assert (
        "Demo awards for the transparency dashboard: 10 approved now (10 in all), "
        f"{demo_awards.HISTORY_AWARDS} synthetic earlier awards added" in out
    )
    assert not Department.objects.filter(is_demo=False).exists()
    facts = AwardFact.objects.filter(decision__isnull=False)
    assert facts.count() == Decision.objects.filter(status="approved").count() == 10
    history = AwardFact.objects.filter(decision__isnull=True)
    assert history.count() == demo_awards.HISTORY_AWARDS and not history.filter(is_demo=False)
    assert len(national.figure("trend").rows) >= 4
    assert len(set(facts.values_list("sector", flat=True))) >= 4
    headline = national.headline()
    assert headline.share_pct is not None and headline.demo
    assert headline.target.is_demo and "Demo target" in headline.target.source_note
    published = [row for row in national.figure("by-sector").rows if not row["suppressed"]]
    assert {row["key"] for row in published} >= {"health", "education", "finance"}
    assert UsageReport.objects.count() == 4
    assert ShareTarget.objects.count() == 1
    again = run(awards=True)
    assert "0 approved now (10 in all), 0 synthetic earlier awards added" in again


def test_the_demo_tender_has_two_sealed_bids_and_its_page_shows_neither(client):
    """The demo award "Vaccination helpline" is tendered, with two bids received; the opening is
    three weeks away, so the tender's page shows their count, never a bidder."""
    from procurement.management import demo_tenders
    from procurement.models import Bid, Tender

    out = run(awards=True)
    assert "Demo tender: Vaccination helpline, two bids sealed until the opening" in out
    tender = Tender.objects.get()
    assert tender.is_demo and not hasattr(tender, "opening")
    assert Bid.objects.filter(tender=tender, is_demo=True).count() == 2
    client.force_login(get_user_model().objects.get(username=demo_tenders.OFFICER))
    page = client.get(f"/tenders/{tender.pk}/").content.decode()
    assert "Sealed until the opening: 2 received" in page
    assert all(bidder not in page for bidder, *_ in demo_tenders.BIDS)
    assert "Demo tender: already present" in run(awards=True)
