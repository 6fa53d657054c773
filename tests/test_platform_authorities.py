"""Issue 11, hole 2: one department changed the rules for all.

A health-department policy administrator published a new India pack version and the revenue
department's next comparison used it at once; a health catalogue user could change prices for
everyone. Now shared data is changed by platform roles that belong to no department, each change
proposed by one person and approved by another, on the platform's audit chain; a department uses
the pack version it adopted.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from procurement import platform, selectors, services
from procurement.audit import (
    chain_events,
    chain_link,
    event_content,
    genesis,
    sha256,
    verify_department,
)
from procurement.management.commands.load_demo import DEMO_CATALOGUE
from procurement.models import AuditEvent, ChangeProposal, Comparison, PolicyPack
from procurement.roles import (
    ACCREDITATION_AUTHORITY,
    CATALOGUE_READERS,
    CATALOGUE_STEWARDS,
    OFFICER,
    POLICY_AUTHORITY,
    POLICY_OFFICERS,
)
from providers.models import Evaluator, PriceRecord
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def platform_user(username: str, role: str):
    """A person of a platform role: staff, in the role's group, in no department."""
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, first_name=username, is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return get_user_model().objects.get(pk=user.pk)


def staff_in(username: str, department, role: str, *extra_permissions: str):
    """A department user with admin access and, if given, permissions its role used to have."""
    user = make_user(username, department, role)
    user.is_staff = True
    user.save()
    for spec in extra_permissions:
        app_label, codename = spec.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def authority():
    """Two people of the policy authority: a maker and a checker."""
    return platform_user("meera", POLICY_AUTHORITY), platform_user("nikhil", POLICY_AUTHORITY)


@pytest.fixture
def stewards():
    return platform_user("sunita", CATALOGUE_STEWARDS), platform_user("tarun", CATALOGUE_STEWARDS)


@pytest.fixture
def accreditors():
    return (
        platform_user("anil", ACCREDITATION_AUTHORITY),
        platform_user("bela", ACCREDITATION_AUTHORITY),
    )


@pytest.fixture
def health_policy(departments):
    """The health department's policy user — with the permissions the old "Policy
    administrators" role gave, to show they no longer let a department change a pack."""
    return staff_in(
        "priya",
        departments[0],
        POLICY_OFFICERS,
        "procurement.add_policypack",
        "procurement.change_policypack",
        "procurement.publish_policypack",
    )


def draft_of(policy_pack, authority, discount_rate="9"):
    draft = services.policy_pack_new_version(user=authority[0], source=policy_pack)
    document = copy.deepcopy(draft.document)
    document["finance"]["discount_rate_pct"] = discount_rate
    return services.policy_pack_save_draft(user=authority[0], pack=draft, document=document)


def publish(pack, authority) -> PolicyPack:
    proposal = platform.pack_publication_propose(
        user=authority[0], pack=pack, summary="Discount rate from the new circular"
    )
    platform.change_approve(user=authority[1], proposal=proposal)
    return PolicyPack.objects.get(pk=pack.pk)


# Policy packs ---------------------------------------------------------------------------------


def test_a_script_link_in_a_pack_is_refused_before_it_is_stored(policy_pack, authority):
    """Hole 5: a `javascript:` citation was stored and rendered on every department's pages."""
    draft = services.policy_pack_new_version(user=authority[0], source=policy_pack)
    document = copy.deepcopy(draft.document)
    rule = next(r for r in document["residency"]["rules"] if "citation" in r)
    rule["citation"]["url"] = "javascript:alert(document.cookie)"
    with pytest.raises(ValidationError) as refused:
        services.policy_pack_save_draft(user=authority[0], pack=draft, document=document)
    assert "http" in str(refused.value) and "citation.url" in str(refused.value)
    # Every stored pack, read whole (a JSON "contains" lookup exists on PostgreSQL only).
    stored = PolicyPack.objects.values_list("document", flat=True)
    assert not any("javascript:" in json.dumps(document) for document in stored)


def test_a_department_policy_user_cannot_draft_or_publish_a_pack_through_the_services(
    policy_pack, authority, health_policy
):
    with pytest.raises(PermissionDenied, match="belong to no department"):
        services.policy_pack_new_version(user=health_policy, source=policy_pack)
    draft = draft_of(policy_pack, authority)
    with pytest.raises(PermissionDenied):
        services.policy_pack_save_draft(
            user=health_policy, pack=draft, document=policy_pack.document
        )
    with pytest.raises(PermissionDenied):
        platform.pack_publication_propose(user=health_policy, pack=draft, summary="Publish it")
    proposal = platform.pack_publication_propose(
        user=authority[0], pack=draft, summary="Publish it"
    )
    with pytest.raises(PermissionDenied):
        platform.change_approve(user=health_policy, proposal=proposal)
    draft.refresh_from_db()
    assert draft.status == PolicyPack.Status.DRAFT and not hasattr(services, "policy_pack_publish")


