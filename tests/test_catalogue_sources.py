"""The demo catalogue's sources read as an officer can cite them: exchange rates name their
publisher and date, and no note cites the product's research notes or their confidence codes."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

from procurement.mapping import fx_input
from providers.models import FxRate

CATALOGUE = Path(__file__).resolve().parents[1] / "providers" / "data" / "demo-catalogue.json"


def texts(node, key=""):
    if isinstance(node, str):
        yield key, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from texts(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item, key)


def test_no_note_cites_the_research_notes_or_their_codes():
    data = json.loads(CATALOGUE.read_text())
    found = [
        text
        for key, text in texts(data)
        if key in ("source_note", "operator_source_note", "description", "legal_name")
        and re.search(r"POLICY-RULES|PROVIDER-FACTS|DESIGN|facts file|\[[SPMD][^\]]*\]|->", text)
    ]
    assert found == []


def test_every_exchange_rate_names_its_publisher_and_date_and_the_unchecked_one_is_demo():
    rates = json.loads(CATALOGUE.read_text())["fx_rates"]
    for rate in rates:
        day = dt.date.fromisoformat(rate["date"]).strftime("%d.%m.%Y")
        note = rate["source_note"]
        assert day in note, note
        assert re.search(r"Reserve Bank of India|FBIL|Reuters|Free Press Journal", note), note
        if "FBIL reference rate for" in note:
            assert rate["demo"] is True and "not checked" in note
    assert [r["rate_to_inr"] for r in rates] == [62.5908, 91.087, 92.25, 95.99]


def test_the_engine_reads_an_exchange_rates_publisher_before_its_address():
    rate = FxRate(
        currency="USD",
        rate_to_inr=Decimal("91.0870"),
        date=dt.date(2026, 2, 19),
        source_note="Reuters conversion rate for 19.02.2026",
        source_url="https://example.org/rupee",
    )
    assert fx_input(rate).source == (
        "Reuters conversion rate for 19.02.2026, https://example.org/rupee"
    )
