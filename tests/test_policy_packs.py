"""Policy packs: validated drafts, immutable published versions, readable pages and diffs."""

from __future__ import annotations

import copy

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from procurement import platform, services
from procurement.models import PolicyPack
from procurement.roles import POLICY_AUTHORITY, POLICY_OFFICERS

pytestmark = pytest.mark.django_db


def _authority(username: str):
    """A person of the platform's policy authority (no department)."""
    user = get_user_model().objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=POLICY_AUTHORITY))
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def policy_admin(db):
    return _authority("meera")


def test_the_shipped_pack_is_published_with_citations(policy_pack):
    assert policy_pack.is_published and policy_pack.version == 4
    premium = next(
        p for p in policy_pack.document["preferences"] if p["kind"] == "transition_premium"
    )
    assert "policy scenario" in premium["note"] and premium["instrument"] is None
    assert premium["citation"]["document"]


def test_a_published_version_never_changes(policy_pack, policy_admin):
    with pytest.raises(ValidationError, match="never changes"):
        services.policy_pack_save_draft(
            user=policy_admin, pack=policy_pack, document=policy_pack.document
        )


def test_a_change_is_a_new_version_that_is_validated_then_published(policy_pack, policy_admin):
    draft = services.policy_pack_new_version(user=policy_admin, source=policy_pack)
    assert (draft.version, draft.status) == (policy_pack.version + 1, PolicyPack.Status.DRAFT)
    document = copy.deepcopy(draft.document)
    document["evaluation"]["qcbs"]["technical_weight_pct"] = "85"
    with pytest.raises(ValidationError) as failure:
        services.policy_pack_save_draft(user=policy_admin, pack=draft, document=document)
    messages = failure.value.message_dict["document"]
    assert any(m.startswith("policy.evaluation.qcbs.technical_weight_pct:") for m in messages), (
        messages
    )
    document["evaluation"]["qcbs"]["technical_weight_pct"] = "30"
    services.policy_pack_save_draft(user=policy_admin, pack=draft, document=document)
    proposal = platform.pack_publication_propose(user=policy_admin, pack=draft, summary="QCBS")
    checker = _authority("nikhil")
    platform.change_approve(user=checker, proposal=proposal)
    published = PolicyPack.objects.get(pk=draft.pk)
    assert published.is_published and published.published_by == checker


def test_the_admin_shows_field_messages_and_opens_published_versions_read_only(
    client, policy_pack, policy_admin
):
    client.force_login(policy_admin)
    response = client.post(
        reverse("admin:procurement_policypack_add"),
        {"slug": "india-default", "version": 9, "change_note": "", "document": '{"title": 1}'},
    )
    assert response.status_code == 200
    assert "policy." in response.content.decode()  # the engine's path-named messages
    assert not PolicyPack.objects.filter(version=9).exists()
    change = client.get(reverse("admin:procurement_policypack_change", args=[policy_pack.pk]))
    assert change.status_code == 200 and 'name="document"' not in change.content.decode()


def test_pages_show_a_version_and_the_difference_between_two(
    client, alice, policy_pack, policy_admin
):
    draft = services.policy_pack_new_version(user=policy_admin, source=policy_pack)
    document = copy.deepcopy(draft.document)
    document["finance"]["discount_rate_pct"] = "9"
    services.policy_pack_save_draft(user=policy_admin, pack=draft, document=document)
    client.force_login(alice)
    old, new = policy_pack.version, draft.version
    page = client.get(reverse("policy_detail", args=["india-default", old])).content.decode()
    assert "Residency by data classification" in page and "Category A" in page
    assert reverse("policy_diff", args=["india-default", old, new]) in page
    diff = client.get(reverse("policy_diff", args=["india-default", old, new])).content.decode()
    assert "finance.discount_rate_pct" in diff and f"version {new}" in diff.lower()


def test_the_policy_authority_publishes_and_department_policy_officers_adopt(policy_admin):
    assert policy_admin.has_perm("procurement.publish_policypack")
    officers = Group.objects.get(name=POLICY_OFFICERS).permissions
    assert set(officers.values_list("codename", flat=True)) == {
        "view_policypack",
        "adopt_policypack",
    }


def test_the_shipped_versions_are_stored_once_beside_earlier_ones_never_over_them(
    policy_pack, state_pack
):
    """Migration 0012 adds the shipped versions that are missing and leaves every stored
    version as it is (a published version never changes)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "procurement.migrations.0013_shipped_packs_cite_primary_instruments"
    )
    earlier = PolicyPack.objects.create(
        slug="india-default",
        version=1,
        title="An earlier version",
        status=PolicyPack.Status.PUBLISHED,
        document={"as": "stored"},
        effective_from=policy_pack.effective_from,
        published_at=policy_pack.published_at,
    )
    state_pack.delete()
    before = {p.pk: (p.document, p.change_note) for p in PolicyPack.objects.all()}
    migration.store_new_versions(apps, None)
    after = {p.pk: (p.document, p.change_note) for p in PolicyPack.objects.all()}
    assert {pk: after[pk] for pk in before} == before
    assert PolicyPack.objects.get(pk=earlier.pk).document == {"as": "stored"}
    [added] = PolicyPack.objects.exclude(pk__in=before)
    assert (added.slug, added.version, added.status) == ("demo-state-transition", 2, "published")
    assert "primary instrument" in added.change_note and added.document["clauses"]
