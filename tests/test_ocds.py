"""Open contracting data: every step of a contracting process — from the approved planning
decision to the opening of its tender's bids, the award and the contract — is published as OCDS
1.1.5 releases that validate against the standard's schema shipped with the product, validated
offline; nothing of a bid is published before the award; a restricted decision is never
published at all, nor a restricted award."""

from __future__ import annotations

import csv
import datetime as dt
import json
import socket
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from procurement import awarding, ocds, selectors, services, tendering
from procurement.documents import jobs
from procurement.models import JustificationDocument
from tests.tenders import (
    SEALED_BIDDER,
    SEALED_PRICE,
    approved_decision,
    award_after_rounds,
    bid_values,
    clock_at,
    evaluated_tender,
    tender_values,
)

pytestmark = pytest.mark.django_db

CODELISTS = Path(ocds.__file__).parent / "schema" / "codelists"


@pytest.fixture
def decision(alice, bob, comparison):
    return approved_decision(alice, bob, comparison)


@pytest.fixture
def tender(alice, decision):
    return tendering.tender_create(user=alice, decision=decision, values=tender_values())


def get(name: str, ocid: str | None = None, query: str = "") -> Any:
    """An anonymous request to an OCDS route."""
    path = reverse(f"api:{name}", kwargs={"ocid": ocid} if ocid else None)
    return Client().get(path + query)


def body(response: Any) -> dict[str, Any]:
    """The answer's JSON, its numbers read exactly."""
    assert response.status_code == 200, response.content[:300]
    document: dict[str, Any] = json.loads(response.content, parse_float=Decimal)
    return document


def package_of(decision: Any) -> dict[str, Any]:
    return body(get("ocds-release-package", ocds.ocid(decision)))


def test_an_approved_planning_decision_is_a_valid_planning_release(decision, comparison):
    package = package_of(decision)
    assert ocds.validate(package) == []
    [release] = package["releases"]
    assert release["ocid"] == f"ocds-demo00-{decision.pk}"
    assert release["tag"] == ["planning"] and release["initiationType"] == "tender"
    assert release["buyer"] == {"id": "IN-DEPT-health", "name": "eHealth Division"}
    assert release["parties"][0]["roles"] == ["buyer"]
    # The estimate is the comparison's, to the paisa, written as a JSON number.
    estimate = selectors.comparison_results(comparison).estimated_value.amount_inr
    assert estimate is not None
    assert release["planning"]["budget"]["amount"] == {"amount": estimate, "currency": "INR"}
    assert f'"amount":{estimate}' in get("ocds-release-package", ocds.ocid(decision)).text
    [survey] = release["planning"]["documents"]
    assert comparison.fingerprint in survey["description"]


