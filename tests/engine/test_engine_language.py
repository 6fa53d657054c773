"""The engine's sentences in another language (procurement/engine/i18n.py) and
:func:`procurement.engine.results_in`.

Each test compiles a small catalogue of its own with GNU ``msgfmt`` into a temporary directory
and points the engine's catalogue there (``i18n.LOCALE_DIR``), so no test depends on the
product's translations. One test extracts every message of the engine with ``xgettext`` and
translates each into a bracketed copy of itself: every sentence a person reads must come out
bracketed, and nothing but the sentence fields may change.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import shutil
import subprocess
import threading
import typing
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from procurement.engine import (
    ComparisonResult,
    MatchReply,
    build_snapshot,
    check_eligibility,
    compare,
    i18n,
    replay,
    results_in,
)
from procurement.engine.codec import to_jsonable
from procurement.engine.i18n import _, active, language, ngettext
from procurement.engine.numbers import format_inr
from procurement.engine.results import SENTENCE_FIELDS
from procurement.engine.version import ENGINE_VERSION
from tests.engine.builders import DECISION, INDIA, STATE, USD, offer, price, workload
from tests.engine.test_compare import PRICE_ONLY, mii_offers
from tests.engine.test_snapshot import SNAPSHOTS

D = Decimal
ENGINE = Path(__file__).resolve().parents[2] / "procurement" / "engine"
DATA = Path(__file__).resolve().parents[1] / "data"
MSGFMT = shutil.which("msgfmt")
XGETTEXT = shutil.which("xgettext")

needs_msgfmt = pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")

HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
)

NPV_HI = "शुद्ध वर्तमान मूल्य (NPV)"

# A few of the engine's messages in Hindi (docs' glossary terms); every other message stays
# English, as it does for a message the product's catalogue has not translated yet.
HINDI: dict[str, str | tuple[str, ...]] = {
    "NPV": NPV_HI,
    "least cost (L1)": "न्यूनतम मूल्य (L1)",
    "{amount} lakh": "{amount} लाख",
    "{amount} crore": "{amount} करोड़",
    "L1: {offer} at {cost} ({basis}).": "L1: {offer}, {cost} पर ({basis})।",
    "Recommended award: {offer} by {mechanism}, paying {cost} ({basis}; {nominal} nominal); "
    "runner-up: {runner_up}.": "अनुशंसित अधिनिर्णय: {offer}, {mechanism} द्वारा, भुगतान {cost} "
    "({basis}; नाममात्र {nominal}); उपविजेता: {runner_up}।",
    "Measured p95 latency {latency} ms is within the maximum of {limit} ms.": (
        "मापी गई p95 विलंबता {latency} ms है, अधिकतम {limit} ms के भीतर।"
    ),
    # A plural message: the form follows the number of days.
    "Maximum retention of buyer data is {days} days; the limit is {limit} days.": (
        "क्रेता का डेटा अधिकतम {days} दिन रखा जाता है; सीमा {limit} दिन है।",
        "क्रेता का डेटा अधिकतम {days} दिनों तक रखा जाता है; सीमा {limit} दिन है।",
    ),
    "The Make in India order is not applied: the estimated value {amount} is below "
    "{threshold}; suppliers of any class may bid ({mii_class}, local content {local_content}).": (
        "मेक इन इंडिया आदेश लागू नहीं: अनुमानित मूल्य {amount}, {threshold} से कम है; किसी भी "
        "श्रेणी के प्रदाता बोली लगा सकते हैं ({mii_class}, स्थानीय सामग्री {local_content})।"
    ),
    "Class-I local supplier": "श्रेणी-I स्थानीय प्रदाता",
}


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # C escapes, as a .po file writes them


def po_text(messages: dict[str, str | tuple[str, ...]]) -> str:
    """A .po file of ``messages``: msgid → msgstr, or the msgid of a plural message → its two
    forms (and its English plural, when it is not the msgid itself)."""
    entries = [HEADER]
    for msgid, msgstr in messages.items():
        if isinstance(msgstr, tuple):
            plural = msgstr[2] if len(msgstr) > 2 else msgid
            entries.append(
                f"msgid {_quoted(msgid)}\nmsgid_plural {_quoted(plural)}\n"
                f"msgstr[0] {_quoted(msgstr[0])}\nmsgstr[1] {_quoted(msgstr[1])}\n"
            )
        else:
            entries.append(f"msgid {_quoted(msgid)}\nmsgstr {_quoted(msgstr)}\n")
    return "\n".join(entries)


@pytest.fixture
def catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str, str], None]]:
    """Install a compiled catalogue for a language code: ``install("hi", po_text(...))``."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._catalogue.cache_clear()

    def install(code: str, po: str) -> None:
        assert MSGFMT is not None
        directory = tmp_path / code / "LC_MESSAGES"
        directory.mkdir(parents=True)
        source = directory / "django.po"
        source.write_text(po, encoding="utf-8")
        subprocess.run(
            [MSGFMT, "--check-format", "-o", str(directory / "django.mo"), str(source)],
            check=True,
            capture_output=True,
        )
        i18n._catalogue.cache_clear()

    yield install
    i18n._catalogue.cache_clear()


