"""Eligibility rules: a stable code, a sentence with the numbers, a citation, per outcome."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from procurement.engine import FxRate, Offer, RuleOutcome, Workload, check_eligibility
from procurement.engine.facts import mii_class
from tests.engine.builders import (
    AWS_MUMBAI,
    DECISION,
    INDIA,
    NIC_DELHI,
    US_EAST,
    USD,
    certs,
    evals,
    foreign_offer,
    foreign_provider,
    offer,
    price,
    provider,
    workload,
)

D = Decimal


FIVE_CRORE = Decimal(50_000_000)


def outcomes(
    o: Offer,
    w: Workload | None = None,
    value: Decimal | None = FIVE_CRORE,
    fx: tuple[FxRate, ...] = (USD,),
) -> tuple[RuleOutcome, ...]:
    """All outcomes for one offer, at an estimated value of ₹5 crore unless given."""
    return check_eligibility(
        w or workload(), o, INDIA, DECISION, estimated_value_inr=value, fx_rates=fx
    )


def only(results: tuple[RuleOutcome, ...], code: str, subject: str = "") -> RuleOutcome:
    found = [r for r in results if r.code == code and (not subject or r.subject == subject)]
    assert len(found) == 1, f"{code}/{subject}: {found}"
    return found[0]


def test_a_compliant_offer_passes_every_rule() -> None:
    results = outcomes(offer())
    assert [r.code for r in results if r.status != "pass"] == []
    assert {r.code for r in results} >= {
        "RESIDENCY",
        "CLOUD_EMPANELMENT",
        "CERTIFICATION",
        "QUALITY",
        "LANGUAGES",
        "CONTEXT_WINDOW",
        "TERMS_TRAINING",
        "LAND_BORDER",
        "SUPPLIER_LOCAL_CONTENT",
        "MII_LC_CERTIFICATE",
    }


@pytest.mark.parametrize(
    ("tags", "region", "status", "words"),
    [
        (("public",), US_EAST, "pass", "'public'"),
        (("internal",), US_EAST, "fail", "has processing in us-east-1 (US)"),
        (("internal",), AWS_MUMBAI, "pass", "'internal'"),
        (("personal",), AWS_MUMBAI, "pass", "'personal'"),
        (("category_a",), AWS_MUMBAI, "fail", "run as empanelled_commercial"),
        (("category_a",), NIC_DELHI, "pass", "'category_a'"),
        (("secret",), NIC_DELHI, "fail", "may not be processed on any cloud"),
        # the strictest tag wins
        (("public", "category_a"), AWS_MUMBAI, "fail", "'category_a'"),
        (("personal", "internal"), AWS_MUMBAI, "pass", "strictest tag on this workload"),
    ],
)
def test_residency_by_data_classification(
    tags: tuple[str, ...], region: object, status: str, words: str
) -> None:
    result = only(outcomes(offer(region=region), workload(data_classification=tags)), "RESIDENCY")
    assert result.status == status
    assert words in result.message
    assert result.confidence == "S"
    assert result.confidence_label == "reported, primary text not verified"
    assert "MeitY" in result.citation.issuer or "RBI" in result.citation.issuer


def test_logs_abroad_fail_residency_even_when_processing_is_in_india() -> None:
    o = offer(log_regions=(US_EAST,))
    result = only(outcomes(o), "RESIDENCY")
    assert result.status == "fail"
    assert "has logs in us-east-1 (US)" in result.message


def test_missing_log_location_is_a_failure() -> None:
    result = only(outcomes(offer(log_regions=())), "RESIDENCY")
    assert (result.status, "states no logs region" in result.message) == ("fail", True)


def test_sensitive_personal_data_needs_guaranteed_in_country_processing() -> None:
    w = workload(data_classification=("sensitive_personal",))
    result = only(outcomes(offer(india_processing_guaranteed=False), w), "RESIDENCY")
    assert result.status == "fail"
    assert "does not guarantee in-country processing" in result.message
    assert "RBI" in result.citation.issuer


@pytest.mark.parametrize(
    ("region", "certifications", "status", "words"),
    [
        (AWS_MUMBAI, certs("iso27001", "meity_empanelment"), "pass", "are empanelled"),
        (US_EAST, certs("iso27001", "meity_empanelment"), "fail", "us-east-1 is other_commercial"),
        (AWS_MUMBAI, certs("iso27001"), "fail", "no meity_empanelment certification is valid"),
        (NIC_DELHI, certs("iso27001"), "pass", "empanelment is not required"),
    ],
)
def test_commercial_cloud_must_be_meity_empanelled(
    region: object, certifications: tuple[object, ...], status: str, words: str
) -> None:
    result = only(
        outcomes(offer(region=region, certifications=certifications)), "CLOUD_EMPANELMENT"
    )
    assert (result.status, words in result.message) == (status, True), result.message


@pytest.mark.parametrize(
    ("issued", "expires", "status", "words"),
    [
        (dt.date(2025, 1, 1), dt.date(2031, 1, 1), "pass", "valid on the decision date 2026-05-01"),
        (dt.date(2023, 1, 1), dt.date(2026, 4, 30), "fail", "expired on 2026-04-30"),
        (dt.date(2026, 5, 2), None, "fail", "issued 2026-05-02, after the decision date"),
        (dt.date(2025, 1, 1), dt.date(2026, 5, 1), "pass", "until 2026-05-01"),  # last valid day
    ],
)
def test_certifications_must_be_valid_on_the_decision_date(
    issued: dt.date, expires: dt.date | None, status: str, words: str
) -> None:
    from procurement.engine import Certification

    cert = Certification("iso27001", "BSI", issued, expires)
    o = offer(certifications=(cert, *certs("meity_empanelment")))
    result = only(outcomes(o), "CERTIFICATION", "iso27001")
    assert result.status == status
    assert words in result.message


def test_missing_certification_says_so() -> None:
    result = only(outcomes(offer(certifications=certs("meity_empanelment"))), "CERTIFICATION")
    assert (result.status, result.message) == ("fail", "No iso27001 certification is on record.")


def test_certification_expiring_during_the_term_is_a_warning() -> None:
    o = offer(certifications=certs("iso27001", "meity_empanelment", expires=dt.date(2027, 3, 31)))
    result = only(outcomes(o), "CERTIFICATION_EXPIRY", "iso27001")
    assert result.status == "warning"
    assert "before the contract ends on 2029-06-01" in result.message


@pytest.mark.parametrize(
    ("evaluations", "lang", "status", "words"),
    [
        (evals(85), "hi", "pass", "score 85 by IndicEval Lab"),
        (evals(85, languages=("en",)), "hi", "fail", "none is on record"),
        (evals(85, accredited=False), "hi", "fail", "evaluator not accredited"),
        (evals(85, use_case="health"), "hi", "fail", "No certified 'general' evaluation in 'hi'"),
        (evals(65), "en", "fail", "is below the bar of 70"),
    ],
)
def test_quality_needs_certified_evidence_in_every_language(
    evaluations: tuple[object, ...], lang: str, status: str, words: str
) -> None:
    result = only(outcomes(offer(evaluations=evaluations)), "QUALITY", lang)
    assert result.status == status
    assert words in result.message
    # Defect 8: the bar is the buyer's own specification (GFR Rule 144), not Rule 192 (QCBS
    # technical marks for consultancy).
    assert "Rule 144" in result.citation.text() and "192" not in result.citation.text()


def test_expired_evaluation_is_not_certified_evidence() -> None:
    old = tuple(
        dataclasses.replace(e, evaluated_on=dt.date(2024, 1, 1), valid_until=dt.date(2025, 1, 1))
        for e in evals(90)
    )
    result = only(outcomes(offer(evaluations=old)), "QUALITY", "en")
    assert result.status == "fail"
    assert "expired 2025-01-01" in result.message


def test_health_use_case_has_a_higher_bar() -> None:
    w = workload(use_case="health")
    o = offer(evaluations=evals(78, use_case="health"))
    result = only(outcomes(o, w), "QUALITY", "en")
    assert result.status == "fail"
    assert "score 78" in result.message and "bar of 80" in result.message


def test_most_recent_certified_evaluation_is_used() -> None:
    newer = tuple(
        dataclasses.replace(e, evaluated_on=dt.date(2026, 3, 1), score=D(72)) for e in evals()
    )
    result = only(outcomes(offer(evaluations=(*evals(95), *newer))), "QUALITY", "en")
    assert "score 72" in result.message


@pytest.mark.parametrize(
    ("changes", "code", "status", "words"),
    [
        ({"p95_latency_ms": 1200}, "LATENCY", "fail", "1200 ms exceeds the maximum of 1000 ms"),
        ({"p95_latency_ms": None}, "LATENCY", "fail", "No measured p95 latency"),
        ({"p95_latency_ms": 1000}, "LATENCY", "pass", "within the maximum of 1000 ms"),
        (
            {"sla_availability_pct": D("99.5")},
            "AVAILABILITY",
            "fail",
            "99.5 % is below the required 99.9 %",
        ),
        ({"sla_availability_pct": None}, "AVAILABILITY", "fail", "No availability SLA"),
        ({"languages": ("en",)}, "LANGUAGES", "fail", "Does not support hi"),
        ({"context_window": 512}, "CONTEXT_WINDOW", "fail", "needs 600 tokens"),
    ],
)
def test_workload_requirements(
    changes: dict[str, object], code: str, status: str, words: str
) -> None:
    w = workload(max_p95_latency_ms=1000, min_availability_pct=D("99.9"))
    result = only(outcomes(offer(**changes), w), code)
    assert (result.status, words in result.message) == (status, True), result.message


@pytest.mark.parametrize(
    ("lc", "expected"),
    [(D(50), "class_i"), (D("49.99"), "class_ii"), (D("20.01"), "class_ii"), (D(20), "non_local")],
)
def test_make_in_india_class_boundaries(lc: Decimal, expected: str) -> None:
    """Para 2: Class-I ≥ 50 %, Class-II > 20 %, non-local ≤ 20 % (LC 50 % is Class-I)."""
    assert mii_class(offer(provider=provider(local_content_pct=lc)), INDIA) == expected


@pytest.mark.parametrize(
    ("value", "approved", "status", "words"),
    [
        (D(50_000_000), False, "fail", "may bid only in a global tender enquiry"),
        (
            D(50_000_000),
            True,
            "pass",
            "approval of Secretary (Coordination), Cabinet Secretariat for a global tender "
            "enquiry is recorded",
        ),
        (D(2_000_000_000), False, "fail", "up to and including ₹200 crore"),
        (D(2_000_000_000), True, "pass", "Secretary (Coordination), Cabinet Secretariat"),
        (D("2000000000.01"), False, "pass", "is above ₹200 crore"),
        (D("1999999999.99"), False, "fail", "up to and including ₹200 crore"),
        (D(499_999), False, "pass", "The Make in India order is not applied"),
    ],
)
def test_non_local_suppliers_only_in_a_global_tender_enquiry(
    value: Decimal, approved: bool, status: str, words: str
) -> None:
    """Defect 8. GFR Rule 161(iv)(b) (DoE OM 15.05.2020): no global tender enquiry for tenders
    *up to* ₹200 crore — so at exactly ₹200 crore none — unless approved by Secretary
    (Coordination), Cabinet Secretariat (DoE OM 28.05.2020); MII para 3(b): non-local suppliers
    bid only in one."""
    w = workload(global_tender_approved=approved)
    result = only(outcomes(foreign_offer(), w, value), "SUPPLIER_LOCAL_CONTENT")
    assert (result.status, words in result.message) == (status, True), result.message
    if status == "fail":
        assert "161(iv)" in result.citation.text() and result.confidence == "P"


def test_unknown_value_is_treated_conservatively() -> None:
    w = workload(global_tender_approved=False)
    result = only(outcomes(foreign_offer(), w, None), "SUPPLIER_LOCAL_CONTENT")
    assert result.status == "fail" and "estimated value is unknown" in result.message


@pytest.mark.parametrize(
    ("registered_until", "status"),
    [(None, "fail"), (dt.date(2026, 4, 30), "fail"), (dt.date(2026, 5, 1), "pass")],
)
def test_land_border_suppliers_need_registration(
    registered_until: dt.date | None, status: str
) -> None:
    o = foreign_offer(
        provider=foreign_provider(
            headquarters_country="CN",
            land_border_country=True,
            dpiit_registered_until=registered_until,
        )
    )
    result = only(outcomes(o), "LAND_BORDER")
    assert result.status == status
    assert "144(xi)" in result.citation.text()


@pytest.mark.parametrize(
    ("value", "status", "words"),
    [
        (D(100_000_001), "warning", "must be certified by a statutory or cost auditor"),
        (D(100_000_000), "pass", "self-certification"),
    ],
)
def test_local_content_auditor_certificate_above_ten_crore(
    value: Decimal, status: str, words: str
) -> None:
    result = only(outcomes(offer(), value=value), "MII_LC_CERTIFICATE")
    assert (result.status, words in result.message) == (status, True)
    assert "9(b)" in result.citation.clause


@pytest.mark.parametrize(
    ("changes", "code", "status"),
    [
        ({"trains_on_customer_data": "no_policy_only"}, "TERMS_TRAINING", "fail"),
        ({"retention_days": 90}, "TERMS_RETENTION", "warning"),
        ({"retention_days": None}, "TERMS_RETENTION", "warning"),
        ({"deprecation_notice_days": 60}, "TERMS_DEPRECATION_NOTICE", "warning"),
        ({"shutdown_date": dt.date(2027, 1, 1)}, "TERMS_SHUTDOWN", "warning"),
        ({"pinned_snapshot": False}, "TERMS_PINNED", "warning"),
    ],
)
def test_contract_terms(changes: dict[str, object], code: str, status: str) -> None:
    assert only(outcomes(offer(**changes)), code).status == status


def test_foreign_currency_without_a_rate_cannot_be_priced() -> None:
    later = FxRate("USD", D(92), DECISION + dt.timedelta(days=1), "after the decision")
    result = only(outcomes(foreign_offer(), fx=(later,)), "PRICE_FX")
    assert result.status == "fail"
    assert "No USD→INR rate dated on or before 2026-05-01" in result.message


def test_stale_price_and_demo_data_are_warnings() -> None:
    o = offer(price=price(checked_on=dt.date(2025, 6, 1), is_demo=True))
    results = outcomes(o)
    assert only(results, "PRICE_STALE").status == "warning"
    assert "334 days before the decision date" in only(results, "PRICE_STALE").message
    assert only(results, "DEMO_DATA").status == "warning"


def test_every_outcome_carries_a_citation_and_confidence_label() -> None:
    results = outcomes(foreign_offer(region=US_EAST), workload(global_tender_approved=False))
    for r in results:
        assert r.citation.document and r.citation.clause
        assert r.confidence in {"P", "S", "M", "D", "A"}
        assert r.confidence_label


@pytest.mark.parametrize(
    ("classification", "status"),
    [(("public",), "warning"), (("personal",), "fail"), (("internal",), "fail")],
)
def test_cert_in_logs_held_abroad(classification: tuple[str, ...], status: str) -> None:
    """Defect 4. CERT-In Directions of 28.04.2022, para (iv): logs of all ICT systems kept for a
    rolling 180 days within the Indian jurisdiction. Logs abroad are a warning for every
    classification (the FAQ of 18.05.2022 is said to soften it but does not amend it), and a
    failure where the pack's residency rule for a classification requires logs in India."""
    o = dataclasses.replace(offer(), log_regions=(US_EAST,))
    w = workload(data_classification=classification)
    result = only(outcomes(o, w), "CERT_IN_LOGS")
    assert result.status == status, result.message
    assert "20(3)/2022-CERT-In dated 28.04.2022" in result.citation.text()
    assert "(iv)" in result.citation.clause
    assert result.confidence == "S"
    assert "180 days" in result.message
    if status == "warning":
        assert "does not amend the direction" in result.message


def test_cert_in_logs_in_india_pass() -> None:
    result = only(outcomes(offer(), workload(data_classification=("public",))), "CERT_IN_LOGS")
    assert result.status == "pass"
