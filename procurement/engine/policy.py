"""The policy pack: every rule the engine applies, as versioned data with its legal source.

A pack is a tree of frozen dataclasses loaded from JSON by :func:`load_policy`, which reports every
problem with the field it concerns. Each rule carries a :class:`Citation` of the primary instrument
it rests on (issuer, title, number, date, paragraph, public address) and a confidence tag:

* ``P`` — primary or near-verbatim rule text seen;
* ``S`` — secondary sources only ("reported, primary text not verified");
* ``M`` — recalled, unconfirmed;
* ``D`` — derived from a stated rule by arithmetic or reading;
* ``A`` — an assumption, or a choice made by the pack's own authority (e.g. a discount rate).

The engine shows the label of every rule that is not ``P`` next to the outcome it produced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from procurement.engine.i18n import _, gettext_noop
from procurement.engine.inputs import (
    CertificationKind,
    DataClassification,
    EvaluationMethod,
    OperatorType,
    TrainingTerms,
    UseCase,
)

Confidence = Literal["P", "S", "M", "D", "A"]
Location = Literal["processing", "storage", "logs"]
Severity = Literal["fail", "warning"]
CostBasis = Literal["npv", "nominal"]
SupplierLocation = Literal["domestic", "foreign"]
QcbsReading = Literal["not_defined", "ranked_first_as_l1"]


# In English; :func:`confidence_label` gives them in the active language.
CONFIDENCE_LABELS: Mapping[str, str] = {
    "P": gettext_noop("primary text seen"),
    "S": gettext_noop("reported, primary text not verified"),
    "M": gettext_noop("recalled, unconfirmed"),
    "D": gettext_noop("derived from a stated rule"),
    "A": gettext_noop("assumption or choice of this policy pack's authority"),
}


def confidence_label(confidence: str) -> str:
    """The words shown next to a rule's outcome for its confidence tag, in the active language
    (an unknown tag as it is)."""
    label = CONFIDENCE_LABELS.get(confidence)
    return confidence if label is None else _(label)


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a rule comes from: the primary instrument — its title (``document``), who issued it,
    its number and date when it has them — the paragraph relied on (``clause``) and a public
    address when one is known.

    ``comparable_practice`` names practice elsewhere (e.g. another country's rule of the same
    shape) for the reader's comparison only: it is never the authority for the rule.
    """

    document: str
    clause: str
    url: str | None = None
    issuer: str = ""
    number: str = ""
    date: dt.date | None = None
    comparable_practice: str = ""

    def instrument(self) -> str:
        """The instrument in words: issuer, title, number and date (e.g. "Ministry of Finance,
        Department of Expenditure: Office Memorandum No. F.1/3/2024-PPD dated 10.07.2024"); the
        words around the pack's own text ("No.", "dated") in the active language."""
        title = f"{self.issuer}: {self.document}" if self.issuer else self.document
        if self.date is None:
            if not self.number:
                return title
            return _("{instrument} No. {number}").format(instrument=title, number=self.number)
        date = f"{self.date:%d.%m.%Y}"
        if not self.number:
            return _("{instrument} dated {date}").format(instrument=title, date=date)
        return _("{instrument} No. {number} dated {date}").format(
            instrument=title, number=self.number, date=date
        )

    def text(self) -> str:
        """The whole citation in one line: the instrument, then the paragraph."""
        return f"{self.instrument()}, {self.clause}" if self.clause else self.instrument()


