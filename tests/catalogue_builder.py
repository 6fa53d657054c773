"""Build catalogues of any size for query-count and rendering tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from providers.models import Offering
from tests.factories import (
    CertificationFactory,
    EvaluatorFactory,
    LanguageFactory,
    OfferingFactory,
    PriceRecordFactory,
    ProviderFactory,
    QualityEvaluationFactory,
    RegionFactory,
)


def build_catalogue(offerings: int, providers: int = 5) -> list[Offering]:
    """``offerings`` spread over ``providers``, each with two prices, evaluations in two
    languages, regions inside and outside India and a mix of valid and expired certificates."""
    languages = [
        LanguageFactory(code="en", name="English"),
        LanguageFactory(code="hi", name="Hindi"),
        LanguageFactory(code="ta", name="Tamil"),
    ]
    india = RegionFactory(country="IN", city="Mumbai", operator_type="empanelled_commercial")
    abroad = RegionFactory(
        country="US",
        city="Ashburn",
        operator_type="other_commercial",
        operator_name="Test Cloud Inc.",
        operator_ownership="foreign",
        operator_country="US",
    )
    lab = EvaluatorFactory()
    owners = [
        ProviderFactory(
            ownership="domestic" if i % 2 == 0 else "foreign",
            headquarters_country="IN" if i % 2 == 0 else "US",
        )
        for i in range(providers)
    ]
    for provider in owners:
        CertificationFactory(provider=provider, kind="iso27001")
        CertificationFactory(
            provider=provider,
            kind="soc2",
            issued_on=dt.date(2022, 1, 1),
            expires_on=dt.date(2023, 1, 1),
        )
    made = []
    for i in range(offerings):
        provider = owners[i % providers]
        dedicated = i % 4 == 3
        offering = OfferingFactory(
            provider=provider,
            pricing_mode="dedicated" if dedicated else "serverless",
            regions=[india] if provider.ownership == "domestic" else [abroad],
            languages=languages[: 1 + i % 3],
        )
        for day, factor in (
            (dt.date(2025, 6, 1), Decimal("1.2")),
            (dt.date(2026, 1, 1), Decimal(1)),
        ):
            if dedicated:
                PriceRecordFactory(
                    offering=offering,
                    effective_from=day,
                    input_per_mtok=None,
                    cached_input_per_mtok=None,
                    output_per_mtok=None,
                    gpu_hour_price=Decimal("115.85") * factor,
                    output_tokens_per_sec_per_gpu=Decimal("2103"),
                    gpus_per_node=8,
                )
            else:
                PriceRecordFactory(
                    offering=offering,
                    effective_from=day,
                    input_per_mtok=Decimal("29.28") * factor,
                    output_per_mtok=Decimal("73.20") * factor,
                )
        for language in languages[:2]:
            QualityEvaluationFactory(offering=offering, evaluator=lab, language=language)
        CertificationFactory(
            provider=provider, offering=offering, kind="meity_empanelment", is_demo=False
        )
        made.append(offering)
    return made
