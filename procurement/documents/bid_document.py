"""What a tender's bid document says: the notice inviting tender, the instructions, the
qualification criteria, the scope, the buyer's benchmark, the price schedule, the conditions of
contract and its schedules, and the forms bidders return.

Everything comes from stored records: the Tender row (dates, benchmark, pass mark, price basis,
bid and performance security, Integrity Pact, price-revision cap) and its planning comparison's
snapshot — the workload, the policy pack and the estimated value, in the engine's types — never
the current catalogue or policy rows. The document names no provider or brand (GFR 2017 Rule
144): the comparison's market survey stays with the file note, and its snapshot is not attached.
The conditions come from the pack's clause library with the instruments the pack cites; where
the pack has no clause, the document states the general rules with their instruments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from django.utils.translation import gettext as _

from procurement import engine, labels
from procurement.documents.content import TO_BE_FILLED, Clause, procurement_mode, tender_clauses
from procurement.engine.numbers import (
    DAYS_PER_YEAR,
    ONE,
    engine_precision,
    format_num,
    fraction,
    round_int,
)
from procurement.engine.policy import Instrument, MiiMatchL1Preference, instrument_of
from procurement.labels import reader_language as language
from procurement.models import JustificationDocument, Tender

IST = ZoneInfo("Asia/Kolkata")

# Qualification tied to the estimate (GFR 2017 Rule 173(i)): shares of one contract year's
# estimated value. They are also the cap: no higher turnover or experience is asked of bidders.
TURNOVER_SHARE_PCT = Decimal(30)
EXPERIENCE_SHARE_PCT = Decimal(40)

# The section of the bid document each clause of the pack's library goes in; a clause of the
# authority's own (not named here) joins the conditions of contract.
QUALIFICATION = "qualification"
TECHNICAL = "technical"
DATA = "data"
SERVICE_LEVELS = "service_levels"
LIFECYCLE = "lifecycle"
CONTRACT = "contract"
SECTION_OF = {
    "empanelment": QUALIFICATION,
    "certification": QUALIFICATION,
    "make_in_india": QUALIFICATION,
    "local_content_auditor": QUALIFICATION,
    "local_content_self": QUALIFICATION,
    "land_border": QUALIFICATION,
    "quality": TECHNICAL,
    "hosting_no_cloud": DATA,
    "residency": DATA,
    "hosting_operator": DATA,
    "processing_guarantee": DATA,
    "logs": DATA,
    "no_training": DATA,
    "retention": DATA,
    "availability": SERVICE_LEVELS,
    "latency": SERVICE_LEVELS,
    "model_lifecycle": LIFECYCLE,
}


def _general_sources() -> dict[str, str]:
    """The instruments of the general rules the pack has no clause for, cited as the pack cites
    its own (issuer: instrument, number and date, paragraph), in the reader's language."""
    doe = _("Ministry of Finance, Department of Expenditure")
    gfr = _("General Financial Rules 2017")
    parliament = _("Parliament of India")
    bid_security = (
        engine.Citation(
            gfr,
            _(
                "Rule 170(i): bid security of %(low)s %% to %(high)s %%, or a bid-securing "
                "declaration"
            )
            % {"low": 2, "high": 5},
            issuer=doe,
        ),
        engine.Citation(
            _("Office Memorandum"),
            _(
                "bid-securing declaration in place of earnest money; micro and small enterprises "
                "and startups exempt"
            ),
            issuer=doe,
            number="F.9/4/2020-PPD",
            date=dt.date(2020, 11, 12),
        ),
    )
    performance_security = engine.Citation(
        gfr,
        _(
            "Rule 171: performance security of %(low)s %% to %(high)s %%, valid %(days)s days "
            "beyond all contractual obligations"
        )
        % {"low": 3, "high": 5, "days": 60},
        issuer=doe,
    )
    relaxation = (
        engine.Citation(gfr, _("Rule 173(i)"), issuer=doe),
        engine.Citation(
            _("Manual for Procurement of Non-Consultancy Services 2025"),
            _(
                "para 5.1.7: relaxation of prior turnover and prior experience for startups and "
                "micro and small enterprises"
            ),
            issuer=doe,
        ),
    )
    mse_order = engine.Citation(
        _(
            "Public Procurement Policy for Micro and Small Enterprises (MSEs) Order, 2012, as "
            "amended"
        ),
        _(
            "purchase preference within L1 + %(margin)s %% for at least %(share)s %% of the "
            "tendered value; exemption from tender fee and earnest money"
        )
        % {"margin": 15, "share": 25},
        issuer=_("Ministry of Micro, Small and Medium Enterprises"),
        number="S.O. 5670(E)",
        date=dt.date(2018, 11, 9),
    )
    code_of_integrity = engine.Citation(
        gfr, _("Rule 175: Code of Integrity for public procurement"), issuer=doe
    )
    payment = engine.Citation(gfr, _("Rule 172: advance payments"), issuer=doe)
    price_schedule = engine.Citation(
        gfr,
        _(
            "Rule 173: the criteria and the method of evaluation, with any discounting, stated in "
            "the bid document"
        ),
        issuer=doe,
    )
    data_protection = engine.Citation(
        _("Digital Personal Data Protection Act, 2023"),
        _("section 8: a data processor engaged only under a valid contract"),
        issuer=parliament,
    )
    cloud_terms = engine.Citation(
        _(
            "Guidelines for Government Departments on Contractual Terms related to Cloud "
            "Services (2017)"
        ),
        _("exit management and transition"),
        issuer=_("Ministry of Electronics and Information Technology (MeitY)"),
    )
    integrity_pact = engine.Citation(
        _("Standard Operating Procedure for adoption of the Integrity Pact"),
        _("independent external monitors"),
        issuer=_("Central Vigilance Commission"),
    )
    official_languages = engine.Citation(
        _("Official Languages Act, 1963"), _("section 3(3)"), issuer=parliament
    )
    return {
        "bid_security_sources": "; ".join(c.text() for c in bid_security),
        "performance_security_source": performance_security.text(),
        "relaxation_source": "; ".join(c.text() for c in relaxation),
        "mse_source": mse_order.text(),
        "integrity_source": code_of_integrity.text(),
        "integrity_pact_source": integrity_pact.text(),
        "languages_source": official_languages.text(),
        "price_schedule_source": price_schedule.text(),
        "payment_source": payment.text(),
        "data_protection_source": data_protection.text(),
        "exit_source": cloud_terms.text(),
    }


