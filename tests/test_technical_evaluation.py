"""The technical stage of a tender's evaluation: an officer appoints the committee; after the
opening a member records each bid's technical result (benchmark against the pass mark, the
compliance checklist); under QCBS each member submits one mark sheet, which no one else sees
until every member has — then the averages are the bids' technical scores."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from procurement import evaluation, selectors, services, tendering
from procurement.models import AuditEvent, CommitteeMember, MarkSheet, TechnicalResult, Tender
from tests.conftest import workload_values
from tests.tenders import (
    CRITERIA,
    approved_decision,
    bid_values,
    checklist,
    committee_person,
    marks_of,
    open_bids,
    pack_with_criteria,
    tender_values,
)

pytestmark = pytest.mark.django_db

# Carol's marks of the first bid: figures no one else may see before every member has marked.
CAROL_SECRET = ["33.33", "27.17", "19.51"]  # total 80.01
CAROL_SECOND = ["35", "25", "20"]  # total 80
DAVE_FIRST = ["30", "25", "15"]  # total 70
DAVE_SECOND = ["30", "20", "20"]  # total 70


@pytest.fixture
def people(departments):
    """Committee persons: carol and dave (to be appointed), erin (never appointed) of
    department A; frank of department B."""
    a, b = departments
    return SimpleNamespace(
        carol=committee_person("carol", a),
        dave=committee_person("dave", a),
        erin=committee_person("erin", a),
        frank=committee_person("frank", b),
    )


def _tender(alice, bob, *, evaluation_method: str | None, **workload: Any) -> Tender:
    values = workload_values(evaluation_method=evaluation_method, **workload)
    work = services.workload_create(user=alice, values=values)
    comparison = services.comparison_run(
        user=alice, workload=work, decision_date=dt.date(2026, 11, 26)
    )
    decision = approved_decision(alice, bob, comparison)
    return tendering.tender_create(user=alice, decision=decision, values=tender_values())


@pytest.fixture
def criteria_pack(departments, policy_pack):
    """Department A adopts a version of the central pack with three QCBS criteria."""
    a = departments[0]
    a.adopted_pack = pack_with_criteria(policy_pack)
    a.save(update_fields=["adopted_pack"])
    return a.adopted_pack


@pytest.fixture
def qcbs(alice, bob, criteria_pack, demo_catalogue):
    """A QCBS tender of department A with two bids (the second an MSE's), sealed."""
    tender = _tender(alice, bob, evaluation_method="qcbs")
    comparison = tender.planning_decision.comparison
    first = tendering.bid_record(
        user=alice, tender=tender, values=bid_values(comparison, bidder_name="Bidder One")
    )
    second = tendering.bid_record(
        user=alice,
        tender=tender,
        values=bid_values(
            comparison, bidder_name="Bidder Two", mse=True, udyam_number="UDYAM-MH-01-0000001"
        ),
    )
    return SimpleNamespace(tender=tender, bids=[first, second])


@pytest.fixture
def opened(alice, qcbs, people):
    """The QCBS tender opened, carol and dave appointed to its committee."""
    evaluation.committee_appoint(user=alice, tender=qcbs.tender, member=people.carol)
    evaluation.committee_appoint(user=alice, tender=qcbs.tender, member=people.dave)
    open_bids(alice, qcbs.tender)
    return qcbs


@pytest.fixture
def results(opened, people):
    """Both bids technically qualified (recorded by carol)."""
    for bid in opened.bids:
        evaluation.technical_result_record(
            user=people.carol,
            bid=bid,
            benchmark_score=Decimal("82.5"),
            checklist=checklist(opened.tender),
        )
    return opened


def _stage(tender: Tender, user: Any) -> selectors.TechnicalStage:
    return selectors.technical_stage(Tender.objects.get(pk=tender.pk), user)


# The checklist --------------------------------------------------------------------------------


def test_the_checklist_follows_the_tender_and_its_estimate(alice, bob, demo_catalogue):
    tender = _tender(alice, bob, evaluation_method=None)
    keys = [key for key, _ in evaluation.compliance_items(tender)]
    assert keys == [
        "bid_security",
        "local_content_certificate",
        "land_border",
        "data_protection",
        "qualification",
    ]
    items = dict(evaluation.compliance_items(tender))
    assert "self-certified" in items["local_content_certificate"]
    assert "Bid-securing declaration" in items["bid_security"]

    # Above ₹10 crore the local content needs an auditor's certificate; the Integrity Pact
    # is an item when the tender applies it.
    pact = Tender(**{f.attname: getattr(tender, f.attname) for f in Tender._meta.concrete_fields})
    pact.integrity_pact = True
    real = selectors.comparison_results(tender.planning_decision.comparison)
    large = dataclasses.replace(
        real,
        estimated_value=dataclasses.replace(real.estimated_value, amount_inr=Decimal("15e7")),
    )
    with mock.patch.object(selectors, "comparison_results", return_value=large):
        items = dict(evaluation.compliance_items(pact))
    assert "integrity_pact" in items
    assert "statutory auditor" in items["local_content_certificate"]
    assert "₹15.00 crore" in items["local_content_certificate"]
    assert "₹10 crore" in items["local_content_certificate"]


def test_an_mse_bid_is_shown_exempt_from_bid_security(opened):
    tender, (first, second) = opened.tender, opened.bids
    items = evaluation.compliance_items(tender)
    assert "bid_security" not in evaluation.compliance_notes(tender, first, items)
    notes = evaluation.compliance_notes(tender, second, items)
    assert notes["bid_security"].startswith("Exempt: the bidder declares itself a micro")
    assert notes["qualification"].startswith("Relaxed")


# The committee ----------------------------------------------------------------------------------


def test_only_an_officer_of_the_department_appoints_a_committee_person_of_it(
    alice, bob, charlie, qcbs, people
):
    tender = qcbs.tender
    for who in (bob, people.carol, charlie, people.frank):
        with pytest.raises(PermissionDenied):
            evaluation.committee_appoint(user=who, tender=tender, member=people.erin)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        evaluation.committee_appoint(user=AnonymousUser(), tender=tender, member=people.erin)
    # Not of the department, or not of the committee role: the member field.
    for member in (people.frank, bob):
        with pytest.raises(ValidationError) as refused:
            evaluation.committee_appoint(user=alice, tender=tender, member=member)
        assert "committee role" in refused.value.message_dict["member"][0]
    seat = evaluation.committee_appoint(user=alice, tender=tender, member=people.carol)
    with pytest.raises(ValidationError) as refused:
        evaluation.committee_appoint(user=alice, tender=tender, member=people.carol)
    assert refused.value.error_dict["member"][0].code == evaluation.CONFLICT
    event = AuditEvent.objects.get(action="committee.appointed")
    assert event.object_id == str(seat.pk) and "carol" in event.summary


def test_no_member_is_appointed_once_marking_began(alice, results, people):
    evaluation.marks_submit(
        user=people.carol,
        tender=results.tender,
        marks=marks_of(results.bids, CAROL_SECRET, CAROL_SECOND),
    )
    with pytest.raises(ValidationError) as refused:
        evaluation.committee_appoint(user=alice, tender=results.tender, member=people.erin)
    assert refused.value.code == evaluation.CONFLICT
    assert "first mark sheet" in refused.value.messages[0]


# Technical results ------------------------------------------------------------------------------


def test_a_technical_result_waits_for_the_opening(alice, qcbs, people):
    evaluation.committee_appoint(user=alice, tender=qcbs.tender, member=people.carol)
    with pytest.raises(ValidationError) as refused:
        evaluation.technical_result_record(
            user=people.carol,
            bid=qcbs.bids[0],
            benchmark_score=Decimal(80),
            checklist=checklist(qcbs.tender),
        )
    assert refused.value.code == evaluation.CONFLICT
    assert not TechnicalResult.objects.exists()


def test_only_an_appointed_member_records_a_technical_result_once(
    alice, bob, charlie, opened, people
):
    bid = opened.bids[0]
    items = checklist(opened.tender)
    for who in (alice, bob, people.erin, charlie, people.frank):
        with pytest.raises(PermissionDenied):
            evaluation.technical_result_record(
                user=who, bid=bid, benchmark_score=Decimal(80), checklist=items
            )
    result = evaluation.technical_result_record(
        user=people.dave, bid=bid, benchmark_score=Decimal("69.99"), checklist=items
    )
    assert not result.benchmark_passed and not result.qualified  # pass mark 70
    with pytest.raises(ValidationError) as refused:
        evaluation.technical_result_record(
            user=people.carol, bid=bid, benchmark_score=Decimal(80), checklist=items
        )
    assert refused.value.code == evaluation.CONFLICT
    event = AuditEvent.objects.get(action="technical_result.recorded")
    assert "Bidder One" in event.summary and "not qualified" in event.summary


def test_a_bid_qualifies_when_it_passes_and_meets_every_item(opened, people):
    first, second = opened.bids
    passed = evaluation.technical_result_record(
        user=people.carol,
        bid=first,
        benchmark_score="70",
        checklist=checklist(opened.tender),
        remark="Sound.",
    )
    assert passed.benchmark_passed and passed.qualified
    unmet = evaluation.technical_result_record(
        user=people.carol,
        bid=second,
        benchmark_score="91",
        checklist=checklist(opened.tender, unmet=("data_protection",)),
    )
    assert unmet.benchmark_passed and not unmet.qualified
    assert [row["item"] for row in unmet.checklist][-2:] == ["data_protection", "qualification"]


@pytest.mark.parametrize(
    ("score", "items", "field", "words"),
    [
        ("101", None, "benchmark_score", "from 0 to 100"),
        ("70.123", None, "benchmark_score", "two decimal places"),
        ("many", None, "benchmark_score", "a number"),
        ("80", "missing", "checklist", "The data-protection schedule accepted: say whether"),
        ("80", "extra", "checklist", "“escrow” is not an item"),
        ("80", "twice", "checklist", "given twice"),
    ],
)
def test_a_technical_result_with_a_problem_names_its_field(
    opened, people, score, items, field, words
):
    rows = checklist(opened.tender)
    if items == "missing":
        rows = [row for row in rows if row["item"] != "data_protection"]
    elif items == "extra":
        rows.append({"item": "escrow", "met": True, "remark": ""})
    elif items == "twice":
        rows.append(dict(rows[0]))
    with pytest.raises(ValidationError) as refused:
        evaluation.technical_result_record(
            user=people.carol, bid=opened.bids[0], benchmark_score=score, checklist=rows
        )
    assert any(words in message for message in refused.value.message_dict[field])
    assert not TechnicalResult.objects.exists()


# Mark sheets --------------------------------------------------------------------------------------


def test_marks_are_not_used_for_an_l1_tender(alice, bob, criteria_pack, demo_catalogue, people):
    tender = _tender(alice, bob, evaluation_method="l1")
    evaluation.committee_appoint(user=alice, tender=tender, member=people.carol)
    evaluation.committee_appoint(user=alice, tender=tender, member=people.dave)
    open_bids(alice, tender)
    with pytest.raises(ValidationError) as refused:
        evaluation.marks_submit(user=people.carol, tender=tender, marks={})
    assert refused.value.code == evaluation.CONFLICT and "L1" in refused.value.messages[0]
    client = Client()
    client.force_login(people.carol)
    page = client.get(reverse("technical_marks", args=[tender.pk])).content.decode()
    assert "Marks are not used for this tender" in page


def test_a_tender_published_without_criteria_cannot_be_marked(
    alice, bob, departments, policy_pack, demo_catalogue, people
):
    # As a tender published before its department's pack had criteria.
    departments[0].adopted_pack = pack_with_criteria(policy_pack, criteria=[])
    departments[0].save(update_fields=["adopted_pack"])
    tender = _tender(alice, bob, evaluation_method="qcbs")
    assert tender.technical_criteria == []
    evaluation.committee_appoint(user=alice, tender=tender, member=people.carol)
    evaluation.committee_appoint(user=alice, tender=tender, member=people.dave)
    open_bids(alice, tender)
    with pytest.raises(ValidationError) as refused:
        evaluation.marks_submit(user=people.carol, tender=tender, marks={})
    assert "without technical criteria" in refused.value.messages[0]
    client = Client()
    client.force_login(alice)
    page = client.get(reverse("technical_marks", args=[tender.pk])).content.decode()
    assert "marks cannot be entered" in page


def test_a_tender_keeps_the_criteria_of_its_departments_pack(qcbs):
    assert qcbs.tender.technical_criteria == CRITERIA
    assert [c.max_marks for c in selectors.tender_criteria(qcbs.tender)] == [
        Decimal(40),
        Decimal(35),
        Decimal(25),
    ]


def test_marking_needs_two_members_and_every_technical_result(alice, qcbs, people):
    evaluation.committee_appoint(user=alice, tender=qcbs.tender, member=people.carol)
    open_bids(alice, qcbs.tender)
    marks = marks_of(qcbs.bids, CAROL_SECRET, CAROL_SECOND)
    with pytest.raises(ValidationError) as refused:
        evaluation.marks_submit(user=people.carol, tender=qcbs.tender, marks=marks)
    assert "at least 2 members" in refused.value.messages[0]
    evaluation.committee_appoint(user=alice, tender=qcbs.tender, member=people.dave)
    evaluation.technical_result_record(
        user=people.carol,
        bid=qcbs.bids[0],
        benchmark_score=Decimal(80),
        checklist=checklist(qcbs.tender),
    )
    with pytest.raises(ValidationError) as refused:
        evaluation.marks_submit(user=people.carol, tender=qcbs.tender, marks=marks)
    assert refused.value.code == evaluation.CONFLICT
    assert "waiting: Bidder Two" in refused.value.messages[0]
    assert not MarkSheet.objects.exists()


def test_only_an_appointed_member_submits_marks_once(alice, bob, charlie, results, people):
    marks = marks_of(results.bids, CAROL_SECRET, CAROL_SECOND)
    for who in (alice, bob, people.erin, charlie, people.frank):
        with pytest.raises(PermissionDenied):
            evaluation.marks_submit(user=who, tender=results.tender, marks=marks)
    evaluation.marks_submit(user=people.carol, tender=results.tender, marks=marks)
    with pytest.raises(ValidationError) as refused:
        evaluation.marks_submit(user=people.carol, tender=results.tender, marks=marks)
    assert refused.value.code == evaluation.CONFLICT
    assert MarkSheet.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("accuracy", None), "Bidder One, Answer quality on the buyer's benchmark: give a mark."),
        (
            ("accuracy", "40.01"),
            "Bidder One, Answer quality on the buyer's benchmark: give a mark from 0 to 40.",
        ),
        (("languages", "-1"), "Bidder One, Indian-language coverage: give a mark from 0 to 35."),
        (
            ("operations", "12.345"),
            "Bidder One, Service levels and support: give the mark to two decimal places at most.",
        ),
        (("operations", "lots"), "Bidder One, Service levels and support: give a number"),
    ],
)
def test_a_mark_with_a_problem_names_the_bidder_and_the_criterion(results, people, change, words):
    marks = marks_of(results.bids, CAROL_SECRET, CAROL_SECOND)
    criterion, value = change
    first = str(results.bids[0].pk)
    if value is None:
        del marks[first][criterion]
    else:
        marks[first][criterion] = value
    with pytest.raises(ValidationError) as refused:
        evaluation.marks_submit(user=people.carol, tender=results.tender, marks=marks)
    field = evaluation.mark_field(results.bids[0].pk, criterion)
    assert refused.value.message_dict[field][0].startswith(words)
    assert not MarkSheet.objects.exists()


