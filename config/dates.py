"""Dates as the API writes and reads them: exactly ``YYYY-MM-DD`` (no DRF here, so both the
body fields of ``config.api`` and the query filters of ``config.query`` can import it)."""

from __future__ import annotations

import re

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# A day that exists, from 2000-01-01 to 2099-12-31 (every fourth year a leap year, 2000 too):
# the days the API takes, as a schema pattern, so that no string the pattern allows is refused.
_DAYS = (
    r"(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    r"|02-(?:0[1-9]|1\d|2[0-8])"
)
DAY_2000S = re.compile(rf"^(?:20\d\d-(?:{_DAYS})|20(?:[02468][048]|[13579][26])-02-29)$")
