"""A comparison's results, arranged for the people who read them: the comparison page and the
justification PDF both show this one typed view.

Display only: every figure is the engine's, from its result types (``engine.ComparisonResult``,
loaded from the results stored with the comparison); nothing here decides anything. Reading the
stored results, not the current rows, keeps a comparison as it was when the workload or the
catalogue later changes.

The engine's sentences name things by their codes (offer ids, rule codes, language codes, ISO
dates); ``Plain`` rewrites them in the words of ``labels`` and the offers' names for the
officer's page, and the summary's five sentences are written here from the typed results.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from babel.dates import format_date
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from procurement import engine, labels
from procurement.engine.numbers import format_count, format_inr, format_pct
from procurement.engine.results import PreferenceResult
from procurement.models import DomainNote

STATUS_ORDER = {"fail": 0, "warning": 1, "pass": 2}
# A sensitivity analysis whose recommendation changes in fewer scenarios than these shares reads
# as "robust" and "fairly robust" (probabilities as the engine writes them: "0.0123").
ROBUST, FAIRLY_ROBUST = Decimal("0.05"), Decimal("0.20")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_REGION = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+ \(([^(),]+), ([A-Z]{2})\)")
_QUOTED = re.compile(r"'([a-z0-9_]+)'")
_LANGUAGE_LIST = re.compile(r"\(([a-z]{2}(?:, [a-z]{2})*)\)")
_COUNTRY = re.compile(r"\b(?:in|from|of) ([A-Z]{2})\b")
# Library and rounding-mode names in the engine's sentences, and the words a reader gets instead.
_LIBRARY_WORDS = (
    ("float64 (NumPy)", gettext_lazy("floating-point arithmetic")),
    ("float64", gettext_lazy("floating-point")),
    ("ROUND_HALF_UP", gettext_lazy("halves rounded up")),
)
_MECHANISM_SENTENCE = {
    "l1": gettext_lazy(
        "It wins on least cost (L1): of the offers that pass every rule, it has the lowest "
        "evaluated cost."
    ),
    "qcbs": gettext_lazy(
        "It wins on quality and cost (QCBS): of the offers that pass every rule, it has the best "
        "combined score of certified quality and cost."
    ),
    "mii_match_l1": gettext_lazy(
        "It wins through the Make in India purchase preference: a Class-I local supplier within "
        "the margin matched the lowest eligible price (L1) and takes the whole contract at that "
        "price."
    ),
    "price_evaluation_factor": gettext_lazy(
        "It wins after the price evaluation factor on foreign offers was applied to the "
        "evaluated costs."
    ),
    "transition_premium": gettext_lazy(
        "It wins through the buying authority's transition premium for domestic infrastructure, "
        "within the premium its policy allows over the lowest eligible cost."
    ),
    "tie_band": gettext_lazy(
        "It wins within the tie band: its cost is close enough to the lowest that the pack's tie "
        "rule prefers it."
    ),
    "none": gettext_lazy("No award is made."),
}


class Plain:
    """The engine's sentences in the officer's words: offer ids become the offers' names, rule
    codes, language, use-case, classification and certification codes their words, regions
    their city and country, ISO dates "1 Oct 2026", library and rounding-mode names plain."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = dict(names)
        ids = sorted(names, key=len, reverse=True)
        self._ids = (
            re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
            if ids
            else None
        )
        codes = sorted(labels.RULE, key=len, reverse=True)
        self._codes = re.compile(r"\b(" + "|".join(codes) + r")\b")
        self._quoted: dict[str, str] = {}
        for table in (
            labels.USE_CASE,
            labels.DATA_CLASSIFICATION,
            labels.TRAINING_TERMS,
            labels.PRICING_MODE,
        ):
            self._quoted.update({code: table[code] for code in table})
        self._quoted.update({code: str(words) for code, words in labels.LANGUAGE.items()})
        self._operator_types = re.compile(r"\b(" + "|".join(labels.OPERATOR_TYPE) + r")\b")
        self._certifications = {
            code: labels.CERTIFICATION_KIND[code]
            for code in labels.CERTIFICATION_KIND
            if code != "other"
        }

    def __call__(self, text: str) -> str:
        if not text:
            return text
        for words, plain in _LIBRARY_WORDS:
            if words in text:
                text = text.replace(words, str(plain))
        if self._ids:
            text = self._ids.sub(lambda m: self._names[m.group(1)], text)
        text = _REGION.sub(lambda m: f"{m.group(1)}, {labels.country(m.group(2))}", text)
        text = _COUNTRY.sub(lambda m: m.group(0)[:-2] + labels.country(m.group(1)), text)
        text = self._codes.sub(lambda m: _in_sentence(labels.rule(m.group(1))), text)
        text = _QUOTED.sub(lambda m: self._quoted.get(m.group(1), m.group(0)), text)
        text = self._operator_types.sub(
            lambda m: _in_sentence(labels.OPERATOR_TYPE[m.group(1)]), text
        )
        text = _LANGUAGE_LIST.sub(self._languages, text)
        for code, words in self._certifications.items():
            text = re.sub(rf"\b{code}\b", words, text)
        return _ISO_DATE.sub(_date, text)

    @staticmethod
    def _languages(match: re.Match[str]) -> str:
        codes = match.group(1).split(", ")
        if not all(code in labels.LANGUAGE for code in codes):
            return match.group(0)
        return f"({labels.languages(codes)})"

    def subject(self, subject: str) -> str:
        """An outcome's subject: a language or certification code, or an offer's region."""
        if subject in labels.LANGUAGE:
            return labels.language(subject)
        return self(self._certifications.get(subject, subject))