def figures(node: object) -> object:
    """A JSON results tree without its sentence fields."""
    if isinstance(node, dict):
        return {k: figures(v) for k, v in node.items() if k not in SENTENCE_FIELDS}
    if isinstance(node, list):
        return [figures(v) for v in node]
    return node


def as_stored(document: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(document))
    return copied


def two_domestic_offers() -> list[Any]:
    dearer = price(input_per_mtok=D(40), output_per_mtok=D(90))
    return [offer("dom-a"), offer("dom-b", price=dearer)]


def run_l1() -> ComparisonResult:
    return compare(workload(), two_domestic_offers(), INDIA, [USD], DECISION)


# --------------------------------------------------------------------------- language()


def test_language_resets_after_the_block() -> None:
    assert active() == "en"
    with language("hi"):
        assert active() == "hi"
        with language("en"):
            assert active() == "en"
        assert active() == "hi"
    assert active() == "en"
    with pytest.raises(RuntimeError), language("hi"):
        raise RuntimeError("inside the block")
    assert active() == "en"


def test_the_language_belongs_to_its_own_thread() -> None:
    """A block in one thread (a request) leaves every other thread in English."""
    seen: list[str] = []
    with language("hi"):
        thread = threading.Thread(target=lambda: seen.append(active()))
        thread.start()
        thread.join()
    assert seen == ["en"]


def test_english_needs_no_catalogue() -> None:
    assert _("NPV") == "NPV"
    assert ngettext("{n} offer", "{n} offers", 1) == "{n} offer"
    assert ngettext("{n} offer", "{n} offers", 2) == "{n} offers"


# --------------------------------------------------------------------------- sentences


@needs_msgfmt
def test_explanation_lines_come_out_translated_with_the_same_numbers(
    catalogue: Callable[[str, str], None],
) -> None:
    catalogue("hi", po_text(HINDI))
    english = run_l1()
    with language("hi"):
        hindi = run_l1()
    rec, award = english.recommendation, english.recommendation.award
    assert award.mechanism == "l1" and rec.runner_up_offer_id == "dom-b"
    l1_cost = format_inr(rec.raw_l1_cost_inr or D(0))
    assert f"L1: dom-a at {l1_cost} (NPV)." in english.explanation
    assert f"L1: dom-a, {l1_cost} पर ({NPV_HI})।" in hindi.explanation
    cost, nominal = format_inr(award.cost_inr or D(0)), format_inr(award.nominal_inr or D(0))
    assert (
        f"अनुशंसित अधिनिर्णय: dom-a, न्यूनतम मूल्य (L1) द्वारा, भुगतान {cost} ({NPV_HI}; "
        f"नाममात्र {nominal}); उपविजेता: dom-b।"
    ) in hindi.explanation
    # Line for line: a message the catalogue does not translate stays English.
    assert len(hindi.explanation) == len(english.explanation)
    assert english.explanation[1].startswith("Estimated value ₹")
    assert hindi.explanation[1] == english.explanation[1]
    assert figures(to_jsonable(hindi)) == figures(to_jsonable(english))


