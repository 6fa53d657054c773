"""Admin for departments and memberships, policy packs (draft → published), and read-only views of
the insert-only records. Business writes go through procurement.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework_api_key.models import APIKey

from procurement import services
from procurement.forms import EngineJSONField
from procurement.models import AuditEvent, Comparison, Decision, Department, Membership, PolicyPack


def _person(request: HttpRequest) -> User | None:
    """The signed-in person behind an admin request (the admin requires one)."""
    return request.user if isinstance(request.user, User) else None


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("name", "slug", "parent", "policy_pack", "created_at")
    search_fields = ("name", "slug", "parent")
    prepopulated_fields = {"slug": ("name",)}


class MembershipInline(admin.StackedInline[Membership, Any]):
    model = Membership
    can_delete = False
    fields = ("department", "designation")


admin.site.unregister(User)
# djangorestframework-api-key's own model is unused: keys are DepartmentAPIKey rows.
admin.site.unregister(APIKey)


@admin.register(User)
class UserWithDepartmentAdmin(UserAdmin[User]):
    inlines = [MembershipInline]
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "department")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "membership__department")
    list_select_related = ("membership__department",)

    @admin.display(description="Department", ordering="membership__department__name")
    def department(self, user: Any) -> str:
        membership = getattr(user, "membership", None)
        return membership.department.name if membership else "—"


class PolicyPackForm(forms.ModelForm[PolicyPack]):
    """Edit a draft's JSON; it is validated by the engine, with the JSON path of each problem."""

    document = EngineJSONField(
        widget=forms.Textarea(attrs={"rows": 30, "cols": 120, "class": "vLargeTextField"}),
        help_text="The policy in the engine's JSON format (docs/engine.md). Every rule carries "
        "its citation and confidence.",
    )

    class Meta:
        model = PolicyPack
        fields = ("slug", "version", "change_note", "document")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("document") is not None and not self.errors:
            try:
                services.policy_document_check(
                    {
                        **cleaned["document"],
                        "pack_id": cleaned["slug"],
                        "version": cleaned["version"],
                    }
                )
            except ValidationError as error:
                self.add_error("document", error.message_dict["document"])
        return cleaned


@admin.register(PolicyPack)
class PolicyPackAdmin(admin.ModelAdmin[PolicyPack]):
    form = PolicyPackForm
    list_display = ("title", "slug", "version", "status", "effective_from", "published_at")
    list_filter = ("status", "slug")
    search_fields = ("title", "slug", "change_note")
    actions = ["publish", "new_version"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published version never changes: it opens read-only.
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            obj is not None and not obj.is_published and super().has_delete_permission(request, obj)
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("slug", "version") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: PolicyPack, form: Any, change: bool) -> None:
        services.policy_pack_save_draft(
            user=_person(request), pack=obj, document=form.cleaned_data["document"]
        )

    @admin.action(description="Publish the selected drafts", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[PolicyPack]) -> None:
        for pack in queryset:
            try:
                services.policy_pack_publish(user=_person(request), pack=pack)
            except ValidationError as error:
                self.message_user(request, f"{pack}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"Published {pack}.", messages.SUCCESS)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("procurement.publish_policypack")

    @admin.action(
        description="Start a new draft version from the selected pack", permissions=["add"]
    )
    def new_version(self, request: HttpRequest, queryset: QuerySet[PolicyPack]) -> None:
        for pack in queryset:
            draft = services.policy_pack_new_version(user=_person(request), source=pack)
            self.message_user(request, f"Created draft {draft}.", messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Insert-only records: visible to administrators, never edited or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Comparison)
class ComparisonAdmin(ReadOnlyAdmin):
    list_display = ("pk", "department", "workload", "recommended_name", "created_at", "fingerprint")
    list_filter = ("department", "uses_demo_data")
    search_fields = ("fingerprint", "workload__title", "recommended_name")
    list_select_related = ("department", "workload")
    exclude = ("snapshot",)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("pk", "department", "offer_name", "status", "proposed_by", "decided_by")
    list_filter = ("department", "status")
    search_fields = ("offer_name", "reason")
    list_select_related = ("department", "proposed_by", "decided_by")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("department", "sequence", "action", "actor_name", "summary", "created_at")
    list_filter = ("department", "action")
    search_fields = ("summary", "actor_name", "object_id")
    list_select_related = ("department",)
