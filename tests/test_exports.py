"""A comparison's exports (issue 12): the XLSX workbook and the CSV file, from the page and the
API. Read back with openpyxl and csv, their figures equal the comparison's stored results and
the comparison page's; offers and rules are named in words; only the own department gets them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from procurement import engine, exports, labels, presenters, selectors
from procurement.engine.codes import COMPARISON_GATES, OFFER_RULES
from providers.templatetags.formatting import inr
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db

SHEETS = ["Summary", "TCO by year", "Ranking", "Eligibility"]
# Pinned: the key (with its account, holder and department), the role's permissions, and the
# comparison with its workload, pack, author and stored results (the snapshot in the same row).
API_EXPORT_QUERIES = 3


def results_of(comparison) -> engine.ComparisonResult:
    return selectors.comparison_results(comparison)


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def sheet_rows(book, title: str) -> list[dict[str, object]]:
    rows = list(book[title].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def csv_sections(content: bytes) -> dict[str, list[dict[str, str]]]:
    """The CSV's sections by name: a name line, a header line, rows, an empty line."""
    assert content.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel would garble the ₹"
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sections: dict[str, list[dict[str, str]]] = {}
    while lines:
        (name,), header = lines[0], lines[1]
        end = lines.index([])
        sections[name] = [dict(zip(header, row, strict=True)) for row in lines[2:end]]
        lines = lines[end + 1 :]
    return sections


def exact(value: object) -> Decimal:
    """A number read back from the workbook, as the decimal it was written as."""
    assert isinstance(value, int | float), value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def expected_tco_rows(offer: engine.OfferResult) -> list[tuple[object, ...]]:
    """(year, total with tax, present value) of an offer as the stored results give them."""
    tco = offer.tco
    assert tco is not None
    return [
        *((y.year, y.total_inr, y.present_value_inr) for y in tco.years),
        ("Exit", tco.exit_total_inr, tco.exit_present_value_inr),
        ("Total", tco.nominal_total_inr, tco.npv_inr),
    ]