@needs_msgfmt
def test_eligibility_reasons_come_out_translated_with_the_same_numbers(
    catalogue: Callable[[str, str], None],
) -> None:
    catalogue("hi", po_text(HINDI))
    needs = workload(max_p95_latency_ms=2000)
    value: dict[str, Any] = {"estimated_value_inr": D(300_000), "fx_rates": [USD]}
    for days, form in ((90, "दिनों तक रखा जाता है"), (1, "दिन रखा जाता है")):
        candidate = offer(p95_latency_ms=900, retention_days=days)
        english = check_eligibility(needs, candidate, INDIA, DECISION, **value)
        with language("hi"):
            hindi = check_eligibility(needs, candidate, INDIA, DECISION, **value)
        en, hi = {o.code: o for o in english}, {o.code: o for o in hindi}
        assert (
            en["LATENCY"].message == "Measured p95 latency 900 ms is within the maximum of 2000 ms."
        )
        assert hi["LATENCY"].message == "मापी गई p95 विलंबता 900 ms है, अधिकतम 2000 ms के भीतर।"
        assert en["TERMS_RETENTION"].message == (
            f"Maximum retention of buyer data is {days} days; the limit is 30 days."
        )
        assert hi["TERMS_RETENTION"].message == (
            f"क्रेता का डेटा अधिकतम {days} {form}; सीमा 30 दिन है।"
        )
        # A translated sentence with translated values in it: the class and ₹5 lakh.
        assert hi["SUPPLIER_LOCAL_CONTENT"].message == (
            "मेक इन इंडिया आदेश लागू नहीं: अनुमानित मूल्य ₹3,00,000.00, ₹5 लाख से कम है; किसी भी "
            "श्रेणी के प्रदाता बोली लगा सकते हैं (श्रेणी-I स्थानीय प्रदाता, स्थानीय सामग्री 60 %)।"
        )
        assert en["SUPPLIER_LOCAL_CONTENT"].message == (
            "The Make in India order is not applied: the estimated value ₹3,00,000.00 is below "
            "₹5 lakh; suppliers of any class may bid (Class-I local supplier, local content 60 %)."
        )
        # Everything but the sentence is the same: code, status, subject, citation, confidence.
        assert [dataclasses.replace(o, message="") for o in hindi] == [
            dataclasses.replace(o, message="") for o in english
        ]


@needs_msgfmt
def test_english_is_unchanged_when_no_language_is_set(
    catalogue: Callable[[str, str], None],
) -> None:
    """With a catalogue installed and used, the engine still writes English outside a block, and
    a snapshot is English (so its fingerprint is the same) even when built inside one."""

    def snapshot() -> dict[str, Any]:
        return build_snapshot(workload(**PRICE_ONLY), mii_offers(), INDIA, [USD], DECISION)

    before, english = snapshot(), run_l1()
    catalogue("hi", po_text(HINDI))
    with language("hi"):
        assert run_l1().explanation != english.explanation  # the catalogue is in use
        inside = snapshot()
        assert replay(inside).ok  # replay recomputes in English too
    assert active() == "en"
    assert run_l1() == english
    assert snapshot() == before
    assert inside == before


# --------------------------------------------------------------------------- results_in


@needs_msgfmt
def test_results_in_gives_the_stored_figures_with_the_sentences_translated(
    catalogue: Callable[[str, str], None],
) -> None:
    catalogue("hi", po_text(HINDI))
    stored = as_stored(build_snapshot(workload(), two_domestic_offers(), INDIA, [USD], DECISION))
    hindi = results_in(stored, "hi")
    assert hindi is not None
    assert active() == "en"
    assert figures(to_jsonable(hindi)) == figures(stored["results"])
    assert any(line.startswith("L1: dom-a, ") for line in hindi.explanation)
    assert not any(line.startswith("L1: dom-a, ") for line in stored["results"]["explanation"])
    english = results_in(stored, "en")
    assert english is not None and to_jsonable(english) == stored["results"]


def test_results_in_is_none_when_a_figure_differs() -> None:
    snapshot = SNAPSHOTS["sensitivity"]
    assert results_in(as_stored(snapshot), "hi") is not None
    changes: list[Callable[[dict[str, Any]], None]] = [
        lambda r: r["recommendation"]["award"].update(cost_inr="1.00"),
        lambda r: r["offers"][0]["tco"]["years"][0].update(usage_inr="0.01"),
        lambda r: r["offers"][0].update(rank=99),
        lambda r: r["ranking"].reverse(),
        lambda r: r["gates"][0].update(status="fail"),
        lambda r: r["sensitivity"].update(probability_recommendation_changes="0.9999"),
        lambda r: r["estimated_value"].update(amount_inr="1.00"),
        lambda r: r["offers"].pop(),
    ]
    for change in changes:
        altered = as_stored(snapshot)
        change(altered["results"])
        assert results_in(altered, "hi") is None


def test_results_in_keeps_figures_but_not_stored_wording() -> None:
    """Sentences an earlier engine worded differently do not make the figures differ."""
    altered = as_stored(SNAPSHOTS["mii-declines"])
    results = altered["results"]
    results["explanation"] = ["Worded by an earlier engine."]
    results["gates"][0]["message"] = "Worded by an earlier engine."
    results["recommendation"]["premium_statement"] = ""
    recomputed = results_in(altered, "hi")
    assert recomputed is not None
    assert figures(to_jsonable(recomputed)) == figures(results)