# Placeholders a clause of the library may use, each filled by the document from the pack and the
# workload (``procurement.documents.content``); the loader refuses any other. The descriptions are
# English, marked for the catalogue: translate them where they are shown.
CLAUSE_PLACEHOLDERS: Mapping[str, str] = {
    "country": gettext_noop("the country the data must stay in"),
    "locations": gettext_noop("what must stay there (processing, storage, logs)"),
    "operator_types": gettext_noop("the kinds of hosting operator allowed"),
    "certification": gettext_noop("the certification required"),
    "min_score": gettext_noop("the quality bar for the use case"),
    "use_case": gettext_noop("the workload's use case"),
    "languages": gettext_noop("the languages the workload serves"),
    "class_i_pct": gettext_noop("the Make in India Class-I local content"),
    "class_ii_pct": gettext_noop("the Make in India Class-II local content"),
    "lc_certificate_limit": gettext_noop(
        "the value above which an auditor certifies local content"
    ),
    "retention_days": gettext_noop("the longest retention allowed"),
    "notice_days": gettext_noop("the shortest notice before a model is retired"),
    "log_days": gettext_noop("how long logs are kept"),
    "log_country": gettext_noop("where logs are kept"),
    "availability_pct": gettext_noop("the workload's monthly availability"),
    "latency_ms": gettext_noop("the workload's 95th-percentile response time"),
}


@dataclass(frozen=True, slots=True)
class TenderClause:
    """A clause of the pack's clause library, worded to paste into a tender. ``text`` may hold
    placeholders in braces (``{country}``, the names of :data:`CLAUSE_PLACEHOLDERS`) that the
    document fills from the pack's rules and the workload; ``sources`` are the instruments the
    clause rests on, ``confidence`` how sure the pack is of them."""

    clause_id: str
    title: str
    text: str
    sources: tuple[Citation, ...]
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True, slots=True)
class Instrument:
    """The order, resolution or notification that empowers a buying authority to apply a
    preference the law itself does not give (e.g. a state government order, a PSU board
    resolution, a future central notification): who issued it, its number and date, where to
    read it, and how sure the pack is of it. ``is_demo`` marks an illustrative, fictional one."""

    issuer: str
    number: str
    date: dt.date
    title: str
    confidence: Confidence
    url: str | None = None
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class RuleRef:
    """The source of a rule whose parameters live elsewhere in the pack."""

    citation: Citation
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True, slots=True)
class ResidencyRule:
    """Where data of one classification may go.

    An offer passes when cloud use is allowed at all, every region of every listed location is in
    ``required_country`` (None: anywhere), every region's operator type is allowed (None: any),
    and, with ``require_processing_guarantee``, the provider guarantees in-country processing.
    ``rank`` orders strictness (higher is stricter); a workload must satisfy the rule of every one
    of its classification tags, and the strictest is named in the explanation.
    """

    classification: DataClassification
    rank: int
    cloud_allowed: bool
    required_country: str | None
    locations: tuple[Location, ...]
    allowed_operator_types: tuple[OperatorType, ...] | None
    require_processing_guarantee: bool
    citation: Citation
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True, slots=True)
class ResidencyPolicy:
    """The residency matrix: one rule per data classification."""

    rules: tuple[ResidencyRule, ...]


@dataclass(frozen=True, slots=True)
class LogsDirection:
    """A direction that logs of ICT systems be kept within ``country`` for ``retention_days``
    (CERT-In Directions of 28.04.2022). Checked on every offer: logs held elsewhere (or not
    stated) are a warning for every classification, and a failure for any classification whose
    residency rule requires logs in ``country``. ``softened_by`` records guidance said to relax
    it without amending it (CERT-In's FAQ of 18.05.2022)."""

    country: str
    retention_days: int
    citation: Citation
    confidence: Confidence
    softened_by: RuleRef | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class CloudEmpanelmentRule:
    """Commercial cloud must be an approved (empanelled) offering holding a valid certification.

    Applies when the workload carries any classification in ``applies_to``. Regions whose operator
    type is in ``commercial_operator_types`` must have an operator type in
    ``approved_operator_types``, and the offer must hold a ``certification_kind`` certification
    valid on the decision date. Government and sovereign clouds are not commercial.
    """

    applies_to: tuple[DataClassification, ...]
    commercial_operator_types: tuple[OperatorType, ...]
    approved_operator_types: tuple[OperatorType, ...]
    certification_kind: CertificationKind
    citation: Citation
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True, slots=True)
class CertificationRequirement:
    """A certification that must be valid on the decision date (for the listed classifications)."""

    kind: CertificationKind
    citation: Citation
    confidence: Confidence
    applies_to: tuple[DataClassification, ...] | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class CertificationPolicy:
    """Required certifications; optionally warn when one expires before the contract ends."""

    required: tuple[CertificationRequirement, ...]
    warn_if_expiring_during_term: bool
    expiry: RuleRef


