"""The officer's pages. Each view parses the request, calls one selector or service, renders.

Department-owned objects are fetched only through ``selectors.get_<x>_for_user()``, which answer
404 across departments.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procurement import (
    audit,
    charts,
    engine,
    exports,
    national,
    presenters,
    selectors,
    services,
    signing,
    usage,
    workload_fields,
)
from procurement.engine.national import DEFINITION
from procurement.forms import (
    DecisionProposeForm,
    DecisionReviewForm,
    ScenarioForm,
    UsageUploadForm,
    WorkloadForm,
    add_service_errors,
)
from procurement.models import Comparison, Decision, Department, Workload
from procurement.policy_diff import diff_documents

PER_PAGE = 20


def _page(request: HttpRequest, items: QuerySet[Any]) -> Any:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


NUL_IN_SEARCH = gettext_lazy(
    "The search text contains a NUL character, which no name or description can hold: remove "
    "it and search again."
)


def _search_text(request: HttpRequest) -> tuple[str, str]:
    """The search box's text, and why it cannot be searched for ("" when it can)."""
    query = request.GET.get("q", "").strip()
    # PostgreSQL's text holds no NUL, and refuses a query that compares with one.
    return ("", str(NUL_IN_SEARCH)) if "\x00" in query else (query, "")


# Workloads ----------------------------------------------------------------------------------


@login_required
def workload_list(request: HttpRequest) -> HttpResponse:
    query, refused = _search_text(request)
    archived = request.GET.get("archived") == "1"
    rows = selectors.workload_list(request.user, query=query, archived=archived)
    return render(
        request,
        "procurement/workload_list.html",
        {
            "page": _page(request, rows.none() if refused else rows),
            "query": query,
            "archived": archived,
            "search_refused": refused,
            "restricted_sectors": Department.RESTRICTED_SECTORS,
            "transparency_url": national.PUBLIC_PAGE,
        },
        status=400 if refused else 200,
    )


def _copied_from(request: HttpRequest) -> Workload | None:
    """The department's workload named by ``?copy=`` (or the form's ``copy`` field), if any."""
    pk = request.POST.get("copy") or request.GET.get("copy")
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404(_("No such workload."))
    return selectors.get_workload_for_user(request.user, int(pk))


def _duplicates(request: HttpRequest, form: WorkloadForm, pk: int | None) -> list[Workload]:
    """Other workloads of the department with the title the form holds, unless the officer
    has seen them and chose to save anyway (``same_title`` in the form)."""
    if request.POST.get("same_title") == "confirmed":
        return []
    return selectors.workloads_titled(request.user, form.cleaned_data["title"], exclude=pk)


