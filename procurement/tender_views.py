"""The tender's pages: publish a tender from an approved planning decision, record the bids
received, open them. Before the opening a tender's page shows how many bids arrived and when,
never a bidder or a figure (``selectors.sealed_bids``).

The technical stage (``procurement.evaluation``): an officer appoints the evaluation committee
on the tender's page; a member records each opened bid's technical result on its own page and,
under QCBS, submits a mark sheet on the marks page. What a person sees of the marks is
``selectors.technical_stage``'s: their own sheet until every member has submitted.

The financial stage (``procurement.awarding``): an officer has the engine evaluate the qualified
bids, issues the invitations to match L1 its rounds name and records each reply, proposes the
award (approved or returned on the decision's page, by another person) and records the contract
once signed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procurement import awarding, evaluation, selectors, tendering
from procurement.documents.evaluation_report import evaluation_report_view
from procurement.forms import (
    AwardProposalForm,
    BidForm,
    CommitteeForm,
    ContractForm,
    InvitationReplyForm,
    MarksForm,
    TechnicalResultForm,
    TenderForm,
    add_service_errors,
    prefilled_notes,
)
from procurement.models import Bid, Decision, MatchInvitation, Tender


@login_required
@require_GET
def tender_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "procurement/tender_list.html",
        {
            "tenders": selectors.tender_list(request.user)[:200],
            "ready": selectors.approved_planning_decisions(request.user)
            if request.user.has_perm("procurement.add_tender")
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tender_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the tender of an approved planning decision (an officer of its department)."""
    decision = selectors.get_decision_for_user(request.user, pk)
    if not request.user.has_perm("procurement.add_tender"):
        raise PermissionDenied(_("Only procurement officers publish tenders."))
    posted = request.method == "POST"
    initial = {"title": decision.comparison.workload.title}
    form = TenderForm(request.POST) if posted else TenderForm(initial=initial)
    if posted and form.is_valid():
        try:
            tender = tendering.tender_create(
                user=request.user, decision=decision, values=form.values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Tender %(reference)s is published.") % {"reference": tender.reference}
            )
            return redirect("tender_detail", tender.pk)
    return render(
        request,
        "procurement/tender_form.html",
        {"form": form, "decision": decision},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def tender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tender = selectors.get_tender_for_user(request.user, pk)
    opening = selectors.opening_of(tender)
    now = timezone.now()
    return render(
        request,
        "procurement/tender_detail.html",
        {
            "tender": tender,
            "opening": opening,
            "sealed": None if opening else selectors.sealed_bids(tender),
            "bids": selectors.opened_bids(tender) if opening else [],
            "can_record": opening is None
            and now <= tender.bid_deadline
            and request.user.has_perm("procurement.add_bid"),
            "can_open": opening is None
            and now >= tender.opening_at
            and request.user.has_perm("procurement.add_bidopening"),
            "events": selectors.technical_trail(tender),
            "bid_documents": selectors.bid_documents_of(tender),
            "can_request_document": request.user.has_perm("procurement.add_justificationdocument"),
            "has_demo": tender.is_demo or tender.planning_decision.comparison.uses_demo_data,
            **_technical_context(request, tender),
            **_financial_context(request, tender, opening is not None),
        },
    )


def _technical_context(request: HttpRequest, tender: Tender) -> dict[str, object]:
    """What the tender's page shows of its technical stage, and the steps the user may take."""
    user = request.user
    stage = selectors.technical_stage(tender, user)
    recorded = [row for row in stage.bids if row.result is not None]
    labels = dict(evaluation.compliance_items(tender)) if recorded else {}
    can_appoint = user.has_perm("procurement.add_committeemember") and not stage.sheets_started
    candidates = selectors.committee_candidates(tender) if can_appoint else None
    refusal = evaluation.marking_refusal(tender, stage.method) if stage.method == "qcbs" else None
    return {
        "stage": stage,
        # Each bid with its checklist in words: (item, met, remark).
        "technical_rows": [
            (
                row,
                [
                    (
                        labels.get(item["item"], _("An item no longer listed")),
                        item["met"],
                        item["remark"],
                    )
                    for item in (row.result.checklist if row.result is not None else [])
                ],
            )
            for row in stage.bids
        ],
        "can_appoint": can_appoint,
        "appoint_form": CommitteeForm(candidates=candidates)
        if candidates is not None and candidates.exists()
        else None,
        "can_record_results": stage.opened
        and stage.appointed
        and user.has_perm("procurement.add_technicalresult"),
        "marking_refusal": refusal,
        "can_mark": refusal is None
        and stage.appointed
        and stage.own_sheet is None
        and user.has_perm("procurement.add_marksheet"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def bid_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a bid received for one of the surveyed offers (an officer of the department)."""
    tender = selectors.get_tender_for_user(request.user, pk)
    if not request.user.has_perm("procurement.add_bid"):
        raise PermissionDenied(_("Only procurement officers record bids."))
    offers = list(selectors.comparison_inputs(tender.planning_decision.comparison).offers)
    posted = request.method == "POST"
    form = BidForm(request.POST, offers=offers) if posted else BidForm(offers=offers)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            tendering.bid_record(
                user=request.user,
                tender=tender,
                values=tendering.BidValues(
                    bidder_name=data["bidder_name"],
                    provider=None,
                    offer=form.offer_terms(),
                    local_content_pct=data["local_content_pct"],
                    local_content_certificate=data["local_content_certificate"],
                    local_content_location=data["local_content_location"],
                    mse=data["mse"],
                    udyam_number=data["udyam_number"],
                    startup=data["startup"],
                    received_at=data["received_at"],
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The bid is recorded, sealed until the opening."))
            return redirect("tender_detail", tender.pk)
    return render(
        request,
        "procurement/bid_form.html",
        {"form": form, "tender": tender},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def tender_open(request: HttpRequest, pk: int) -> HttpResponse:
    tender = selectors.get_tender_for_user(request.user, pk)
    try:
        opening = tendering.tender_open(user=request.user, tender=tender)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext("%(count)s bid opened.", "%(count)s bids opened.", opening.bids)
            % {"count": opening.bids},
        )
    return redirect("tender_detail", tender.pk)


@login_required
@require_POST
def tender_bid_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the tender's bid document (a PDF rendered by the worker, as the file note)."""
    tender = selectors.get_tender_for_user(request.user, pk)
    document = tendering.bid_document_request(user=request.user, tender=tender)
    return redirect("document_detail", document.pk)


# The technical stage ----------------------------------------------------------------------------


def _technical_anchor(tender: Tender) -> str:
    return f"{reverse('tender_detail', args=[tender.pk])}#technical"


@login_required
@require_POST
def committee_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    """Appoint a member of the tender's evaluation committee (an officer of its department)."""
    tender = selectors.get_tender_for_user(request.user, pk)
    if not request.user.has_perm("procurement.add_committeemember"):
        raise PermissionDenied(_("Only procurement officers appoint the evaluation committee."))
    form = CommitteeForm(request.POST, candidates=selectors.committee_candidates(tender))
    if form.is_valid():
        member = form.cleaned_data["member"]
        try:
            evaluation.committee_appoint(user=request.user, tender=tender, member=member)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = member.get_full_name() or member.get_username()
            messages.success(
                request, _("%(name)s is appointed to the evaluation committee.") % {"name": name}
            )
    else:
        messages.error(request, " ".join(message for _, message in form.error_summary()))
    return redirect(_technical_anchor(tender))


@login_required
@require_http_methods(["GET", "POST"])
def technical_result(request: HttpRequest, pk: int, bid_pk: int) -> HttpResponse:
    """Record an opened bid's technical result (a member of the tender's committee)."""
    tender = selectors.get_tender_for_user(request.user, pk)
    bid = get_object_or_404(Bid, tender=tender, pk=bid_pk)
    if not request.user.has_perm("procurement.add_technicalresult"):
        raise PermissionDenied(_("Only the evaluation committee records technical results."))
    if selectors.opening_of(tender) is None:
        # Before the opening a bid is sealed: its page would show its bidder.
        messages.error(request, _("The technical evaluation begins once the bids are opened."))
        return redirect(_technical_anchor(tender))
    if not selectors.is_appointed(tender, request.user):
        raise PermissionDenied(_("Only the members of this tender's evaluation committee do this."))
    if hasattr(bid, "technical_result"):
        messages.info(
            request,
            _("The technical result of %(bidder)s's bid is recorded.")
            % {"bidder": bid.bidder_name},
        )
        return redirect(_technical_anchor(tender))
    items = evaluation.compliance_items(tender)
    notes = evaluation.compliance_notes(tender, bid, items)
    with translation.override("en"):
        prefilled = prefilled_notes(evaluation.compliance_notes(tender, bid, items))
    posted = request.method == "POST"
    form = (
        TechnicalResultForm(request.POST, items=items, notes=notes, prefilled=prefilled)
        if posted
        else TechnicalResultForm(items=items, notes=notes, prefilled=prefilled)
    )
    if posted and form.is_valid():
        try:
            evaluation.technical_result_record(
                user=request.user,
                bid=bid,
                benchmark_score=form.cleaned_data["benchmark_score"],
                checklist=form.checklist(),
                remark=form.cleaned_data["remark"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The technical result of %(bidder)s is recorded.") % {"bidder": bid.bidder_name},
            )
            return redirect(_technical_anchor(tender))
    return render(
        request,
        "procurement/technical_result_form.html",
        {"form": form, "tender": tender, "bid": bid},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def technical_marks(request: HttpRequest, pk: int) -> HttpResponse:
    """The technical marks of a QCBS tender: a member's form, then their own sheet; every sheet
    and the averaged scores once every member has submitted (``selectors.technical_stage``)."""
    tender = selectors.get_tender_for_user(request.user, pk)
    if request.method == "POST" and not request.user.has_perm("procurement.add_marksheet"):
        raise PermissionDenied(_("Only the evaluation committee submits marks."))
    stage = selectors.technical_stage(tender, request.user)
    refusal = evaluation.marking_refusal(tender, stage.method)
    form = None
    if refusal is None and stage.appointed and stage.own_sheet is None:
        bids, criteria = stage.qualified_bids, stage.criteria
        posted = request.method == "POST"
        form = (
            MarksForm(request.POST, bids=bids, criteria=criteria)
            if posted
            else MarksForm(bids=bids, criteria=criteria)
        )
        if posted and form.is_valid():
            try:
                evaluation.marks_submit(user=request.user, tender=tender, marks=form.marks())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Your mark sheet is submitted."))
                return redirect("technical_marks", tender.pk)
    elif request.method == "POST":
        # No form to fill: the service says why (not a member: 403; the tender's state).
        try:
            evaluation.marks_submit(user=request.user, tender=tender, marks={})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("technical_marks", tender.pk)
    return render(
        request,
        "procurement/technical_marks.html",
        {"tender": tender, "stage": stage, "form": form, "refusal": refusal},
        status=400 if form is not None and form.errors else 200,
    )


# The financial stage --------------------------------------------------------------------------


def _financial_context(request: HttpRequest, tender: Tender, opened: bool) -> dict[str, object]:
    """What the tender's page shows of the engine's evaluation of the bids, the invitations to
    match L1 and the award — the evaluation report's own lines
    (``documents.evaluation_report.evaluation_report_view``), so the page and the PDF show the
    same figures — and the steps the user may take."""
    user = request.user
    officer = user.has_perm("procurement.add_decision")
    evaluation_row = selectors.latest_evaluation(tender) if opened else None
    context: dict[str, object] = {
        "evaluation": evaluation_row,
        "can_evaluate": opened and user.has_perm("procurement.add_comparison"),
    }
    if evaluation_row is None:
        return context
    results = selectors.comparison_results(evaluation_row)
    due = awarding.due_invitation(tender, evaluation_row)
    waiting = awarding.awaited(tender)
    award = selectors.tender_award(tender)
    contract = getattr(tender, "contract", None)
    eligible = [(o.offer_id, o.provider_name) for o in results.offers if o.eligible]
    can_propose = officer and due is None and waiting is None and award is None and bool(eligible)
    context.update(
        {
            "report": evaluation_report_view(tender, evaluation=evaluation_row),
            "reports": selectors.evaluation_reports_of(tender),
            "can_request_report": user.has_perm("procurement.add_justificationdocument"),
            "due": due,
            "waiting": waiting,
            "award": award,
            "contract": contract,
            "can_invite": officer and due is not None and waiting is None,
            "reply_form": InvitationReplyForm() if officer and waiting is not None else None,
            "award_form": AwardProposalForm(
                choices=eligible, initial={"offer_id": results.recommendation.award.offer_id}
            )
            if can_propose
            else None,
            "contract_form": ContractForm()
            if officer
            and award is not None
            and award.status == Decision.Status.APPROVED
            and contract is None
            else None,
        }
    )
    return context


def _financial_anchor(tender: Tender) -> str:
    return f"{reverse('tender_detail', args=[tender.pk])}#financial"


@login_required
@require_POST
def tender_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """Have the engine evaluate the qualified bids (an officer of the tender's department)."""
    tender = selectors.get_tender_for_user(request.user, pk)
    try:
        awarding.evaluation_run(user=request.user, tender=tender)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The qualified bids are evaluated."))
    return redirect(_financial_anchor(tender))


@login_required
@require_POST
def invitation_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the invitation to match L1 the latest evaluation names."""
    tender = selectors.get_tender_for_user(request.user, pk)
    try:
        invitation = awarding.invitation_issue(user=request.user, tender=tender)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(bidder)s is invited to match L1: record its reply.")
            % {"bidder": invitation.bid.bidder_name},
        )
    return redirect(_financial_anchor(tender))


@login_required
@require_POST
def invitation_reply(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """Record a bidder's reply to its invitation; the bids are evaluated again with it."""
    tender = selectors.get_tender_for_user(request.user, pk)
    if not request.user.has_perm("procurement.add_decision"):
        raise PermissionDenied(_("Only procurement officers take this step."))
    invitation = get_object_or_404(MatchInvitation, pk=invitation_pk, tender=tender)
    form = InvitationReplyForm(request.POST)
    if form.is_valid():
        try:
            awarding.invitation_reply(
                user=request.user,
                invitation=invitation,
                accepts=form.cleaned_data["answer"] == "accepts",
                replied_on=form.cleaned_data["replied_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(bidder)s's reply is recorded.") % {"bidder": invitation.bid.bidder_name},
            )
            return redirect(_financial_anchor(tender))
    messages.error(request, " ".join(message for _, message in form.error_summary()))
    return redirect(_financial_anchor(tender))


@login_required
@require_POST
def award_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose the award on the latest evaluation; another person approves or returns it."""
    tender = selectors.get_tender_for_user(request.user, pk)
    if not request.user.has_perm("procurement.add_decision"):
        raise PermissionDenied(_("Only procurement officers take this step."))
    evaluation_row = selectors.latest_evaluation(tender)
    results = selectors.comparison_results(evaluation_row) if evaluation_row else None
    choices = (
        [(o.offer_id, o.provider_name) for o in results.offers if o.eligible]
        if results is not None
        else []
    )
    form = AwardProposalForm(request.POST, choices=choices)
    if form.is_valid():
        try:
            decision = awarding.award_propose(
                user=request.user,
                tender=tender,
                offer_id=form.cleaned_data["offer_id"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The award is proposed: another person approves it."))
            return redirect("decision_detail", pk=decision.pk)
    messages.error(request, " ".join(message for _, message in form.error_summary()))
    return redirect(_financial_anchor(tender))


@login_required
@require_POST
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the contract signed with the awarded bidder."""
    tender = selectors.get_tender_for_user(request.user, pk)
    if not request.user.has_perm("procurement.add_decision"):
        raise PermissionDenied(_("Only procurement officers take this step."))
    form = ContractForm(request.POST)
    if form.is_valid():
        try:
            awarding.contract_sign(
                user=request.user,
                tender=tender,
                reference=form.cleaned_data["reference"],
                signed_on=form.cleaned_data["signed_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contract is recorded as signed."))
            return redirect(_financial_anchor(tender))
    messages.error(request, " ".join(message for _, message in form.error_summary()))
    return redirect(_financial_anchor(tender))


@login_required
@require_POST
def tender_evaluation_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Request the bid evaluation committee report (a PDF) of the tender's latest evaluation."""
    tender = selectors.get_tender_for_user(request.user, pk)
    try:
        document = tendering.evaluation_report_request(user=request.user, tender=tender)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_financial_anchor(tender))
    return redirect("document_detail", pk=document.pk)
