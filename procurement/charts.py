"""The comparison's charts as Plotly figures, built once and drawn twice: by plotly.js on the
comparison page and, as SVG (``procurement.documents.charts``), in the justification PDF.

Figures are plain dicts in Plotly's JSON format. Amounts go in as the exact decimal text of the
engine's results; plotly.js reads numeric strings as numbers, so nothing here rounds money.
Every number a person reads on a chart is written here by the product's one formatter
(``engine.numbers``), never by Plotly's d3 formats, which group digits the Western way: ₹ axes
carry explicit ticks read in lakh and crore ("₹50 lakh", "₹1.5 crore"), and hover texts are
pre-formatted strings in ``customdata`` (₹1,49,36,451.49).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from procurement import engine, national
from procurement.engine.numbers import (
    format_count,
    format_indian,
    format_inr,
    format_lakh_crore,
    format_pct,
)
from procurement.models import ShareTarget
from procurement.presenters import ComparisonView

Figure = dict[str, Any]
NAVY, ORANGE, GREEN, RED, GOLD = "#0d3b66", "#f4a259", "#8cb369", "#c1121f", "#f4d35e"
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 12}
# Tick steps of 1, 2, 2.5 and 5 times a power of ten: 4 to 8 ticks on any ₹ axis.
STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
MOST_TICKS = 7


def tick_step(span: Decimal) -> Decimal:
    """The smallest round step (1, 2, 2.5 or 5 × 10^n rupees) that covers ``span`` in at most
    :data:`MOST_TICKS` steps; a rupee at least."""
    power = Decimal(1)
    while True:
        for step in STEPS:
            if step * power * MOST_TICKS >= span:
                return max(step * power, Decimal(1))
        power *= 10


def _axis_number(amount: Decimal) -> int | str:
    """A tick position for Plotly: a whole number of rupees as a JSON number, a fraction (ticks
    2.5 rupees apart) as its exact decimal text."""
    return int(amount) if amount == amount.to_integral_value() else str(amount)


def rupee_axis(values: list[Decimal], *, from_zero: bool) -> dict[str, Any]:
    """A ₹ axis over ``values`` with ticks at round amounts labelled in lakh and crore ("₹50
    lakh", "₹1.5 crore"), computed exactly from the decimals; its range in whole rupees.
    ``from_zero`` starts it at ₹0 and ends it at the first tick at or above the greatest value
    (bars); otherwise it spans the values with a fifth of a step to spare each side, so no point
    sits on the edge."""
    high = max([*values, Decimal(0)])
    low = Decimal(0) if from_zero else min([*values, high])
    step = tick_step(high - low if high > low else max(high, Decimal(1)))
    ticks = [(low / step).to_integral_value(rounding=ROUND_FLOOR) * step]
    while ticks[-1] < high or len(ticks) < 2:
        ticks.append(ticks[-1] + step)
    axis: dict[str, Any] = {
        "tickmode": "array",
        "tickvals": [_axis_number(tick) for tick in ticks],
        "ticktext": [format_lakh_crore(tick, None) for tick in ticks],
        "automargin": True,
    }
    if from_zero:
        return {**axis, "range": [0, _axis_number(ticks[-1])]}
    spare = step / 5
    lower = min(ticks[0], low - spare).to_integral_value(rounding=ROUND_FLOOR)
    # At least two ticks show, even for a single point.
    upper = max(high + spare, ticks[1]).to_integral_value(rounding=ROUND_CEILING)
    return {**axis, "range": [int(lower), int(upper)]}


def wrap(name: str, width: int = 24) -> str:
    """An offer's name on lines of about ``width`` characters (Plotly breaks lines at <br>), so
    that a chart's axis labels fit a phone's screen."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _layout(**extra: Any) -> dict[str, Any]:
    return {
        "margin": {"t": 10, "r": 10, "b": 40, "l": 10},
        "height": 340,
        "font": FONT,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        **extra,
    }


def comparison_figures(view: ComparisonView) -> dict[str, Figure | None]:
    """The figures of one comparison, by name; None where there is nothing to draw."""
    return {
        "tco": _tco_figure(view),
        "cost_quality": _cost_quality_figure(view),
        "awards": _awards_figure(view),
    }


def _tco_figure(view: ComparisonView) -> Figure | None:
    """Cost of the recommended offer by contract year, stacked by component."""
    if not view.awarded or not view.awarded.tco:
        return None
    tco = view.awarded.tco
    years = [_("Year %(year)s") % {"year": y.year} for y in tco.years] + [
        pgettext("contract cost chart", "Exit")
    ]

    def bar(name: str, values: list[Decimal], color: str) -> dict[str, Any]:
        return {
            "type": "bar",
            "name": name,
            "x": years,
            "y": [str(value) for value in values],
            "customdata": [format_inr(value) for value in values],
            "marker": {"color": color},
            "hovertemplate": "%{x}: %{customdata}<extra>" + name + "</extra>",
        }

    stacks = [y.usage_inr + y.one_time_inr + y.tax_inr for y in tco.years]
    return {
        "data": [
            bar(
                pgettext("contract cost chart", "Usage"),
                [y.usage_inr for y in tco.years] + [Decimal(0)],
                NAVY,
            ),
            bar(
                pgettext("contract cost chart", "One-time"),
                [y.one_time_inr for y in tco.years] + [tco.exit_fee_inr],
                ORANGE,
            ),
            bar(
                pgettext("contract cost chart", "Tax"),
                [y.tax_inr for y in tco.years] + [tco.exit_tax_inr],
                GREEN,
            ),
        ],
        "layout": _layout(
            barmode="stack",
            yaxis=rupee_axis([*stacks, tco.exit_fee_inr + tco.exit_tax_inr], from_zero=True),
            legend={"orientation": "h", "y": -0.15},
        ),
    }


def _cost_quality_figure(view: ComparisonView) -> Figure | None:
    """Evaluated cost against certified quality; offers without a quality score are left out."""
    award = view.award.offer_id
    points = [o for row in view.matrix if (o := row.offer).evaluated_cost_inr and o.technical_score]
    if not points:
        return None
    costs = {o.offer_id: o.evaluated_cost_inr or Decimal(0) for o in points}

    def series(
        label: str, chosen: list[engine.OfferResult], symbol: str, color: str, size: int = 11
    ) -> dict[str, Any]:
        return {
            "type": "scatter",
            "mode": "markers",
            "name": label,
            "x": [str(o.evaluated_cost_inr) for o in chosen],
            "y": [str(o.technical_score) for o in chosen],
            "text": [o.name for o in chosen],
            "cliponaxis": False,
            "customdata": [format_inr(costs[o.offer_id], 0) for o in chosen],
            "marker": {
                "symbol": symbol,
                "size": size,
                "color": color,
                "line": {"width": 1.5, "color": "#222"},
            },
            # Plotly fills in %{…}: the offer's name, its cost and its quality score.
            "hovertemplate": _("%(offer)s<br>%(cost)s, quality %(score)s")
            % {"offer": "%{text}", "cost": "%{customdata}", "score": "%{y}"}
            + "<extra>"
            + label
            + "</extra>",
        }

    if view.results.cost_basis == "npv":
        cost_title = _("Evaluated cost (present value, ₹)")
    else:
        cost_title = _("Evaluated cost (nominal, ₹)")
    return {
        "data": [
            series(
                pgettext("chart legend", "Eligible"),
                [o for o in points if o.eligible and o.offer_id != award],
                "circle",
                NAVY,
            ),
            series(
                pgettext("chart legend", "Excluded"),
                [o for o in points if not o.eligible],
                "x",
                RED,
                size=9,
            ),
            # Last, so drawn on top of every other marker, and larger than them.
            series(
                pgettext("chart legend", "Recommended"),
                [o for o in points if o.offer_id == award],
                "star",
                GOLD,
                20,
            ),
        ],
        "layout": _layout(
            xaxis={
                "title": {"text": cost_title},
                **rupee_axis(list(costs.values()), from_zero=False),
            },
            yaxis={
                "title": {"text": _("Certified quality score")},
                "range": [0, 100],
                "automargin": True,
            },
            legend={"orientation": "h", "y": -0.25},
        ),
    }


def _awards_figure(view: ComparisonView) -> Figure | None:
    """How often each offer wins across the sensitivity scenarios."""
    sensitivity = view.results.sensitivity
    if sensitivity is None:
        return None
    frequencies = [f for f in sensitivity.award_frequencies if f.offer_id in view.offers]
    if not frequencies:
        return None
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [str(Decimal(f.share) * 100) for f in frequencies],
                "y": [wrap(view.offers[f.offer_id].name) for f in frequencies],
                "hovertext": [view.offers[f.offer_id].name for f in frequencies],
                "marker": {"color": NAVY},
                # Plotly fills in %{…}: the offer's name and its share of the scenarios.
                "hovertemplate": _("%(offer)s: %(share)s %% of scenarios")
                % {"offer": "%{hovertext}", "share": "%{x:.1f}"}
                + "<extra></extra>",
            }
        ],
        "layout": _layout(
            height=max(240, 60 + 70 * len(frequencies)),
            xaxis={"title": {"text": _("Share of scenarios won (%)")}, "range": [0, 100]},
            yaxis={"automargin": True},
        ),
    }


