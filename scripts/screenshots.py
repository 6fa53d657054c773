"""The README's screenshots: ``.venv/bin/python scripts/screenshots.py`` (after ``make static``).

Builds what an officer sees on the demo data: a throwaway SQLite database with the demo loaded
(``load_demo``), the workload of ``benchmarks/api.py`` compared by the demo health officer, and its
file note rendered (the worker's code path, in this process). Then serves the app with gunicorn
under production settings (DEBUG off) and, in Debian's Chromium, signs in as that officer and
takes the comparison page's first screen at desktop (1366 px) and phone (390 px) widths. The
file note's first two pages are drawn with PDFium (pypdfium2, a development requirement). Writes
PNG files under docs/screenshots/ and prints their paths.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.api import free_port, gunicorn, production_env, throwaway_database  # noqa: E402
from benchmarks.page_weight import CHROMIUM, CHROMIUM_ARGS, signed_in  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
PDF_PAGES = 2
PDF_SCALE = 1.5  # 108 dpi: readable, and a few hundred KB a page


def prepare() -> tuple[int, bytes]:
    """The demo comparison's id and its rendered file note."""
    from benchmarks.api import prepare as api_prepare

    _, comparison_id = api_prepare()
    from procurement import services
    from procurement.documents import jobs
    from procurement.models import Comparison, JustificationDocument

    comparison = Comparison.objects.get(pk=comparison_id)
    document = services.document_request(user=comparison.created_by, comparison=comparison)
    jobs.document_render(str(document.pk))
    document = JustificationDocument.objects.get(pk=document.pk)
    if document.status != JustificationDocument.Status.READY:
        raise SystemExit(f"the file note was not rendered: {document.failure}")
    return comparison_id, bytes(document.pdf)


def page_shots(base: str, path: str, password: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        state = signed_in(browser, base, password)
        for name, (width, height) in VIEWPORTS.items():
            viewport = {"width": width, "height": height}
            context = browser.new_context(viewport=viewport, storage_state=state)
            page = context.new_page()
            page.goto(f"{base}{path}", wait_until="networkidle")
            page.locator("#chart-tco .main-svg").first.wait_for(state="attached")
            target = OUT / f"comparison-{name}.png"
            page.screenshot(path=str(target))
            written.append(target)
            context.close()
        browser.close()
    return written


def pdf_shots(pdf: bytes) -> list[Path]:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    written = []
    for index in range(min(PDF_PAGES, len(document))):
        target = OUT / f"file-note-page-{index + 1}.png"
        document[index].render(scale=PDF_SCALE).to_pil().save(target, optimize=True)
        written.append(target)
    return written


def main() -> None:
    env = production_env()
    env.pop("REDIS_URL", None)  # Celery eager: nothing here needs a broker
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as data_dir,
        throwaway_database(None, Path(data_dir)) as database,
    ):
        env.update(database)
        os.environ.clear()
        os.environ.update(env)
        comparison, pdf = prepare()
        from django.db import connections

        from procurement.management.commands.load_demo import DEMO_PASSWORD

        connections.close_all()
        written = pdf_shots(pdf)
        port = free_port()
        with gunicorn(port, env):
            written += page_shots(
                f"http://127.0.0.1:{port}", f"/comparisons/{comparison}/", DEMO_PASSWORD
            )
    for path in written:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
