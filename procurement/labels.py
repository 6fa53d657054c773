"""Words for the engine's codes: one table per enumeration, and the only place they are written.

Each table is built from the engine's own enumeration (a ``Literal`` type) and refuses, at import
time, to cover more or fewer values than the engine defines. Django choices derive from the
tables (``USE_CASE.choices``), so a model, a form, a serializer, a page and the PDF cannot
disagree with the engine about which values exist or what they are called.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import get_args

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from procurement import engine
from procurement.engine import codes
from procurement.engine import i18n as engine_i18n

Words = str | Promise


class Labels(Mapping[str, str]):
    """The words for every value of one engine enumeration, in display order.

    ``labels[value]`` is the words for a value; a value the table does not know (from a record
    older than the enumeration) reads as itself rather than failing a page.
    """

    def __init__(self, enumeration: object, words: Mapping[str, Words]) -> None:
        values = set(get_args(enumeration))
        if values != set(words):
            missing = sorted(values - set(words))
            extra = sorted(set(words) - values)
            raise ValueError(
                f"labels do not match the enumeration: missing {missing}, extra {extra}"
            )
        self._words = dict(words)

    def __getitem__(self, value: str) -> str:
        return str(self._words[value])

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)

    def label(self, value: str | None) -> str:
        """The words for ``value``; "—" for none; an unknown value as itself."""
        if value is None or value == "":
            return "—"
        return str(self._words.get(value, value))

    @property
    def choices(self) -> list[tuple[str, Words]]:
        """``(value, words)`` pairs for a Django field's ``choices``: the words stay lazy, so a
        field declared at import time shows them in the reader's language."""
        return list(self._words.items())

    @property
    def codes(self) -> tuple[str, ...]:
        """Every value, in display order."""
        return tuple(self._words)


