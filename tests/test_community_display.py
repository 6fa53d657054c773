"""What the community publishes, shown where officers decide: practitioners' measurements on the
offer's page, domain experts' accepted notes on the comparison page and in the file note."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from procurement import community, labels, services
from procurement.community import DomainNoteValues, MeasurementValues
from procurement.documents import jobs
from procurement.models import Contributor, JustificationDocument
from procurement.roles import CATALOGUE_STEWARDS, DOMAIN_EXPERTS, PRACTITIONERS
from providers.models import Offering
from tests.community import OFFER, evidence, person
from tests.conftest import workload_values

pytestmark = pytest.mark.django_db

SOURCE = "https://example.org/dpdp-health"


def contributor(username: str, role: str, name: str, affiliation: str):
    user = person(username, role)
    first, last = name.split(" ", 1)
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    Contributor.objects.create(user=user, affiliation=affiliation)
    return user


@pytest.fixture
def practitioner(db):
    return contributor("practitioner", PRACTITIONERS, "Meera Iyer", "State Health Mission, Kerala")


@pytest.fixture
def expert(db):
    return contributor("expert", DOMAIN_EXPERTS, "Arjun Rao", "National Law School, Bengaluru")


@pytest.fixture
def steward(db):
    return person("steward", CATALOGUE_STEWARDS)


def measure(user, offering, *, is_demo: bool = False, **values):
    today = timezone.localdate()
    data = {
        "offering": offering,
        "period_start": today - dt.timedelta(days=30),
        "period_end": today - dt.timedelta(days=1),
        "requests": 15_00_000,
        "p50_latency_ms": None,
        "p95_latency_ms": None,
        "tokens_per_second": None,
        "availability_pct": None,
        "observed_inr_per_mtok": None,
        "method": "Timed at our gateway.",
    }
    return community.measurement_submit(
        user=user, values=MeasurementValues(**(data | values)), evidence=evidence(), is_demo=is_demo
    )


def note(user, *, use_case: str = "citizen_services", title: str, is_demo: bool = False):
    return community.domain_note_submit(
        user=user,
        values=DomainNoteValues(
            use_case=use_case,
            rule="RESIDENCY",
            title=title,
            body="Grievances carry health and caste details; keep them in India.",
            sources=[{"title": "DPDP Act 2023, section 8", "url": SOURCE}],
        ),
        is_demo=is_demo,
    )


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


def summary_row(html: str, label: str) -> list[str]:
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html)
    assert row, label
    return re.findall(r"<td>(.*?)</td>", row.group(1))


def test_the_offer_page_shows_the_spread_of_what_practitioners_measured(
    client, demo_catalogue, practitioner, steward
):
    offering = Offering.objects.get(slug=OFFER)
    promoted = measure(
        practitioner,
        offering,
        p50_latency_ms=100,
        p95_latency_ms=200,
        observed_inr_per_mtok=Decimal("1234567.50"),
        method="Promoted: timed at the state gateway.",
    )
    measure(practitioner, offering, p50_latency_ms=150, p95_latency_ms=900)
    measure(
        practitioner,
        offering,
        p95_latency_ms=400,
        tokens_per_second=Decimal("12345.5"),
        availability_pct=Decimal("99.950"),
    )
    withdrawn = measure(
        practitioner, offering, p95_latency_ms=7777, method="Withdrawn: a faulty load test."
    )
    community.submission_review(user=steward, submission=promoted, accept=True)
    community.submission_review(
        user=steward, submission=withdrawn, accept=False, reasons="The load test was faulty."
    )

    html = client.get(reverse("catalogue:offering_detail", args=[OFFER])).content.decode()
    shown = section(html, "community-measurements")

    assert "3 measurements published and not withdrawn." in shown
    assert "No rule of a comparison uses them unless a catalogue steward promotes" in shown
    assert summary_row(shown, "p95 latency") == ["3", "400 ms", "200–900 ms"]
    assert summary_row(shown, "Median latency (p50)") == ["2", "125 ms", "100–150 ms"]
    assert summary_row(shown, "Output tokens a second") == ["1", "12,345.5", "12,345.5–12,345.5"]
    assert summary_row(shown, "Price paid per 10 lakh tokens")[1] == "₹12,34,567.50"
    assert "15,00,000" in shown  # requests, grouped the Indian way
    assert "Meera Iyer, State Health Mission, Kerala" in shown
    assert shown.count("Promoted to the catalogue") == 1
    assert reverse("community_measurement_evidence", args=[promoted.pk]) in shown
    assert "Withdrawn: a faulty load test." not in shown and "7,777" not in shown
    assert reverse("community_measurement_evidence", args=[withdrawn.pk]) not in shown


def test_a_demo_measurement_is_marked_demo_on_the_offer_page(client, demo_catalogue, practitioner):
    offering = Offering.objects.get(slug=OFFER)
    measure(practitioner, offering, p95_latency_ms=300, method="A real measurement.")
    measure(practitioner, offering, p95_latency_ms=500, method="An invented one.", is_demo=True)

    shown = section(
        client.get(reverse("catalogue:offering_detail", args=[OFFER])).content.decode(),
        "community-measurements",
    )

    rows = re.findall(r"<tr>\s*<td><a href=.*?</tr>", shown, re.S)
    assert len(rows) == 2
    (demo,) = [row for row in rows if "An invented one." in row]
    (real,) = [row for row in rows if "A real measurement." in row]
    assert "demo data" in demo and "demo data" not in real


def test_an_offer_nobody_measured_says_so(client, demo_catalogue):
    shown = section(
        client.get(reverse("catalogue:offering_detail", args=[OFFER])).content.decode(),
        "community-measurements",
    )
    assert "No practitioner has reported a measurement of this offer." in shown


def test_the_comparison_page_shows_only_accepted_notes_on_its_use_case(
    client, alice, comparison, expert, steward
):
    accepted = note(expert, title="Grievance data must stay in India", is_demo=True)
    community.submission_review(user=steward, submission=accepted, accept=True)
    note(expert, title="A note awaiting review")
    returned = note(expert, title="A returned note")
    community.submission_review(
        user=steward, submission=returned, accept=False, reasons="Cite the rule's text."
    )
    other = note(expert, use_case="health", title="A note on health records")
    community.submission_review(user=steward, submission=other, accept=True)

    client.force_login(alice)
    html = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    shown = section(html, "expert-notes")

    assert "Why this use case may need domestic inference — domain experts' notes" in shown
    assert "Grievance data must stay in India" in shown
    assert "Arjun Rao, National Law School, Bengaluru" in shown
    assert labels.rule("RESIDENCY") in shown
    assert f'href="{SOURCE}"' in shown
    assert f"accepted {timezone.localdate():%-d %b %Y}" in shown
    assert "demo data" in shown
    for hidden in ("A note awaiting review", "A returned note", "A note on health records"):
        assert hidden not in html, hidden


def test_the_notes_follow_the_use_case_the_comparison_ran_for_not_a_later_edit(
    client, alice, comparison, workload, expert, steward
):
    services.workload_update(
        user=alice, workload=workload, values=workload_values(use_case="health")
    )
    for use_case, title in (("citizen_services", "As compared"), ("health", "As edited since")):
        accepted = note(expert, use_case=use_case, title=title)
        community.submission_review(user=steward, submission=accepted, accept=True)

    client.force_login(alice)
    html = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()

    assert "As compared" in section(html, "expert-notes")
    assert "As edited since" not in html


def test_a_comparison_without_notes_shows_no_notes_section(client, alice, comparison):
    client.force_login(alice)
    html = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    assert 'data-testid="expert-notes"' not in html


def rendered(user, comparison, django_capture_on_commit_callbacks, before_rendering=None):
    with django_capture_on_commit_callbacks(execute=False):
        document = services.document_request(user=user, comparison=comparison)
    if before_rendering:
        before_rendering()
    jobs.document_render(str(document.pk))
    document.refresh_from_db()
    assert document.status == JustificationDocument.Status.READY, document.error
    pages = PdfReader(BytesIO(bytes(document.pdf))).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_file_note_quotes_the_accepted_notes_on_its_use_case(
    alice, comparison, expert, steward, django_capture_on_commit_callbacks
):
    accepted = note(expert, title="Grievance data must stay in India")
    community.submission_review(user=steward, submission=accepted, accept=True)
    note(expert, title="A note awaiting review")

    text = rendered(alice, comparison, django_capture_on_commit_callbacks)

    assert "domain experts' notes" in text
    assert "Grievance data must stay in India" in text
    assert "Grievances carry health and caste details; keep them in India." in text
    assert "Arjun Rao, National Law School, Bengaluru" in text
    assert SOURCE in text
    assert "A note awaiting review" not in text


def test_the_file_note_quotes_only_notes_accepted_when_it_was_requested(
    alice, comparison, expert, steward, django_capture_on_commit_callbacks
):
    early = note(expert, title="Accepted before the request")
    community.submission_review(user=steward, submission=early, accept=True)
    late = note(expert, title="Accepted after the request")

    text = rendered(
        alice,
        comparison,
        django_capture_on_commit_callbacks,
        before_rendering=lambda: community.submission_review(
            user=steward, submission=late, accept=True
        ),
    )

    assert "Accepted before the request" in text
    assert "Accepted after the request" not in text
