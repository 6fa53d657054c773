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

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrPromise

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
KINDS = {"pdf": "application/pdf", "csv": "text/csv", "json": "application/json"}

MAX_NAME_CHARACTERS = 120
MAX_JSON_DEPTH = 64

_MB = 1024 * 1024
# What a file whose name claims ``kind`` but whose content is a PDF is told.
_NAMED_AS = {
    "csv": gettext_lazy(
        "%(name)s is called a CSV file but its content is a PDF: name it .pdf, or upload the file "
        "it was meant to be."
    ),
    "json": gettext_lazy(
        "%(name)s is called a JSON file but its content is a PDF: name it .pdf, or upload the "
        "file it was meant to be."
    ),
}

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
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
# What an archive or compressed file of each kind is told.
_ARCHIVE_REFUSALS: dict[str, StrPromise] = {
    "zip": gettext_lazy(
        "%(name)s is a ZIP archive. Archives are not accepted: upload the PDF, CSV or JSON file "
        "itself."
    ),
    "gzip": gettext_lazy(
        "%(name)s is a gzip-compressed file. Archives are not accepted: upload the PDF, CSV or "
        "JSON file itself."
    ),
    "7z": gettext_lazy(
        "%(name)s is a 7-Zip archive. Archives are not accepted: upload the PDF, CSV or JSON file "
        "itself."
    ),
    "rar": gettext_lazy(
        "%(name)s is a RAR archive. Archives are not accepted: upload the PDF, CSV or JSON file "
        "itself."
    ),
    "xz": gettext_lazy(
        "%(name)s is an xz-compressed file. Archives are not accepted: upload the PDF, CSV or "
        "JSON file itself."
    ),
    "zstd": gettext_lazy(
        "%(name)s is a Zstandard-compressed file. Archives are not accepted: upload the PDF, CSV "
        "or JSON file itself."
    ),
    "bzip2": gettext_lazy(
        "%(name)s is a bzip2-compressed file. Archives are not accepted: upload the PDF, CSV or "
        "JSON file itself."
    ),
}
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
        raise EvidenceRefused(
            _("%(name)s is empty: upload the file with its content.") % {"name": name}
        )
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceRefused(
            _("%(name)s is %(size)s MB: evidence files are limited to %(most)s MB.")
            % {"name": name, "size": _megabytes(len(data)), "most": MAX_EVIDENCE_BYTES // _MB}
        )
    _refuse_archives_and_programs(name, data)
    if data.startswith(b"%PDF-"):
        if kind != "pdf":
            raise EvidenceRefused(_NAMED_AS[kind] % {"name": name})
        _pdf_check(name, data)
    elif kind == "pdf":
        raise EvidenceRefused(
            _("%(name)s is called a PDF but its content is not a PDF.") % {"name": name}
        )
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
        raise EvidenceRefused(_("The file has no name: name it, ending in .pdf, .csv or .json."))
    shown = _shown(name)
    if len(name) > MAX_NAME_CHARACTERS:
        raise EvidenceRefused(
            _(
                'The file name "%(name)s" is %(length)s characters long: file names are limited '
                "to %(most)s characters."
            )
            % {"name": shown, "length": len(name), "most": MAX_NAME_CHARACTERS}
        )
    if any(_is_control(c) for c in name):
        raise EvidenceRefused(
            _(
                'The file name "%(name)s" contains a control character: rename the file and '
                "upload it again."
            )
            % {"name": shown}
        )
    if "/" in name or "\\" in name:
        raise EvidenceRefused(
            _(
                'The file name "%(name)s" contains a folder path (/ or \\): upload the file under '
                "its own name alone."
            )
            % {"name": shown}
        )
    if ".." in name:
        raise EvidenceRefused(
            _('The file name "%(name)s" contains "..": rename the file without it.')
            % {"name": shown}
        )
    if _FORBIDDEN_CHARACTERS.intersection(name):
        raise EvidenceRefused(
            _(
                'The file name "%(name)s" contains a character file names cannot have '
                '(< > : " | ? *): rename the file without it.'
            )
            % {"name": shown}
        )
    stem, dot, extension = name.rpartition(".")
    if dot and not stem:
        raise EvidenceRefused(
            _('The file name "%(name)s" is only an extension: give the file a name before it.')
            % {"name": shown}
        )
    if name[0] in ".-":
        raise EvidenceRefused(
            _(
                'The file name "%(name)s" starts with "%(first)s": rename the file so that it '
                "starts with a letter or a digit."
            )
            % {"name": shown, "first": name[0]}
        )
    device = name.split(".", 1)[0].rstrip(" ").upper()
    if device in _WINDOWS_DEVICES:
        raise EvidenceRefused(
            _('The file name "%(name)s" is reserved on Windows (%(device)s): rename the file.')
            % {"name": shown, "device": device}
        )
    kind = extension.lower() if dot else ""
    if kind not in KINDS:
        raise EvidenceRefused(
            _(
                '"%(name)s" is not a PDF, CSV or JSON file: evidence files must end in .pdf, .csv '
                "or .json."
            )
            % {"name": shown}
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
        _refuse_archive(name, "bzip2")
    # A DOS or Windows program starts with "MZ" and a header holding zero bytes; text starting
    # with "MZ" (Mozambique's country code, say) has none.
    if data.startswith(b"\x7fELF") or (data.startswith(b"MZ") and b"\x00" in data[:64]):
        raise EvidenceRefused(
            _("%(name)s is a program, not a document: programs are not accepted as evidence.")
            % {"name": name}
        )


def _refuse_archive(name: str, what: str) -> None:
    """Refuse ``name``, an archive of the kind ``what`` (a key of ``_ARCHIVE_REFUSALS``)."""
    raise EvidenceRefused(_ARCHIVE_REFUSALS[what] % {"name": name})


def _pdf_check(name: str, data: bytes) -> None:
    if b"%%EOF" not in data[-1024:]:
        raise EvidenceRefused(
            _(
                "%(name)s is not a complete PDF: it does not end with %(eof)s, so it may have been "
                "cut short. Save it again and upload it."
            )
            % {"name": name, "eof": "%%EOF"}
        )
    for match in _PDF_NAME.finditer(data):
        if _pdf_name(match.group(1)) in _PDF_ACTIVE_NAMES:
            raise EvidenceRefused(
                _(
                    "%(name)s contains active content (JavaScript, launch actions or embedded "
                    "files): print it to a new PDF and upload that."
                )
                % {"name": name}
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
            _(
                "%(name)s is not UTF-8 text (the byte at position %(position)s is not): save it "
                "as UTF-8 and upload it again."
            )
            % {"name": name, "position": exc.start + 1}
        ) from None
    if "\x00" in text:
        raise EvidenceRefused(
            _("%(name)s contains NUL characters, which text files do not have.") % {"name": name}
        )
    lowered = text.lower()
    if lowered.lstrip().startswith("<") or any(markup in lowered for markup in _MARKUP):
        raise EvidenceRefused(
            _("%(name)s contains HTML or script: evidence files must hold data only.")
            % {"name": name}
        )
    return text


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen.add(key)
    return dict(pairs)


def _no_constant(constant: str) -> Any:
    raise ValueError(_("%(constant)s is not a JSON number") % {"constant": constant})


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
        _("%(name)s nests arrays and objects more than %(most)s levels deep.")
        % {"name": name, "most": MAX_JSON_DEPTH}
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
            _('%(name)s has the key "%(key)s" twice in one object: which value was meant?')
            % {"name": name, "key": exc.key[:60]}
        ) from None
    except RecursionError:  # the parser recurses once a level: far deeper than allowed
        raise too_deep from None
    except json.JSONDecodeError as exc:
        raise EvidenceRefused(
            _("%(name)s is not valid JSON: %(problem)s (line %(line)s, column %(column)s).")
            % {"name": name, "problem": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from None
    except ValueError as exc:  # NaN or Infinity, or an integer of more than 4 300 digits
        raise EvidenceRefused(
            _("%(name)s is not valid JSON: %(problem)s.") % {"name": name, "problem": exc}
        ) from None
    if not isinstance(value, dict | list):
        raise EvidenceRefused(
            _("%(name)s must hold an object or an array at its top level, not a single value.")
            % {"name": name}
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
            _(
                "%(name)s is called a CSV file but its content is JSON: name it .json, or upload "
                "the CSV file it was meant to be."
            )
            % {"name": name}
        )
    rows = 0
    try:
        for row_number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            rows += any(row)
            for column_number, cell in enumerate(row, start=1):
                if cell.startswith(_FORMULA_STARTS) and not _NEGATIVE_NUMBER.fullmatch(cell):
                    raise EvidenceRefused(
                        _(
                            "%(name)s has a spreadsheet formula in row %(row)s, column "
                            "%(column)s (a cell starting with =, +, -, @, a tab or a carriage "
                            "return): remove it, or start the cell with ' so it reads as text."
                        )
                        % {"name": name, "row": row_number, "column": column_number}
                    )
    except csv.Error as exc:
        raise EvidenceRefused(
            _("%(name)s is not a readable CSV file: %(problem)s.") % {"name": name, "problem": exc}
        ) from None
    if not rows:
        raise EvidenceRefused(
            _("%(name)s has no rows: a CSV file needs one row at least.") % {"name": name}
        )
