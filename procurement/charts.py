"""The comparison's charts as Plotly figures, built once and drawn twice: by plotly.js on the
comparison page and, as SVG exported by kaleido, in the justification PDF.

Figures are plain dicts in Plotly's JSON format. Amounts go in as the exact decimal strings of
the snapshot; plotly.js reads numeric strings as numbers, so nothing here rounds money.

Export keeps one kaleido browser (a headless Debian Chromium) per process, started on first
use, with plotly.js from our own static files and MathJax off, so exporting never reaches the
network. A Celery worker process therefore pays the browser start-up once, not per chart, and a
document's charts are rendered in parallel tabs.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
from pathlib import Path
from typing import Any

from django.conf import settings

from procurement.presenters import ComparisonView

Figure = dict[str, Any]
PLOTLY_JS = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly" / "plotly-basic.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
NAVY, ORANGE, GREEN, RED, GOLD = "#0d3b66", "#f4a259", "#8cb369", "#c1121f", "#f4d35e"
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 12}
RUPEES = {"tickprefix": "₹", "separatethousands": True, "automargin": True}


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
    if not view.awarded or not view.awarded["tco"]:
        return None
    tco = view.awarded["tco"]
    years = [f"Year {y['year']}" for y in tco["years"]] + ["Exit"]

    def bar(name: str, values: list[str], color: str) -> dict[str, Any]:
        return {
            "type": "bar",
            "name": name,
            "x": years,
            "y": values,
            "marker": {"color": color},
            "hovertemplate": "%{x}: ₹%{y:,.2f}<extra>" + name + "</extra>",
        }

    return {
        "data": [
            bar("Usage", [y["usage_inr"] for y in tco["years"]] + ["0"], NAVY),
            bar(
                "One-time",
                [y["one_time_inr"] for y in tco["years"]] + [tco["exit_fee_inr"]],
                ORANGE,
            ),
            bar("Tax", [y["tax_inr"] for y in tco["years"]] + [tco["exit_tax_inr"]], GREEN),
        ],
        "layout": _layout(barmode="stack", yaxis=RUPEES, legend={"orientation": "h", "y": -0.15}),
    }


def _cost_quality_figure(view: ComparisonView) -> Figure | None:
    """Evaluated cost against certified quality; offers without a quality score are left out."""
    award = view.award["offer_id"]
    points = [
        o for row in view.matrix if (o := row.offer)["evaluated_cost_inr"] and o["technical_score"]
    ]
    if not points:
        return None

    def series(label: str, chosen: list[dict[str, Any]], symbol: str, color: str) -> dict[str, Any]:
        return {
            "type": "scatter",
            "mode": "markers",
            "name": label,
            "x": [o["evaluated_cost_inr"] for o in chosen],
            "y": [o["technical_score"] for o in chosen],
            "text": [o["name"] for o in chosen],
            "marker": {
                "symbol": symbol,
                "size": 11,
                "color": color,
                "line": {"width": 1, "color": "#222"},
            },
            "hovertemplate": "%{text}<br>₹%{x:,.0f}, quality %{y}<extra>" + label + "</extra>",
        }

    basis = view.results["cost_basis"].upper()
    return {
        "data": [
            series(
                "Eligible",
                [o for o in points if o["eligible"] and o["offer_id"] != award],
                "circle",
                NAVY,
            ),
            series("Excluded", [o for o in points if not o["eligible"]], "x", RED),
            series("Recommended", [o for o in points if o["offer_id"] == award], "star", GOLD),
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
    sensitivity = view.results.get("sensitivity") or {}
    frequencies = [
        f for f in sensitivity.get("award_frequencies", []) if f["offer_id"] in view.offers
    ]
    if not frequencies:
        return None
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [str(float(f["share"]) * 100) for f in frequencies],
                "y": [f["offer_id"] for f in frequencies],
                "text": [view.offers[f["offer_id"]]["name"] for f in frequencies],
                "marker": {"color": NAVY},
                "hovertemplate": "%{text}: %{x:.1f} % of scenarios<extra></extra>",
            }
        ],
        "layout": _layout(
            height=240,
            xaxis={"title": {"text": "Share of scenarios won (%)"}, "range": [0, 100]},
            yaxis={"automargin": True},
        ),
    }


class ChartExporter:
    """A kaleido browser kept open for this process, exporting figures in parallel tabs.

    kaleido's own sync server renders one figure at a time; this one keeps an event loop in a
    thread and submits every figure of a document at once, one tab each.
    """

    TABS = 3

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True, name="kaleido").start()
        self._kaleido = self._run(self._open())
        atexit.register(self.close)

    async def _open(self) -> Any:
        import kaleido

        browser = kaleido.Kaleido(
            n=self.TABS, plotlyjs=str(PLOTLY_JS), mathjax=False, path=CHROMIUM
        )
        await browser.open()
        return browser

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def export_svgs(self, figures: list[tuple[Figure, dict[str, Any]]]) -> list[bytes]:
        async def export_all() -> list[bytes]:
            return await asyncio.gather(
                *(self._kaleido.calc_fig(figure, opts=opts) for figure, opts in figures)
            )

        return self._run(export_all())

    def close(self) -> None:
        if self._loop.is_running():
            self._run(self._kaleido.close())
            self._loop.call_soon_threadsafe(self._loop.stop)


_exporter: ChartExporter | None = None
_exporter_lock = threading.Lock()


def exporter() -> ChartExporter:
    """This process's exporter, started on first use (so each worker process has its own)."""
    global _exporter
    with _exporter_lock:
        if _exporter is None:
            _exporter = ChartExporter()
        return _exporter


def export_svgs(figures: list[Figure], *, width: int = 720) -> list[bytes]:
    """The figures as SVG, rendered in parallel by this process's browser."""
    jobs = [
        (figure, {"format": "svg", "width": width, "height": figure["layout"].get("height", 340)})
        for figure in figures
    ]
    return exporter().export_svgs(jobs) if jobs else []