def test_the_workbook_holds_the_stored_results(client, alice, comparison):
    client.force_login(alice)
    response = client.get(reverse("comparison_export_xlsx", args=[comparison.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_TYPE
    filename = f"comparison-{comparison.pk}-{comparison.fingerprint[:12]}.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    book = workbook(response.content)
    assert book.sheetnames == SHEETS
    results = results_of(comparison)
    view = presenters.comparison_view(results)

    # TCO by year: every priced offer, each year, its exit and its totals, exact.
    tco = sheet_rows(book, "TCO by year")
    priced = [o for o in view.matrix if o.offer.tco is not None]
    assert len(priced) > 10
    for row in priced:
        offer = row.offer
        mine = [r for r in tco if r["Offer"] == offer.name]
        got = [
            (
                r["Contract year"],
                exact(r["Total with tax, nominal (₹)"]),
                exact(r["Present value (₹)"]),
            )
            for r in mine
        ]
        assert got == expected_tco_rows(offer), offer.name
        assert {r["Provider"] for r in mine} == {offer.provider_name}
        year_1 = mine[0]
        assert exact(year_1["Usage, before tax (₹)"]) == offer.tco.years[0].usage_inr
        assert exact(year_1["Tax (₹)"]) == offer.tco.years[0].tax_inr
        assert year_1["Requests"] == offer.tco.years[0].requests
        assert isinstance(year_1["Price checked on"], dt.datetime)
    # Money is a number shown with lakh and crore grouping.
    sheet = book["TCO by year"]
    headings = [cell.value for cell in sheet[1]]
    total = sheet.cell(row=2, column=headings.index("Total with tax, nominal (₹)") + 1)
    assert isinstance(total.value, float) and total.number_format == exports.MONEY_FORMAT

    # Ranking: the eligible offers by rank, with their evaluated cost.
    ranking = sheet_rows(book, "Ranking")
    assert [r["Offer"] for r in ranking] == [o.name for o in view.eligible]
    assert [r["Rank"] for r in ranking] == list(range(1, len(view.eligible) + 1))
    cost = next(h for h in ranking[0] if str(h).startswith("Evaluated cost"))
    assert [exact(r[cost]) for r in ranking] == [o.evaluated_cost_inr for o in view.eligible]
    assert ranking[0]["Recommendation"] == "Recommended award"
    assert ranking[0]["Offer"] == view.awarded.name

    # Eligibility: the whole procurement's rules, then every offer's every outcome.
    eligibility = sheet_rows(book, "Eligibility")
    assert len(eligibility) == len(results.gates) + sum(len(o.outcomes) for o in results.offers)
    excluded = view.excluded[0].offer
    failed = [r for r in eligibility if r["Offer"] == excluded.name and r["Outcome"] == "Fails"]
    assert failed and all(r["Eligible"] == "No" and r["Reason"] for r in failed)
    assert {r["Outcome"] for r in eligibility} == {"Passes", "Fails", "Warning"}

    # Summary: the recommendation and the demo mark.
    summary = {r["Item"]: r["Value"] for r in sheet_rows(book, "Summary")}
    assert summary["Demo data"] == exports.DEMO_MARK
    assert summary["Recommendation"] == f"Award to {view.awarded.name}"
    assert summary["Workload"] == "Citizen helpline"
    assert exact(summary["Cost the buyer pays, NPV with tax"]) == view.award.cost_inr
    assert exact(summary["Cost the buyer pays, nominal with tax"]) == view.award.nominal_inr


def test_the_csv_holds_the_workbooks_figures_as_plain_decimals(client, alice, comparison):
    client.force_login(alice)
    xlsx = workbook(client.get(reverse("comparison_export_xlsx", args=[comparison.pk])).content)
    response = client.get(reverse("comparison_export_csv", args=[comparison.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(f'{comparison.fingerprint[:12]}.csv"')
    sections = csv_sections(response.content)
    assert list(sections) == SHEETS
    for title in SHEETS:
        book_rows = sheet_rows(xlsx, title)
        assert len(sections[title]) == len(book_rows), title
        for text_row, book_row in zip(sections[title], book_rows, strict=True):
            assert list(text_row) == list(book_row)
            for heading, text in text_row.items():
                value = book_row[heading]
                if isinstance(value, float | int):
                    assert Decimal(text) == exact(value), (title, heading)
                elif isinstance(value, dt.datetime):
                    assert text == value.date().isoformat()
                else:
                    assert text == (value or ""), (title, heading)
    # Money is the stored decimal's own text: "1095700.80", not "1095700.8" nor "₹10,95,700.80".
    awarded = results_of(comparison).offer(comparison.recommended_offer_id)
    year_1 = next(r for r in sections["TCO by year"] if r["Offer"] == awarded.name)
    assert year_1["Total with tax, nominal (₹)"] == f"{awarded.tco.years[0].total_inr:f}"


def test_the_exports_figures_are_the_pages(client, alice, comparison):
    client.force_login(alice)
    page = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    for name in ("comparison_export_xlsx", "comparison_export_csv"):
        assert f'href="{reverse(name, args=[comparison.pk])}"' in page
    sections = csv_sections(
        client.get(reverse("comparison_export_csv", args=[comparison.pk])).content
    )
    awarded = results_of(comparison).offer(comparison.recommended_offer_id)
    rows = [r for r in sections["TCO by year"] if r["Offer"] == awarded.name]
    shown = [
        "Usage, before tax (₹)",
        "One-time (₹)",
        "Tax (₹)",
        "Total with tax, nominal (₹)",
        "Present value (₹)",
    ]
    figures = [Decimal(r[h]) for r in rows for h in shown if r[h]]
    assert len(figures) == 5 * len(awarded.tco.years) + 4 + 5  # the exit has no usage
    for figure in figures:
        assert inr(figure) in page, figure
    for row in sections["Ranking"]:
        cost = next(v for h, v in row.items() if h.startswith("Evaluated cost"))
        assert inr(Decimal(cost)) in page, row["Offer"]


def test_people_read_names_and_words_not_ids_and_codes(client, alice, comparison):
    client.force_login(alice)
    sections = csv_sections(
        client.get(reverse("comparison_export_csv", args=[comparison.pk])).content
    )
    results = results_of(comparison)
    ids = sorted({o.offer_id for o in results.offers}, key=len, reverse=True)
    codes = set(OFFER_RULES) | set(COMPARISON_GATES)
    offending = re.compile(
        r"(?<![\w-])("
        + "|".join(map(re.escape, ids))
        + r")(?![\w-])"
        + r"|\b("
        + "|".join(codes)
        + r")\b"
    )
    found = [
        f"{title} / {heading}: {text[:120]}"
        for title, rows in sections.items()
        for row in rows
        for heading, text in row.items()
        if offending.search(text)
    ]
    assert not found, "\n".join(found[:20])
    # The engine's sentences name offers by id; the exports name them by name.
    gate = next(g for g in results.gates if g.code == "ESTIMATED_VALUE")
    basis = results.offer(results.estimated_value.basis_offer_id)
    assert basis.offer_id in gate.message
    exported = next(
        r for r in sections["Eligibility"] if r["Rule"] == labels.rule("ESTIMATED_VALUE")
    )
    assert exported["Reason"] == presenters.Plain({basis.offer_id: basis.name})(gate.message)
    assert basis.name in exported["Reason"] and basis.offer_id not in exported["Reason"]
    # Rules are named as the page's matrix names them.
    rules = {r["Rule"] for r in sections["Eligibility"]}
    assert labels.rule("LANGUAGES") in rules


def test_another_department_and_anonymous_get_nothing(client, charlie, comparison):
    for name in ("comparison_export_xlsx", "comparison_export_csv"):
        url = reverse(name, args=[comparison.pk])
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
        client.force_login(charlie)
        assert client.get(url).status_code == 404
        client.logout()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_api_exports_to_the_own_department_only(
    departments, comparison, django_assert_num_queries, kind
):
    path = f"/api/v1/comparisons/{comparison.pk}/export.{kind}"
    assert reverse(f"api:comparison-export-{kind}", args=[comparison.pk]) == path
    _, own = make_key(departments[0])
    _, other = make_key(departments[1])
    client = client_with(own)
    client.get(reverse("api:ping"))  # the key's last use is recorded once, not per request
    # Whatever the client says it accepts, the answer is the file.
    with django_assert_num_queries(API_EXPORT_QUERIES):
        response = client.get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith({"xlsx": exports.XLSX_TYPE, "csv": "text/csv"}[kind])
    assert response["Content-Disposition"].startswith('attachment; filename="comparison-')
    if kind == "xlsx":
        assert workbook(response.content).sheetnames == SHEETS
    else:
        assert list(csv_sections(response.content)) == SHEETS
    theirs = client_with(other).get(path)
    missing = client_with(other).get(f"/api/v1/comparisons/987654321/export.{kind}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    anonymous = client_with().get(path)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Api-Key"
