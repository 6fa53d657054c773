"""Semantic validation of engine inputs, with messages that name the field.

The JSON parser (codec) checks shapes and types; these checks cover ranges, consistency and
membership, and also run on dataclasses built directly in Python (the service layer's path), so
:func:`procurement.engine.compare` never computes on an input it has not checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol, TypeVar, runtime_checkable
from urllib.parse import urlsplit

from procurement.engine import bounds
from procurement.engine.bounds import DateRange, ItemsRange, Range
from procurement.engine.errors import FieldError
from procurement.engine.i18n import _, ngettext
from procurement.engine.inputs import (
    CERTIFICATION_KINDS,
    DATA_CLASSIFICATIONS,
    OPERATOR_TYPES,
    TRAINING_TERMS,
    USE_CASES,
    FxRate,
    MatchReply,
    Offer,
    Operator,
    Region,
    TechnicalScore,
    Workload,
)
from procurement.engine.numbers import format_count
from procurement.engine.policy import (
    CLAUSE_PLACEHOLDERS,
    CONFIDENCE_LABELS,
    Citation,
    MiiMatchL1Preference,
    MseMatchL1Preference,
    Policy,
    PriceEvaluationFactorPreference,
    TieBandPreference,
    TransitionPremiumPreference,
    instrument_of,
    is_statutory,
)
from procurement.engine.results import SensitivityConfig
from procurement.engine.sensitivity import (
    BLOCK_ARRAYS,
    BLOCK_VALUES,
    BYTES_PER_VALUE,
    memory_needed,
    scenarios_within,
)

_LANG = re.compile(r"^[a-z]{2}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
_LOCATIONS = ("processing", "storage", "logs")
_CONFIDENCES = tuple(CONFIDENCE_LABELS)
_OFFER = bounds.OFFER
_POLICY = bounds.POLICY


_CLAUSE_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def is_web_link(text: str) -> bool:
    """An absolute http(s) address with a host and no whitespace or control characters."""
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        return False
    parts = urlsplit(text)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


class _Checker:
    """Collects field errors; small helpers keep each message in one consistent form.

    Every message is a whole sentence in the active language (:mod:`procurement.engine.i18n`):
    a helper that needs words from its caller takes the caller's whole translated message."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def is_type(
        self, path: str, value: object, kind: type | tuple[type, ...], message: str
    ) -> bool:
        """True when ``value`` is a ``kind`` (never a bool for another kind); else ``message``."""
        if isinstance(value, bool) and kind is not bool and kind != (bool,):
            self.add(path, message)
            return False
        if not isinstance(value, kind):
            self.add(path, message)
            return False
        return True

    def decimal_in(self, path: str, value: object, bound: Range, *, optional: bool = False) -> bool:
        """Check a Decimal against its bound; True when it is one and within it."""
        if value is None and optional:
            return False
        if not isinstance(value, Decimal) or not value.is_finite():
            self.add(path, _("must be a finite Decimal"))
        elif not bound.contains(value):
            self.add(path, _between(bound))
        else:
            return True
        return False

    def integer_in(self, path: str, value: object, bound: Range, *, optional: bool = False) -> bool:
        """Check a whole number against its bound; True when it is one and within it."""
        if value is None and optional:
            return False
        if not isinstance(value, int) or isinstance(value, bool):
            self.add(path, _("must be a whole number"))
        elif not bound.contains(value):
            self.add(path, _between(bound))
        else:
            return True
        return False

    def date_in(self, path: str, value: object, bound: DateRange) -> None:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.add(path, _("must be a date"))
        elif not bound.contains(value):
            self.add(
                path,
                _("must be between {earliest} and {latest}").format(
                    earliest=bound.earliest.isoformat(), latest=bound.latest.isoformat()
                ),
            )

    def items(self, path: str, value: object, bound: ItemsRange, message: str) -> None:
        """``message`` (with ``{fewest}`` and ``{most}``) unless ``value`` is a tuple of a
        length within ``bound``."""
        if not isinstance(value, tuple) or not bound.contains(len(value)):
            self.add(path, message.format(fewest=bound.fewest, most=bound.most))

    def member(self, path: str, value: object, allowed: Iterable[str]) -> None:
        options = tuple(allowed)
        if value not in options:
            self.add(path, _("must be one of: {options}").format(options=", ".join(options)))

    def pattern(self, path: str, value: object, regex: re.Pattern[str], message: str) -> None:
        """``message`` unless ``value`` is text that ``regex`` matches."""
        if not isinstance(value, str) or not regex.match(value):
            self.add(path, message)

    def date(self, path: str, value: object, *, optional: bool = False) -> None:
        if value is None and optional:
            return
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.add(path, _("must be a date"))

    def text(self, path: str, value: object, *, allow_empty: bool = False) -> None:
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            self.add(path, _("must be non-empty text"))

    def link(self, path: str, value: object, *, required: bool = False) -> None:
        """A web address a page or PDF may render as a link: http or https only (never
        ``javascript:``, ``data:`` or a relative path), with a host and no spaces."""
        if value is None or value == "":
            if required:
                self.add(path, _("must be a web address (http or https)"))
            return
        if not isinstance(value, str) or not is_web_link(value):
            self.add(path, _("must be a web address starting with http:// or https://"))

    def boolean(self, path: str, value: object) -> None:
        if not isinstance(value, bool):
            self.add(path, _("must be true or false"))

    def unique(self, path: str, values: Sequence[object], message: str) -> None:
        """``message`` (with ``{value}``, the repeated value) at each repeat after the first."""
        seen: set[object] = set()
        for i, v in enumerate(values):
            if v in seen:
                self.add(f"{path}[{i}]", message.format(value=repr(v)))
            seen.add(v)


