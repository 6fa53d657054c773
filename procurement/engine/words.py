"""Rupee amounts in words, in English and in Hindi, in the Indian numbering system.

Tender documents, award notices and file notes state an amount in figures and in words, and
Official Languages Act 1963 s. 3(3) documents are issued in Hindi and English, so both
languages need the words. The Indian system groups digits as thousand (10^3), lakh (10^5) and
crore (10^7); above ninety-nine crore the count of crores is itself written in words, so crore
may repeat: 12,00,00,00,000 is "one thousand two hundred crore" and 10^16 is "one hundred crore
crore".

The amount is first rounded to the paisa with ROUND_HALF_UP (the engine's one rounding rule for
money, docs/engine.md); rupees and paise are then written separately: 1234567.89 is "twelve lakh
thirty-four thousand five hundred sixty-seven rupees and eighty-nine paise" / "बारह लाख चौंतीस
हज़ार पाँच सौ सड़सठ रुपये और नवासी पैसे". Negative and non-finite amounts are refused.

Hindi number words from 1 to 99 are not composed from their digits (57 is सत्तावन, 79 is उनासी),
so they are one table of standard forms. All Hindi text here is in Unicode normal form C: nukta
letters (ड़ in करोड़, ज़ in हज़ार) are the letter followed by U+093C, as NFC requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from procurement.engine.numbers import round_half_up

_ENGLISH_UNITS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_ENGLISH_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# 0 to 99 in standard Hindi, one to a line with its value so each can be checked. Where written
# forms vary (छह/छः, चवालीस/चौवालीस, तिरपन/तिरेपन, तिरसठ/तिरेसठ, उनासी/उन्यासी, and -नबे/-नवे for
# 91–99) the first of each pair is used throughout.
_HINDI_0_TO_99 = (
    "शून्य",  # 0
    "एक",  # 1
    "दो",  # 2
    "तीन",  # 3
    "चार",  # 4
    "पाँच",  # 5
    "छह",  # 6
    "सात",  # 7
    "आठ",  # 8
    "नौ",  # 9
    "दस",  # 10
    "ग्यारह",  # 11
    "बारह",  # 12
    "तेरह",  # 13
    "चौदह",  # 14
    "पंद्रह",  # 15
    "सोलह",  # 16
    "सत्रह",  # 17
    "अठारह",  # 18
    "उन्नीस",  # 19
    "बीस",  # 20
    "इक्कीस",  # 21
    "बाईस",  # 22
    "तेईस",  # 23
    "चौबीस",  # 24
    "पच्चीस",  # 25
    "छब्बीस",  # 26
    "सत्ताईस",  # 27
    "अट्ठाईस",  # 28
    "उनतीस",  # 29
    "तीस",  # 30
    "इकतीस",  # 31
    "बत्तीस",  # 32
    "तैंतीस",  # 33
    "चौंतीस",  # 34
    "पैंतीस",  # 35
    "छत्तीस",  # 36
    "सैंतीस",  # 37
    "अड़तीस",  # 38
    "उनतालीस",  # 39
    "चालीस",  # 40
    "इकतालीस",  # 41
    "बयालीस",  # 42
    "तैंतालीस",  # 43
    "चवालीस",  # 44
    "पैंतालीस",  # 45
    "छियालीस",  # 46
    "सैंतालीस",  # 47
    "अड़तालीस",  # 48
    "उनचास",  # 49
    "पचास",  # 50
    "इक्यावन",  # 51
    "बावन",  # 52
    "तिरपन",  # 53
    "चौवन",  # 54
    "पचपन",  # 55
    "छप्पन",  # 56
    "सत्तावन",  # 57
    "अट्ठावन",  # 58
    "उनसठ",  # 59
    "साठ",  # 60
    "इकसठ",  # 61
    "बासठ",  # 62
    "तिरसठ",  # 63
    "चौंसठ",  # 64
    "पैंसठ",  # 65
    "छियासठ",  # 66
    "सड़सठ",  # 67
    "अड़सठ",  # 68
    "उनहत्तर",  # 69
    "सत्तर",  # 70
    "इकहत्तर",  # 71
    "बहत्तर",  # 72
    "तिहत्तर",  # 73
    "चौहत्तर",  # 74
    "पचहत्तर",  # 75
    "छिहत्तर",  # 76
    "सतहत्तर",  # 77
    "अठहत्तर",  # 78
    "उनासी",  # 79
    "अस्सी",  # 80
    "इक्यासी",  # 81
    "बयासी",  # 82
    "तिरासी",  # 83
    "चौरासी",  # 84
    "पचासी",  # 85
    "छियासी",  # 86
    "सत्तासी",  # 87
    "अट्ठासी",  # 88
    "नवासी",  # 89
    "नब्बे",  # 90
    "इक्यानबे",  # 91
    "बानबे",  # 92
    "तिरानबे",  # 93
    "चौरानबे",  # 94
    "पंचानबे",  # 95
    "छियानबे",  # 96
    "सत्तानबे",  # 97
    "अट्ठानबे",  # 98
    "निन्यानबे",  # 99
)


def _english_below_hundred(n: int) -> str:
    """0–99 in English: "seven", "nineteen", "forty", "sixty-seven"."""
    if n < 20:
        return _ENGLISH_UNITS[n]
    tens, units = divmod(n, 10)
    tens_word = _ENGLISH_TENS[tens - 2]
    return f"{tens_word}-{_ENGLISH_UNITS[units]}" if units else tens_word


@dataclass(frozen=True)
class _Vocabulary:
    """The words of one language: 0–99, the scale words, and the currency words."""

    below_hundred: tuple[str, ...]
    hundred: str
    thousand: str
    lakh: str
    crore: str
    rupee: str
    rupees: str
    paisa: str
    paise: str
    conjunction: str


_VOCABULARIES = {
    "en": _Vocabulary(
        below_hundred=tuple(_english_below_hundred(n) for n in range(100)),
        hundred="hundred",
        thousand="thousand",
        lakh="lakh",
        crore="crore",
        rupee="rupee",
        rupees="rupees",
        paisa="paisa",
        paise="paise",
        conjunction="and",
    ),
    "hi": _Vocabulary(
        below_hundred=_HINDI_0_TO_99,
        hundred="सौ",
        thousand="हज़ार",
        lakh="लाख",
        crore="करोड़",
        rupee="रुपया",
        rupees="रुपये",
        paisa="पैसा",
        paise="पैसे",
        conjunction="और",
    ),
}

_CRORE = 10_000_000
_LAKH = 100_000
_THOUSAND = 1_000


def _count_words(n: int, words: _Vocabulary) -> list[str]:
    """A positive whole number in words, Indian system: crores (themselves a count, so crore can
    repeat), then lakhs, thousands and hundreds (each below a hundred), then the rest."""
    crores, rest = divmod(n, _CRORE)
    lakhs, rest = divmod(rest, _LAKH)
    thousands, rest = divmod(rest, _THOUSAND)
    hundreds, units = divmod(rest, 100)
    parts: list[str] = []
    if crores:
        parts += [*_count_words(crores, words), words.crore]
    for count, scale in (
        (lakhs, words.lakh),
        (thousands, words.thousand),
        (hundreds, words.hundred),
    ):
        if count:
            parts += [words.below_hundred[count], scale]
    if units:
        parts.append(words.below_hundred[units])
    return parts


def rupees_in_words(amount: Decimal, language: str) -> str:
    """``amount`` (in rupees) in words in ``language`` ("en" or "hi"), rounded to the paisa half up.

    Rupees and paise are joined by "and" / "और"; a zero part is left out, except that nothing at
    all is "zero rupees" / "शून्य रुपये". One rupee and one paisa take the singular ("one rupee",
    "एक रुपया"). Raises ValueError for a negative or non-finite amount or an unknown language.
    """
    words = _VOCABULARIES.get(language)
    if words is None:
        raise ValueError(f"no words for language {language!r}: use 'en' or 'hi'")
    if not amount.is_finite():
        raise ValueError(f"non-finite amount {amount!r} has no words")
    if amount < 0:
        raise ValueError(f"negative amount {amount} has no words: state a refund or credit as such")
    # as_integer_ratio is exact: scaleb or arithmetic would round in the thread's 28-digit context.
    numerator, denominator = round_half_up(amount, 2).as_integer_ratio()
    total_paise = numerator * 100 // denominator
    rupees, paise = divmod(total_paise, 100)
    if not total_paise:
        return f"{words.below_hundred[0]} {words.rupees}"
    parts: list[str] = []
    if rupees:
        parts.append(
            " ".join([*_count_words(rupees, words), words.rupee if rupees == 1 else words.rupees])
        )
    if paise:
        parts.append(f"{words.below_hundred[paise]} {words.paisa if paise == 1 else words.paise}")
    return f" {words.conjunction} ".join(parts)