def _in_sentence(words: str) -> str:
    """Words that start a label, inside a sentence: "Cloud empanelment" → "cloud empanelment",
    but "MeitY-empanelled …" and "CERT-In …" keep their capitals."""
    first = words.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and not any(c.isupper() for c in first[1:]):
        return words[0].lower() + words[1:]
    return words


def _date(match: re.Match[str]) -> str:
    try:
        day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return match.group(0)
    code = labels.reader_language()
    if code == "en":
        return f"{day.day} {day:%b %Y}"
    return format_date(day, "d MMMM y", locale=f"{code}_IN")


@dataclass(frozen=True)
class Cell:
    """One offer against one rule in the eligibility matrix: its worst outcome, and why."""

    status: str
    symbol: str
    message: str

    @property
    def words(self) -> str:
        return labels.RULE_STATUS.label(self.status)


@dataclass(frozen=True)
class MatrixRow:
    offer: engine.OfferResult
    cells: tuple[Cell | None, ...]
    failed: tuple[engine.RuleOutcome, ...]


@dataclass(frozen=True)
class Rule:
    """A rule of the matrix: its code (for the audit detail) and its words."""

    code: str
    label: str


@dataclass(frozen=True)
class ExcludedOffer:
    """One offer that fails a rule, with why, in plain words."""

    name: str
    uses_demo_data: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Exclusion:
    """A rule and the offers it excludes: "why the others are out", grouped by reason."""

    rule: Rule
    offers: tuple[ExcludedOffer, ...]
    citation: engine.Citation
    confidence: str
    confidence_label: str


@dataclass(frozen=True)
class ComparisonView:
    results: engine.ComparisonResult
    offers: Mapping[str, engine.OfferResult]
    award: engine.AwardOutcome
    awarded: engine.OfferResult | None
    runner_up: engine.OfferResult | None
    raw_l1: engine.OfferResult | None
    mechanism: str
    rule_codes: tuple[str, ...]
    matrix: tuple[MatrixRow, ...]
    eligible: tuple[engine.OfferResult, ...]
    # For the officer's page: the summary, and the engine's sentences in plain words.
    summary: Summary
    rules: tuple[Rule, ...]
    exclusions: tuple[Exclusion, ...]
    gates: tuple[engine.RuleOutcome, ...]
    preferences: tuple[PreferenceResult, ...]
    explanation: tuple[str, ...]
    names: Mapping[str, str]
    plain: Plain

    @property
    def excluded(self) -> tuple[MatrixRow, ...]:
        return tuple(row for row in self.matrix if not row.offer.eligible)


def _worst(outcomes: list[engine.RuleOutcome], plain: Plain) -> Cell:
    status = min((o.status for o in outcomes), key=STATUS_ORDER.__getitem__)
    message = " ".join(_sentence(o, plain) for o in outcomes)
    return Cell(status, labels.STATUS_SYMBOL[status], message)


def _sentence(outcome: engine.RuleOutcome, plain: Plain) -> str:
    subject = plain.subject(outcome.subject)
    return f"{subject + ': ' if subject else ''}{plain(outcome.message)}"


def _ordered(results: engine.ComparisonResult) -> list[engine.OfferResult]:
    """Eligible offers by rank, then the excluded ones by evaluated cost (unpriced last)."""

    def key(o: engine.OfferResult) -> tuple[bool, int, bool, Decimal, str]:
        cost = o.evaluated_cost_inr
        return (not o.eligible, o.rank or 0, cost is None, cost or Decimal(0), o.name)

    return sorted(results.offers, key=key)