def _between(bound: Range) -> str:
    return _("must be between {low} and {high}").format(low=bound.low, high=bound.high)


def _iso_language() -> str:
    return _("must be a two-letter ISO 639-1 code")


def _iso_country() -> str:
    return _("must be an ISO 3166-1 alpha-2 code, e.g. IN")


def _slug() -> str:
    return _("must be a slug (letters, digits, . _ : -)")


def _alpha2() -> str:
    return _("must be an ISO alpha-2 code")


def validate_workload(w: Workload, path: str = "workload") -> list[FieldError]:
    """Every problem with a workload, each naming its field; ranges from bounds.WORKLOAD."""
    c = _Checker()
    c.member(f"{path}.use_case", w.use_case, sorted(USE_CASES))
    c.items(
        f"{path}.languages",
        w.languages,
        _bound("languages", ItemsRange),
        _("must list between {fewest} and {most} languages"),
    )
    if isinstance(w.languages, tuple):
        for i, lang in enumerate(w.languages):
            c.pattern(f"{path}.languages[{i}]", lang, _LANG, _iso_language())
        c.unique(f"{path}.languages", w.languages, _("duplicate language {value}"))
    for name in ("requests_per_day", "term_years"):
        c.integer_in(f"{path}.{name}", getattr(w, name), _bound(name, Range))
    for name in (
        "mean_input_tokens",
        "mean_output_tokens",
        "cached_input_share_pct",
        "annual_growth_pct",
        "peak_to_average",
    ):
        c.decimal_in(f"{path}.{name}", getattr(w, name), _bound(name, Range))
    tokens = (w.mean_input_tokens, w.mean_output_tokens)
    if all(isinstance(t, Decimal) and t.is_finite() for t in tokens):
        least = bounds.MIN_TOKENS_PER_REQUEST
        if max(w.mean_input_tokens, w.mean_output_tokens) < least:
            c.add(
                f"{path}.mean_output_tokens",
                _("input or output tokens must be at least {least} a request").format(least=least),
            )
    c.date_in(f"{path}.start_date", w.start_date, _bound("start_date", DateRange))
    c.items(
        f"{path}.data_classification",
        w.data_classification,
        _bound("data_classification", ItemsRange),
        _("must list between {fewest} and {most} classifications"),
    )
    if isinstance(w.data_classification, tuple):
        for i, tag in enumerate(w.data_classification):
            c.member(f"{path}.data_classification[{i}]", tag, DATA_CLASSIFICATIONS)
        c.unique(
            f"{path}.data_classification",
            w.data_classification,
            _("duplicate classification {value}"),
        )
    c.integer_in(
        f"{path}.max_p95_latency_ms",
        w.max_p95_latency_ms,
        _bound("max_p95_latency_ms", Range),
        optional=True,
    )
    for name in ("min_availability_pct", "estimated_value_inr", "qcbs_technical_weight_pct"):
        c.decimal_in(f"{path}.{name}", getattr(w, name), _bound(name, Range), optional=True)
    c.member(
        f"{path}.procurement_category", w.procurement_category, ("non_consultancy", "consultancy")
    )
    if w.evaluation_method is not None:
        c.member(f"{path}.evaluation_method", w.evaluation_method, ("l1", "qcbs"))
    for name in (
        "quality_oriented_procurement_declared",
        "global_tender_approved",
        "buyer_gst_registered_business_use",
    ):
        c.boolean(f"{path}.{name}", getattr(w, name))
    return c.errors


_B = TypeVar("_B", Range, DateRange, ItemsRange)


def _bound(name: str, kind: type[_B]) -> _B:
    bound = bounds.WORKLOAD[name]
    assert isinstance(bound, kind), f"bounds.WORKLOAD[{name!r}] is not a {kind.__name__}"
    return bound


