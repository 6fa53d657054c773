"""The shipped packs cite primary instruments only: never the product's own research notes, and
practice abroad only in a citation's ``comparable_practice`` — never as the authority for a rule."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from procurement.engine.packs import load_pack, pack_data, pack_names
from procurement.engine.policy import CLAUSE_PLACEHOLDERS, Citation

INTERNAL_NOTES = ("POLICY-RULES", "DESIGN", "RELIABILITY", "PROVIDER-FACTS", "TENDER-FILE", "§")
# Instruments and bodies of other jurisdictions: allowed only as comparable practice.
FOREIGN = re.compile(
    r"OMB|M-2[4-6]-\d\d|GSAR|GSA\b|General Services Administration|Office of Management|FAR\b|"
    r"Federal Acquisition|Buy American|FedRAMP|United States|\bUS\b(?! dollar|\$)|\bEU\b|"
    r"European|Directive|G-Cloud|PPN|United Kingdom|\bUK\b|MCC-AI|WEF"
)


def _strings(node: Any, path: str = "pack") -> list[tuple[str, str]]:
    """Every text in a pack document, with its path."""
    if isinstance(node, str):
        return [(path, node)]
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in _strings(value, f"{path}.{key}")]
    if isinstance(node, list):
        return [pair for i, item in enumerate(node) for pair in _strings(item, f"{path}[{i}]")]
    return []


@pytest.mark.parametrize("name", pack_names())
def test_no_pack_cites_the_products_own_notes(name: str) -> None:
    found = [
        (path, text)
        for path, text in _strings(pack_data(name))
        if any(note in text for note in INTERNAL_NOTES)
    ]
    assert found == []


@pytest.mark.parametrize("name", pack_names())
def test_foreign_instruments_appear_only_as_comparable_practice(name: str) -> None:
    texts = _strings(pack_data(name))
    outside = [
        (path, text)
        for path, text in texts
        if FOREIGN.search(text) and not path.endswith(".comparable_practice")
    ]
    assert outside == []
    # The scan can fail: the packs do name foreign practice, in the field kept for it.
    compared = [text for path, text in texts if path.endswith(".comparable_practice") and text]
    assert any("M-24-18" in text for text in compared)
    assert all("comparison" in text or "Providers'" in text for text in compared)


@pytest.mark.parametrize("name", pack_names())
def test_every_citation_names_an_instrument_and_a_paragraph(name: str) -> None:
    """Issuer, number and date where the instrument has them, in one line an officer can quote."""
    policy = load_pack(name)
    assert policy.mii is not None
    cite = policy.mii.classification.citation
    assert cite.text() == (
        "Ministry of Commerce and Industry, Department for Promotion of Industry and Internal "
        "Trade (DPIIT): Public Procurement (Preference to Make in India) Order 2017, as revised "
        "No. P-45021/2/2017-PP (BE-II) dated 16.09.2020, para 2: Class-I local content at least "
        "50 %, Class-II above 20 % and below 50 %, non-local at most 20 %"
    )
    assert policy.logs_direction is not None
    logs = policy.logs_direction.citation
    assert (logs.number, logs.date) == ("20(3)/2022-CERT-In", dt.date(2022, 4, 28))
    assert logs.url and logs.url.startswith("https://www.cert-in.org.in/")


def test_a_citation_without_issuer_number_or_date_reads_as_its_title() -> None:
    assert Citation("Assumption of this pack", "nominal discount rate").text() == (
        "Assumption of this pack, nominal discount rate"
    )


@pytest.mark.parametrize("name", pack_names())
def test_the_clause_library_is_shipped_with_sources(name: str) -> None:
    policy = load_pack(name)
    ids = [clause.clause_id for clause in policy.clauses]
    assert {"residency", "no_training", "make_in_india", "land_border", "logs"} <= set(ids)
    for clause in policy.clauses:
        assert clause.sources and all(source.text() for source in clause.sources)
        for placeholder in re.findall(r"\{([^{}]*)\}", clause.text):
            assert placeholder in CLAUSE_PLACEHOLDERS
    assert policy.clause("residency") is not None and policy.clause("nothing") is None