def _exclusions(ordered: list[engine.OfferResult], plain: Plain) -> tuple[Exclusion, ...]:
    """Every failed rule with the offers it excludes, the rule excluding most first."""
    by_code: dict[str, dict[str, list[engine.RuleOutcome]]] = {}
    offers: dict[str, engine.OfferResult] = {}
    for offer in ordered:
        for outcome in offer.outcomes:
            if outcome.status == "fail":
                by_code.setdefault(outcome.code, {}).setdefault(offer.offer_id, []).append(outcome)
                offers[offer.offer_id] = offer
    groups = []
    for code, failing in by_code.items():
        first = next(iter(failing.values()))[0]
        groups.append(
            Exclusion(
                rule=Rule(code, labels.rule(code)),
                offers=tuple(
                    ExcludedOffer(
                        name=offers[offer_id].name,
                        uses_demo_data=offers[offer_id].uses_demo_data,
                        reasons=tuple(_sentence(o, plain) for o in outcomes),
                    )
                    for offer_id, outcomes in failing.items()
                ),
                citation=first.citation,
                confidence=first.confidence,
                confidence_label=first.confidence_label,
            )
        )
    return tuple(sorted(groups, key=lambda g: -len(g.offers)))


@dataclass(frozen=True)
class Summary:
    """The recommendation and its reasons in five plain sentences, written from the typed
    results: who wins, by which mechanism, what the buyer pays and what premium, what share
    runs on domestic infrastructure, how robust it is. Without an award: why, and what next."""

    winner: str
    mechanism: str
    pays: str
    domestic: str
    robustness: str

    @property
    def reasons(self) -> tuple[str, ...]:
        """The sentences after the first, those that say why (none left empty)."""
        return tuple(s for s in (self.mechanism, self.pays, self.domestic, self.robustness) if s)

    @property
    def sentences(self) -> tuple[str, ...]:
        return (self.winner, *self.reasons)


def _summary(
    results: engine.ComparisonResult, awarded: engine.OfferResult | None, raw_l1: str
) -> Summary:
    total = len(results.offers)
    eligible = sum(1 for o in results.offers if o.eligible)
    if awarded is None:
        return Summary(
            winner=_(
                "No award can be recommended: none of the %(total)s offers compared passes every "
                "rule."
            )
            % {"total": format_count(total)},
            mechanism=_(
                "“Why the other offers are out” lists the rules that exclude them; revise the "
                "workload or the policy and compare again."
            ),
            pays="",
            domestic="",
            robustness="",
        )
    award = results.recommendation.award
    term = len(awarded.tco.years) if awarded.tco else 0
    amounts = {
        "cost": format_inr(award.cost_inr or Decimal(0)),
        "nominal": format_inr(award.nominal_inr or Decimal(0)),
        "term": term,
        "premium": format_inr(award.premium_paid_inr),
        "premium_pct": format_pct(award.premium_paid_pct),
        "l1": raw_l1,
    }
    if results.cost_basis == "npv":
        if award.premium_paid_inr:
            pays = _(
                "The buyer pays %(cost)s in present value, taxes included (%(nominal)s in nominal "
                "rupees over the %(term)s-year term): a premium of %(premium)s (%(premium_pct)s) "
                "over the lowest eligible offer, %(l1)s."
            )
        else:
            pays = _(
                "The buyer pays %(cost)s in present value, taxes included (%(nominal)s in nominal "
                "rupees over the %(term)s-year term), with no premium over the lowest eligible "
                "offer: %(premium)s (%(premium_pct)s)."
            )
    elif award.premium_paid_inr:
        pays = _(
            "The buyer pays %(nominal)s, taxes included, over the %(term)s-year term: a premium "
            "of %(premium)s (%(premium_pct)s) over the lowest eligible offer, %(l1)s."
        )
    else:
        pays = _(
            "The buyer pays %(nominal)s, taxes included, over the %(term)s-year term, with no "
            "premium over the lowest eligible offer: %(premium)s (%(premium_pct)s)."
        )
    domestic = ""
    if (share := results.domestic_share) is not None:
        shares = {
            "domestic": format_pct(share.domestic_operator_pct),
            "inferences": format_count(share.total_inferences),
            "foreign": format_pct(share.foreign_operator_in_country_pct),
            "abroad": format_pct(share.abroad_pct),
        }
        foreign, abroad = share.foreign_operator_in_country_inferences, share.abroad_inferences
        if foreign and abroad:
            domestic = _(
                "%(domestic)s of its %(inferences)s inferences over the term run on domestic "
                "infrastructure (regions of an Indian-owned operator in India), %(foreign)s with "
                "a foreign operator in India and %(abroad)s abroad."
            )
        elif foreign:
            domestic = _(
                "%(domestic)s of its %(inferences)s inferences over the term run on domestic "
                "infrastructure (regions of an Indian-owned operator in India), %(foreign)s with "
                "a foreign operator in India."
            )
        elif abroad:
            domestic = _(
                "%(domestic)s of its %(inferences)s inferences over the term run on domestic "
                "infrastructure (regions of an Indian-owned operator in India), %(abroad)s "
                "abroad."
            )
        else:
            domestic = _(
                "%(domestic)s of its %(inferences)s inferences over the term run on domestic "
                "infrastructure (regions of an Indian-owned operator in India)."
            )
        domestic %= shares
    if (sensitivity := results.sensitivity) is None:
        robustness = _("No sensitivity analysis was run, so its robustness is not measured.")
    else:
        changes = Decimal(sensitivity.probability_recommendation_changes)
        if changes < ROBUST:
            robustness = _(
                "The recommendation is robust: across %(scenarios)s scenarios of demand growth, "
                "exchange rate and prices, it changes in %(share)s of them."
            )
        elif changes < FAIRLY_ROBUST:
            robustness = _(
                "The recommendation is fairly robust: across %(scenarios)s scenarios of demand "
                "growth, exchange rate and prices, it changes in %(share)s of them."
            )
        else:
            robustness = _(
                "The recommendation is fragile: across %(scenarios)s scenarios of demand growth, "
                "exchange rate and prices, it changes in %(share)s of them."
            )
        robustness %= {
            "scenarios": format_count(sensitivity.scenarios),
            "share": format_pct(changes * 100),
        }
    if eligible == 1:
        winner = _(
            "Award to %(offer)s: it is the only offer that passes every rule, of %(total)s "
            "compared."
        )
    else:
        winner = _(
            "Award to %(offer)s: it ranks first of the %(eligible)s offers that pass every rule, "
            "of %(total)s compared."
        )
    return Summary(
        winner=winner
        % {
            "offer": awarded.name,
            "eligible": format_count(eligible),
            "total": format_count(total),
        },
        mechanism=str(_MECHANISM_SENTENCE[award.mechanism]),
        pays=pays % amounts,
        domestic=domestic,
        robustness=robustness,
    )


