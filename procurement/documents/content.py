"""What the justification document says: a pre-tender file note seeking approval.

Every figure, rule and offer comes from the comparison's stored snapshot (its inputs and
results, in the engine's types) — never from the current catalogue or policy rows, which may
have changed since. Four things come from records kept beside it: the workload's title and
description and its file particulars (the department's own record; the engine never reads
them, and each one missing reads "[to be filled]"), the department, and the approved decision,
if any. Domain experts' notes on the use case are those accepted by the time the document was
requested (insert-only rows, so a second rendering quotes the same ones).

The note asks approval for need, scope, estimate, budget, mode of procurement, bid terms and
committees. Before bids it names no provider to award to (GFR 2017 Rule 173: the award follows
the evaluation of bids; Rule 144: no brand), except where the mode itself buys from a
catalogue's lowest price (GeM's L1 purchase, Rule 149). Amounts for sanction are nominal and
year-wise with GST; present value appears only as an evaluation device with its rate. The
catalogue comparison is the annex "Market survey and estimate": published prices with their
sources and dates, and the services not meeting the requirement grouped by reason. The
eligibility conditions are clauses ready for the bid document, drawn from the pack's rules.
Text is marked for translation so a Hindi edition can follow.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement import charts, engine, labels, national, selectors, workload_fields
from procurement.documents import charts as svg
from procurement.documents.pdf import data_uri
from procurement.engine import i18n as engine_i18n
from procurement.engine.eligibility import location_name, or_list
from procurement.engine.numbers import format_lakh_crore
from procurement.engine.packs import load_pack, pack_names
from procurement.engine.policy import ProcurementMode
from procurement.labels import reader_language as language
from procurement.models import JustificationDocument, Workload
from procurement.presenters import ComparisonView, comparison_view, expert_notes
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
    # The pack's words in the reader's language (the shipped packs' words are in the catalogue:
    # procurement/engine/packs/messages.py); the placeholders are filled after translation.
    title = engine_i18n._(clause.title)
    text = engine_i18n._(clause.text).format_map(values)
    return Clause(title, text, source, clause.confidence)


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
        with labels.engine_in_reader_language():
            locations = [location_name(loc) for loc in rule.locations]
        values["locations"] = labels.and_words(locations)
    if rule is not None and rule.allowed_operator_types:
        with labels.engine_in_reader_language():
            values["operator_types"] = or_list(
                [labels.OPERATOR_TYPE.label(o).lower() for o in rule.allowed_operator_types]
            )
    bar = policy.quality_bar(workload.use_case)
    if bar is not None:
        values["min_score"] = str(bar)
    if policy.mii is not None:
        values["class_i_pct"] = str(policy.mii.class_i_min_lc_pct)
        values["class_ii_pct"] = str(policy.mii.class_ii_min_lc_pct_exclusive)
        values["lc_certificate_limit"] = format_lakh_crore(
            policy.mii.lc_certificate_above_inr, None
        ).removeprefix("₹")
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
    return _("India") if code == "IN" else code


def _applies(tags: tuple[str, ...], applies_to: tuple[str, ...] | None) -> bool:
    return applies_to is None or bool(set(tags) & set(applies_to))


def eligibility_clauses(
    policy: engine.Policy, workload: engine.Workload, value: Decimal | None
) -> list[Clause]:
    """The tender's eligibility and qualification conditions: the clauses of the pack's clause
    library that the pack's rules and the workload call for, placeholders filled, each with the
    instruments it rests on. A clause of the library the rules do not name (an authority's own
    standard condition) is always included, after them."""
    return [clause for _, clause in tender_clauses(policy, workload, value)]


def tender_clauses(
    policy: engine.Policy, workload: engine.Workload, value: Decimal | None
) -> list[tuple[str, Clause]]:
    """The clauses of :func:`eligibility_clauses`, each with its id in the library (the bid
    document places each in its own section)."""
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
    found = ((clause_id, _from_library(library, clause_id, vals)) for clause_id, vals in wanted)
    return [(clause_id, clause) for clause_id, clause in found if clause is not None]


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


# GFR 2017 Rule 149(ii), as amended by DoE OM F.1/3/2024-PPD of 10.07.2024: on GeM, purchase from
# the lowest-priced seller up to ₹10 lakh; above it, a GeM bid or reverse auction (Rule 149(iii)).
# Only up to this limit may the note name a catalogue offer to buy; above it the note proposes the
# bidding and names no one: the award follows the evaluation of bids (Rule 173).
GEM_L1_PURCHASE_LIMIT_INR = Decimal(1_000_000)

# Why a catalogue service of the market survey does not meet the requirement, by the rule it
# failed (``procurement.engine.codes.OFFER_RULES``): what the catalogue records, as of its dates,
# never a finding about the company.
REASONS: dict[str, Any] = {
    "RESIDENCY": gettext_lazy("Recorded regions outside those the data classification allows"),
    "CERT_IN_LOGS": gettext_lazy("Logs recorded as kept outside India (CERT-In directions)"),
    "CLOUD_EMPANELMENT": gettext_lazy("No MeitY cloud empanelment with a current audit recorded"),
    "CERTIFICATION": gettext_lazy("A required certification not recorded as valid"),
    "CERTIFICATION_EXPIRY": gettext_lazy(
        "A recorded certification lapses before the contract ends"
    ),
    "QUALITY": gettext_lazy("No recorded evaluation meeting the quality bar in every language"),
    "LATENCY": gettext_lazy("Recorded response time slower than required"),
    "AVAILABILITY": gettext_lazy("Published availability below the requirement"),
    "LANGUAGES": gettext_lazy("A required language not recorded as supported"),
    "CONTEXT_WINDOW": gettext_lazy("A typical request does not fit the recorded context window"),
    "TERMS_TRAINING": gettext_lazy("Published terms do not rule out training on the buyer's data"),
    "TERMS_RETENTION": gettext_lazy("Published retention longer than allowed"),
    "TERMS_DEPRECATION_NOTICE": gettext_lazy("Published notice before retiring a model too short"),
    "TERMS_SHUTDOWN": gettext_lazy("Model announced to shut down before the contract ends"),
    "TERMS_PINNED": gettext_lazy("Only a floating model version published"),
    "LAND_BORDER": gettext_lazy("Land-border-country supplier with no registration recorded"),
    "PRICE_FX": gettext_lazy("Price in a currency with no dated exchange rate"),
    "PRICE_STALE": gettext_lazy("Published price too old, or dated after the survey date"),
    "DEMO_DATA": gettext_lazy("Illustrative (demo) data"),
    "QCBS_MIN_TECHNICAL": gettext_lazy("Recorded technical score below the qualifying minimum"),
    "SUPPLIER_LOCAL_CONTENT": gettext_lazy(
        "Declared local content too low for who may bid at this value"
    ),
    "MII_LC_CERTIFICATE": gettext_lazy("Local content not certified as required at this value"),
}
UNPRICED = gettext_lazy("Could not be priced for this requirement")


@dataclass(frozen=True)
class ExclusionGroup:
    """Catalogue services of the market survey that miss one requirement, for one reason."""

    reason: str
    offers: tuple[str, ...]


def exclusion_groups(view: ComparisonView) -> list[ExclusionGroup]:
    """The services that do not meet the requirement, grouped by the reason (one service may
    appear under each reason it misses), the commonest reason first."""
    names: dict[str, list[str]] = {}
    said: dict[str, str] = {}  # the engine's own sentence, for a code without words here
    for row in view.excluded:
        seen: set[str] = set()
        for outcome in row.failed:
            if outcome.code in seen:
                continue
            seen.add(outcome.code)
            names.setdefault(outcome.code, []).append(row.offer.name)
            said.setdefault(outcome.code, outcome.message)
        if not row.failed:
            names.setdefault("", []).append(row.offer.name)
    groups = [
        ExclusionGroup(
            reason=str(REASONS.get(code, said.get(code)) if code else UNPRICED),
            offers=tuple(sorted(offers)),
        )
        for code, offers in names.items()
    ]
    return sorted(groups, key=lambda group: (-len(group.offers), group.reason))


@dataclass(frozen=True)
class EstimateYear:
    """One year of the estimate, in nominal rupees (what is sanctioned)."""

    label: str
    requests: int | None
    usage_inr: Decimal
    one_time_inr: Decimal
    tax_inr: Decimal
    total_inr: Decimal


def _year_start(start: dt.date, offset: int) -> dt.date:
    try:
        return start.replace(year=start.year + offset)
    except ValueError:  # 29 February in a year that has none
        return start.replace(year=start.year + offset, day=28)


def estimate_years(tco: engine.TcoBreakdown, start: dt.date) -> list[EstimateYear]:
    """The year-wise nominal amounts of one priced offer, the exit last."""
    rows = [
        EstimateYear(
            label=_("Year %(n)s (from %(date)s)")
            % {"n": y.year, "date": _long_date(_year_start(start, y.year - 1))},
            requests=y.requests,
            usage_inr=y.usage_inr,
            one_time_inr=y.one_time_inr,
            tax_inr=y.tax_inr,
            total_inr=y.total_inr,
        )
        for y in tco.years
    ]
    if tco.exit_total_inr:
        rows.append(
            EstimateYear(
                label=_("Exit"),
                requests=None,
                usage_inr=Decimal(0),
                one_time_inr=tco.exit_fee_inr,
                tax_inr=tco.exit_tax_inr,
                total_inr=tco.exit_total_inr,
            )
        )
    return rows


def _lowered(words: str) -> str:
    """A label inside a sentence: its first letter lower case."""
    return words[:1].lower() + words[1:]


def _long_date(day: dt.date) -> str:
    """ "1 October 2026" in the reader's language ("1 अक्टूबर 2026")."""
    return format_date(day, "d MMMM y", locale=f"{language()}_IN")


