"""Hindi in the product's PDFs is shaped correctly with Lohit Devanagari, and its text survives.

Devanagari is not drawn one glyph per character. A consonant followed by a virama (U+094D) joins
the next consonant as a conjunct or half form (क + ् + ष → क्ष); र + ् before a consonant becomes the
reph, a hook drawn above the end of the syllable (र्क); the vowel sign ि (U+093F) is typed after
its consonant but drawn before it (कि). Only an Indic shaping engine applying the font's OpenType
features does this: without it a tender notice shows a standing virama, a misplaced ि and a
separate र, which reads as misspelt text. The first part shapes conjunct-heavy words with HarfBuzz
(the shaper Pango, and so WeasyPrint, uses) and checks properties that only correct shaping
gives, and proves the checks fail on unshaped text. The second renders the words with WeasyPrint,
as the product's documents do, and checks the PDF draws those glyphs and gives the text back.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pypdf
import pytest
import uharfbuzz as hb  # type: ignore[import-untyped]
import weasyprint
from pypdf.generic import DictionaryObject

WORDS = (
    "क्षेत्र",
    "प्रक्रिया",
    "द्वितीय",
    "अधिप्राप्ति",
    "निविदा",
    "स्वामित्व",
    "उत्तीर्णांक",
    "श्रृंखला",
    "हस्ताक्षर",
    "राष्ट्रीय",
    "प्रतिभूति",
    "ज्ञापन",
    "कि",
    "र्क",
)
VIRAMA = "\u094d"
SIGN_I = "\u093f"
RA = "\u0930"
NOTDEF = 0
# The Devanagari consonants, including the precomposed nukta letters.
CONSONANT = "[\u0915-\u0939\u0958-\u095f]"
# र + virama before a consonant, at the start of a syllable (not itself after a virama): a reph.
REPH = re.compile(f"(?<!{VIRAMA}){RA}{VIRAMA}(?={CONSONANT})")

# Every feature that forms conjuncts, half forms, reph and below-base forms, switched off.
NO_INDIC_FEATURES = dict.fromkeys(
    (
        "akhn",
        "half",
        "pres",
        "abvs",
        "blws",
        "psts",
        "haln",
        "rphf",
        "pref",
        "blwf",
        "abvf",
        "pstf",
        "cjct",
        "init",
    ),
    False,
)


def _lohit_devanagari() -> Path | None:
    """The Lohit Devanagari font file as fontconfig finds it (WeasyPrint asks fontconfig too)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listing = subprocess.run(
        [fc_list, "-f", "%{file}\n", ":family=Lohit Devanagari"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    files = sorted(Path(line) for line in listing.splitlines() if line)
    return files[0] if files else None


@dataclass(frozen=True)
class Shaped:
    """One shaped run: glyph ids in visual order and, for each, the index in ``text`` of the
    first character of its cluster (HarfBuzz's cluster value)."""

    text: str
    glyphs: tuple[int, ...]
    clusters: tuple[int, ...]


@dataclass(frozen=True)
class Shaper:
    """HarfBuzz with one font and one setting: the script guessed from the text (Devanagari)
    unless ``script`` overrides it, and OpenType ``features`` switched on or off."""

    font: hb.Font
    script: str | None = None
    features: Mapping[str, bool] = field(default_factory=dict)

    def shape(self, text: str) -> Shaped:
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        if self.script is not None:
            buffer.script = self.script
        hb.shape(self.font, buffer, dict(self.features))
        infos = buffer.glyph_infos
        return Shaped(
            text,
            tuple(int(info.codepoint) for info in infos),
            tuple(int(info.cluster) for info in infos),
        )

    def nominal(self, char: str) -> int:
        """The glyph the font's character map gives ``char``: what it looks like unshaped."""
        glyph = self.font.get_nominal_glyph(ord(char))
        assert glyph is not None, f"Lohit Devanagari has no glyph for U+{ord(char):04X}"
        return int(glyph)

    def is_sign_i(self, glyph: int) -> bool:
        """Whether ``glyph`` draws ि: its nominal glyph, or one of the wider variants the font
        substitutes to reach over a wide consonant or conjunct (Lohit's "isigndeva.alt4" in
        प्रतिभूति), which the font names after the nominal glyph with a "." suffix."""
        nominal_name = str(self.font.glyph_to_string(self.nominal(SIGN_I)))
        return str(self.font.glyph_to_string(glyph)).split(".")[0] == nominal_name


def shaping_problems(text: str, shaper: Shaper) -> list[str]:
    """What in ``shaper``'s rendering of ``text`` shows it was not shaped as Devanagari; empty
    when nothing does.

    - no .notdef (glyph 0, the empty box of a missing character);
    - no virama drawn as a glyph of its own, and fewer glyphs than characters wherever there is a
      virama: every virama here is inside a conjunct, half form or reph;
    - every ि is drawn first in its cluster, before the consonant it follows in the text, and the
      cluster is the consonant's (its value is the index of a consonant, not of the ि);
    - every reph is merged into its syllable's cluster, with no र glyph there, and the syllable
      starts with the glyph it would start with without the reph: the reph is drawn after the
      base, above the end of the syllable.
    """
    shaped = shaper.shape(text)
    glyphs, clusters = shaped.glyphs, shaped.clusters
    problems: list[str] = []
    if NOTDEF in glyphs:
        problems.append(".notdef drawn: a character has no glyph")
    if VIRAMA in text:
        if shaper.nominal(VIRAMA) in glyphs:
            problems.append("a virama is drawn standing alone: a conjunct was not formed")
        if len(glyphs) >= len(text):
            problems.append("no fewer glyphs than characters: no conjunct, half form or reph")

    sign_i_positions = [p for p, glyph in enumerate(glyphs) if shaper.is_sign_i(glyph)]
    if len(sign_i_positions) != text.count(SIGN_I):
        problems.append(f"{text.count(SIGN_I)} ि in the text, {len(sign_i_positions)} drawn")
    for p in sign_i_positions:
        first_of_cluster = p == 0 or clusters[p - 1] != clusters[p]
        consonant_follows = p + 1 < len(glyphs) and clusters[p + 1] == clusters[p]
        if not (first_of_cluster and consonant_follows):
            problems.append(f"ि (glyph {p}) is not drawn before its consonant")
        if not re.fullmatch(CONSONANT, text[clusters[p]]):
            problems.append(f"ि (glyph {p}) is in a cluster of its own, not its consonant's")

    for reph in REPH.finditer(text):
        start = reph.start()
        cluster = [glyph for glyph, value in zip(glyphs, clusters, strict=True) if value == start]
        end = min((value for value in clusters if value > start), default=len(text))
        syllable = shaper.shape(text[start + 2 : end]).glyphs
        if shaper.nominal(RA) in cluster or not (
            cluster and syllable and cluster[0] == syllable[0]
        ):
            problems.append(f"र् at {start} is not a reph drawn after its syllable's base")
    return problems


@pytest.fixture(scope="module")
def font() -> hb.Font:
    path = _lohit_devanagari()
    if path is None:
        pytest.skip(
            "Lohit Devanagari, the documents' Hindi font, is not installed "
            "(Debian package fonts-lohit-deva: `make system-packages`)"
        )
    return hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))


