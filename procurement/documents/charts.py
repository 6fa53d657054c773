"""The comparison's charts as SVG for the justification PDF, drawn by kaleido.

Export keeps one kaleido browser (a headless Debian Chromium) per process, started on first
use, with plotly.js from our own static files and MathJax off, so exporting never reaches the
network. A Celery worker process therefore pays the browser start-up once, not per chart, and a
document's charts are rendered in parallel tabs.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from pathlib import Path
from typing import Any

from django.conf import settings

from procurement.charts import Figure

PLOTLY_JS = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly" / "plotly-basic.min.js"


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
            n=self.TABS, plotlyjs=str(PLOTLY_JS), mathjax=False, path=settings.CHROMIUM_PATH
        )
        await browser.open()
        return browser

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def export_svgs(self, figures: list[tuple[Figure, dict[str, Any]]]) -> list[bytes]:
        async def export_all() -> list[bytes]:
            svgs: list[bytes] = await asyncio.gather(
                *(self._kaleido.calc_fig(figure, opts=opts) for figure, opts in figures)
            )
            return svgs

        svgs: list[bytes] = self._run(export_all())
        return svgs

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
    if not jobs:
        return []
    return exporter().export_svgs(jobs)