def _validate_region(c: _Checker, path: str, region: object) -> None:
    if not isinstance(region, Region):
        c.add(path, _("must be a Region"))
        return
    c.text(f"{path}.code", region.code)
    c.pattern(f"{path}.country", region.country, _COUNTRY, _iso_country())
    c.text(f"{path}.city", region.city, allow_empty=True)
    c.member(f"{path}.operator_type", region.operator_type, sorted(OPERATOR_TYPES))
    operator = region.operator
    if not isinstance(operator, Operator):
        c.add(f"{path}.operator", _("must be an Operator: who owns and controls the region"))
        return
    c.text(f"{path}.operator.name", operator.name)
    c.member(f"{path}.operator.ownership", operator.ownership, ("domestic", "foreign"))
    c.pattern(f"{path}.operator.country", operator.country, _COUNTRY, _iso_country())
    c.boolean(f"{path}.operator.is_demo", operator.is_demo)


def validate_offer(o: Offer, path: str) -> list[FieldError]:
    """Every problem with one offer, each naming its field."""
    c = _Checker()
    c.pattern(f"{path}.offer_id", o.offer_id, _SLUG, _slug())
    for name in ("name", "model_name", "model_family"):
        c.text(f"{path}.{name}", getattr(o, name))
    c.boolean(f"{path}.open_weights", o.open_weights)
    c.member(f"{path}.pricing_mode", o.pricing_mode, ("serverless", "dedicated"))
    p = o.provider
    pp = f"{path}.provider"
    c.pattern(f"{pp}.provider_id", p.provider_id, _SLUG, _slug())
    c.text(f"{pp}.provider_name", p.provider_name)
    c.pattern(f"{pp}.headquarters_country", p.headquarters_country, _COUNTRY, _alpha2())
    if p.billing_country is not None:
        c.pattern(f"{pp}.billing_country", p.billing_country, _COUNTRY, _alpha2())
    c.member(f"{pp}.ownership", p.ownership, ("domestic", "foreign"))
    c.decimal_in(
        f"{pp}.local_content_pct", p.local_content_pct, _OFFER["provider.local_content_pct"]
    )
    c.member(f"{pp}.mse_status", p.mse_status, ("none", "micro", "small"))
    c.boolean(f"{pp}.land_border_country", p.land_border_country)
    c.date(f"{pp}.dpiit_registered_until", p.dpiit_registered_until, optional=True)
    _validate_price(c, o, f"{path}.price")
    for loc in _LOCATIONS:
        regions = getattr(o, f"{loc if loc != 'logs' else 'log'}_regions")
        rp = f"{path}.{loc if loc != 'logs' else 'log'}_regions"
        if not isinstance(regions, tuple):
            c.add(rp, _("must be a tuple of regions"))
            continue
        for i, region in enumerate(regions):
            _validate_region(c, f"{rp}[{i}]", region)
    c.integer_in(f"{path}.context_window", o.context_window, _OFFER["context_window"])
    if not isinstance(o.languages, tuple):
        c.add(f"{path}.languages", _("must be a tuple of ISO 639-1 codes"))
    else:
        for i, lang in enumerate(o.languages):
            c.pattern(f"{path}.languages[{i}]", lang, _LANG, _iso_language())
    for name in ("p95_latency_ms", "retention_days", "deprecation_notice_days"):
        c.integer_in(f"{path}.{name}", getattr(o, name), _OFFER[name], optional=True)
    c.decimal_in(
        f"{path}.sla_availability_pct",
        o.sla_availability_pct,
        _OFFER["sla_availability_pct"],
        optional=True,
    )
    c.member(f"{path}.trains_on_customer_data", o.trains_on_customer_data, sorted(TRAINING_TERMS))
    c.boolean(f"{path}.india_processing_guaranteed", o.india_processing_guaranteed)
    c.date(f"{path}.shutdown_date", o.shutdown_date, optional=True)
    c.boolean(f"{path}.pinned_snapshot", o.pinned_snapshot)
    for i, cert in enumerate(o.certifications):
        cp = f"{path}.certifications[{i}]"
        c.member(f"{cp}.kind", cert.kind, sorted(CERTIFICATION_KINDS))
        c.text(f"{cp}.issuer", cert.issuer)
        c.date(f"{cp}.issued_on", cert.issued_on)
        c.date(f"{cp}.expires_on", cert.expires_on, optional=True)
        c.link(f"{cp}.evidence_url", cert.evidence_url)
        if (
            isinstance(cert.expires_on, dt.date)
            and isinstance(cert.issued_on, dt.date)
            and cert.expires_on < cert.issued_on
        ):
            c.add(f"{cp}.expires_on", _("must not be before issued_on"))
    for i, ev in enumerate(o.evaluations):
        ep = f"{path}.evaluations[{i}]"
        c.member(f"{ep}.use_case", ev.use_case, sorted(USE_CASES))
        c.pattern(f"{ep}.language", ev.language, _LANG, _iso_language())
        c.decimal_in(f"{ep}.score", ev.score, _OFFER["evaluations[].score"])
        c.text(f"{ep}.evaluator", ev.evaluator)
        c.boolean(f"{ep}.evaluator_accredited", ev.evaluator_accredited)
        c.date(f"{ep}.accredited_until", ev.accredited_until, optional=True)
        c.text(f"{ep}.method", ev.method, allow_empty=True)
        c.date(f"{ep}.evaluated_on", ev.evaluated_on)
        c.link(f"{ep}.evidence_url", ev.evidence_url)
        c.date(f"{ep}.valid_until", ev.valid_until)
        if (
            isinstance(ev.valid_until, dt.date)
            and isinstance(ev.evaluated_on, dt.date)
            and ev.valid_until < ev.evaluated_on
        ):
            c.add(f"{ep}.valid_until", _("must not be before evaluated_on"))
    return c.errors