@login_required
def workload_create(request: HttpRequest) -> HttpResponse:
    """A new workload: a blank form, or one filled from a workload of the department
    (``?copy=<id>``, titled “Copy of …”), to start a variant of it."""
    if not request.user.has_perm("procurement.add_workload"):
        raise PermissionDenied(_("Only procurement officers create workloads."))
    source = _copied_from(request)
    initial = None
    if source is not None:
        values = model_to_dict(source, fields=workload_fields.FIELD_NAMES)
        initial = {**values, "title": (_("Copy of %(title)s") % {"title": source.title})[:200]}
    form = WorkloadForm(request.POST or None, initial=initial)
    duplicates: list[Workload] = []
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates(request, form, None)
        if not duplicates:
            try:
                workload = services.workload_create(
                    user=request.user, values=form.values(), copied_from=source
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Workload saved. Run a comparison when you are ready."))
                return redirect("workload_detail", pk=workload.pk)
    return render(
        request,
        "procurement/workload_form.html",
        {"form": form, "workload": None, "source": source, "duplicates": duplicates},
    )


def _pack_notice(request: HttpRequest) -> dict[str, Any]:
    """The pack version the user's department adopted, and a newer published one if any."""
    department = selectors.department_of(request.user)
    adopted = department.adopted_pack if department else None
    return {"adopted_pack": adopted, "newer_pack": selectors.newer_published(adopted)}


@login_required
def workload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workload = selectors.get_workload_for_user(request.user, pk)
    return render(
        request,
        "procurement/workload_detail.html",
        {
            "workload": workload,
            "groups": workload_fields.shown(workload_fields.values_of(workload)),
            "comparisons": selectors.comparisons_of(workload),
            **_pack_notice(request),
        },
    )


@login_required
def workload_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workload = selectors.get_workload_for_user(request.user, pk)
    if not request.user.has_perm("procurement.change_workload"):
        raise PermissionDenied(_("Only procurement officers edit workloads."))
    form = WorkloadForm(request.POST or None, instance=workload)
    duplicates: list[Workload] = []
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates(request, form, workload.pk)
        if not duplicates:
            try:
                services.workload_update(user=request.user, workload=workload, values=form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Workload updated. Earlier comparisons keep their inputs.")
                )
                return redirect("workload_detail", pk=workload.pk)
    return render(
        request,
        "procurement/workload_form.html",
        {"form": form, "workload": workload, "duplicates": duplicates},
    )


@login_required
@require_http_methods(["GET", "POST"])
def workload_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET: what archiving does, and a button), then archives (POST). The
    workload's page then offers to undo it."""
    workload = selectors.get_workload_for_user(request.user, pk)
    if not request.user.has_perm("procurement.change_workload"):
        raise PermissionDenied(_("Only procurement officers archive workloads."))
    if request.method == "GET":
        return render(request, "procurement/workload_archive.html", {"workload": workload})
    services.workload_archive(user=request.user, workload=workload)
    messages.success(
        request,
        _(
            "Archived “%(title)s”. Its comparisons and decisions stay on record. "
            "To undo it, restore it below."
        )
        % {"title": workload.title},
    )
    return redirect("workload_detail", pk=workload.pk)


@login_required
@require_POST
def workload_unarchive(request: HttpRequest, pk: int) -> HttpResponse:
    workload = selectors.get_workload_for_user(request.user, pk)
    try:
        services.workload_unarchive(user=request.user, workload=workload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Restored “%(title)s”: it is active again.") % {"title": workload.title}
        )
    return redirect("workload_detail", pk=workload.pk)


# Comparisons --------------------------------------------------------------------------------