def _locale() -> str:
    """The Babel locale of the reader's language: "en_IN" or "hi_IN"."""
    return f"{language()}_IN"


def indian_datetime(moment: dt.datetime) -> str:
    """A date and time as Indian tenders print them: "05.03.2026, 15:00 hours (IST)"."""
    return _("%(date)s, %(time)s hours (IST)") % {
        "date": format_datetime(moment, "dd.MM.y", tzinfo=IST, locale=_locale()),
        "time": format_datetime(moment, "HH:mm", tzinfo=IST, locale=_locale()),
    }


def indian_date(day: dt.date) -> str:
    """A date as Indian tenders print it: "05.03.2026"."""
    return format_date(day, "dd.MM.y", locale=_locale())


@dataclass(frozen=True)
class Quantity:
    """One contract year's stated quantities: what the price schedule multiplies."""

    label: str
    requests: int
    input_tokens: int
    output_tokens: int


@engine_precision
def stated_quantities(workload: engine.Workload) -> list[Quantity]:
    """The requests and tokens of each contract year, as the comparison's engine counts them
    (requests a day × 365, growing each year; tokens at the workload's means)."""
    growth = ONE + fraction(workload.annual_growth_pct)
    requests = Decimal(workload.requests_per_day) * DAYS_PER_YEAR
    years = []
    for year in range(1, workload.term_years + 1):
        if year > 1:
            requests *= growth
        years.append(
            Quantity(
                label=_("Year %(n)s") % {"n": year},
                requests=round_int(requests),
                input_tokens=round_int(requests * workload.mean_input_tokens),
                output_tokens=round_int(requests * workload.mean_output_tokens),
            )
        )
    return years