def _validate_price(c: _Checker, o: Offer, path: str) -> None:
    pr = o.price
    c.pattern(
        f"{path}.currency", pr.currency, _CURRENCY, _("must be an ISO 4217 code, e.g. INR or USD")
    )
    c.text(f"{path}.source_url", pr.source_url)
    c.date(f"{path}.checked_on", pr.checked_on)
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    missing = ""
    if o.pricing_mode == "serverless":
        required = ("input_per_mtok", "output_per_mtok")
        optional = ("cached_input_per_mtok",)
        missing = _("is required for a serverless offer")
    elif o.pricing_mode == "dedicated":
        required = ("gpu_hour_price", "output_tokens_per_sec_per_gpu")
        missing = _("is required for a dedicated offer")
        for name in ("gpus_per_node", "min_gpus"):
            c.integer_in(f"{path}.{name}", getattr(pr, name), _OFFER[f"price.{name}"])
    for name in required:
        if getattr(pr, name) is None:
            c.add(f"{path}.{name}", missing)
    for name in (*required, *optional):  # a missing required price is reported above
        c.decimal_in(f"{path}.{name}", getattr(pr, name), _OFFER[f"price.{name}"], optional=True)
    for name in ("onboarding_fee", "exit_fee"):
        c.decimal_in(f"{path}.{name}", getattr(pr, name), _OFFER[f"price.{name}"])


def validate_offers(offers: Sequence[Offer], path: str = "offers") -> list[FieldError]:
    """Every problem with the offers, including duplicate offer ids (paths use input positions)."""
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for i, offer in enumerate(offers):
        if not isinstance(offer, Offer):
            errors.append(FieldError(f"{path}[{i}]", _("must be an Offer")))
            continue
        errors.extend(validate_offer(offer, f"{path}[{i}]"))
        if offer.offer_id in seen:
            errors.append(
                FieldError(
                    f"{path}[{i}].offer_id",
                    _("duplicate offer id {offer_id} (also {other})").format(
                        offer_id=repr(offer.offer_id), other=f"{path}[{seen[offer.offer_id]}]"
                    ),
                )
            )
        seen.setdefault(offer.offer_id, i)
    return errors


def validate_fx(rates: Sequence[FxRate], path: str = "fx_rates") -> list[FieldError]:
    """Every problem with the FX table; two rates for one currency on one date are ambiguous."""
    c = _Checker()
    seen: dict[tuple[str, dt.date], int] = {}
    for i, r in enumerate(rates):
        rp = f"{path}[{i}]"
        if not isinstance(r, FxRate):
            c.add(rp, _("must be an FxRate"))
            continue
        c.pattern(f"{rp}.currency", r.currency, _CURRENCY, _("must be an ISO 4217 code, e.g. USD"))
        if r.currency == "INR":
            c.add(f"{rp}.currency", _("INR needs no rate (the engine reports in INR)"))
        c.decimal_in(f"{rp}.rate_to_inr", r.rate_to_inr, bounds.FX_RATE_TO_INR)
        c.date(f"{rp}.date", r.date)
        c.text(f"{rp}.source", r.source)
        key = (r.currency, r.date)
        if key in seen:
            c.add(
                f"{rp}.date",
                _(
                    "a second {currency} rate for {date} (also {other}): keep one so the rate "
                    "used is unambiguous"
                ).format(
                    currency=r.currency, date=r.date.isoformat(), other=f"{path}[{seen[key]}]"
                ),
            )
        seen.setdefault(key, i)
    return c.errors


@runtime_checkable
class _Cited(Protocol):
    """A rule of a pack: anything with a citation and a confidence tag."""

    citation: object
    confidence: object


def _check_citations(c: _Checker, node: object, path: str) -> None:
    """Every rule of a pack carries a citation (document and clause) and a confidence tag."""
    if isinstance(node, tuple):
        for i, item in enumerate(node):
            _check_citations(c, item, f"{path}[{i}]")
        return
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return
    if isinstance(node, _Cited) and not isinstance(node, Citation):
        if not isinstance(node.citation, Citation):
            c.add(f"{path}.citation", _("must be a Citation (document, clause)"))
        else:
            c.text(f"{path}.citation.document", node.citation.document)
            c.text(f"{path}.citation.clause", node.citation.clause)
            c.link(f"{path}.citation.url", node.citation.url)
        c.member(f"{path}.confidence", node.confidence, _CONFIDENCES)
    for f in dataclasses.fields(node):
        if f.name != "citation":
            _check_citations(c, getattr(node, f.name), f"{path}.{f.name}")


