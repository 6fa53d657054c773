"""Importing LiteLLM's price file: per-token USD becomes exact per-1M prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from providers.litellm import LitellmFileError, parse_litellm, per_million
from providers.models import PriceRecord
from tests.factories import OfferingFactory

KNOWN = {
    # key: (input, cached input, output) in USD per 1M tokens, from the price file's own figures
    "gpt-4o-mini": (Decimal("0.15"), Decimal("0.075"), Decimal("0.6")),
    "gpt-4o": (Decimal("2.5"), Decimal("1.25"), Decimal("10")),
    "claude-haiku-4-5": (Decimal("1"), Decimal("0.1"), Decimal("5")),
    "bedrock/ap-south-1/meta.llama3-70b-instruct-v1:0": (Decimal("3.18"), None, Decimal("4.2")),
}


def test_the_real_file_gives_the_known_per_million_prices(model_prices_file):
    parsed = parse_litellm(model_prices_file.read_text())

    for key, (inp, cached, out) in KNOWN.items():
        price = parsed.prices[key]
        assert (price.input_per_mtok, price.cached_input_per_mtok, price.output_per_mtok) == (
            inp,
            cached,
            out,
        ), key
    assert parsed.last_updated == dt.date(2026, 7, 24)
    # The file's own description: 2,171 chat entries carry both prices; two keys are not models.
    assert len(parsed.prices) == 2171
    assert parsed.skipped["not a model"] == 2
    assert "sample_spec" not in parsed.prices and "last_updated" not in parsed.prices


@pytest.mark.django_db
def test_importing_the_real_file_records_prices_for_linked_offerings(model_prices_file):
    for key in KNOWN:
        OfferingFactory(
            litellm_key=key, slug=key.replace("/", "-").replace(".", "-").replace(":", "-")
        )
    unlinked = OfferingFactory(litellm_key=None)
    embedding = OfferingFactory(litellm_key="text-embedding-3-small")
    out = StringIO()

    call_command("import_litellm_prices", str(model_prices_file), stdout=out)

    for key, (inp, cached, out_price) in KNOWN.items():
        price = PriceRecord.objects.get(offering__litellm_key=key)
        assert (price.currency, price.input_per_mtok, price.output_per_mtok) == (
            "USD",
            inp,
            out_price,
        )
        assert price.cached_input_per_mtok == cached
        assert price.effective_from == dt.date(2026, 7, 24) == price.checked_on
        assert price.source_url.startswith("https://github.com/BerriAI/litellm")
        assert "sha256" in price.source_note and not price.is_demo
    assert not PriceRecord.objects.filter(offering__in=[unlinked, embedding]).exists()
    assert f"no chat price with both prices for {embedding.slug}" in out.getvalue()

    again = StringIO()
    call_command("import_litellm_prices", str(model_prices_file), stdout=again)
    assert "total          0         0          4" in again.getvalue()


@pytest.mark.django_db
def test_dry_run_saves_nothing(model_prices_file):
    OfferingFactory(litellm_key="gpt-4o-mini")
    call_command("import_litellm_prices", str(model_prices_file), "--dry-run", stdout=StringIO())
    assert not PriceRecord.objects.exists()


def test_per_token_prices_convert_exactly():
    assert per_million(Decimal("1.5e-07")) == Decimal("0.15")
    assert per_million(Decimal("3.18e-06")) == Decimal("3.18")
    assert per_million(0) == Decimal("0")
    with pytest.raises(LitellmFileError):
        per_million(Decimal("-1e-06"))


def test_keys_that_are_not_chat_models_with_both_prices_are_skipped():
    parsed = parse_litellm(
        """{
          "sample_spec": {"mode": "chat", "input_cost_per_token": 0.0},
          "last_updated": "2026-07-24T18:23:43+00:00",
          "a": {"mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
          "b": {"mode": "embedding", "input_cost_per_token": 1e-07, "output_cost_per_token": 0},
          "c": {"mode": "chat", "input_cost_per_token": 1e-06}
        }"""
    )
    assert list(parsed.prices) == ["a"]
    assert parsed.skipped == {
        "not a model": 2,
        "not a chat model": 1,
        "chat model without both prices": 1,
    }


@pytest.mark.django_db
def test_a_file_without_a_date_needs_one(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text(
        '{"m": {"mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06}}'
    )
    with pytest.raises(CommandError, match="--effective-from"):
        call_command("import_litellm_prices", str(path), stdout=StringIO())
    call_command(
        "import_litellm_prices", str(path), "--effective-from", "2026-01-01", stdout=StringIO()
    )


@pytest.mark.django_db
def test_a_broken_file_is_refused(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text('{"m": ')
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_litellm_prices", str(path), stdout=StringIO())
