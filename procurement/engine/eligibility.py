"""Eligibility rules: each returns pass / fail / warning with a stable code, a
sentence with the numbers in it, and the citation and confidence of the rule in the policy pack.

Rules that do not depend on the estimated value run first (:func:`check_value_independent`);
the estimated value may be derived from their result, and then the value-dependent rules run
(:func:`check_value_dependent`). :func:`check_eligibility` runs both for one offer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from procurement.engine.facts import (
    accredited_on,
    best_certified_evaluation,
    certification_valid_on,
    contract_end,
    mii_class,
    regions_at,
)
from procurement.engine.inputs import FxRate, Offer, Region, TechnicalScore, Workload
from procurement.engine.numbers import (
    ZERO,
    ceil_int,
    engine_precision,
    format_indian,
    format_inr,
    format_num,
    format_pct,
)
from procurement.engine.policy import (
    Citation,
    Confidence,
    MiiPolicy,
    Policy,
    ResidencyRule,
    RuleRef,
    confidence_label,
)
from procurement.engine.results import EstimatedValue, FxUsed, MiiClass, RuleOutcome, Status
from procurement.engine.tco import select_fx

MII_CLASS_NAMES: dict[str, str] = {
    "class_i": "Class-I local supplier",
    "class_ii": "Class-II local supplier",
    "non_local": "Non-local supplier",
}


def outcome(
    code: str,
    status: Status,
    message: str,
    citation: Citation,
    confidence: Confidence,
    subject: str = "",
) -> RuleOutcome:
    """Build a rule outcome, attaching the words for its confidence tag."""
    return RuleOutcome(
        code=code,
        status=status,
        message=message,
        citation=citation,
        confidence=confidence,
        confidence_label=confidence_label(confidence),
        subject=subject,
    )


def from_ref(
    code: str, status: Status, message: str, ref: RuleRef, subject: str = ""
) -> RuleOutcome:
    """An outcome whose source is a :class:`RuleRef` of the pack."""
    return outcome(code, status, message, ref.citation, ref.confidence, subject)


def format_inr_short(amount: Decimal) -> str:
    """Thresholds in the words officers use: ₹5 lakh, ₹10 crore, ₹200 crore."""
    if amount >= 10_000_000 and amount % 100_000 == 0:
        return f"₹{format_indian(amount / 10_000_000)} crore"
    if amount >= 100_000 and amount % 1_000 == 0:
        return f"₹{format_indian(amount / 100_000)} lakh"
    return format_inr(amount)


def evaluation_method(workload: Workload, policy: Policy) -> str:
    """The workload's chosen method, or the pack's default."""
    return workload.evaluation_method or policy.evaluation.default_method


def _region_list(regions: tuple[Region, ...]) -> str:
    if not regions:
        return "none stated"
    return ", ".join(f"{r.code} ({r.city + ', ' if r.city else ''}{r.country})" for r in regions)


def describe_residency(rule: ResidencyRule) -> str:
    """What a residency rule requires, in words."""
    if not rule.cloud_allowed:
        return "may not be processed on any cloud"
    places = " and ".join(rule.locations) if rule.locations else "no location"
    parts: list[str] = []
    if rule.required_country is not None:
        parts.append(f"{places} only in {rule.required_country}")
    if rule.allowed_operator_types is not None:
        parts.append(f"run only by {' or '.join(rule.allowed_operator_types)} operators")
    if rule.require_processing_guarantee:
        parts.append("with in-country processing guaranteed by the provider")
    return "requires " + "; ".join(parts) if parts else "may be processed anywhere"


def _residency_problems(offer: Offer, rule: ResidencyRule) -> list[str]:
    if not rule.cloud_allowed:
        return ["is a cloud service"]
    problems: list[str] = []
    for location in rule.locations:
        regions = regions_at(offer, location)
        if not regions and (rule.required_country or rule.allowed_operator_types):
            problems.append(f"states no {location} region")
        for r in regions:
            if rule.required_country is not None and r.country != rule.required_country:
                problems.append(f"has {location} in {r.code} ({r.country})")
            if (
                rule.allowed_operator_types is not None
                and r.operator_type not in rule.allowed_operator_types
            ):
                problems.append(f"has {location} in {r.code} run as {r.operator_type}")
    if rule.require_processing_guarantee and not offer.india_processing_guaranteed:
        problems.append("does not guarantee in-country processing")
    return problems


def check_residency(workload: Workload, offer: Offer, policy: Policy) -> RuleOutcome:
    """RESIDENCY: the offer satisfies the rule of every classification tag of the workload
    (so the strictest tag wins); processing, storage and log locations all count."""
    rules = [policy.residency_rule(tag) for tag in workload.data_classification]
    ordered = sorted((r for r in rules if r is not None), key=lambda r: -r.rank)
    strictest = ordered[0]
    for rule in ordered:
        problems = _residency_problems(offer, rule)
        if problems:
            tail = (
                ""
                if rule is strictest
                else f" The strictest tag on this workload is '{strictest.classification}'."
            )
            return outcome(
                "RESIDENCY",
                "fail",
                f"Data classified '{rule.classification}' {describe_residency(rule)}; this offer "
                f"{'; '.join(problems)}.{tail}",
                rule.citation,
                rule.confidence,
            )
    return outcome(
        "RESIDENCY",
        "pass",
        f"Meets the rule for '{strictest.classification}' data, the strictest tag on this "
        f"workload ({describe_residency(strictest)}): processing "
        f"{_region_list(offer.processing_regions)}; storage {_region_list(offer.storage_regions)}; "
        f"logs {_region_list(offer.log_regions)}.",
        strictest.citation,
        strictest.confidence,
    )


def check_logs_direction(workload: Workload, offer: Offer, policy: Policy) -> RuleOutcome | None:
    """CERT_IN_LOGS: logs of ICT systems kept within the direction's country (CERT-In Directions
    of 28.04.2022, para (iv)). Logs held elsewhere, or with no location stated, are a warning for
    every classification (with the FAQ that softened it, at its confidence) and a failure for any
    classification whose residency rule requires logs in that country."""
    direction = policy.logs_direction
    if direction is None:
        return None
    home = direction.country
    elsewhere = [r for r in offer.log_regions if r.country != home]
    if offer.log_regions and not elsewhere:
        return outcome(
            "CERT_IN_LOGS",
            "pass",
            f"Logs are kept in {home} ({_region_list(offer.log_regions)}), as the direction "
            f"requires for {direction.retention_days} days.",
            direction.citation,
            direction.confidence,
        )
    where = (
        f"logs held outside {home} ({_region_list(tuple(elsewhere))})"
        if elsewhere
        else "no log location stated"
    )
    requiring = [
        rule.classification
        for tag in workload.data_classification
        if (rule := policy.residency_rule(tag)) is not None
        and rule.cloud_allowed
        and rule.required_country == home
        and "logs" in rule.locations
    ]
    if requiring:
        return outcome(
            "CERT_IN_LOGS",
            "fail",
            f"This offer has {where}: logs must be kept within {home} for "
            f"{direction.retention_days} days, and the residency rule for "
            f"{', '.join(repr(c) for c in requiring)} data requires logs in {home}.",
            direction.citation,
            direction.confidence,
        )
    softened = ""
    if direction.softened_by is not None:
        ref = direction.softened_by
        softened = (
            f" {ref.citation.instrument()} ({ref.citation.clause}; "
            f"{confidence_label(ref.confidence)}) "
            f"is said to allow logs abroad if they can be produced in reasonable time, but does "
            f"not amend the direction."
        )
    return outcome(
        "CERT_IN_LOGS",
        "warning",
        f"This offer has {where}: the direction requires logs of ICT systems to be kept within "
        f"{home} for {direction.retention_days} days.{softened} Require logs in {home} in the "
        f"contract.",
        direction.citation,
        direction.confidence,
    )


def check_empanelment(
    workload: Workload, offer: Offer, policy: Policy, on: dt.date
) -> RuleOutcome | None:
    """CLOUD_EMPANELMENT: commercial cloud regions must be empanelled offerings, and the offer
    must hold the empanelment certification on the decision date."""
    rule = policy.cloud_empanelment
    if rule is None or not set(workload.data_classification) & set(rule.applies_to):
        return None
    commercial = [
        (loc, r)
        for loc in ("processing", "storage", "logs")
        for r in regions_at(offer, loc)
        if r.operator_type in rule.commercial_operator_types
    ]
    if not commercial:
        return outcome(
            "CLOUD_EMPANELMENT",
            "pass",
            "No commercial cloud region is used (government or sovereign cloud only): "
            "empanelment is not required.",
            rule.citation,
            rule.confidence,
        )
    problems = [
        f"{loc} in {r.code} is {r.operator_type}"
        for loc, r in commercial
        if r.operator_type not in rule.approved_operator_types
    ]
    valid = [
        c
        for c in offer.certifications
        if c.kind == rule.certification_kind and certification_valid_on(c, on)
    ]
    if not valid:
        problems.append(f"no {rule.certification_kind} certification is valid on {on.isoformat()}")
    if problems:
        return outcome(
            "CLOUD_EMPANELMENT",
            "fail",
            f"Commercial cloud used for this workload must be an empanelled offering "
            f"({' or '.join(rule.approved_operator_types)}) holding a valid "
            f"{rule.certification_kind} certification: {'; '.join(problems)}.",
            rule.citation,
            rule.confidence,
        )
    cert = valid[0]
    until = cert.expires_on.isoformat() if cert.expires_on else "no expiry stated"
    return outcome(
        "CLOUD_EMPANELMENT",
        "pass",
        f"Commercial regions {', '.join(sorted({r.code for _, r in commercial}))} are empanelled; "
        f"{rule.certification_kind} by {cert.issuer} valid on {on.isoformat()} (until {until}).",
        rule.citation,
        rule.confidence,
    )


def check_certifications(
    workload: Workload, offer: Offer, policy: Policy, on: dt.date
) -> list[RuleOutcome]:
    """CERTIFICATION per required kind (valid on the decision date), and CERTIFICATION_EXPIRY
    when a valid certification lapses before the contract ends."""
    results: list[RuleOutcome] = []
    end = contract_end(workload)
    tags = set(workload.data_classification)
    for req in policy.certifications.required:
        if req.applies_to is not None and not tags & set(req.applies_to):
            continue
        held = [c for c in offer.certifications if c.kind == req.kind]
        valid = [c for c in held if certification_valid_on(c, on)]
        if valid:
            best = max(valid, key=lambda c: c.expires_on or dt.date.max)
            until = best.expires_on.isoformat() if best.expires_on else "no expiry stated"
            results.append(
                outcome(
                    "CERTIFICATION",
                    "pass",
                    f"{req.kind} by {best.issuer}, issued {best.issued_on.isoformat()}, valid on "
                    f"the decision date {on.isoformat()} (until {until}).",
                    req.citation,
                    req.confidence,
                    subject=req.kind,
                )
            )
            if (
                policy.certifications.warn_if_expiring_during_term
                and best.expires_on is not None
                and best.expires_on < end
            ):
                results.append(
                    from_ref(
                        "CERTIFICATION_EXPIRY",
                        "warning",
                        f"{req.kind} expires on {best.expires_on.isoformat()}, before the "
                        f"contract ends on {end.isoformat()}: require renewal evidence.",
                        policy.certifications.expiry,
                        subject=req.kind,
                    )
                )
            continue
        if not held:
            reason = f"No {req.kind} certification is on record."
        else:
            notes = []
            for c in sorted(held, key=lambda c: c.issued_on):
                if c.issued_on > on:
                    notes.append(f"issued {c.issued_on.isoformat()}, after the decision date")
                elif c.expires_on is not None:
                    notes.append(f"expired on {c.expires_on.isoformat()}")
            reason = (
                f"No {req.kind} certification is valid on the decision date {on.isoformat()} "
                f"({'; '.join(notes)})."
            )
        results.append(
            outcome("CERTIFICATION", "fail", reason, req.citation, req.confidence, subject=req.kind)
        )
    return results


def check_quality(
    workload: Workload, offer: Offer, policy: Policy, on: dt.date
) -> tuple[list[RuleOutcome], Decimal | None]:
    """QUALITY per required language: a certified, unexpired evaluation for the workload's use
    case meets the bar. Missing evidence is a failure that says what is missing.

    Returns the outcomes and the technical score (mean certified score over the workload's
    languages, full precision), or None when evidence is missing in any language.
    """
    q = policy.quality
    bar = policy.quality_bar(workload.use_case)
    assert bar is not None  # validate_against_policy guarantees a bar
    need_acc = q.require_accredited_evaluator
    results: list[RuleOutcome] = []
    scores: list[Decimal] = []
    use_case = workload.use_case
    for lang in workload.languages:
        ev = best_certified_evaluation(offer, use_case, lang, on, need_accredited=need_acc)
        if ev is None:
            on_record = []
            for other in offer.evaluations:
                if other.use_case != use_case or other.language != lang:
                    continue
                why = []
                if need_acc and not other.evaluator_accredited:
                    why.append("evaluator not accredited")
                elif need_acc and not accredited_on(other, on):
                    assert other.accredited_until is not None
                    expired = other.accredited_until.isoformat()
                    why.append(f"the evaluator's accreditation expired {expired}")
                if other.valid_until < on:
                    why.append(f"expired {other.valid_until.isoformat()}")
                if other.evaluated_on > on:
                    why.append(f"dated {other.evaluated_on.isoformat()}, after the decision")
                on_record.append(
                    f"score {format_num(other.score)} by {other.evaluator} ({', '.join(why)})"
                )
            found = "; on record: " + "; ".join(on_record) if on_record else "; none is on record"
            results.append(
                outcome(
                    "QUALITY",
                    "fail",
                    f"No certified '{use_case}' evaluation in '{lang}': needed, a score of at "
                    f"least {format_num(bar)} from "
                    f"{'an accredited evaluator' if need_acc else 'an evaluator'}, valid on "
                    f"{on.isoformat()}{found}.",
                    q.citation,
                    q.confidence,
                    subject=lang,
                )
            )
            continue
        scores.append(ev.score)
        detail = (
            f"score {format_num(ev.score)} by {ev.evaluator} ({ev.method or 'method not stated'}, "
            f"{ev.evaluated_on.isoformat()}, valid until {ev.valid_until.isoformat()})"
        )
        if ev.score < bar:
            results.append(
                outcome(
                    "QUALITY",
                    "fail",
                    f"Certified '{use_case}' {detail} in '{lang}' is below the bar of "
                    f"{format_num(bar)}.",
                    q.citation,
                    q.confidence,
                    subject=lang,
                )
            )
        else:
            results.append(
                outcome(
                    "QUALITY",
                    "pass",
                    f"Certified '{use_case}' {detail} in '{lang}' meets the bar of "
                    f"{format_num(bar)}.",
                    q.citation,
                    q.confidence,
                    subject=lang,
                )
            )
    technical = sum(scores, ZERO) / len(scores) if len(scores) == len(workload.languages) else None
    return results, technical


def check_requirements(workload: Workload, offer: Offer, policy: Policy) -> list[RuleOutcome]:
    """LATENCY, AVAILABILITY, LANGUAGES and CONTEXT_WINDOW against the workload's own needs."""
    req = policy.requirements
    results: list[RuleOutcome] = []
    if workload.max_p95_latency_ms is not None:
        limit = workload.max_p95_latency_ms
        if offer.p95_latency_ms is None:
            results.append(
                from_ref(
                    "LATENCY",
                    "fail",
                    f"No measured p95 latency is on record; the workload requires at most "
                    f"{limit} ms.",
                    req.latency,
                )
            )
        else:
            ok = offer.p95_latency_ms <= limit
            results.append(
                from_ref(
                    "LATENCY",
                    "pass" if ok else "fail",
                    f"Measured p95 latency {offer.p95_latency_ms} ms "
                    f"{'is within' if ok else 'exceeds'} the maximum of {limit} ms.",
                    req.latency,
                )
            )
    if workload.min_availability_pct is not None:
        need = workload.min_availability_pct
        if offer.sla_availability_pct is None:
            results.append(
                from_ref(
                    "AVAILABILITY",
                    "fail",
                    f"No availability SLA is stated; the workload requires at least "
                    f"{format_pct(need)}.",
                    req.availability,
                )
            )
        else:
            ok = offer.sla_availability_pct >= need
            results.append(
                from_ref(
                    "AVAILABILITY",
                    "pass" if ok else "fail",
                    f"SLA availability {format_pct(offer.sla_availability_pct)} "
                    f"{'meets' if ok else 'is below'} the required {format_pct(need)}.",
                    req.availability,
                )
            )
    missing = [lang for lang in workload.languages if lang not in offer.languages]
    supported = ", ".join(offer.languages) or "none stated"
    needed_langs = ", ".join(workload.languages)
    results.append(
        from_ref(
            "LANGUAGES",
            "fail" if missing else "pass",
            (
                f"Does not support {', '.join(missing)} (the workload needs {needed_langs}; the "
                f"offer supports {supported})."
                if missing
                else f"Supports every language the workload needs ({needed_langs})."
            ),
            req.languages,
        )
    )
    needed = ceil_int(workload.mean_input_tokens + workload.mean_output_tokens)
    ok = needed <= offer.context_window
    results.append(
        from_ref(
            "CONTEXT_WINDOW",
            "pass" if ok else "fail",
            f"A mean request needs {needed} tokens (input + output); the context window is "
            f"{offer.context_window} tokens.",
            req.context_window,
        )
    )
    return results


