"""The completeness checks of the Hindi translation, run by `make i18n-check` and CI.

    python scripts/i18n_check.py templates [FILE ...]   every user-visible string of a template is
                                                        marked for translation
    python scripts/i18n_check.py catalogue              every message of the Hindi catalogue is
                                                        translated and none is fuzzy (msgfmt)

A template string counts as user-visible when it is text between HTML tags, or the value of an
attribute a person reads (title, placeholder, aria-label, alt, and a button's value), outside
``<script>``, ``<style>`` and template comments, and it holds a Latin-script word that the
allow-list (scripts/i18n_allowlist.txt: codes, product names, units) does not name. Text inside
``{% translate %}`` and ``{% blocktranslate %}`` is marked; template variables and tags are not
text. Each finding prints as ``file:line: the string``; the exit status is 1 when there is any.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
CATALOGUE = ROOT / "locale" / "hi" / "LC_MESSAGES" / "django.po"
ALLOWLIST = Path(__file__).resolve().parent / "i18n_allowlist.txt"

# A tag, a variable or a comment of the template language, in the order the lexer finds them.
_TEMPLATE_TOKEN = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’.\-/]*")
_READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
_HIDDEN = "\x00"


def allowed_words() -> frozenset[str]:
    """The words that may stay in Latin script on a Hindi page, one per line, # for comments."""
    words = set()
    for line in ALLOWLIST.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(word)
    return frozenset(words)


def latin_words(text: str, allowed: frozenset[str]) -> list[str]:
    """The Latin-script words of ``text`` the allow-list does not name (trailing dots ignored).
    A token with a digit in it is an identifier or a code (gpt-4o-2024-08-06, q-001, p95), not
    a word, and is not counted."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group(0).rstrip(".-/")
        if any(c.isdigit() for c in word):
            continue
        if word and word not in allowed and word.lower() not in allowed:
            found.append(word)
    return found


def _skeleton(source: str) -> str:
    """The template with every translate block, tag, variable and comment replaced by a
    non-letter of the same length, so that what remains is the text a person would read
    untranslated. ``{% comment %}`` … ``{% endcomment %}`` is hidden as a whole."""
    out: list[str] = []
    position = 0
    hiding_until: str | None = None
    for match in _TEMPLATE_TOKEN.finditer(source):
        text = source[position : match.start()]
        out.append(_blank(text) if hiding_until else text)
        token = match.group(0)
        out.append(_blank(token))
        position = match.end()
        if token.startswith("{%"):
            name = token[2:-2].split()[0] if token[2:-2].split() else ""
            if hiding_until is None and name in {"blocktranslate", "blocktrans", "comment"}:
                hiding_until = "end" + name
            elif name == hiding_until:
                hiding_until = None
    tail = source[position:]
    out.append(_blank(tail) if hiding_until else tail)
    return "".join(out)


def _blank(text: str) -> str:
    return "".join(c if c == "\n" else _HIDDEN for c in text)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        values = dict(attrs)
        for name, value in attrs:
            readable = name in _READ_ATTRIBUTES or (
                name == "value" and tag == "input" and values.get("type") in {"submit", "button"}
            )
            if readable and value:
                self.found.append((self.getpos()[0], value))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.found.append((self.getpos()[0], data))


def unmarked_strings(path: Path, allowed: frozenset[str]) -> list[tuple[int, str]]:
    """(line, text) of each user-visible string in the template that is not marked."""
    parser = _VisibleText()
    parser.feed(_skeleton(path.read_text(encoding="utf-8")))
    parser.close()
    findings = []
    for line, text in parser.found:
        visible = " ".join(text.replace(_HIDDEN, " ").split())
        if latin_words(visible, allowed):
            findings.append((line, visible))
    return findings


def check_templates(files: list[str]) -> int:
    allowed = allowed_words()
    paths = [Path(f) for f in files] or sorted(TEMPLATES.rglob("*.html")) + sorted(
        TEMPLATES.rglob("*.txt")
    )
    count = 0
    for path in paths:
        for line, text in unmarked_strings(path, allowed):
            count += 1
            print(f"{path.relative_to(ROOT) if path.is_absolute() else path}:{line}: {text}")
    print(f"{count} unmarked string(s) in {len(paths)} template(s)", file=sys.stderr)
    return 1 if count else 0


def check_catalogue() -> int:
    """msgfmt checks the catalogue's format strings and prints its statistics; any untranslated
    or fuzzy message fails."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    statistics = result.stderr.strip()
    print(f"{CATALOGUE.relative_to(ROOT)}: {statistics}")
    incomplete = "untranslated" in statistics or "fuzzy" in statistics
    if result.returncode or incomplete:
        print("The Hindi catalogue is not complete: translate every message.", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["templates"]:
        return check_templates(argv[1:])
    if argv == ["catalogue"]:
        return check_catalogue()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