def comparison_view(results: engine.ComparisonResult) -> ComparisonView:
    offers = {o.offer_id: o for o in results.offers}
    names = {o.offer_id: o.name for o in results.offers}
    plain = Plain(names)
    ordered = _ordered(results)
    codes: list[str] = []
    for offer in ordered:
        for outcome in offer.outcomes:
            if outcome.code not in codes:
                codes.append(outcome.code)
    matrix = []
    for offer in ordered:
        by_code: dict[str, list[engine.RuleOutcome]] = {}
        for outcome in offer.outcomes:
            by_code.setdefault(outcome.code, []).append(outcome)
        matrix.append(
            MatrixRow(
                offer=offer,
                cells=tuple(_worst(by_code[c], plain) if c in by_code else None for c in codes),
                failed=tuple(o for o in offer.outcomes if o.status == "fail"),
            )
        )
    recommendation = results.recommendation
    award = recommendation.award
    awarded = offers.get(award.offer_id or "")
    raw_l1 = offers.get(recommendation.raw_l1_offer_id or "")
    return ComparisonView(
        results=results,
        offers=offers,
        award=award,
        awarded=awarded,
        runner_up=offers.get(recommendation.runner_up_offer_id or ""),
        raw_l1=raw_l1,
        mechanism=labels.MECHANISM.label(award.mechanism),
        rule_codes=tuple(codes),
        matrix=tuple(matrix),
        eligible=tuple(o for o in ordered if o.eligible),
        summary=_summary(results, awarded, raw_l1.name if raw_l1 else ""),
        rules=tuple(Rule(code, labels.rule(code)) for code in codes),
        exclusions=_exclusions(ordered, plain),
        gates=tuple(
            dataclasses.replace(g, message=plain(g.message), subject=plain.subject(g.subject))
            for g in results.gates
        ),
        preferences=tuple(
            dataclasses.replace(p, message=plain(p.message), interpretation=plain(p.interpretation))
            for p in results.preferences
        ),
        explanation=tuple(plain(line) for line in results.explanation),
        names=names,
        plain=plain,
    )