# The transparency page's figures ---------------------------------------------------------------

BUCKETS = (
    ("domestic_pct", gettext_lazy("Domestic operators in India"), NAVY),
    ("foreign_in_india_pct", gettext_lazy("Foreign operators in India"), ORANGE),
    ("abroad_pct", pgettext_lazy("where inferences run", "Abroad"), RED),
)
PERCENT_AXIS = {
    "range": [0, 100],
    "tickmode": "array",
    "tickvals": [0, 25, 50, 75, 100],
    "ticktext": ["0 %", "25 %", "50 %", "75 %", "100 %"],
    "automargin": True,
}


def count_axis(values: list[Decimal]) -> dict[str, Any]:
    """An axis of counts from zero, ticks at round numbers with Indian digit grouping
    ("10,00,000"), never a d3 format."""
    axis = rupee_axis(values, from_zero=True)
    return {**axis, "ticktext": [format_indian(Decimal(str(v))) for v in axis["tickvals"]]}


def _shown(figure: national.Figure, *keys: str) -> list[dict[str, Any]]:
    """The rows of a figure with a value in each of ``keys`` (suppressed rows are not drawn:
    the table under the chart names them)."""
    return [row for row in figure.rows if all(row.get(key) is not None for key in keys)]


def transparency_figures(
    figures: dict[str, national.Figure], target: ShareTarget | None
) -> dict[str, Figure | None]:
    """The public dashboard's charts by figure name; None where nothing can be drawn."""
    drawn: dict[str, Figure | None] = {
        "trend": _trend_figure(figures["trend"], target),
        "spending": _spending_figure(figures["spending"]),
        "usage": _usage_figure(figures["usage"]),
    }
    for name in ("by-sector", "by-use-case", "by-buyer-type", "by-ministry"):
        drawn[name] = _buckets_figure(figures[name])
    return drawn


