"""Dates as the API writes and reads them: exactly ``YYYY-MM-DD`` (no DRF here, so both the
body fields of ``config.api`` and the query filters of ``config.query`` can import it)."""

from __future__ import annotations

import re

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
