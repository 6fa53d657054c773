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
from procurement.engine.i18n import _, ngettext
from procurement.engine.inputs import FxRate, Offer, Region, TechnicalScore, Workload
from procurement.engine.numbers import (
    ZERO,
    ceil_int,
    engine_precision,
    format_indian,
    format_inr,
    format_num,
    format_pct,
    in_unit,
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


def mii_class_name(cls: str) -> str:
    """The words for a Make in India class, in the active language (the code itself when
    unknown)."""
    match cls:
        case "class_i":
            return _("Class-I local supplier")
        case "class_ii":
            return _("Class-II local supplier")
        case "non_local":
            return _("Non-local supplier")
    return cls


def location_name(location: str) -> str:
    """A residency location of the pack ("processing", "storage", "logs") as a word in the active
    language (the code itself when unknown)."""
    match location:
        case "processing":
            return _("processing")
        case "storage":
            return _("storage")
        case "logs":
            return _("logs")
    return location


def and_list(items: Sequence[str]) -> str:
    """``items`` joined by "and" in the active language: "a and b and c" (one message per join,
    so a language may order or inflect the pair)."""
    if not items:
        return ""
    text = items[0]
    for item in items[1:]:
        text = _("{items} and {item}").format(items=text, item=item)
    return text


def or_list(items: Sequence[str]) -> str:
    """``items`` joined by "or" in the active language: "a or b or c"."""
    if not items:
        return ""
    text = items[0]
    for item in items[1:]:
        text = _("{items} or {item}").format(items=text, item=item)
    return text


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
        return in_unit(f"₹{format_indian(amount / 10_000_000)}", "crore")
    if amount >= 100_000 and amount % 1_000 == 0:
        return in_unit(f"₹{format_indian(amount / 100_000)}", "lakh")
    return format_inr(amount)


def evaluation_method(workload: Workload, policy: Policy) -> str:
    """The workload's chosen method, or the pack's default."""
    return workload.evaluation_method or policy.evaluation.default_method


def _region_list(regions: tuple[Region, ...]) -> str:
    if not regions:
        return _("none stated")
    return ", ".join(f"{r.code} ({r.city + ', ' if r.city else ''}{r.country})" for r in regions)


def describe_residency(rule: ResidencyRule) -> str:
    """What a residency rule requires, in words."""
    if not rule.cloud_allowed:
        return _("may not be processed on any cloud")
    places = (
        and_list([location_name(x) for x in rule.locations]) if rule.locations else _("no location")
    )
    parts: list[str] = []
    if rule.required_country is not None:
        parts.append(
            _("{places} only in {country}").format(places=places, country=rule.required_country)
        )
    if rule.allowed_operator_types is not None:
        parts.append(
            _("run only by {operator_types} operators").format(
                operator_types=or_list(rule.allowed_operator_types)
            )
        )
    if rule.require_processing_guarantee:
        parts.append(_("with in-country processing guaranteed by the provider"))
    if not parts:
        return _("may be processed anywhere")
    return _("requires {conditions}").format(conditions="; ".join(parts))


def _residency_problems(offer: Offer, rule: ResidencyRule) -> list[str]:
    if not rule.cloud_allowed:
        return [_("is a cloud service")]
    problems: list[str] = []
    for location in rule.locations:
        regions = regions_at(offer, location)
        where = location_name(location)
        if not regions and (rule.required_country or rule.allowed_operator_types):
            problems.append(_("states no {location} region").format(location=where))
        for r in regions:
            if rule.required_country is not None and r.country != rule.required_country:
                problems.append(
                    _("has {location} in {region} ({country})").format(
                        location=where, region=r.code, country=r.country
                    )
                )
            if (
                rule.allowed_operator_types is not None
                and r.operator_type not in rule.allowed_operator_types
            ):
                problems.append(
                    _("has {location} in {region} run as {operator_type}").format(
                        location=where, region=r.code, operator_type=r.operator_type
                    )
                )
    if rule.require_processing_guarantee and not offer.india_processing_guaranteed:
        problems.append(_("does not guarantee in-country processing"))
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
            if rule is strictest:
                message = _(
                    "Data classified '{classification}' {requirement}; this offer {problems}."
                )
            else:
                message = _(
                    "Data classified '{classification}' {requirement}; this offer {problems}. "
                    "The strictest tag on this workload is '{strictest}'."
                )
            return outcome(
                "RESIDENCY",
                "fail",
                message.format(
                    classification=rule.classification,
                    requirement=describe_residency(rule),
                    problems="; ".join(problems),
                    strictest=strictest.classification,
                ),
                rule.citation,
                rule.confidence,
            )
    return outcome(
        "RESIDENCY",
        "pass",
        _(
            "Meets the rule for '{classification}' data, the strictest tag on this workload "
            "({requirement}): processing {processing}; storage {storage}; logs {logs}."
        ).format(
            classification=strictest.classification,
            requirement=describe_residency(strictest),
            processing=_region_list(offer.processing_regions),
            storage=_region_list(offer.storage_regions),
            logs=_region_list(offer.log_regions),
        ),
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
    days = direction.retention_days
    if offer.log_regions and not elsewhere:
        return outcome(
            "CERT_IN_LOGS",
            "pass",
            ngettext(
                "Logs are kept in {home} ({regions}), as the direction requires for {days} days.",
                "Logs are kept in {home} ({regions}), as the direction requires for {days} days.",
                days,
            ).format(home=home, regions=_region_list(offer.log_regions), days=days),
            direction.citation,
            direction.confidence,
        )
    outside = _region_list(tuple(elsewhere))
    requiring = [
        rule.classification
        for tag in workload.data_classification
        if (rule := policy.residency_rule(tag)) is not None
        and rule.cloud_allowed
        and rule.required_country == home
        and "logs" in rule.locations
    ]
    if requiring:
        if elsewhere:
            message = ngettext(
                "This offer has logs held outside {home} ({regions}): logs must be kept within "
                "{home} for {days} days, and the residency rule for {classifications} data "
                "requires logs in {home}.",
                "This offer has logs held outside {home} ({regions}): logs must be kept within "
                "{home} for {days} days, and the residency rule for {classifications} data "
                "requires logs in {home}.",
                days,
            )
        else:
            message = ngettext(
                "This offer has no log location stated: logs must be kept within {home} for "
                "{days} days, and the residency rule for {classifications} data requires logs "
                "in {home}.",
                "This offer has no log location stated: logs must be kept within {home} for "
                "{days} days, and the residency rule for {classifications} data requires logs "
                "in {home}.",
                days,
            )
        return outcome(
            "CERT_IN_LOGS",
            "fail",
            message.format(
                home=home,
                regions=outside,
                days=days,
                classifications=", ".join(repr(c) for c in requiring),
            ),
            direction.citation,
            direction.confidence,
        )
    softened = ""
    if direction.softened_by is not None:
        ref = direction.softened_by
        softened = _(
            "{instrument} ({clause}; {confidence}) is said to allow logs abroad if they can be "
            "produced in reasonable time, but does not amend the direction."
        ).format(
            instrument=ref.citation.instrument(),
            clause=ref.citation.clause,
            confidence=confidence_label(ref.confidence),
        )
    return outcome(
        "CERT_IN_LOGS",
        "warning",
        _logs_warning(bool(elsewhere), bool(softened), days).format(
            home=home, regions=outside, days=days, softened=softened
        ),
        direction.citation,
        direction.confidence,
    )


def _logs_warning(elsewhere: bool, softened: bool, days: int) -> str:
    """The CERT_IN_LOGS warning, for logs held abroad or in no stated place, with or without the
    sentence on the instrument said to soften the direction."""
    if elsewhere and softened:
        return ngettext(
            "This offer has logs held outside {home} ({regions}): the direction requires logs "
            "of ICT systems to be kept within {home} for {days} days. {softened} Require logs in "
            "{home} in the contract.",
            "This offer has logs held outside {home} ({regions}): the direction requires logs "
            "of ICT systems to be kept within {home} for {days} days. {softened} Require logs in "
            "{home} in the contract.",
            days,
        )
    if elsewhere:
        return ngettext(
            "This offer has logs held outside {home} ({regions}): the direction requires logs "
            "of ICT systems to be kept within {home} for {days} days. Require logs in {home} in "
            "the contract.",
            "This offer has logs held outside {home} ({regions}): the direction requires logs "
            "of ICT systems to be kept within {home} for {days} days. Require logs in {home} in "
            "the contract.",
            days,
        )
    if softened:
        return ngettext(
            "This offer has no log location stated: the direction requires logs of ICT systems "
            "to be kept within {home} for {days} days. {softened} Require logs in {home} in the "
            "contract.",
            "This offer has no log location stated: the direction requires logs of ICT systems "
            "to be kept within {home} for {days} days. {softened} Require logs in {home} in the "
            "contract.",
            days,
        )
    return ngettext(
        "This offer has no log location stated: the direction requires logs of ICT systems to "
        "be kept within {home} for {days} days. Require logs in {home} in the contract.",
        "This offer has no log location stated: the direction requires logs of ICT systems to "
        "be kept within {home} for {days} days. Require logs in {home} in the contract.",
        days,
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
            _(
                "No commercial cloud region is used (government or sovereign cloud only): "
                "empanelment is not required."
            ),
            rule.citation,
            rule.confidence,
        )
    problems = [
        _("{location} in {region} is {operator_type}").format(
            location=location_name(loc), region=r.code, operator_type=r.operator_type
        )
        for loc, r in commercial
        if r.operator_type not in rule.approved_operator_types
    ]
    valid = [
        c
        for c in offer.certifications
        if c.kind == rule.certification_kind and certification_valid_on(c, on)
    ]
    if not valid:
        problems.append(
            _("no {kind} certification is valid on {date}").format(
                kind=rule.certification_kind, date=on.isoformat()
            )
        )
    if problems:
        return outcome(
            "CLOUD_EMPANELMENT",
            "fail",
            _(
                "Commercial cloud used for this workload must be an empanelled offering "
                "({operator_types}) holding a valid {kind} certification: {problems}."
            ).format(
                operator_types=or_list(rule.approved_operator_types),
                kind=rule.certification_kind,
                problems="; ".join(problems),
            ),
            rule.citation,
            rule.confidence,
        )
    cert = valid[0]
    if cert.expires_on:
        message = _(
            "Commercial regions {regions} are empanelled; {kind} by {issuer} valid on {date} "
            "(until {until})."
        )
    else:
        message = _(
            "Commercial regions {regions} are empanelled; {kind} by {issuer} valid on {date} "
            "(until no expiry stated)."
        )
    return outcome(
        "CLOUD_EMPANELMENT",
        "pass",
        message.format(
            regions=", ".join(sorted({r.code for _loc, r in commercial})),
            kind=rule.certification_kind,
            issuer=cert.issuer,
            date=on.isoformat(),
            until=cert.expires_on.isoformat() if cert.expires_on else "",
        ),
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
            if best.expires_on:
                held_message = _(
                    "{kind} by {issuer}, issued {issued}, valid on the decision date {date} "
                    "(until {until})."
                )
            else:
                held_message = _(
                    "{kind} by {issuer}, issued {issued}, valid on the decision date {date} "
                    "(until no expiry stated)."
                )
            results.append(
                outcome(
                    "CERTIFICATION",
                    "pass",
                    held_message.format(
                        kind=req.kind,
                        issuer=best.issuer,
                        issued=best.issued_on.isoformat(),
                        date=on.isoformat(),
                        until=best.expires_on.isoformat() if best.expires_on else "",
                    ),
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
                        _(
                            "{kind} expires on {expires}, before the contract ends on {end}: "
                            "require renewal evidence."
                        ).format(
                            kind=req.kind,
                            expires=best.expires_on.isoformat(),
                            end=end.isoformat(),
                        ),
                        policy.certifications.expiry,
                        subject=req.kind,
                    )
                )
            continue
        if not held:
            reason = _("No {kind} certification is on record.").format(kind=req.kind)
        else:
            notes = []
            for c in sorted(held, key=lambda c: c.issued_on):
                if c.issued_on > on:
                    notes.append(
                        _("issued {date}, after the decision date").format(
                            date=c.issued_on.isoformat()
                        )
                    )
                elif c.expires_on is not None:
                    notes.append(_("expired on {date}").format(date=c.expires_on.isoformat()))
            reason = _(
                "No {kind} certification is valid on the decision date {date} ({notes})."
            ).format(kind=req.kind, date=on.isoformat(), notes="; ".join(notes))
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
                    why.append(_("evaluator not accredited"))
                elif need_acc and not accredited_on(other, on):
                    assert other.accredited_until is not None
                    why.append(
                        _("the evaluator's accreditation expired {date}").format(
                            date=other.accredited_until.isoformat()
                        )
                    )
                if other.valid_until < on:
                    why.append(_("expired {date}").format(date=other.valid_until.isoformat()))
                if other.evaluated_on > on:
                    why.append(
                        _("dated {date}, after the decision").format(
                            date=other.evaluated_on.isoformat()
                        )
                    )
                on_record.append(
                    _("score {score} by {evaluator} ({reasons})").format(
                        score=format_num(other.score),
                        evaluator=other.evaluator,
                        reasons=", ".join(why),
                    )
                )
            results.append(
                outcome(
                    "QUALITY",
                    "fail",
                    _missing_evaluation(need_acc, bool(on_record)).format(
                        use_case=use_case,
                        language=lang,
                        bar=format_num(bar),
                        date=on.isoformat(),
                        on_record="; ".join(on_record),
                    ),
                    q.citation,
                    q.confidence,
                    subject=lang,
                )
            )
            continue
        scores.append(ev.score)
        if ev.score < bar:
            message = _(
                "Certified '{use_case}' score {score} by {evaluator} ({method}, {evaluated_on}, "
                "valid until {valid_until}) in '{language}' is below the bar of {bar}."
            )
        else:
            message = _(
                "Certified '{use_case}' score {score} by {evaluator} ({method}, {evaluated_on}, "
                "valid until {valid_until}) in '{language}' meets the bar of {bar}."
            )
        results.append(
            outcome(
                "QUALITY",
                "fail" if ev.score < bar else "pass",
                message.format(
                    use_case=use_case,
                    score=format_num(ev.score),
                    evaluator=ev.evaluator,
                    method=ev.method or _("method not stated"),
                    evaluated_on=ev.evaluated_on.isoformat(),
                    valid_until=ev.valid_until.isoformat(),
                    language=lang,
                    bar=format_num(bar),
                ),
                q.citation,
                q.confidence,
                subject=lang,
            )
        )
    technical = sum(scores, ZERO) / len(scores) if len(scores) == len(workload.languages) else None
    return results, technical


def _missing_evaluation(accredited: bool, on_record: bool) -> str:
    """The QUALITY failure for a language without a certified evaluation: from an accredited
    evaluator or any, with the evaluations on record that do not count, or none."""
    if accredited and on_record:
        return _(
            "No certified '{use_case}' evaluation in '{language}': needed, a score of at least "
            "{bar} from an accredited evaluator, valid on {date}; on record: {on_record}."
        )
    if on_record:
        return _(
            "No certified '{use_case}' evaluation in '{language}': needed, a score of at least "
            "{bar} from an evaluator, valid on {date}; on record: {on_record}."
        )
    if accredited:
        return _(
            "No certified '{use_case}' evaluation in '{language}': needed, a score of at least "
            "{bar} from an accredited evaluator, valid on {date}; none is on record."
        )
    return _(
        "No certified '{use_case}' evaluation in '{language}': needed, a score of at least "
        "{bar} from an evaluator, valid on {date}; none is on record."
    )


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
                    _(
                        "No measured p95 latency is on record; the workload requires at most "
                        "{limit} ms."
                    ).format(limit=limit),
                    req.latency,
                )
            )
        else:
            ok = offer.p95_latency_ms <= limit
            latency = (
                _("Measured p95 latency {latency} ms is within the maximum of {limit} ms.")
                if ok
                else _("Measured p95 latency {latency} ms exceeds the maximum of {limit} ms.")
            )
            results.append(
                from_ref(
                    "LATENCY",
                    "pass" if ok else "fail",
                    latency.format(latency=offer.p95_latency_ms, limit=limit),
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
                    _(
                        "No availability SLA is stated; the workload requires at least {required}."
                    ).format(required=format_pct(need)),
                    req.availability,
                )
            )
        else:
            ok = offer.sla_availability_pct >= need
            availability = (
                _("SLA availability {availability} meets the required {required}.")
                if ok
                else _("SLA availability {availability} is below the required {required}.")
            )
            results.append(
                from_ref(
                    "AVAILABILITY",
                    "pass" if ok else "fail",
                    availability.format(
                        availability=format_pct(offer.sla_availability_pct),
                        required=format_pct(need),
                    ),
                    req.availability,
                )
            )
    missing = [lang for lang in workload.languages if lang not in offer.languages]
    needed_langs = ", ".join(workload.languages)
    if not missing:
        languages = _("Supports every language the workload needs ({needed}).")
    elif offer.languages:
        languages = _(
            "Does not support {missing} (the workload needs {needed}; the offer supports "
            "{supported})."
        )
    else:
        languages = _(
            "Does not support {missing} (the workload needs {needed}; the offer supports none "
            "stated)."
        )
    results.append(
        from_ref(
            "LANGUAGES",
            "fail" if missing else "pass",
            languages.format(
                missing=", ".join(missing),
                needed=needed_langs,
                supported=", ".join(offer.languages),
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
            ngettext(
                "A mean request needs {needed} tokens (input + output); the context window is "
                "{window} tokens.",
                "A mean request needs {needed} tokens (input + output); the context window is "
                "{window} tokens.",
                needed,
            ).format(needed=needed, window=offer.context_window),
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
                _("Training on buyer data: '{terms}'; the pack accepts {accepted}.").format(
                    terms=offer.trains_on_customer_data,
                    accepted=", ".join(repr(a) for a in t.training.accepted),
                ),
                t.training.citation,
                t.training.confidence,
            )
        )
    if t.max_retention is not None:
        limit = t.max_retention.limit_days
        days = offer.retention_days
        ok = days is not None and days <= limit
        if days is None:
            retention = ngettext(
                "Maximum retention of buyer data is not stated; the limit is {limit} days.",
                "Maximum retention of buyer data is not stated; the limit is {limit} days.",
                limit,
            )
        else:
            retention = ngettext(
                "Maximum retention of buyer data is {days} days; the limit is {limit} days.",
                "Maximum retention of buyer data is {days} days; the limit is {limit} days.",
                days,
            )
        results.append(
            outcome(
                "TERMS_RETENTION",
                "pass" if ok else t.max_retention.severity,
                retention.format(days=days, limit=limit),
                t.max_retention.citation,
                t.max_retention.confidence,
            )
        )
    if t.min_deprecation_notice is not None:
        need = t.min_deprecation_notice.limit_days
        days = offer.deprecation_notice_days
        ok = days is not None and days >= need
        if days is None:
            notice = ngettext(
                "Deprecation notice is not stated; at least {need} days are required.",
                "Deprecation notice is not stated; at least {need} days are required.",
                need,
            )
        else:
            notice = ngettext(
                "Deprecation notice is {days} days; at least {need} days are required.",
                "Deprecation notice is {days} days; at least {need} days are required.",
                days,
            )
        results.append(
            outcome(
                "TERMS_DEPRECATION_NOTICE",
                "pass" if ok else t.min_deprecation_notice.severity,
                notice.format(days=days, need=need),
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
                    _(
                        "The model's shutdown is announced for {shutdown}, before the contract "
                        "ends on {end}: a forced migration during the term."
                    ).format(shutdown=offer.shutdown_date.isoformat(), end=end.isoformat()),
                    t.shutdown.citation,
                    t.shutdown.confidence,
                )
            )
    if t.pinned_snapshot is not None and not offer.pinned_snapshot:
        results.append(
            outcome(
                "TERMS_PINNED",
                t.pinned_snapshot.severity,
                _(
                    "The offer binds a floating model alias, not a dated snapshot: outputs may "
                    "change without notice."
                ),
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
            "LAND_BORDER",
            "pass",
            _("The supplier is not from a country sharing a land border."),
            ref,
        )
    until = p.dpiit_registered_until
    if until is not None and until >= on:
        return from_ref(
            "LAND_BORDER",
            "pass",
            _("The supplier is from a land-border country and is registered until {until}.").format(
                until=until.isoformat()
            ),
            ref,
        )
    if until is None:
        message = _(
            "The supplier is from a country sharing a land border and has no registration; it "
            "may bid only when registered on the decision date {date}."
        )
    else:
        message = _(
            "The supplier is from a country sharing a land border and has a registration that "
            "lapsed {lapsed}; it may bid only when registered on the decision date {date}."
        )
    return from_ref(
        "LAND_BORDER",
        "fail",
        message.format(lapsed=until.isoformat() if until else "", date=on.isoformat()),
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
                    _(
                        "No {currency}→INR rate dated on or before {date}: the offer cannot be "
                        "priced."
                    ).format(currency=currency, date=on.isoformat()),
                    dq.citation,
                    dq.confidence,
                )
            )
        else:
            results.append(
                outcome(
                    "PRICE_FX",
                    "pass",
                    _(
                        "Priced in {currency} at ₹{rate} per {currency} ({source}, {date}), "
                        "moved by the expected INR depreciation of {depreciation} a year."
                    ).format(
                        currency=currency,
                        rate=format_num(fx.rate_to_inr),
                        source=fx.source,
                        date=fx.date.isoformat(),
                        depreciation=format_pct(policy.finance.expected_inr_depreciation_pct),
                    ),
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
                _("The price was checked on {date}, after the decision date.").format(
                    date=checked.isoformat()
                ),
                dq.citation,
                dq.confidence,
            )
        )
    elif age > dq.price_stale_after_days:
        results.append(
            outcome(
                "PRICE_STALE",
                "warning",
                ngettext(
                    "The price was last checked on {date}, {age} days before the decision date "
                    "(limit {limit} days): re-verify it at {url}.",
                    "The price was last checked on {date}, {age} days before the decision date "
                    "(limit {limit} days): re-verify it at {url}.",
                    age,
                ).format(
                    date=checked.isoformat(),
                    age=age,
                    limit=dq.price_stale_after_days,
                    url=offer.price.source_url,
                ),
                dq.citation,
                dq.confidence,
            )
        )
    if offer.uses_demo_data():
        results.append(
            outcome(
                "DEMO_DATA",
                "warning",
                _(
                    "This offer carries demo data (invented or unverified figures): not for a "
                    "real tender."
                ),
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
    if source and ok:
        message = _(
            "Technical score {score} ({source}) meets the minimum qualifying score of {minimum}."
        )
    elif source:
        message = _(
            "Technical score {score} ({source}) is below the minimum qualifying score of {minimum}."
        )
    elif ok:
        message = _("Technical score {score} meets the minimum qualifying score of {minimum}.")
    else:
        message = _("Technical score {score} is below the minimum qualifying score of {minimum}.")
    return outcome(
        "QCBS_MIN_TECHNICAL",
        "pass" if ok else "fail",
        message.format(
            score=format_num(technical.quantize(Decimal("0.01"))),
            source=source,
            minimum=format_num(q.min_technical_score),
        ),
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
        return True, _("the approval of {approver} for a global tender enquiry is recorded").format(
            approver=mii.gte_approver
        )
    if amount is not None and amount > mii.gte_threshold_inr:
        return True, _("the estimated value {amount} is above {threshold}").format(
            amount=format_inr(amount), threshold=threshold
        )
    if amount is None:
        why = _(
            "no global tender enquiry may be issued for an estimated value up to and including "
            "{threshold} without the approval of {approver}; the estimated value is unknown and "
            "no approval is recorded"
        )
    else:
        why = _(
            "no global tender enquiry may be issued for an estimated value up to and including "
            "{threshold} without the approval of {approver}; the estimated value is {amount} and "
            "no approval is recorded"
        )
    return False, why.format(
        threshold=threshold,
        approver=mii.gte_approver,
        amount=format_inr(amount) if amount is not None else "",
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
    name = mii_class_name(cls)
    results: list[RuleOutcome] = []
    if mii_exempt(value, mii):
        assert value.amount_inr is not None
        results.append(
            from_ref(
                "SUPPLIER_LOCAL_CONTENT",
                "pass",
                _(
                    "The Make in India order is not applied: the estimated value {amount} is "
                    "below {threshold}; suppliers of any class may bid ({mii_class}, local "
                    "content {local_content})."
                ).format(
                    amount=format_inr(value.amount_inr),
                    threshold=format_inr_short(mii.exemption_below_inr),
                    mii_class=name,
                    local_content=lc,
                ),
                mii.exemption,
            )
        )
        return results
    if mii.only_class_i_eligible and cls != "class_i":
        results.append(
            from_ref(
                "SUPPLIER_LOCAL_CONTENT",
                "fail",
                _(
                    "{mii_class} (local content {local_content}): only Class-I local suppliers "
                    "may bid where sufficient local capacity is notified."
                ).format(mii_class=name, local_content=lc),
                mii.only_class_i,
            )
        )
    elif cls != "non_local":
        results.append(
            from_ref(
                "SUPPLIER_LOCAL_CONTENT",
                "pass",
                _(
                    "{mii_class} (local content {local_content}, Class-I from {class_i_minimum}, "
                    "Class-II above {class_ii_minimum}): may bid."
                ).format(
                    mii_class=name,
                    local_content=lc,
                    class_i_minimum=format_pct(mii.class_i_min_lc_pct),
                    class_ii_minimum=format_pct(mii.class_ii_min_lc_pct_exclusive),
                ),
                mii.classification,
            )
        )
    else:
        permitted, why = gte_permitted(workload, value, mii)
        non_local = (
            _(
                "{mii_class} (local content {local_content}, not above {class_ii_minimum}): may "
                "bid because {why}."
            )
            if permitted
            else _(
                "{mii_class} (local content {local_content}, not above {class_ii_minimum}): may "
                "bid only in a global tender enquiry; {why}."
            )
        )
        results.append(
            from_ref(
                "SUPPLIER_LOCAL_CONTENT",
                "pass" if permitted else "fail",
                non_local.format(
                    mii_class=name,
                    local_content=lc,
                    class_ii_minimum=format_pct(mii.class_ii_min_lc_pct_exclusive),
                    why=why,
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
                    _(
                        "The estimated value is unknown: above {threshold} the local content of "
                        "{local_content} must be certified by a statutory or cost auditor."
                    ).format(threshold=threshold, local_content=lc),
                    mii.lc_certificate,
                )
            )
        elif value.amount_inr > mii.lc_certificate_above_inr:
            results.append(
                from_ref(
                    "MII_LC_CERTIFICATE",
                    "warning",
                    _(
                        "The estimated value {amount} is above {threshold}: the claimed local "
                        "content of {local_content} must be certified by a statutory or cost "
                        "auditor (or practising CA/CMA)."
                    ).format(
                        amount=format_inr(value.amount_inr), threshold=threshold, local_content=lc
                    ),
                    mii.lc_certificate,
                )
            )
        else:
            results.append(
                from_ref(
                    "MII_LC_CERTIFICATE",
                    "pass",
                    _(
                        "The estimated value {amount} is not above {threshold}: "
                        "self-certification of local content ({local_content}) with the location "
                        "of value addition suffices."
                    ).format(
                        amount=format_inr(value.amount_inr), threshold=threshold, local_content=lc
                    ),
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
    first, _technical = check_value_independent(workload, offer, policy, decision_date, fx)
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