@login_required
@require_POST
def comparison_create(request: HttpRequest, pk: int) -> HttpResponse:
    workload = selectors.get_workload_for_user(request.user, pk)
    try:
        comparison = services.comparison_run(
            user=request.user, workload=workload, match_declines=request.POST.getlist("declines")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workload_detail", pk=workload.pk)
    return redirect("comparison_detail", pk=comparison.pk)


@login_required
def comparison_detail(request: HttpRequest, pk: int) -> HttpResponse:
    comparison = selectors.get_comparison_for_user(request.user, pk)
    view = presenters.comparison_view(selectors.comparison_results(comparison))
    return render(
        request,
        "procurement/comparison_detail.html",
        _comparison_context(
            request, comparison, view, DecisionProposeForm(offers=_award_choices(view))
        ),
    )


def _award_choices(view: presenters.ComparisonView) -> list[tuple[str, str]]:
    recommended = view.award.offer_id
    return [
        (
            o.offer_id,
            _("%(offer)s (recommended)") % {"offer": o.name}
            if o.offer_id == recommended
            else o.name,
        )
        for o in view.eligible
    ]


def _comparison_context(
    request: HttpRequest,
    comparison: Comparison,
    view: presenters.ComparisonView,
    form: DecisionProposeForm,
) -> dict[str, Any]:
    decisions = selectors.decisions_of(comparison)
    live = next((d for d in decisions if d.status != Decision.Status.RETURNED), None)
    documents = selectors.documents_of(comparison)
    notes = presenters.expert_notes(selectors.domain_notes_for(comparison))
    if not form.is_bound and view.award.offer_id:
        form.initial["offer_id"] = view.award.offer_id
    if not form.is_bound:
        form.initial["restricted"] = comparison.department.sector in Department.RESTRICTED_SECTORS
    return {
        "comparison": comparison,
        "view": view,
        "figures": charts.comparison_figures(view),
        "decisions": decisions,
        "live_decision": live,
        "effects": national.comparison_effects(view.results, live),
        "transparency_url": national.PUBLIC_PAGE,
        "can_propose": (
            live is None and view.eligible and request.user.has_perm("procurement.add_decision")
        ),
        "form": form,
        "documents": documents,
        "can_request_document": request.user.has_perm("procurement.add_justificationdocument"),
        "expert_notes": notes,
        "has_demo": comparison.uses_demo_data or any(note.is_demo for note in notes),
        **_pack_notice(request),
    }


@login_required
def comparison_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    comparison = selectors.comparison_snapshot_for_user(request.user, pk)
    response = HttpResponse(comparison.snapshot, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="comparison-{comparison.pk}-{comparison.fingerprint[:12]}.json"'
    )
    return response


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def comparison_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    export = exports.comparison_export(selectors.get_comparison_export_for_user(request.user, pk))
    return _attachment(exports.export_xlsx(export), exports.XLSX_TYPE, f"{export.filename}.xlsx")


@login_required
@require_GET
def comparison_export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    export = exports.comparison_export(selectors.get_comparison_export_for_user(request.user, pk))
    return _attachment(exports.export_csv(export), exports.CSV_TYPE, f"{export.filename}.csv")


# Decisions ----------------------------------------------------------------------------------


@login_required
@require_POST
def decision_propose(request: HttpRequest, pk: int) -> HttpResponseBase:
    comparison = selectors.get_comparison_for_user(request.user, pk)
    view = presenters.comparison_view(selectors.comparison_results(comparison))
    form = DecisionProposeForm(request.POST, offers=_award_choices(view))
    if form.is_valid():
        try:
            decision = services.decision_propose(
                user=request.user,
                comparison=comparison,
                offer_id=form.cleaned_data["offer_id"],
                reason=form.cleaned_data["reason"],
                restricted=form.cleaned_data["restricted"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Award proposed. An approver of your department reviews it.")
            )
            return redirect("decision_detail", pk=decision.pk)
    return render(
        request,
        "procurement/comparison_detail.html",
        _comparison_context(request, comparison, view, form),
        status=400,
    )


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.get_decision_for_user(request.user, pk)
    return render(request, "procurement/decision_detail.html", _decision_context(request, decision))


def _decision_context(
    request: HttpRequest, decision: Decision, form: DecisionReviewForm | None = None
) -> dict[str, Any]:
    return {
        "decision": decision,
        "comparison": decision.comparison,
        "events": selectors.audit_trail(decision.department, "decision", [str(decision.pk)]),
        "form": form or DecisionReviewForm(),
        "can_review": services.may_review(request.user, decision),
        "tender": getattr(decision, "tender", None),
        "can_tender": decision.status == Decision.Status.APPROVED
        and request.user.has_perm("procurement.add_tender"),
        "has_demo": decision.comparison.uses_demo_data,
    }


def _review(
    request: HttpRequest, pk: int, action: Callable[..., Decision], done: str
) -> HttpResponse:
    """``done``: the message once the action is done, with ``%(offer)s`` and ``%(title)s``."""
    decision = selectors.get_decision_for_user(request.user, pk)
    form = DecisionReviewForm(request.POST)
    if form.is_valid():
        try:
            action(user=request.user, decision=decision, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            title = decision.comparison.workload.title
            messages.success(request, done % {"offer": decision.offer_name, "title": title})
            # From the inbox, back to it: the next item is there.
            if request.POST.get("back") == "inbox":
                return redirect("inbox")
            return redirect("decision_detail", pk=decision.pk)
    return render(
        request,
        "procurement/decision_detail.html",
        _decision_context(request, decision, form),
        status=400,
    )


@login_required
@require_POST
def decision_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(
        request,
        pk,
        services.decision_approve,
        _("Approved the award to %(offer)s for “%(title)s”."),
    )


@login_required
@require_POST
def decision_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(
        request,
        pk,
        services.decision_return,
        _("Returned to the officer the award to %(offer)s for “%(title)s”."),
    )


# The inbox ----------------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """What waits for the person signed in: proposals of their department they may approve
    (never their own), their proposals returned with reasons, and their proposals still
    awaiting an approver."""
    awaiting = list(selectors.decisions_awaiting(request.user))
    returned = list(selectors.decisions_returned(request.user))
    pending = list(selectors.decisions_pending_of(request.user))
    return render(
        request,
        "procurement/inbox.html",
        {
            "awaiting": awaiting,
            "returned": returned,
            "pending": pending,
            "can_approve": request.user.has_perm("procurement.approve_decision"),
            "can_propose": request.user.has_perm("procurement.add_decision"),
            "has_demo": any(d.comparison.uses_demo_data for d in [*awaiting, *returned, *pending]),
        },
    )


class SignInView(LoginView):
    """Django's sign-in page; without a page to go back to, an approver with proposals waiting
    lands on the inbox, everyone else on the workloads."""

    def get_default_redirect_url(self) -> str:
        if selectors.inbox_counts(self.request.user).awaiting:
            return reverse("inbox")
        return super().get_default_redirect_url()


# Justification documents --------------------------------------------------------------------


@login_required
@require_POST
def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    comparison = selectors.get_comparison_for_user(request.user, pk)
    document = services.document_request(user=request.user, comparison=comparison)
    return redirect("document_detail", pk=document.pk)


@login_required
def document_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, pk)
    return render(
        request,
        "procurement/document_detail.html",
        {
            "document": document,
            "has_demo": document.comparison.uses_demo_data,
            "superseded_by": selectors.document_superseded_by(document),
        },
    )


@login_required
def document_status(request: HttpRequest, pk: Any) -> HttpResponse:
    """The status fragment htmx polls until the document is ready or failed."""
    document = selectors.get_document_for_user(request.user, pk)
    return render(request, "procurement/includes/document_status.html", {"document": document})


@login_required
def document_download(request: HttpRequest, pk: Any) -> HttpResponse:
    document = selectors.document_pdf_for_user(request.user, pk)
    comparison = document.comparison
    pdf, sha256 = document.issued()
    response = HttpResponse(pdf, content_type="application/pdf")
    if document.tender is not None:
        filename = document.tender_filename()
    else:
        name = slugify(comparison.workload.title)[:60] or "workload"
        filename = f"justification-{name}-{comparison.fingerprint[:12]}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-SHA256"] = sha256
    return response


# The largest file /verify/ hashes: far above any justification PDF the product issues (a few
# MB), and small enough that a stranger cannot make the server read without end.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def _uploaded_pdf_sha256(request: HttpRequest) -> tuple[str, str]:
    """The SHA-256 of the PDF uploaded as ``document``, computed here, and the refusal in words
    (empty when there is none): no file, a file too large, or a file that is not a PDF."""
    upload = request.FILES.get("document")
    if upload is None or not upload.size:
        return "", _("Choose the PDF file of the document to verify.")
    if upload.size > MAX_DOCUMENT_BYTES:
        return "", _(
            "The file is larger than %(megabytes)s MB: no document this product issues is that "
            "large, so it did not issue this file."
        ) % {"megabytes": MAX_DOCUMENT_BYTES // (1024 * 1024)}
    digest = hashlib.sha256()
    first = True
    for chunk in upload.chunks():
        if first and not chunk.startswith(b"%PDF-"):
            return "", _(
                "This file is not a PDF: choose the justification document's PDF file, or check "
                "a snapshot (JSON) with the form below."
            )
        first = False
        digest.update(chunk)
    return digest.hexdigest(), ""


@require_http_methods(["GET", "POST"])
def document_verify(request: HttpRequest) -> HttpResponse:
    """Public: whether this product issued a file — given its SHA-256 (GET) or the PDF itself,
    hashed here (POST ``document``) — when, for whom, as a department's audit chain records it;
    whether an uploaded snapshot's fingerprint and signature match, and who signed it (POST
    ``snapshot``)."""
    sha256 = request.GET.get("sha256", "").strip().lower()
    file_refused = ""
    by_file = request.method == "POST" and request.POST.get("check") == "document"
    if by_file:
        sha256, file_refused = _uploaded_pdf_sha256(request)
    checked = bool(sha256)
    valid = bool(re.fullmatch(r"[0-9a-f]{64}", sha256))
    issue = audit.issued_document(sha256) if valid else None
    upload = request.FILES.get("snapshot") if request.method == "POST" and not by_file else None
    verdict = (
        signing.snapshot_file_verify(upload.read(signing.MAX_SNAPSHOT_BYTES + 1))
        if upload
        else None
    )
    return render(
        request,
        "procurement/document_verify.html",
        {
            "sha256": sha256,
            "checked": checked,
            "valid": valid,
            "issue": issue,
            "by_file": by_file,
            "file_refused": file_refused,
            "snapshot_missing": request.method == "POST" and not by_file and not upload,
            "verdict": verdict,
            "product_key": signing.published_key(),
            "max_document_mb": MAX_DOCUMENT_BYTES // (1024 * 1024),
        },
        status=400 if file_refused else 200,
    )


@require_GET
def snapshot_signing_key(request: HttpRequest) -> HttpResponse:
    """Public, stable: the key that signs every snapshot this product stores."""
    published = signing.published_key_document()
    if published is None:
        return JsonResponse(
            {"detail": _("This product has no snapshot signing key configured.")}, status=503
        )
    return JsonResponse(published, json_dumps_params={"indent": 2})


# How many checkpoints the public page lists; the file holds them all.
CHECKPOINTS_SHOWN = 50


@require_GET
def audit_checkpoints(request: HttpRequest) -> HttpResponse:
    """Public: the latest signed checkpoints of every audit chain's head."""
    entries = [
        (checkpoint, json.loads(checkpoint.statement)["chains"])
        for checkpoint in selectors.latest_checkpoints(CHECKPOINTS_SHOWN)
    ]
    return render(
        request,
        "procurement/audit_checkpoints.html",
        {"entries": entries, "shown": CHECKPOINTS_SHOWN, "product_key": signing.published_key()},
    )


@require_GET
def audit_checkpoints_file(request: HttpRequest) -> HttpResponse:
    """Public: every signed checkpoint, as a file to keep and to check chains against
    (``manage.py verify_audit_chain --checkpoints FILE``)."""
    response = JsonResponse(audit.checkpoints_published(), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="audit-checkpoints.json"'
    return response


# History ------------------------------------------------------------------------------------


@login_required
def history(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "comparisons")
    query, refused = _search_text(request)
    listing: dict[str, Callable[[], QuerySet[Any]]] = {
        "workloads": lambda: selectors.workload_list(request.user, query=query, archived=None),
        "comparisons": lambda: selectors.comparison_list(request.user, query=query),
        "decisions": lambda: selectors.decision_list(request.user, query=query),
    }
    if tab not in listing:
        tab = "comparisons"
    rows = listing[tab]()
    return render(
        request,
        "procurement/history.html",
        {
            "tab": tab,
            "query": query,
            "page": _page(request, rows.none() if refused else rows),
            "search_refused": refused,
        },
        status=400 if refused else 200,
    )


# Awards and what they served ------------------------------------------------------------------


@login_required
@require_GET
def awards(request: HttpRequest) -> HttpResponse:
    """The department's awards: each contract's quarters so far, the latest figures reported
    for each, and the ended quarters not reported."""
    arranged = usage.department_awards(request.user)
    return render(
        request,
        "procurement/awards.html",
        {
            "awards": arranged,
            "not_reported": sum(len(a.not_reported) for a in arranged),
            "can_report": request.user.has_perm("procurement.add_usagereport"),
            "has_demo": any(a.decision.comparison.uses_demo_data for a in arranged),
        },
    )


def _require_reporter(request: HttpRequest) -> None:
    if not request.user.has_perm("procurement.add_usagereport"):
        raise PermissionDenied(_("Only procurement officers report usage."))


@login_required
@require_GET
def usage_template(request: HttpRequest) -> HttpResponse:
    """The upload's CSV template, with a row for each quarter of the department's awards not
    yet reported."""
    _require_reporter(request)
    content = usage.template_csv(usage.department_awards(request.user))
    return _attachment(content, "text/csv; charset=utf-8", "usage-reports.csv")


@login_required
@require_http_methods(["GET", "POST"])
def usage_upload(request: HttpRequest) -> HttpResponse:
    """Usage reports by CSV file: every row checked, all stored or none, each problem named by
    its row and column."""
    _require_reporter(request)
    posted = request.method == "POST"
    form = UsageUploadForm(request.POST, request.FILES) if posted else UsageUploadForm()
    if posted and form.is_valid():
        rows, problems = usage.parse_csv(form.cleaned_data["file"].read())
        if problems and rows:
            problems += services.usage_rows_check(user=request.user, rows=rows)
        if problems:
            problems.sort(key=lambda p: p.row)
            form.add_error("file", [str(problem) for problem in problems])
        else:
            try:
                reports = services.usage_upload(user=request.user, rows=rows)
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                count = len(reports)
                corrections = sum(1 for report in reports if report.corrects_id is not None)
                if corrections:
                    stored = ngettext(
                        "Stored %(count)s usage report (%(corrections)s of them corrections).",
                        "Stored %(count)s usage reports (%(corrections)s of them corrections).",
                        count,
                    )
                else:
                    stored = ngettext(
                        "Stored %(count)s usage report.", "Stored %(count)s usage reports.", count
                    )
                messages.success(request, stored % {"count": count, "corrections": corrections})
                return redirect("awards")
    return render(
        request,
        "procurement/usage_upload.html",
        {"form": form, "max_rows": usage.MAX_ROWS, "columns": usage.COLUMNS},
        status=400 if form.errors else 200,
    )


# Policy packs (shared, read-only pages) ------------------------------------------------------


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    return render(request, "procurement/policy_list.html", {"packs": selectors.policy_pack_list()})


@login_required
def policy_detail(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    pack = selectors.get_policy_pack(slug, version)
    policy = engine.load_policy(pack.document)
    return render(
        request,
        "procurement/policy_detail.html",
        {
            "pack": pack,
            "policy": policy,
            "rules": presenters.policy_rules(policy),
            "other_versions": selectors.policy_pack_other_versions(pack),
            "department": selectors.department_of(request.user),
            **_pack_notice(request),
        },
    )


@login_required
def policy_file(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    """The pack version's document as a file, exactly as stored and as the engine reads it."""
    pack = selectors.get_policy_pack(slug, version)
    text = json.dumps(pack.document, indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{pack.slug}-v{pack.version}.json"'
    return response


@login_required
@require_POST
def policy_adopt(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    pack = selectors.get_policy_pack(slug, version)
    try:
        department = services.policy_pack_adopt(user=request.user, pack=pack)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "%(department)s now compares under %(pack)s version %(version)s. "
                "Earlier comparisons keep the version they ran under."
            )
            % {"department": department.name, "pack": pack.title, "version": pack.version},
        )
    return redirect("policy_detail", slug=slug, version=version)


@login_required
def policy_diff(request: HttpRequest, slug: str, old: int, new: int) -> HttpResponse:
    before = selectors.get_policy_pack(slug, old)
    after = selectors.get_policy_pack(slug, new)
    return render(
        request,
        "procurement/policy_diff.html",
        {
            "before": before,
            "after": after,
            "changes": diff_documents(before.document, after.document),
        },
    )


# The public dashboard ----------------------------------------------------------------------------

# The page's sections after the trend, in order: a figure's name, and what its chart shows.
TRANSPARENCY_SECTIONS = (
    (
        "trend",
        gettext_lazy("A line of the national domestic share by quarter, with the target line"),
    ),
    ("by-sector", gettext_lazy("Bars of each sector's share by where inferences run")),
    ("by-use-case", gettext_lazy("Bars of each use case's share by where inferences run")),
    ("by-buyer-type", gettext_lazy("Bars of each type of buyer's share by where inferences run")),
    ("by-ministry", gettext_lazy("Bars of each ministry's share by where inferences run")),
    ("spending", gettext_lazy("Bars of the rupees committed and the premium paid in each quarter")),
    ("usage", gettext_lazy("Bars of the requests projected and reported in each quarter served")),
)


def _table(figure: national.Figure) -> dict[str, Any]:
    """A figure as the data table under its chart: headings, and each row's cells with their
    kind (the template formats each kind with the Indian number filters)."""
    return {
        "headings": [column.label for column in figure.columns],
        "rows": [
            [
                {
                    "kind": column.kind,
                    "value": row.get(column.key),
                    "suppressed": national.is_suppressed(row, column),
                }
                for column in figure.columns
            ]
            for row in figure.rows
        ],
    }


def _scenario_context(request: HttpRequest, trend: national.Figure) -> dict[str, Any]:
    quarters = [(row["quarter"], row["label"]) for row in trend.rows]
    default = quarters[0][0] if quarters else national.quarter_of(timezone.localdate())
    form = ScenarioForm(
        {
            "since": request.GET.get("since", default),
            "premium": request.GET.get("premium", ScenarioForm.DEFAULT_PREMIUM),
        },
        quarters=quarters,
    )
    scenario = None
    if form.is_valid():
        scenario = national.scenario(form.cleaned_data["since"], form.cleaned_data["premium"])
    query = urlencode(form.cleaned_data) if scenario else ""
    return {
        "scenario_form": form,
        "scenario": scenario,
        "scenario_national": scenario.rows[0] if scenario else None,
        "scenario_table": _table(scenario) if scenario else None,
        "scenario_definition": _(national.SCENARIO_DEFINITION),
        "scenario_json": reverse("api:transparency-scenario") + "?" + query,
        "scenario_csv": reverse("api:transparency-scenario-csv") + "?" + query,
    }


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    """Public: the national domestic share, its figures with a data table and downloads under
    each chart, the suppression rule, and the policy scenario (htmx asks for that section
    alone, with ``HX-Request``; without JavaScript the form reloads the page)."""
    if request.headers.get("HX-Request") == "true":
        context = _scenario_context(request, national.trend())
        response = render(request, "procurement/includes/transparency_scenario.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    figures = {name: national.figure(name) for name in national.FIGURES}
    context = _scenario_context(request, figures["trend"])
    headline = national.headline()
    drawn = charts.transparency_figures(figures, headline.target)
    sections = [
        {
            "name": name,
            "figure": figures[name],
            "table": _table(figures[name]),
            "chart": drawn[name] is not None,
            "chart_label": chart_label,
            "json": reverse("api:transparency-figure", args=[name]),
            "csv": reverse("api:transparency-figure-csv", args=[name]),
        }
        for name, chart_label in TRANSPARENCY_SECTIONS
    ]
    usage = figures["usage"]
    ended = [row for row in usage.rows if row.get("contracts_not_reported") is not None]
    response = render(
        request,
        "procurement/transparency.html",
        {
            "headline": headline,
            "sections": sections,
            "charts": drawn,
            "not_reported": ended[-1] if ended else None,
            "definition": _(DEFINITION),
            "suppression_rule": _(national.SUPPRESSION_RULE),
            "min_departments": national.MIN_DEPARTMENTS,
            "has_demo": headline.demo or any(f.demo for f in figures.values()),
            **context,
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