def validate_policy(p: Policy, path: str = "policy") -> list[FieldError]:
    """Every problem with a policy pack, including legal limits such as GFR Rule 192."""
    c = _Checker()
    c.text(f"{path}.pack_id", p.pack_id)
    c.integer_in(f"{path}.version", p.version, _POLICY["version"])
    c.pattern(f"{path}.jurisdiction", p.jurisdiction, _COUNTRY, _alpha2())
    # Residency: one rule per classification, distinct ranks.
    rules = p.residency.rules
    c.unique(
        f"{path}.residency.rules",
        [r.classification for r in rules],
        _("duplicate classification {value}"),
    )
    c.unique(f"{path}.residency.rules", [r.rank for r in rules], _("duplicate rank {value}"))
    for i, rule in enumerate(rules):
        rp = f"{path}.residency.rules[{i}]"
        c.member(f"{rp}.classification", rule.classification, DATA_CLASSIFICATIONS)
        if rule.required_country is not None:
            c.pattern(
                f"{rp}.required_country",
                rule.required_country,
                _COUNTRY,
                _("must be an alpha-2 code"),
            )
        for j, loc in enumerate(rule.locations):
            c.member(f"{rp}.locations[{j}]", loc, _LOCATIONS)
    for i, bar in enumerate(p.quality.bars):
        c.decimal_in(
            f"{path}.quality.bars[{i}].min_score",
            bar.min_score,
            _POLICY["quality.bars[].min_score"],
        )
    c.unique(
        f"{path}.quality.bars",
        [b.use_case for b in p.quality.bars],
        _("duplicate use case {value}"),
    )
    terms = p.contract_terms
    for name in ("max_retention", "min_deprecation_notice"):
        rule = getattr(terms, name)
        if rule is not None:
            key = f"contract_terms.{name}.limit_days"
            c.integer_in(f"{path}.{key}", rule.limit_days, _POLICY[key])
    if p.mii is not None:
        m = p.mii
        mp = f"{path}.mii"
        valid = [
            c.decimal_in(f"{mp}.{name}", getattr(m, name), _POLICY[f"mii.{name}"])
            for name in (
                "class_i_min_lc_pct",
                "class_ii_min_lc_pct_exclusive",
                "exemption_below_inr",
                "gte_threshold_inr",
                "lc_certificate_above_inr",
            )
        ]
        if all(valid[:2]) and m.class_ii_min_lc_pct_exclusive >= m.class_i_min_lc_pct:
            c.add(
                f"{mp}.class_ii_min_lc_pct_exclusive",
                _("must be below class_i_min_lc_pct (Class-II sits between the two)"),
            )
        c.text(f"{mp}.gte_approver", m.gte_approver)
    if p.logs_direction is not None:
        lp = f"{path}.logs_direction"
        c.pattern(f"{lp}.country", p.logs_direction.country, _COUNTRY, _("must be an alpha-2 code"))
        c.integer_in(
            f"{lp}.retention_days",
            p.logs_direction.retention_days,
            _POLICY["logs_direction.retention_days"],
        )
    _validate_evaluation(c, p, f"{path}.evaluation")
    _validate_preferences(c, p, f"{path}.preferences")
    # Taxes: exactly one rule per supplier location.
    locations = [r.supplier_location for r in p.taxes.rules]
    if "domestic" not in locations:
        c.add(f"{path}.taxes.rules", _("needs a rule for domestic suppliers"))
    if "foreign" not in locations:
        c.add(f"{path}.taxes.rules", _("needs a rule for foreign suppliers"))
    c.unique(f"{path}.taxes.rules", locations, _("duplicate supplier location {value}"))
    for i, tax in enumerate(p.taxes.rules):
        c.decimal_in(
            f"{path}.taxes.rules[{i}].rate_pct", tax.rate_pct, _POLICY["taxes.rules[].rate_pct"]
        )
    for name in (
        "discount_rate_pct",
        "expected_inr_depreciation_pct",
        "dedicated_target_utilisation_pct",
    ):
        key = f"finance.{name}"
        c.decimal_in(f"{path}.{key}", getattr(p.finance, name), _POLICY[key])
    d = p.domestic_infrastructure
    c.pattern(
        f"{path}.domestic_infrastructure.home_country",
        d.home_country,
        _COUNTRY,
        _("must be alpha-2"),
    )
    if not d.locations:
        c.add(f"{path}.domestic_infrastructure.locations", _("must list at least one location"))
    for name in ("price_stale_after_days", "fx_stale_after_days"):
        key = f"data_quality.{name}"
        c.integer_in(f"{path}.{key}", getattr(p.data_quality, name), _POLICY[key])
    _validate_procurement_modes(c, p, f"{path}.procurement_modes")
    _validate_clauses(c, p, f"{path}.clauses")
    _check_citations(c, p, path)
    return c.errors


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _validate_clauses(c: _Checker, p: Policy, path: str) -> None:
    """The clause library: distinct ids, a title and a text whose placeholders are the ones the
    document knows how to fill, at least one source, each a citation with a safe address."""
    c.unique(path, [clause.clause_id for clause in p.clauses], _("duplicate clause id {value}"))
    for i, clause in enumerate(p.clauses):
        cp = f"{path}[{i}]"
        c.pattern(
            f"{cp}.clause_id",
            clause.clause_id,
            _CLAUSE_ID,
            _("must be lower-case words joined by _"),
        )
        c.text(f"{cp}.title", clause.title)
        c.text(f"{cp}.text", clause.text)
        names = _PLACEHOLDER.findall(clause.text)
        for name in names:
            if name not in CLAUSE_PLACEHOLDERS:
                c.add(
                    f"{cp}.text",
                    _("placeholder {{{name}}} is not one of: {placeholders}").format(
                        name=name, placeholders=", ".join(CLAUSE_PLACEHOLDERS)
                    ),
                )
        if "{" in _PLACEHOLDER.sub("", clause.text) or "}" in _PLACEHOLDER.sub("", clause.text):
            c.add(f"{cp}.text", _("has a brace that opens or closes no placeholder"))
        if not clause.sources:
            c.add(f"{cp}.sources", _("must list at least one source"))
        for j, source in enumerate(clause.sources):
            c.text(f"{cp}.sources[{j}].document", source.document)
            c.text(f"{cp}.sources[{j}].clause", source.clause)
            c.link(f"{cp}.sources[{j}].url", source.url)
        c.member(f"{cp}.confidence", clause.confidence, _CONFIDENCES)