@dataclass(frozen=True, slots=True)
class QualityBar:
    """The minimum certified score for a use case (``default`` applies to any other use case)."""

    use_case: UseCase | Literal["default"]
    min_score: Decimal


@dataclass(frozen=True, slots=True)
class QualityPolicy:
    """Quality bars met by certified evidence in every language the workload needs: the buying
    department's own objective specification (GFR Rule 144), tested in a tender by a buyer-run
    benchmark."""

    bars: tuple[QualityBar, ...]
    require_accredited_evaluator: bool
    citation: Citation
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True, slots=True)
class RequirementsPolicy:
    """Sources for the workload's own technical requirements (tender specification)."""

    latency: RuleRef
    availability: RuleRef
    languages: RuleRef
    context_window: RuleRef


@dataclass(frozen=True, slots=True)
class TrainingTermsRule:
    """Which data-use terms are acceptable (e.g. only a contractual no-training commitment)."""

    accepted: tuple[TrainingTerms, ...]
    severity: Severity
    citation: Citation
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True, slots=True)
class LimitRule:
    """A numeric contract-term limit (days), with the outcome when it is not met."""

    limit_days: int
    severity: Severity
    citation: Citation
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True, slots=True)
class SeverityRule:
    """A yes/no contract-term check and the outcome when it is not met."""

    severity: Severity
    citation: Citation
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True, slots=True)
class ContractTermsPolicy:
    """Automatic checks of the contract's data-use and lifecycle terms; each optional.

    ``max_retention`` and ``min_deprecation_notice`` compare days; ``shutdown`` flags a published
    shutdown before the contract ends; ``pinned_snapshot`` flags floating model aliases.
    """

    training: TrainingTermsRule | None = None
    max_retention: LimitRule | None = None
    min_deprecation_notice: LimitRule | None = None
    shutdown: SeverityRule | None = None
    pinned_snapshot: SeverityRule | None = None


@dataclass(frozen=True, slots=True)
class MiiPolicy:
    """Make in India thresholds (DPIIT PPP-MII Order 2017, revised 16.09.2020).

    Class-I: local content ≥ ``class_i_min_lc_pct``; Class-II: local content >
    ``class_ii_min_lc_pct_exclusive``; otherwise non-local. The order is not applied below
    ``exemption_below_inr``. Non-local suppliers may bid only in a global tender enquiry, which
    may not be issued for an estimated value up to and including ``gte_threshold_inr`` unless
    ``gte_approver`` has approved it (GFR Rule 161(iv)(b)). Above
    ``lc_certificate_above_inr`` local content needs an auditor's certificate.
    ``only_class_i_eligible`` models para 3(a) (sufficient local capacity notified).
    """

    class_i_min_lc_pct: Decimal
    class_ii_min_lc_pct_exclusive: Decimal
    classification: RuleRef
    exemption_below_inr: Decimal
    exemption: RuleRef
    gte_threshold_inr: Decimal
    gte: RuleRef
    lc_certificate_above_inr: Decimal
    lc_certificate: RuleRef
    only_class_i_eligible: bool
    only_class_i: RuleRef
    gte_approver: str = "the competent authority"


@dataclass(frozen=True, slots=True)
class QcbsCriterion:
    """One technical criterion a tender's evaluation committee marks under QCBS: what is
    judged, the evidence it is judged on, the most marks it carries (the criteria of a pack add
    up to 100), the guidance it is traced to, and practice abroad shown for comparison only."""

    criterion_id: str
    name: str
    max_marks: Decimal
    evidence: str
    basis: str
    comparable_practice: str = ""


