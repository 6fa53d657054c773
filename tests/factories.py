"""factory_boy factories for the catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from providers.models import (
    Certification,
    Evaluator,
    Language,
    Offering,
    PriceRecord,
    Provider,
    QualityEvaluation,
    Region,
)


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "en"
    name = "English"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Region {n}")
    country = "IN"
    city = "Mumbai"
    operator_type = "empanelled_commercial"
    operator_name = "Test Cloud India Private Limited"
    operator_ownership = "domestic"
    operator_country = "IN"


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    slug = factory.Sequence(lambda n: f"provider-{n}")
    name = factory.Sequence(lambda n: f"Provider {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} Pvt Ltd")
    headquarters_country = "IN"
    ownership = "domestic"
    local_content_pct = Decimal("55")
    is_demo = True


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    slug = factory.Sequence(lambda n: f"offering-{n}")
    name = factory.Sequence(lambda n: f"Offering {n}")
    model_name = "test-model"
    model_family = "Test"
    pricing_mode = "serverless"
    context_window = 32000
    p95_latency_ms = 800
    sla_availability_pct = Decimal("99.9")
    is_demo = True

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create:
            for region in extracted or []:
                self.processing_regions.add(region)
                self.storage_regions.add(region)
                self.log_regions.add(region)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create:
            self.languages.add(*(extracted or []))


class PriceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceRecord

    offering = factory.SubFactory(OfferingFactory)
    effective_from = dt.date(2026, 1, 1)
    currency = "INR"
    input_per_mtok = Decimal("29.28")
    cached_input_per_mtok = Decimal("10.98")
    output_per_mtok = Decimal("73.20")
    checked_on = dt.date(2026, 1, 5)
    is_demo = True


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    provider = factory.SubFactory(ProviderFactory)
    kind = "iso27001"
    issuer = "Test Certifier"
    issued_on = dt.date(2025, 1, 1)
    expires_on = dt.date(2028, 1, 1)
    is_demo = True


class EvaluatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluator

    slug = factory.Sequence(lambda n: f"lab-{n}")
    name = factory.Sequence(lambda n: f"Lab {n}")
    accredited = True
    is_demo = True


class QualityEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualityEvaluation

    offering = factory.SubFactory(OfferingFactory)
    evaluator = factory.SubFactory(EvaluatorFactory)
    use_case = "health"
    language = factory.SubFactory(LanguageFactory)
    score = Decimal("80")
    method = "Test set"
    evaluated_on = dt.date(2026, 1, 1)
    valid_until = dt.date(2027, 1, 1)
    checked_on = dt.date(2026, 1, 1)
    is_demo = True
