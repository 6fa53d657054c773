"""Words for the engine's codes on the officer's pages and in the PDF (``procurement.labels``)."""

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from procurement import engine, labels, presenters
from procurement.engine import i18n as engine_i18n
from procurement.engine.policy import CLAUSE_PLACEHOLDERS, confidence_label

register = template.Library()


@register.filter
def preference_label(kind: str) -> str:
    return labels.PREFERENCE_KIND.label(kind)


@register.filter
def preference_status_label(status: str) -> str:
    return labels.PREFERENCE_STATUS.label(status)


@register.filter
def status_symbol(status: str) -> str:
    return labels.STATUS_SYMBOL.get(status, status)


@register.filter
def mii_label(value: str | None) -> str:
    return labels.MII_CLASS.label(value)


@register.filter
def hosting_label(value: str) -> str:
    return labels.HOSTING.label(value)


@register.filter
def operator_label(operator: engine.Operator) -> str:
    """Who operates a region, in words, from the engine's ``Operator`` (results and inputs)."""
    return labels.operator(operator.name, operator.ownership, operator.country)


@register.filter
def as_percent(share: Any) -> str:
    """A probability written as a decimal string (``"0.1234"``) as a percentage (``12.34 %``)."""
    try:
        value = Decimal(str(share)) * 100
    except InvalidOperation:
        return "—"
    return f"{value.quantize(Decimal('0.01'))} %"


@register.filter
def rule_label(code: str) -> str:
    return labels.rule(code)


@register.filter
def status_words(status: str) -> str:
    return labels.RULE_STATUS.label(status)


@register.filter
def plain(text: str, view: presenters.ComparisonView) -> str:
    """One of the engine's sentences in the officer's words (``presenters.Plain``)."""
    return view.plain(text)


@register.filter
def offer_name(offer_id: str, names: Mapping[str, str] | None) -> str:
    """An offer's name by its id, where the template has the names (else the id)."""
    return (names or {}).get(offer_id, offer_id)


@register.filter
def needs_demo_badge(offer: Any) -> bool:
    """Whether an offer on demo data needs a "demo" badge: not when its name already says so."""
    return offer is not None and bool(offer.uses_demo_data) and "(demo)" not in offer.name


@register.filter
def confidence_words(code: str) -> str:
    """What a confidence tag of a policy pack means (P: primary text seen, …)."""
    with labels.engine_in_reader_language():
        return confidence_label(code)


@register.filter
def classification_label(code: str) -> str:
    return labels.DATA_CLASSIFICATION.label(code)


@register.filter
def operator_type_label(code: str) -> str:
    return labels.OPERATOR_TYPE.label(code)


@register.filter
def clause_marked(text: str) -> str:
    """A library clause as the pack holds it, each placeholder shown as what fills it in the
    tender, in square brackets ("… in [the country the data must stay in] …"), in the reader's
    language (a shipped pack's words are in the catalogue: engine/packs/messages.py)."""
    with labels.engine_in_reader_language():
        return re.sub(
            r"\{(\w+)\}",
            lambda m: f"[{engine_i18n._(CLAUSE_PLACEHOLDERS.get(m.group(1), m.group(1)))}]",
            engine_i18n._(text),
        )
