"""Admin for departments and memberships, policy pack drafts, the platform's change proposals
(propose, then another person approves: ``procurement.platform``), and read-only views of the
insert-only records. Business writes go through procurement.services and procurement.platform.

Nobody publishes a pack here directly: the policy authority proposes publication (an action on
the drafts) and another person of the role approves it (an action on the proposals).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import APIKey

from procurement import labels, platform, services
from procurement.forms import EngineJSONField
from procurement.models import (
    AuditEvent,
    ChangeProposal,
    Comparison,
    Contributor,
    Decision,
    Department,
    EvaluatorMember,
    Membership,
    PolicyPack,
    ProviderMember,
    ShareTarget,
)
from providers.models import Language


@admin.register(EvaluatorMember)
class EvaluatorMemberAdmin(admin.ModelAdmin[EvaluatorMember]):
    """Who acts for an evaluator organisation (a person of no department, with the evaluator
    organisation members' role): the administrator adds and removes them."""

    list_display = ("user", "evaluator", "joined_at")
    list_select_related = ("user", "evaluator")
    autocomplete_fields = ("user",)


@admin.register(ProviderMember)
class ProviderMemberAdmin(admin.ModelAdmin[ProviderMember]):
    """Who acts for a provider of the catalogue (a person of no department, with the provider
    organisation members' role): the administrator adds and removes them."""

    list_display = ("user", "provider", "joined_at")
    list_select_related = ("user", "provider")
    autocomplete_fields = ("user",)


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin[Contributor]):
    """A registered practitioner or domain expert (a person of no department, with the
    practitioners' or domain experts' role) and the affiliation shown beside what they publish:
    the administrator registers them."""

    list_display = ("user", "affiliation", "is_demo", "joined_at")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    """A buying body as it is: its type, its ministry or parent body and its sector attribute
    its awards on the public figures (from its next approval on: an award keeps the attribution
    it had when approved)."""

    fields = ("name", "slug", "body_type", "parent", "sector", "is_demo", "adopted_pack")
    list_display = ("name", "slug", "body_type", "parent", "sector", "adopted_pack", "created_at")
    list_filter = ("body_type", "sector", "is_demo")
    search_fields = ("name", "slug", "parent")
    prepopulated_fields = {"slug": ("name",)}
    # The department adopts a version itself, on the policy pack's page (an event on its chain).
    readonly_fields = ("adopted_pack",)


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

    @admin.display(description=_("Department"), ordering="membership__department__name")
    def department(self, user: Any) -> str:
        membership = getattr(user, "membership", None)
        return membership.department.name if membership else "—"


