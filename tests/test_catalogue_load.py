"""Loading catalogue files: idempotent upserts, dry runs, and refusals that name the JSON path."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from procurement import labels
from procurement.management.commands.load_demo import DEMO_CATALOGUE
from providers.catalogue_format import catalogue_schema
from providers.models import Offering, PriceRecord, Provider, QualityEvaluation, Region
from tests.conftest import DATA

pytestmark = pytest.mark.django_db

SMALL = DATA / "small-catalogue.json"


def load(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("load_catalogue", str(path), *args, stdout=out)
    return out.getvalue()


def totals(output: str) -> tuple[int, int, int]:
    line = next(line for line in output.splitlines() if line.startswith("total"))
    created, updated, unchanged = (int(x) for x in line.split()[1:])
    return created, updated, unchanged


def snapshot_of_database() -> list[tuple]:
    """Every catalogue row that matters, to compare before and after a refused load."""
    return [
        *Provider.objects.values_list("slug", "name", "local_content_pct", "is_demo"),
        *Offering.objects.values_list("slug", "name", "pricing_mode"),
        *PriceRecord.objects.values_list(
            "offering__slug",
            "effective_from",
            "input_per_mtok",
            "output_per_mtok",
            "gpu_hour_price",
        ),
        *QualityEvaluation.objects.values_list("offering__slug", "use_case", "score"),
        *Region.objects.values_list("code", "country", "operator_type"),
    ]


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data, default=str))
    return path


def test_demo_catalogue_loads_twice_and_the_second_load_changes_nothing():
    created, updated, unchanged = totals(load(DEMO_CATALOGUE))
    assert created > 0 and updated == 0 and unchanged == 0
    rows = snapshot_of_database()

    second = totals(load(DEMO_CATALOGUE))

    assert second == (0, 0, created)
    assert snapshot_of_database() == rows


def test_a_changed_field_is_an_update_and_everything_else_unchanged(tmp_path):
    load(SMALL)
    data = json.loads(SMALL.read_text())
    data["providers"][0]["offerings"][0]["prices"][1]["output_per_mtok"] = 70
    data["providers"][0]["offerings"][0]["languages"] = ["en"]

    output = load(write(tmp_path, data))

    created, updated, unchanged = totals(output)
    assert (created, updated) == (0, 2)
    price = PriceRecord.objects.get(offering__slug="desi-llm", effective_from="2026-01-01")
    assert price.output_per_mtok == Decimal("70")
    assert list(Offering.objects.get(slug="desi-llm").languages.values_list("code", flat=True)) == [
        "en"
    ]


def test_prices_are_stored_exactly_as_written():
    load(SMALL)
    price = PriceRecord.objects.get(offering__slug="desi-llm", effective_from="2026-01-01")
    assert (price.input_per_mtok, price.cached_input_per_mtok, price.output_per_mtok) == (
        Decimal("29.28"),
        Decimal("10.98"),
        Decimal("73.20"),
    )
    assert price.source_url == "https://example.org/desi-prices" and not price.is_demo


def test_the_billing_country_is_loaded_and_a_file_without_it_clears_it(tmp_path):
    load(SMALL)
    assert dict(Provider.objects.values_list("slug", "billing_country")) == {
        "desi-ai": "",
        "global-ai": "SG",
    }
    data = json.loads(SMALL.read_text())
    del data["providers"][1]["billing_country"]

    load(write(tmp_path, data))

    assert Provider.objects.get(slug="global-ai").billing_country == ""


def test_dry_run_reports_the_changes_and_saves_nothing():
    output = load(SMALL, "--dry-run")

    assert totals(output)[0] == 18
    assert "Dry run: nothing was saved." in output
    assert not Provider.objects.exists() and not Region.objects.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["providers"][0]["offerings"][0]["prices"][1].update(input_per_mtok=-1),
            "providers[0].offerings[0].prices[1].input_per_mtok: must be ≥ 0",
        ),
        (
            lambda d: d["providers"][0]["offerings"][0]["evaluations"][0].update(score=101),
            "providers[0].offerings[0].evaluations[0].score: must be ≤ 100",
        ),
        (
            lambda d: d["providers"][0].update(local_content_pct=120),
            "providers[0].local_content_pct: must be ≤ 100",
        ),
        (
            lambda d: d["providers"][1].pop("legal_name"),
            "providers[1].legal_name: is required",
        ),
        (
            lambda d: d["providers"][1].update(ownershp="foreign"),
            "providers[1].ownershp: is not a field of this record",
        ),
        (
            lambda d: d["providers"][1].update(billing_country="sg"),
            "providers[1].billing_country: must be a two-letter ISO 3166-1 country code such as IN",
        ),
        (
            lambda d: d["regions"][0].update(operator_type="cloud"),
            "regions[0].operator_type: must be one of: government_cloud, sovereign_cloud, "
            "empanelled_commercial, other_commercial",
        ),
        (
            lambda d: d["fx_rates"][0].update(date="2026-02-30"),
            "fx_rates[0].date: is not a real calendar date",
        ),
        (
            lambda d: d["providers"][0]["certifications"][0].update(expires_on="2024-12-31"),
            "providers[0].certifications[0].expires_on: 2024-12-31 is before issued_on 2025-01-01",
        ),
        (
            lambda d: d["providers"][0]["offerings"][0]["languages"].append("ta"),
            "providers[0].offerings[0].languages[2]: unknown language 'ta'",
        ),
        (
            lambda d: d["providers"][1]["offerings"][0].update(processing_regions=["nowhere"]),
            "providers[1].offerings[0].processing_regions[0]: unknown region 'nowhere'",
        ),
        (
            lambda d: d["providers"][1]["offerings"][0]["prices"][0].update(gpu_hour_price=3),
            "providers[1].offerings[0].prices[0].gpu_hour_price: does not apply to a serverless "
            "offering",
        ),
        (
            lambda d: d["providers"][0]["offerings"][1]["prices"][0].pop("gpus_per_node"),
            "providers[0].offerings[1].prices[0].gpus_per_node: is required for a dedicated "
            "offering",
        ),
        (
            lambda d: d["providers"][1]["offerings"][0]["prices"][0].pop("source_url"),
            "providers[1].offerings[0].prices[0].source_url: is required: a figure that is not "
            "demo data needs its source (or mark it demo)",
        ),
        (
            lambda d: d["providers"][1]["offerings"][0].update(slug="desi-llm"),
            "providers[1].offerings[0].slug: 'desi-llm' is already used at "
            "providers[0].offerings[0]",
        ),
    ],
)
def test_a_bad_file_names_the_json_path_and_changes_nothing(tmp_path, change, expected):
    load(SMALL)
    before = snapshot_of_database()
    data = copy.deepcopy(json.loads(SMALL.read_text()))
    data["providers"][0]["name"] = "Renamed, which must not be saved"
    change(data)

    with pytest.raises(CommandError) as failure:
        load(write(tmp_path, data))

    assert expected in str(failure.value).splitlines()
    assert "nothing was loaded" in str(failure.value)
    assert snapshot_of_database() == before


@pytest.mark.parametrize(
    ("record", "field", "table"),
    [
        ("region", "operator_type", labels.OPERATOR_TYPE),
        ("provider", "ownership", labels.OWNERSHIP),
        ("provider", "mse_status", labels.MSE_STATUS),
        ("offering", "pricing_mode", labels.PRICING_MODE),
        ("offering", "trains_on_customer_data", labels.TRAINING_TERMS),
        ("certification", "kind", labels.CERTIFICATION_KIND),
        ("evaluation", "use_case", labels.USE_CASE),
    ],
)
def test_the_file_format_accepts_exactly_the_values_the_engine_knows(record, field, table):
    enum = catalogue_schema()["$defs"][record]["properties"][field]["enum"]
    assert set(enum) == set(table.codes)


def test_malformed_json_is_refused_with_its_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "sovereign-inference-catalogue",\n  "version": 1\n  "x": 2\n}')

    with pytest.raises(CommandError, match=r"not valid JSON at line 4, column 3"):
        load(path)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read it"):
        load(tmp_path / "absent.json")


def test_the_command_exits_non_zero_on_a_bad_file(tmp_path):
    """Through the real command line, as an operator would run it."""
    import subprocess
    import sys

    from django.conf import settings

    data = json.loads(SMALL.read_text())
    data["providers"][0]["offerings"][0]["prices"][1]["input_per_mtok"] = -1
    result = subprocess.run(
        [sys.executable, "manage.py", "load_catalogue", str(write(tmp_path, data))],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "providers[0].offerings[0].prices[1].input_per_mtok: must be ≥ 0" in result.stderr