USE_CASE = Labels(
    engine.UseCase,
    {
        "health": _("Health"),
        "legal": _("Legal"),
        "education": _("Education"),
        "citizen_services": _("Citizen services"),
        "agriculture": _("Agriculture"),
        "finance": _("Finance"),
        "general": _("General"),
    },
)
DATA_CLASSIFICATION = Labels(
    engine.DataClassification,
    {
        "public": _("Public — RTI-disclosable, no personal data"),
        "internal": _("Internal — official use"),
        "personal": _("Personal data"),
        "sensitive_personal": _("Sensitive personal or sectoral (health, payments)"),
        "category_a": _("Category A — critical government system (Aadhaar, tax, courts…)"),
        "secret": _("Secret or top secret — no cloud at all"),
    },
)
PROCUREMENT_CATEGORY = Labels(
    engine.ProcurementCategory,
    {
        "non_consultancy": _("Non-consultancy service (an API or GPU-hours)"),
        "consultancy": _("Consultancy"),
    },
)
EVALUATION_METHOD = Labels(
    engine.EvaluationMethod,
    {"l1": _("Least cost (L1)"), "qcbs": _("Quality and cost (QCBS)")},
)
OPERATOR_TYPE = Labels(
    engine.OperatorType,
    {
        "government_cloud": _("Government cloud (NIC or a State data centre)"),
        "sovereign_cloud": _("MeitY-notified sovereign cloud"),
        "empanelled_commercial": _("MeitY-empanelled commercial cloud"),
        "other_commercial": _("Other commercial cloud"),
    },
)
OWNERSHIP = Labels(
    engine.Ownership,
    {"domestic": _("Domestic (majority Indian-owned)"), "foreign": _("Foreign")},
)
# How an operator's ownership reads beside its name ("Yotta Data Services, Indian-owned, …").
OPERATOR_OWNERSHIP = Labels(
    engine.Ownership, {"domestic": _("Indian-owned"), "foreign": _("foreign-owned")}
)
MSE_STATUS = Labels(
    engine.MseStatus,
    {"none": _("Not an MSE"), "micro": _("Micro enterprise"), "small": _("Small enterprise")},
)
PRICING_MODE = Labels(
    engine.PricingMode,
    {"serverless": _("Serverless (per token)"), "dedicated": _("Dedicated (per GPU-hour)")},
)
TRAINING_TERMS = Labels(
    engine.TrainingTerms,
    {
        "no_contractual": _("No training — in the contract"),
        "no_policy_only": _("No training — published policy only"),
        "opt_out": _("Trains unless the customer opts out"),
        "yes": _("Trains on customer data"),
        "unknown": _("Unknown"),
    },
)
CERTIFICATION_KIND = Labels(
    engine.CertificationKind,
    {
        "iso27001": "ISO/IEC 27001",
        "iso27017": "ISO/IEC 27017",
        "iso27018": "ISO/IEC 27018",
        "iso20000": "ISO/IEC 20000-1",
        "iso42001": "ISO/IEC 42001",
        "soc2": "SOC 2 Type II",
        "stqc": _("STQC audit"),
        "meity_empanelment": _("MeitY cloud empanelment"),
        "pci_dss": "PCI DSS",
        "other": _("Other"),
    },
)
MECHANISM = Labels(
    engine.Mechanism,
    {
        "l1": _("least cost (L1)"),
        "qcbs": _("quality and cost (QCBS)"),
        "price_evaluation_factor": _("price evaluation factor"),
        "mii_match_l1": _("Make in India purchase preference (match L1)"),
        "transition_premium": _("the buying authority's transition premium"),
        "tie_band": _("tie band"),
        "none": _("no award"),
    },
)
PREFERENCE_KIND = Labels(
    engine.PreferenceKind,
    {
        "mii_match_l1": _("Make in India purchase preference (match L1)"),
        "mse_match_l1": _("MSE purchase preference (match L1 for a share)"),
        "transition_premium": _("Transition premium for domestic infrastructure"),
        "price_evaluation_factor": _("Price evaluation factor on foreign offers"),
        "tie_band": _("Tie band"),
    },
)
PREFERENCE_STATUS = Labels(
    engine.PreferenceStatus,
    {
        "applied": _("Applied"),
        "not_applied": _("Not applied"),
        "scenario": _("Policy scenario only"),
    },
)
HOSTING = Labels(
    engine.HostingBucket,
    {
        "domestic_operator": _("Domestic operator in India"),
        "foreign_operator_in_country": _("Foreign operator in India"),
        "abroad": _("Abroad"),
    },
)
MII_CLASS = Labels(
    engine.MiiClass,
    {"class_i": "Class-I", "class_ii": "Class-II", "non_local": _("Non-local")},
)
RULE_STATUS = Labels(
    engine.RuleStatus, {"pass": _("passes"), "warning": _("warning"), "fail": _("fails")}
)
# The mark each status has in the eligibility matrix (with RULE_STATUS as its spoken words).
STATUS_SYMBOL: Mapping[str, str] = {"pass": "✓", "warning": "!", "fail": "✗"}

# Languages by ISO 639-1 code, for documents rendered from a snapshot (which holds codes only).
LANGUAGE: Mapping[str, Words] = {
    "en": _("English"),
    "hi": _("Hindi"),
    "ta": _("Tamil"),
    "bn": _("Bengali"),
    "te": _("Telugu"),
    "mr": _("Marathi"),
    "kn": _("Kannada"),
    "ml": _("Malayalam"),
    "gu": _("Gujarati"),
    "pa": _("Punjabi"),
    "or": _("Odia"),
    "as": _("Assamese"),
    "ur": _("Urdu"),
}