def test_after_the_tender_the_process_has_a_tender_release_and_the_record_compiles_it(
    decision, tender
):
    package = package_of(decision)
    assert ocds.validate(package) == []
    assert [r["tag"] for r in package["releases"]] == [["planning"], ["tender"]]
    assert len({r["id"] for r in package["releases"]}) == 2
    record = body(get("ocds-record", ocds.ocid(decision)))
    assert ocds.validate(record) == []
    compiled = record["records"][0]["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["tender"]["id"] == tender.reference
    assert compiled["tender"]["status"] == "active"
    assert compiled["tender"]["awardCriteria"] == "priceOnly"  # the comparison's L1
    assert compiled["tender"]["value"] == compiled["planning"]["budget"]["amount"]
    assert (
        compiled["tender"]["tenderPeriod"]["endDate"]
        == tender.bid_deadline.astimezone(dt.UTC).isoformat()
    ), "the bid deadline"
    # The one party has merged by id: buyer from planning, procuring entity from the tender.
    [party] = compiled["parties"]
    assert party["roles"] == ["buyer", "procuringEntity"]


def test_no_release_shows_a_bid_before_the_opening_and_the_opening_counts_them(
    alice, decision, tender, comparison
):
    tendering.bid_record(user=alice, tender=tender, values=bid_values(comparison))
    today = timezone.localdate()
    month = f"?from={today}&to={today + dt.timedelta(days=60)}"

    def published() -> list[str]:
        return [
            get("ocds-release-package", ocds.ocid(decision)).text,
            get("ocds-record", ocds.ocid(decision)).text,
            get("ocds-releases", query=month).text,
        ]

    for text in published():
        assert SEALED_BIDDER not in text and str(SEALED_PRICE) not in text
        assert "numberOfTenderers" not in text
    with clock_at(tender.opening_at + dt.timedelta(minutes=5)):
        tendering.tender_open(user=alice, tender=tender)
    package = package_of(decision)
    assert ocds.validate(package) == []
    assert [r["tag"] for r in package["releases"]] == [["planning"], ["tender"], ["tenderUpdate"]]
    opened = package["releases"][-1]["tender"]
    assert opened["numberOfTenderers"] == 1 and opened["status"] == "complete"
    assert "numberOfTenderers" not in package["releases"][1]["tender"], "the tender as published"
    record = body(get("ocds-record", ocds.ocid(decision)))
    assert record["records"][0]["compiledRelease"]["tender"]["numberOfTenderers"] == 1
    for text in published():
        assert SEALED_BIDDER not in text and str(SEALED_PRICE) not in text


def test_the_final_file_note_once_ready_is_a_planning_update(decision, comparison):
    note = JustificationDocument.objects.get(comparison=comparison, final=True)
    jobs.document_render(str(note.pk))
    note.refresh_from_db()
    package = package_of(decision)
    assert ocds.validate(package) == []
    planning, update = package["releases"]
    assert update["tag"] == ["planningUpdate"] and update["id"] != planning["id"]
    assert [d["id"] for d in update["planning"]["documents"]] == [
        f"comparison-{comparison.pk}",
        str(note.pk),
    ]
    assert note.sha256 in update["planning"]["documents"][1]["description"]


def test_the_codes_published_from_open_codelists_are_in_the_codelists_shipped(
    alice, decision, tender
):
    with clock_at(tender.opening_at):
        tendering.tender_open(user=alice, tender=tender)
    releases = ocds.releases(decision)

    def codes(name: str) -> set[str]:
        with (CODELISTS / f"{name}.csv").open(encoding="utf-8") as rows:
            return {row["Code"] for row in csv.DictReader(rows)}

    used = {
        "partyRole": {role for r in releases for p in r["parties"] for role in p["roles"]},
        "documentType": {
            d["documentType"] for r in releases for d in r.get("planning", {}).get("documents", [])
        },
        "submissionMethod": {
            m for r in releases for m in r.get("tender", {}).get("submissionMethod", [])
        },
        "awardCriteria": {r["tender"]["awardCriteria"] for r in releases if "tender" in r},
    }
    for codelist, values in used.items():
        assert values and values <= codes(codelist), codelist


def test_a_restricted_decision_is_published_nowhere(alice, bob, comparison):
    restricted = services.decision_approve(
        user=bob,
        decision=services.decision_propose(
            user=alice,
            comparison=comparison,
            offer_id=comparison.recommended_offer_id,
            restricted=True,
        ),
    )
    tendering.tender_create(user=alice, decision=restricted, values=tender_values())
    again = services.comparison_run(
        user=alice, workload=comparison.workload, decision_date=dt.date(2026, 11, 27)
    )
    published = approved_decision(alice, bob, again)
    hidden = ocds.ocid(restricted)
    for name in ("ocds-release-package", "ocds-record"):
        assert get(name, hidden).status_code == 404, name
        assert get(name, ocds.ocid(published)).status_code == 200, name
    bulk = body(get("ocds-releases"))
    assert {r["ocid"] for r in bulk["releases"]} == {ocds.ocid(published)}
    assert hidden not in json.dumps(bulk, default=str)
    with pytest.raises(Http404):
        ocds.releases(restricted)


@pytest.mark.parametrize(
    "ocid",
    [
        "ocds-demo00-987654321",
        "ocds-demo00-999999999999999999",
        "ocds-other1-{pk}",
        "{pk}",
        "ocds-demo00-0{pk}",
        "ocds-demo00-",
    ],
)
def test_an_unknown_ocid_is_a_404(decision, ocid):
    for name in ("ocds-release-package", "ocds-record"):
        response = get(name, ocid.format(pk=decision.pk))
        assert response.status_code == 404 and response.json() == {
            "detail": "No such contracting process."
        }


def test_a_proposal_not_yet_approved_is_not_published(alice, comparison):
    proposed = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id
    )
    assert get("ocds-release-package", ocds.ocid(proposed)).status_code == 404