def test_a_bid_that_did_not_qualify_is_not_marked(opened, people):
    first, second = opened.bids
    evaluation.technical_result_record(
        user=people.carol, bid=first, benchmark_score="80", checklist=checklist(opened.tender)
    )
    evaluation.technical_result_record(
        user=people.carol, bid=second, benchmark_score="50", checklist=checklist(opened.tender)
    )
    # Marks for it are refused, naming the bidder; without them the sheet is the first bid's.
    with pytest.raises(ValidationError) as refused:
        evaluation.marks_submit(
            user=people.carol,
            tender=opened.tender,
            marks=marks_of(opened.bids, CAROL_SECRET, CAROL_SECOND),
        )
    assert "Bidder Two: the bid did not qualify technically" in str(refused.value)
    sheet = evaluation.marks_submit(
        user=people.carol, tender=opened.tender, marks=marks_of([first], CAROL_SECRET)
    )
    assert sheet.marks == {
        str(first.pk): {"accuracy": "33.33", "languages": "27.17", "operations": "19.51"}
    }


def test_each_member_sees_only_their_own_sheet_until_all_have_submitted(
    alice, bob, results, people
):
    tender, (first, second) = results.tender, results.bids
    evaluation.marks_submit(
        user=people.carol, tender=tender, marks=marks_of(results.bids, CAROL_SECRET, CAROL_SECOND)
    )
    assert selectors.technical_scores(tender) == {}
    own = _stage(tender, people.carol)
    assert own.own_sheet is not None and [v.name for v in own.sheets] == ["carol"]
    assert own.scores == {} and not own.all_submitted
    for who in (people.dave, alice, bob, people.erin):
        stage = _stage(tender, who)
        assert stage.sheets == [] and stage.scores == {} and stage.score_rows == []
        assert [seat.submitted for seat in stage.committee] == [True, False]
    # No page shows carol's marks or total to anyone else, nor does her sheet's event.
    for who in (people.dave, alice, bob, people.erin):
        client = Client()
        client.force_login(who)
        for url in (
            reverse("tender_detail", args=[tender.pk]),
            reverse("technical_marks", args=[tender.pk]),
            reverse("history"),
        ):
            response = client.get(url)
            page = response.content.decode()
            assert response.status_code == 200, url
            for secret in (*CAROL_SECRET, "80.01"):
                assert secret not in page, (who.username, url, secret)
    client = Client()
    client.force_login(people.carol)
    page = client.get(reverse("technical_marks", args=[tender.pk])).content.decode()
    assert "Your mark sheet" in page and "33.33" in page and "80.01" in page
    event = AuditEvent.objects.get(action="marks.submitted")
    recorded = event.summary + str(event.payload)
    assert all(secret not in recorded for secret in CAROL_SECRET)
    sheet = MarkSheet.objects.get()
    assert evaluation.marks_sha256(sheet.marks) in recorded

    # Dave submits: now the committee, the officer and the approver see every sheet and the
    # averages; a committee person not appointed still sees none.
    evaluation.marks_submit(
        user=people.dave, tender=tender, marks=marks_of(results.bids, DAVE_FIRST, DAVE_SECOND)
    )
    scores = {first.pk: Decimal("75.01"), second.pk: Decimal("75.00")}  # 150.01 / 2 half up
    assert selectors.technical_scores(tender) == scores
    for who in (people.carol, people.dave, alice, bob):
        stage = _stage(tender, who)
        assert stage.all_submitted and stage.scores == scores
        assert [v.name for v in stage.sheets] == ["carol", "dave"]
        client = Client()
        client.force_login(who)
        page = client.get(reverse("tender_detail", args=[tender.pk])).content.decode()
        assert "75.01" in page and "80.01" in page and "70.00" in page
    erin = _stage(tender, people.erin)
    assert erin.all_submitted and erin.sheets == [] and erin.scores == {}
    final = AuditEvent.objects.get(action="technical_scores.final")
    assert final.object_id == str(tender.pk) and "75.01" in str(final.payload)


