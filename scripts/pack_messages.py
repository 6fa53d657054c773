"""Write procurement/engine/packs/messages.py: the words of the shipped policy packs that a
person reads in a document (each clause's title and text, each mode of procurement), as
messages for the catalogue, so that the Hindi part of a bid document or file note has them in
Hindi. Run after editing a shipped pack: ``.venv/bin/python scripts/pack_messages.py``;
tests/engine/test_pack_messages.py fails while the module is out of date (it compares the
messages, so ruff may format the module).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKS = ROOT / "procurement" / "engine" / "packs"
TARGET = PACKS / "messages.py"

HEADER = '''# ruff: noqa: E501
"""The words of the shipped policy packs a person reads in a document (clause titles and texts,
modes of procurement), marked for the message catalogue. Written by scripts/pack_messages.py
from procurement/engine/packs/*.json; do not edit by hand. A pack's own words are shown in the
reader's language with :func:`procurement.engine.i18n._` where they are shown; a department's
own pack, whose words are not here, reads in its own words.
"""

from procurement.engine.i18n import gettext_noop

MESSAGES = (
'''


def pack_words() -> list[str]:
    words: set[str] = set()
    for path in sorted(PACKS.glob("*.json")):
        pack = json.loads(path.read_text(encoding="utf-8"))
        for clause in pack.get("clauses", []):
            words.update((clause["title"], clause["text"]))
        for mode in pack.get("procurement_modes", []):
            words.add(mode["mode"])
    return sorted(w for w in words if w)


def module_text() -> str:
    lines = [f"    gettext_noop({json.dumps(w, ensure_ascii=False)})," for w in pack_words()]
    return HEADER + "\n".join(lines) + "\n)\n"


if __name__ == "__main__":
    TARGET.write_text(module_text(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(pack_words())} messages", file=sys.stderr)
