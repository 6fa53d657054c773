"""The comparison's charts as Plotly figures, built once and drawn twice: by plotly.js on the
comparison page and, as SVG (``procurement.documents.charts``), in the justification PDF.

Figures are plain dicts in Plotly's JSON format. Amounts go in as the exact decimal text of the
engine's results; plotly.js reads numeric strings as numbers, so nothing here rounds money.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from procurement import engine
from procurement.presenters import ComparisonView

Figure = dict[str, Any]
NAVY, ORANGE, GREEN, RED, GOLD = "#0d3b66", "#f4a259", "#8cb369", "#c1121f", "#f4d35e"
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 12}
RUPEES = {"tickprefix": "₹", "separatethousands": True, "automargin": True}


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
            "marker": {"color": color},
            "hovertemplate": "%{x}: ₹%{y:,.2f}<extra>" + name + "</extra>",
        }

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
        "layout": _layout(barmode="stack", yaxis=RUPEES, legend={"orientation": "h", "y": -0.15}),
    }


def _cost_quality_figure(view: ComparisonView) -> Figure | None:
    """Evaluated cost against certified quality; offers without a quality score are left out."""
    award = view.award.offer_id
    points = [o for row in view.matrix if (o := row.offer).evaluated_cost_inr and o.technical_score]
    if not points:
        return None

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
            "marker": {
                "symbol": symbol,
                "size": size,
                "color": color,
                "line": {"width": 1.5, "color": "#222"},
            },
            "hovertemplate": "%{text}<br>₹%{x:,.0f}, quality %{y}<extra>" + label + "</extra>",
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
            xaxis={"title": {"text": f"Evaluated cost ({basis}, ₹)"}, **RUPEES},
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
