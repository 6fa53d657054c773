"""The provider catalogue: who sells AI inference, where it runs, at what price, how good it is.

Every fact that a comparison relies on carries where it came from (``source_url``) and when it
was checked (``checked_on``); anything invented for the demonstration catalogue has ``is_demo``
set and is shown as demo data wherever it appears. The database refuses what must never be
stored (negative prices, scores outside 0–100, expiry before issue, local content outside
0–100, a billing country that is not a country code) with CHECK constraints, so no code path can
write it.

Choices come from ``procurement.labels``, whose tables are built from the comparison engine's own
enumerations: the catalogue cannot hold a value the engine does not know.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Self, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from procurement import labels

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
HOME_COUNTRY = "IN"


class WebURLField(models.URLField[str, str]):
    """A web address: http or https only (Django's URLField also takes ftp and ftps). Pages show
    these as links, so nothing else may be stored."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class Provenance(models.Model):
    """Where a fact came from and when it was last checked against that source."""

    source_url = WebURLField(
        max_length=500, blank=True, help_text="Public page the figure was read from."
    )
    source_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="How the source was used, e.g. 'transcription of the pricing page [S]'.",
    )
    checked_on = models.DateField(
        null=True, blank=True, help_text="Date the figure was checked against its source."
    )
    is_demo = models.BooleanField(
        default=False,
        help_text="Invented for the demonstration catalogue: never use it in a real procurement.",
    )

    class Meta:
        abstract = True