def test_a_department_policy_user_cannot_publish_or_change_a_pack_in_the_admin(
    client, policy_pack, authority, health_policy
):
    draft = draft_of(policy_pack, authority)
    client.force_login(health_policy)
    changelist = reverse("admin:procurement_policypack_changelist")
    for action in ("propose_publication", "publish"):
        client.post(changelist, {"action": action, "_selected_action": [draft.pk]})
    change = reverse("admin:procurement_policypack_change", args=[draft.pk])
    document = copy.deepcopy(draft.document)
    document["finance"]["discount_rate_pct"] = "1"
    response = client.post(
        change, {"change_note": "health's own rate", "document": json.dumps(document)}
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == PolicyPack.Status.DRAFT
    assert draft.document["finance"]["discount_rate_pct"] == "9"
    assert not ChangeProposal.objects.exists()


def test_the_same_person_cannot_approve_their_own_proposal(policy_pack, authority):
    draft = draft_of(policy_pack, authority)
    proposal = platform.pack_publication_propose(
        user=authority[0], pack=draft, summary="Discount rate from the new circular"
    )
    with pytest.raises(PermissionDenied, match="cannot also decide"):
        platform.change_approve(user=authority[0], proposal=proposal)
    with pytest.raises(PermissionDenied, match="cannot also decide"):
        platform.change_reject(user=authority[0], proposal=proposal, note="changed my mind")
    draft.refresh_from_db()
    assert draft.status == PolicyPack.Status.DRAFT
    approved = platform.change_approve(user=authority[1], proposal=proposal)
    draft.refresh_from_db()
    assert approved.status == ChangeProposal.Status.APPROVED and approved.decided_by == authority[1]
    assert draft.is_published and draft.published_by == authority[1]
    with pytest.raises(ValidationError, match="already approved"):
        platform.change_approve(user=authority[1], proposal=proposal)


def test_a_draft_changed_after_its_proposal_is_not_published(policy_pack, authority):
    draft = draft_of(policy_pack, authority)
    proposal = platform.pack_publication_propose(user=authority[0], pack=draft, summary="Go")
    with pytest.raises(ValidationError, match="awaits approval"):
        services.policy_pack_save_draft(user=authority[0], pack=draft, document=draft.document)
    PolicyPack.objects.filter(pk=draft.pk).update(document={**draft.document, "title": "Other"})
    with pytest.raises(ValidationError, match="changed after it was proposed"):
        platform.change_approve(user=authority[1], proposal=proposal)
    assert not PolicyPack.objects.get(pk=draft.pk).is_published


def test_a_published_version_reaches_another_department_only_once_it_adopts_it(
    client, departments, alice, charlie, policy_pack, demo_catalogue, authority
):
    """The reviewer's case: a new India version is published; revenue keeps comparing under
    the version it adopted, is told a newer one exists, and uses it only after adopting it."""
    health, revenue = departments
    workload = services.workload_create(user=charlie, values=_values())
    newer = publish(draft_of(policy_pack, authority), authority)
    first = services.comparison_run(user=charlie, workload=workload)
    assert first.policy_pack == policy_pack

    client.force_login(charlie)
    page = client.get(reverse("workload_detail", args=[workload.pk])).content.decode()
    assert "A newer version of the policy pack" in page and f"version {policy_pack.version}" in page
    comparison_page = client.get(reverse("comparison_detail", args=[first.pk])).content.decode()
    assert f"version {policy_pack.version}" in comparison_page
    assert 'data-testid="pack-notice"' in comparison_page
    response = client.post(reverse("policy_adopt", args=[newer.slug, newer.version]))
    assert response.status_code == 403  # an officer does not adopt

    officer = make_user("rao", revenue, POLICY_OFFICERS)
    client.force_login(officer)
    detail = client.get(reverse("policy_detail", args=[newer.slug, newer.version])).content
    assert b"Adopt this version for Tax Systems Directorate" in detail
    client.post(reverse("policy_adopt", args=[newer.slug, newer.version]))
    revenue.refresh_from_db()
    assert revenue.adopted_pack == newer
    adopted = chain_events(revenue).get(action="policy_pack.adopted")
    assert adopted.person_name == "rao" and f"version {policy_pack.version}" in adopted.summary

    second = services.comparison_run(user=charlie, workload=workload)
    assert second.policy_pack == newer
    assert Comparison.objects.get(pk=first.pk).policy_pack == policy_pack
    health.refresh_from_db()
    assert health.adopted_pack == policy_pack  # health has not adopted it
    health_run = services.comparison_run(
        user=alice, workload=services.workload_create(user=alice, values=_values())
    )
    assert health_run.policy_pack == policy_pack
    client.force_login(charlie)
    page = client.get(reverse("workload_detail", args=[workload.pk])).content.decode()
    assert "A newer version of the policy pack" not in page


def test_only_a_published_version_can_be_adopted_and_a_department_needs_one(
    departments, alice, policy_pack, authority, workload
):
    officer = make_user("rao", departments[0], POLICY_OFFICERS)
    draft = draft_of(policy_pack, authority)
    with pytest.raises(ValidationError, match="Only a published version"):
        services.policy_pack_adopt(user=officer, pack=draft)
    with pytest.raises(ValidationError, match="already uses"):
        services.policy_pack_adopt(user=officer, pack=policy_pack)
    department = departments[0]
    department.adopted_pack = None
    department.save()
    with pytest.raises(ValidationError, match="has not adopted a policy pack"):
        services.comparison_run(user=alice, workload=workload)


def test_editing_a_draft_in_the_admin_saves_it(client, policy_pack, authority):
    """The reviewer's 500: any edit of a draft in the admin raised KeyError: 'slug' (slug and
    version are read-only once a draft exists, so the form has no such data)."""
    draft = draft_of(policy_pack, authority)
    client.force_login(authority[0])
    document = copy.deepcopy(draft.document)
    document["finance"]["discount_rate_pct"] = "8"
    response = client.post(
        reverse("admin:procurement_policypack_change", args=[draft.pk]),
        {"change_note": "Rate from the circular", "document": json.dumps(document)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.document["finance"]["discount_rate_pct"] == "8"
    assert draft.change_note == "Rate from the circular"


def test_publication_is_proposed_and_approved_in_the_admin(client, policy_pack, authority):
    draft = draft_of(policy_pack, authority)
    changelist = reverse("admin:procurement_policypack_changelist")
    client.force_login(authority[0])
    client.post(changelist, {"action": "propose_publication", "_selected_action": [draft.pk]})
    proposal = ChangeProposal.objects.get(policy_pack=draft)
    proposals = reverse("admin:procurement_changeproposal_changelist")
    for page in (
        proposals,
        reverse("admin:procurement_changeproposal_add"),
        reverse("admin:procurement_changeproposal_change", args=[proposal.pk]),
    ):
        assert client.get(page).status_code == 200, page
    client.post(proposals, {"action": "approve", "_selected_action": [proposal.pk]})
    assert ChangeProposal.objects.get(pk=proposal.pk).status == ChangeProposal.Status.PROPOSED
    client.force_login(authority[1])
    asked = client.post(proposals, {"action": "reject", "_selected_action": [proposal.pk]})
    assert asked.status_code == 200 and "Why it is rejected" in asked.content.decode()
    client.post(proposals, {"action": "approve", "_selected_action": [proposal.pk]})
    draft.refresh_from_db()
    assert draft.is_published


# The catalogue --------------------------------------------------------------------------------


def test_a_department_catalogue_user_cannot_change_a_price_through_the_admin(
    client, departments, demo_catalogue, admin_user
):
    reader = staff_in("kiran", departments[0], CATALOGUE_READERS, "providers.change_pricerecord")
    price = PriceRecord.objects.exclude(input_per_mtok=None).first()
    url = reverse("admin:providers_pricerecord_change", args=[price.pk])
    for user in (reader, admin_user):  # nobody edits the catalogue in the admin
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and 'name="input_per_mtok"' not in page.content.decode()
        response = client.post(url, {"input_per_mtok": "0.01", "currency": price.currency})
        assert response.status_code == 403
        add = client.get(reverse("admin:providers_fxrate_add"))
        assert add.status_code == 403
    assert PriceRecord.objects.get(pk=price.pk).input_per_mtok == price.input_per_mtok


def fragment_adding_a_price(
    offering_slug: str, effective_from: dt.date, *, replace: bool = False
) -> str:
    """The demo catalogue's record of one offering (and its provider), with one price more at
    half the latest price, or with the latest price halved (``replace``)."""
    data = json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))
    provider = next(
        p for p in data["providers"] if any(o["slug"] == offering_slug for o in p["offerings"])
    )
    offering = next(o for o in provider["offerings"] if o["slug"] == offering_slug)
    latest = dict(offering["prices"][-1])
    for name in ("input_per_mtok", "cached_input_per_mtok", "output_per_mtok"):
        if latest.get(name) is not None:
            latest[name] = float(Decimal(str(latest[name])) * Decimal("0.5"))
    latest.update(
        effective_from=latest["effective_from"] if replace else effective_from.isoformat(),
        checked_on=timezone.localdate().isoformat(),
        source_note="list price cut announced by the provider",
    )
    offering["prices"] = [*offering["prices"][: -1 if replace else None], latest]
    provider = {**provider, "offerings": [offering]}
    provider.pop("certifications", None)
    fragment = {"format": data["format"], "version": data["version"], "providers": [provider]}
    return json.dumps(fragment)


def test_an_approved_catalogue_change_adds_dated_rows_and_leaves_earlier_comparisons_alone(
    comparison, stewards, departments
):
    offering_slug = comparison.recommended_offer_id
    before = list(PriceRecord.objects.filter(offering__slug=offering_slug).values())
    snapshot, results = comparison.snapshot, comparison.results.json()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    proposal = platform.catalogue_change_propose(
        user=stewards[0],
        catalogue=fragment_adding_a_price(offering_slug, tomorrow),
        summary="Provider's list price cut from tomorrow",
    )
    assert PriceRecord.objects.filter(offering__slug=offering_slug).count() == len(before)
    with pytest.raises(PermissionDenied):
        platform.change_approve(user=stewards[0], proposal=proposal)
    platform.change_approve(user=stewards[1], proposal=proposal)

    after = list(PriceRecord.objects.filter(offering__slug=offering_slug).values())
    assert len(after) == len(before) + 1
    assert [row for row in after if row["id"] in {r["id"] for r in before}] == before
    added = next(row for row in after if row["id"] not in {r["id"] for r in before})
    assert added["effective_from"] == tomorrow
    stored = Comparison.objects.get(pk=comparison.pk)
    assert stored.snapshot == snapshot and stored.results.json() == results
    assert verify_department(departments[0]) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("rewrite", "already on file"),
        ("backdated", "before today"),
        ("accredit", "accreditation authority"),
        ("nothing", "changes nothing"),
        ("not json", "not valid JSON"),
    ],
)
def test_a_catalogue_change_that_would_rewrite_history_is_refused_naming_the_field(
    comparison, stewards, change, message
):
    offering_slug = comparison.recommended_offer_id
    latest = PriceRecord.objects.filter(offering__slug=offering_slug).latest("effective_from")
    if change == "rewrite":
        text = fragment_adding_a_price(offering_slug, latest.effective_from, replace=True)
    elif change == "backdated":
        text = fragment_adding_a_price(offering_slug, dt.date(2026, 1, 1))
    elif change == "accredit":
        data = json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))
        evaluator = next(e for e in data["evaluators"] if not e["accredited"])
        text = json.dumps(
            {
                "format": data["format"],
                "version": data["version"],
                "evaluators": [{**evaluator, "accredited": True, "accreditation": "self"}],
                "providers": [],
            }
        )
    elif change == "nothing":
        data = json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))
        text = json.dumps({"format": data["format"], "version": data["version"], "providers": []})
    else:
        text = "{not json"
    with pytest.raises(ValidationError) as refused:
        platform.catalogue_change_propose(user=stewards[0], catalogue=text, summary="A change")
    assert " ".join(refused.value.message_dict["catalogue"]).count(message) >= 1, refused.value
    assert not ChangeProposal.objects.exists()