@engine_precision
def peak_per_minute(workload: engine.Workload) -> int:
    """The peak requests a minute in the last contract year: what the service must carry
    without throttling."""
    growth = (ONE + fraction(workload.annual_growth_pct)) ** (workload.term_years - 1)
    per_minute = Decimal(workload.requests_per_day) * growth / 1440
    return max(1, round_int(per_minute * workload.peak_to_average))


def _share(value: Decimal | None, pct: Decimal) -> Decimal | None:
    """``pct`` % of ``value``, to the rupee."""
    return None if value is None else (value * pct / 100).quantize(ONE)


def _sections(clauses: list[tuple[str, Clause]]) -> dict[str, list[Clause]]:
    placed: dict[str, list[Clause]] = {
        name: [] for name in (QUALIFICATION, TECHNICAL, DATA, SERVICE_LEVELS, LIFECYCLE, CONTRACT)
    }
    for clause_id, clause in clauses:
        placed[SECTION_OF.get(clause_id, CONTRACT)].append(clause)
    return placed


@dataclass(frozen=True)
class Preference:
    """A purchase preference the bid document states: what it does and the instrument."""

    title: str
    text: str
    source: str


def _instrument(instrument: Instrument) -> str:
    words = f"{instrument.issuer}: {instrument.title}"
    date = indian_date(instrument.date)
    if instrument.number:
        return _("%(instrument)s No. %(number)s dated %(date)s") % {
            "instrument": words,
            "number": instrument.number,
            "date": date,
        }
    return _("%(instrument)s dated %(date)s") % {"instrument": words, "date": date}


def preferences(policy: engine.Policy, method: str, value: Decimal | None) -> list[Preference]:
    """The preferences that may move the award, in the pack's order: the Make in India match of
    L1 (for price-only evaluation, where the order applies at this value), and any preference of
    the authority's own that an instrument empowers. A preference without one is a policy
    scenario of the comparison and never a term of the tender."""
    stated = []
    mii = policy.mii
    applies = mii is not None and (value is None or value >= mii.exemption_below_inr)
    for pref in policy.preferences:
        if isinstance(pref, MiiMatchL1Preference):
            if applies and method == "l1":
                stated.append(
                    Preference(
                        labels.PREFERENCE_KIND.label(pref.kind),
                        _(
                            "If the lowest evaluated bid (L1) is not from a Class-I local "
                            "supplier, the Class-I local suppliers whose evaluated price is "
                            "within %(margin)s %% of L1 are invited, lowest first, to match L1; "
                            "the first to match is awarded the whole contract at the L1 price. "
                            "If none matches, the contract may be awarded to L1. The buyer "
                            "never pays above L1."
                        )
                        % {"margin": format_num(pref.margin_pct)},
                        pref.citation.text(),
                    )
                )
            continue
        instrument = instrument_of(pref)
        if instrument is not None:
            stated.append(
                Preference(
                    labels.PREFERENCE_KIND.label(pref.kind),
                    pref.citation.clause,
                    _instrument(instrument),
                )
            )
    return stated


def _mii_bidders(policy: engine.Policy, workload: engine.Workload, value: Decimal | None) -> str:
    """Who may bid under the Make in India order: "exempt", "class_i", "local" (Class-I and
    Class-II: no global tender enquiry) or "all" (a global tender enquiry)."""
    mii = policy.mii
    if mii is None or (value is not None and value < mii.exemption_below_inr):
        return "exempt"
    if mii.only_class_i_eligible:
        return "class_i"
    gte = workload.global_tender_approved or (value is not None and value > mii.gte_threshold_inr)
    return "all" if gte else "local"