def _reference(view: ComparisonView) -> engine.OfferResult | None:
    """The priced service whose rates give the year-wise estimate: the one the derived
    estimate rests on, else the lowest nominal total among those meeting the requirement."""
    basis = view.results.estimated_value.basis_offer_id
    if basis and (offer := view.offers.get(basis)) is not None and offer.tco is not None:
        return offer
    priced = [o for o in view.eligible if o.tco is not None]
    return min(priced, key=lambda o: (o.tco.nominal_total_inr, o.name)) if priced else None  # type: ignore[union-attr]


@dataclass(frozen=True)
class SurveyRow:
    """A catalogue service that meets the requirement: its published price (with source and
    date) and what the requirement would cost at it over the term."""

    offer: engine.OfferResult
    listing: engine.Offer
    nominal_total_inr: Decimal


def _survey(view: ComparisonView, listings: dict[str, engine.Offer]) -> list[SurveyRow]:
    """The services that meet the requirement, by nominal total over the term."""
    rows = [
        SurveyRow(o, listings[o.offer_id], o.tco.nominal_total_inr)
        for o in view.eligible
        if o.tco is not None
    ]
    return sorted(rows, key=lambda row: (row.nominal_total_inr, row.offer.name))


TO_BE_FILLED = gettext_lazy("[to be filled]")


