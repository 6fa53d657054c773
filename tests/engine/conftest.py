"""Engine tests need no Django and no database (run with ``-p no:django``)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Replaces, for the engine's tests only, the project-wide autouse fixture of
    tests/conftest.py that clears Django's cache: these tests run without Django."""