def bid_document_context(document: JustificationDocument) -> dict[str, Any]:
    """Everything the bid document of ``document.tender`` shows."""
    tender: Tender | None = document.tender
    if tender is None:
        raise ValueError(f"document {document.pk} is not a tender's bid document")
    comparison = document.comparison
    snapshot = comparison.snapshot_document()
    inputs = engine.load_inputs(snapshot["inputs"], snapshot["engine_version"])
    results = engine.load_results(snapshot["results"])
    workload, policy = inputs.workload, inputs.policy
    value = results.estimated_value.amount_inr
    one_year = None if value is None else value / workload.term_years
    method = results.evaluation_method
    qcbs = policy.evaluation.qcbs
    technical_weight = workload.qcbs_technical_weight_pct or qcbs.technical_weight_pct
    quantities = stated_quantities(workload)
    placed = tender_clauses(policy, workload, value)
    clauses = _sections(placed)
    mii = policy.mii
    category = labels.PROCUREMENT_CATEGORY.label(workload.procurement_category)
    return {
        "document": document,
        "tender": tender,
        "department": document.department,
        "demo": comparison.uses_demo_data or tender.is_demo,
        "published": indian_date(tender.published_at.astimezone(IST).date()),
        "deadline": indian_datetime(tender.bid_deadline),
        "opening": indian_datetime(tender.opening_at),
        "start": indian_date(workload.start_date),
        "workload": workload,
        "use_case": labels.USE_CASE.label(workload.use_case).lower(),
        "languages": labels.languages(workload.languages),
        "classifications": ", ".join(
            labels.DATA_CLASSIFICATION.label(tag) for tag in workload.data_classification
        ),
        "category": category[:1].lower() + category[1:],
        "policy": policy,
        "value": value,
        "to_be_filled": TO_BE_FILLED,
        "pass_mark": format_num(tender.pass_mark),
        "mode": procurement_mode(policy, value),
        "emd": _share(value, tender.emd_pct) if tender.emd_pct is not None else None,
        "performance_security": _share(value, tender.performance_security_pct),
        "turnover": _share(one_year, TURNOVER_SHARE_PCT),
        "turnover_pct": TURNOVER_SHARE_PCT,
        "experience": _share(one_year, EXPERIENCE_SHARE_PCT),
        "experience_pct": EXPERIENCE_SHARE_PCT,
        "mii": mii,
        "mii_bidders": _mii_bidders(policy, workload, value),
        "mii_source": mii.classification.citation.text() if mii else "",
        # The local-content certificate rests on the clause the value calls for (para 9(a) or
        # 9(b) of the Make in India order).
        "local_content_source": next(
            (c.source for clause_id, c in placed if clause_id.startswith("local_content_")), ""
        ),
        "gte_source": mii.gte.citation.text() if mii else "",
        "clauses": clauses,
        "land_border": policy.land_border,
        "quantities": quantities,
        "total_requests": sum(q.requests for q in quantities),
        "total_input_tokens": sum(q.input_tokens for q in quantities),
        "total_output_tokens": sum(q.output_tokens for q in quantities),
        "per_request": tender.price_basis == Tender.PriceBasis.PER_REQUEST,
        "taxes": policy.taxes.rules,
        "tax_recoverable": workload.buyer_gst_registered_business_use,
        "discounted": policy.evaluation.cost_basis == "npv",
        "discount_rate": policy.finance.discount_rate_pct,
        "method": method,
        "method_source": (
            qcbs.citation if method == "qcbs" else policy.evaluation.l1.citation
        ).text(),
        "qcbs_cap_source": qcbs.ncs_cap.citation.text(),
        "technical_weight": technical_weight,
        "financial_weight": Decimal(100) - technical_weight,
        "min_technical_score": qcbs.min_technical_score,
        "preferences": preferences(policy, method, value),
        "peak_per_minute": peak_per_minute(workload),
        "incident_source": policy.logs_direction.citation.instrument()
        if policy.logs_direction
        else "",
        "pinned_source": policy.contract_terms.pinned_snapshot.citation.text()
        if policy.contract_terms.pinned_snapshot
        else "",
        **_general_sources(),
    }
