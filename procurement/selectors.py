"""Reads for the officer's workflow: tenancy in one place, and the rows the engine needs.

Tenancy: ``visible_to()`` is the one definition of what a user may see of department-owned rows
— their own department's, if their role may view that kind of row; nothing otherwise. Pages
fetch through the ``get_<x>_for_user()`` helpers below (``Http404`` for another department's
object exactly as for a missing one) and list through ``<x>_list(user)``; the API's base
viewset and its related-id fields call ``visible_to()`` too. Each kind of row has one queryset
with the joins every reader needs (``<x>_rows()``). Nothing here is unscoped except what says
so in its name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, PermissionsMixin
from django.contrib.auth.models import User as Account
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Count,
    Exists,
    JSONField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext as _

from procurement import engine, labels
from procurement.engine import i18n as engine_i18n
from procurement.engine.codec import to_jsonable
from procurement.engine.numbers import format_lakh_crore, format_pct, round_half_up
from procurement.models import (
    Accreditation,
    AuditEvent,
    Benchmark,
    Bid,
    BidOpening,
    ChainCheckpoint,
    CommitteeMember,
    Comparison,
    ComparisonResults,
    ContractSigning,
    Contributor,
    Decision,
    Department,
    DomainNote,
    EvaluationSubmission,
    EvaluatorMember,
    EvidenceFile,
    JustificationDocument,
    MarkSheet,
    MatchInvitation,
    Measurement,
    OfferRuleCount,
    PolicyPack,
    ProviderChange,
    ProviderMember,
    Review,
    TechnicalResult,
    Tender,
    UsageReport,
    Workload,
)
from providers.models import Evaluator, Language, Offering, Provider

# Whoever makes a request: a signed-in person or API key's account, or an anonymous visitor.
User = AbstractBaseUser | AnonymousUser
M = TypeVar("M", bound=Model)


def department_of(user: User) -> Department | None:
    """The department a signed-in user belongs to, or None."""
    if not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    return membership.department if membership else None


def require_role(user: User, permission: str) -> tuple[Department, Account]:
    """The department of a person who holds ``permission``, and the person; PermissionDenied
    else (an API key's user too: a key acts for its holder's department). The check every
    department service makes first."""
    department = department_of(user)
    if department is None or not isinstance(user, Account) or not user.has_perm(permission):
        raise PermissionDenied(_("Your role does not allow this."))
    return department, user


# Tenancy ------------------------------------------------------------------------------------


def visible_to(user: User, rows: QuerySet[M]) -> QuerySet[M]:
    """The rows of ``rows`` (all owned by departments) that ``user`` may see: those of the
    user's own department if their role may view that kind of row (``<app>.view_<model>``:
    officers and approvers), none otherwise — a key administrator sees keys, not workloads.
    A refused role is answered exactly as another department is: 404, or an empty list."""
    department = department_of(user)
    meta = rows.model._meta
    permission = f"{meta.app_label}.view_{meta.model_name}"
    if (
        not isinstance(user, PermissionsMixin)
        or department is None
        or not user.has_perm(permission)
    ):
        return rows.none()
    return rows.filter(department=department)


def _get(user: User, rows: QuerySet[M], pk: Any, missing: str) -> M:
    try:
        row = next(iter(visible_to(user, rows).filter(pk=pk)[:1]), None)
    except (TypeError, ValueError, ValidationError):  # an id that cannot be one
        row = None
    if row is None:
        raise Http404(missing)
    return row


def workload_rows() -> QuerySet[Workload]:
    return Workload.objects.select_related("created_by")


def comparison_rows() -> QuerySet[Comparison]:
    """Comparisons with what their summary shows; the snapshot stays in the database."""
    return Comparison.objects.select_related("workload", "policy_pack", "created_by").defer(
        "snapshot"
    )


def decision_rows() -> QuerySet[Decision]:
    return Decision.objects.select_related(
        "comparison__workload", "proposed_by", "decided_by"
    ).defer("comparison__snapshot")


def award_rows() -> QuerySet[Decision]:
    """Awards: approved decisions, newest first, with their award fact (the contract's dates,
    once the summary has recorded it) and their workload; the snapshot is left unread. A
    planning decision whose tender's award is approved is no longer an award: the tender's is."""
    return (
        Decision.objects.filter(status=Decision.Status.APPROVED)
        .exclude(tender__evaluations__decisions__status=Decision.Status.APPROVED)
        .select_related("comparison__workload", "award_fact", "proposed_by", "decided_by")
        .defer("comparison__snapshot")
        .order_by("-decided_at", "-pk")
    )


def award_list(user: User) -> QuerySet[Decision]:
    """The awards of the user's department (none for a role that does not see decisions)."""
    return visible_to(user, award_rows())


def usage_reports_of(decision_ids: Iterable[int]) -> QuerySet[UsageReport]:
    """Every usage report of these awards, corrections included, oldest first per quarter.
    The caller has scoped the awards (``award_list``, an API viewset)."""
    return (
        UsageReport.objects.filter(decision_id__in=list(decision_ids))
        .select_related("reported_by")
        .order_by("decision_id", "quarter", "reported_at", "pk")
    )


def document_rows() -> QuerySet[JustificationDocument]:
    """Documents with their comparison and requester; the PDF stays in the database."""
    return JustificationDocument.objects.select_related(
        "comparison__workload", "requested_by", "tender"
    ).defer("pdf", "comparison__snapshot")


def workload_list(
    user: User, *, query: str = "", archived: bool | None = False
) -> QuerySet[Workload]:
    """The user's department's workloads: active ones, archived ones, or both (None)."""
    workloads = visible_to(user, workload_rows())
    if archived is not None:
        workloads = workloads.filter(
            status=Workload.Status.ARCHIVED if archived else Workload.Status.ACTIVE
        )
    if query:
        workloads = workloads.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return workloads


def comparison_list(user: User, *, query: str = "") -> QuerySet[Comparison]:
    comparisons = visible_to(user, comparison_rows())
    if query:
        comparisons = comparisons.filter(
            Q(workload__title__icontains=query)
            | Q(recommended_name__icontains=query)
            | Q(fingerprint__startswith=query.lower())
        )
    return comparisons


def decision_list(user: User, *, query: str = "", status: str = "") -> QuerySet[Decision]:
    decisions = visible_to(user, decision_rows())
    if query:
        decisions = decisions.filter(
            Q(offer_name__icontains=query) | Q(comparison__workload__title__icontains=query)
        )
    if status:
        decisions = decisions.filter(status=status)
    return decisions


def _person_q(field: str, person: User) -> Q:
    """Rows whose account ``field`` is ``person`` or one of the API keys ``person`` holds.

    ``person`` is someone signed in to the pages (the inbox is theirs), never a key's account."""
    return Q(**{field: person.pk}) | Q(**{f"{field}__api_key__person": person.pk})


