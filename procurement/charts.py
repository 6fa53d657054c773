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

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from procurement import engine
from procurement.engine.numbers import format_inr, format_lakh_crore
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
    years = [f"Year {y.year}" for y in tco.years] + ["Exit"]

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
            bar("Usage", [y.usage_inr for y in tco.years] + [Decimal(0)], NAVY),
            bar(
                "One-time",
                [y.one_time_inr for y in tco.years] + [tco.exit_fee_inr],
                ORANGE,
            ),
            bar("Tax", [y.tax_inr for y in tco.years] + [tco.exit_tax_inr], GREEN),
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
            "hovertemplate": "%{text}<br>%{customdata}, quality %{y}<extra>" + label + "</extra>",
        }

    basis = "present value" if view.results.cost_basis == "npv" else "nominal"
    return {
        "data": [
            series(
                "Eligible",
                [o for o in points if o.eligible and o.offer_id != award],
                "circle",
                NAVY,
            ),
            series("Excluded", [o for o in points if not o.eligible], "x", RED, size=9),
            # Last, so drawn on top of every other marker, and larger than them.
            series("Recommended", [o for o in points if o.offer_id == award], "star", GOLD, 20),
        ],
        "layout": _layout(
            xaxis={
                "title": {"text": f"Evaluated cost ({basis}, ₹)"},
                **rupee_axis(list(costs.values()), from_zero=False),
            },
            yaxis={
                "title": {"text": "Certified quality score"},
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
                "hovertemplate": "%{hovertext}: %{x:.1f} % of scenarios<extra></extra>",
            }
        ],
        "layout": _layout(
            height=max(240, 60 + 70 * len(frequencies)),
            xaxis={"title": {"text": "Share of scenarios won (%)"}, "range": [0, 100]},
            yaxis={"automargin": True},
        ),
    }
