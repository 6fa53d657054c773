"""The engine's validation messages in the caller's language (procurement/engine/i18n.py).

A tiny catalogue is written to a temporary directory and compiled with GNU gettext's ``msgfmt
--check`` (which also checks that every translation keeps the message's ``{placeholders}``), and
the engine reads it instead of the product's. Two languages: ``hi`` with a few messages in Hindi
(the rest untranslated, so they stay English), and ``xx``, a pseudo-language whose catalogue
translates every message of the validating modules as ``[xx] `` + the English, so that a message
left unmarked shows. In both, the field paths and the numbers are those of the English.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import shutil
import subprocess
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from procurement.engine import i18n
from procurement.engine.codec import parse_as, to_jsonable
from procurement.engine.errors import EngineValidationError, FieldError
from procurement.engine.i18n import language
from procurement.engine.inputs import FxRate, MatchReply, Offer, TechnicalScore
from procurement.engine.jsontext import load_json
from procurement.engine.loading import load_policy, load_workload, policy_to_dict
from procurement.engine.policy import (
    Citation,
    Policy,
    PriceEvaluationFactorPreference,
    QcbsCriterion,
    TransitionPremiumPreference,
    confidence_label,
)
from procurement.engine.results import SensitivityConfig
from procurement.engine.tco import compute_tco
from procurement.engine.validation import (
    validate_against_policy,
    validate_fx,
    validate_match_replies,
    validate_offers,
    validate_policy,
    validate_sensitivity,
    validate_technical_scores,
)
from tests.engine.builders import INDIA, STATE, offer, workload

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext")

ENGINE = Path(__file__).resolve().parents[2] / "procurement" / "engine"
# The modules whose messages this file covers: input validation and what it quotes.
MODULES = (
    "validation",
    "bounds",
    "policy",
    "errors",
    "loading",
    "codec",
    "tco",
    "national",
    "inputs",
    "jsontext",
)
PSEUDO = "[xx] "

BETWEEN = "must be between {low} and {high}"
HINDI = {
    BETWEEN: "{low} और {high} के बीच होना चाहिए",
    "duplicate language {value}": "भाषा {value} दोहराई गई है",
    "must list between {fewest} and {most} languages": "{fewest} से {most} भाषाएँ होनी चाहिए",
    'is not valid JSON: the key "{key}" appears more than once in one object': (
        'मान्य JSON नहीं है: कुंजी "{key}" एक ही वस्तु में एक से अधिक बार है'
    ),
    "{instrument} No. {number} dated {date}": "{instrument} सं. {number} दिनांक {date}",
    "reported, primary text not verified": "सूचित, मूल पाठ सत्यापित नहीं",
}
# The memory message has a singular and a plural: Hindi's two forms are told apart by n != 1.
HINDI_PLURAL_OF = "{scenarios} scenario over {offers} offers needs an estimated {needed} of memory"
_MEMORY = (
    "{offers} प्रस्तावों पर अनुमानित {needed} स्मृति (हर परिदृश्य में हर प्रस्ताव का एक मूल्य गुणक, "
    "प्रत्येक {value_bytes} बाइट, और {block} मानों तक की {arrays} कार्य-सारणियाँ); सीमा {limit} है: "
    "अधिक से अधिक {most} परिदृश्य रखें, या कम प्रस्ताव"
)
HINDI_MEMORY = (
    "एक परिदृश्य ({scenarios}) को चाहिए " + _MEMORY,
    "{scenarios} परिदृश्यों को चाहिए " + _MEMORY,
)


def _messages() -> list[tuple[str, str | None]]:
    """Every message the modules mark: ``_("…")``, ``gettext_noop("…")`` and
    ``ngettext("…", "…", n)`` with literal text (the calls xgettext extracts)."""
    found: dict[tuple[str, str | None], None] = {}
    for name in MODULES:
        tree = ast.parse((ENGINE / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if node.func.id in ("_", "gettext_noop") and texts:
                found[(texts[0], None)] = None
            elif node.func.id == "ngettext" and len(texts) >= 2:
                found[(texts[0], texts[1])] = None
    return list(found)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _entry(msgid: str, plural: str | None, forms: tuple[str, ...]) -> str:
    flag = "#, python-brace-format\n" if "{" in msgid else ""
    if plural is None:
        return f"{flag}msgid {_quoted(msgid)}\nmsgstr {_quoted(forms[0])}\n"
    lines = [f"{flag}msgid {_quoted(msgid)}", f"msgid_plural {_quoted(plural)}"]
    lines += [f"msgstr[{i}] {_quoted(form)}" for i, form in enumerate(forms)]
    return "\n".join(lines) + "\n"


HEADER = "\n".join(
    [
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: engine validation test\\n"',
        '"PO-Revision-Date: 2026-01-01 00:00+0000\\n"',
        '"Last-Translator: tests\\n"',
        '"Language-Team: tests\\n"',
        '"Language: hi\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
        "",
    ]
)


def _compile(root: Path, code: str, entries: list[str]) -> None:
    folder = root / code / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text("\n".join([HEADER, *entries]), encoding="utf-8")
    subprocess.run(["msgfmt", "--check", "-o", str(folder / "django.mo"), str(po)], check=True)


@pytest.fixture(autouse=True)
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The engine reads the two test catalogues for as long as a test runs."""
    messages = _messages()
    pseudo = [
        _entry(m, p, (PSEUDO + m,) if p is None else (PSEUDO + m, PSEUDO + p)) for m, p in messages
    ]
    hindi = [_entry(m, None, (HINDI[m],)) for m, p in messages if p is None and m in HINDI]
    for singular, plural in messages:
        if plural is not None and singular.startswith(HINDI_PLURAL_OF):
            hindi.append(
                _entry(
                    singular,
                    plural,
                    HINDI_MEMORY,
                )
            )
    assert len(hindi) == len(HINDI) + 1, "a Hindi test message is no longer a message"
    _compile(tmp_path, "xx", pseudo)
    _compile(tmp_path, "hi", hindi)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._catalogue.cache_clear()
    yield
    i18n._catalogue.cache_clear()