def test_the_technical_score_is_the_mean_of_the_members_totals():
    sheets = [
        MarkSheet(marks={"7": {"a": "40", "b": "40"}, "8": {"a": "10", "b": "0.01"}}),
        MarkSheet(marks={"7": {"a": "35", "b": "35"}, "8": {"a": "10", "b": "0"}}),
    ]
    assert selectors.average_scores(sheets) == {7: Decimal("75.00"), 8: Decimal("10.01")}
    third = MarkSheet(marks={"7": {"a": "0", "b": "0"}, "8": {"a": "0", "b": "0"}})
    # (80 + 70 + 0) / 3 = 50; (10.01 + 10 + 0) / 3 = 6.67
    assert selectors.average_scores([*sheets, third]) == {7: Decimal("50.00"), 8: Decimal("6.67")}


# The pages ---------------------------------------------------------------------------------------


def _status(response) -> Any:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return "login"
    return response.status_code


def test_each_route_answers_each_role(alice, bob, charlie, opened, people):
    tender, bid = opened.tender, opened.bids[0]
    result_body = {"benchmark_score": "80", "remark": ""} | {
        f"met-{key}": "yes" for key, _ in evaluation.compliance_items(tender)
    }
    callers = {
        "anonymous": None,
        "officer": alice,
        "approver": bob,
        "member": people.carol,
        "not appointed": people.erin,
        "other officer": charlie,
        "other committee": people.frank,
    }
    routes = [
        ("GET", reverse("tender_detail", args=[tender.pk]), {}),
        ("POST", reverse("committee_appoint", args=[tender.pk]), {"member": people.erin.pk}),
        ("GET", reverse("technical_result", args=[tender.pk, bid.pk]), {}),
        ("POST", reverse("technical_result", args=[tender.pk, bid.pk]), result_body),
        ("GET", reverse("technical_marks", args=[tender.pk]), {}),
        ("POST", reverse("technical_marks", args=[tender.pk]), {}),
    ]
    #            anonymous officer approver member not-appointed other-officer other-committee
    expected = [
        ("login", 200, 200, 200, 200, 404, 404),
        ("login", 302, 403, 403, 403, 404, 404),
        ("login", 403, 403, 200, 403, 404, 404),
        ("login", 403, 403, 302, 403, 404, 404),
        ("login", 200, 200, 200, 200, 404, 404),
        ("login", 403, 403, 302, 403, 404, 404),
    ]
    wrong = []
    for (method, url, body), row in zip(routes, expected, strict=True):
        for (name, who), want in zip(callers.items(), row, strict=True):
            client = Client()
            if who is not None:
                client.force_login(who)
            try:
                with transaction.atomic():
                    response = client.get(url) if method == "GET" else client.post(url, body)
                    raise _Undo
            except _Undo:
                pass
            if _status(response) != want:
                wrong.append(f"{method} {url} by {name}: {_status(response)}, expected {want}")
    assert not wrong, "\n".join(wrong)