def _validate_procurement_modes(c: _Checker, p: Policy, path: str) -> None:
    """Limits rise strictly, and only the last mode may have no upper limit."""
    previous: Decimal | None = None
    for i, mode in enumerate(p.procurement_modes):
        c.text(f"{path}[{i}].mode", mode.mode)
        last = i == len(p.procurement_modes) - 1
        if mode.up_to_inr is None:
            if not last:
                c.add(f"{path}[{i}].up_to_inr", _("only the last mode may have no upper limit"))
            continue
        bound = _POLICY["procurement_modes[].up_to_inr"]
        if not c.decimal_in(f"{path}[{i}].up_to_inr", mode.up_to_inr, bound):
            continue
        if previous is not None and mode.up_to_inr <= previous:
            c.add(
                f"{path}[{i}].up_to_inr",
                _("must be above the previous limit ({previous})").format(previous=previous),
            )
        previous = mode.up_to_inr


def _validate_evaluation(c: _Checker, p: Policy, path: str) -> None:
    q = p.evaluation.qcbs
    qp = f"{path}.qcbs"
    valid = {
        name: c.decimal_in(f"{qp}.{name}", getattr(q, name), _POLICY[f"evaluation.qcbs.{name}"])
        for name in (
            "max_technical_weight_pct",
            "min_technical_score",
            "ncs_max_technical_weight_pct",
            "ncs_value_limit_inr",
            "technical_weight_pct",
        )
    }
    weights_valid = valid["technical_weight_pct"] and valid["max_technical_weight_pct"]
    if weights_valid and q.technical_weight_pct > q.max_technical_weight_pct:
        c.add(f"{qp}.technical_weight_pct", technical_weight_message(q.technical_weight_pct, p))
    c.unique(
        f"{qp}.criteria",
        [k.criterion_id for k in q.criteria],
        _("duplicate criterion_id {value}"),
    )
    marks_valid = True
    for i, criterion in enumerate(q.criteria):
        kp = f"{qp}.criteria[{i}]"
        c.text(f"{kp}.criterion_id", criterion.criterion_id)
        c.text(f"{kp}.name", criterion.name)
        bound = _POLICY["evaluation.qcbs.criteria[].max_marks"]
        marks_valid &= c.decimal_in(f"{kp}.max_marks", criterion.max_marks, bound)
    if q.criteria and marks_valid:
        total = sum((k.max_marks for k in q.criteria), Decimal(0))
        if total != 100:
            c.add(
                f"{qp}.criteria",
                _("the criteria's marks must add up to 100 (they add up to {total})").format(
                    total=total
                ),
            )


def technical_weight_message(weight: Decimal, p: Policy) -> str:
    """Why a technical weight above the pack's maximum is refused (GFR Rule 192 in India)."""
    q = p.evaluation.qcbs
    cite = q.max_weight.citation
    return _(
        "must not exceed {maximum} (got {weight}): the weight of technical (non-financial) "
        "parameters is capped at {maximum} % ({citation})"
    ).format(maximum=q.max_technical_weight_pct, weight=weight, citation=cite.text())


