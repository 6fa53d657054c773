"""Every stable code the engine emits, with what it means. Tests check that each code the engine
produces is listed here and that docs/engine.md documents each one; the UI and the justification
document can rely on them not changing meaning."""

from __future__ import annotations

from collections.abc import Mapping

OFFER_RULES: Mapping[str, str] = {
    "RESIDENCY": "processing, storage and log regions meet the rule of every data classification",
    "CERT_IN_LOGS": "logs kept in India as the CERT-In direction requires (a warning when held "
    "abroad, a failure where the residency rule requires logs in India)",
    "CLOUD_EMPANELMENT": "commercial cloud regions are empanelled and the offer holds the "
    "empanelment certification on the decision date",
    "CERTIFICATION": "a required certification is valid on the decision date",
    "CERTIFICATION_EXPIRY": "a valid certification lapses before the contract ends (warning)",
    "QUALITY": "certified, unexpired evidence for the use case meets the bar, per language",
    "LATENCY": "measured p95 latency within the workload's maximum",
    "AVAILABILITY": "SLA availability at least the workload's minimum",
    "LANGUAGES": "the offer supports every language of the workload",
    "CONTEXT_WINDOW": "a mean request fits the context window",
    "TERMS_TRAINING": "data-use terms acceptable (contractual no-training)",
    "TERMS_RETENTION": "retention of buyer data within the limit",
    "TERMS_DEPRECATION_NOTICE": "deprecation notice at least the minimum",
    "TERMS_SHUTDOWN": "announced shutdown before the contract ends",
    "TERMS_PINNED": "contract binds a floating model alias",
    "LAND_BORDER": "land-border-country supplier registered on the decision date",
    "PRICE_FX": "the price currency can be converted with a dated rate",
    "PRICE_STALE": "the price record is old, or dated after the decision",
    "DEMO_DATA": "demo data is used",
    "QCBS_MIN_TECHNICAL": "technical score at least the minimum qualifying score (QCBS)",
    "SUPPLIER_LOCAL_CONTENT": "Make in India class and who may bid (global tender enquiry)",
    "MII_LC_CERTIFICATE": "local content self-certified, or auditor-certified above the threshold",
}

COMPARISON_GATES: Mapping[str, str] = {
    "NO_CLOUD": "a classification allows no cloud at all",
    "ESTIMATED_VALUE": "the estimated value used by value-dependent rules, and its source",
    "MII_APPLICABILITY": "whether the Make in India order applies at this value",
    "GLOBAL_TENDER": "whether a global tender enquiry is permitted",
    "EVALUATION_METHOD": "the evaluation method and its formula",
    "QCBS_WEIGHT_CAP": "technical weight above the non-consultancy cap",
    "QCBS_NCS_VALUE": "QCBS for a non-consultancy service above the value limit",
    "QCBS_QOP_DECLARATION": "no quality-oriented procurement declaration recorded",
    "FX_STALE": "the FX rate used is old",
    "NO_ELIGIBLE_OFFER": "no offer passes every rule",
    "EVALUATION_TIE": "the two best offers tie",
    "DEMO_DATA": "the comparison uses demo data",
}

PREFERENCE_REASONS: Mapping[str, str] = {
    "AWARD_MOVED": "the price evaluation factor moved the award",
    "NO_CHANGE": "the price evaluation factor did not change the award",
    "MATCHED": "the first Class-I offer within the margin to accept matches L1 and takes the "
    "whole contract at L1",
    "CLASS_I_DECLINES": "every Class-I offer within the margin, invited in turn, declines to match",
    "NO_CLASS_I_WITHIN_MARGIN": "the lowest Class-I offer is above the margin",
    "NO_CLASS_I": "no eligible Class-I offer",
    "L1_IS_CLASS_I": "L1 is already Class-I",
    "QCBS_UNDEFINED": "the order defines no mechanism for QCBS and the pack gives no reading of "
    "L1 for it",
    "EXEMPT": "below the Make in India exemption threshold",
    "WITHIN_BAND": "a domestic offer within the premium or tie band takes the award",
    "OUTSIDE_BAND": "the best domestic offer is outside the band",
    "OVER_CAP": "the extra nominal rupees paid exceed the cap",
    "LAW_DECIDED": "the Make in India order decided the award; the authority's own policy may "
    "not change it",
    "NOT_IN_FORCE": "the schedule allows no premium on the decision date",
    "ALREADY_DOMESTIC": "the award is already domestic infrastructure",
    "NO_DOMESTIC": "no eligible domestic-infrastructure offer",
    "NO_ELIGIBLE_OFFER": "nothing to apply a preference to",
    "MSE_SHARE": "the MSEs within the band that accept supply the MSE share at the L1 price",
    "MSES_DECLINE": "every MSE within the band, invited, declines to match L1",
    "NO_MSE_WITHIN_BAND": "the lowest MSE offer is above L1 plus the band",
    "NO_MSE": "no other eligible offer is from a micro or small enterprise",
    "AWARDEE_IS_MSE": "the award already goes to a micro or small enterprise",
}