def particulars(workload: Workload) -> dict[str, str]:
    """The file note's particulars the officer entered, in plain words, or marked to be
    filled where missing."""
    values = workload_fields.values_of(workload)
    shown = [
        item
        for title, rows in workload_fields.shown(values)
        if title is workload_fields.FILE
        for item in rows
    ]
    entered: dict[str, str] = {}
    for row, text in shown:
        if getattr(values, row.name) in ("", None):
            entered[row.name] = format_html('<span class="tbf">{}</span>', TO_BE_FILLED)
        else:
            entered[row.name] = text
    return entered


def procurement_mode(policy: engine.Policy, value: Decimal | None) -> ProcurementMode | None:
    """The mode of procurement the estimated value allows, its name in the reader's language
    (the pack's words, as the clauses)."""
    mode = policy.procurement_mode(value) if value is not None else None
    return None if mode is None else dataclasses.replace(mode, mode=engine_i18n._(mode.mode))


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
    """Everything the file note shows, for one document."""
    comparison = document.comparison
    snapshot = comparison.snapshot_document()
    inputs = engine.load_inputs(snapshot["inputs"], snapshot["engine_version"])
    view = comparison_view(
        selectors.reader_results(
            engine.load_results(snapshot["results"]), comparison.fingerprint, lambda: snapshot
        )
    )
    results = view.results
    workload = inputs.workload
    policy = inputs.policy
    value = results.estimated_value.amount_inr
    reference = _reference(view)
    offers = {offer.offer_id: offer for offer in inputs.offers}
    # Naming a service to buy is for the modes that buy from a catalogue's L1 (Rule 149(i)-(ii));
    # above them the note proposes the bidding, and the survey names no one as the choice.
    purchase = value is not None and value <= GEM_L1_PURCHASE_LIMIT_INR and view.awarded is not None
    figures = charts.comparison_figures(view)
    # The cost-by-year chart draws the awarded offer's years: shown only when they are the
    # estimate's own (the other charts rank offers, which a pre-tender note does not).
    same = (
        reference is not None
        and view.awarded is not None
        and (reference.offer_id == view.awarded.offer_id)
    )
    chart_images, charts_error = _chart_images({"tco": figures["tco"] if same else None})
    qcbs = policy.evaluation.qcbs
    survey = _survey(view, offers)
    totals = [row.nominal_total_inr for row in survey]
    approved = selectors.approved_decision(comparison)
    return {
        "document": document,
        "final": document.final,
        "comparison": comparison,
        "department": comparison.department,
        "workload_title": comparison.workload.title,
        "subject": comparison.workload.file_subject or comparison.workload.title,
        "workload_description": comparison.workload.description,
        "file": particulars(comparison.workload),
        "view": view,
        "results": results,
        "workload": workload,
        "use_case": labels.USE_CASE.label(workload.use_case).lower(),
        "languages": labels.languages(workload.languages),
        "classifications": ", ".join(
            labels.DATA_CLASSIFICATION.label(tag) for tag in workload.data_classification
        ),
        "category": _lowered(labels.PROCUREMENT_CATEGORY.label(workload.procurement_category)),
        "policy": policy,
        "value": value,
        "mode": procurement_mode(policy, value),
        "purchase": purchase,
        # The service approved for purchase, else the catalogue's L1 the note proposes.
        "purchase_offer": view.offers.get(approved.offer_id) if approved else view.awarded,
        "purchase_limit": GEM_L1_PURCHASE_LIMIT_INR,
        "gte_threshold": policy.mii.gte_threshold_inr if policy.mii else None,
        "qcbs_weight": workload.qcbs_technical_weight_pct or qcbs.technical_weight_pct,
        "qcbs_min_score": qcbs.min_technical_score,
        "clauses": eligibility_clauses(policy, workload, value),
        "reference": reference,
        "reference_input": offers.get(reference.offer_id) if reference else None,
        "years": estimate_years(reference.tco, workload.start_date)
        if reference and reference.tco
        else [],
        "emd": _shares(value, Decimal(2), Decimal(5)),
        "performance_security": _shares(value, Decimal(3), Decimal(5)),
        "survey": survey[:MAX_ROWS],
        "survey_total": len(survey),
        "survey_low": min(totals) if totals else None,
        "survey_high": max(totals) if totals else None,
        "exclusions": exclusion_groups(view),
        "excluded_total": len(view.excluded),
        "offer_total": len(view.matrix),
        "max_rows": MAX_ROWS,
        "charts": chart_images,
        "charts_error": charts_error,
        "approved": approved,
        # What this award does to the national share, from the national figures as they stand
        # when the note is made (their date is printed with it); before bids and outside a
        # catalogue purchase it names where the service runs, not the provider.
        "national_effects": national.comparison_effects(results, approved),
        # Domain experts' notes on the use case, as accepted when the note was requested: a
        # second rendering of this document quotes the same ones.
        "expert_notes": expert_notes(
            selectors.domain_notes_for(comparison, accepted_by=document.requested_at)
        ),
        "effect_anonymous": not (purchase or approved),
        "transparency_url": settings.SITE_URL + national.PUBLIC_PAGE,
        "rendered_on": dt.date.today(),
        "signature": stored_signature(snapshot),
    }


def _shares(value: Decimal | None, low: Decimal, high: Decimal) -> tuple[Decimal, Decimal] | None:
    """``low`` % and ``high`` % of the estimated value, to the rupee (None: no estimate)."""
    if value is None:
        return None
    rupee = Decimal(1)
    return (value * low / 100).quantize(rupee), (value * high / 100).quantize(rupee)