def _trend_figure(figure: national.Figure, target: ShareTarget | None) -> Figure | None:
    """The cumulative domestic share by quarter, toward the target line (which ends at the
    target's date)."""
    rows = _shown(figure, "domestic_pct")
    if not rows:
        return None
    quarters = [row["quarter"] for row in figure.rows]
    if target is not None:
        quarters = national.quarters_between(
            national.quarter_bounds(quarters[0])[0], max(target.by_date, _day(quarters[-1]))
        )
    labels_ = [national.quarter_label(q) for q in quarters]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "fill": "tozeroy",
            "name": _("Share on domestic operators in India"),
            "x": [national.quarter_label(row["quarter"]) for row in rows],
            "y": [str(row["domestic_pct"]) for row in rows],
            "customdata": [format_pct(row["domestic_pct"]) for row in rows],
            "line": {"color": NAVY},
            "hovertemplate": "%{x}: %{customdata}<extra></extra>",
        }
    ]
    if target is not None:
        end = national.quarter_label(national.quarter_of(target.by_date))
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Target: %(share)s by %(date)s")
                % {
                    "share": format_pct(target.target_pct),
                    "date": date_format(target.by_date, "d M Y"),
                },
                "x": [labels_[0], end],
                "y": [str(target.target_pct), str(target.target_pct)],
                "customdata": [format_pct(target.target_pct)] * 2,
                "line": {"color": GREEN, "dash": "dash", "width": 3},
                # Plotly fills in %{customdata}: the target share.
                "hovertemplate": _("Target: %(share)s") % {"share": "%{customdata}"}
                + "<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": _layout(
            xaxis={"type": "category", "categoryarray": labels_, "automargin": True},
            yaxis={"title": {"text": _("Share of inferences (%)")}, **PERCENT_AXIS},
            legend={"orientation": "h", "y": -0.25},
        ),
    }