@pytest.fixture(scope="module")
def devanagari(font: hb.Font) -> Shaper:
    return Shaper(font)


@pytest.mark.parametrize("word", WORDS)
def test_words_shape_as_devanagari(devanagari: Shaper, word: str) -> None:
    assert shaping_problems(word, devanagari) == []


def test_i_sign_is_drawn_before_its_consonant(devanagari: Shaper) -> None:
    """कि is typed क, ि and drawn ि, क: one cluster, the consonant's (0)."""
    shaped = devanagari.shape("कि")
    assert shaped.glyphs == (devanagari.nominal(SIGN_I), devanagari.nominal("क"))
    assert shaped.clusters == (0, 0)


def test_ksha_is_one_conjunct_glyph(devanagari: Shaper) -> None:
    """क्ष is three characters and one glyph: neither क, the virama nor ष is drawn alone."""
    shaped = devanagari.shape("क्ष")
    assert len(shaped.glyphs) == 1
    assert shaped.glyphs[0] not in {devanagari.nominal(char) for char in "क्ष"}


def test_reph_is_drawn_after_its_base(devanagari: Shaper) -> None:
    """र्क is drawn क, then the reph: not र, not a virama."""
    shaped = devanagari.shape("र्क")
    assert shaped.glyphs[0] == devanagari.nominal("क")
    assert len(shaped.glyphs) == 2
    assert shaped.glyphs[1] not in {devanagari.nominal(RA), devanagari.nominal(VIRAMA)}