def check_contract_terms(workload: Workload, offer: Offer, policy: Policy) -> list[RuleOutcome]:
    """TERMS_* checks of data use and model lifecycle (the contract terms a tender states)."""
    t = policy.contract_terms
    results: list[RuleOutcome] = []
    if t.training is not None:
        ok = offer.trains_on_customer_data in t.training.accepted
        results.append(
            outcome(
                "TERMS_TRAINING",
                "pass" if ok else t.training.severity,
                f"Training on buyer data: '{offer.trains_on_customer_data}'; the pack accepts "
                f"{', '.join(repr(a) for a in t.training.accepted)}.",
                t.training.citation,
                t.training.confidence,
            )
        )
    if t.max_retention is not None:
        limit = t.max_retention.limit_days
        days = offer.retention_days
        ok = days is not None and days <= limit
        text = "not stated" if days is None else f"{days} days"
        results.append(
            outcome(
                "TERMS_RETENTION",
                "pass" if ok else t.max_retention.severity,
                f"Maximum retention of buyer data is {text}; the limit is {limit} days.",
                t.max_retention.citation,
                t.max_retention.confidence,
            )
        )
    if t.min_deprecation_notice is not None:
        need = t.min_deprecation_notice.limit_days
        days = offer.deprecation_notice_days
        ok = days is not None and days >= need
        text = "not stated" if days is None else f"{days} days"
        results.append(
            outcome(
                "TERMS_DEPRECATION_NOTICE",
                "pass" if ok else t.min_deprecation_notice.severity,
                f"Deprecation notice is {text}; at least {need} days are required.",
                t.min_deprecation_notice.citation,
                t.min_deprecation_notice.confidence,
            )
        )
    if t.shutdown is not None and offer.shutdown_date is not None:
        end = contract_end(workload)
        if offer.shutdown_date < end:
            results.append(
                outcome(
                    "TERMS_SHUTDOWN",
                    t.shutdown.severity,
                    f"The model's shutdown is announced for {offer.shutdown_date.isoformat()}, "
                    f"before the contract ends on {end.isoformat()}: a forced migration during "
                    f"the term.",
                    t.shutdown.citation,
                    t.shutdown.confidence,
                )
            )
    if t.pinned_snapshot is not None and not offer.pinned_snapshot:
        results.append(
            outcome(
                "TERMS_PINNED",
                t.pinned_snapshot.severity,
                "The offer binds a floating model alias, not a dated snapshot: outputs may change "
                "without notice.",
                t.pinned_snapshot.citation,
                t.pinned_snapshot.confidence,
            )
        )
    return results