_QCBS_READINGS = ("not_defined", "ranked_first_as_l1")


def _validate_preferences(c: _Checker, p: Policy, path: str) -> None:
    kinds = [pref.kind for pref in p.preferences]
    c.unique(path, kinds, _("duplicate preference kind {value}"))
    own = [i for i, pref in enumerate(p.preferences) if not is_statutory(pref)]
    for i, pref in enumerate(p.preferences):
        pp = f"{path}[{i}]"
        if isinstance(pref, MiiMatchL1Preference) and p.mii is None:
            c.add(f"{pp}.kind", _("mii_match_l1 needs the pack's mii section (class thresholds)"))
        if is_statutory(pref) and own and i > own[0]:
            # The law's procedure comes first; the authority's own policy acts only among the
            # outcomes the law leaves open.
            c.add(
                f"{pp}.kind",
                _(
                    "{kind} is statutory and must come before every preference of the "
                    "authority's own"
                ).format(kind=pref.kind),
            )
        if isinstance(pref, PriceEvaluationFactorPreference):
            c.decimal_in(f"{pp}.factor_pct", pref.factor_pct, _POLICY["preferences[].factor_pct"])
            if own and i != own[0]:
                # The factor changes how offers are evaluated, so every other preference of the
                # authority's own must see the evaluation it produces.
                c.add(
                    f"{pp}.kind",
                    _(
                        "price_evaluation_factor must be the first of the authority's own "
                        "preferences"
                    ),
                )
        elif isinstance(pref, MiiMatchL1Preference):
            c.decimal_in(f"{pp}.margin_pct", pref.margin_pct, _POLICY["preferences[].margin_pct"])
            c.member(f"{pp}.under_qcbs", pref.under_qcbs, _QCBS_READINGS)
        elif isinstance(pref, MseMatchL1Preference):
            c.decimal_in(f"{pp}.band_pct", pref.band_pct, _POLICY["preferences[].band_pct"])
            c.decimal_in(f"{pp}.share_pct", pref.share_pct, _POLICY["preferences[].share_pct"])
            c.member(f"{pp}.under_qcbs", pref.under_qcbs, _QCBS_READINGS)
        elif isinstance(pref, TieBandPreference):
            c.decimal_in(f"{pp}.band_pct", pref.band_pct, _POLICY["preferences[].band_pct"])
        elif isinstance(pref, TransitionPremiumPreference):
            c.text(f"{pp}.authority", pref.authority)
            c.decimal_in(
                f"{pp}.cap_inr", pref.cap_inr, _POLICY["preferences[].cap_inr"], optional=True
            )
            dates = [s.effective_from for s in pref.schedule]
            if not dates:
                c.add(f"{pp}.schedule", _("must have at least one step"))
            if dates != sorted(dates):
                c.add(f"{pp}.schedule", _("steps must be in date order"))
            c.unique(f"{pp}.schedule", dates, _("duplicate effective_from date {value}"))
            for j, step in enumerate(pref.schedule):
                c.decimal_in(
                    f"{pp}.schedule[{j}].premium_pct",
                    step.premium_pct,
                    _POLICY["preferences[].schedule[].premium_pct"],
                )
        instrument = instrument_of(pref)
        if instrument is not None:
            ip = f"{pp}.instrument"
            for name in ("issuer", "number", "title"):
                c.text(f"{ip}.{name}", getattr(instrument, name))
            c.date(f"{ip}.date", instrument.date)
            c.member(f"{ip}.confidence", instrument.confidence, _CONFIDENCES)
            c.link(f"{ip}.url", instrument.url)


def validate_match_replies(
    replies: Sequence[MatchReply], offers: Sequence[Offer], path: str = "match_replies"
) -> list[FieldError]:
    """Each answer to a match-L1 invitation names an offer being compared, once for each
    preference (Make in India, MSE)."""
    c = _Checker()
    known = {o.offer_id for o in offers if isinstance(o, Offer)}
    ids: list[object] = []
    for i, reply in enumerate(replies):
        rp = f"{path}[{i}]"
        if not c.is_type(rp, reply, MatchReply, _("must be an answer to a match-L1 invitation")):
            continue
        ids.append((reply.offer_id, reply.preference))
        c.boolean(f"{rp}.accepts", reply.accepts)
        c.member(f"{rp}.preference", reply.preference, ("mii_match_l1", "mse_match_l1"))
        if reply.offer_id not in known:
            c.add(
                f"{rp}.offer_id",
                _("{offer_id} is not one of the offers compared").format(
                    offer_id=repr(reply.offer_id)
                ),
            )
    c.unique(path, ids, _("duplicate offer and preference {value}"))
    return c.errors


