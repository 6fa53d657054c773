"""Benchmark: the justification PDF, in Hindi and English, for a comparison of 25 offers.

Prints the time to render the whole document (context, charts exported by kaleido, template,
WeasyPrint), the time WeasyPrint alone takes on the same HTML, their ratio (goal ≤ 1.3), and the
time per chart export with a warm kaleido server (and the browser's start-up once). It builds a
throwaway SQLite database with the demo catalogue cut to 25 offerings; nothing else is touched.

    .venv/bin/python benchmarks/pdf.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(data_dir: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "DJANGO_DATA_DIR": data_dir,
            "SNAPSHOT_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        }
    )
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)


def delete_with_dependents(rows) -> None:
    """Delete ``rows`` of the throwaway database and, first, the demo's community records that
    protect them (evaluations, measurements and their reviews)."""
    from django.db.models import ProtectedError

    while True:
        try:
            rows.delete()
            return
        except ProtectedError as error:
            for record in error.protected_objects:
                delete_with_dependents(type(record).objects.filter(pk=record.pk))


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        setup(data_dir)
        from django.contrib.auth import get_user_model

        from procurement import charts, selectors, services
        from procurement.documents import jobs
        from procurement.documents.charts import export_svgs
        from procurement.documents.pdf import render_pdf
        from procurement.models import JustificationDocument
        from procurement.presenters import comparison_view
        from providers.models import Offering
        from tests.conftest import workload_values

        # 25 offerings, among them the ones a citizen helpline can award, so that every chart
        # and table has content.
        eligible = [
            "sarvam-105b-sovereign-cloud",
            "tata-vayu-h100-llama-3-3-70b",
            "azure-openai-gpt-4o-south-india",
        ]
        others = Offering.objects.exclude(slug__in=eligible).order_by("slug")
        keep = eligible + list(others.values_list("slug", flat=True)[: 25 - len(eligible)])
        delete_with_dependents(Offering.objects.exclude(slug__in=keep))
        officer = get_user_model().objects.get(username="health-officer")
        workload = services.workload_create(
            user=officer, values=workload_values(global_tender_approved=True)
        )
        comparison = services.comparison_run(
            user=officer, workload=workload, decision_date=dt.date(2026, 11, 26)
        )
        view = comparison_view(selectors.comparison_results(comparison))
        figures = [figure for figure in charts.comparison_figures(view).values() if figure]
        start = time.perf_counter()
        export_svgs(figures[:1])  # cold: starts this process's browser
        first_export = time.perf_counter() - start
        one_by_one, _ = timed(lambda: [export_svgs([f]) for f in figures], args.repeat)
        together, _ = timed(lambda: export_svgs(figures), args.repeat)

        # Celery runs eagerly here, so the request renders once (the warm-up).
        document = services.document_request(user=officer, comparison=comparison)
        document = JustificationDocument.objects.get(pk=document.pk)
        assert document.status == JustificationDocument.Status.READY, document.error
        full, pdf = timed(lambda: jobs.document_pdf(document), args.repeat)
        html, attachments = jobs.document_html(document)
        weasy, _ = timed(lambda: render_pdf(html, attachments=attachments), args.repeat)

    offers = comparison.offer_count
    print(
        f"Justification (Hindi and English) of a comparison of {offers} offers, "
        f"median of {args.repeat} runs:"
    )
    print(
        f"  whole document (context, {len(figures)} charts, template, WeasyPrint): {full:.3f} s, "
        f"{len(pdf):,} bytes"
    )
    print(f"  WeasyPrint alone on the same HTML:                        {weasy:.3f} s")
    print(f"  ratio: {full / weasy:.2f} (goal ≤ 1.3)")
    print(
        f"  chart export, warm browser: {one_by_one / len(figures) * 1000:.0f} ms per chart one at "
        f"a time; all {len(figures)} in parallel tabs {together * 1000:.0f} ms; first export with "
        f"the browser's start-up {first_export:.2f} s"
    )


if __name__ == "__main__":
    main()