def check_land_border(offer: Offer, policy: Policy, on: dt.date) -> RuleOutcome | None:
    """LAND_BORDER: a supplier from a country sharing a land border may bid only if registered
    with the competent authority (GFR Rule 144(xi) in India), on the decision date."""
    ref = policy.land_border
    if ref is None:
        return None
    p = offer.provider
    if not p.land_border_country:
        return from_ref(
            "LAND_BORDER", "pass", "The supplier is not from a country sharing a land border.", ref
        )
    until = p.dpiit_registered_until
    if until is not None and until >= on:
        return from_ref(
            "LAND_BORDER",
            "pass",
            f"The supplier is from a land-border country and is registered until "
            f"{until.isoformat()}.",
            ref,
        )
    state = (
        "no registration" if until is None else f"a registration that lapsed {until.isoformat()}"
    )
    return from_ref(
        "LAND_BORDER",
        "fail",
        f"The supplier is from a country sharing a land border and has {state}; it may bid only "
        f"when registered on the decision date {on.isoformat()}.",
        ref,
    )


def check_data_quality(
    offer: Offer, policy: Policy, on: dt.date, fx: FxUsed | None
) -> list[RuleOutcome]:
    """PRICE_FX (can the price be converted), PRICE_STALE and DEMO_DATA."""
    dq = policy.data_quality
    results: list[RuleOutcome] = []
    currency = offer.price.currency
    if currency != "INR":
        if fx is None:
            results.append(
                outcome(
                    "PRICE_FX",
                    "fail",
                    f"No {currency}→INR rate dated on or before {on.isoformat()}: the offer "
                    f"cannot be priced.",
                    dq.citation,
                    dq.confidence,
                )
            )
        else:
            results.append(
                outcome(
                    "PRICE_FX",
                    "pass",
                    f"Priced in {currency} at ₹{format_num(fx.rate_to_inr)} per {currency} "
                    f"({fx.source}, {fx.date.isoformat()}), moved by the expected INR "
                    f"depreciation of "
                    f"{format_pct(policy.finance.expected_inr_depreciation_pct)} a year.",
                    dq.citation,
                    dq.confidence,
                )
            )
    checked = offer.price.checked_on
    age = (on - checked).days
    if checked > on:
        results.append(
            outcome(
                "PRICE_STALE",
                "warning",
                f"The price was checked on {checked.isoformat()}, after the decision date.",
                dq.citation,
                dq.confidence,
            )
        )
    elif age > dq.price_stale_after_days:
        results.append(
            outcome(
                "PRICE_STALE",
                "warning",
                f"The price was last checked on {checked.isoformat()}, {age} days before the "
                f"decision date (limit {dq.price_stale_after_days} days): re-verify it at "
                f"{offer.price.source_url}.",
                dq.citation,
                dq.confidence,
            )
        )
    if offer.uses_demo_data():
        results.append(
            outcome(
                "DEMO_DATA",
                "warning",
                "This offer carries demo data (invented or unverified figures): not for a real "
                "tender.",
                dq.citation,
                dq.confidence,
            )
        )
    return results


