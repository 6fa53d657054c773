"""A comparison as a spreadsheet: the XLSX workbook and the CSV file officers download.

One set of tables, built here from the comparison's stored results (the engine's types, as the
page reads them through ``presenters.comparison_view``), is written both ways, so the page, the
workbook and the CSV show the same figures:

- **Summary**: the workload, dates, policy pack, recommendation, the exchange rates used with
  their source and date, and a demo mark when demo data was used;
- **TCO by year**: every priced offer, one row per contract year, then its exit cost and its
  totals — usage, one-time and tax, the year's total with tax (nominal) and its present value;
- **Ranking**: the eligible offers by rank, with their costs and scores;
- **Eligibility**: every offer against every rule (and the rules of the whole procurement
  first), one row per outcome, with the reason and its authority.

People read every column: offers and providers by name, rules in words, never a rule code or an
offer id (the engine's sentences name offers by id; here they name them by name). The snapshot
keeps the codes and ids for machines. Prices carry their source and the date they were checked,
read from the inputs stored with the comparison.

Money is ``Money`` (exact ``Decimal`` rupees): a number cell with the Indian rupee format in the
workbook, a plain decimal string ("3804821.03") in the CSV. The CSV is UTF-8 with a byte-order
mark (so Excel reads the ₹ sign), one section per sheet: a line with the section's name, a
header line, its rows, then an empty line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from procurement import engine, labels, national, presenters, selectors
from procurement.models import Comparison

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

# Excel formats: lakh and crore grouping (₹1,49,36,451.49), which Excel has no locale for. Two
# conditions are all a format may hold, so from ₹1,000 crore up the leading digits stay ungrouped.
MONEY_FORMAT = '[>=10000000]"₹"##\\,##\\,##\\,##0.00;[>=100000]"₹"##\\,##\\,##0.00;"₹"##,##0.00'
COUNT_FORMAT = "[>=10000000]##\\,##\\,##\\,##0;[>=100000]##\\,##\\,##0;##,##0"
DATE_FORMAT = "dd-mm-yyyy"

DEMO_MARK = gettext_lazy(
    "DEMO DATA: figures are illustrative and must not be used for a real tender."
)


@dataclass(frozen=True)
class Money:
    """An amount in rupees, exact (a number with the rupee format in the workbook)."""

    inr: Decimal


Value = str | int | Decimal | Money | dt.date | None


@dataclass(frozen=True)
class Table:
    """One sheet of the workbook, one section of the CSV."""

    title: str
    headings: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    widths: tuple[int, ...]  # column widths in the workbook, in characters
    filtered: bool = True  # whether the sheet's header row gets the spreadsheet's filters


@dataclass(frozen=True)
class ComparisonExport:
    filename: str  # without the extension: "comparison-12-3f9a0c1d2e4b"
    tables: tuple[Table, ...]


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def _name(view: presenters.ComparisonView, offer_id: str | None) -> str:
    """An offer's name by its id (the engine names offers by id, people by name)."""
    return view.names.get(offer_id or "", "")


def _rule(code: str) -> str:
    """A rule in words, as the page's matrix names it."""
    return _sentence(labels.rule(code))


def _citation(outcome: engine.RuleOutcome) -> str:
    citation = outcome.citation
    url = f" ({citation.url})" if citation.url else ""
    return f"{citation.document}, {citation.clause}{url}"


def _price_sources(inputs: engine.SnapshotInputs) -> Mapping[str, engine.Price]:
    return {offer.offer_id: offer.price for offer in inputs.offers}


def _source(price: engine.Price | None) -> tuple[str, dt.date | None]:
    if price is None:
        return "", None
    source = price.source_url or _("no source recorded")
    if price.is_demo and "demo" not in price.source_url.lower():
        source = _("%(source)s (demo data)") % {"source": source}
    return source, price.checked_on


