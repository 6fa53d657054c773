"""Labels for engine codes on the officer's pages."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from procurement import presenters

register = template.Library()

PREFERENCE_LABELS = {
    "mii_match_l1": "Make in India purchase preference (match L1)",
    "transition_premium": "Transition premium for domestic infrastructure",
    "price_evaluation_factor": "Price evaluation factor on foreign offers",
    "tie_band": "Tie band",
}


@register.filter
def preference_label(kind: str) -> str:
    return PREFERENCE_LABELS.get(kind, kind)


@register.filter
def status_symbol(status: str) -> str:
    return presenters.STATUS_SYMBOL.get(status, status)


@register.filter
def mii_label(value: str | None) -> str:
    return presenters.label_mii(value)


@register.filter
def hosting_label(value: str) -> str:
    return presenters.label_hosting(value)


@register.filter
def as_percent(share: Any) -> str:
    """A probability written as a decimal string (``"0.1234"``) as a percentage (``12.34 %``)."""
    try:
        value = Decimal(str(share)) * 100
    except InvalidOperation:
        return "—"
    return f"{value.quantize(Decimal('0.01'))} %"
