"""Roles are Django groups with model permissions; this module is the one place defining them."""

from typing import Any

from django.contrib.auth.models import Group, Permission

CATALOGUE_ADMINISTRATORS = "Catalogue administrators"

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # app label -> actions on every model of that app
    CATALOGUE_ADMINISTRATORS: {"providers": ("add", "change", "delete", "view")},
}


def ensure_roles(**kwargs: Any) -> None:
    """Create each role's group and give it exactly its permissions (idempotent)."""
    for role, apps in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = Permission.objects.none()
        for app_label, actions in apps.items():
            for action in actions:
                wanted = wanted | Permission.objects.filter(
                    content_type__app_label=app_label, codename__startswith=f"{action}_"
                )
        wanted_ids = set(wanted.values_list("pk", flat=True))
        if set(group.permissions.values_list("pk", flat=True)) != wanted_ids:
            group.permissions.set(wanted_ids)