@pytest.mark.parametrize("word", WORDS)
def test_the_checks_fail_on_text_shaped_as_latin(font: hb.Font, word: str) -> None:
    """Shaped as Latin script, Devanagari gets no reordering and no conjuncts: every word fails."""
    assert shaping_problems(word, Shaper(font, script="Latn")) != []


@pytest.mark.parametrize("word", [word for word in WORDS if VIRAMA in word])
def test_the_checks_fail_without_the_indic_features(font: hb.Font, word: str) -> None:
    """With the conjunct, half-form and reph features off, every word with a virama fails. (The
    Indic shaper still moves ि before its consonant, which is not a font feature, so निविदा and कि
    have nothing for these features to break.)"""
    assert shaping_problems(word, Shaper(font, features=NO_INDIC_FEATURES)) != []


def _pdf(words: tuple[str, ...]) -> bytes:
    """A PDF of ``words``, one paragraph each, in the documents' Hindi font."""
    paragraphs = "".join(f"<p>{word}</p>" for word in words)
    html = (
        '<html lang="hi"><body style="font-family: \'Lohit Devanagari\'">'
        f"{paragraphs}</body></html>"
    )
    return bytes(weasyprint.HTML(string=html).write_pdf())


def _drawn_glyphs(pdf: bytes) -> list[int]:
    """The glyph ids the first page draws, in order. WeasyPrint writes text with a two-byte
    Identity encoding that keeps the font's glyph ids, as hex strings in TJ arrays."""
    content = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    assert content is not None
    hex_strings = re.findall(rb"<([0-9a-fA-F]*)>", content.get_data())
    return [int(text[i : i + 4], 16) for text in hex_strings for i in range(0, len(text), 4)]


@pytest.mark.parametrize("word", WORDS)
def test_pdf_draws_the_shaped_glyphs_and_gives_the_text_back(devanagari: Shaper, word: str) -> None:
    """The PDF draws exactly the glyphs that pass the shaping checks above, and copying or
    searching the text gives the word back, in typed (logical) order.

    One word per document, because of how WeasyPrint writes the text: its ToUnicode map gives
    each glyph id one string, fixed where the glyph is first drawn, and puts the text of a
    reordered cluster on the cluster's last glyph (कि: ि's glyph → "", क's glyph → "कि"). So
    pypdf returns logical order even though ि is drawn first. In a longer document a glyph keeps
    the text of its first cluster everywhere: in all of WORDS together, क is first drawn alone at
    the end of उत्तीर्णांक, so कि later reads "क" and र्क reads "कर्क" (the reph glyph carries
    "र्क"). See test_pdf_text_of_mixed_words_round_trips."""
    pdf = _pdf((word,))
    assert _drawn_glyphs(pdf) == list(devanagari.shape(word).glyphs)
    assert pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().strip() == word


@pytest.mark.usefixtures("font")
def test_pdf_embeds_lohit_devanagari_and_no_notdef(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = _pdf(WORDS)
    assert not [r for r in caplog.records if ".notdef" in r.getMessage()]
    assert NOTDEF not in _drawn_glyphs(pdf)
    resources = cast(DictionaryObject, pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"])
    fonts = cast(DictionaryObject, resources["/Font"])
    names = {str(cast(DictionaryObject, font.get_object())["/BaseFont"]) for font in fonts.values()}
    assert names and all(name.endswith("+Lohit-Devanagari") for name in names), names


@pytest.mark.usefixtures("font")
@pytest.mark.xfail(
    strict=True,
    reason="WeasyPrint's ToUnicode map has one string per glyph id, fixed at its first use: "
    "in a document with कि and क, copied text shows one of them wrongly",
)
def test_pdf_text_of_mixed_words_round_trips() -> None:
    """Known limitation, kept visible: text copied or extracted from a PDF mixing these words
    comes back altered (ि moves to another word or goes missing, र्क reads कर्क). Strict, so it
    fails once WeasyPrint writes per-occurrence text (ActualText) and this test can become a plain
    assertion."""
    text = pypdf.PdfReader(io.BytesIO(_pdf(WORDS))).pages[0].extract_text()
    assert text.split() == list(WORDS)
