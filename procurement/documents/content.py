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
from django.utils.translation import gettext_lazy as _lazy

from procurement import charts, engine, labels, selectors
from procurement.documents import charts as svg
from procurement.documents.pdf import data_uri
from procurement.engine.numbers import format_lakh_crore
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


def _clause(title: str, text: str, citation: engine.Citation, confidence: str) -> Clause:
    return Clause(title, text, f"{citation.document}, {citation.clause}", confidence)


# Clause wording; placeholders are filled from the pack and workload, and each clause names the
# pack rule, with its citation, that it rests on.
CLAUSE_TEXT = {
    "no_cloud": _lazy(
        "The data of this workload may not be processed on any cloud service. "
        "The service shall run on the Buyer's own infrastructure."
    ),
    "residency": _lazy(
        "Buyer Data — prompts, outputs, files, logs and backups — and all inference "
        "processing shall remain in named regions in %(country)s (%(where)s)."
    ),
    "operators": _lazy("The hosting operator shall be %(ops)s."),
    "guarantee": _lazy(
        "The Bidder shall guarantee in the contract that inference is processed only in "
        "India, with no global or cross-border routing."
    ),
    "empanelment": _lazy(
        "Where the service runs on a commercial cloud, the hosting layer shall be a "
        "MeitY-empanelled cloud service offering with a current STQC audit, listed on GeM "
        "where applicable."
    ),
    "certification": _lazy(
        "The Bidder shall hold valid %(cert)s certification on the date of bid submission "
        "and keep it valid for the whole contract, supplying the certificate and each renewal."
    ),
    "quality": _lazy(
        "The offered model shall score at least %(bar)s out of 100 for %(use)s in each of "
        "%(langs)s, in an evaluation by an accredited evaluator that is valid on the date of "
        "technical evaluation. The Buyer may re-run the evaluation on its own test set before "
        "award."
    ),
    "mii": _lazy(
        "The Bidder shall declare its local content and class under the Public Procurement "
        "(Preference to Make in India) Order 2017: Class-I at %(c1)s %% or more, Class-II "
        "above %(c2)s %%. "
    ),
    "lc_auditor": _lazy(
        "As the estimated value exceeds %(limit)s, the local content shall be certified by "
        "the statutory or cost auditor (companies) or a practising Chartered or Cost "
        "Accountant."
    ),
    "lc_self": _lazy(
        "Up to %(limit)s of estimated value, the Bidder self-certifies its local content "
        "and states where value is added."
    ),
    "land_border": _lazy(
        "A bidder from a country sharing a land border with India may bid only if registered "
        "with the Registration Committee of DPIIT; the registration shall be valid on the "
        "date of bid submission."
    ),
    "training": _lazy(
        "The Bidder shall not use Buyer Data — prompts, files, outputs, embeddings and logs "
        "— to train, fine-tune or improve any model, directly or through sub-processors. The "
        "commitment shall be in the contract itself, not only a console setting."
    ),
    "retention": _lazy(
        "The Bidder shall state the retention period of each category of data; none shall "
        "exceed %(days)s days, and data shall be deleted on request and at exit with a "
        "deletion certificate."
    ),
    "lifecycle": _lazy(
        "The contract binds to dated model versions. The Bidder shall give at least %(days)s "
        "days' notice before retiring a contracted model and run the old and new versions in "
        "parallel before cut-over."
    ),
    "availability": _lazy("monthly availability of at least %(pct)s %%"),
    "latency": _lazy("95th-percentile response time of at most %(ms)s ms at the declared workload"),
    "service": _lazy(
        "The service shall meet %(levels)s, measured by the Buyer's own monitoring, with "
        "service credits for any breach."
    ),
}


def _applies(tags: tuple[str, ...], applies_to: tuple[str, ...] | None) -> bool:
    return applies_to is None or bool(set(tags) & set(applies_to))