def check_qcbs_technical(
    technical: Decimal | None, policy: Policy, source: str = ""
) -> RuleOutcome | None:
    """QCBS_MIN_TECHNICAL: only technically qualified offers go on to the financial score.
    ``source`` names whose marks the score is (a tender's evaluation committee)."""
    q = policy.evaluation.qcbs
    if technical is None:
        return None
    ok = technical >= q.min_technical_score
    whose = f" ({source})" if source else ""
    return outcome(
        "QCBS_MIN_TECHNICAL",
        "pass" if ok else "fail",
        f"Technical score {format_num(technical.quantize(Decimal('0.01')))}{whose} "
        f"{'meets' if ok else 'is below'} the minimum qualifying score of "
        f"{format_num(q.min_technical_score)}.",
        q.citation,
        q.confidence,
    )


@engine_precision
def check_value_independent(
    workload: Workload,
    offer: Offer,
    policy: Policy,
    decision_date: dt.date,
    fx: FxUsed | None,
    committee: TechnicalScore | None = None,
) -> tuple[list[RuleOutcome], Decimal | None]:
    """All rules that do not depend on the estimated value, in a fixed order, and the offer's
    technical score: the evaluation ``committee``'s under QCBS when given (bid evaluation),
    else the mean certified quality score (None without certified evidence in every
    language)."""
    results: list[RuleOutcome] = [check_residency(workload, offer, policy)]
    logs = check_logs_direction(workload, offer, policy)
    if logs is not None:
        results.append(logs)
    empanelment = check_empanelment(workload, offer, policy, decision_date)
    if empanelment is not None:
        results.append(empanelment)
    results.extend(check_certifications(workload, offer, policy, decision_date))
    quality, technical = check_quality(workload, offer, policy, decision_date)
    results.extend(quality)
    results.extend(check_requirements(workload, offer, policy))
    results.extend(check_contract_terms(workload, offer, policy))
    land = check_land_border(offer, policy, decision_date)
    if land is not None:
        results.append(land)
    results.extend(check_data_quality(offer, policy, decision_date, fx))
    if evaluation_method(workload, policy) == "qcbs":
        source = ""
        if committee is not None:
            technical, source = committee.score, committee.source
        qualified = check_qcbs_technical(technical, policy, source)
        if qualified is not None:
            results.append(qualified)
    return results, technical


