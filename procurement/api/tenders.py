"""``/api/v1/tenders/``: a department's tenders, the bids its system posts before the deadline,
and their opening (``procurement.tendering``). Before the opening a tender's answer says how many
bids arrived and when, never a bidder or a figure; its bids list answers 409."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from config.api import (
    CONFLICT,
    EmptyRequestSerializer,
    RangedDecimalField,
    StrictDateTimeField,
    StrictSerializer,
    page_of,
)
from procurement import selectors, tendering
from procurement.api.base import DepartmentScopedPrimaryKeyRelatedField, DepartmentScopedViewSet
from procurement.models import Bid, Decision, Tender

TEXT = 4000

TENDER_EXAMPLE = {
    "id": 3,
    "url": "https://procure.example.gov.in/api/v1/tenders/3/",
    "planning_decision": 12,
    "reference": "DOH/IT/2026/17",
    "title": "Citizen helpdesk inference",
    "published_at": "2026-11-27T10:30:00+05:30",
    "bid_deadline": "2026-12-19T15:00:00+05:30",
    "opening_at": "2026-12-19T16:00:00+05:30",
    "benchmark_description": "400 helpdesk questions in Hindi and English, held by the buyer.",
    "benchmark_rubric": "Exact match against reference answers.",
    "pass_mark": "70.00",
    "price_basis": "per_request",
    "reference_tokeniser": "",
    "bid_security": "declaration",
    "emd_pct": None,
    "performance_security_pct": "5.00",
    "integrity_pact": True,
    "price_revision_cap_pct": "5.00",
    "bids_received": 3,
    "opened_at": None,
    "bids_sha256": None,
    "is_demo": False,
}
TENDER_CREATE_EXAMPLE = {
    key: TENDER_EXAMPLE[key]
    for key in (
        "planning_decision",
        "reference",
        "title",
        "bid_deadline",
        "opening_at",
        "benchmark_description",
        "benchmark_rubric",
        "pass_mark",
        "price_basis",
        "bid_security",
        "performance_security_pct",
        "integrity_pact",
        "price_revision_cap_pct",
    )
}
BID_EXAMPLE = {
    "id": 7,
    "bidder_name": "Sarvam AI Pvt Ltd",
    "offer": {"offer_id": "sarvam-30b", "name": "Sarvam AI — Sarvam-30B", "…": "…"},
    "local_content_pct": "62.50",
    "local_content_certificate": "self",
    "local_content_location": "Bengaluru, Karnataka",
    "mse": False,
    "udyam_number": "",
    "startup": True,
    "received_at": "2026-12-18T11:05:00+05:30",
    "is_demo": False,
}
BID_RECORD_EXAMPLE = {
    key: value for key, value in BID_EXAMPLE.items() if key not in ("id", "is_demo")
}


class TenderSerializer(serializers.ModelSerializer[Tender]):
    url = serializers.HyperlinkedIdentityField(view_name="api:tender-detail")
    bids_received = serializers.SerializerMethodField(
        help_text=gettext_lazy("How many bids arrived (known before the opening; nothing else is).")
    )
    opened_at = serializers.SerializerMethodField()
    bids_sha256 = serializers.SerializerMethodField(
        help_text=gettext_lazy("The fingerprint of the bids as opened; null until the opening.")
    )

    class Meta:
        model = Tender
        fields = (
            "id",
            "url",
            "planning_decision",
            "reference",
            "title",
            "published_at",
            "bid_deadline",
            "opening_at",
            "benchmark_description",
            "benchmark_rubric",
            "pass_mark",
            "price_basis",
            "reference_tokeniser",
            "bid_security",
            "emd_pct",
            "performance_security_pct",
            "integrity_pact",
            "price_revision_cap_pct",
            "bids_received",
            "opened_at",
            "bids_sha256",
            "is_demo",
        )
        read_only_fields = fields

    def get_bids_received(self, obj: Tender) -> int:
        return selectors.sealed_bids(obj).count

    def get_opened_at(self, obj: Tender) -> str | None:
        opening = selectors.opening_of(obj)
        return opening.opened_at.isoformat() if opening else None

    def get_bids_sha256(self, obj: Tender) -> str | None:
        opening = selectors.opening_of(obj)
        return opening.bids_sha256 if opening else None


class TenderCreateSerializer(StrictSerializer):
    """A tender published from an approved planning decision of your department."""

    planning_decision = DepartmentScopedPrimaryKeyRelatedField(
        queryset=Decision.objects.all(),
        help_text=gettext_lazy("An approved decision of your department."),
    )
    reference = serializers.CharField(max_length=120)
    title = serializers.CharField(max_length=300)
    bid_deadline = StrictDateTimeField(help_text=gettext_lazy("At least 21 days from now."))
    opening_at = StrictDateTimeField(
        help_text=gettext_lazy("At or after the deadline, within 7 days.")
    )
    benchmark_description = serializers.CharField(max_length=TEXT)
    benchmark_rubric = serializers.CharField(max_length=TEXT)
    pass_mark = RangedDecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    price_basis = serializers.ChoiceField(choices=Tender.PriceBasis.choices)
    reference_tokeniser = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    bid_security = serializers.ChoiceField(choices=Tender.BidSecurity.choices)
    emd_pct = RangedDecimalField(
        max_digits=4, decimal_places=2, min_value=2, max_value=5, required=False, allow_null=True
    )
    performance_security_pct = RangedDecimalField(
        max_digits=4, decimal_places=2, min_value=3, max_value=5
    )
    integrity_pact = serializers.BooleanField()
    price_revision_cap_pct = RangedDecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=25
    )


class BidSerializer(serializers.ModelSerializer[Bid]):
    class Meta:
        model = Bid
        fields = (
            "id",
            "bidder_name",
            "offer",
            "local_content_pct",
            "local_content_certificate",
            "local_content_location",
            "mse",
            "udyam_number",
            "startup",
            "received_at",
            "is_demo",
        )
        read_only_fields = fields


class BidRecordSerializer(StrictSerializer):
    """A bid received before the deadline; ``offer`` holds its terms in the engine's offer
    format (the same fields as a catalogue offer: see a comparison's snapshot, inputs.offers)."""

    bidder_name = serializers.CharField(max_length=200)
    offer = serializers.DictField(
        help_text=gettext_lazy("The offer's terms, in the engine's offer format.")
    )
    local_content_pct = RangedDecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    local_content_certificate = serializers.ChoiceField(choices=Bid.Certificate.choices)
    local_content_location = serializers.CharField(max_length=200)
    mse = serializers.BooleanField()
    udyam_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    startup = serializers.BooleanField()
    received_at = StrictDateTimeField(help_text=gettext_lazy("Not after the deadline."))


class BidRecordedSerializer(serializers.Serializer[Any]):
    """A bid recorded: its id only, sealed until the opening."""

    id = serializers.IntegerField()
    sealed = serializers.BooleanField()


@extend_schema_view(
    list=extend_schema(
        summary="List your department's tenders",
        description="Newest first. `ordering`: published_at or bid_deadline (`-` reverses).",
        examples=[OpenApiExample("A page", page_of(TENDER_EXAMPLE), response_only=True)],
    ),
    retrieve=extend_schema(
        summary="A tender (its bids sealed until opened)",
        examples=[OpenApiExample("Tender", TENDER_EXAMPLE, response_only=True)],
    ),
)
class TenderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DepartmentScopedViewSet):
    """A department's tenders: published from an approved planning decision, bids recorded
    before the deadline, opened at or after the opening time (procurement officers)."""

    serializer_class = TenderSerializer
    ordering_fields = ["published_at", "bid_deadline"]
    conflict_actions = ("create", "bids", "open")
    action_permissions = {
        "create": "procurement.add_tender",
        "open": "procurement.add_bidopening",
    }

    def unscoped_queryset(self) -> QuerySet[Any]:
        return selectors.tender_rows()

    @extend_schema(
        summary="Publish a tender from an approved planning decision (procurement officer)",
        request=TenderCreateSerializer,
        responses={201: TenderSerializer},
        examples=[
            OpenApiExample("Publish", TENDER_CREATE_EXAMPLE, request_only=True),
            OpenApiExample("Published", TENDER_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def create(self, request: Request) -> Response:
        data = self.parse(TenderCreateSerializer)
        decision = data.pop("planning_decision")
        tender = tendering.tender_create(
            user=request.user,
            decision=decision,
            values=tendering.TenderValues(**{"emd_pct": None, **data}),
        )
        body = self.get_serializer(tender).data
        return self.created(body, body["url"])

    @extend_schema(
        methods=["GET"],
        summary="The bids of an opened tender",
        description="Answers 409 until the bids are opened: no bidder or figure is shown before.",
        filters=False,
        responses={200: BidSerializer(many=True)},
        examples=[OpenApiExample("Opened", [BID_EXAMPLE], response_only=True)],
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a bid received before the deadline (procurement officer)",
        request=BidRecordSerializer,
        responses={201: BidRecordedSerializer},
        examples=[
            OpenApiExample("A bid", BID_RECORD_EXAMPLE, request_only=True),
            OpenApiExample(
                "Recorded", {"id": 7, "sealed": True}, response_only=True, status_codes=["201"]
            ),
        ],
    )
    @action(detail=True, methods=["get", "post"])
    def bids(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        if request.method == "GET":
            if selectors.opening_of(tender) is None:
                raise ValidationError(
                    _("The bids are sealed until they are opened."), code=CONFLICT
                )
            return Response(BidSerializer(selectors.opened_bids(tender), many=True).data)
        if not request.user.has_perm("procurement.add_bid"):
            raise exceptions.PermissionDenied(_("Your role does not allow this."))
        data = self.parse(BidRecordSerializer)
        bid = tendering.bid_record(
            user=request.user,
            tender=tender,
            values=tendering.BidValues(provider=None, **{"udyam_number": "", **data}),
        )
        url = reverse("api:tender-detail", args=[tender.pk], request=request)
        return self.created({"id": bid.pk, "sealed": True}, url)

    @extend_schema(
        summary="Open the bids, at or after the opening time (procurement officer)",
        request=EmptyRequestSerializer,
        responses={200: TenderSerializer},
        examples=[
            OpenApiExample(
                "Opened",
                {
                    **TENDER_EXAMPLE,
                    "opened_at": "2026-12-19T16:02:00+05:30",
                    "bids_sha256": "9f2c…",
                },
                response_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        tendering.tender_open(user=request.user, tender=tender)
        return Response(self.get_serializer(selectors.get_tender_for_user(request.user, pk)).data)
