"""The tender's pages: publish a tender from an approved planning decision, record the bids
received, open them. Before the opening a tender's page shows how many bids arrived and when,
never a bidder or a figure (``selectors.sealed_bids``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procurement import selectors, tendering
from procurement.forms import BidForm, TenderForm, add_service_errors


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
        raise PermissionDenied("Only procurement officers publish tenders.")
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
            messages.success(request, f"Tender {tender.reference} is published.")
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
            "events": selectors.tender_trail(tender),
            "bid_documents": selectors.bid_documents_of(tender),
            "can_request_document": request.user.has_perm("procurement.add_justificationdocument"),
            "has_demo": tender.is_demo or tender.planning_decision.comparison.uses_demo_data,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bid_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a bid received for one of the surveyed offers (an officer of the department)."""
    tender = selectors.get_tender_for_user(request.user, pk)
    if not request.user.has_perm("procurement.add_bid"):
        raise PermissionDenied("Only procurement officers record bids.")
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
            messages.success(request, "The bid is recorded, sealed until the opening.")
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
        messages.success(request, f"{opening.bids} bids opened.")
    return redirect("tender_detail", tender.pk)


@login_required
@require_POST
def tender_bid_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the tender's bid document (a PDF rendered by the worker, as the file note)."""
    tender = selectors.get_tender_for_user(request.user, pk)
    document = tendering.bid_document_request(user=request.user, tender=tender)
    return redirect("document_detail", document.pk)