def _summary(comparison: Comparison, view: presenters.ComparisonView) -> Table:
    results = view.results
    award = view.award
    npv = results.cost_basis == "npv"
    pack = comparison.policy_pack
    rows: list[tuple[Value, ...]] = []
    if comparison.uses_demo_data:
        rows.append((_("Demo data"), str(DEMO_MARK), ""))
    rows += [
        (_("Workload"), comparison.workload.title, ""),
        (_("Decision date"), comparison.decision_date, ""),
        (_("Compared on"), comparison.created_at.date(), ""),
        (
            _("Policy pack"),
            _("%(pack)s, version %(version)s") % {"pack": pack.title, "version": pack.version},
            "",
        ),
        (
            _("Evaluation"),
            labels.EVALUATION_METHOD.label(results.evaluation_method),
            _("Costs compared at present value (NPV), taxes included.")
            if npv
            else _("Costs compared at nominal value, taxes included."),
        ),
        (_("Offers compared"), comparison.offer_count, ""),
        (_("Offers eligible"), comparison.eligible_count, ""),
    ]
    if view.awarded is not None:
        rows += [
            (
                _("Recommendation"),
                _("Award to %(offer)s") % {"offer": view.awarded.name},
                _("Provider: %(provider)s.") % {"provider": view.awarded.provider_name},
            ),
            (_("Mechanism"), _sentence(view.mechanism), ""),
            (
                _("Cost the buyer pays, NPV with tax")
                if npv
                else _("Cost the buyer pays, nominal with tax"),
                _money(award.cost_inr),
                "",
            ),
        ]
        if npv:
            rows.append((_("Cost the buyer pays, nominal with tax"), _money(award.nominal_inr), ""))
        rows += [
            (
                _("Premium paid"),
                Money(award.premium_paid_inr),
                view.plain(results.recommendation.premium_statement),
            ),
            (
                _("Runner-up"),
                _name(view, results.recommendation.runner_up_offer_id)
                or pgettext("no runner-up", "None"),
                "" if view.runner_up else _("No other offer is eligible."),
            ),
        ]
    else:
        rows.append((_("Recommendation"), _("No award: no offer passes every rule."), ""))
    estimate = results.estimated_value
    if estimate.source == "officer":
        estimate_note = _("Entered by the officer.")
    elif estimate.source == "derived":
        estimate_note = _(
            "Derived: the nominal cost with tax of %(offer)s, the cheapest offer that passes "
            "every rule not depending on value."
        ) % {"offer": _name(view, estimate.basis_offer_id)}
    else:
        estimate_note = _("Unknown.")
    rows.append((_("Estimated value"), _money(estimate.amount_inr), estimate_note))
    for fx in results.fx_used:
        if fx.is_demo:
            fx_note = _("Rate of %(date)s (demo data). Source: %(source)s")
        else:
            fx_note = _("Rate of %(date)s. Source: %(source)s")
        rows.append(
            (
                _("Exchange rate: rupees per %(currency)s") % {"currency": fx.currency},
                fx.rate_to_inr,
                fx_note % {"date": f"{fx.date:%d-%m-%Y}", "source": fx.source},
            )
        )
    rows += [
        (
            _("Snapshot fingerprint"),
            comparison.fingerprint,
            _("SHA-256 of the stored snapshot: /verify/ checks a copy against it."),
        ),
        (
            _("Figures"),
            _("Rupees, exact to the paisa, as stored with the comparison."),
            _("The comparison page, this file and its CSV show the same figures."),
        ),
    ]
    return Table(
        pgettext("sheet of the comparison's workbook", "Summary"),
        (_("Item"), _("Value"), _("Note")),
        tuple(rows),
        (36, 60, 90),
        filtered=False,
    )


def _money(amount: Decimal | None) -> Money | None:
    return None if amount is None else Money(amount)