def mii_exempt(value: EstimatedValue, mii: MiiPolicy) -> bool:
    """Below the exemption threshold the Make in India order is not applied (para 4). An unknown
    value is treated as not exempt: the order then applies, the conservative reading."""
    return value.amount_inr is not None and value.amount_inr < mii.exemption_below_inr


def gte_permitted(workload: Workload, value: EstimatedValue, mii: MiiPolicy) -> tuple[bool, str]:
    """Whether a global tender enquiry is permitted, and why. GFR Rule 161(iv)(b): no global
    tender enquiry for tenders up to ₹200 crore (so at exactly ₹200 crore, none) unless the
    designated authority approves it; MII Order para 3(b): non-local suppliers bid only in one."""
    threshold = format_inr_short(mii.gte_threshold_inr)
    amount = value.amount_inr
    if workload.global_tender_approved:
        return True, f"the approval of {mii.gte_approver} for a global tender enquiry is recorded"
    if amount is not None and amount > mii.gte_threshold_inr:
        return True, f"the estimated value {format_inr(amount)} is above {threshold}"
    shown = "unknown" if amount is None else format_inr(amount)
    return False, (
        f"no global tender enquiry may be issued for an estimated value up to and including "
        f"{threshold} without the approval of {mii.gte_approver}; the estimated value is "
        f"{shown} and no approval is recorded"
    )


