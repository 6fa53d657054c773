"""Public catalogue pages: filters, provenance, demo marking, a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.catalogue_builder import build_catalogue

pytestmark = pytest.mark.django_db

# Pinned: a page that starts making more queries fails here, not in production.
PAGE_QUERIES = {
    "home": 3,
    "provider_list": 6,
    "offering_list": 9,  # the FX rates in force: foreign prices in ₹ too
    "provider_detail": 10,
    "offering_detail": 11,  # the community-reported measurements
    "provider_list_filtered": 7,
    "offering_list_filtered": 10,
}


def page_urls(offering) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "provider_list": reverse("catalogue:provider_list"),
        "offering_list": reverse("catalogue:offering_list"),
        "provider_detail": reverse("catalogue:provider_detail", args=[offering.provider.slug]),
        "offering_detail": reverse("catalogue:offering_detail", args=[offering.slug]),
        "provider_list_filtered": reverse("catalogue:provider_list")
        + "?ownership=domestic&hosted_in_india=true&certification=iso27001"
        "&pricing_mode=serverless&language=hi",
        "offering_list_filtered": reverse("catalogue:offering_list")
        + "?ownership=domestic&hosted_in_india=true&certification=meity_empanelment"
        "&pricing_mode=serverless&language=hi&use_case=health&q=Offering",
    }


@pytest.mark.parametrize("size", [10, 200])
def test_pages_make_the_same_number_of_queries_whatever_the_catalogue_size(
    client, django_assert_num_queries, size
):
    offerings = build_catalogue(size)
    for name, url in page_urls(offerings[0]).items():
        with django_assert_num_queries(PAGE_QUERIES[name]):
            response = client.get(url)
        assert response.status_code == 200, name


def test_provider_list_filters(client, small_catalogue):
    def names(query: str) -> list[str]:
        html = client.get(reverse("catalogue:provider_list") + query).content.decode()
        return re.findall(r'href="/catalogue/providers/[\w-]+/">([^<]+)</a>', html)

    assert names("") == ["Desi AI", "Global AI"]
    assert names("?ownership=domestic") == ["Desi AI"]
    assert names("?ownership=foreign") == ["Global AI"]
    assert names("?hosted_in_india=true") == ["Desi AI"]
    assert names("?hosted_in_india=false") == ["Global AI"]
    assert names("?pricing_mode=dedicated") == ["Desi AI"]
    assert names("?language=hi") == ["Desi AI"]
    assert names("?language=en") == ["Desi AI", "Global AI"]
    assert names("?certification=iso27001") == ["Desi AI"]
    assert names("?certification=soc2") == []  # Desi AI's SOC 2 expired on 2024-01-01


def test_an_unknown_filter_value_is_explained_not_an_error(client, small_catalogue):
    response = client.get(reverse("catalogue:offering_list") + "?pricing_mode=barter&language=zz")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice. barter is not one of the available choices." in html
    assert "Select a valid choice. That choice is not one of the available choices." in html


def test_offering_page_shows_price_history_with_sources_and_dates(client, small_catalogue):
    html = client.get(reverse("catalogue:offering_detail", args=["desi-llm"])).content.decode()
    assert "₹29.28 in · ₹10.98 cached · ₹73.20 out" in html
    assert "₹35.00 in" in html  # the older price
    assert 'href="https://example.org/desi-prices"' in html
    assert "checked 5 Jan 2026" in html
    assert html.index("1 Jan 2026") < html.index("1 Jun 2025")  # newest first
    assert "in force" in html
    assert "Test: 100 health questions in Hindi" in html and "81.5" in html


def test_dedicated_price_shows_gpu_hour_throughput_and_node(client, small_catalogue):
    html = client.get(reverse("catalogue:offering_detail", args=["desi-h100"])).content.decode()
    assert "₹115.85 per GPU-hour" in html
    assert "2,103 output tokens/s per GPU · nodes of 8 GPUs · at least 8" in html
    assert "onboarding ₹50,000.00" in html


def test_provider_page_marks_expired_certifications(client, small_catalogue):
    html = client.get(reverse("catalogue:provider_detail", args=["desi-ai"])).content.decode()
    assert re.search(r"ISO/IEC 27001.*?valid", html, re.S)
    assert re.search(r"SOC 2 Type II.*?expired", html, re.S)
    assert "Class-I (local content 62.5 %)" in html


def test_provider_page_names_the_invoicing_country_only_when_it_is_recorded(
    client, small_catalogue
):
    def page(slug: str) -> str:
        return client.get(reverse("catalogue:provider_detail", args=[slug])).content.decode()

    assert "Invoiced by an entity in SG" in page("global-ai")
    assert "Invoiced by" not in page("desi-ai")


def test_demo_data_is_marked_on_every_page_that_shows_it(client, small_catalogue):
    for url in (
        reverse("home"),
        reverse("catalogue:provider_list"),
        reverse("catalogue:offering_list"),
        reverse("catalogue:provider_detail", args=["global-ai"]),
        reverse("catalogue:offering_detail", args=["global-mini"]),
    ):
        html = client.get(url).content.decode()
        assert "demo data" in html and "must not be used in a real procurement" in html, url


def test_a_page_with_no_demo_data_carries_no_demo_banner(client, db):
    from tests.factories import OfferingFactory, PriceRecordFactory

    offering = OfferingFactory(is_demo=False, provider__is_demo=False)
    PriceRecordFactory(offering=offering, is_demo=False, source_url="https://example.org/p")
    html = client.get(reverse("catalogue:offering_list")).content.decode()
    assert "must not be used in a real procurement" not in html


def test_unknown_provider_or_offering_is_a_404(client, db):
    assert client.get(reverse("catalogue:provider_detail", args=["nobody"])).status_code == 404
    assert client.get(reverse("catalogue:offering_detail", args=["nothing"])).status_code == 404


def test_a_future_price_is_shown_as_scheduled_not_in_force(client, small_catalogue):
    from providers.models import PriceRecord

    current = PriceRecord.objects.get(offering__slug="desi-llm", effective_from="2026-01-01")
    PriceRecord.objects.create(
        offering=current.offering,
        effective_from=dt.date(2099, 1, 1),
        currency="INR",
        input_per_mtok=1,
        output_per_mtok=2,
        is_demo=True,
    )
    html = client.get(reverse("catalogue:offering_detail", args=["desi-llm"])).content.decode()
    assert "scheduled" in html
    listing = client.get(reverse("catalogue:offering_list")).content.decode()
    assert "₹29.28 in" in listing and "₹1.00 in" not in listing


def test_demo_catalogue_pages_render(client, demo_catalogue):
    from providers.models import Offering, Provider

    for provider in Provider.objects.all():
        assert (
            client.get(reverse("catalogue:provider_detail", args=[provider.slug])).status_code
            == 200
        )
    for offering in Offering.objects.all():
        assert (
            client.get(reverse("catalogue:offering_detail", args=[offering.slug])).status_code
            == 200
        )


def test_a_foreign_price_shows_its_rupee_equivalent_at_the_dated_rate(client, small_catalogue):
    """US$0.15 / 0.075 / 0.60 per 10 lakh tokens at ₹91.087 per US$ (19 Feb 2026), to the paisa:
    13.66305 → ₹13.66, 6.831525 → ₹6.83, 54.6522 → ₹54.65."""
    for url in (
        reverse("catalogue:offering_detail", args=["global-mini"]),
        reverse("catalogue:offering_list"),
    ):
        html = client.get(url).content.decode()
        assert "≈ ₹13.66 in · ₹6.83 cached · ₹54.65 out per 10 lakh tokens" in html, url
        assert "at ₹91.087 per US$, the rate of 19 Feb 2026" in html, url
        assert "https://example.org/fx" in html, url


def test_a_foreign_price_without_a_rate_on_file_says_so(client, small_catalogue):
    from providers.models import FxRate

    FxRate.objects.all().delete()
    html = client.get(reverse("catalogue:offering_detail", args=["global-mini"])).content.decode()
    assert "No rupee rate for US$ is on file" in html
    assert "≈ ₹" not in html