class Language(models.Model):
    code = models.CharField(max_length=3, primary_key=True, help_text="ISO 639-1, e.g. 'hi'.")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Provider(Provenance):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, help_text="Name as officers know it.")
    legal_name = models.CharField(max_length=200)
    headquarters_country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2.")
    billing_country = models.CharField(
        max_length=2,
        blank=True,
        help_text="Country of the company that sends the invoice (ISO 3166-1 alpha-2, e.g. IN): "
        "it decides whether Indian GST or the IGST on services bought from abroad applies. "
        "Leave blank when the invoice comes from the headquarters country.",
    )
    ownership = models.CharField(max_length=10, choices=labels.OWNERSHIP.choices)
    local_content_pct = models.DecimalField(
        "local content %",
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        help_text="Make-in-India local content: Class-I ≥ 50 %, Class-II > 20 %, else non-local.",
    )
    mse_status = models.CharField(max_length=5, choices=labels.MSE_STATUS.choices, default="none")
    land_border_country = models.BooleanField(
        default=False,
        help_text="Bidder from a country sharing a land border with India (GFR Rule 144(xi)).",
    )
    dpiit_registered_until = models.DateField(
        null=True,
        blank=True,
        help_text="DPIIT Registration Committee registration, needed by land-border bidders.",
    )
    website = WebURLField(blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_content_pct__gte=0) & Q(local_content_pct__lte=100),
                name="provider_local_content_0_100",
            ),
            models.CheckConstraint(
                condition=Q(billing_country="") | Q(billing_country__regex=r"^[A-Z]{2}$"),
                name="provider_billing_country_alpha2",
                violation_error_message="The billing country must be blank or a two-letter "
                "country code in capitals, such as IN.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def mii_class(self) -> str:
        """Make-in-India supplier class from local content (Order 2017, para 2)."""
        if self.local_content_pct >= 50:
            return "Class-I"
        if self.local_content_pct > 20:
            return "Class-II"
        return "Non-local"


class Region(Provenance):
    """A hosting region and its operator: the legal entity that owns and controls the
    data-centre region. Domestic infrastructure follows the operator, not the provider that
    resells the region (the policy pack's definition)."""

    code = models.SlugField(max_length=80, unique=True, help_text="e.g. 'aws-ap-south-1'.")
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2.")
    city = models.CharField(max_length=80)
    operator_type = models.CharField(max_length=30, choices=labels.OPERATOR_TYPE.choices)
    operator_name = models.CharField(
        "operator",
        max_length=200,
        help_text="Legal name of the company that owns and controls the data-centre region "
        "(not a reseller of it).",
    )
    operator_ownership = models.CharField(
        "operator ownership",
        max_length=10,
        choices=labels.OWNERSHIP.choices,
        help_text="Whether the operator is domestically or foreign owned.",
    )
    operator_country = models.CharField(
        "operator's country of incorporation",
        max_length=2,
        help_text="ISO 3166-1 alpha-2, e.g. IN for a company incorporated in India.",
    )
    operator_source_note = models.CharField(
        "operator source",
        max_length=300,
        blank=True,
        help_text="Where the operator's name, ownership and country come from, with the "
        "confidence tag.",
    )
    operator_is_demo = models.BooleanField(
        "operator is demo data",
        default=False,
        help_text="The operator's details were invented for the demonstration catalogue.",
    )

    class Meta:
        ordering = ["country", "city", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(operator_country__regex=r"^[A-Z]{2}$"),
                name="region_operator_country_alpha2",
                violation_error_message="The operator's country must be a two-letter country "
                "code in capitals, such as IN.",
            ),
            models.CheckConstraint(
                condition=Q(operator_ownership__in=labels.OWNERSHIP.codes),
                name="region_operator_ownership_known",
                violation_error_message="The operator's ownership must be domestic or foreign.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.country})"

    @property
    def in_india(self) -> bool:
        return self.country == HOME_COUNTRY

    @property
    def operator_label(self) -> str:
        """Who operates the region, in words (as on the comparison page and the PDF)."""
        return labels.operator(self.operator_name, self.operator_ownership, self.operator_country)


# Generic so that a selector's annotations and prefetches (``prices_in_force``) keep their types.
_Offering = TypeVar("_Offering", bound="Offering", covariant=True)


class OfferingQuerySet(models.QuerySet[_Offering]):
    def hosted_in_india(self) -> Self:
        """Offerings whose prompts are processed, and data and logs stored, only in India.

        An offering with no processing region recorded is not hosted anywhere we know of.
        """

        def regions(field: str, *, outside: bool) -> Exists:
            links = getattr(Offering, field).through.objects.filter(offering=OuterRef("pk"))
            if outside:
                links = links.exclude(region__country=HOME_COUNTRY)
            return Exists(links)

        return self.filter(regions("processing_regions", outside=False)).exclude(
            regions("processing_regions", outside=True)
            | regions("storage_regions", outside=True)
            | regions("log_regions", outside=True)
        )

    def with_language(self, code: str) -> Self:
        return self.filter(languages__code=code).distinct()


class Offering(Provenance):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offerings")
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=160)
    model_name = models.CharField(max_length=120, help_text="Model identifier, e.g. 'gpt-4o-mini'.")
    model_family = models.CharField(max_length=80, help_text="e.g. 'Llama 3', 'Sarvam'.")
    open_weights = models.BooleanField(default=False)
    pricing_mode = models.CharField(max_length=12, choices=labels.PRICING_MODE.choices)
    gpu_type = models.CharField(
        max_length=60,
        blank=True,
        help_text="Dedicated offerings: the accelerator, e.g. 'H100 80GB'.",
    )
    processing_regions = models.ManyToManyField(
        Region, related_name="processing_offerings", help_text="Where prompts are processed."
    )
    storage_regions = models.ManyToManyField(
        Region, related_name="storage_offerings", help_text="Where customer data is stored."
    )
    log_regions = models.ManyToManyField(
        Region, related_name="log_offerings", help_text="Where logs are kept."
    )
    context_window = models.PositiveIntegerField(help_text="Tokens.")
    languages = models.ManyToManyField(Language, related_name="offerings")
    p95_latency_ms = models.PositiveIntegerField("measured p95 latency (ms)", null=True, blank=True)
    sla_availability_pct = models.DecimalField(
        "SLA availability %",
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    trains_on_customer_data = models.CharField(
        max_length=16, choices=labels.TRAINING_TERMS.choices, default="unknown"
    )
    retention_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Longest retention of any customer data; blank if unknown."
    )
    india_processing_guaranteed = models.BooleanField(
        default=False, help_text="Contractual guarantee that inference runs only in India."
    )
    deprecation_notice_days = models.PositiveIntegerField(null=True, blank=True)
    shutdown_date = models.DateField(null=True, blank=True)
    pinned_snapshot = models.BooleanField(
        default=False, help_text="A dated model snapshot, not a floating alias."
    )
    litellm_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text="Key in LiteLLM's price file whose prices this offering follows.",
    )

    objects = OfferingQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sla_availability_pct__isnull=True)
                | (Q(sla_availability_pct__gte=0) & Q(sla_availability_pct__lte=100)),
                name="offering_availability_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider.name} — {self.name}"


