"""Every stored web address is http or https: a link on a page can never run script or leave the
web. The engine checks the links of policy packs and offers (tests/engine/test_policy.py walks
every link of the shipped packs) and the catalogue file its own (providers/catalogue_format.py);
this walks every URL column of every model (the API's model serializers take their validators,
and the API writes none today)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

REFUSED = (
    "javascript:alert(1)",
    "ftp://files.example.org/price.pdf",
    "ftps://files.example.org/price.pdf",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
)
TAKEN = ("https://example.org/pricing", "http://example.org/pricing")


def url_columns() -> list[models.URLField]:
    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.URLField)
    ]


def test_there_are_url_columns_to_check():
    names = {f"{f.model._meta.label}.{f.name}" for f in url_columns()}
    assert {"providers.PriceRecord.source_url", "providers.Certification.evidence_url"} <= names


@pytest.mark.parametrize("field", url_columns(), ids=lambda f: f"{f.model._meta.label}.{f.name}")
def test_every_url_column_takes_only_web_addresses(field):
    for address in REFUSED:
        with pytest.raises(ValidationError):
            field.clean(address, None)
    for address in TAKEN:
        assert field.clean(address, None) == address