def test_the_bulk_package_holds_the_releases_dated_in_the_range(alice, decision, tender):
    today = timezone.localdate()
    package = body(get("ocds-releases"))  # by default, the last 31 days
    assert ocds.validate(package) == []
    assert [r["tag"] for r in package["releases"]] == [["planning"], ["tender"]]
    assert package["uri"].endswith(
        f"/api/v1/ocds/releases.json?from={today - dt.timedelta(days=30)}&to={today}"
    )
    with clock_at(tender.opening_at):
        tendering.tender_open(user=alice, tender=tender)
    opening_day = timezone.localdate(tender.opening_at)
    later = body(get("ocds-releases", query=f"?from={opening_day}&to={opening_day}"))
    assert [r["tag"] for r in later["releases"]] == [["tenderUpdate"]]
    empty = get("ocds-releases", query="?from=2020-01-01&to=2020-12-31")
    assert empty.status_code == 404
    assert empty.json() == {"detail": "No release is dated from 2020-01-01 to 2020-12-31."}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=2026-13-01&to=2026-12-31", "from"),
        ("?from=2026-02-29&to=2026-12-31", "from"),
        ("?from=1999-12-31&to=2026-12-31", "from"),
        ("?from=2026-1-1&to=2026-12-31", "from"),
        ("?to=20261231", "to"),
        ("?to=2026-12-31&to=2026-12-30", "to"),
    ],
)
def test_a_bad_range_is_a_400_naming_the_parameter(query, field):
    response = get("ocds-releases", query=query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_range_of_366_days_is_answered_whole_and_a_longer_one_in_pieces(decision):
    whole = get("ocds-releases", query="?from=2026-01-01&to=2027-01-01")
    assert whole.status_code in (200, 404) and "Link" not in whole
    longer = get("ocds-releases", query="?from=2026-01-01&to=2099-12-31")
    assert longer.status_code in (200, 404)
    assert longer["Link"].endswith('?from=2027-01-02&to=2099-12-31>; rel="next"')
    backwards = get("ocds-releases", query="?from=2026-02-01&to=2026-01-31")
    assert backwards.status_code == 404


def test_validation_fails_on_a_broken_package(decision, tender):
    releases = ocds.releases(decision)
    package = ocds.release_package(releases, "https://example.gov.in/p.json", releases[-1]["date"])
    assert ocds.validate(package) == []
    broken = json.loads(json.dumps(package, default=str))
    del broken["releases"][0]["ocid"]
    broken["releases"][1]["tender"]["status"] = "open for bids"
    broken["releases"][1]["date"] = "yesterday"
    errors = ocds.validate(broken)
    assert any("'ocid' is a required property" in e for e in errors), errors
    assert any(e.startswith("releases/1/tender/status") for e in errors), errors
    assert any(e.startswith("releases/1/date") for e in errors), errors
    # An amount is a number, not a string.
    assert any("amount" in e for e in errors), errors
    record = ocds.record(ocds.ocid(decision))
    assert ocds.validate(record) == []
    del record["records"][0]["compiledRelease"]["tag"]
    assert ocds.validate(record) == ["records/0/compiledRelease: 'tag' is a required property"]


def test_validation_never_touches_the_network(decision):
    package = ocds.release_package(ocds.releases(decision), "https://example.gov.in/p.json", "x")
    ocds._validators.cache_clear()  # built again below, with the network cut

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("validation tried to reach the network")

    with (
        mock.patch.object(socket.socket, "connect", refuse),
        mock.patch("socket.create_connection", refuse),
        mock.patch("urllib.request.urlopen", refuse),
    ):
        errors = ocds.validate(package)
    assert errors == ["publishedDate: 'x' is not a 'date-time'"]


def test_the_release_package_answers_in_a_constant_number_of_queries(
    alice, bob, decision, tender, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the process with its rows; its ready file notes
        get("ocds-release-package", ocds.ocid(decision))


# The award and the contract -----------------------------------------------------------------


@pytest.fixture
def awarded(alice, bob, departments, demo_catalogue):
    """An L1 tender of department A whose award, after two rounds of invitations to match L1,
    is approved: (tender, bids, planning decision, award)."""
    tender, bids, planning = evaluated_tender(alice, bob)
    return tender, bids, planning, award_after_rounds(alice, bob, tender)


def sign(alice: Any, tender: Any) -> Any:
    """The contract signed two days after the opening."""
    with clock_at(tender.opening_at + dt.timedelta(days=2)):
        return awarding.contract_sign(
            user=alice,
            tender=tender,
            reference="DOH/IT/2026/17/C1",
            signed_on=timezone.localdate(),
        )


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def test_the_award_and_the_contract_are_releases_of_the_process_in_date_order(alice, awarded):
    tender, bids, planning, award = awarded
    note = JustificationDocument.objects.get(comparison=planning.comparison, final=True)
    with clock_at(tender.published_at + dt.timedelta(hours=1)):
        jobs.document_render(str(note.pk))
    signing = sign(alice, tender)

    package = package_of(planning)
    assert ocds.validate(package) == []
    releases = package["releases"]
    assert [r["tag"] for r in releases] == [
        ["planning"],
        ["tender"],
        ["planningUpdate"],
        ["tenderUpdate"],
        ["award"],
        ["contract"],
    ]
    dates = [dt.datetime.fromisoformat(r["date"]) for r in releases]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert len({r["id"] for r in releases}) == len(releases)
    # The file note, ready after the tender's publication, keeps the procuring entity's role.
    assert releases[2]["parties"][0]["roles"] == ["buyer", "procuringEntity"]

    awarded_release, contract_release = releases[-2:]
    assert awarded_release["date"] == utc(award.decided_at)
    [section] = awarded_release["awards"]
    supplier = {"id": f"bidder-{bids[2].pk}", "name": "Class-I B Ltd"}
    assert section["suppliers"] == [supplier] and section["status"] == "active"
    # Class-I B Ltd matched L1: the buyer pays L1's nominal cost over the term, to the paisa.
    evaluation = selectors.latest_evaluation(tender)
    assert evaluation is not None and award.comparison == evaluation
    outcome = selectors.comparison_results(evaluation).recommendation.award
    assert outcome.offer_id == awarding.offer_id_of(bids[2])
    assert outcome.price_offer_id == awarding.offer_id_of(bids[0])
    assert section["value"] == {"amount": outcome.nominal_inr, "currency": "INR"}
    assert "Lowest Class-II Ltd's bid (L1), which Class-I B Ltd matched" in section["description"]
    # Every bidder is a tenderer; the awarded one the supplier too.
    roles = {p["id"]: p["roles"] for p in awarded_release["parties"]}
    assert roles == {
        "IN-DEPT-health": ["buyer", "procuringEntity"],
        f"bidder-{bids[0].pk}": ["tenderer"],
        f"bidder-{bids[1].pk}": ["tenderer"],
        supplier["id"]: ["tenderer", "supplier"],
    }
    assert awarded_release["tender"]["tenderers"] == [
        {"id": f"bidder-{bid.pk}", "name": bid.bidder_name} for bid in bids
    ]
    declined, accepted = (
        timezone.localdate(tender.opening_at + dt.timedelta(days=days)) for days in (0, 1)
    )
    assert awarded_release["tender"]["awardCriteria"] == "priceOnly"
    assert awarded_release["tender"]["awardCriteriaDetails"].endswith(
        f"Make in India purchase preference: Class-I A Ltd declined on {declined:%d %b %Y}; "
        f"Class-I B Ltd accepted on {accepted:%d %b %Y} to match L1."
    )

    assert contract_release["date"] == utc(signing.recorded_at)
    [contract] = contract_release["contracts"]
    assert contract["awardID"] == section["id"] and contract["id"] == "DOH/IT/2026/17/C1"
    assert contract["status"] == "active" and contract["value"] == section["value"]
    day_before = signing.signed_on - dt.timedelta(days=1)
    assert contract["dateSigned"] == f"{day_before}T18:30:00+00:00", "midnight, Indian time"
    # The workload's three years from 1 January 2027 (2028 a leap year).
    assert contract["period"] == {
        "startDate": "2026-12-31T18:30:00+00:00",
        "endDate": "2029-12-31T18:29:59+00:00",
        "durationInDays": 1096,
    }

    record = body(get("ocds-record", ocds.ocid(planning)))
    assert ocds.validate(record) == []
    compiled = record["records"][0]["compiledRelease"]
    assert compiled["awards"][0]["suppliers"] == [supplier]
    assert compiled["awards"][0]["value"] == section["value"]
    assert compiled["contracts"][0]["dateSigned"] == contract["dateSigned"]
    assert compiled["tender"]["numberOfTenderers"] == 3 and compiled["tender"]["status"] == (
        "complete"
    )
    assert {p["id"]: p["roles"] for p in compiled["parties"]} == roles
    with (CODELISTS / "partyRole.csv").open(encoding="utf-8") as rows:
        assert {"tenderer", "supplier"} <= {row["Code"] for row in csv.DictReader(rows)}


def test_no_release_before_the_award_names_a_bidder(alice, awarded):
    tender, bids, planning, award = awarded
    sign(alice, tender)
    releases = ocds.releases(planning)
    before = [r for r in releases if r["tag"][0] not in ("award", "contract")]
    assert [r["tag"] for r in before] == [["planning"], ["tender"], ["tenderUpdate"]]
    for release in before:
        text = json.dumps(release, default=str)
        assert "bidder-" not in text
        assert not [bid.bidder_name for bid in bids if bid.bidder_name in text]


def test_the_bulk_package_over_the_awards_day_holds_the_award(alice, awarded):
    tender, _, planning, award = awarded
    day = timezone.localdate(award.decided_at)
    package = body(get("ocds-releases", query=f"?from={day}&to={day}"))
    assert ocds.validate(package) == []
    assert ["award"] in [r["tag"] for r in package["releases"]]
    # The award is a step of the planning decision's process, not a process of its own.
    assert {r["ocid"] for r in package["releases"]} == {ocds.ocid(planning)}
    assert get("ocds-release-package", ocds.ocid(award)).status_code == 404
    signing = sign(alice, tender)
    signed = timezone.localdate(signing.recorded_at)
    later = body(get("ocds-releases", query=f"?from={signed}&to={signed}"))
    assert ocds.validate(later) == []
    assert [r["tag"] for r in later["releases"]] == [["contract"]]


def test_the_award_of_a_restricted_process_is_published_nowhere(
    alice, bob, departments, demo_catalogue
):
    tender, _, planning = evaluated_tender(alice, bob, restricted=True)
    award = award_after_rounds(alice, bob, tender)
    assert award.restricted  # an award takes its planning decision's restriction
    sign(alice, tender)
    for name in ("ocds-release-package", "ocds-record"):
        assert get(name, ocds.ocid(planning)).status_code == 404, name
    day = timezone.localdate(tender.opening_at)
    bulk = get("ocds-releases", query=f"?from={day}&to={day + dt.timedelta(days=3)}")
    assert bulk.status_code == 404


def test_a_restricted_award_is_left_out_of_a_published_process(
    alice, bob, departments, demo_catalogue
):
    tender, _, planning = evaluated_tender(alice, bob)
    with clock_at(tender.opening_at + dt.timedelta(hours=1)):
        evaluation = awarding.evaluation_run(user=alice, tender=tender)
        proposed = services.decision_propose(
            user=alice,
            comparison=evaluation,
            offer_id=evaluation.recommended_offer_id,
            restricted=True,
        )
        services.decision_approve(user=bob, decision=proposed)
    package = package_of(planning)
    assert [r["tag"] for r in package["releases"]] == [["planning"], ["tender"], ["tenderUpdate"]]
    day = timezone.localdate(tender.opening_at)
    bulk = body(get("ocds-releases", query=f"?from={day}&to={day}"))
    assert [r["tag"] for r in bulk["releases"]] == [["tenderUpdate"]]


def test_an_awarded_process_answers_in_a_constant_number_of_queries(
    alice, awarded, django_assert_num_queries
):
    tender, _, planning, _ = awarded
    sign(alice, tender)
    # The process with its rows; its ready file notes; the award with its evaluation; the bids;
    # the invitations with their replies.
    with django_assert_num_queries(5):
        get("ocds-release-package", ocds.ocid(planning))