class _Undo(Exception):
    pass


def test_a_sealed_bids_technical_page_shows_nothing_of_it(alice, qcbs, people):
    evaluation.committee_appoint(user=alice, tender=qcbs.tender, member=people.carol)
    client = Client()
    client.force_login(people.carol)
    response = client.get(reverse("technical_result", args=[qcbs.tender.pk, qcbs.bids[0].pk]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "begins once the bids are opened" in page and "Bidder One" not in page


def test_the_committee_takes_each_step_from_the_tender_page(alice, bob, qcbs, people):
    tender, (first, second) = qcbs.tender, qcbs.bids
    officer = Client()
    officer.force_login(alice)
    page = officer.get(reverse("tender_detail", args=[tender.pk])).content.decode()
    assert "Technical evaluation" in page and "Appoint to the committee" in page
    for member in (people.carol, people.dave):
        response = officer.post(
            reverse("committee_appoint", args=[tender.pk]), {"member": member.pk}
        )
        assert response.status_code == 302
    assert CommitteeMember.objects.filter(tender=tender).count() == 2
    open_bids(alice, tender)

    carol = Client()
    carol.force_login(people.carol)
    page = carol.get(reverse("tender_detail", args=[tender.pk])).content.decode()
    form_url = reverse("technical_result", args=[tender.pk, first.pk])
    assert form_url in page and "Record the technical result" in page
    form = carol.get(reverse("technical_result", args=[tender.pk, second.pk])).content.decode()
    assert "Exempt: the bidder declares itself a micro or small enterprise" in form
    refused = carol.post(form_url, {"benchmark_score": "81.5"})
    assert refused.status_code == 400
    assert (
        "The data-protection schedule accepted: Say whether it is met." in refused.content.decode()
    )
    items = [key for key, _ in evaluation.compliance_items(tender)]
    body = {"benchmark_score": "81.5", "remark": "Tested on 400 questions."}
    body |= {f"met-{key}": "yes" for key in items}
    refused = carol.post(form_url, body | {"benchmark_score": "120"})
    assert refused.status_code == 400
    assert "Benchmark score (0–100): Give the benchmark score from 0 to 100." in (
        refused.content.decode()
    )
    for bid in (first, second):
        assert (
            carol.post(reverse("technical_result", args=[tender.pk, bid.pk]), body).status_code
            == 302
        )
    page = carol.get(reverse("tender_detail", args=[tender.pk])).content.decode()
    assert "81.50" in page and "Passed" in page and "Enter your marks" in page

    marks_url = reverse("technical_marks", args=[tender.pk])
    form = carol.get(marks_url).content.decode()
    assert "Answer quality on the buyer&#x27;s benchmark" in form and "Submit my mark sheet" in form
    fields = {
        f"mark-{bid.pk}-{c['criterion_id']}": m
        for bid, row in ((first, CAROL_SECRET), (second, CAROL_SECOND))
        for c, m in zip(CRITERIA, row, strict=True)
    }
    over = fields | {f"mark-{first.pk}-accuracy": "41"}
    refused = carol.post(marks_url, over)
    assert refused.status_code == 400
    assert (
        "Bidder One, Answer quality on the buyer&#x27;s benchmark: give a mark from 0 to 40."
        in refused.content.decode()
    )
    assert carol.post(marks_url, fields).status_code == 302
    page = carol.get(marks_url).content.decode()
    assert "Your mark sheet" in page and "33.33" in page and "Submit my mark sheet" not in page
    approver = Client()
    approver.force_login(bob)
    page = approver.get(reverse("tender_detail", args=[tender.pk])).content.decode()
    assert "mark sheet submitted" in page and "mark sheet not submitted yet" in page
    assert "33.33" not in page


# Insert-only -------------------------------------------------------------------------------------


def test_committee_results_and_mark_sheets_are_insert_only(results, people):
    evaluation.marks_submit(
        user=people.carol,
        tender=results.tender,
        marks=marks_of(results.bids, CAROL_SECRET, CAROL_SECOND),
    )
    if connection.vendor != "postgresql":
        pytest.skip("The insert-only triggers are PostgreSQL's.")
    for sql, pk in (
        (
            "UPDATE procurement_technicalresult SET remark = 'changed' WHERE id = %s",
            TechnicalResult.objects.first().pk,
        ),
        ("UPDATE procurement_marksheet SET marks = '{}' WHERE id = %s", MarkSheet.objects.get().pk),
        (
            "UPDATE procurement_committeemember SET appointed_at = now() WHERE id = %s",
            CommitteeMember.objects.first().pk,
        ),
        ("DELETE FROM procurement_marksheet WHERE id = %s", MarkSheet.objects.get().pk),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    assert MarkSheet.objects.get().marks[str(results.bids[0].pk)]["accuracy"] == "33.33"