def eligibility_clauses(
    policy: engine.Policy, workload: engine.Workload, value: Decimal | None
) -> list[Clause]:
    """The tender's eligibility and qualification conditions, from the pack's own rules."""
    text = {key: str(value) for key, value in CLAUSE_TEXT.items()}
    tags = workload.data_classification
    clauses = []
    rule = _strictest_residency(policy, tags)
    if rule is not None and not rule.cloud_allowed:
        clauses.append(_clause(_("Hosting"), text["no_cloud"], rule.citation, rule.confidence))
    elif rule is not None and rule.required_country:
        country = "India" if rule.required_country == "IN" else rule.required_country
        body = text["residency"] % {"country": country, "where": ", ".join(rule.locations)}
        if rule.allowed_operator_types:
            ops = " or ".join(
                labels.OPERATOR_TYPE.label(o).lower() for o in rule.allowed_operator_types
            )
            body += " " + text["operators"] % {"ops": ops}
        if rule.require_processing_guarantee:
            body += " " + text["guarantee"]
        clauses.append(
            _clause(_("Storage and processing in India"), body, rule.citation, rule.confidence)
        )
    empanelment = policy.cloud_empanelment
    if empanelment and _applies(tags, empanelment.applies_to):
        clauses.append(
            _clause(
                _("Hosting eligibility"),
                text["empanelment"],
                empanelment.citation,
                empanelment.confidence,
            )
        )
    for requirement in policy.certifications.required:
        if _applies(tags, requirement.applies_to):
            cert = labels.CERTIFICATION_KIND.label(requirement.kind)
            clauses.append(
                _clause(
                    _("Certification"),
                    text["certification"] % {"cert": cert},
                    requirement.citation,
                    requirement.confidence,
                )
            )
    bar = policy.quality_bar(workload.use_case)
    if bar is not None:
        body = text["quality"] % {
            "bar": bar,
            "use": labels.USE_CASE.label(workload.use_case).lower(),
            "langs": labels.languages(workload.languages),
        }
        clauses.append(
            _clause(_("Quality"), body, policy.quality.citation, policy.quality.confidence)
        )
    if policy.mii is not None:
        mii = policy.mii
        auditor = value is not None and value > mii.lc_certificate_above_inr
        certificate = text["lc_auditor" if auditor else "lc_self"] % {
            "limit": format_lakh_crore(mii.lc_certificate_above_inr, None)
        }
        body = text["mii"] % {
            "c1": mii.class_i_min_lc_pct,
            "c2": mii.class_ii_min_lc_pct_exclusive,
        }
        clauses.append(
            _clause(
                _("Make in India"),
                body + certificate,
                mii.lc_certificate.citation,
                mii.lc_certificate.confidence,
            )
        )
    if policy.land_border is not None:
        ref = policy.land_border
        clauses.append(
            _clause(
                _("Bidders from land-border countries"),
                text["land_border"],
                ref.citation,
                ref.confidence,
            )
        )
    terms = policy.contract_terms
    if terms.training is not None:
        clauses.append(
            _clause(
                _("No training on Buyer Data"),
                text["training"],
                terms.training.citation,
                terms.training.confidence,
            )
        )
    if terms.max_retention is not None:
        limit = terms.max_retention
        clauses.append(
            _clause(
                _("Retention"),
                text["retention"] % {"days": limit.limit_days},
                limit.citation,
                limit.confidence,
            )
        )
    if terms.min_deprecation_notice is not None:
        notice = terms.min_deprecation_notice
        clauses.append(
            _clause(
                _("Model lifecycle"),
                text["lifecycle"] % {"days": notice.limit_days},
                notice.citation,
                notice.confidence,
            )
        )
    levels = []
    if workload.min_availability_pct:
        levels.append(text["availability"] % {"pct": workload.min_availability_pct})
    if workload.max_p95_latency_ms:
        levels.append(text["latency"] % {"ms": workload.max_p95_latency_ms})
    if levels:
        ref = policy.requirements.availability
        clauses.append(
            _clause(
                _("Service levels"),
                text["service"] % {"levels": " and ".join(levels)},
                ref.citation,
                ref.confidence,
            )
        )
    return clauses


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
