"""What awarded contracts actually served: usage reports by the API and by CSV upload, all or
nothing, corrections as new rows, the awards page, and the hand-off to the dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procurement import national, services, summary, usage
from procurement.models import AuditEvent, UsageReport
from procurement.roles import APPROVER, OFFICER
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CURRENT = national.quarter_of(TODAY)


def back(quarter: str, count: int) -> str:
    for _ in range(count):
        quarter = national.previous_quarter(quarter)
    return quarter


NEXT = national.quarter_of(national.quarter_bounds(CURRENT)[1])
LAST, BEFORE_LAST = back(CURRENT, 1), back(CURRENT, 2)
# Contracts begin four quarters before the current one and run for two years.
FIRST = back(CURRENT, 4)
START = national.quarter_bounds(FIRST)[0]
BEFORE_CONTRACT = back(CURRENT, 5)
HEADER = "award,quarter,requests,input_tokens,output_tokens,invoiced_inr,note\r\n"


def person(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def awards(award_factory):
    """Health's approved award and its proposed one; revenue's approved award."""
    return {
        "health": award_factory("health", sector="health", start_date=START, term_years=2),
        "proposed": award_factory(
            "health", sector="health", status="proposed", start_date=START, term_years=2
        ),
        "revenue": award_factory("revenue", sector="finance", start_date=START, term_years=2),
    }


def report(decision, quarter: str, requests: int = 1000, note: str = "", user=None):
    return services.usage_report(
        user=user or person(f"{decision.department.slug}-officer"),
        decision=decision,
        quarter=quarter,
        requests=requests,
        input_tokens=requests * 800,
        output_tokens=requests * 300,
        invoiced_inr=Decimal("1250.50"),
        note=note,
        source=UsageReport.Source.API,
    )


def state() -> tuple[int, int]:
    return UsageReport.objects.count(), AuditEvent.objects.count()


# The service ------------------------------------------------------------------------------------


def test_a_report_is_stored_with_its_event_and_hands_the_refresh_over_after_commit(
    awards, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(summary, "_send", lambda task, *args: sent.append((task, args)))
    with django_capture_on_commit_callbacks(execute=True):
        stored = report(awards["health"], LAST, requests=2_00_000)
    assert stored.corrects is None and stored.department == awards["health"].department
    event = AuditEvent.objects.filter(department=stored.department).latest("sequence")
    assert event.action == "usage.reported" and event.object_id == str(stored.pk)
    assert "2,00,000 requests" in event.summary
    assert sent == [(summary.USAGE_TASK, ([LAST],))]


def test_a_second_report_of_a_quarter_corrects_the_latest_and_needs_a_note(awards):
    first = report(awards["health"], LAST, requests=1000)
    with pytest.raises(ValidationError) as refused:
        report(awards["health"], LAST, requests=1100)
    assert refused.value.message_dict == {"note": [services.CORRECTION_NOTE]}
    second = report(awards["health"], LAST, requests=1100, note="The invoice was revised.")
    third = report(awards["health"], LAST, requests=1200, note="Revised again.")
    assert (second.corrects, third.corrects) == (first, second)
    assert AuditEvent.objects.filter(action="usage.corrected").count() == 2


def test_the_rules_of_a_report(awards):
    health = awards["health"]
    cases = [
        ({"quarter": "2026-Q5"}, "quarter", "is not a quarter"),
        ({"quarter": NEXT}, "quarter", "has not begun"),
        ({"quarter": BEFORE_CONTRACT}, "quarter", "is outside the contract"),
        ({"requests": -1}, "requests", "Cannot be negative"),
        ({"output_tokens": 10**16}, "output_tokens", "check the figure"),
        ({"requests": 0}, "requests", "Tokens are reported with no requests"),
        ({"invoiced_inr": Decimal("1.005")}, "invoiced_inr", "more than two decimal places"),
        ({"invoiced_inr": Decimal("-1")}, "invoiced_inr", "Cannot be negative"),
    ]
    for change, field, words in cases:
        values = {
            "quarter": LAST,
            "requests": 10,
            "input_tokens": 100,
            "output_tokens": 50,
            "invoiced_inr": Decimal("10.00"),
            **change,
        }
        with pytest.raises(ValidationError) as refused:
            services.usage_report(
                user=person("health-officer"), decision=health, source="api", **values
            )
        assert words in " ".join(refused.value.message_dict[field]), change
    # The current quarter has begun: it may be reported.
    assert report(health, CURRENT).quarter == CURRENT
    assert UsageReport.objects.count() == 1


def test_only_approved_awards_of_ones_own_department_by_an_officer(awards):
    with pytest.raises(ValidationError) as refused:
        report(awards["proposed"], LAST)
    assert refused.value.error_dict["award"][0].code == services.CONFLICT
    with pytest.raises(PermissionDenied):
        report(awards["revenue"], LAST, user=person("health-officer"))
    with pytest.raises(PermissionDenied):
        report(awards["health"], LAST, user=person("health-approver"))
    assert UsageReport.objects.count() == 0


@pytest.mark.postgres
def test_reports_are_insert_only_on_postgresql(awards):
    stored = report(awards["health"], LAST)
    for sql in (
        "UPDATE procurement_usagereport SET requests = 1 WHERE id = %s",
        "DELETE FROM procurement_usagereport WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [stored.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        UsageReport.objects.filter(pk=stored.pk).update(note="edited")
    assert UsageReport.objects.get(pk=stored.pk).requests == 1000


def test_the_chain_vouches_for_every_report(awards):
    from procurement import audit
    from tests.test_records_and_checkpoints import tamper

    department = awards["health"].department
    first = report(awards["health"], LAST)
    report(awards["health"], LAST, requests=2000, note="Revised.")
    assert audit.verify_department(department) is None
    tamper(
        "procurement_usagereport",
        "UPDATE procurement_usagereport SET requests = 5, invoiced_inr = 1 WHERE id = %s",
        [first.pk],
    )
    broken = audit.verify_department(department)
    assert broken is not None
    assert f"usage report {first.pk}'s requests, invoiced_inr differ" in broken.problem


def test_the_dashboard_shows_the_reported_figures_once_refreshed(award_factory):
    decisions = [
        award_factory(slug, sector=sector, start_date=START, term_years=2)
        for slug, sector in (("health", "health"), ("revenue", "finance"), ("schools", "education"))
    ]
    for decision in decisions:
        summary.award_refresh(decision.pk)
        report(decision, LAST, requests=10_000)
    summary.refresh_usage(LAST)
    row = next(r for r in national.usage().rows if r["quarter"] == LAST)
    assert row["suppressed"] is False
    assert row["contracts_reported"] == 3
    assert row["actual_requests"] == 30_000
    assert row["actual_tokens"] == 3 * 10_000 * 1100
    assert row["invoiced_inr"] == Decimal("3751.50")


# The CSV upload ---------------------------------------------------------------------------------


def upload(client, text: str, name: str = "usage.csv", encoding: str = "utf-8"):
    file = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return client.post(reverse("usage_upload"), {"file": file})


@pytest.fixture
def officer_client(client, awards):
    client.force_login(person("health-officer"))
    return client


def test_a_file_with_bad_rows_of_every_kind_is_refused_whole_by_row_and_column(
    awards, officer_client
):
    health, proposed, revenue = awards["health"].pk, awards["proposed"].pk, awards["revenue"].pk
    report(awards["health"], LAST)
    before = state()
    rows = [
        f"{health},{BEFORE_LAST},1000,800000,300000,1250.00,",  # 2: good, yet not stored
        f"987654,{LAST},1,1,1,1.00,",  # 3: no such award
        f"{revenue},{LAST},1,1,1,1.00,",  # 4: another department's award
        f"{proposed},{LAST},1,1,1,1.00,",  # 5: not approved
        f"{health},2026/3,1,1,1,1.00,",  # 6: not a quarter
        f"{health},{NEXT},1,1,1,1.00,",  # 7: a quarter not begun
        f"{health},{BEFORE_CONTRACT},1,1,1,1.00,",  # 8: before the contract
        f"{health},{FIRST},-5,1,1,1.00,",  # 9: negative
        f"{health},{FIRST},1,lots,1,1.00,",  # 10: not a number
        f"{health},{back(CURRENT, 3)},1,1,1,12.345,",  # 11: too many decimals
        f"{health},{FIRST},1,1,,1.00,",  # 12: empty cell
        f"{health},{BEFORE_LAST},1,1,1,1.00,",  # 13: the same award and quarter as row 2
        f"{health},{LAST},1,1,1,1.00,",  # 14: a correction without a note
        f"{health},{CURRENT},0,500,0,1.00,",  # 15: tokens without requests
    ]
    response = upload(officer_client, HEADER + "\r\n".join(rows) + "\r\n")
    assert response.status_code == 400
    page = response.content.decode()
    expected = [
        ("Row 3, column award", "No award 987654 in your department"),
        ("Row 4, column award", f"No award {revenue} in your department"),
        ("Row 5, column award", "not approved"),
        ("Row 6, column quarter", "is not a quarter"),
        ("Row 7, column quarter", "has not begun"),
        ("Row 8, column quarter", "is outside the contract"),
        ("Row 9, column requests", "Cannot be negative"),
        ("Row 10, column input_tokens", "is not a whole number"),
        ("Row 11, column invoiced_inr", "more than two decimal places"),
        ("Row 12, column output_tokens", "empty"),
        ("Row 13, column quarter", "already in row 2"),
        ("Row 14, column note", "already reported"),
        ("Row 15, column requests", "Tokens are reported with no requests"),
    ]
    for where, words in expected:
        assert where in page and words in page, where
    assert "Row 2," not in page
    assert "Nothing was stored" in page
    assert state() == before


def test_a_good_file_is_stored_whole_with_indian_numbers_a_bom_and_a_correction(
    awards, officer_client
):
    earlier = report(awards["health"], LAST)
    health = awards["health"].pk
    text = (
        "\ufeff"
        + HEADER.replace("note", "note,contract")
        + (
            f'{health},{BEFORE_LAST},"2,00,000","16,00,00,000","6,00,00,000","₹1,25,000.50",,Helpline\r\n'
            f"{health},{LAST.lower()},1100,880000,330000,1375.55,Invoice revised,Helpline\r\n"
        )
    )
    response = upload(officer_client, text)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = officer_client.get(response["Location"]).content.decode()
    assert "Stored 2 usage reports (1 of them corrections)." in page
    first, second = UsageReport.objects.filter(source="upload").order_by("quarter")
    assert (first.requests, first.input_tokens, first.invoiced_inr) == (
        200_000,
        160_000_000,
        Decimal("125000.50"),
    )
    assert second.corrects == earlier and second.note == "Invoice revised"
    assert "2,00,000" in page and "₹1,25,000.50" in page


def test_the_upload_refuses_a_file_too_large_or_too_long_or_misnamed(awards, officer_client):
    before = state()
    big = HEADER + "x" * (usage.MAX_UPLOAD_BYTES + 1)
    assert "larger than 2 MB" in upload(officer_client, big).content.decode()
    line = f"{awards['health'].pk},{LAST},1,1,1,1.00,\r\n"
    long = HEADER + line * (usage.MAX_ROWS + 1)
    assert "at most 5,000 are taken at once" in upload(officer_client, long).content.decode()
    missing = upload(officer_client, "award,quarter,requests\r\n1,2026-Q1,5\r\n")
    assert "lacks the columns input_tokens, output_tokens, invoiced_inr" in (
        missing.content.decode()
    )
    latin = upload(officer_client, HEADER + "1,2026-Q1,5,5,5,5.00,café\r\n", encoding="latin-1")
    assert "not UTF-8 text" in latin.content.decode()
    assert "Choose the CSV file" in officer_client.post(reverse("usage_upload")).content.decode()
    assert state() == before


def test_rows_are_numbered_as_the_spreadsheet_numbers_them(awards, officer_client):
    line = f"{awards['health'].pk},{LAST},1,1,1,1.00,\r\n"
    page = upload(officer_client, HEADER + "\r\n" + line.replace(",1.00,", ",x,")).content
    assert "Row 3, column invoiced_inr" in page.decode()


def test_the_template_lists_the_quarters_not_reported(awards, officer_client):
    report(awards["health"], LAST)
    response = officer_client.get(reverse("usage_template"))
    assert response["Content-Disposition"] == 'attachment; filename="usage-reports.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffaward,quarter,requests,input_tokens,output_tokens,invoiced_inr")
    lines = text.lstrip("\ufeff").splitlines()
    pk = awards["health"].pk
    quarters = [line.split(",")[1] for line in lines[1:]]
    assert quarters == [FIRST, back(CURRENT, 3), BEFORE_LAST, CURRENT]
    assert all(line.startswith(f"{pk},") for line in lines[1:])
    # Filled in, the template is a file the upload takes.
    filled = "\r\n".join(
        [lines[0]] + [line.replace(",,,,,", ",10,8000,3000,12.50,", 1) for line in lines[1:]]
    )
    assert upload(officer_client, filled).status_code == 302
    assert UsageReport.objects.count() == 5


def test_the_awards_page_flags_the_quarters_not_reported(awards, officer_client):
    report(awards["health"], LAST, requests=2_00_000)
    page = officer_client.get(reverse("awards")).content.decode()
    assert national.quarter_label(LAST) in page and "2,00,000" in page and "₹1,250.50" in page
    # FIRST, the one after it and BEFORE_LAST have ended unreported; CURRENT is in progress.
    assert page.count('data-testid="not-reported"') == 3
    assert "3 quarters that have ended are not reported" in page
    assert "Upload usage reports" in page
    assert f"Award {awards['revenue'].pk} " not in page


def test_the_awards_page_makes_the_same_number_of_queries_whatever_the_awards(
    award_factory, client
):
    counts = []
    for _ in range(2):
        for _ in range(2):
            decision = award_factory("health", sector="health", start_date=START, term_years=2)
            summary.award_refresh(decision.pk)
            report(decision, LAST)
        client.force_login(person("health-officer"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("awards")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_an_approver_sees_the_awards_but_cannot_upload(awards, client):
    client.force_login(person("health-approver"))
    assert client.get(reverse("awards")).status_code == 200
    assert client.get(reverse("usage_upload")).status_code == 403
    assert client.get(reverse("usage_template")).status_code == 403


# The API ---------------------------------------------------------------------------------------


BODY = {
    "quarter": LAST,
    "requests": 4_350_000,
    "input_tokens": 3_480_000_000,
    "output_tokens": 1_305_000_000,
    "invoiced_inr": "1845000.00",
}


@pytest.fixture
def officer_key(awards):
    department = awards["health"].department
    return make_key(department, (OFFICER,), person=person("health-officer"))[1]


def test_the_api_lists_awards_and_takes_a_report_with_201(awards, officer_key):
    api = client_with(officer_key)
    listed = api.get(reverse("api:award-list")).json()
    assert [a["id"] for a in listed["results"]] == [awards["health"].pk]
    award = listed["results"][0]
    assert award["contract_start"] == START.isoformat()
    assert award["contract_end"] == (national.add_years(START, 2) - dt.timedelta(1)).isoformat()
    url = reverse("api:award-usage", kwargs={"pk": awards["health"].pk})
    created = api.post(url, BODY, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["requests"] == 4_350_000 and body["invoiced_inr"] == "1845000.00"
    assert body["source"] == "api" and body["corrects"] is None
    correction = api.post(url, {**BODY, "requests": 1, "note": "Revised."}, format="json")
    assert correction.status_code == 201 and correction.json()["corrects"] == body["id"]
    assert [r["id"] for r in api.get(url).json()] == [body["id"], correction.json()["id"]]


def test_the_api_refuses_bad_reports_field_by_field(awards, officer_key):
    api = client_with(officer_key)
    url = reverse("api:award-usage", kwargs={"pk": awards["health"].pk})
    cases = [
        ({"quarter": "2026-3"}, "quarter"),
        ({"quarter": "0000-Q1"}, "quarter"),
        ({"requests": -1}, "requests"),
        ({"requests": 0}, "requests"),
        ({"requests": "5"}, "requests"),
        ({"invoiced_inr": "1.005"}, "invoiced_inr"),
        ({"invoiced_inr": 10}, "invoiced_inr"),
        ({"colour": "red"}, "colour"),
    ]
    for change, field in cases:
        response = api.post(url, {**BODY, **change}, format="json")
        assert response.status_code == 400, change
        assert field in response.json(), (change, response.json())
    assert UsageReport.objects.count() == 0


def test_the_api_answers_409_for_what_the_awards_state_does_not_allow(awards, officer_key):
    api = client_with(officer_key)
    url = reverse("api:award-usage", kwargs={"pk": awards["health"].pk})
    not_begun = api.post(url, {**BODY, "quarter": NEXT}, format="json")
    assert not_begun.status_code == 409 and "has not begun" in not_begun.json()["detail"]
    before = api.post(url, {**BODY, "quarter": BEFORE_CONTRACT}, format="json")
    assert before.status_code == 409 and "outside the contract" in before.json()["detail"]
    report(awards["health"], LAST)
    no_note = api.post(url, BODY, format="json")
    assert no_note.status_code == 409
    assert no_note.json() == {"detail": f"note: {services.CORRECTION_NOTE}"}
    assert UsageReport.objects.count() == 1


def test_the_api_answers_403_404_and_409_as_it_should(awards, officer_key):
    health = awards["health"]
    approver_key = make_key(health.department, (APPROVER,), person=person("health-approver"))[1]
    url = reverse("api:award-usage", kwargs={"pk": health.pk})
    assert client_with(approver_key).post(url, BODY, format="json").status_code == 403
    assert client_with(approver_key).get(url).status_code == 200
    api = client_with(officer_key)
    theirs = reverse("api:award-usage", kwargs={"pk": awards["revenue"].pk})
    missing = reverse("api:award-usage", kwargs={"pk": 987654})
    assert api.post(theirs, BODY, format="json").status_code == 404
    assert api.get(theirs).status_code == 404
    assert api.get(missing).status_code == 404
    their_award = reverse("api:award-detail", kwargs={"pk": awards["revenue"].pk})
    assert api.get(their_award).status_code == 404
    proposed = reverse("api:award-usage", kwargs={"pk": awards["proposed"].pk})
    conflict = api.post(proposed, BODY, format="json")
    assert conflict.status_code == 409
    assert "not approved" in conflict.json()["detail"]
    assert UsageReport.objects.count() == 0