def test_a_catalogue_change_is_proposed_in_the_admin_with_field_messages(
    client, comparison, stewards
):
    client.force_login(stewards[0])
    add = reverse("admin:procurement_changeproposal_add")
    response = client.post(add, {"kind": "catalogue", "summary": "x", "catalogue": "{oops"})
    assert response.status_code == 200 and "not valid JSON" in response.content.decode()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    text = fragment_adding_a_price(comparison.recommended_offer_id, tomorrow)
    response = client.post(add, {"kind": "catalogue", "summary": "Price cut", "catalogue": text})
    assert response.status_code == 302
    assert ChangeProposal.objects.get().proposed_by == stewards[0]


# Evaluator accreditation ----------------------------------------------------------------------


def test_accreditation_is_granted_by_one_person_and_approved_by_another(
    departments, demo_catalogue, accreditors, stewards
):
    evaluator = Evaluator.objects.filter(accredited=False).first()
    department_evaluator = staff_in("eva", departments[0], OFFICER, "providers.change_evaluator")
    with pytest.raises(PermissionDenied):
        platform.accreditation_propose(
            user=department_evaluator,
            evaluator=evaluator,
            accredited=True,
            accreditation="NABL",
            summary="Accredit",
        )
    with pytest.raises(PermissionDenied):  # a catalogue steward is not the authority
        platform.accreditation_propose(
            user=stewards[0],
            evaluator=evaluator,
            accredited=True,
            accreditation="NABL",
            summary="Accredit",
        )
    proposal = platform.accreditation_propose(
        user=accreditors[0],
        evaluator=evaluator,
        accredited=True,
        accreditation="NABL ISO/IEC 17025 (certificate TC-0000)",
        summary="Accredited by NABL for language-quality testing",
    )
    with pytest.raises(PermissionDenied):
        platform.change_approve(user=accreditors[0], proposal=proposal)
    platform.change_approve(user=accreditors[1], proposal=proposal)
    evaluator.refresh_from_db()
    assert evaluator.accredited and evaluator.accreditation.startswith("NABL")
    with pytest.raises(ValidationError, match="already accredited"):
        platform.accreditation_propose(
            user=accreditors[0],
            evaluator=evaluator,
            accredited=True,
            accreditation="x",
            summary="again",
        )