@dataclass(frozen=True)
class PolicyRuleRow:
    """One rule of a policy pack as its page lists it: what it governs, in words, and its
    source."""

    name: str
    citation: engine.Citation
    confidence: str
    note: str


def policy_rules(policy: engine.Policy) -> list[PolicyRuleRow]:
    """Every cited rule of a pack apart from residency and preferences (which the page shows
    in their own tables), named in plain words, in the order a tender file takes them."""
    evaluation = policy.evaluation
    terms = policy.contract_terms
    finance = policy.finance
    named: list[tuple[str, object]] = [
        (_("Logs kept in the country (CERT-In)"), policy.logs_direction),
        (_("Commercial cloud must be MeitY-empanelled"), policy.cloud_empanelment),
    ]
    named += [
        (
            _("%(kind)s certification") % {"kind": labels.CERTIFICATION_KIND.label(r.kind)},
            r,
        )
        for r in policy.certifications.required
    ]
    named += [
        (_("Certification valid for the whole contract"), policy.certifications.expiry),
        (_("Quality bar"), policy.quality),
        (_("No training on Buyer Data"), terms.training),
        (_("Longest retention of Buyer Data"), terms.max_retention),
        (_("Notice before a model is retired"), terms.min_deprecation_notice),
        (_("Model shut down during the contract"), terms.shutdown),
        (_("Dated model versions"), terms.pinned_snapshot),
    ]
    if policy.mii is not None:
        mii = policy.mii
        named += [
            (_("Make in India: classes of local supplier"), mii.classification),
            (_("Make in India: small purchases exempt"), mii.exemption),
            (_("Global tender enquiry"), mii.gte),
            (_("Local content certificate"), mii.lc_certificate),
            (_("Only Class-I suppliers"), mii.only_class_i),
        ]
    named.append((_("Bidders from countries sharing a land border"), policy.land_border))
    named += [
        (_("Mode of procurement: %(mode)s") % {"mode": mode.mode}, mode)
        for mode in policy.procurement_modes
    ]
    named += [
        (_("Award at the lowest evaluated cost (L1)"), evaluation.l1),
        (_("Quality and cost based selection"), evaluation.qcbs),
        (_("Cap on the technical weight"), evaluation.qcbs.max_weight),
        (_("Cap for non-consultancy services"), evaluation.qcbs.ncs_cap),
        (pgettext("policy rule", "Ties"), evaluation.tie),
        (_("Estimated value"), evaluation.estimated_value),
    ]
    named += [(_("Tax: %(levy)s") % {"levy": rule.levy}, rule) for rule in policy.taxes.rules]
    named += [
        (_("Input tax credit"), policy.taxes.input_tax_credit),
        (
            _("Discount rate (%(pct)s %% a year)") % {"pct": finance.discount_rate_pct},
            finance.discount_rate,
        ),
        (
            _("Expected rupee depreciation (%(pct)s %% a year)")
            % {"pct": finance.expected_inr_depreciation_pct},
            finance.depreciation,
        ),
        (_("Use of dedicated capacity"), finance.utilisation),
        (_("What counts as domestic infrastructure"), policy.domestic_infrastructure),
        (_("Age of prices and exchange rates"), policy.data_quality),
    ]
    return [
        PolicyRuleRow(
            name=name,
            citation=rule.citation,  # type: ignore[attr-defined]
            confidence=rule.confidence,  # type: ignore[attr-defined]
            note=getattr(rule, "note", ""),
        )
        for name, rule in named
        if rule is not None
    ]


@dataclass(frozen=True)
class ExpertNote:
    """A domain expert's note a catalogue steward accepted, as the comparison page and the file
    note quote it: the rule it bears on in words ("" for none), its sources as (title, web
    address)."""

    title: str
    body: str
    author: str
    affiliation: str
    rule: str
    sources: tuple[tuple[str, str], ...]
    accepted_on: dt.date
    is_demo: bool


def expert_notes(notes: Iterable[DomainNote]) -> tuple[ExpertNote, ...]:
    """Accepted notes (with their author and review fetched) for the page and the PDF."""
    return tuple(
        ExpertNote(
            title=note.title,
            body=note.body,
            author=note.submitted_by.get_full_name() or note.submitted_by.get_username(),
            affiliation=note.affiliation,
            rule=labels.rule(note.rule) if note.rule else "",
            sources=tuple((source["title"], source["url"]) for source in note.sources),
            accepted_on=timezone.localdate(note.review.reviewed_at),
            is_demo=note.is_demo,
        )
        for note in notes
    )