def decisions_awaiting(user: User) -> QuerySet[Decision]:
    """Proposals of the user's department that the user may approve or return: none unless
    their role approves, and never their own — by person, whichever account proposed
    (maker-checker, ``services.may_review``). Oldest first: the longest waiting on top."""
    if not isinstance(user, PermissionsMixin) or not user.has_perm("procurement.approve_decision"):
        return Decision.objects.none()
    return (
        visible_to(user, decision_rows())
        .filter(status=Decision.Status.PROPOSED)
        .exclude(_person_q("proposed_by", user))
        .order_by("proposed_at", "pk")
    )


def decisions_returned(user: User) -> QuerySet[Decision]:
    """The user's own proposals that an approver returned and that nothing has followed yet:
    no later proposal for the same comparison, its workload not archived."""
    later = Decision.objects.filter(comparison=OuterRef("comparison"), pk__gt=OuterRef("pk"))
    return (
        visible_to(user, decision_rows())
        .filter(_person_q("proposed_by", user), status=Decision.Status.RETURNED)
        .filter(comparison__workload__status=Workload.Status.ACTIVE)
        .exclude(Exists(later))
        .order_by("-decided_at", "-pk")
    )


def decisions_pending_of(user: User) -> QuerySet[Decision]:
    """The user's own proposals still awaiting an approver."""
    return visible_to(user, decision_rows()).filter(
        _person_q("proposed_by", user), status=Decision.Status.PROPOSED
    )


@dataclasses.dataclass(frozen=True)
class InboxCounts:
    awaiting: int = 0
    returned: int = 0

    @property
    def total(self) -> int:
        return self.awaiting + self.returned


def inbox_counts(user: User) -> InboxCounts:
    """How many proposals await the user's approval and how many were returned to them, in
    one query (none for a visitor or a person of no department): the navigation shows it on
    every page."""
    if department_of(user) is None:
        return InboxCounts()
    awaiting = decisions_awaiting(user).values("pk")
    returned = decisions_returned(user).values("pk")
    counts = visible_to(user, Decision.objects.all()).aggregate(
        awaiting=Count("pk", filter=Q(pk__in=awaiting)),
        returned=Count("pk", filter=Q(pk__in=returned)),
    )
    return InboxCounts(awaiting=counts["awaiting"], returned=counts["returned"])


def workloads_titled(user: User, title: str, *, exclude: int | None = None) -> list[Workload]:
    """The user's department's other workloads (active or archived) with this title, ignoring
    case and the spaces around it: what a new or renamed workload would duplicate."""
    rows = workload_list(user, archived=None).filter(title__iexact=title.strip())
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return list(rows)