@engine_precision
def check_value_dependent(
    workload: Workload,
    offer: Offer,
    policy: Policy,
    value: EstimatedValue,
) -> list[RuleOutcome]:
    """SUPPLIER_LOCAL_CONTENT and MII_LC_CERTIFICATE, which depend on the estimated value."""
    mii = policy.mii
    if mii is None:
        return []
    cls: MiiClass | None = mii_class(offer, policy)
    assert cls is not None
    lc = format_pct(offer.provider.local_content_pct)
    name = MII_CLASS_NAMES[cls]
    results: list[RuleOutcome] = []
    if mii_exempt(value, mii):
        assert value.amount_inr is not None
        results.append(
            from_ref(
                "SUPPLIER_LOCAL_CONTENT",
                "pass",
                f"The Make in India order is not applied: the estimated value "
                f"{format_inr(value.amount_inr)} is below "
                f"{format_inr_short(mii.exemption_below_inr)}; suppliers of any class may bid "
                f"({name}, local content {lc}).",
                mii.exemption,
            )
        )
        return results
    if mii.only_class_i_eligible and cls != "class_i":
        results.append(
            from_ref(
                "SUPPLIER_LOCAL_CONTENT",
                "fail",
                f"{name} (local content {lc}): only Class-I local suppliers may bid where "
                f"sufficient local capacity is notified.",
                mii.only_class_i,
            )
        )
    elif cls != "non_local":
        results.append(
            from_ref(
                "SUPPLIER_LOCAL_CONTENT",
                "pass",
                f"{name} (local content {lc}, Class-I from "
                f"{format_pct(mii.class_i_min_lc_pct)}, Class-II above "
                f"{format_pct(mii.class_ii_min_lc_pct_exclusive)}): may bid.",
                mii.classification,
            )
        )
    else:
        permitted, why = gte_permitted(workload, value, mii)
        results.append(
            from_ref(
                "SUPPLIER_LOCAL_CONTENT",
                "pass" if permitted else "fail",
                (
                    f"{name} (local content {lc}, not above "
                    f"{format_pct(mii.class_ii_min_lc_pct_exclusive)}): "
                    + (
                        f"may bid because {why}."
                        if permitted
                        else f"may bid only in a global tender enquiry; {why}."
                    )
                ),
                mii.gte,
            )
        )
    if cls in ("class_i", "class_ii"):
        threshold = format_inr_short(mii.lc_certificate_above_inr)
        if value.amount_inr is None:
            results.append(
                from_ref(
                    "MII_LC_CERTIFICATE",
                    "warning",
                    f"The estimated value is unknown: above {threshold} the local content of "
                    f"{lc} must be certified by a statutory or cost auditor.",
                    mii.lc_certificate,
                )
            )
        elif value.amount_inr > mii.lc_certificate_above_inr:
            results.append(
                from_ref(
                    "MII_LC_CERTIFICATE",
                    "warning",
                    f"The estimated value {format_inr(value.amount_inr)} is above {threshold}: "
                    f"the claimed local content of {lc} must be certified by a statutory or "
                    f"cost auditor (or practising CA/CMA).",
                    mii.lc_certificate,
                )
            )
        else:
            results.append(
                from_ref(
                    "MII_LC_CERTIFICATE",
                    "pass",
                    f"The estimated value {format_inr(value.amount_inr)} is not above "
                    f"{threshold}: self-certification of local content ({lc}) with the location "
                    f"of value addition suffices.",
                    mii.lc_certificate,
                )
            )
    return results


@engine_precision
def check_eligibility(
    workload: Workload,
    offer: Offer,
    policy: Policy,
    decision_date: dt.date,
    *,
    estimated_value_inr: Decimal | None = None,
    fx_rates: Sequence[FxRate] = (),
) -> tuple[RuleOutcome, ...]:
    """Every eligibility rule for one offer. ``estimated_value_inr`` stands in for the
    comparison's estimated value (None: unknown, treated conservatively)."""
    fx = select_fx(fx_rates, offer.price.currency, decision_date)
    first, _ = check_value_independent(workload, offer, policy, decision_date, fx)
    value = EstimatedValue(
        amount_inr=estimated_value_inr,
        source="officer" if estimated_value_inr is not None else "unknown",
        basis_offer_id=None,
        explanation="",
    )
    return (*first, *check_value_dependent(workload, offer, policy, value))


def is_eligible(outcomes: Sequence[RuleOutcome]) -> bool:
    """An offer is eligible when no rule failed."""
    return all(o.status != "fail" for o in outcomes)
