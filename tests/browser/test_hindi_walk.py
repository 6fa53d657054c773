"""An officer and an approver do their day's work in Hindi, in a real Chromium: the workload,
the comparison, the bilingual justification, the proposal and its approval.

The comparison page and the justification's first two pages are saved as PNG files in
``$HINDI_SCREENSHOTS`` (docs/screenshots/ when the README's screenshots are refreshed; a
temporary directory otherwise). The justification's text, read back with pypdf, carries the
same figures as the comparison page shows in English.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pypdfium2
import pytest
from django.test import Client
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from procurement.documents import jobs
from procurement.models import Decision, JustificationDocument
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DEVANAGARI = re.compile(r"[\u0900-\u097F]")
RUPEES = re.compile(r"₹[\d,]+\.\d\d")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("HINDI_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def switch_to_hindi(page: Page) -> None:
    page.get_by_test_id("language-switch").get_by_role("button", name="हिंदी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")


def sign_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    switch_to_hindi(page)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")


def submit(page: Page, action: str) -> None:
    page.locator(f"main form[action$='{action}'] button[type=submit]").first.click()


def test_an_officer_and_an_approver_in_hindi(
    page: Page, live_server, alice, bob, policy_pack, demo_catalogue, shots
):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, "alice")

    page.goto(f"{live_server.url}/workloads/new/")
    expect(page.locator("h1")).to_contain_text(DEVANAGARI)
    page.locator("input[name=title]").fill("नागरिक हेल्पलाइन")
    page.locator("select[name=use_case]").select_option("citizen_services")
    page.locator("input[name=languages][value=hi]").check()
    page.locator("input[name=languages][value=en]").check()
    page.locator("input[name=requests_per_day]").fill("50000")
    page.locator("input[name=mean_input_tokens]").fill("800")
    page.locator("input[name=mean_output_tokens]").fill("300")
    page.locator("input[name=peak_to_average]").fill("3")
    page.locator("input[name=max_p95_latency_ms]").fill("3000")
    page.locator("input[name=data_classification][value=personal]").check()
    page.locator("input[name=term_years]").fill("3")
    page.locator("input[name=start_date]").fill("2027-01-01")
    page.locator("main form:not([action]) button[type=submit]").click()
    expect(page.get_by_role("heading", name="नागरिक हेल्पलाइन")).to_be_visible()

    submit(page, "/compare/")
    recommended = page.get_by_test_id("recommended")
    expect(recommended).to_contain_text(DEVANAGARI)
    expect(page.locator("#chart-tco .main-svg").first).to_be_attached()
    page.screenshot(path=str(shots / "comparison-hi.png"))
    comparison_url = page.url
    hindi_figures = RUPEES.findall(page.get_by_test_id("tco").inner_text())

    submit(page, "/documents/")
    document = JustificationDocument.objects.get()
    assert document.language == "hi-en"
    jobs.document_render(str(document.pk))
    page.reload()
    download = page.get_by_test_id("download")
    expect(download).to_be_visible()
    pdf = page.context.request.get(live_server.url + download.get_attribute("href")).body()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert DEVANAGARI.search(text) and "Note for approval" in text
    rendered = pypdfium2.PdfDocument(pdf)
    for index in range(2):
        rendered[index].render(scale=1.5).to_pil().save(shots / f"justification-hi-{index + 1}.png")

    page.goto(comparison_url)
    submit(page, "/propose/")
    decision = Decision.objects.get()
    expect(page.get_by_test_id("decision-status")).to_contain_text(DEVANAGARI)

    page.context.clear_cookies()
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/decisions/{decision.pk}/")
    page.locator("textarea[name=note]").fill("जाँच की गई।")
    page.locator("main button[formaction$='/approve/']").click()
    expect(page.get_by_test_id("decision-status")).to_contain_text(DEVANAGARI)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.APPROVED and decision.decided_by == bob

    # The comparison page in English shows the figures the Hindi page and the PDF show.
    english = Client()
    english.force_login(alice)
    english.post("/language/", {"language": "en", "next": "/"})
    html = english.get(comparison_url.removeprefix(live_server.url)).content.decode()
    assert '<html lang="en">' in html
    shown = re.search(r'data-testid="tco">(.*?)</li>', html, re.DOTALL)
    english_figures = RUPEES.findall(shown.group(1))
    assert english_figures and english_figures == hindi_figures
    for amount in english_figures:
        assert amount in text, amount