def _errors(check: Callable[[], object]) -> list[FieldError]:
    """The problems ``check`` reports, raised or returned."""
    try:
        returned = check()
    except EngineValidationError as error:
        return list(error.errors)
    assert isinstance(returned, list), "the check found no problem"
    return returned


def _in(code: str, check: Callable[[], object]) -> list[FieldError]:
    with language(code):
        return _errors(check)


# --------------------------------------------------------------------------- Hindi


def test_a_range_error_comes_in_hindi_with_its_numbers_and_its_field() -> None:
    document = to_jsonable(workload(), normalise=True)
    assert isinstance(document, dict)
    document["requests_per_day"] = 0

    english = _errors(lambda: load_workload(document))
    hindi = _in("hi", lambda: load_workload(document))

    assert [(e.path, e.message) for e in english] == [
        ("workload.requests_per_day", "must be between 1 and 1000000000")
    ]
    assert [(e.path, e.message) for e in hindi] == [
        ("workload.requests_per_day", "1 और 1000000000 के बीच होना चाहिए")
    ]
    assert i18n.active() == "en"
    assert _errors(lambda: load_workload(document)) == english


def test_messages_built_from_a_value_come_whole_in_hindi() -> None:
    document = to_jsonable(workload(), normalise=True)
    assert isinstance(document, dict)
    document["languages"] = ["hi", "hi"]
    with language("hi"):
        [duplicate] = _errors(lambda: load_workload(document))
    assert (duplicate.path, duplicate.message) == ("workload.languages[1]", "भाषा 'hi' दोहराई गई है")

    document["languages"] = []
    with language("hi"):
        [empty] = _errors(lambda: load_workload(document))
    assert (empty.path, empty.message) == ("workload.languages", "1 से 50 भाषाएँ होनी चाहिए")