def _tco(view: presenters.ComparisonView, prices: Mapping[str, engine.Price]) -> Table:
    rows: list[tuple[Value, ...]] = []
    for row in view.matrix:
        offer, tco = row.offer, row.offer.tco
        if tco is None:
            continue
        source, checked = _source(prices.get(offer.offer_id))
        head = (offer.name, offer.provider_name, _yes(offer.eligible), offer.rank)
        tail = (tco.price_currency, source, checked)
        foreign = tco.price_currency != "INR"
        for year in tco.years:
            rows.append(
                (
                    *head,
                    year.year,
                    year.requests,
                    Money(year.usage_inr),
                    Money(year.one_time_inr),
                    Money(year.tax_inr),
                    Money(year.total_inr),
                    year.discount_factor,
                    Money(year.present_value_inr),
                    year.fx_rate if foreign else None,
                    *tail,
                )
            )
        rows.append(
            (
                *head,
                pgettext("contract year", "Exit"),
                None,
                None,
                Money(tco.exit_fee_inr),
                Money(tco.exit_tax_inr),
                Money(tco.exit_total_inr),
                tco.exit_discount_factor,
                Money(tco.exit_present_value_inr),
                tco.exit_fx_rate if foreign else None,
                *tail,
            )
        )
        rows.append(
            (
                *head,
                pgettext("contract year", "Total"),
                tco.total_requests,
                Money(tco.usage_total_inr),
                Money(tco.one_time_total_inr),
                Money(tco.tax_total_inr),
                Money(tco.nominal_total_inr),
                None,
                Money(tco.npv_inr),
                None,
                *tail,
            )
        )
    headings = (
        _("Offer"),
        _("Provider"),
        pgettext("column: the offer is eligible", "Eligible"),
        _("Rank"),
        _("Contract year"),
        _("Requests"),
        _("Usage, before tax (₹)"),
        _("One-time (₹)"),
        _("Tax (₹)"),
        _("Total with tax, nominal (₹)"),
        _("Discount factor"),
        _("Present value (₹)"),
        _("Rupees per unit of the price currency"),
        _("Price currency"),
        _("Price source"),
        _("Price checked on"),
    )
    widths = (48, 24, 9, 6, 13, 14, 18, 16, 16, 20, 14, 18, 16, 10, 48, 14)
    return Table(_("TCO by year"), headings, tuple(rows), widths)


def _quality_evidence(offer: engine.OfferResult, plain: presenters.Plain) -> str:
    return " ".join(
        plain(outcome.message)
        for outcome in offer.outcomes
        if outcome.code == "QUALITY" and outcome.status == "pass"
    )


def _ranking(view: presenters.ComparisonView, prices: Mapping[str, engine.Price]) -> Table:
    results = view.results
    rows: list[tuple[Value, ...]] = []
    for offer in view.eligible:
        tco = offer.tco
        source, checked = _source(prices.get(offer.offer_id))
        rows.append(
            (
                offer.rank,
                offer.name,
                offer.provider_name,
                _("Recommended award") if offer.offer_id == view.award.offer_id else "",
                _money(offer.evaluated_cost_inr),
                _money(tco.nominal_total_inr if tco else None),
                _money(tco.npv_inr if tco else None),
                offer.technical_score,
                offer.financial_score,
                offer.combined_score,
                labels.MII_CLASS.label(offer.mii_class),
                labels.HOSTING.label(offer.hosting),
                "; ".join(labels.operator(o.name, o.ownership, o.country) for o in offer.operators),
                labels.PRICING_MODE.label(offer.pricing_mode),
                _money(tco.cost_per_1000_requests_inr if tco else None),
                source,
                checked,
                _quality_evidence(offer, view.plain),
            )
        )
    headings = (
        _("Rank"),
        _("Offer"),
        _("Provider"),
        _("Recommendation"),
        _("Evaluated cost, NPV with tax (₹)")
        if results.cost_basis == "npv"
        else _("Evaluated cost, nominal with tax (₹)"),
        _("Total with tax, nominal (₹)"),
        _("Present value, NPV (₹)"),
        _("Technical score (of 100)"),
        _("Financial score"),
        _("Combined score"),
        _("Make in India class"),
        _("Where it runs"),
        _("Operated by"),
        _("Pricing"),
        _("Cost per 1,000 requests, all in (₹)"),
        _("Price source"),
        _("Price checked on"),
        _("Quality evidence (evaluator and dates)"),
    )
    widths = (6, 48, 24, 18, 20, 20, 20, 12, 10, 10, 14, 26, 48, 24, 16, 48, 14, 90)
    return Table(_("Ranking"), headings, tuple(rows), widths)


def _eligibility(view: presenters.ComparisonView) -> Table:
    rows: list[tuple[Value, ...]] = []

    def outcome_row(
        offer: str, provider: str, eligible: str, outcome: engine.RuleOutcome
    ) -> tuple[Value, ...]:
        return (
            offer,
            provider,
            eligible,
            _rule(outcome.code),
            view.plain.subject(outcome.subject) if outcome.subject else "",
            _sentence(labels.RULE_STATUS.label(outcome.status)),
            view.plain(outcome.message),
            _citation(outcome),
            _sentence(outcome.confidence_label),
        )

    for gate in view.results.gates:
        rows.append(outcome_row(_("All offers (the whole procurement)"), "", "", gate))
    for row in view.matrix:
        offer = row.offer
        for outcome in offer.outcomes:
            rows.append(outcome_row(offer.name, offer.provider_name, _yes(offer.eligible), outcome))
    headings = (
        _("Offer"),
        _("Provider"),
        pgettext("column: the offer is eligible", "Eligible"),
        _("Rule"),
        _("Applied to"),
        _("Outcome"),
        _("Reason"),
        _("Authority"),
        _("How sure the pack is of it"),
    )
    widths = (48, 24, 9, 48, 14, 10, 90, 70, 30)
    return Table(_("Eligibility"), headings, tuple(rows), widths)