@dataclass(frozen=True, slots=True)
class QcbsPolicy:
    """Quality and cost based selection: S = S_T × w_T + S_F × w_F, S_F = 100 × F_min / F.

    ``technical_weight_pct`` is w_T (w_F = 100 − w_T); it may not exceed
    ``max_technical_weight_pct`` (GFR Rule 192: 80 %). For a non-consultancy service of estimated
    value ≤ ``ncs_value_limit_inr`` a technical weight above ``ncs_max_technical_weight_pct`` is
    flagged. ``min_technical_score`` is the minimum qualifying technical score.
    ``normalise_technical`` scales S_T to 100 × T / T_max (common practice, not a GFR rule).
    ``criteria`` are the technical criteria a tender's committee marks (out of 100 in all);
    must-have requirements stay pass/fail eligibility, never marks.
    """

    technical_weight_pct: Decimal
    min_technical_score: Decimal
    max_technical_weight_pct: Decimal
    max_weight: RuleRef
    ncs_max_technical_weight_pct: Decimal
    ncs_value_limit_inr: Decimal
    ncs_cap: RuleRef
    citation: Citation
    confidence: Confidence
    normalise_technical: bool = False
    note: str = ""
    criteria: tuple[QcbsCriterion, ...] = ()


@dataclass(frozen=True, slots=True)
class EvaluationPolicy:
    """How offers are evaluated: the default method, the cost basis (NPV or nominal TCO), and
    the sources for L1, QCBS, ties and the estimated value used by value-dependent gates."""

    default_method: EvaluationMethod
    cost_basis: CostBasis
    l1: RuleRef
    qcbs: QcbsPolicy
    tie: RuleRef
    estimated_value: RuleRef


@dataclass(frozen=True, slots=True)
class MiiMatchL1Preference:
    """Make in India purchase preference (para 3A(c)): the Class-I offers within the margin of L1
    are invited to match L1 in ascending order of evaluated cost; the first to accept gets the
    whole contract at the L1 price; if all decline, the contract may go to L1.

    Statutory: it comes before every preference of the authority's own, and when it decides the
    award (L1 is Class-I, or a Class-I matched) no later preference may change it. Never a
    premium: the buyer pays L1. Defined for services evaluated on price alone only.
    ``boundary_inclusive``: a Class-I price exactly at L1 × (1 + margin) counts as within it.
    ``under_qcbs`` is how the pack applies it to a service evaluated by quality and cost, for
    which the order gives no procedure: ``not_defined`` (not applied, flagged) or
    ``ranked_first_as_l1`` (para 3A(c) with L1 read as the bid ranked first in the evaluation —
    the order defines L1 as the lowest bid "as adjudged in the evaluation process as per the
    tender"): Class-I bids priced within the margin of that bid's price are invited, in
    ascending order of price, to match it. ``under_qcbs_note`` says on what authority.
    """

    kind: Literal["mii_match_l1"]
    margin_pct: Decimal
    boundary_inclusive: bool
    citation: Citation
    confidence: Confidence
    boundary_note: str = ""
    note: str = ""
    under_qcbs: QcbsReading = "not_defined"
    under_qcbs_note: str = ""


@dataclass(frozen=True, slots=True)
class MseMatchL1Preference:
    """MSE purchase preference (Public Procurement Policy for Micro and Small Enterprises Order
    2012, para 10, as amended 09.11.2018): when the award goes to a supplier that is not a micro
    or small enterprise, MSEs whose price is within ``band_pct`` of L1 (L1 + 15 %) are invited,
    in ascending order of price, to bring their price down to L1; those that accept supply
    ``share_pct`` (25 %) of the tendered value between them, in equal parts, at the L1 price.
    The award and the price paid do not change; the share is recorded.

    Statutory, like the Make in India order. Which of the two comes first when both apply is
    the order of the pack's preferences: no instrument found settles it, and
    ``precedence_note`` says so. ``under_qcbs`` as for the Make in India preference.
    """

    kind: Literal["mse_match_l1"]
    band_pct: Decimal
    share_pct: Decimal
    citation: Citation
    confidence: Confidence
    precedence_note: str = ""
    note: str = ""
    under_qcbs: QcbsReading = "not_defined"


