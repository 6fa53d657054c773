"""Roles are Django groups with model permissions; this module is the one place that defines them.

Officers and approvers act only within their own department (the selectors scope every query);
the permissions below say what they may do there. Catalogue and policy administrators maintain
data shared by every department.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

OFFICER = "Procurement officers"
APPROVER = "Approvers"
EVALUATOR = "Evaluators"
CATALOGUE_ADMINISTRATORS = "Catalogue administrators"
POLICY_ADMINISTRATORS = "Policy administrators"
DEPARTMENT_ADMINISTRATORS = "Department administrators"

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
    ),
    APPROVER: (
        "procurement.view_workload",
        "procurement.view_comparison",
        "procurement.view_decision",
        "procurement.approve_decision",
        "procurement.view_policypack",
        "procurement.view_justificationdocument",
    ),
    EVALUATOR: (
        "providers.add_qualityevaluation",
        "providers.change_qualityevaluation",
        "providers.view_qualityevaluation",
        "providers.add_certification",
        "providers.change_certification",
        "providers.view_certification",
        "providers.view_offering",
        "providers.view_provider",
        "providers.view_evaluator",
        "providers.view_language",
    ),
    CATALOGUE_ADMINISTRATORS: ("providers.*",),
    POLICY_ADMINISTRATORS: (
        "procurement.add_policypack",
        "procurement.change_policypack",
        "procurement.view_policypack",
        "procurement.publish_policypack",
    ),
    # Manage the department's API keys (its systems' access), nothing else: no workloads are
    # visible to it (selectors.visible_to) and it grants a key only roles it holds itself.
    DEPARTMENT_ADMINISTRATORS: (
        "procurement.add_departmentapikey",
        "procurement.change_departmentapikey",
        "procurement.view_departmentapikey",
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