def validate_technical_scores(
    scores: Sequence[TechnicalScore], offers: Sequence[Offer], path: str = "technical_scores"
) -> list[FieldError]:
    """Each committee score names an offer being compared, once, and is from 0 to 100."""
    c = _Checker()
    known = {o.offer_id for o in offers if isinstance(o, Offer)}
    ids: list[object] = []
    for i, score in enumerate(scores):
        sp = f"{path}[{i}]"
        if not c.is_type(sp, score, TechnicalScore, _("must be a committee's technical score")):
            continue
        ids.append(score.offer_id)
        c.decimal_in(f"{sp}.score", score.score, bounds.PERCENT)
        c.text(f"{sp}.source", score.source)
        if score.offer_id not in known:
            c.add(
                f"{sp}.offer_id",
                _("{offer_id} is not one of the offers compared").format(
                    offer_id=repr(score.offer_id)
                ),
            )
    c.unique(path, ids, _("duplicate offer {value}"))
    return c.errors


def validate_against_policy(w: Workload, p: Policy) -> list[FieldError]:
    """Problems that only show when a workload meets a policy (both already valid)."""
    c = _Checker()
    for i, tag in enumerate(w.data_classification):
        if p.residency_rule(tag) is None:
            c.add(
                f"workload.data_classification[{i}]",
                _("policy {pack_id} v{version} has no residency rule for {classification}").format(
                    pack_id=p.pack_id, version=p.version, classification=repr(tag)
                ),
            )
    if p.quality_bar(w.use_case) is None:
        c.add(
            "workload.use_case",
            _("policy has no quality bar for {use_case} and no default").format(
                use_case=repr(w.use_case)
            ),
        )
    weight = w.qcbs_technical_weight_pct
    if weight is not None and weight > p.evaluation.qcbs.max_technical_weight_pct:
        c.add("workload.qcbs_technical_weight_pct", technical_weight_message(weight, p))
    return c.errors


def _within(value: object, bound: Range) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and bound.contains(value)


def validate_sensitivity(
    config: SensitivityConfig,
    workload: Workload,
    policy: Policy,
    offers: int,
    path: str = "sensitivity",
) -> list[FieldError]:
    """Every problem with a sensitivity configuration for ``offers`` offers: its ranges, spreads
    that would take growth or the INR's value below −100 %, and the memory its scenarios need
    (sensitivity.memory_needed) against ``bounds.SENSITIVITY_MEMORY_BYTES``."""
    c = _Checker()
    for name in ("scenarios", "seed", "break_even_max_requests_per_day"):
        c.integer_in(f"{path}.{name}", getattr(config, name), bounds.SENSITIVITY[name])
    for name in ("growth_spread_pct", "fx_depreciation_spread_pct", "price_spread_pct"):
        c.decimal_in(f"{path}.{name}", getattr(config, name), bounds.SENSITIVITY[name])
    if c.errors:
        return c.errors
    growth = workload.annual_growth_pct
    if _within(growth, _bound("annual_growth_pct", Range)) and (
        growth - config.growth_spread_pct <= -100
    ):
        c.add(
            f"{path}.growth_spread_pct",
            _("takes growth to {growth} %: must keep it above -100 %").format(
                growth=growth - config.growth_spread_pct
            ),
        )
    depreciation = policy.finance.expected_inr_depreciation_pct
    if _within(depreciation, _POLICY["finance.expected_inr_depreciation_pct"]) and (
        depreciation - config.fx_depreciation_spread_pct <= -100
    ):
        c.add(f"{path}.fx_depreciation_spread_pct", _("must keep depreciation above -100 %"))
    needed = memory_needed(offers, config.scenarios)
    limit = bounds.SENSITIVITY_MEMORY_BYTES
    if needed > limit:
        c.add(
            f"{path}.scenarios",
            # A GiB holds over 114 million values and a run has at most a million scenarios, so
            # the offers number at least 115; only the scenarios may number one (the plural the
            # translator needs), and "at most" falls to one only beyond 100 million offers.
            ngettext(
                "{scenarios} scenario over {offers} offers needs an estimated {needed} of memory "
                "(a price factor for every offer in every scenario, {value_bytes} bytes each, "
                "and {arrays} working arrays of up to {block} values); the limit is {limit}: "
                "use at most {most} scenarios, or fewer offers",
                "{scenarios} scenarios over {offers} offers need an estimated {needed} of memory "
                "(a price factor for every offer in every scenario, {value_bytes} bytes each, "
                "and {arrays} working arrays of up to {block} values); the limit is {limit}: "
                "use at most {most} scenarios, or fewer offers",
                config.scenarios,
            ).format(
                scenarios=format_count(config.scenarios),
                offers=format_count(offers),
                needed=_gib(needed),
                value_bytes=BYTES_PER_VALUE,
                arrays=BLOCK_ARRAYS,
                block=format_count(BLOCK_VALUES),
                limit=_gib(limit),
                most=format_count(scenarios_within(offers, limit)),
            ),
        )
    return c.errors


def _gib(size: int) -> str:
    return f"{size / 2**30:.2f} GiB"
