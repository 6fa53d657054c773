"""The operator of each hosting region, from the catalogue file to the page and the PDF.

The rule: the India pack's definition of domestic infrastructure — "prompts processed and data
and logs stored in India on regions operated by an operator owned and incorporated in India (the
legal entity that owns and controls the data-centre region, not the reseller)"
(procurement/engine/packs/india-default.json, ``domestic_infrastructure``; DESIGN §4.3).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from procurement import engine, services
from procurement.documents import jobs
from procurement.engine.facts import hosting_bucket, is_domestic_infrastructure, supplier_location
from procurement.engine.packs import load_pack
from procurement.mapping import catalogue_offers, region_input
from procurement.models import JustificationDocument
from providers.models import Region
from tests.factories import (
    CertificationFactory,
    OfferingFactory,
    PriceRecordFactory,
    ProviderFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).parent / "data" / "small-catalogue.json"
AWS_MUMBAI_OPERATOR = (
    "Amazon Data Services India Private Limited (foreign-owned, incorporated in India)"
)


def load_with(tmp_path: Path, change) -> None:
    data = copy.deepcopy(json.loads(SMALL.read_text()))
    change(data)
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data))
    call_command("load_catalogue", str(path), verbosity=0)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["regions"][0].pop("operator"), "regions[0].operator: is required"),
        (
            lambda d: d["regions"][0]["operator"].pop("ownership"),
            "regions[0].operator.ownership: is required",
        ),
        (
            lambda d: d["regions"][1]["operator"].update(ownership="indian"),
            "regions[1].operator.ownership: must be one of: domestic, foreign",
        ),
        (
            lambda d: d["regions"][1]["operator"].update(country="USA"),
            "regions[1].operator.country: must be a two-letter ISO 3166-1 country code such as IN",
        ),
        (
            lambda d: d["regions"][0].update(operator="Test Cloud"),
            "regions[0].operator: must be an object",
        ),
    ],
    ids=["missing", "no-ownership", "unknown-ownership", "bad-country", "bare-name"],
)
def test_the_loader_refuses_a_region_without_a_complete_operator(tmp_path, change, expected):
    with pytest.raises(CommandError) as failure:
        load_with(tmp_path, change)
    assert expected in str(failure.value)
    assert not Region.objects.exists()


def test_loading_records_each_regions_operator(tmp_path):
    load_with(tmp_path, lambda d: None)
    mumbai = Region.objects.get(code="test-mumbai")
    assert (mumbai.operator_name, mumbai.operator_ownership, mumbai.operator_country) == (
        "Test Cloud India Private Limited",
        "domestic",
        "IN",
    )
    assert mumbai.operator_is_demo
    assert mumbai.operator_label == (
        "Test Cloud India Private Limited (Indian-owned, incorporated in India)"
    )


def test_the_database_refuses_an_operator_country_that_is_not_a_country_code():
    with pytest.raises(IntegrityError), transaction.atomic():
        RegionFactory(operator_country="in")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegionFactory(operator_ownership="indian")


def test_mapping_carries_the_operator_to_the_engine():
    region = RegionFactory(
        operator_name="Amazon Data Services India Private Limited",
        operator_ownership="foreign",
        operator_country="IN",
        operator_is_demo=True,
    )
    assert region_input(region).operator == engine.Operator(
        name="Amazon Data Services India Private Limited",
        ownership="foreign",
        country="IN",
        is_demo=True,
    )


def test_an_indian_reseller_on_a_foreign_operators_region_maps_to_foreign_operator_in_india():
    """An Indian-owned, India-headquartered provider reselling a foreign cloud's Mumbai region:
    the offer is not domestic infrastructure; the supplier stays domestic for tax."""
    mumbai = RegionFactory(operator_name="Global Cloud India Pvt Ltd", operator_ownership="foreign")
    reseller = ProviderFactory(ownership="domestic", headquarters_country="IN")
    offering = OfferingFactory(provider=reseller)
    for field in ("processing_regions", "storage_regions", "log_regions"):
        getattr(offering, field).set([mumbai])
    PriceRecordFactory(offering=offering, effective_from=dt.date(2026, 1, 1))
    CertificationFactory(provider=reseller, kind="iso27001")
    (offer,) = catalogue_offers(dt.date(2026, 11, 26))
    policy = load_pack("india-default")
    assert not is_domestic_infrastructure(offer, policy)
    assert hosting_bucket(offer, policy) == "foreign_operator_in_country"
    assert supplier_location(offer, policy) == "domestic"


def test_the_comparison_page_shows_operators_and_the_share_by_operator(client, alice, comparison):
    client.force_login(alice)
    page = client.get(reverse("comparison_detail", args=[comparison.pk])).content.decode()
    assert (
        "100 % of its 6,33,73,125 inferences over the term run on domestic infrastructure" in page
    )
    assert "with a foreign operator in India" not in page  # none: the sentence names no 0 %
    assert (
        "Demo Sovereign Cloud Operator Ltd (fictitious) (Indian-owned, incorporated in India)"
        in page
    )
    # AWS's own Mumbai region, in the eligibility matrix: in India, on a foreign operator.
    assert f"Operated by {AWS_MUMBAI_OPERATOR}" in page
    assert "Foreign operator in India" in page
    assert "in_country_other_operator" not in page and "foreign_operator_in_country" not in page


def test_the_pdf_shows_the_operators_and_the_share_by_operator(
    alice, comparison, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        document = services.document_request(user=alice, comparison=comparison)
    jobs.document_render(str(document.pk))
    document.refresh_from_db()
    assert document.status == JustificationDocument.Status.READY, document.error
    pages = PdfReader(BytesIO(bytes(document.pdf))).pages
    flat = " ".join(" ".join(page.extract_text() for page in pages).split())
    # The market survey names, for each service meeting the requirement, who operates the
    # regions it runs in (the PDF's text extraction breaks "Indian-owned" at its hyphen).
    survey = flat[flat.index("Services meeting the requirement") :]
    assert "Runs in regions operated by" in survey
    assert "Demo Sovereign Cloud Operator Ltd (fictitious) (Indian-" in survey