def comparison_export(comparison: Comparison) -> ComparisonExport:
    """The tables of a comparison fetched with ``selectors.get_comparison_export_for_user``:
    its stored results as the page shows them, and its prices' sources from its snapshot."""
    view = presenters.comparison_view(selectors.comparison_results(comparison))
    prices = _price_sources(selectors.comparison_inputs(comparison))
    return ComparisonExport(
        filename=f"comparison-{comparison.pk}-{comparison.fingerprint[:12]}",
        tables=(
            _summary(comparison, view),
            _tco(view, prices),
            _ranking(view, prices),
            _eligibility(view),
        ),
    )


# Writing -----------------------------------------------------------------------------------


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return f"{value.inr:f}"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def export_csv(export: ComparisonExport) -> bytes:
    """The CSV file: UTF-8 with a byte-order mark, one section per table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for table in export.tables:
        writer.writerow([table.title])
        writer.writerow(table.headings)
        writer.writerows([_csv_text(value) for value in row] for row in table.rows)
        writer.writerow([])
    return out.getvalue().encode("utf-8-sig")


def _write_sheet(book: Workbook, table: Table, first: bool) -> None:
    sheet = book.active if first else book.create_sheet()
    assert sheet is not None
    sheet.title = table.title
    sheet.append(list(table.headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append([value.inr if isinstance(value, Money) else value for value in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(value, Money):
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, int):
                cell.number_format = COUNT_FORMAT
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, str) and len(value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    if table.rows and table.filtered:
        sheet.auto_filter.ref = sheet.dimensions


def export_xlsx(export: ComparisonExport) -> bytes:
    """The workbook: one sheet per table, money as numbers in rupees with lakh/crore grouping."""
    book = Workbook()
    for index, table in enumerate(export.tables):
        _write_sheet(book, table, first=index == 0)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The national figures (the transparency page's downloads) -------------------------------------

SUPPRESSED = "suppressed"


def _figure_value(value: Any) -> Any:
    """A figure's value in JSON: money, percentages and other decimals as exact strings."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value


def figure_json(figure: national.Figure) -> dict[str, Any]:
    """One national figure as the API's JSON: its provenance, columns and rows (suppressed
    values null, the row marked ``suppressed: true``)."""
    return {
        "figure": figure.name,
        "title": figure.title,
        "as_of": figure.as_of.isoformat() if figure.as_of else None,
        "definition": figure.definition,
        "suppression": figure.suppression,
        "demo": figure.demo,
        "notes": list(figure.notes),
        "columns": [{"key": c.key, "label": c.label} for c in figure.columns],
        "rows": [{key: _figure_value(value) for key, value in row.items()} for row in figure.rows],
    }


def _figure_cell(row: Mapping[str, Any], column: national.Column) -> str:
    value = row.get(column.key)
    if value is None:
        return SUPPRESSED if national.is_suppressed(row, column) else ""
    return _csv_text(value)


def figure_csv(figure: national.Figure) -> bytes:
    """One national figure as a CSV file (UTF-8 with a byte-order mark): its title, the date of
    the figures, the definition, the suppression rule and whether demo data is in it, an empty
    line, then the header and the rows. Suppressed cells read "suppressed"; numbers are plain
    decimals (``3804821.03``) that spreadsheets read as numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([figure.title])
    writer.writerow([_("As of"), figure.as_of.isoformat() if figure.as_of else _("none yet")])
    writer.writerow([_("Definition"), figure.definition])
    writer.writerow([_("Suppression"), figure.suppression])
    writer.writerow([_("Demo data"), _("yes") if figure.demo else _("no")])
    for note in figure.notes:
        writer.writerow([_("Note"), note])
    writer.writerow([])
    writer.writerow([column.label for column in figure.columns])
    writer.writerows([_figure_cell(row, c) for c in figure.columns] for row in figure.rows)
    return out.getvalue().encode("utf-8-sig")
