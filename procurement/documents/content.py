"""What the justification document says.

Every figure, rule and offer comes from the comparison's stored snapshot (its inputs and
results, in the engine's types) — never from the current catalogue or policy rows, which may
have changed since. Three things come from records kept beside it: the workload's title and
description (how the department names the need today; the engine never reads them), the
department, and the approved decision, if any.

The sections follow the file note's outline (need, estimated cost and basis, mode of
procurement, evaluation method, eligibility conditions, results, preferences, recommendation,
sensitivity, offer data, sign-off). The eligibility conditions are written as clauses ready to
paste into a tender, drawn from the pack's rules. Text is marked for translation so a Hindi
edition can follow.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from procurement import charts, engine, labels, selectors
from procurement.documents import charts as svg
from procurement.documents.pdf import data_uri
from procurement.engine.packs import load_pack, pack_names
from procurement.models import JustificationDocument
from procurement.presenters import comparison_view
from procurement.signing import stored_signature

logger = logging.getLogger(__name__)

MAX_ROWS = 200  # a cap on rows per table; the attached snapshot always holds them all


def _strictest_residency(policy: engine.Policy, tags: tuple[str, ...]) -> Any:
    rules = [rule for tag in tags if (rule := policy.residency_rule(tag)) is not None]
    return max(rules, key=lambda rule: rule.rank) if rules else None


@dataclass(frozen=True)
class Clause:
    """A tender clause ready to paste, with the rule it rests on."""

    title: str
    text: str
    source: str
    confidence: str


class _ClauseValues(dict[str, str]):
    """What a clause's placeholders read: a value the pack and the workload do not give is
    marked for the officer to fill (never a gap or an error in the document)."""

    def __missing__(self, key: str) -> str:
        return _("[to be stated in the tender]")


def _from_library(
    library: dict[str, engine.TenderClause], clause_id: str, values: _ClauseValues
) -> Clause | None:
    clause = library.get(clause_id)
    if clause is None:
        return None
    source = "; ".join(citation.text() for citation in clause.sources)
    return Clause(clause.title, clause.text.format_map(values), source, clause.confidence)


def _library(policy: engine.Policy) -> dict[str, engine.TenderClause]:
    """The pack's clause library; a pack stored before packs carried one reads the library of
    the shipped pack of its name (or of the central pack), so an earlier comparison's document
    still states its conditions."""
    clauses = policy.clauses
    if not clauses:
        shipped = policy.pack_id if policy.pack_id in pack_names() else "india-default"
        clauses = load_pack(shipped).clauses
    return {clause.clause_id: clause for clause in clauses}


def _clause_values(policy: engine.Policy, workload: engine.Workload, rule: Any) -> _ClauseValues:
    values = _ClauseValues(
        use_case=labels.USE_CASE.label(workload.use_case).lower(),
        languages=labels.languages(workload.languages),
    )
    if rule is not None and rule.required_country:
        values["country"] = _country(rule.required_country)
        values["locations"] = _and(list(rule.locations))
    if rule is not None and rule.allowed_operator_types:
        values["operator_types"] = " or ".join(
            labels.OPERATOR_TYPE.label(o).lower() for o in rule.allowed_operator_types
        )
    bar = policy.quality_bar(workload.use_case)
    if bar is not None:
        values["min_score"] = str(bar)
    if policy.mii is not None:
        values["class_i_pct"] = str(policy.mii.class_i_min_lc_pct)
        values["class_ii_pct"] = str(policy.mii.class_ii_min_lc_pct_exclusive)
        values["lc_certificate_limit"] = _crore(policy.mii.lc_certificate_above_inr)
    terms = policy.contract_terms
    if terms.max_retention is not None:
        values["retention_days"] = str(terms.max_retention.limit_days)
    if terms.min_deprecation_notice is not None:
        values["notice_days"] = str(terms.min_deprecation_notice.limit_days)
    if policy.logs_direction is not None:
        values["log_days"] = str(policy.logs_direction.retention_days)
        values["log_country"] = _country(policy.logs_direction.country)
    if workload.min_availability_pct:
        values["availability_pct"] = str(workload.min_availability_pct)
    if workload.max_p95_latency_ms:
        values["latency_ms"] = str(workload.max_p95_latency_ms)
    return values


def _country(code: str) -> str:
    return "India" if code == "IN" else code


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _applies(tags: tuple[str, ...], applies_to: tuple[str, ...] | None) -> bool:
    return applies_to is None or bool(set(tags) & set(applies_to))


def eligibility_clauses(
    policy: engine.Policy, workload: engine.Workload, value: Decimal | None
) -> list[Clause]:
    """The tender's eligibility and qualification conditions: the clauses of the pack's clause
    library that the pack's rules and the workload call for, placeholders filled, each with the
    instruments it rests on. A clause of the library the rules do not name (an authority's own
    standard condition) is always included, after them."""
    library = _library(policy)
    tags = workload.data_classification
    rule = _strictest_residency(policy, tags)
    values = _clause_values(policy, workload, rule)
    wanted: list[tuple[str, _ClauseValues]] = []
    if rule is not None and not rule.cloud_allowed:
        wanted.append(("hosting_no_cloud", values))
    elif rule is not None and rule.required_country:
        wanted.append(("residency", values))
        if rule.allowed_operator_types:
            wanted.append(("hosting_operator", values))
        if rule.require_processing_guarantee:
            wanted.append(("processing_guarantee", values))
    empanelment = policy.cloud_empanelment
    if empanelment and _applies(tags, empanelment.applies_to):
        wanted.append(("empanelment", values))
    for requirement in policy.certifications.required:
        if _applies(tags, requirement.applies_to):
            cert = labels.CERTIFICATION_KIND.label(requirement.kind)
            wanted.append(("certification", _ClauseValues(values, certification=cert)))
    if policy.logs_direction is not None:
        wanted.append(("logs", values))
    if policy.quality_bar(workload.use_case) is not None:
        wanted.append(("quality", values))
    if policy.mii is not None:
        auditor = value is not None and value > policy.mii.lc_certificate_above_inr
        wanted.append(("make_in_india", values))
        wanted.append(("local_content_auditor" if auditor else "local_content_self", values))
    if policy.land_border is not None:
        wanted.append(("land_border", values))
    terms = policy.contract_terms
    if terms.training is not None:
        wanted.append(("no_training", values))
    if terms.max_retention is not None:
        wanted.append(("retention", values))
    if terms.min_deprecation_notice is not None:
        wanted.append(("model_lifecycle", values))
    if workload.min_availability_pct:
        wanted.append(("availability", values))
    if workload.max_p95_latency_ms:
        wanted.append(("latency", values))
    wanted += [(clause_id, values) for clause_id in library if clause_id not in RULE_CLAUSES]
    found = (_from_library(library, clause_id, vals) for clause_id, vals in wanted)
    return [clause for clause in found if clause is not None]


# The clauses of the library that the pack's rules call for (each only when its rule does).
RULE_CLAUSES = frozenset(
    {
        "hosting_no_cloud",
        "residency",
        "hosting_operator",
        "processing_guarantee",
        "empanelment",
        "certification",
        "logs",
        "quality",
        "make_in_india",
        "local_content_auditor",
        "local_content_self",
        "land_border",
        "no_training",
        "retention",
        "model_lifecycle",
        "availability",
        "latency",
    }
)


def _crore(amount: Decimal) -> str:
    crore = Decimal(10_000_000)
    if amount >= crore:
        return f"{(amount / crore).normalize():f} crore"
    return f"{(amount / Decimal(100_000)).normalize():f} lakh"


def _chart_images(figures: dict[str, charts.Figure | None]) -> tuple[dict[str, str], str]:
    """The figures the page draws, exported as SVG data URIs for the PDF, and why not, if not.

    A document without its charts is still a document: if the chart browser cannot run (e.g.
    Chromium is missing), the PDF says so where the charts would be, and the tables carry the
    same figures.
    """
    drawn = {name: figure for name, figure in figures.items() if figure is not None}
    try:
        svgs = svg.export_svgs(list(drawn.values()))
    except Exception as exc:  # the browser is a separate program: any failure of it
        logger.warning("charts could not be exported for the justification", exc_info=True)
        return {}, f"{type(exc).__name__}: {exc}"[:200]
    images = {name: data_uri(svg, "image/svg+xml") for name, svg in zip(drawn, svgs, strict=True)}
    return images, ""


def document_context(document: JustificationDocument) -> dict[str, Any]:
    """Everything the justification template shows, for one document."""
    comparison = document.comparison
    snapshot = comparison.snapshot_document()
    inputs = engine.load_inputs(snapshot["inputs"], snapshot["engine_version"])
    view = comparison_view(engine.load_results(snapshot["results"]))
    results = view.results
    workload = inputs.workload
    policy = inputs.policy
    value = results.estimated_value.amount_inr
    offers = {offer.offer_id: offer for offer in inputs.offers}
    chart_images, charts_error = _chart_images(charts.comparison_figures(view))
    qcbs = policy.evaluation.qcbs
    excluded = view.excluded
    return {
        "document": document,
        "comparison": comparison,
        "department": comparison.department,
        "workload_title": comparison.workload.title,
        "workload_description": comparison.workload.description,
        "view": view,
        "results": results,
        "workload": workload,
        "use_case": labels.USE_CASE.label(workload.use_case).lower(),
        "languages": labels.languages(workload.languages),
        "classifications": ", ".join(
            labels.DATA_CLASSIFICATION.label(tag) for tag in workload.data_classification
        ),
        "policy": policy,
        "mode": policy.procurement_mode(value) if value is not None else None,
        "gte_threshold": policy.mii.gte_threshold_inr if policy.mii else None,
        "qcbs_weight": workload.qcbs_technical_weight_pct or qcbs.technical_weight_pct,
        "qcbs_min_score": qcbs.min_technical_score,
        "clauses": eligibility_clauses(policy, workload, value),
        "awarded_input": offers.get(view.award.offer_id or ""),
        "eligible": view.eligible[:MAX_ROWS],
        "excluded": excluded[:MAX_ROWS],
        "excluded_total": len(excluded),
        "annex": [offers[row.offer.offer_id] for row in view.matrix][:MAX_ROWS],
        "offer_total": len(view.matrix),
        "max_rows": MAX_ROWS,
        "charts": chart_images,
        "charts_error": charts_error,
        "approved": selectors.approved_decision(comparison),
        "rendered_on": dt.date.today(),
        "signature": stored_signature(snapshot),
    }
