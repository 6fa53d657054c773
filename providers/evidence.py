"""Checking an evidence file an evaluator uploads, before anything of it is stored.

Evidence for a quality evaluation is one PDF, CSV or JSON file of at most 10 MB. It is stored in
the database with its SHA-256 and served back only as a download (``Content-Disposition:
attachment``), so the check guards the people who later open it as much as the product:

- the file name is refused, never silently repaired, when it could act as a path or a device
  name anywhere it is saved;
- the type comes from the bytes, never from the browser, and must be the one the name claims;
- archives and compressed files are refused by their first bytes, whatever their name, and
  nothing is ever decompressed (so a zip bomb costs nothing);
- a PDF with active content, and a CSV or JSON file that holds markup or spreadsheet formulas,
  are refused.

The PDF check is a screen on the bytes as stored: names such as ``/JavaScript`` are found even
when written with ``#xx`` escapes, but not inside compressed object streams, which would have to
be decompressed. Serving the file only as a download remains the protection that does not depend
on this screen.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
KINDS = {"pdf": "application/pdf", "csv": "text/csv", "json": "application/json"}

MAX_NAME_CHARACTERS = 120
MAX_JSON_DEPTH = 64

_MB = 1024 * 1024
_KIND_LABELS = {"csv": "a CSV file", "json": "a JSON file"}

# Devices on Windows, whatever the extension after them ("CON.pdf" is the console).
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]}
)
# Characters Windows does not allow in a file name; '"' would also end a quoted header value.
_FORBIDDEN_CHARACTERS = frozenset('<>:"|?*')
# Characters that reorder the text around them: with U+202E, "evil" + U+202E + "fdp.exe" shows as
# "evilexe.pdf".
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

# First bytes of archives and compressed files: ZIP (and what is built on it: .docx, .xlsx, .jar),
# gzip, 7-Zip, RAR, bzip2 (its magic and the first block's), xz and Zstandard.
_ARCHIVES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file"),
)
_BZIP2 = re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)")

# A PDF name: a slash, then characters up to the next white space or delimiter.
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ACTIVE_NAMES = frozenset(
    {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"XFA"}
)

_MARKUP = ("<script", "<html", "<svg", "<iframe", "javascript:")
# Characters a spreadsheet reads as the start of a formula; "-" is allowed before a plain number.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-[0-9][0-9.,]*(?:[eE][-+]?[0-9]+)?%?")


class EvidenceRefused(ValueError):
    """Why an evidence file is refused, in plain words for the person uploading it (str(e))."""


@dataclass(frozen=True, slots=True)
class Evidence:
    name: str  # the file name as given, once checked safe
    content_type: str  # one of KINDS' values, from the content (sniffed), never from the browser
    sha256: str  # hex
    size: int
    data: bytes


def evidence_check(name: str, data: bytes) -> Evidence:
    """``data`` as evidence named ``name``, or :class:`EvidenceRefused` saying what is wrong."""
    kind = _name_check(name)
    if not data:
        raise EvidenceRefused(f"{name} is empty: upload the file with its content.")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceRefused(
            f"{name} is {_megabytes(len(data))} MB: evidence files are limited to "
            f"{MAX_EVIDENCE_BYTES // _MB} MB."
        )
    _refuse_archives_and_programs(name, data)
    if data.startswith(b"%PDF-"):
        if kind != "pdf":
            raise EvidenceRefused(
                f"{name} is called {_KIND_LABELS[kind]} but its content is a PDF: "
                "name it .pdf, or upload the file it was meant to be."
            )
        _pdf_check(name, data)
    elif kind == "pdf":
        raise EvidenceRefused(f"{name} is called a PDF but its content is not a PDF.")
    else:
        text = _text(name, data)
        if kind == "json":
            _json_check(name, text)
        else:
            _csv_check(name, text)
    return Evidence(
        name=name,
        content_type=KINDS[kind],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
    )


def _name_check(name: str) -> str:
    """The kind ("pdf", "csv" or "json") a safe file name claims; refuses any other name."""
    if not name:
        raise EvidenceRefused("The file has no name: name it, ending in .pdf, .csv or .json.")
    shown = _shown(name)
    if len(name) > MAX_NAME_CHARACTERS:
        raise EvidenceRefused(
            f'The file name "{shown}" is {len(name)} characters long: file names are limited to '
            f"{MAX_NAME_CHARACTERS} characters."
        )
    if any(_is_control(c) for c in name):
        raise EvidenceRefused(
            f'The file name "{shown}" contains a control character: rename the file and upload '
            "it again."
        )
    if "/" in name or "\\" in name:
        raise EvidenceRefused(
            f'The file name "{shown}" contains a folder path (/ or \\): upload the file under its '
            "own name alone."
        )
    if ".." in name:
        raise EvidenceRefused(f'The file name "{shown}" contains "..": rename the file without it.')
    if _FORBIDDEN_CHARACTERS.intersection(name):
        raise EvidenceRefused(
            f'The file name "{shown}" contains a character file names cannot have '
            '(< > : " | ? *): rename the file without it.'
        )
    stem, dot, extension = name.rpartition(".")
    if dot and not stem:
        raise EvidenceRefused(
            f'The file name "{shown}" is only an extension: give the file a name before it.'
        )
    if name[0] in ".-":
        raise EvidenceRefused(
            f'The file name "{shown}" starts with "{name[0]}": rename the file so that it starts '
            "with a letter or a digit."
        )
    device = name.split(".", 1)[0].rstrip(" ").upper()
    if device in _WINDOWS_DEVICES:
        raise EvidenceRefused(
            f'The file name "{shown}" is reserved on Windows ({device}): rename the file.'
        )
    kind = extension.lower() if dot else ""
    if kind not in KINDS:
        raise EvidenceRefused(
            f'"{shown}" is not a PDF, CSV or JSON file: evidence files must end in .pdf, .csv '
            "or .json."
        )
    return kind


def _is_control(character: str) -> bool:
    """Control characters (NUL included), lone surrogates, line and paragraph separators, and the
    characters that reorder text."""
    category = unicodedata.category(character)
    return category in ("Cc", "Cs", "Zl", "Zp") or character in _BIDI_CONTROLS


def _shown(name: str) -> str:
    """The name as a message can show it: control characters as "?", at most 60 characters."""
    safe = "".join("?" if _is_control(c) else c for c in name)
    return safe if len(safe) <= 60 else f"{safe[:59]}…"


def _megabytes(size: int) -> str:
    """``size`` in MB with one decimal, rounded up: a file over the limit never reads as 10.0."""
    tenths = -(-size * 10 // _MB)
    return f"{tenths // 10}.{tenths % 10}"


def _refuse_archives_and_programs(name: str, data: bytes) -> None:
    for signature, what in _ARCHIVES:
        if data.startswith(signature):
            _refuse_archive(name, what)
    if _BZIP2.match(data):
        _refuse_archive(name, "a bzip2-compressed file")
    # A DOS or Windows program starts with "MZ" and a header holding zero bytes; text starting
    # with "MZ" (Mozambique's country code, say) has none.
    if data.startswith(b"\x7fELF") or (data.startswith(b"MZ") and b"\x00" in data[:64]):
        raise EvidenceRefused(
            f"{name} is a program, not a document: programs are not accepted as evidence."
        )


def _refuse_archive(name: str, what: str) -> None:
    raise EvidenceRefused(
        f"{name} is {what}. Archives are not accepted: upload the PDF, CSV or JSON file itself."
    )


def _pdf_check(name: str, data: bytes) -> None:
    if b"%%EOF" not in data[-1024:]:
        raise EvidenceRefused(
            f"{name} is not a complete PDF: it does not end with %%EOF, so it may have been cut "
            "short. Save it again and upload it."
        )
    for match in _PDF_NAME.finditer(data):
        if _pdf_name(match.group(1)) in _PDF_ACTIVE_NAMES:
            raise EvidenceRefused(
                f"{name} contains active content (JavaScript, launch actions or embedded files): "
                "print it to a new PDF and upload that."
            )


def _pdf_name(raw: bytes) -> bytes:
    """A PDF name with its ``#xx`` escapes decoded: ``J#61vaScript`` is ``JavaScript``."""
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def _text(name: str, data: bytes) -> str:
    """The UTF-8 text of a CSV or JSON file (a leading byte order mark dropped), free of markup."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvidenceRefused(
            f"{name} is not UTF-8 text (the byte at position {exc.start + 1} is not): save it "
            "as UTF-8 and upload it again."
        ) from None
    if "\x00" in text:
        raise EvidenceRefused(f"{name} contains NUL characters, which text files do not have.")
    lowered = text.lower()
    if lowered.lstrip().startswith("<") or any(markup in lowered for markup in _MARKUP):
        raise EvidenceRefused(
            f"{name} contains HTML or script: evidence files must hold data only."
        )
    return text


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen.add(key)
    return dict(pairs)


def _no_constant(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON number")


def _json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (a scalar is 0, ``[]`` 1, ``[{}]`` 2),
    walked without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        deepest = max(deepest, depth + 1)
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return deepest if isinstance(value, dict | list) else 0


def _json_check(name: str, text: str) -> None:
    too_deep = EvidenceRefused(
        f"{name} nests arrays and objects more than {MAX_JSON_DEPTH} levels deep."
    )
    try:
        value = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_no_constant,
            object_pairs_hook=_unique_keys,
        )
    except _DuplicateKey as exc:
        raise EvidenceRefused(
            f'{name} has the key "{exc.key[:60]}" twice in one object: which value was meant?'
        ) from None
    except RecursionError:  # the parser recurses once a level: far deeper than allowed
        raise too_deep from None
    except json.JSONDecodeError as exc:
        raise EvidenceRefused(
            f"{name} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from None
    except ValueError as exc:  # NaN or Infinity, or an integer of more than 4 300 digits
        raise EvidenceRefused(f"{name} is not valid JSON: {exc}.") from None
    if not isinstance(value, dict | list):
        raise EvidenceRefused(
            f"{name} must hold an object or an array at its top level, not a single value."
        )
    if _json_depth(value) > MAX_JSON_DEPTH:
        raise too_deep


def _is_json(text: str) -> bool:
    """Whether ``text`` is a JSON object or array (a CSV file cannot be one)."""
    if not text.lstrip().startswith(("{", "[")):
        return False
    try:
        return isinstance(json.loads(text, parse_float=Decimal), dict | list)
    except (ValueError, RecursionError):
        return False


def _csv_check(name: str, text: str) -> None:
    if _is_json(text):
        raise EvidenceRefused(
            f"{name} is called a CSV file but its content is JSON: name it .json, or upload the "
            "CSV file it was meant to be."
        )
    rows = 0
    try:
        for row_number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            rows += any(row)
            for column_number, cell in enumerate(row, start=1):
                if cell.startswith(_FORMULA_STARTS) and not _NEGATIVE_NUMBER.fullmatch(cell):
                    raise EvidenceRefused(
                        f"{name} has a spreadsheet formula in row {row_number}, column "
                        f"{column_number} (a cell starting with =, +, -, @, a tab or a carriage "
                        "return): remove it, or start the cell with ' so it reads as text."
                    )
    except csv.Error as exc:
        raise EvidenceRefused(f"{name} is not a readable CSV file: {exc}.") from None
    if not rows:
        raise EvidenceRefused(f"{name} has no rows: a CSV file needs one row at least.")
