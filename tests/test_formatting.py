"""Money on pages: Indian digit grouping, exact decimals, lakh and crore."""

from decimal import Decimal

import pytest

from providers.templatetags.formatting import indian_digits, inr, lakh_crore, money, percent


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "₹0.00"),
        ("999", "₹999.00"),
        ("1000", "₹1,000.00"),
        ("676564", "₹6,76,564.00"),
        ("1180000", "₹11,80,000.00"),
        ("12345678", "₹1,23,45,678.00"),
        ("999999999999.99", "₹9,99,99,99,99,999.99"),
        ("2591.275", "₹2,591.28"),  # half-up at the paisa
        ("-1234567.5", "₹-12,34,567.50"),
    ],
)
def test_inr_groups_digits_the_indian_way(amount, expected):
    assert inr(Decimal(amount)) == expected


def test_money_shows_unit_prices_with_the_places_they_need():
    assert money(Decimal("0.075"), "USD") == "US$0.075"
    assert money(Decimal("0.600000"), "USD") == "US$0.60"
    assert money(Decimal("29.280000"), "INR") == "₹29.28"
    assert money(Decimal("115.8500"), "INR") == "₹115.85"
    assert money(Decimal("1234.5"), "EUR") == "€1,234.50"
    assert money(None, "INR") == "—"


def test_lakh_and_crore():
    assert lakh_crore(Decimal("50000")) == "₹50,000.00"
    assert lakh_crore(Decimal("500000")) == "₹5.00 lakh"
    assert lakh_crore(Decimal("2000000000")) == "₹200.00 crore"


def test_indian_digits_never_uses_float():
    assert indian_digits(Decimal("0.1") + Decimal("0.2")) == "0.30"


def test_percent():
    assert percent(Decimal("99.900")) == "99.9 %"
    assert percent(Decimal("100.00"), 0) == "100 %"
    assert percent(None) == "—"