# What each rule the engine checks is called on the officer's pages (its code stays in the
# snapshot, the API and the page's audit detail). Refuses at import to miss or invent a code.
RULE: Mapping[str, Words] = {
    "RESIDENCY": _("Data residency"),
    "CERT_IN_LOGS": _("Logs kept in India (CERT-In)"),
    "CLOUD_EMPANELMENT": _("Cloud empanelment"),
    "CERTIFICATION": _("Required certification"),
    "CERTIFICATION_EXPIRY": _("Certification lapses in term"),
    "QUALITY": _("Certified quality"),
    "LATENCY": _("Response time"),
    "AVAILABILITY": _("Availability"),
    "LANGUAGES": _("Languages"),
    "CONTEXT_WINDOW": _("Request size (context window)"),
    "TERMS_TRAINING": _("No training on buyer data"),
    "TERMS_RETENTION": _("Data retention"),
    "TERMS_DEPRECATION_NOTICE": _("Notice before withdrawal"),
    "TERMS_SHUTDOWN": _("Shutdown within term"),
    "TERMS_PINNED": _("Fixed model version"),
    "LAND_BORDER": _("Land-border supplier"),
    "PRICE_FX": _("Exchange rate for the price"),
    "PRICE_STALE": _("Price date"),
    "DEMO_DATA": _("Demo data"),
    "QCBS_MIN_TECHNICAL": _("Minimum technical score"),
    "SUPPLIER_LOCAL_CONTENT": _("Make in India class"),
    "MII_LC_CERTIFICATE": _("Local content certificate"),
    "NO_CLOUD": _("No cloud allowed"),
    "ESTIMATED_VALUE": _("Estimated value"),
    "MII_APPLICABILITY": _("Make in India order applies"),
    "GLOBAL_TENDER": _("Global tender enquiry"),
    "EVALUATION_METHOD": _("Evaluation method"),
    "QCBS_WEIGHT_CAP": _("Technical weight cap"),
    "QCBS_NCS_VALUE": _("Quality and cost above the value limit"),
    "QCBS_QOP_DECLARATION": _("Quality-oriented procurement declaration"),
    "FX_STALE": _("Age of the exchange rate"),
    "NO_ELIGIBLE_OFFER": _("No eligible offer"),
    "EVALUATION_TIE": _("Tie between the best offers"),
}
if set(RULE) != set(codes.OFFER_RULES) | set(codes.COMPARISON_GATES):
    raise ValueError("labels.RULE must name every rule code of procurement.engine.codes")

# Countries of incorporation by ISO 3166 code, as operators are described.
COUNTRY: Mapping[str, Words] = {
    "IN": _("India"),
    "US": _("the United States"),
    "CN": _("China"),
    "DE": _("Germany"),
    "SG": _("Singapore"),
    "GB": _("the United Kingdom"),
    "FR": _("France"),
}


def rule(code: str) -> str:
    """The words for a rule code (the code itself if unknown)."""
    return str(RULE.get(code, code))


def country(code: str) -> str:
    return str(COUNTRY.get(code, code))


def operator(name: str, ownership: str, country: str) -> str:
    """A region's operator in words: "Yotta Data Services (Indian-owned, incorporated in
    India)"."""
    owned = OPERATOR_OWNERSHIP.label(ownership)
    return str(_("%(name)s (%(owned)s, incorporated in %(country)s)")) % {
        "name": name,
        "owned": owned,
        "country": COUNTRY.get(country, country),
    }


def language(code: str) -> str:
    """A language's name in the reader's language, by its code (the code itself if unknown)."""
    return str(LANGUAGE.get(code, code))


def languages(codes: tuple[str, ...] | list[str]) -> str:
    """ "English", "English and Hindi", "English, Hindi and Tamil"."""
    return and_words([language(code) for code in codes])


def and_words(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c", in the reader's language."""
    if len(words) <= 1:
        return "".join(words)
    return str(_("%(items)s and %(last)s")) % {"items": ", ".join(words[:-1]), "last": words[-1]}


def reader_language() -> str:
    """The language of the page, email or answer being written: "en" or "hi" (English outside
    a request)."""
    return (translation.get_language() or "en").split("-")[0]


@contextmanager
def engine_in_reader_language() -> Iterator[None]:
    """The engine's messages (validation errors, labels) in the reader's language inside the
    block. Never around a computation whose results are stored: those are English."""
    with engine_i18n.language(reader_language()):
        yield