@dataclass(frozen=True, slots=True)
class PremiumStep:
    """From ``effective_from`` (decision dates on or after it) the premium is ``premium_pct``."""

    effective_from: dt.date
    premium_pct: Decimal


@dataclass(frozen=True, slots=True)
class TransitionPremiumPreference:
    """The buying authority's own transition premium for domestic infrastructure.

    NOT the Make in India order (which never pays above L1). A domestic offer may be chosen over
    the current award when its evaluated cost ≤ (1 + p) × the award's cost and the extra nominal
    rupees paid are within ``cap_inr`` (None: no cap). p comes from ``schedule`` at the decision
    date (0 before the first step). It moves an award only when ``instrument`` records the order
    that empowers the authority; without one it is a policy scenario, reported, never applied.
    """

    kind: Literal["transition_premium"]
    authority: str
    schedule: tuple[PremiumStep, ...]
    citation: Citation
    confidence: Confidence
    cap_inr: Decimal | None = None
    instrument: Instrument | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class PriceEvaluationFactorPreference:
    """Add ``factor_pct`` to the cost of non-domestic offers for evaluation only (e.g. US Buy
    American 20 %/30 %); the buyer pays the awarded offer's own price. Applied only under an
    empowering ``instrument``; without one it is a policy scenario."""

    kind: Literal["price_evaluation_factor"]
    factor_pct: Decimal
    citation: Citation
    confidence: Confidence
    instrument: Instrument | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class TieBandPreference:
    """Prefer a domestic offer whose cost is within ``band_pct`` of the award (e.g. EU 3 %).
    Applied only under an empowering ``instrument``; without one it is a policy scenario."""

    kind: Literal["tie_band"]
    band_pct: Decimal
    citation: Citation
    confidence: Confidence
    instrument: Instrument | None = None
    note: str = ""


Preference = (
    MiiMatchL1Preference
    | MseMatchL1Preference
    | TransitionPremiumPreference
    | PriceEvaluationFactorPreference
    | TieBandPreference
)
OwnPreference = TransitionPremiumPreference | PriceEvaluationFactorPreference | TieBandPreference


def is_statutory(pref: Preference) -> bool:
    """Whether the law itself gives the preference (the Make in India and MSE orders); every
    other one is the buying authority's own and needs an empowering instrument to move an
    award."""
    return isinstance(pref, MiiMatchL1Preference | MseMatchL1Preference)


def instrument_of(pref: Preference) -> Instrument | None:
    """The instrument that empowers a preference of the authority's own (None for a statutory
    one, which needs none, and for one the pack records none for: a policy scenario)."""
    if isinstance(pref, MiiMatchL1Preference | MseMatchL1Preference):
        return None
    return pref.instrument


@dataclass(frozen=True, slots=True)
class TaxRule:
    """The tax a supplier of this location charges the buyer on an inference service."""

    rule_id: str
    supplier_location: SupplierLocation
    levy: str
    rate_pct: Decimal
    citation: Citation
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True, slots=True)
class TaxPolicy:
    """Tax rules by supplier location; ``input_tax_credit`` cites why a GST-registered buyer using
    the service for taxable business bears no tax cost."""

    rules: tuple[TaxRule, ...]
    input_tax_credit: RuleRef


@dataclass(frozen=True, slots=True)
class FinancePolicy:
    """Discount rate for NPV, expected annual INR depreciation against foreign currencies, and the
    target utilisation used to size dedicated capacity."""

    discount_rate_pct: Decimal
    discount_rate: RuleRef
    expected_inr_depreciation_pct: Decimal
    depreciation: RuleRef
    dedicated_target_utilisation_pct: Decimal
    utilisation: RuleRef


