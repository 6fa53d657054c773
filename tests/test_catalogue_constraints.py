"""The database itself refuses what must never be stored, whatever code path writes it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from providers.models import Certification, PriceRecord, Provider, QualityEvaluation
from tests.factories import (
    CertificationFactory,
    OfferingFactory,
    PriceRecordFactory,
    ProviderFactory,
    QualityEvaluationFactory,
)

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_negative_prices_are_refused():
    offering = OfferingFactory()
    for field in ("input_per_mtok", "cached_input_per_mtok", "output_per_mtok"):
        assert refused(
            lambda f=field: PriceRecordFactory(offering=offering, **{f: Decimal("-0.01")})
        )
    dedicated = OfferingFactory(pricing_mode="dedicated")
    assert refused(
        lambda: PriceRecordFactory(
            offering=dedicated,
            input_per_mtok=None,
            cached_input_per_mtok=None,
            output_per_mtok=None,
            gpu_hour_price=Decimal("-1"),
            output_tokens_per_sec_per_gpu=Decimal("2000"),
            gpus_per_node=8,
        )
    )
    assert refused(lambda: PriceRecordFactory(offering=offering, exit_fee=Decimal("-5")))
    assert not PriceRecord.objects.exists()


def test_a_price_must_be_complete_for_one_pricing_mode():
    offering = OfferingFactory()
    assert refused(lambda: PriceRecordFactory(offering=offering, output_per_mtok=None))
    assert refused(lambda: PriceRecordFactory(offering=offering, gpu_hour_price=Decimal("100")))


def test_scores_outside_0_to_100_are_refused():
    assert refused(lambda: QualityEvaluationFactory(score=Decimal("100.01")))
    assert refused(lambda: QualityEvaluationFactory(score=Decimal("-1")))
    QualityEvaluationFactory(score=Decimal("100"))
    assert QualityEvaluation.objects.count() == 1


def test_expiry_before_issue_is_refused():
    assert refused(
        lambda: CertificationFactory(issued_on=dt.date(2026, 1, 2), expires_on=dt.date(2026, 1, 1))
    )
    assert refused(
        lambda: QualityEvaluationFactory(
            evaluated_on=dt.date(2026, 1, 2), valid_until=dt.date(2026, 1, 1)
        )
    )
    CertificationFactory(issued_on=dt.date(2026, 1, 2), expires_on=None)
    assert Certification.objects.count() == 1


def test_local_content_outside_0_to_100_is_refused():
    assert refused(lambda: ProviderFactory(local_content_pct=Decimal("100.01")))
    assert refused(lambda: ProviderFactory(local_content_pct=Decimal("-0.01")))
    assert not Provider.objects.exists()


def test_a_billing_country_must_be_blank_or_two_capital_letters():
    for bad in ("in", "In", "I", "1N", " N"):
        assert refused(lambda code=bad: ProviderFactory(billing_country=code)), bad
    assert not Provider.objects.exists()
    ProviderFactory(billing_country="")
    ProviderFactory(billing_country="SG")
    assert Provider.objects.count() == 2


def test_model_validation_explains_the_same_rules_in_the_admin():
    offering = OfferingFactory(pricing_mode="dedicated")
    price = PriceRecord(offering=offering, effective_from=dt.date(2026, 1, 1), currency="INR")
    with pytest.raises(ValidationError) as failure:
        price.full_clean()
    assert "gpu_hour_price" in failure.value.message_dict
    cert = CertificationFactory.build(
        provider=ProviderFactory(), issued_on=dt.date(2026, 1, 2), expires_on=dt.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError, match="expiry date is before the issue date"):
        cert.full_clean()
    provider = ProviderFactory.build(billing_country="sg")
    with pytest.raises(ValidationError, match="billing country must be blank or a two-letter"):
        provider.full_clean()


def test_mii_class_follows_local_content_thresholds():
    classes = {
        pct: ProviderFactory.build(local_content_pct=Decimal(pct)).mii_class
        for pct in ("50", "49.99", "20.01", "20", "0")
    }
    assert classes == {
        "50": "Class-I",
        "49.99": "Class-II",
        "20.01": "Class-II",
        "20": "Non-local",
        "0": "Non-local",
    }


@pytest.mark.postgres
def test_postgresql_holds_the_check_constraints_itself():
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE contype = 'c'")
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "price_not_negative",
        "price_complete_for_one_mode",
        "evaluation_score_0_100",
        "certification_expires_after_issue",
        "evaluation_valid_after_evaluated",
        "provider_local_content_0_100",
        "provider_billing_country_alpha2",
        "fx_rate_positive",
    } <= names
