"""Engine inputs: the workload, the offers (with provider facts, price, certifications and quality
evidence), and dated FX rates. Frozen dataclasses; money and ratios are ``Decimal``.

Field names follow the catalogue models one-to-one (Provider → :class:`ProviderFacts`, Offering →
:class:`Offer`, PriceRecord → :class:`Price`, ...) so the service layer maps rows in one place.
Percentages are stored as percentages (``18`` means 18 %) and their names end in ``_pct``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

UseCase = Literal[
    "health", "legal", "education", "citizen_services", "agriculture", "finance", "general"
]
DataClassification = Literal[
    "public", "internal", "personal", "sensitive_personal", "category_a", "secret"
]
OperatorType = Literal[
    "government_cloud", "sovereign_cloud", "empanelled_commercial", "other_commercial"
]
Ownership = Literal["domestic", "foreign"]
MseStatus = Literal["none", "micro", "small"]
PricingMode = Literal["serverless", "dedicated"]
TrainingTerms = Literal["no_contractual", "no_policy_only", "opt_out", "yes", "unknown"]
CertificationKind = Literal[
    "iso27001",
    "iso27017",
    "iso27018",
    "iso20000",
    "soc2",
    "stqc",
    "meity_empanelment",
    "iso42001",
    "pci_dss",
    "other",
]
ProcurementCategory = Literal["non_consultancy", "consultancy"]
EvaluationMethod = Literal["l1", "qcbs"]
MatchPreference = Literal["mii_match_l1", "mse_match_l1"]

USE_CASES: frozenset[str] = frozenset(
    ("health", "legal", "education", "citizen_services", "agriculture", "finance", "general")
)
DATA_CLASSIFICATIONS: tuple[str, ...] = (
    "public",
    "internal",
    "personal",
    "sensitive_personal",
    "category_a",
    "secret",
)
OPERATOR_TYPES: frozenset[str] = frozenset(
    ("government_cloud", "sovereign_cloud", "empanelled_commercial", "other_commercial")
)
CERTIFICATION_KINDS: frozenset[str] = frozenset(
    (
        "iso27001",
        "iso27017",
        "iso27018",
        "iso20000",
        "soc2",
        "stqc",
        "meity_empanelment",
        "iso42001",
        "pci_dss",
        "other",
    )
)
TRAINING_TERMS: frozenset[str] = frozenset(
    ("no_contractual", "no_policy_only", "opt_out", "yes", "unknown")
)


@dataclass(frozen=True, slots=True)
class Operator:
    """The legal entity that owns and controls a data-centre region: its legal name, whether it
    is domestically or foreign owned, and its country of incorporation. Not the reseller: an
    Indian company reselling a foreign cloud's Mumbai region does not operate it.
    ``is_demo`` marks an operator invented for the demonstration catalogue."""

    name: str
    ownership: Ownership
    country: str
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class Region:
    """A cloud region where prompts are processed, or data or logs are stored, and its
    operator."""

    code: str
    country: str
    city: str
    operator_type: OperatorType
    operator: Operator


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    """Facts about the supplier that the procurement rules read.

    ``local_content_pct`` gives the Make in India class (Class-I ≥ 50, Class-II > 20, else
    non-local, thresholds from the policy). ``billing_country`` is the country of the contracting
    entity that invoices the buyer (it decides domestic GST versus foreign OIDAR IGST); when absent
    the headquarters country is used.
    """

    provider_id: str
    provider_name: str
    headquarters_country: str
    ownership: Ownership
    local_content_pct: Decimal
    mse_status: MseStatus = "none"
    land_border_country: bool = False
    dpiit_registered_until: dt.date | None = None
    billing_country: str | None = None
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class Price:
    """The price record effective on the decision date, in its own currency.

    Serverless offers use ``input_per_mtok``, ``cached_input_per_mtok`` (absent: cached input is
    billed at the input price) and ``output_per_mtok``, all per 1M tokens. Dedicated offers use
    ``gpu_hour_price``, ``output_tokens_per_sec_per_gpu`` (sustained, for this model),
    ``gpus_per_node`` and ``min_gpus``. Fields of the other pricing mode are ignored.
    ``onboarding_fee`` is paid in contract year 1, ``exit_fee`` at the end of the term.
    """

    currency: str
    source_url: str
    checked_on: dt.date
    input_per_mtok: Decimal | None = None
    cached_input_per_mtok: Decimal | None = None
    output_per_mtok: Decimal | None = None
    gpu_hour_price: Decimal | None = None
    output_tokens_per_sec_per_gpu: Decimal | None = None
    gpus_per_node: int = 1
    min_gpus: int = 1
    onboarding_fee: Decimal = Decimal(0)
    exit_fee: Decimal = Decimal(0)
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class Certification:
    """A certification or empanelment with its validity; ``expires_on`` None = no expiry stated."""

    kind: CertificationKind
    issuer: str
    issued_on: dt.date
    expires_on: dt.date | None = None
    evidence_url: str = ""
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class QualityEvaluation:
    """A quality score (0–100) for one use case in one language.

    Evidence is *certified* when the evaluator is accredited for this use case and language on
    the decision date (``evaluator_accredited``, until ``accredited_until`` inclusive when the
    accreditation has a term) and the decision date falls within ``evaluated_on`` …
    ``valid_until``.
    """

    use_case: UseCase
    language: str
    score: Decimal
    evaluator: str
    evaluator_accredited: bool
    method: str
    evaluated_on: dt.date
    valid_until: dt.date
    evidence_url: str = ""
    is_demo: bool = False
    accredited_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Offer:
    """One offering of one provider, priced serverless (per token) or dedicated (per GPU-hour)."""

    offer_id: str
    name: str
    model_name: str
    model_family: str
    open_weights: bool
    pricing_mode: PricingMode
    provider: ProviderFacts
    price: Price
    processing_regions: tuple[Region, ...]
    storage_regions: tuple[Region, ...]
    log_regions: tuple[Region, ...]
    context_window: int
    languages: tuple[str, ...]
    p95_latency_ms: int | None = None
    sla_availability_pct: Decimal | None = None
    trains_on_customer_data: TrainingTerms = "unknown"
    retention_days: int | None = None
    india_processing_guaranteed: bool = False
    deprecation_notice_days: int | None = None
    shutdown_date: dt.date | None = None
    pinned_snapshot: bool = False
    certifications: tuple[Certification, ...] = ()
    evaluations: tuple[QualityEvaluation, ...] = ()
    is_demo: bool = False

    def regions(self) -> tuple[Region, ...]:
        """Every region the offer names (processing, storage, logs), each once, in that order."""
        return tuple(
            dict.fromkeys((*self.processing_regions, *self.storage_regions, *self.log_regions))
        )

    def uses_demo_data(self) -> bool:
        """True when the offer or anything it carries is marked as demo data."""
        return (
            self.is_demo
            or self.provider.is_demo
            or self.price.is_demo
            or any(r.operator.is_demo for r in self.regions())
            or any(c.is_demo for c in self.certifications)
            or any(e.is_demo for e in self.evaluations)
        )


@dataclass(frozen=True, slots=True)
class MatchReply:
    """A supplier's answer to an invitation to match L1: under the Make in India order
    (``mii_match_l1``, para 3A(c), a Class-I supplier for the whole contract) or the MSE order
    (``mse_match_l1``, para 10, an MSE for its share). In planning mode the officer's assumption
    about the offer, in bid evaluation the supplier's recorded reply. An invited offer with no
    reply given is assumed to accept."""

    offer_id: str
    accepts: bool
    preference: MatchPreference = "mii_match_l1"


@dataclass(frozen=True, slots=True)
class TechnicalScore:
    """The technical score (0–100) the tender's evaluation committee gave a bid under QCBS: the
    mean over its members of each member's total of the criteria marks. In bid evaluation it
    replaces the mean certified quality score as the bid's technical score; ``source`` says
    whose marks they are."""

    offer_id: str
    score: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class FxRate:
    """A dated rate: 1 unit of ``currency`` = ``rate_to_inr`` rupees, from ``source``."""

    currency: str
    rate_to_inr: Decimal
    date: dt.date
    source: str
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class Workload:
    """What the buyer needs, over the whole contract.

    Volumes: ``requests_per_day`` in contract year 1, growing by ``annual_growth_pct`` a year;
    ``mean_input_tokens`` / ``mean_output_tokens`` per request; ``cached_input_share_pct`` of input
    tokens served from a prompt cache; ``peak_to_average`` sizes dedicated capacity.

    Procurement facts the rules read:
    ``procurement_category`` (an inference API or GPU-hour contract is a non-consultancy service,
    GFR Rules 197–206); ``evaluation_method`` (None: the policy's default);
    ``qcbs_technical_weight_pct`` (None: the policy's weight);
    ``quality_oriented_procurement_declared`` (DoE OM 29.10.2021, needed for QCBS in
    non-consultancy services); ``global_tender_approved`` (approval by Secretary (Coordination),
    Cabinet Secretariat, of a global tender enquiry up to and including ₹200 crore, GFR Rule
    161(iv)(b));
    ``buyer_gst_registered_business_use`` (a GST-registered buyer using the service for taxable
    business takes input tax credit, so tax is not a cost); ``estimated_value_inr`` (None: the
    engine derives it and says how).
    """

    use_case: UseCase
    languages: tuple[str, ...]
    requests_per_day: int
    mean_input_tokens: Decimal
    mean_output_tokens: Decimal
    term_years: int
    start_date: dt.date
    data_classification: tuple[DataClassification, ...]
    cached_input_share_pct: Decimal = Decimal(0)
    annual_growth_pct: Decimal = Decimal(0)
    peak_to_average: Decimal = Decimal(1)
    max_p95_latency_ms: int | None = None
    min_availability_pct: Decimal | None = None
    estimated_value_inr: Decimal | None = None
    procurement_category: ProcurementCategory = "non_consultancy"
    evaluation_method: EvaluationMethod | None = None
    qcbs_technical_weight_pct: Decimal | None = None
    quality_oriented_procurement_declared: bool = False
    global_tender_approved: bool = False
    buyer_gst_registered_business_use: bool = False