def department_approvers(department: Department) -> QuerySet[Account]:
    """The active persons of ``department`` whose role approves awards and who have an email
    address (API keys' accounts are no persons)."""
    approves = Q(
        groups__permissions__codename="approve_decision",
        groups__permissions__content_type__app_label="procurement",
    ) | Q(
        user_permissions__codename="approve_decision",
        user_permissions__content_type__app_label="procurement",
    )
    return (
        Account.objects.filter(is_active=True, membership__department=department)
        .filter(api_key__isnull=True)
        .filter(approves)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def get_workload_for_user(user: User, pk: int) -> Workload:
    return _get(user, workload_rows(), pk, _("No such workload."))


def get_comparison_for_user(user: User, pk: int) -> Comparison:
    """A comparison of the user's department, with its stored results."""
    return _get(
        user,
        comparison_rows().select_related("results", "department"),
        pk,
        _("No such comparison."),
    )


def comparison_export_rows() -> QuerySet[Comparison]:
    """Comparisons with what an export reads: the summary's joins, the stored results, and the
    snapshot (for the sources of the prices)."""
    return Comparison.objects.select_related("workload", "policy_pack", "created_by", "results")


def get_comparison_export_for_user(user: User, pk: int) -> Comparison:
    return _get(user, comparison_export_rows(), pk, _("No such comparison."))


def get_decision_for_user(user: User, pk: int) -> Decision:
    return _get(user, decision_rows(), pk, _("No such decision."))


def get_document_for_user(user: User, pk: Any) -> JustificationDocument:
    return _get(user, document_rows(), pk, _("No such document."))


def document_pdf_for_user(user: User, pk: Any) -> JustificationDocument:
    """A ready document of the user's department, with its PDF bytes (404 otherwise)."""
    ready = JustificationDocument.objects.select_related("comparison__workload", "tender").filter(
        status=JustificationDocument.Status.READY
    )
    return _get(user, ready, pk, _("No such document ready to download."))


def comparison_snapshot_for_user(user: User, pk: int) -> Comparison:
    """A comparison of the user's department with its stored snapshot text."""
    return _get(user, Comparison.objects.all(), pk, _("No such comparison."))


def latest_checkpoints(count: int) -> list[ChainCheckpoint]:
    """The newest signed checkpoints of the audit chains, newest first (public)."""
    return list(ChainCheckpoint.objects.order_by("-pk")[:count])


def comparisons_of(workload: Workload) -> QuerySet[Comparison]:
    """The comparisons of a workload (already fetched for its user), newest first."""
    return comparison_rows().filter(workload=workload)


def documents_of(comparison: Comparison) -> list[JustificationDocument]:
    """The file notes of a comparison (a tender's bid document belongs to the tender)."""
    return list(
        comparison.documents.filter(kind=JustificationDocument.Kind.FILE_NOTE)
        .defer("pdf")
        .select_related("requested_by")
    )


def document_superseded_by(document: JustificationDocument) -> JustificationDocument | None:
    """The final version that supersedes a draft file note: a ready final file note of the same
    comparison, requested later, in whichever language (a draft of one language, from before
    notes were bilingual, is superseded by the bilingual final); None for a final document, or
    while none is ready. Derived when read; an issued document is never changed to say so."""
    if document.final:
        return None
    return (
        JustificationDocument.objects.defer("pdf")
        .filter(
            comparison_id=document.comparison_id,
            kind=JustificationDocument.Kind.FILE_NOTE,
            final=True,
            status=JustificationDocument.Status.READY,
            requested_at__gt=document.requested_at,
        )
        .order_by("requested_at")
        .first()
    )


def decisions_of(comparison: Comparison) -> list[Decision]:
    return list(comparison.decisions.select_related("proposed_by", "decided_by", "award_fact"))


def approved_decision(comparison: Comparison) -> Decision | None:
    """The approved award of a comparison, if any (at most one is live)."""
    return (
        comparison.decisions.filter(status=Decision.Status.APPROVED)
        .select_related("proposed_by", "decided_by", "award_fact")
        .first()
    )


def audit_trail(
    department: Department, object_type: str, object_ids: list[str]
) -> list[AuditEvent]:
    """The audit events of some objects of one department, oldest first."""
    return list(
        AuditEvent.objects.filter(
            department=department, object_type=object_type, object_id__in=object_ids
        ).select_related("actor")
    )


# What a comparison's summary shows: its own columns but the snapshot, and one column of each
# related row (not the policy document, which is large and parsed on load).
SUMMARY_COLUMNS = (
    "id",
    "workload_id",
    "decision_date",
    "fingerprint",
    "engine_version",
    "offer_count",
    "eligible_count",
    "recommended_offer_id",
    "recommended_name",
    "recommended_total_inr",
    "mechanism",
    "uses_demo_data",
    "created_at",
    "workload__title",
    "policy_pack__slug",
    "policy_pack__version",
    "created_by__username",
)


def comparison_summary_values(comparison: Comparison) -> dict[str, Any]:
    """A fetched comparison's summary, by the names of ``SUMMARY_COLUMNS``."""
    values: dict[str, Any] = {}
    for column in SUMMARY_COLUMNS:
        value: Any = comparison
        for part in column.split("__"):
            value = getattr(value, part)
        values[column] = value
    return values


def comparison_detail(rows: QuerySet[Comparison], pk: Any) -> tuple[dict[str, Any], bytes] | None:
    """The summary and stored results (as JSON bytes) of the comparison ``pk`` among ``rows``
    (which the caller has scoped), in one query of plain values, no model built around them.

    On the API's hot path: the values name their own joins, so ``rows`` needs none, and there
    is no ordering to add for one row by its id."""
    try:
        values = rows.filter(pk=pk).order_by()
        row = next(iter(values.values_list(*SUMMARY_COLUMNS, "results__json_zlib")), None)
    except (TypeError, ValueError, ValidationError):  # an id that cannot be one
        return None
    if row is None:
        return None
    *summary, json_zlib = row
    return dict(zip(SUMMARY_COLUMNS, summary, strict=True)), ComparisonResults.unpack(json_zlib)


def reader_results_json(rows: QuerySet[Comparison], pk: Any, stored: bytes) -> bytes:
    """The stored results' canonical JSON (the API's ``results``); for a reader in another
    language, the same results with the engine's sentences in it (:func:`reader_results`): the
    figures, codes and ids are the stored ones, the fingerprint vouches for the English."""
    if labels.reader_language() == engine_i18n.DEFAULT:
        return stored
    comparison = rows.filter(pk=pk).only("fingerprint", "snapshot").get()
    results = reader_results(
        engine.load_results(json.loads(stored)),
        comparison.fingerprint,
        comparison.snapshot_document,
    )
    return engine.canonical_json(to_jsonable(results))


def comparison_results(comparison: Comparison) -> engine.ComparisonResult:
    """The engine's results of a comparison, as stored at insert, in the engine's types, with
    the engine's sentences in the reader's language (:func:`reader_results`)."""
    stored = engine.load_results(json.loads(comparison.results.json()))
    return reader_results(stored, comparison.fingerprint, comparison.snapshot_document)


# The last results recomputed in another language, by (fingerprint, language): a page in Hindi
# is read again and again (htmx, the PDF's two renderings), each recomputation takes ~0.3 s.
_TRANSLATED: OrderedDict[tuple[str, str], engine.ComparisonResult | None] = OrderedDict()
_TRANSLATED_KEPT = 32
_TRANSLATED_LOCK = threading.Lock()


def reader_results(
    stored: engine.ComparisonResult,
    fingerprint: str,
    snapshot: Callable[[], Mapping[str, Any]],
) -> engine.ComparisonResult:
    """``stored`` (a comparison's results as stored, in English) with the engine's sentences in
    the reader's language: recomputed from the ``snapshot`` in that language
    (:func:`procurement.engine.results_in`), its figures checked equal to the stored ones. In
    English, or when today's engine does not reproduce the stored figures, the stored results
    themselves. The engine version stays the stored one: it is the engine that computed them."""
    code = labels.reader_language()
    if code == engine_i18n.DEFAULT:
        return stored
    key = (fingerprint, code)
    with _TRANSLATED_LOCK:
        known = key in _TRANSLATED
        translated = _TRANSLATED.get(key)
    if not known:
        try:
            translated = engine.results_in(snapshot(), code)
        except engine.EngineValidationError:
            translated = None
        with _TRANSLATED_LOCK:
            _TRANSLATED[key] = translated
            while len(_TRANSLATED) > _TRANSLATED_KEPT:
                _TRANSLATED.popitem(last=False)
    if translated is None:
        return stored
    return dataclasses.replace(translated, engine_version=stored.engine_version)


def comparison_inputs(comparison: Comparison) -> engine.SnapshotInputs:
    """The inputs of a comparison as the engine used them, from its stored snapshot."""
    snapshot = comparison.snapshot_document()
    return engine.load_inputs(snapshot["inputs"], snapshot["engine_version"])


# Policy packs (shared by every department) ---------------------------------------------------


def published_pack(slug: str, on: dt.date | None = None) -> PolicyPack:
    """The newest published version of the pack ``slug`` in force on ``on`` (any date if none)."""
    packs = PolicyPack.objects.filter(status=PolicyPack.Status.PUBLISHED, slug=slug)
    if on:
        packs = packs.filter(effective_from__lte=on)
    pack = packs.order_by("-effective_from", "-version").first()
    if pack is None:
        raise PolicyPack.DoesNotExist(_("No published policy pack is in force."))
    return pack


def newer_published(pack: PolicyPack | None) -> PolicyPack | None:
    """The newest published version of ``pack``'s pack if it is newer than ``pack``: what a
    department that adopted ``pack`` has not adopted yet."""
    if pack is None:
        return None
    return (
        PolicyPack.objects.filter(
            slug=pack.slug, status=PolicyPack.Status.PUBLISHED, version__gt=pack.version
        )
        .defer("document")
        .order_by("-version")
        .first()
    )


def policy_pack_list() -> QuerySet[PolicyPack]:
    return PolicyPack.objects.select_related("created_by", "published_by").defer("document")


def get_policy_pack(slug: str, version: int) -> PolicyPack:
    try:
        return PolicyPack.objects.select_related("created_by", "published_by").get(
            slug=slug, version=version
        )
    except PolicyPack.DoesNotExist:
        raise Http404(_("No such policy pack version.")) from None


def policy_pack_other_versions(pack: PolicyPack) -> list[int]:
    """The other version numbers of the same pack, oldest first."""
    versions = PolicyPack.objects.filter(slug=pack.slug).exclude(pk=pack.pk)
    return sorted(versions.values_list("version", flat=True))


# The community ----------------------------------------------------------------------------------


def _holders_of(codename: str) -> Q:
    return Q(groups__permissions__codename=codename) | Q(user_permissions__codename=codename)


def catalogue_stewards() -> QuerySet[Account]:
    """The active platform persons who review the community's submissions."""
    return (
        Account.objects.filter(is_active=True, membership__isnull=True, api_key__isnull=True)
        .filter(_holders_of("review_submission"))
        .distinct()
        .order_by("pk")
    )


def evaluator_members(evaluator: Evaluator) -> QuerySet[Account]:
    return Account.objects.filter(is_active=True, evaluator_membership__evaluator=evaluator)


def evaluator_of(user: User) -> Evaluator | None:
    """The evaluator organisation ``user`` acts for, if any."""
    if not isinstance(user, Account):
        return None
    member = EvaluatorMember.objects.select_related("evaluator").filter(user=user).first()
    return member.evaluator if member else None


def is_steward(user: User) -> bool:
    """A platform person (no department) who reviews the community's submissions."""
    return (
        isinstance(user, Account)
        and user.is_active
        and user.has_perm("procurement.review_submission")
        and department_of(user) is None
    )


def _visible_submissions(user: User, rows: QuerySet[M]) -> QuerySet[M]:
    """Accepted rows for everyone; the rest to the submitting organisation and the stewards."""
    if is_steward(user):
        return rows
    accepted = Q(review__outcome="accepted")
    evaluator = evaluator_of(user)
    if evaluator is not None:
        return rows.filter(accepted | Q(evaluator=evaluator))
    return rows.filter(accepted)


def submission_rows() -> QuerySet[EvaluationSubmission]:
    return EvaluationSubmission.objects.select_related(
        "evaluator",
        "submitted_by",
        "offering__provider",
        "language",
        "benchmark__review",
        "evidence",
        "review__reviewed_by",
    ).defer("item_results", "evidence__data")


def submissions_visible_to(user: User) -> QuerySet[EvaluationSubmission]:
    return _visible_submissions(user, submission_rows())


def get_submission_for_user(user: User, pk: int) -> EvaluationSubmission:
    found = submissions_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such evaluation."))
    return found


def benchmark_rows() -> QuerySet[Benchmark]:
    return Benchmark.objects.select_related("evaluator", "submitted_by", "review__reviewed_by")


def benchmarks_visible_to(user: User) -> QuerySet[Benchmark]:
    return _visible_submissions(user, benchmark_rows())


def get_benchmark_for_user(user: User, pk: int) -> Benchmark:
    found = benchmarks_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such benchmark."))
    return found


@dataclasses.dataclass(frozen=True)
class AwaitingReview:
    """Submissions no steward has reviewed yet, oldest first (measurements: published, neither
    promoted nor withdrawn)."""

    evaluations: list[EvaluationSubmission]
    benchmarks: list[Benchmark]
    changes: list[ProviderChange]
    measurements: list[Measurement]
    notes: list[DomainNote]

    def __len__(self) -> int:
        return sum(len(rows) for rows in dataclasses.astuple(self))


def awaiting_review() -> AwaitingReview:
    def oldest(rows: QuerySet[M]) -> list[M]:
        return list(rows.filter(review__isnull=True).order_by("submitted_at", "pk")[:500])

    return AwaitingReview(
        evaluations=oldest(submission_rows()),
        benchmarks=oldest(benchmark_rows()),
        changes=oldest(provider_change_rows()),
        measurements=oldest(measurement_rows()),
        notes=oldest(domain_note_rows()),
    )


def provider_of(user: User) -> Provider | None:
    """The provider ``user`` acts for, if any."""
    if not isinstance(user, Account):
        return None
    member = ProviderMember.objects.select_related("provider").filter(user=user).first()
    return member.provider if member else None


def provider_change_rows() -> QuerySet[ProviderChange]:
    return ProviderChange.objects.select_related(
        "provider", "submitted_by", "evidence", "review__reviewed_by"
    ).defer("evidence__data")


def provider_changes_visible_to(user: User) -> QuerySet[ProviderChange]:
    """Accepted changes for everyone; the rest to the provider's members and the stewards."""
    rows = provider_change_rows()
    if is_steward(user):
        return rows
    accepted = Q(review__outcome="accepted")
    provider = provider_of(user)
    if provider is not None:
        return rows.filter(accepted | Q(provider=provider))
    return rows.filter(accepted)


def get_provider_change_for_user(user: User, pk: int) -> ProviderChange:
    found = provider_changes_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such change."))
    return found


def provider_profile(user: User, slug: str) -> tuple[Provider, list[ProviderChange]]:
    """A provider and the changes to its record ``user`` may see, newest first: its review
    history (accepted ones for everyone)."""
    provider = Provider.objects.filter(slug=slug).first()
    if provider is None:
        raise Http404(_("No such provider."))
    return provider, list(provider_changes_visible_to(user).filter(provider=provider)[:200])


def evaluator_directory() -> list[Evaluator]:
    """Every evaluator with its accreditations (latest term first) and its accepted
    evaluations' count."""
    return list(
        Evaluator.objects.annotate(
            accepted=Count(
                "submissions", filter=Q(submissions__review__outcome="accepted"), distinct=True
            )
        ).prefetch_related("accreditations")
    )


@dataclasses.dataclass(frozen=True)
class AccreditationRow:
    scheme: str
    use_cases: str
    languages: str
    granted_on: dt.date
    expires_on: dt.date


def evaluator_page(
    slug: str,
) -> tuple[Evaluator, list[AccreditationRow], list[EvaluationSubmission]]:
    """An evaluator, its accreditations (latest term first, in words) and its accepted
    evaluations."""
    evaluator = Evaluator.objects.filter(slug=slug).first()
    if evaluator is None:
        raise Http404(_("No such evaluator."))
    names = dict(Language.objects.values_list("code", "name"))
    accreditations = [
        AccreditationRow(
            scheme=a.scheme,
            use_cases=", ".join(str(labels.USE_CASE.get(c, c)) for c in a.use_cases),
            languages=", ".join(names.get(c, c) for c in a.languages),
            granted_on=a.granted_on,
            expires_on=a.expires_on,
        )
        for a in evaluator.accreditations.all()
    ]
    accepted = list(submission_rows().filter(evaluator=evaluator, review__outcome="accepted")[:200])
    return evaluator, accreditations, accepted


@dataclasses.dataclass(frozen=True)
class Activity:
    at: dt.datetime
    review: Review | None = None
    accreditation: Accreditation | None = None
    measurement: Measurement | None = None


def community_activity(limit: int = 30) -> list[Activity]:
    """What the public may see happen, newest first: accepted evaluations, benchmarks,
    providers' changes and domain notes, promoted measurements, accreditations granted and
    measurements published (unless withdrawn)."""
    reviews = Review.objects.filter(outcome="accepted").select_related(
        "evaluation__offering__provider",
        "evaluation__evaluator",
        "evaluation__language",
        "benchmark__evaluator",
        "provider_change__provider",
        "measurement__offering__provider",
        "domain_note",
    )[:limit]
    granted = Accreditation.objects.select_related("evaluator").order_by("-created_at")[:limit]
    published = measurement_rows().exclude(review__outcome="returned")[:limit]
    feed = [Activity(r.reviewed_at, review=r) for r in reviews]
    feed += [Activity(a.created_at, accreditation=a) for a in granted]
    feed += [Activity(m.submitted_at, measurement=m) for m in published]
    return sorted(feed, key=lambda item: item.at, reverse=True)[:limit]


def own_submissions(user: User) -> tuple[list[EvaluationSubmission], list[Benchmark]]:
    """An evaluator member's organisation's evaluations and benchmarks."""
    evaluator = evaluator_of(user)
    if evaluator is None:
        return [], []
    return (
        list(submission_rows().filter(evaluator=evaluator)[:200]),
        list(benchmark_rows().filter(evaluator=evaluator).order_by("-submitted_at")[:200]),
    )


# Practitioners and domain experts -------------------------------------------------------------


def contributor_of(user: User) -> Contributor | None:
    """The practitioner's or domain expert's record of ``user``, if any."""
    if not isinstance(user, Account):
        return None
    return Contributor.objects.filter(user=user).first()


def measurement_rows() -> QuerySet[Measurement]:
    return Measurement.objects.select_related(
        "offering__provider", "submitted_by__contributor", "evidence", "review__reviewed_by"
    ).defer("evidence__data")


def _published_or_own(user: User, rows: QuerySet[M], published: Q) -> QuerySet[M]:
    """``published`` rows for everyone; the rest to the person who submitted and the
    stewards."""
    if is_steward(user):
        return rows
    if isinstance(user, Account) and user.is_active:
        return rows.filter(published | Q(submitted_by=user))
    return rows.filter(published)


def get_measurement_for_user(user: User, pk: int) -> Measurement:
    """A measurement: public unless withdrawn (then its practitioner's and the stewards')."""
    published = Q(review__isnull=True) | Q(review__outcome="accepted")
    found = _published_or_own(user, measurement_rows(), published).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such measurement."))
    return found


def domain_note_rows() -> QuerySet[DomainNote]:
    return DomainNote.objects.select_related("submitted_by", "review__reviewed_by")


def get_domain_note_for_user(user: User, pk: int) -> DomainNote:
    """A note: public once accepted; before, or returned, its author's and the stewards'."""
    published = Q(review__outcome="accepted")
    found = _published_or_own(user, domain_note_rows(), published).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such note."))
    return found


def own_contributions(user: User) -> tuple[list[Measurement], list[DomainNote]]:
    """A practitioner's measurements and a domain expert's notes, newest first."""
    contributor = contributor_of(user)
    if contributor is None:
        return [], []
    return (
        list(measurement_rows().filter(submitted_by_id=contributor.user_id)[:200]),
        list(domain_note_rows().filter(submitted_by_id=contributor.user_id)[:200]),
    )


@dataclasses.dataclass(frozen=True)
class Spread:
    """One measure over an offer's measurements: how many report it, their median and their
    range (None when none does)."""

    reports: int
    median: Decimal | None
    low: Decimal | None
    high: Decimal | None


def _spread(values: list[Decimal]) -> Spread:
    if not values:
        return Spread(0, None, None, None)
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Spread(len(ordered), median, ordered[0], ordered[-1])


@dataclasses.dataclass(frozen=True)
class OfferMeasurements:
    """What practitioners report of one offer in use: the measurements not withdrawn (none
    reviewed, or promoted to the catalogue), newest first, and the spread of each measure."""

    rows: list[Measurement]
    p50_latency_ms: Spread
    p95_latency_ms: Spread
    tokens_per_second: Spread
    availability_pct: Spread
    observed_inr_per_mtok: Spread


def offer_measurements(offering: Offering) -> OfferMeasurements:
    """The offer page's community-reported measurements (public), in one query."""
    rows = list(measurement_rows().filter(offering=offering).exclude(review__outcome="returned"))

    def spread(measure: str) -> Spread:
        return _spread([Decimal(v) for m in rows if (v := getattr(m, measure)) is not None])

    return OfferMeasurements(
        rows=rows,
        p50_latency_ms=spread("p50_latency_ms"),
        p95_latency_ms=spread("p95_latency_ms"),
        tokens_per_second=spread("tokens_per_second"),
        availability_pct=spread("availability_pct"),
        observed_inr_per_mtok=spread("observed_inr_per_mtok"),
    )


def domain_notes_for(
    comparison: Comparison, accepted_by: dt.datetime | None = None
) -> list[DomainNote]:
    """The domain experts' notes a steward accepted (by ``accepted_by``, when given) on the use
    case ``comparison`` was run for, oldest accepted first. The use case is the snapshot's, not
    the workload's as edited since, read in the database: one query, and the snapshot, which
    the comparison page leaves unread, never leaves it."""
    compared = (
        Comparison.objects.filter(pk=comparison.pk)
        .annotate(document=Cast("snapshot", JSONField()))
        .values(use_case=KT("document__inputs__workload__use_case"))
    )
    notes = domain_note_rows().filter(review__outcome="accepted", use_case=Subquery(compared))
    if accepted_by is not None:
        notes = notes.filter(review__reviewed_at__lte=accepted_by)
    return list(notes.order_by("review__reviewed_at", "pk")[:50])


# What a provider's offers failed -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class OfferFailures:
    """Of the comparisons decided in the window that considered ``offering``: how many, how
    many it was eligible in, and how many it failed by each rule (most first)."""

    offering: Offering
    compared: int
    failed: list[tuple[str, int]]


FAILURE_WINDOW_DAYS = 90


def provider_failures(provider: Provider, today: dt.date) -> list[OfferFailures]:
    """Where ``provider``'s offers failed the comparisons decided in the last 90 days, by rule:
    counts only, never the buyer, the workload or a competitor's figure."""
    offerings = {o.slug: o for o in Offering.objects.filter(provider=provider).order_by("name")}
    counts = (
        OfferRuleCount.objects.filter(
            offer_id__in=offerings, day__gt=today - dt.timedelta(days=FAILURE_WINDOW_DAYS)
        )
        .values("offer_id", "rule")
        .annotate(total=Sum("comparisons"))
    )
    compared: dict[str, int] = {}
    failed: dict[str, dict[str, int]] = {slug: {} for slug in offerings}
    for row in counts:
        if row["rule"]:
            failed[row["offer_id"]][row["rule"]] = row["total"]
        else:
            compared[row["offer_id"]] = row["total"]
    return [
        OfferFailures(
            offering,
            compared.get(slug, 0),
            sorted(failed[slug].items(), key=lambda item: (-item[1], item[0])),
        )
        for slug, offering in offerings.items()
    ]


def review_of(
    submission: EvaluationSubmission | Benchmark | ProviderChange | Measurement | DomainNote,
) -> Review | None:
    return getattr(submission, "review", None)


def evidence_file(submission: EvaluationSubmission | Measurement) -> EvidenceFile:
    """The submission's evidence file, with its bytes (deferred on the lists)."""
    return EvidenceFile.objects.get(pk=submission.evidence_id)


def item_results(submission: EvaluationSubmission) -> bytes:
    data = (
        EvaluationSubmission.objects.filter(pk=submission.pk)
        .values_list("item_results", flat=True)
        .get()
    )
    return bytes(data)


def language_names(codes: Iterable[str]) -> str:
    """Language codes as their names, in words ("Hindi, English")."""
    names = dict(Language.objects.values_list("code", "name"))
    return ", ".join(names.get(code, code) for code in codes)


# Tenders and their bids -----------------------------------------------------------------------


def tender_rows() -> QuerySet[Tender]:
    return Tender.objects.select_related(
        "department", "planning_decision__comparison__workload", "opening", "created_by"
    )


def tender_list(user: User) -> QuerySet[Tender]:
    return visible_to(user, tender_rows())


def get_tender_for_user(user: User, pk: Any) -> Tender:
    return _get(user, tender_rows(), pk, _("No such tender."))


def opening_of(tender: Tender) -> BidOpening | None:
    return getattr(tender, "opening", None)


@dataclasses.dataclass(frozen=True)
class SealedBids:
    """What anyone may know of a tender's bids before they are opened: how many arrived and
    when — never a bidder or a figure."""

    count: int
    received: list[dt.datetime]


def sealed_bids(tender: Tender) -> SealedBids:
    received = list(
        Bid.objects.filter(tender=tender)
        .order_by("received_at")
        .values_list("received_at", flat=True)
    )
    return SealedBids(len(received), received)


def opened_bids(tender: Tender) -> list[Bid]:
    """The bids of an opened tender, in the order received; ValidationError while sealed (a
    caller that asks before the opening is a bug, never a page that shows them)."""
    if opening_of(tender) is None:
        raise ValidationError(_("The bids are sealed until they are opened."))
    return list(
        Bid.objects.filter(tender=tender).select_related("provider").order_by("received_at", "pk")
    )


def approved_planning_decisions(user: User) -> QuerySet[Decision]:
    """The user's department's approved decisions that have no tender yet."""
    return visible_to(user, decision_rows()).filter(
        status=Decision.Status.APPROVED, tender__isnull=True
    )


def tender_trail(tender: Tender) -> list[AuditEvent]:
    """The tender's audit events and its bids', oldest first (a bid's names no bidder and no
    figure until the opening)."""
    bids = [str(pk) for pk in Bid.objects.filter(tender=tender).values_list("pk", flat=True)]
    events = audit_trail(tender.department, "tender", [str(tender.pk)])
    events += audit_trail(tender.department, "bid", bids)
    return sorted(events, key=lambda event: event.sequence)


def bid_documents_of(tender: Tender) -> list[JustificationDocument]:
    """The tender's bid documents, newest first."""
    return _tender_documents(tender, JustificationDocument.Kind.BID_DOCUMENT)


def evaluation_reports_of(tender: Tender) -> list[JustificationDocument]:
    """The tender's bid evaluation committee reports, newest first."""
    return _tender_documents(tender, JustificationDocument.Kind.EVALUATION_REPORT)


def _tender_documents(tender: Tender, kind: str) -> list[JustificationDocument]:
    return list(
        JustificationDocument.objects.filter(tender=tender, kind=kind)
        .defer("pdf")
        .order_by("-requested_at")
    )


# The technical stage of a tender's evaluation -------------------------------------------------
#
# A committee appointed by an officer records each opened bid's technical result; under QCBS
# each member submits one mark sheet. A member sees only their own sheet until every member has
# submitted; then the members, the officers and the approvers see every sheet and the averages.
# Nothing here shows a sealed bid: before the opening the stage lists no bid.

COMMITTEE_ROLE_PERMISSION = "add_marksheet"


@dataclasses.dataclass(frozen=True)
class Criterion:
    """One QCBS technical criterion of a tender, as published with it."""

    criterion_id: str
    name: str
    max_marks: Decimal
    evidence: str
    basis: str


def tender_criteria(tender: Tender) -> list[Criterion]:
    """The technical criteria the tender was published with (none for a tender published
    before its department's pack had them)."""
    return [
        Criterion(
            criterion_id=str(row["criterion_id"]),
            name=str(row["name"]),
            max_marks=Decimal(str(row["max_marks"])),
            evidence=str(row.get("evidence", "")),
            basis=str(row.get("basis", "")),
        )
        for row in tender.technical_criteria or []
    ]


def evaluation_method(tender: Tender) -> str:
    """How the tender's bids are evaluated: its planning comparison's method ("l1", "qcbs")."""
    return str(comparison_results(tender.planning_decision.comparison).evaluation_method)


def committee_of(tender: Tender) -> list[CommitteeMember]:
    """The tender's evaluation committee, in the order appointed."""
    return list(
        CommitteeMember.objects.filter(tender=tender)
        .select_related("member", "appointed_by")
        .order_by("appointed_at", "pk")
    )


def is_appointed(tender: Tender, user: User) -> bool:
    """Whether ``user`` sits on the tender's evaluation committee."""
    if not isinstance(user, Account):
        return False
    return CommitteeMember.objects.filter(tender=tender, member=user).exists()


def committee_candidates(tender: Tender) -> QuerySet[Account]:
    """The active persons of the tender's department holding the committee role (its
    permission to submit marks, through their groups) who are not on its committee yet."""
    holds = Q(
        groups__permissions__codename=COMMITTEE_ROLE_PERMISSION,
        groups__permissions__content_type__app_label="procurement",
    )
    return (
        Account.objects.filter(is_active=True, membership__department_id=tender.department_id)
        .filter(api_key__isnull=True)
        .filter(holds)
        .exclude(committee_seats__tender=tender)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def technical_results_of(tender: Tender) -> dict[int, TechnicalResult]:
    """Each opened bid's technical result, by bid id (none while the bids are sealed)."""
    if opening_of(tender) is None:
        return {}
    return {
        result.bid_id: result
        for result in TechnicalResult.objects.filter(bid__tender=tender).select_related(
            "recorded_by"
        )
    }


def mark_sheets_of(tender: Tender) -> list[MarkSheet]:
    """Every mark sheet of the tender — unscoped: who may see which is ``technical_stage``'s."""
    return list(
        MarkSheet.objects.filter(tender=tender).select_related("member").order_by("submitted_at")
    )


def sheet_totals(sheet: MarkSheet) -> dict[int, Decimal]:
    """A mark sheet's total marks per bid: the sum of its criterion marks."""
    return {
        int(bid_id): sum((Decimal(str(mark)) for mark in marks.values()), Decimal(0))
        for bid_id, marks in sheet.marks.items()
    }


def average_scores(sheets: list[MarkSheet]) -> dict[int, Decimal]:
    """Each bid's technical score: the mean over the sheets of each sheet's total for the bid,
    rounded half up to 2 decimals."""
    if not sheets:
        return {}
    totals = [sheet_totals(sheet) for sheet in sheets]
    bids = sorted(set().union(*totals))
    return {
        bid: round_half_up(
            sum((t.get(bid, Decimal(0)) for t in totals), Decimal(0)) / len(totals), 2
        )
        for bid in bids
    }


def _all_submitted(committee: list[CommitteeMember], sheets: list[MarkSheet]) -> bool:
    members = {seat.member_id for seat in committee}
    return bool(members) and members == {sheet.member_id for sheet in sheets}


def technical_scores(tender: Tender) -> dict[int, Decimal]:
    """Each technically qualified bid's technical score (the mean over the committee of each
    member's total marks, 2 decimals, half up), by bid id — empty until every appointed member
    has submitted a mark sheet. Unscoped: for the evaluation that follows, not for a page."""
    sheets = mark_sheets_of(tender)
    if not _all_submitted(committee_of(tender), sheets):
        return {}
    return average_scores(sheets)


@dataclasses.dataclass(frozen=True)
class Seat:
    """A committee member as the tender's page shows them: whether they have submitted, never
    their marks."""

    member: Account
    name: str
    appointed_at: dt.datetime
    submitted: bool


@dataclasses.dataclass(frozen=True)
class SheetLine:
    """One bid's marks on a sheet: each criterion's, and their total."""

    bid: Bid
    marks: list[tuple[Criterion, Decimal | None]]
    total: Decimal


@dataclasses.dataclass(frozen=True)
class SheetView:
    """A mark sheet visible to the user: its member, the marks by bid and each bid's total."""

    sheet: MarkSheet
    name: str
    totals: dict[int, Decimal]
    lines: list[SheetLine]


@dataclasses.dataclass(frozen=True)
class ScoreRow:
    """A qualified bid's totals on every sheet (in the sheets' order) and its technical score."""

    bid: Bid
    totals: list[Decimal | None]
    score: Decimal | None


def _sheet_view(sheet: MarkSheet, bids: list[Bid], criteria: list[Criterion]) -> SheetView:
    totals = sheet_totals(sheet)
    lines = []
    for bid in bids:
        marks = sheet.marks.get(str(bid.pk))
        if marks is None:
            continue
        lines.append(
            SheetLine(
                bid,
                [
                    (c, Decimal(marks[c.criterion_id]) if c.criterion_id in marks else None)
                    for c in criteria
                ],
                totals[bid.pk],
            )
        )
    return SheetView(sheet, _name(sheet.member), totals, lines)


@dataclasses.dataclass(frozen=True)
class BidStage:
    bid: Bid
    result: TechnicalResult | None
    score: Decimal | None  # the averaged technical score, once visible


@dataclasses.dataclass(frozen=True)
class TechnicalStage:
    """What ``user`` may see of a tender's technical stage.

    ``bids`` is empty while the bids are sealed. ``sheets`` holds the user's own sheet until
    every appointed member has submitted; then every sheet for the members, the officers and
    the approvers (``view_marksheet``), with ``scores`` — the averages — for them too.
    """

    opened: bool
    method: str
    criteria: list[Criterion]
    committee: list[Seat]
    appointed: bool
    bids: list[BidStage]
    results_recorded: bool
    own_sheet: MarkSheet | None
    sheets: list[SheetView]
    sheets_started: bool
    all_submitted: bool
    scores: dict[int, Decimal]

    @property
    def qualified_bids(self) -> list[Bid]:
        return [row.bid for row in self.bids if row.result is not None and row.result.qualified]

    @property
    def max_total(self) -> Decimal:
        """The most marks a bid can have: the criteria's most marks added up."""
        return sum((c.max_marks for c in self.criteria), Decimal(0))

    @property
    def score_rows(self) -> list[ScoreRow]:
        """Each qualified bid's total on every visible sheet and its score: once every member
        has submitted and the user may see the sheets; none before."""
        if not (self.all_submitted and self.scores):
            return []
        return [
            ScoreRow(
                bid, [view.totals.get(bid.pk) for view in self.sheets], self.scores.get(bid.pk)
            )
            for bid in self.qualified_bids
        ]


def _name(person: Account) -> str:
    return person.get_full_name() or person.get_username()


def technical_stage(tender: Tender, user: User) -> TechnicalStage:
    """The tender's technical stage as ``user`` may see it (a user who may view the tender)."""
    committee = committee_of(tender)
    sheets = mark_sheets_of(tender)
    submitted = {sheet.member_id for sheet in sheets}
    appointed = isinstance(user, Account) and any(s.member_id == user.pk for s in committee)
    complete = _all_submitted(committee, sheets)
    may_view = isinstance(user, PermissionsMixin) and user.has_perm("procurement.view_marksheet")
    sees_all = complete and (appointed or may_view)
    own = next((sheet for sheet in sheets if appointed and sheet.member_id == user.pk), None)
    visible = sheets if sees_all else [own] if own else []
    scores = average_scores(sheets) if sees_all else {}
    opened = opening_of(tender) is not None
    results = technical_results_of(tender) if opened else {}
    bids = opened_bids(tender) if opened else []
    criteria = tender_criteria(tender)
    return TechnicalStage(
        opened=opened,
        method=evaluation_method(tender),
        criteria=criteria,
        committee=[
            Seat(seat.member, _name(seat.member), seat.appointed_at, seat.member_id in submitted)
            for seat in committee
        ],
        appointed=appointed,
        bids=[BidStage(bid, results.get(bid.pk), scores.get(bid.pk)) for bid in bids],
        results_recorded=opened and all(bid.pk in results for bid in bids),
        own_sheet=own,
        sheets=[_sheet_view(sheet, bids, criteria) for sheet in visible],
        sheets_started=bool(sheets),
        all_submitted=complete,
        scores=scores,
    )


def technical_trail(tender: Tender) -> list[AuditEvent]:
    """The tender's history (``tender_trail``) with its technical stage's events: the
    committee's appointments, the technical results, the mark sheets (a member and a SHA-256,
    never the marks)."""
    seats = [
        str(pk) for pk in CommitteeMember.objects.filter(tender=tender).values_list("pk", flat=True)
    ]
    results = [
        str(pk)
        for pk in TechnicalResult.objects.filter(bid__tender=tender).values_list("pk", flat=True)
    ]
    sheets = [
        str(pk) for pk in MarkSheet.objects.filter(tender=tender).values_list("pk", flat=True)
    ]
    events = tender_trail(tender)
    events += audit_trail(tender.department, "committeemember", seats)
    events += audit_trail(tender.department, "technicalresult", results)
    events += audit_trail(tender.department, "marksheet", sheets)
    events += _financial_trail(tender)
    return sorted(events, key=lambda event: event.sequence)


def _financial_trail(tender: Tender) -> list[AuditEvent]:
    """The financial stage's events: evaluations, invitations and replies, the award's
    proposal and decision, the contract."""
    evaluations = [str(pk) for pk in tender.evaluations.values_list("pk", flat=True)]
    invitations = [
        str(pk) for pk in MatchInvitation.objects.filter(tender=tender).values_list("pk", flat=True)
    ]
    awards = [
        str(pk)
        for pk in Decision.objects.filter(comparison__tender=tender).values_list("pk", flat=True)
    ]
    contract = [
        str(pk) for pk in ContractSigning.objects.filter(tender=tender).values_list("pk", flat=True)
    ]
    return (
        audit_trail(tender.department, "comparison", evaluations)
        + audit_trail(tender.department, "matchinvitation", invitations)
        + audit_trail(tender.department, "decision", awards)
        + audit_trail(tender.department, "contractsigning", contract)
    )


# The financial stage: evaluations, invitations, the award ------------------------------------


def latest_evaluation(tender: Tender) -> Comparison | None:
    """The tender's latest evaluation of its bids (each reply to an invitation adds one)."""
    return tender.evaluations.order_by("-created_at", "-pk").first()


def tender_award(tender: Tender) -> Decision | None:
    """The tender's award proposed or approved (None before one, or after a return)."""
    return (
        Decision.objects.filter(
            comparison__tender=tender,
            status__in=[Decision.Status.PROPOSED, Decision.Status.APPROVED],
        )
        .select_related("comparison", "proposed_by", "decided_by")
        .first()
    )


def invitations_of(tender: Tender) -> list[MatchInvitation]:
    """The tender's invitations to match L1 in the order issued, with their replies."""
    return list(
        MatchInvitation.objects.filter(tender=tender)
        .select_related("bid", "reply", "issued_by")
        .order_by("issued_at", "pk")
    )


# The bid evaluation committee's report ---------------------------------------------------------
#
# Reads the report (procurement/documents/evaluation_report.py) needs below the services: the
# words of the technical stage's checklist and the id a bid has as an offer in an evaluation.


def compliance_items(tender: Tender) -> list[tuple[str, str]]:
    """The compliance checklist of the tender's technical stage, as (key, label): what every
    bid is checked for, derived from the tender and its planning comparison (its pack, its
    estimate). Read here, below the services and the documents, so that the committee's form
    (``evaluation``) and the report word each item alike."""
    comparison = tender.planning_decision.comparison
    policy = comparison_inputs(comparison).policy
    estimate = comparison_results(comparison).estimated_value.amount_inr
    items: list[tuple[str, str]] = []
    if tender.bid_security == Tender.BidSecurity.EMD and tender.emd_pct is not None:
        security = _(
            "Earnest money deposit of %(share)s of the estimate furnished (micro and small "
            "enterprises and startups are exempt)"
        ) % {"share": format_pct(tender.emd_pct)}
    else:
        security = _(
            "Bid-securing declaration signed (micro and small enterprises and startups are exempt)"
        )
    items.append(("bid_security", security))
    if tender.integrity_pact:
        items.append(("integrity_pact", _("Integrity Pact signed")))
    threshold = policy.mii.lc_certificate_above_inr if policy.mii is not None else None
    if threshold is not None and estimate is not None and estimate > threshold:
        items.append(
            (
                "local_content_certificate",
                _(
                    "Local content certified by the statutory auditor or cost accountant (the "
                    "estimate, %(estimate)s, is above %(threshold)s)"
                )
                % {
                    "estimate": format_lakh_crore(estimate),
                    "threshold": format_lakh_crore(threshold, None),
                },
            )
        )
    else:
        items.append(
            (
                "local_content_certificate",
                _(
                    "Local content self-certified in the bid document's form, with where the "
                    "value is added"
                ),
            )
        )
    if policy.land_border is not None:
        items.append(
            (
                "land_border",
                _(
                    "A bidder from a country sharing a land border with India is registered "
                    "with the competent authority (GFR 2017 Rule 144(xi))"
                ),
            )
        )
    items.append(("data_protection", _("The data-protection schedule accepted")))
    items.append(
        (
            "qualification",
            _(
                "Turnover and experience documents furnished (relaxed for micro and small "
                "enterprises and startups)"
            ),
        )
    )
    return items


def bid_offer_id(bid_id: int) -> str:
    """The id the bid ``bid_id`` has as an offer in its tender's evaluations."""
    return f"bid-{bid_id}"


def award_decision_of(tender: Tender, as_of: dt.datetime | None = None) -> Decision | None:
    """The tender's latest award decision on any of its evaluations, whatever its status
    (proposed, approved or returned) — the latest proposed by ``as_of`` when given: what the
    committee's report states of the award."""
    proposed = Q(proposed_at__lte=as_of) if as_of is not None else Q()
    return (
        Decision.objects.filter(proposed, comparison__tender=tender)
        .select_related("comparison", "proposed_by", "decided_by")
        .order_by("-proposed_at", "-pk")
        .first()
    )


def last_reported_step(tender: Tender, evaluation: Comparison) -> dt.datetime:
    """When the latest step a committee report of ``evaluation`` states was taken: the
    evaluation itself, an invitation to match L1 issued or answered, the award proposed or
    decided. A report requested before it is out of date."""
    invitations = MatchInvitation.objects.filter(tender=tender)
    decisions = Decision.objects.filter(comparison__tender=tender)
    steps = [
        invitations.order_by("-issued_at").values_list("issued_at", flat=True).first(),
        invitations.filter(reply__isnull=False)
        .order_by("-reply__recorded_at")
        .values_list("reply__recorded_at", flat=True)
        .first(),
        decisions.order_by("-proposed_at").values_list("proposed_at", flat=True).first(),
        decisions.filter(decided_at__isnull=False)
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first(),
    ]
    return max([evaluation.created_at, *(step for step in steps if step is not None)])