def _day(quarter: str) -> dt.date:
    return national.quarter_bounds(quarter)[0]


def _buckets_figure(figure: national.Figure) -> Figure | None:
    """Each key's share of inferences by where they run, as horizontal bars stacked to 100 %."""
    rows = _shown(figure, "domestic_pct")
    if not rows:
        return None
    names = [wrap(row["label"]) for row in rows]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": str(name),
                "y": names,
                "x": [str(row[key]) for row in rows],
                "customdata": [format_pct(row[key]) for row in rows],
                "marker": {"color": color},
                "hovertemplate": "%{y}: %{customdata}<extra>" + str(name) + "</extra>",
            }
            for key, name, color in BUCKETS
        ],
        "layout": _layout(
            barmode="stack",
            height=max(240, 90 + 48 * len(rows)),
            xaxis={"title": {"text": _("Share of inferences (%)")}, **PERCENT_AXIS},
            yaxis={"automargin": True, "autorange": "reversed"},
            legend={"orientation": "h", "y": -0.3},
        ),
    }


def _spending_figure(figure: national.Figure) -> Figure | None:
    """Rupees committed and premium paid by the awards of each quarter."""
    rows = _shown(figure, "committed_inr", "premium_paid_inr")
    if not rows:
        return None
    x = [row["label"] for row in rows]

    def bar(key: str, name: str, color: str) -> dict[str, Any]:
        return {
            "type": "bar",
            "name": name,
            "x": x,
            "y": [str(row[key]) for row in rows],
            "customdata": [format_lakh_crore(row[key]) for row in rows],
            "marker": {"color": color},
            "hovertemplate": "%{x}: %{customdata}<extra>" + name + "</extra>",
        }

    amounts = [row[key] for row in rows for key in ("committed_inr", "premium_paid_inr")]
    return {
        "data": [
            bar("committed_inr", _("Rupees committed (nominal)"), NAVY),
            bar("premium_paid_inr", _("Premium paid for the domestic shift"), ORANGE),
        ],
        "layout": _layout(
            barmode="group",
            xaxis={"type": "category", "automargin": True},
            yaxis=rupee_axis(amounts, from_zero=True),
            legend={"orientation": "h", "y": -0.25},
        ),
    }


def _usage_figure(figure: national.Figure) -> Figure | None:
    """Requests projected and reported, by quarter served."""
    rows = _shown(figure, "projected_requests", "actual_requests")
    if not rows:
        return None
    x = [row["label"] for row in rows]

    def bar(key: str, name: str, color: str) -> dict[str, Any]:
        return {
            "type": "bar",
            "name": name,
            "x": x,
            "y": [row[key] for row in rows],
            "customdata": [format_count(row[key]) for row in rows],
            "marker": {"color": color},
            # Plotly fills in %{…}: the quarter and the number of requests.
            "hovertemplate": _("%(quarter)s: %(count)s requests")
            % {"quarter": "%{x}", "count": "%{customdata}"}
            + "<extra>"
            + name
            + "</extra>",
        }

    counts = [
        Decimal(row[key]) for row in rows for key in ("projected_requests", "actual_requests")
    ]
    return {
        "data": [
            bar("projected_requests", pgettext("requests chart", "Projected"), NAVY),
            bar("actual_requests", pgettext("requests chart", "Reported"), GREEN),
        ],
        "layout": _layout(
            barmode="group",
            xaxis={"type": "category", "automargin": True},
            yaxis={"title": {"text": pgettext("requests chart", "Requests")}, **count_axis(counts)},
            legend={"orientation": "h", "y": -0.25},
        ),
    }