@dataclass(frozen=True, slots=True)
class DomesticInfrastructure:
    """What counts as domestic infrastructure (for preferences and the national share).

    Every region of every listed location is in ``home_country`` and operated there: with
    ``require_operator_domestic_ownership`` its operator (the legal entity that owns and controls
    the data-centre region) is domestically owned; with ``require_operator_incorporated_in_home``
    the operator is incorporated in ``home_country``. The supplier who resells the capacity does
    not decide it: its own headquarters and ownership count only for tax and Make in India.
    """

    home_country: str
    locations: tuple[Location, ...]
    require_operator_domestic_ownership: bool
    require_operator_incorporated_in_home: bool
    citation: Citation
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True, slots=True)
class DataQualityPolicy:
    """When a catalogue price or an FX rate is old enough to warn about."""

    price_stale_after_days: int
    fx_stale_after_days: int
    citation: Citation
    confidence: Confidence


@dataclass(frozen=True, slots=True)
class ProcurementMode:
    """The mode of procurement an estimated value allows: every value up to ``up_to_inr``
    (inclusive; None: no upper limit) above the previous mode's limit. Read by the
    justification document to suggest how to buy; it decides no eligibility."""

    up_to_inr: Decimal | None
    mode: str
    citation: Citation
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    """A versioned policy pack. Preferences apply in the order listed (statutory first).
    ``is_demo`` marks an illustrative pack (e.g. a fictional authority's): every comparison under
    it is marked as using demo data."""

    pack_id: str
    version: int
    title: str
    jurisdiction: str
    authority: str
    effective_from: dt.date
    residency: ResidencyPolicy
    certifications: CertificationPolicy
    quality: QualityPolicy
    requirements: RequirementsPolicy
    contract_terms: ContractTermsPolicy
    evaluation: EvaluationPolicy
    preferences: tuple[Preference, ...]
    taxes: TaxPolicy
    finance: FinancePolicy
    domestic_infrastructure: DomesticInfrastructure
    data_quality: DataQualityPolicy
    cloud_empanelment: CloudEmpanelmentRule | None = None
    logs_direction: LogsDirection | None = None
    mii: MiiPolicy | None = None
    land_border: RuleRef | None = None
    procurement_modes: tuple[ProcurementMode, ...] = ()
    clauses: tuple[TenderClause, ...] = ()
    description: str = ""
    is_demo: bool = False

    def residency_rule(self, classification: str) -> ResidencyRule | None:
        """The residency rule for one classification, or None when the pack has none."""
        for rule in self.residency.rules:
            if rule.classification == classification:
                return rule
        return None

    def clause(self, clause_id: str) -> TenderClause | None:
        """The clause of the library with this id, or None when the pack has none."""
        for clause in self.clauses:
            if clause.clause_id == clause_id:
                return clause
        return None

    def quality_bar(self, use_case: str) -> Decimal | None:
        """The minimum certified score for ``use_case`` (falling back to ``default``)."""
        default: Decimal | None = None
        for bar in self.quality.bars:
            if bar.use_case == use_case:
                return bar.min_score
            if bar.use_case == "default":
                default = bar.min_score
        return default

    def tax_rule(self, location: str) -> TaxRule | None:
        """The tax rule for a domestic or foreign supplier."""
        for rule in self.taxes.rules:
            if rule.supplier_location == location:
                return rule
        return None

    def procurement_mode(self, estimated_value_inr: Decimal) -> ProcurementMode | None:
        """The first mode whose limit the estimated value does not exceed (None: no modes)."""
        for mode in self.procurement_modes:
            if mode.up_to_inr is None or estimated_value_inr <= mode.up_to_inr:
                return mode
        return None

    def transition_premium_pct(self, on: dt.date) -> Decimal:
        """The transition premium in force on ``on`` (0 when the pack has none or not yet)."""
        for pref in self.preferences:
            if isinstance(pref, TransitionPremiumPreference):
                return premium_in_force(pref, on)
        return Decimal(0)


def premium_in_force(pref: TransitionPremiumPreference, on: dt.date) -> Decimal:
    """The premium of the latest schedule step effective on or before ``on``; 0 before the first."""
    pct = Decimal(0)
    for step in sorted(pref.schedule, key=lambda s: s.effective_from):
        if step.effective_from <= on:
            pct = step.premium_pct
    return pct