def test_a_message_not_yet_translated_stays_english() -> None:
    document = to_jsonable(workload(), normalise=True)
    assert isinstance(document, dict)
    document["use_case"] = 7
    english = _errors(lambda: load_workload(document))
    assert _in("hi", lambda: load_workload(document)) == english
    assert english[0].message.startswith("must be one of: ")


def test_the_json_reader_answers_in_hindi() -> None:
    text = '{"a": 1, "a": 2}'
    [english] = _errors(lambda: load_json(text, path="body"))
    [hindi] = _in("hi", lambda: load_json(text, path="body"))
    assert english == FieldError(
        "body", 'is not valid JSON: the key "a" appears more than once in one object'
    )
    assert hindi == FieldError("body", 'मान्य JSON नहीं है: कुंजी "a" एक ही वस्तु में एक से अधिक बार है')


def test_counts_take_the_plural_form_of_the_language() -> None:
    limits = SensitivityConfig(scenarios=1_000_000)
    w, p = workload(), INDIA
    [english] = _errors(lambda: validate_sensitivity(limits, w, p, 150))
    [hindi] = _in("hi", lambda: validate_sensitivity(limits, w, p, 150))
    assert english.path == hindi.path == "sensitivity.scenarios"
    assert english.message.startswith("10,00,000 scenarios over 150 offers need an estimated ")
    figures = {
        "value_bytes": 8,
        "block": "40,00,000",
        "arrays": 5,
        "limit": "1.00 GiB",
    }
    assert english.message.endswith(
        "(a price factor for every offer in every scenario, 8 bytes each, and 5 working arrays of "
        "up to 40,00,000 values); the limit is 1.00 GiB: use at most 7,61,451 scenarios, or "
        "fewer offers"
    )
    assert hindi.message == HINDI_MEMORY[1].format(
        scenarios="10,00,000", offers="150", needed="1.27 GiB", most="7,61,451", **figures
    )

    one = dataclasses.replace(limits, scenarios=1)
    [single] = _in("hi", lambda: validate_sensitivity(one, w, p, 200_000_000))
    assert single.message == HINDI_MEMORY[0].format(
        scenarios="1", offers="20,00,00,000", needed="1.64 GiB", most="0", **figures
    )


def test_citations_and_confidence_words_follow_the_language() -> None:
    cite = Citation(
        "Office Memorandum", "para 2", issuer="DoE", number="F.1/3", date=dt.date(2024, 7, 10)
    )
    assert cite.text() == "DoE: Office Memorandum No. F.1/3 dated 10.07.2024, para 2"
    assert confidence_label("S") == "reported, primary text not verified"
    with language("hi"):
        assert cite.text() == "DoE: Office Memorandum सं. F.1/3 दिनांक 10.07.2024, para 2"
        assert confidence_label("S") == "सूचित, मूल पाठ सत्यापित नहीं"
        assert confidence_label("Z") == "Z"
    assert cite.text() == "DoE: Office Memorandum No. F.1/3 dated 10.07.2024, para 2"


# --------------------------------------------------------------------------- every message


def _workload_document(**changes: Any) -> dict[str, Any]:
    document = to_jsonable(workload(), normalise=True)
    assert isinstance(document, dict)
    document.update(changes)
    return document


def _offer_document() -> dict[str, Any]:
    document = to_jsonable(offer(), normalise=True)
    assert isinstance(document, dict)
    return document


def _bad_offer() -> dict[str, Any]:
    """Right types, wrong values: every check of validate_offer that reads the JSON's values."""
    document = _offer_document()
    document.update(offer_id="-bad id", languages=["hindi"], context_window=0)
    document["provider"].update(headquarters_country="india", local_content_pct="101")
    document["price"].update(currency="rupees", input_per_mtok=None, output_per_mtok="-1")
    document["processing_regions"][0]["country"] = "in"
    document["processing_regions"][0]["operator"]["name"] = " "
    cert = document["certifications"][0]
    cert.update(expires_on="2000-01-01", issued_on="2001-01-01", evidence_url="javascript:x")
    evaluation = document["evaluations"][0]
    evaluation.update(valid_until="2000-01-01", evaluated_on="2001-01-01", language="HI")
    return document


