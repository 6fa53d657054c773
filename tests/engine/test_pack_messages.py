"""The shipped packs' words are in the message catalogue's source (scripts/pack_messages.py)."""

import sys
from pathlib import Path

from procurement.engine.packs.messages import MESSAGES

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from pack_messages import pack_words  # noqa: E402


def test_every_clause_and_mode_of_the_shipped_packs_is_a_message():
    assert sorted(MESSAGES) == pack_words(), "run: .venv/bin/python scripts/pack_messages.py"