# The platform's chain, and the proposals' own record ------------------------------------------


def test_every_platform_change_is_an_event_on_the_platform_chain(
    comparison, policy_pack, authority, stewards, accreditors
):
    publish(draft_of(policy_pack, authority), authority)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    catalogue = platform.catalogue_change_propose(
        user=stewards[0],
        catalogue=fragment_adding_a_price(comparison.recommended_offer_id, tomorrow),
        summary="Price cut",
    )
    platform.change_reject(user=stewards[1], proposal=catalogue, note="No source for the cut")
    evaluator = Evaluator.objects.filter(accredited=True).first()
    withdrawal = platform.accreditation_propose(
        user=accreditors[0],
        evaluator=evaluator,
        accredited=False,
        accreditation="",
        summary="Accreditation lapsed",
    )
    platform.change_approve(user=accreditors[1], proposal=withdrawal)

    events = list(chain_events(None).order_by("sequence"))
    assert [(e.action, e.person_name) for e in events] == [
        ("pack_publication.proposed", "meera"),
        ("pack_publication.approved", "nikhil"),
        ("catalogue.proposed", "sunita"),
        ("catalogue.rejected", "tarun"),
        ("accreditation.proposed", "anil"),
        ("accreditation.approved", "bela"),
    ]
    previous = genesis(None)
    for number, event in enumerate(events, start=1):
        assert event.sequence == number and event.department is None
        assert sha256(event_content(event)) == event.content_hash
        assert chain_link(previous, event.content_hash) == event.chain_hash
        previous = event.chain_hash
    assert json.loads(events[1].payload)["version"] == policy_pack.version + 1
    assert not AuditEvent.objects.filter(department__isnull=False, action__contains=".approved")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE procurement_changeproposal SET summary = 'something else'",
        "UPDATE procurement_changeproposal SET status = 'rejected'",
        "DELETE FROM procurement_changeproposal",
    ],
    ids=["content", "second-transition", "delete"],
)
def test_a_decided_proposal_cannot_be_rewritten_in_the_database(policy_pack, authority, sql):
    publish(draft_of(policy_pack, authority), authority)
    with (
        pytest.raises(DatabaseError, match="transition-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert ChangeProposal.objects.get().status == ChangeProposal.Status.APPROVED


def _values():
    from tests.conftest import workload_values

    return workload_values()


def test_the_pack_notice_tells_a_department_without_an_adoption(client, departments, alice):
    department = departments[0]
    department.adopted_pack = None
    department.save()
    workload = services.workload_create(user=alice, values=_values())
    client.force_login(alice)
    page = client.get(reverse("workload_detail", args=[workload.pk])).content.decode()
    assert "has not adopted a policy pack version yet" in page
    assert selectors.newer_published(None) is None