def _bad_dedicated_offer() -> Offer:
    bad = offer("dedicated", pricing_mode="dedicated")
    return dataclasses.replace(bad, price=dataclasses.replace(bad.price, gpus_per_node=0))


def _mistyped_offer() -> Offer:
    """An offer built in Python with values of the wrong kinds (the service layer's path)."""
    bad = offer()
    operator: Any = "Yotta"
    region = dataclasses.replace(bad.processing_regions[0], operator=operator)
    wrong: dict[str, Any] = {
        "processing_regions": (region, "Mumbai"),
        "storage_regions": ["Mumbai"],
        "languages": ["hi"],
        "sla_availability_pct": Decimal("NaN"),
        "shutdown_date": dt.datetime(2030, 1, 1),
    }
    return dataclasses.replace(bad, **wrong)


def _bad_policy() -> Policy:
    """A pack built in Python (the service layer's path), wrong in every way validate_policy
    checks beyond types."""
    p = INDIA
    criterion = QcbsCriterion("speed", "Speed", Decimal(60), "a test", "a reading")
    qcbs = dataclasses.replace(
        p.evaluation.qcbs,
        technical_weight_pct=p.evaluation.qcbs.max_technical_weight_pct + 1,
        criteria=(criterion, dataclasses.replace(criterion, max_marks=Decimal(30))),
    )
    assert p.mii is not None and p.logs_direction is not None
    clause = dataclasses.replace(
        p.clauses[0], clause_id="Bad Id", text="{nowhere} and a } brace", sources=()
    )
    first, second = p.procurement_modes[:2]
    return dataclasses.replace(
        p,
        jurisdiction="India",
        residency=dataclasses.replace(
            p.residency, rules=(*p.residency.rules, dataclasses.replace(p.residency.rules[0]))
        ),
        quality=dataclasses.replace(p.quality, bars=(*p.quality.bars, p.quality.bars[0])),
        evaluation=dataclasses.replace(p.evaluation, qcbs=qcbs),
        preferences=tuple(reversed(p.preferences)),
        taxes=dataclasses.replace(p.taxes, rules=(p.taxes.rules[0], p.taxes.rules[0])),
        mii=dataclasses.replace(p.mii, class_ii_min_lc_pct_exclusive=p.mii.class_i_min_lc_pct),
        logs_direction=dataclasses.replace(p.logs_direction, country="IND"),
        domestic_infrastructure=dataclasses.replace(
            p.domestic_infrastructure, home_country="IND", locations=()
        ),
        procurement_modes=(
            dataclasses.replace(second, up_to_inr=None),
            second,
            first,
        ),
        clauses=(clause, clause),
    )


def _bad_state_policy() -> Policy:
    """The state pack's own preferences out of place and its premium schedule out of order."""
    p = STATE
    [premium] = [x for x in p.preferences if isinstance(x, TransitionPremiumPreference)]
    steps = premium.schedule
    bad_premium = dataclasses.replace(premium, schedule=(steps[1], steps[0], steps[0]))
    factor = PriceEvaluationFactorPreference(
        "price_evaluation_factor", Decimal(10), premium.citation, "A"
    )
    return dataclasses.replace(
        p, mii=None, preferences=(bad_premium, factor, *p.preferences[:1], premium)
    )