class PolicyPackForm(forms.ModelForm[PolicyPack]):
    """Edit a draft's JSON; it is validated by the engine, with the JSON path of each problem."""

    document = EngineJSONField(
        widget=forms.Textarea(attrs={"rows": 30, "cols": 120, "class": "vLargeTextField"}),
        help_text=_(
            "The policy in the engine's JSON format (docs/engine.md). Every rule carries "
            "its citation and confidence."
        ),
    )

    class Meta:
        model = PolicyPack
        fields = ("slug", "version", "change_note", "document")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("document") is not None and not self.errors:
            try:
                # slug and version are read-only once a draft exists: not in the form's data.
                services.policy_document_check(
                    {
                        **cleaned["document"],
                        "pack_id": cleaned.get("slug", self.instance.slug),
                        "version": cleaned.get("version", self.instance.version),
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
    actions = ["propose_publication", "new_version"]

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
            user=request.user, pack=obj, document=form.cleaned_data["document"]
        )

    @admin.action(
        description=_("Propose publishing the selected drafts (another person approves)"),
        permissions=["publish"],
    )
    def propose_publication(self, request: HttpRequest, queryset: QuerySet[PolicyPack]) -> None:
        for pack in queryset:
            summary = pack.change_note or f"Publish {pack.title} version {pack.version}"
            try:
                platform.pack_publication_propose(user=request.user, pack=pack, summary=summary)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, _refused(pack, error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext(
                        "Proposed publishing %(pack)s: another person of the policy authority "
                        "approves it under Change proposals."
                    )
                    % {"pack": pack},
                    messages.SUCCESS,
                )

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("procurement.publish_policypack")

    @admin.action(
        description=_("Start a new draft version from the selected pack"), permissions=["add"]
    )
    def new_version(self, request: HttpRequest, queryset: QuerySet[PolicyPack]) -> None:
        for pack in queryset:
            try:
                draft = services.policy_pack_new_version(user=request.user, source=pack)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, _refused(pack, error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Created draft %(draft)s.") % {"draft": draft},
                    messages.SUCCESS,
                )


def _messages(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _refused(subject: object, error: ValidationError | PermissionDenied) -> str:
    """What was refused, then why: "India default v3: …"."""
    return gettext("%(subject)s: %(reasons)s") % {"subject": subject, "reasons": _messages(error)}


class ChangeProposalForm(forms.ModelForm[ChangeProposal]):
    """A proposal of one kind; only that kind's fields are used. Checked as the service will
    check it, so a refusal names its field."""

    scope_use_cases = forms.MultipleChoiceField(
        label=_("Use cases covered"),
        choices=labels.USE_CASE.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a grant with a scope and a term: the use cases its scores count for."),
    )
    scope_languages = forms.MultipleChoiceField(
        label=_("Languages covered"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a grant with a scope and a term: the languages its scores count for."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("For a grant with a scope: the last day it counts (three years at most)."),
    )

    class Meta:
        model = ChangeProposal
        fields = (
            "kind",
            "summary",
            "policy_pack",
            "catalogue",
            "evaluator",
            "accredited",
            "accreditation",
            "scope_use_cases",
            "scope_languages",
            "expires_on",
        )
        widgets = {"catalogue": forms.Textarea(attrs={"rows": 20, "cols": 120})}
        help_texts = {
            "policy_pack": _("For a publication: the draft version to publish, as it stands now."),
            "catalogue": _(
                "For a catalogue change: a fragment in the catalogue-file format "
                "(docs/catalogue.md) with the records to add or change, in full. Prices and FX "
                "rates take effect today or later; one already on file is never changed."
            ),
            "accredited": _("For an accreditation: Yes grants it, No withdraws it."),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if "kind" not in self.fields:
            return  # a proposal opened read-only: its fields are shown, not edited
        self.fields["scope_languages"].choices = [  # type: ignore[attr-defined]
            (lang.code, lang.name) for lang in Language.objects.all()
        ]
        self.fields["policy_pack"].queryset = PolicyPack.objects.filter(  # type: ignore[attr-defined]
            status=PolicyPack.Status.DRAFT
        )
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (kind, label)
            for kind, label in ChangeProposal.Kind.choices
            if user is not None and user.has_perm(platform.PERMISSION[kind])
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind", "")
        required: dict[str, tuple[str, ...]] = {
            ChangeProposal.Kind.PACK_PUBLICATION: ("policy_pack",),
            ChangeProposal.Kind.CATALOGUE: ("catalogue",),
            ChangeProposal.Kind.ACCREDITATION: ("evaluator", "accredited"),
        }
        missing = [name for name in required.get(kind, ()) if cleaned.get(name) in (None, "")]
        for name in missing:
            self.add_error(name, gettext("This kind of change needs it."))
        if not kind or missing or self.errors:
            return cleaned
        try:
            services.require_platform(self.user, platform.PERMISSION[kind])
            if kind == ChangeProposal.Kind.PACK_PUBLICATION:
                platform.pack_publication_check(cleaned["policy_pack"])
            elif kind == ChangeProposal.Kind.CATALOGUE:
                platform.catalogue_change_check(cleaned["catalogue"])
            else:
                scoped = bool(
                    cleaned.get("scope_use_cases")
                    or cleaned.get("scope_languages")
                    or cleaned.get("expires_on")
                )
                platform.accreditation_check(
                    cleaned["evaluator"], cleaned["accredited"], scoped=scoped
                )
                if scoped:
                    platform.accreditation_scope_check(
                        list(cleaned.get("scope_use_cases") or []),
                        list(cleaned.get("scope_languages") or []),
                        cleaned.get("expires_on"),
                    )
        except PermissionDenied as error:
            self.add_error(None, str(error))
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        return cleaned


@admin.register(ChangeProposal)
class ChangeProposalAdmin(admin.ModelAdmin[ChangeProposal]):
    """Proposals are added here and decided by actions; a proposal itself never changes."""

    form = ChangeProposalForm
    list_display = ("summary", "kind", "status", "proposed_by", "proposed_at", "decided_by")
    list_filter = ("kind", "status")
    search_fields = ("summary", "decision_note")
    list_select_related = ("proposed_by", "decided_by")
    actions = ["approve", "reject"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change, **kwargs)

        class WithUser(form):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                super().__init__(*args, user=request.user, **form_kwargs)

        return WithUser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return any(request.user.has_perm(p) for p in platform.PERMISSION.values())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request)

    def save_model(
        self, request: HttpRequest, obj: ChangeProposal, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        if obj.kind == ChangeProposal.Kind.PACK_PUBLICATION:
            proposal = platform.pack_publication_propose(
                user=request.user, pack=data["policy_pack"], summary=data["summary"]
            )
        elif obj.kind == ChangeProposal.Kind.CATALOGUE:
            proposal = platform.catalogue_change_propose(
                user=request.user, catalogue=data["catalogue"], summary=data["summary"]
            )
        else:
            proposal = platform.accreditation_propose(
                user=request.user,
                evaluator=data["evaluator"],
                accredited=data["accredited"],
                accreditation=data["accreditation"],
                summary=data["summary"],
                use_cases=list(data.get("scope_use_cases") or []),
                languages=list(data.get("scope_languages") or []),
                expires_on=data.get("expires_on"),
            )
        obj.pk = proposal.pk

    @admin.action(description=_("Approve the selected proposals"), permissions=["decide"])
    def approve(self, request: HttpRequest, queryset: QuerySet[ChangeProposal]) -> None:
        for proposal in queryset:
            try:
                platform.change_approve(user=request.user, proposal=proposal)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, _refused(proposal, error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Approved: %(proposal)s.") % {"proposal": proposal},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Reject the selected proposals"), permissions=["decide"])
    def reject(
        self, request: HttpRequest, queryset: QuerySet[ChangeProposal]
    ) -> HttpResponse | None:
        """Asks why first (the note goes on file), then rejects."""
        note = request.POST.get("note", "").strip()
        if "confirm" not in request.POST or not note:
            return TemplateResponse(
                request,
                "admin/procurement/changeproposal/reject.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Reject proposals"),
                    "proposals": queryset,
                    "asked": "confirm" in request.POST,
                    "opts": self.model._meta,
                },
            )
        for proposal in queryset:
            try:
                platform.change_reject(user=request.user, proposal=proposal, note=note)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, _refused(proposal, error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Rejected: %(proposal)s.") % {"proposal": proposal},
                    messages.SUCCESS,
                )
        return None


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


class ShareTargetForm(forms.ModelForm[ShareTarget]):
    class Meta:
        model = ShareTarget
        fields = ("target_pct", "by_date", "source_note", "source_url")
        labels = {
            "target_pct": _("Target share on domestic operators in India (%)"),
            "by_date": _("To be reached by"),
            "source_note": _("Source: the decision that sets it"),
            "source_url": _("Source's web address"),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            platform.share_target_check(
                target_pct=cleaned["target_pct"],
                by_date=cleaned["by_date"],
                source_note=cleaned["source_note"],
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                self.add_error(name, errors)
        return cleaned


@admin.register(ShareTarget)
class ShareTargetAdmin(admin.ModelAdmin[ShareTarget]):
    """The national share target: the policy authority adds a new one (the latest is the
    target, earlier ones its history); nobody edits or deletes one. Everyone with admin access
    reads them: the target is public on the transparency page."""

    form = ShareTargetForm
    list_display = ("target_pct", "by_date", "source_note", "set_by", "set_at")
    list_select_related = ("set_by",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ShareTarget, form: Any, change: bool) -> None:
        data = form.cleaned_data
        target = platform.share_target_set(
            user=request.user,
            target_pct=data["target_pct"],
            by_date=data["by_date"],
            source_note=data["source_note"],
            source_url=data["source_url"],
        )
        obj.pk = target.pk
