"""The comparison engine: pure Python, no Django, no I/O (DESIGN §4).

One entry point, :func:`compare`, and the snapshot helpers :func:`build_snapshot`,
:func:`canonical_json`, :func:`fingerprint` and :func:`replay`. Inputs and outputs are frozen
dataclasses; money is ``Decimal`` in INR, rounded once to the paisa; the decision date is passed
in; results are deterministic and independent of input order. See docs/engine.md.
"""

from procurement.engine.award import (
    AwardDecision,
    AwardRules,
    Contender,
    Evaluation,
    StepSpec,
    apply_preferences,
    rank_offers,
)
from procurement.engine.compare import ROUNDING_RULE, compare, prepare
from procurement.engine.eligibility import check_eligibility
from procurement.engine.errors import EngineValidationError, FieldError
from procurement.engine.inputs import (
    Certification,
    CertificationKind,
    DataClassification,
    EvaluationMethod,
    FxRate,
    MseStatus,
    Offer,
    OperatorType,
    Ownership,
    Price,
    PricingMode,
    ProcurementCategory,
    ProviderFacts,
    QualityEvaluation,
    Region,
    TrainingTerms,
    UseCase,
    Workload,
)
from procurement.engine.jsontext import check_json_depth, load_json
from procurement.engine.loading import load_policy, load_workload, policy_to_dict
from procurement.engine.policy import Citation, Policy
from procurement.engine.results import (
    AwardOutcome,
    ComparisonResult,
    HostingBucket,
    Mechanism,
    MiiClass,
    OfferResult,
    PreferenceKind,
    Recommendation,
    RuleOutcome,
    SensitivityConfig,
    SensitivityResult,
    TcoBreakdown,
    TcoYear,
)
from procurement.engine.results import (
    Status as RuleStatus,
)
from procurement.engine.sensitivity import run_sensitivity
from procurement.engine.snapshot import (
    ReplayReport,
    SnapshotInputs,
    build_snapshot,
    canonical_json,
    fingerprint,
    load_inputs,
    load_results,
    replay,
    snapshot_schema,
)
from procurement.engine.tco import NPV_CONVENTION, compute_tco, select_fx
from procurement.engine.validation import validate_against_policy, validate_workload
from procurement.engine.version import ENGINE_VERSION

__all__ = [
    "ENGINE_VERSION",
    "NPV_CONVENTION",
    "ROUNDING_RULE",
    "AwardDecision",
    "CertificationKind",
    "DataClassification",
    "EvaluationMethod",
    "HostingBucket",
    "Mechanism",
    "MiiClass",
    "MseStatus",
    "OperatorType",
    "Ownership",
    "PreferenceKind",
    "PricingMode",
    "ProcurementCategory",
    "RuleStatus",
    "TrainingTerms",
    "UseCase",
    "AwardOutcome",
    "AwardRules",
    "Certification",
    "Citation",
    "ComparisonResult",
    "Contender",
    "EngineValidationError",
    "Evaluation",
    "FieldError",
    "FxRate",
    "Offer",
    "OfferResult",
    "Policy",
    "Price",
    "ProviderFacts",
    "QualityEvaluation",
    "Recommendation",
    "Region",
    "ReplayReport",
    "RuleOutcome",
    "SensitivityConfig",
    "SensitivityResult",
    "SnapshotInputs",
    "StepSpec",
    "TcoBreakdown",
    "TcoYear",
    "Workload",
    "apply_preferences",
    "build_snapshot",
    "canonical_json",
    "check_eligibility",
    "check_json_depth",
    "compare",
    "compute_tco",
    "fingerprint",
    "load_inputs",
    "load_json",
    "load_results",
    "load_policy",
    "load_workload",
    "policy_to_dict",
    "prepare",
    "rank_offers",
    "replay",
    "run_sensitivity",
    "select_fx",
    "snapshot_schema",
    "validate_against_policy",
    "validate_workload",
]
