"""Amounts in words (procurement/engine/words.py), checked by hand against standard English and
Hindi number words and the Indian numbering system."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from procurement.engine.words import rupees_in_words

D = Decimal


@pytest.mark.parametrize(
    ("number", "hindi"),
    [
        (1, "एक"),
        (2, "दो"),
        (5, "पाँच"),
        (6, "छह"),
        (9, "नौ"),
        (10, "दस"),
        (11, "ग्यारह"),
        (15, "पंद्रह"),
        (18, "अठारह"),
        (19, "उन्नीस"),
        (20, "बीस"),
        (21, "इक्कीस"),
        (22, "बाईस"),
        (23, "तेईस"),
        (24, "चौबीस"),
        (25, "पच्चीस"),
        (26, "छब्बीस"),
        (27, "सत्ताईस"),
        (28, "अट्ठाईस"),
        (29, "उनतीस"),
        (30, "तीस"),
        (31, "इकतीस"),
        (33, "तैंतीस"),
        (34, "चौंतीस"),
        (38, "अड़तीस"),
        (39, "उनतालीस"),
        (40, "चालीस"),
        (42, "बयालीस"),
        (44, "चवालीस"),
        (46, "छियालीस"),
        (49, "उनचास"),
        (50, "पचास"),
        (51, "इक्यावन"),
        (53, "तिरपन"),
        (56, "छप्पन"),
        (59, "उनसठ"),
        (60, "साठ"),
        (64, "चौंसठ"),
        (67, "सड़सठ"),
        (68, "अड़सठ"),
        (69, "उनहत्तर"),
        (70, "सत्तर"),
        (72, "बहत्तर"),
        (77, "सतहत्तर"),
        (78, "अठहत्तर"),
        (79, "उनासी"),
        (80, "अस्सी"),
        (81, "इक्यासी"),
        (82, "बयासी"),
        (88, "अट्ठासी"),
        (89, "नवासी"),
        (90, "नब्बे"),
        (91, "इक्यानबे"),
        (92, "बानबे"),
        (95, "पंचानबे"),
        (98, "अट्ठानबे"),
        (99, "निन्यानबे"),
        (100, "एक सौ"),
    ],
)
def test_hindi_number_words(number: int, hindi: str) -> None:
    assert rupees_in_words(D(number), "hi") == f"{hindi} {'रुपया' if number == 1 else 'रुपये'}"


def test_every_hindi_number_below_a_hundred_has_its_own_word() -> None:
    """1–99 are one word each (no digit-by-digit composition) and no two are the same."""
    words = [rupees_in_words(D(n), "hi").rsplit(" ", 1)[0] for n in range(1, 100)]
    assert all(" " not in word for word in words)
    assert len(set(words)) == 99


@pytest.mark.parametrize(
    ("number", "english"),
    [
        (7, "seven"),
        (13, "thirteen"),
        (40, "forty"),
        (67, "sixty-seven"),
        (99, "ninety-nine"),
        (101, "one hundred one"),
        (110, "one hundred ten"),
    ],
)
def test_english_number_words(number: int, english: str) -> None:
    assert rupees_in_words(D(number), "en") == f"{english} rupees"


@pytest.mark.parametrize(
    ("amount", "english", "hindi"),
    [
        ("16000000", "one crore sixty lakh rupees", "एक करोड़ साठ लाख रुपये"),
        (
            "1234567.89",
            "twelve lakh thirty-four thousand five hundred sixty-seven rupees"
            " and eighty-nine paise",
            "बारह लाख चौंतीस हज़ार पाँच सौ सड़सठ रुपये और नवासी पैसे",
        ),
        ("0", "zero rupees", "शून्य रुपये"),
        ("0.00", "zero rupees", "शून्य रुपये"),
        ("1", "one rupee", "एक रुपया"),
        ("1.01", "one rupee and one paisa", "एक रुपया और एक पैसा"),
        ("0.50", "fifty paise", "पचास पैसे"),
        ("0.01", "one paisa", "एक पैसा"),
        (
            "99999",
            "ninety-nine thousand nine hundred ninety-nine rupees",
            "निन्यानबे हज़ार नौ सौ निन्यानबे रुपये",
        ),
        ("100000", "one lakh rupees", "एक लाख रुपये"),
        (
            "9999999",
            "ninety-nine lakh ninety-nine thousand nine hundred ninety-nine rupees",
            "निन्यानबे लाख निन्यानबे हज़ार नौ सौ निन्यानबे रुपये",
        ),
        ("10000000", "one crore rupees", "एक करोड़ रुपये"),
        ("1000000000", "one hundred crore rupees", "एक सौ करोड़ रुपये"),
        (
            "12000000000",
            "one thousand two hundred crore rupees",
            "एक हज़ार दो सौ करोड़ रुपये",
        ),
        (
            "12345678901.50",
            "one thousand two hundred thirty-four crore fifty-six lakh seventy-eight thousand"
            " nine hundred one rupees and fifty paise",
            "एक हज़ार दो सौ चौंतीस करोड़ छप्पन लाख अठहत्तर हज़ार नौ सौ एक रुपये और पचास पैसे",
        ),
        ("10000000000000000", "one hundred crore crore rupees", "एक सौ करोड़ करोड़ रुपये"),
        ("1E+7", "one crore rupees", "एक करोड़ रुपये"),
    ],
)
def test_amounts(amount: str, english: str, hindi: str) -> None:
    assert rupees_in_words(D(amount), "en") == english
    assert rupees_in_words(D(amount), "hi") == hindi


@pytest.mark.parametrize(
    ("amount", "english", "hindi"),
    [
        ("0.005", "one paisa", "एक पैसा"),
        ("0.004", "zero rupees", "शून्य रुपये"),
        ("0.995", "one rupee", "एक रुपया"),
        ("99999.995", "one lakh rupees", "एक लाख रुपये"),
        ("2.345", "two rupees and thirty-five paise", "दो रुपये और पैंतीस पैसे"),
    ],
)
def test_amounts_are_rounded_to_the_paisa_half_up_first(
    amount: str, english: str, hindi: str
) -> None:
    assert rupees_in_words(D(amount), "en") == english
    assert rupees_in_words(D(amount), "hi") == hindi


def test_rounding_holds_for_amounts_longer_than_the_default_context() -> None:
    """10^27 + 0.005 has 31 digits: Python's default 28-digit context would drop the paisa."""
    amount = D("1" + "0" * 27 + ".005")
    assert rupees_in_words(amount, "en") == "ten lakh crore crore crore rupees and one paisa"


@pytest.mark.parametrize("amount", ["-1", "-0.01", "-0.001", "NaN", "Infinity"])
def test_negative_and_non_finite_amounts_are_refused(amount: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        rupees_in_words(D(amount), "en")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        rupees_in_words(D(1), "fr")


def test_hindi_words_are_in_normal_form_c() -> None:
    """Pages, PDFs and searches compare text in NFC: nukta letters must not be the precomposed
    code points (U+095B ज़, U+095C ड़) that NFC excludes."""
    text = rupees_in_words(D("67038000.67"), "hi")
    assert "हज़ार" in text and "करोड़" in text
    assert unicodedata.normalize("NFC", text) == text