def _bad_inputs() -> list[Callable[[], object]]:
    good = offer()
    rate = FxRate("USD", Decimal("90"), dt.date(2026, 4, 1), "RBI")
    seven: Any = 7  # where an input should be
    cooking: Any = "cooking"
    pack = policy_to_dict(INDIA)
    finance = pack["finance"]
    assert isinstance(finance, dict)
    types = _workload_document(
        use_case="cooking",
        cached_input_share_pct=1.5,
        peak_to_average="x",
        max_p95_latency_ms="fast",
        procurement_category="goods",
        global_tender_approved="yes",
        surprise=True,
    )
    del types["annual_growth_pct"]
    values = _workload_document(
        languages=["hi", "hi", "hin"],
        requests_per_day=0,
        mean_input_tokens="0",
        mean_output_tokens="0.5",
        term_years=11,
        start_date="1999-12-31",
        estimated_value_inr="-1",
    )
    return [
        lambda: load_workload(types),
        lambda: load_workload(values),
        lambda: load_workload(_workload_document(data_classification=[])),
        lambda: validate_offers([parse_as(Offer, _bad_offer(), "offer")]),
        lambda: validate_offers([_bad_dedicated_offer()]),
        lambda: parse_as(Offer, {"offer_id": 5, "price": {"input_per_mtok": 1.5}}, "offer"),
        lambda: validate_offers([good, good, seven]),
        lambda: validate_policy(_bad_policy()),
        lambda: validate_policy(_bad_state_policy()),
        lambda: validate_offers([_mistyped_offer()]),
        lambda: validate_policy(
            dataclasses.replace(
                INDIA,
                taxes=dataclasses.replace(INDIA.taxes, rules=INDIA.taxes.rules[1:]),
                quality=dataclasses.replace(INDIA.quality, bars=()),
                procurement_modes=(
                    dataclasses.replace(INDIA.procurement_modes[0], citation=seven),
                ),
            )
        ),
        lambda: validate_against_policy(
            workload(use_case="legal"),
            dataclasses.replace(INDIA, quality=dataclasses.replace(INDIA.quality, bars=())),
        ),
        lambda: validate_fx([dataclasses.replace(rate, currency="usd")]),
        lambda: parse_as(
            Offer,
            {**_offer_document(), "languages": "hi", "provider": [], "shutdown_date": "1/1/30"},
            "offer",
        ),
        lambda: parse_as(Offer, {**_offer_document(), "price": None}, "offer"),
        lambda: load_policy({**pack, "finance": {**finance, "x": 1}}),
        lambda: load_policy({**policy_to_dict(INDIA), "preferences": [{"kind": "lottery"}]}),
        lambda: validate_fx([rate, rate, dataclasses.replace(rate, currency="INR"), seven]),
        lambda: validate_match_replies([MatchReply("nobody", True)] * 2 + [seven], [good]),
        lambda: validate_technical_scores(
            [TechnicalScore("nobody", Decimal(101), ""), seven], [good]
        ),
        lambda: validate_against_policy(
            workload(
                data_classification=("secret", cooking), qcbs_technical_weight_pct=Decimal(99)
            ),
            INDIA,
        ),
        lambda: validate_sensitivity(
            SensitivityConfig(
                growth_spread_pct=Decimal(100), fx_depreciation_spread_pct=Decimal(50)
            ),
            workload(annual_growth_pct=Decimal(-50)),
            dataclasses.replace(
                INDIA,
                finance=dataclasses.replace(
                    INDIA.finance, expected_inr_depreciation_pct=Decimal(-50)
                ),
            ),
            2,
        ),
        lambda: load_json("[" * 40 + "]" * 40),
        lambda: load_json("[NaN]"),
        lambda: load_json(b"\xff"),
        lambda: load_json("{"),
        lambda: compute_tco(
            workload(), offer(price=dataclasses.replace(offer().price, currency="USD")), INDIA
        ),
    ]


@pytest.mark.parametrize("index", range(len(_bad_inputs())))
def test_every_message_is_translated_and_keeps_its_fields(index: int) -> None:
    check = _bad_inputs()[index]
    english = _errors(check)
    translated = _in("xx", check)
    assert english, "the input has no problem"
    assert [e.path for e in translated] == [e.path for e in english]
    for mine, theirs in zip(translated, english, strict=True):
        assert mine.message.startswith(PSEUDO), f"{mine.path}: {mine.message!r} is not marked"
        # Translated messages may quote others (a citation); without the marks, the English.
        assert mine.message.replace(PSEUDO, "") == theirs.message