class PriceRecord(Provenance):
    """A price effective from a date until the next record of the same offering.

    Serverless offerings are priced per 1M input, cached-input and output tokens; dedicated ones
    per GPU-hour, with the sustained output throughput one GPU gives for this model and the node
    size capacity is sold in.
    """

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="prices")
    effective_from = models.DateField()
    currency = models.CharField(max_length=3, help_text="ISO 4217, e.g. INR or USD.")
    input_per_mtok = models.DecimalField(
        "input per 1M tokens",
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    cached_input_per_mtok = models.DecimalField(
        "cached input per 1M tokens",
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    output_per_mtok = models.DecimalField(
        "output per 1M tokens",
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    gpu_hour_price = models.DecimalField(
        "price per GPU-hour",
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    output_tokens_per_sec_per_gpu = models.DecimalField(
        "sustained output tokens/s per GPU",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    gpus_per_node = models.PositiveIntegerField(null=True, blank=True)
    min_gpus = models.PositiveIntegerField(null=True, blank=True)
    onboarding_fee = models.DecimalField(
        max_digits=16, decimal_places=2, default=Decimal("0"), validators=NON_NEGATIVE
    )
    exit_fee = models.DecimalField(
        max_digits=16, decimal_places=2, default=Decimal("0"), validators=NON_NEGATIVE
    )

    class Meta:
        ordering = ["offering", "-effective_from"]
        get_latest_by = "effective_from"
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "effective_from"], name="price_one_per_offering_and_date"
            ),
            models.CheckConstraint(
                condition=(Q(input_per_mtok__isnull=True) | Q(input_per_mtok__gte=0))
                & (Q(cached_input_per_mtok__isnull=True) | Q(cached_input_per_mtok__gte=0))
                & (Q(output_per_mtok__isnull=True) | Q(output_per_mtok__gte=0))
                & (Q(gpu_hour_price__isnull=True) | Q(gpu_hour_price__gte=0))
                & Q(onboarding_fee__gte=0)
                & Q(exit_fee__gte=0),
                name="price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(output_tokens_per_sec_per_gpu__isnull=True)
                | Q(output_tokens_per_sec_per_gpu__gt=0),
                name="price_throughput_positive",
            ),
            models.CheckConstraint(
                condition=(
                    Q(input_per_mtok__isnull=False)
                    & Q(output_per_mtok__isnull=False)
                    & Q(gpu_hour_price__isnull=True)
                )
                | (
                    Q(gpu_hour_price__isnull=False)
                    & Q(output_tokens_per_sec_per_gpu__isnull=False)
                    & Q(gpus_per_node__isnull=False)
                    & Q(input_per_mtok__isnull=True)
                    & Q(output_per_mtok__isnull=True)
                ),
                name="price_complete_for_one_mode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering} from {self.effective_from}"

    def clean(self) -> None:
        mode = self.offering.pricing_mode if self.offering_id else None
        errors: dict[str, str] = {}
        if mode == "serverless":
            for field in ("input_per_mtok", "output_per_mtok"):
                if getattr(self, field) is None:
                    errors[field] = "A serverless offering needs input and output token prices."
            if self.gpu_hour_price is not None:
                errors["gpu_hour_price"] = "A serverless offering is not priced per GPU-hour."
        elif mode == "dedicated":
            for field in ("gpu_hour_price", "output_tokens_per_sec_per_gpu", "gpus_per_node"):
                if getattr(self, field) is None:
                    errors[field] = (
                        "A dedicated offering needs the GPU-hour price, the sustained output "
                        "tokens/s per GPU and the node size."
                    )
            for field in ("input_per_mtok", "cached_input_per_mtok", "output_per_mtok"):
                if getattr(self, field) is not None:
                    errors[field] = "A dedicated offering is not priced per token."
        if errors:
            raise ValidationError(errors)


class Certification(Provenance):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="certifications")
    offering = models.ForeignKey(
        Offering,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certifications",
        help_text="Blank when the certificate covers the whole provider.",
    )
    kind = models.CharField(max_length=20, choices=labels.CERTIFICATION_KIND.choices)
    issuer = models.CharField(max_length=160)
    reference = models.CharField(max_length=120, blank=True, help_text="Certificate number.")
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="Blank if it does not expire.")
    evidence_url = WebURLField(max_length=500, blank=True)

    class Meta:
        ordering = ["provider", "kind", "-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("issued_on")),
                name="certification_expires_after_issue",
            ),
            models.UniqueConstraint(
                fields=["provider", "kind", "issued_on"],
                condition=Q(offering__isnull=True),
                name="certification_unique_provider_kind_issue",
            ),
            models.UniqueConstraint(
                fields=["provider", "offering", "kind", "issued_on"],
                condition=Q(offering__isnull=False),
                name="certification_unique_offering_kind_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.provider}"

    def clean(self) -> None:
        if self.expires_on and self.issued_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": "The expiry date is before the issue date."})
        if self.provider_id and self.offering and self.offering.provider_id != self.provider_id:
            raise ValidationError({"offering": "This offering belongs to another provider."})

    def valid_on(self, day: dt.date) -> bool:
        return self.issued_on <= day and (self.expires_on is None or day <= self.expires_on)


class Evaluator(Provenance):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=160)
    accredited = models.BooleanField(
        default=False, help_text="Only accredited evaluators' scores count towards a quality bar."
    )
    accreditation = models.CharField(
        max_length=200, blank=True, help_text="Who accredited the evaluator, under what scheme."
    )
    website = WebURLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QualityEvaluation(Provenance):
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="evaluations")
    evaluator = models.ForeignKey(Evaluator, on_delete=models.PROTECT, related_name="evaluations")
    use_case = models.CharField(max_length=20, choices=labels.USE_CASE.choices)
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="evaluations")
    score = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT)
    method = models.CharField(max_length=300, help_text="Test set, size and scoring method.")
    evaluated_on = models.DateField()
    valid_until = models.DateField()
    evidence_url = WebURLField(max_length=500, blank=True)

    class Meta:
        ordering = ["offering", "use_case", "language"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="evaluation_score_0_100"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("evaluated_on")),
                name="evaluation_valid_after_evaluated",
            ),
            models.UniqueConstraint(
                fields=["offering", "evaluator", "use_case", "language", "evaluated_on"],
                name="evaluation_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering} — {self.use_case}/{self.language_id}: {self.score}"

    def clean(self) -> None:
        if self.valid_until and self.evaluated_on and self.valid_until < self.evaluated_on:
            raise ValidationError({"valid_until": "Valid-until is before the evaluation date."})


class FxRate(Provenance):
    currency = models.CharField(max_length=3, help_text="ISO 4217, e.g. USD.")
    rate_to_inr = models.DecimalField(
        "₹ per unit",
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    date = models.DateField()

    class Meta:
        ordering = ["currency", "-date"]
        get_latest_by = "date"
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="fx_one_per_currency_date"),
            models.CheckConstraint(condition=Q(rate_to_inr__gt=0), name="fx_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = ₹{self.rate_to_inr} on {self.date}"