def test_results_in_for_snapshots_of_earlier_engines() -> None:
    """1.0.0's award is no longer today's (tests/engine/test_legacy.py): None, and the page
    keeps its English; 2.0.0 changed only the shape: its figures are reproduced."""

    def read(name: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((DATA / name).read_text(), parse_float=Decimal)
        return document

    assert results_in(read("snapshot-engine-1.0.0.json"), "hi") is None
    near = results_in(read("snapshot-engine-2.0.0.json"), "hi")
    assert near is not None and near.engine_version == ENGINE_VERSION


# --------------------------------------------------------------------------- every message


def _type_fields(root: type) -> Iterator[tuple[type, str, object]]:
    seen: set[type] = set()
    todo: list[object] = [root]
    while todo:
        tp = todo.pop()
        if typing.get_origin(tp) is not None:
            todo.extend(typing.get_args(tp))
        elif isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp not in seen:
            seen.add(tp)
            hints = typing.get_type_hints(tp)
            for f in dataclasses.fields(tp):
                yield tp, f.name, hints[f.name]
                todo.append(hints[f.name])


def test_sentence_fields_name_only_sentences() -> None:
    """Every result field named in SENTENCE_FIELDS holds text (one sentence or a list of
    them), at any depth, and each name is used."""
    named = {(tp.__name__, name): hint for tp, name, hint in _type_fields(ComparisonResult)}
    used = {name for _, name in named}
    assert used >= SENTENCE_FIELDS
    for (owner, name), hint in named.items():
        if name in SENTENCE_FIELDS:
            assert hint in (str, tuple[str, ...]), (owner, name, hint)


def _messages(pot: str) -> Iterator[tuple[str, str | None]]:
    """(msgid, msgid_plural) of every entry of a .pot file, its header left out."""
    for block in pot.split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            match = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$", line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            yield fields["msgid"], fields.get("msgid_plural")


def bracketed_catalogue() -> str:
    """Every message of the engine (xgettext, with the keywords the product's ``makemessages``
    passes), translated as itself in brackets: ⟦…⟧."""
    assert XGETTEXT is not None
    files = sorted(str(p) for p in ENGINE.glob("*.py"))
    pot = subprocess.run(
        [XGETTEXT, "--language=Python", "--from-code=UTF-8", "--keyword=gettext_noop"]
        + ["--output=-", *files],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    messages: dict[str, str | tuple[str, ...]] = {}
    for msgid, plural in _messages(pot):
        if plural is None:
            messages[msgid] = f"⟦{msgid}⟧"
        else:
            messages[msgid] = (f"⟦{msgid}⟧", f"⟦{plural}⟧", plural)
    assert len(messages) > 250
    return po_text(messages)


def _leaves(node: object, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], object]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, str(i)))
    else:
        yield path, node


def _outside_brackets(text: str) -> str:
    while True:
        inner = re.sub(r"⟦[^⟦⟧]*⟧", "", text)
        if inner == text:
            return text
        text = inner


@pytest.mark.skipif(XGETTEXT is None or MSGFMT is None, reason="GNU gettext is not installed")
def test_every_sentence_is_a_message_and_only_sentences_change(
    catalogue: Callable[[str, str], None],
) -> None:
    """With every message translated, each sentence field of the results is wholly translated
    (no English outside the brackets but codes and ids), every other field is the same as in
    English, and results_in finds the stored figures."""
    catalogue("xx", bracketed_catalogue())
    documents = dict(SNAPSHOTS)
    documents["state-premium"] = build_snapshot(
        workload(**PRICE_ONLY),
        mii_offers(),
        STATE,
        [USD],
        DECISION,
        match_replies=[MatchReply("c-class-i-a", accepts=False)],
    )
    sentences = 0
    for name, document in documents.items():
        stored = as_stored(document)
        translated = results_in(stored, "xx")
        assert translated is not None, name
        english, other = dict(_leaves(stored["results"])), dict(_leaves(to_jsonable(translated)))
        assert english.keys() == other.keys(), name
        for path, value in other.items():
            if not set(path) & SENTENCE_FIELDS:
                assert value == english[path], (name, path)
            elif isinstance(value, str) and value:
                sentences += 1
                rest = _outside_brackets(value)
                assert not re.search(r"[A-Za-z]{2,} [a-z]{2,}", rest), (name, path, value)
                assert value != english.get(path), (name, path)
    assert sentences > 200
