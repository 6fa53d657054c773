"""Roles are Django groups with model permissions; this module is the one place that defines them.

Department roles act only within their own department (the selectors scope every query); the
permissions below say what they may do there. None of them changes data every department shares:
policy officers (and department administrators) *adopt* a published policy pack version for their
department; catalogue readers and evaluators see the catalogue in the admin, read-only.

Platform roles belong to no department (their users have no Membership): the policy authority
drafts policy pack versions and publishes them, catalogue stewards change the catalogue,
the evaluator accreditation authority grants (with a scope and a term) and withdraws
accreditations. Each such change is proposed by one person and approved by another of the same
role (``procurement.platform``), on the platform's audit chain. The policy authority also sets
the national share target: a new target is added (never edited), an event on the platform's
chain. Catalogue stewards also accept or return what the community submits
(``procurement.community``), never their own.

Community roles belong to no department either: an evaluator organisation's members register
benchmarks and submit evaluations for their organisation, never another's; a provider's members
submit changes to their own provider's offers, prices, regions and certifications;
practitioners publish measurements of offers in use; domain experts submit notes on use cases.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

OFFICER = "Procurement officers"
APPROVER = "Approvers"
EVALUATOR = "Evaluators"
CATALOGUE_READERS = "Catalogue readers"
POLICY_OFFICERS = "Policy officers"
DEPARTMENT_ADMINISTRATORS = "Department administrators"
# Appointed to a tender's evaluation committee by an officer (procurement.evaluation): records
# each bid's technical result, and, under QCBS, submits one mark sheet.
COMMITTEE = "Tender evaluation committee members"
# Platform roles: no department.
POLICY_AUTHORITY = "Policy authority"
CATALOGUE_STEWARDS = "Catalogue stewards"
ACCREDITATION_AUTHORITY = "Evaluator accreditation authority"
PLATFORM_ROLES = (POLICY_AUTHORITY, CATALOGUE_STEWARDS, ACCREDITATION_AUTHORITY)
# Community roles: no department either; a person of one acts for an organisation of the
# community (an evaluator member: procurement.models.EvaluatorMember).
EVALUATOR_MEMBERS = "Evaluator organisation members"
PROVIDER_MEMBERS = "Provider organisation members"
# A practitioner or domain expert is a person (procurement.models.Contributor), no organisation.
PRACTITIONERS = "Practitioners"
DOMAIN_EXPERTS = "Domain experts"
COMMUNITY_ROLES = (EVALUATOR_MEMBERS, PROVIDER_MEMBERS, PRACTITIONERS, DOMAIN_EXPERTS)

CATALOGUE_VIEWS = (
    "providers.view_provider",
    "providers.view_region",
    "providers.view_offering",
    "providers.view_pricerecord",
    "providers.view_certification",
    "providers.view_evaluator",
    "providers.view_qualityevaluation",
    "providers.view_fxrate",
    "providers.view_language",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # "app_label.codename", or "app_label.*" for every permission of an app
    OFFICER: (
        "procurement.add_workload",
        "procurement.change_workload",
        "procurement.view_workload",
        "procurement.add_comparison",
        "procurement.view_comparison",
        "procurement.add_decision",
        "procurement.view_decision",
        "procurement.view_policypack",
        "procurement.add_justificationdocument",
        "procurement.view_justificationdocument",
        # What an awarded contract served, quarter by quarter (the API and the CSV upload).
        "procurement.add_usagereport",
        "procurement.view_usagereport",
        # The tender of an approved planning decision, the bids received, their opening.
        "procurement.add_tender",
        "procurement.view_tender",
        "procurement.add_bid",
        "procurement.add_bidopening",
        # The technical stage: appoint the evaluation committee; read its results and, once
        # every member has submitted, the mark sheets.
        "procurement.add_committeemember",
        "procurement.view_committeemember",
        "procurement.view_technicalresult",
        "procurement.view_marksheet",
    ),
    APPROVER: (
        "procurement.view_workload",
        "procurement.view_comparison",
        "procurement.view_decision",
        "procurement.approve_decision",
        "procurement.view_tender",
        "procurement.view_committeemember",
        "procurement.view_technicalresult",
        "procurement.view_marksheet",
        "procurement.view_policypack",
        "procurement.view_justificationdocument",
        "procurement.view_usagereport",
    ),
    # A tender's evaluation committee: once appointed to a tender (an officer appoints), record
    # each bid's technical result and submit one mark sheet (QCBS). Another member's marks are
    # seen only when every member has submitted (procurement.selectors.technical_stage).
    COMMITTEE: (
        "procurement.view_tender",
        "procurement.view_committeemember",
        "procurement.view_technicalresult",
        "procurement.add_technicalresult",
        "procurement.add_marksheet",
    ),
    # Read the evaluations, certifications and evaluators behind quality bars (admin, read-only).
    EVALUATOR: (
        "providers.view_qualityevaluation",
        "providers.view_certification",
        "providers.view_offering",
        "providers.view_provider",
        "providers.view_evaluator",
        "providers.view_language",
    ),
    # Read the whole catalogue in the admin; changes are the catalogue stewards'.
    CATALOGUE_READERS: CATALOGUE_VIEWS,
    # Adopt a published pack version for the department; packs are the policy authority's.
    POLICY_OFFICERS: (
        "procurement.view_policypack",
        "procurement.adopt_policypack",
    ),
    # Manage the department's API keys (its systems' access) and adopt its policy pack version,
    # nothing else: no workloads are visible to it (selectors.visible_to) and it grants a key
    # only roles it holds itself.
    DEPARTMENT_ADMINISTRATORS: (
        "procurement.add_departmentapikey",
        "procurement.change_departmentapikey",
        "procurement.view_departmentapikey",
        "procurement.view_policypack",
        "procurement.adopt_policypack",
    ),
    # Platform: draft pack versions; propose and approve their publication; set the national
    # share target (insert-only: a new target, never an edit).
    POLICY_AUTHORITY: (
        "procurement.add_sharetarget",
        "procurement.view_sharetarget",
        "procurement.add_policypack",
        "procurement.change_policypack",
        "procurement.view_policypack",
        "procurement.publish_policypack",
        "procurement.view_changeproposal",
    ),
    # Platform: propose and approve catalogue changes; accept or return the community's
    # submissions (never their own).
    CATALOGUE_STEWARDS: (
        *CATALOGUE_VIEWS,
        "procurement.change_catalogue",
        "procurement.view_changeproposal",
        "procurement.review_submission",
    ),
    # Community: register benchmarks and submit evaluations for the member's organisation.
    EVALUATOR_MEMBERS: (
        "procurement.add_benchmark",
        "procurement.add_evaluationsubmission",
    ),
    # Community: submit changes to the member's own provider record for review.
    PROVIDER_MEMBERS: ("procurement.add_providerchange",),
    # Community: publish measurements of offers in use (shown as community-reported).
    PRACTITIONERS: ("procurement.add_measurement",),
    # Community: submit notes on why a use case needs domestic inference or a quality bar.
    DOMAIN_EXPERTS: ("procurement.add_domainnote",),
    # Platform: propose and approve the grant or withdrawal of an evaluator's accreditation.
    ACCREDITATION_AUTHORITY: (
        "providers.view_evaluator",
        "providers.view_qualityevaluation",
        "providers.view_offering",
        "providers.view_provider",
        "providers.view_language",
        "procurement.accredit_evaluator",
        "procurement.view_changeproposal",
    ),
}


def _permissions(specs: tuple[str, ...]) -> set[int]:
    query = Q(pk__in=[])
    for spec in specs:
        app_label, _, codename = spec.partition(".")
        if codename == "*":
            query |= Q(content_type__app_label=app_label)
        else:
            query |= Q(content_type__app_label=app_label, codename=codename)
    return set(Permission.objects.filter(query).values_list("pk", flat=True))


def ensure_roles(**kwargs: Any) -> None:
    """Create each role's group and give it exactly its permissions (idempotent)."""
    for role, specs in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = _permissions(specs)
        if set(group.permissions.values_list("pk", flat=True)) != wanted:
            group.permissions.set(wanted)
