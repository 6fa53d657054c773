"""Money on pages: Indian digit grouping, exact decimals, lakh and crore."""

from decimal import Decimal, localcontext

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
        ("-1234567.5", "-₹12,34,567.50"),
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


# Amounts of 30 significant digits: more than Python's default 28-digit context can hold.
@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (
            "123456789012345678901234567890.125",
            "₹1,23,45,67,89,01,23,45,67,89,01,23,45,67,890.13",
        ),
        (
            "-123456789012345678901234567890.125",
            "-₹1,23,45,67,89,01,23,45,67,89,01,23,45,67,890.13",
        ),
        # Rounding carries into a 31st digit.
        ("999999999999999999999999999999.995", "₹10," + "00," * 13 + "000.00"),
        ("12345678901234567890123456.78", "₹1,23,45,67,89,01,23,45,67,89,01,23,456.78"),
    ],
)
def test_inr_takes_amounts_of_any_size(amount, expected):
    assert inr(Decimal(amount)) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("123456789012345678901234.567890", "INR", "₹1,23,45,67,89,01,23,45,67,89,01,234.56789"),
        ("123456789012345678901234.567890", "USD", "US$1,23,45,67,89,01,23,45,67,89,01,234.56789"),
        ("0.123456749999999999999999999999", "USD", "US$0.123457"),
    ],
)
def test_money_takes_amounts_of_any_size(amount, currency, expected):
    assert money(Decimal(amount), currency) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("123456789012345678901234567890.125", "₹1,23,45,67,89,01,23,45,678.90 lakh crore"),
        ("1234567890123", "₹1.23 lakh crore"),
        # Divided exactly, rounded once: 123.4549… crore, not 123.455 rounded again.
        ("1234549999.99999999999999999999", "₹123.45 crore"),
        ("123456.789012345678901234567890", "₹1.23 lakh"),
        ("-123456789012345678901234567890", "-₹1,23,45,67,89,01,23,45,678.90 lakh crore"),
    ],
)
def test_lakh_crore_reads_huge_amounts_as_lakh_crore(amount, expected):
    assert lakh_crore(Decimal(amount)) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("99.9999999999999999999999999995", 2, "100 %"),
        ("12.3450000000000000000000000000", 2, "12.35 %"),  # half up, not to even
        ("123456789012345678901234567890.5", 0, "123456789012345678901234567891 %"),
        ("-0.001", 2, "0 %"),
    ],
)
def test_percent_takes_values_of_any_size(value, places, expected):
    assert percent(Decimal(value), places) == expected


def test_indian_digits_rounds_30_digit_amounts_half_up():
    number = Decimal("123456789012345678901234567890.5")
    assert indian_digits(number, 0) == "1,23,45,67,89,01,23,45,67,89,01,23,45,67,891"


def test_formatting_does_not_depend_on_the_callers_decimal_context():
    with localcontext() as context:
        context.prec = 6
        assert inr(Decimal("12345678.905")) == "₹1,23,45,678.91"
        assert lakh_crore(Decimal("1234549999.99")) == "₹123.45 crore"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "sNaN", "not a number"])
def test_what_is_not_a_finite_number_shows_as_a_dash(value):
    assert inr(value) == money(value, "USD") == lakh_crore(value) == percent(value) == "—"


@pytest.mark.parametrize(
    "amount", ["0", "-0.004", "999", "1000", "676564.5", "12345678.905", "-1234567.5", "1" * 30]
)
@pytest.mark.parametrize("code", ["en", "hi"])
def test_babel_in_both_languages_writes_what_the_engine_writes(amount, code):
    from django.utils import translation

    from procurement.engine.numbers import format_inr as engine_inr

    with translation.override(code):
        assert inr(Decimal(amount)) == engine_inr(Decimal(amount))


def test_lakh_and_crore_are_words_of_the_pages_language():
    from django.utils import translation

    with translation.override("hi"):
        assert lakh_crore(Decimal("16000000")) == "₹1.60 करोड़"
        assert lakh_crore(Decimal("450000")) == "₹4.50 लाख"
    assert lakh_crore(Decimal("16000000")) == "₹1.60 crore"
