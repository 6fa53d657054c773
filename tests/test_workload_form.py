"""The workload form: every kind of bad input gets a message on its field, and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from procurement.models import AuditEvent, Workload
from tests.conftest import workload_data

pytestmark = pytest.mark.django_db


def form_post(**overrides) -> dict:
    data = workload_data(**overrides)
    post = {k: v for k, v in data.items() if v is not None}
    post["start_date"] = data["start_date"].isoformat()
    return post


def field_errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def labelled(field: str, message: str) -> str:
    """A message as the form says it: the field's label first."""
    from procurement.workload_fields import field as row

    label = str(row(field).label)
    return f"{label} {message}" if label.endswith("?") else f"{label}: {message}"


REQUESTS = "Enter from 1 to 1,00,00,00,000 requests a day."
TERM = "The product plans contracts of 1 to 10 years."


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"requests_per_day": -5}, "requests_per_day", REQUESTS),
        ({"requests_per_day": 0}, "requests_per_day", REQUESTS),
        ({"requests_per_day": 10**9 + 1}, "requests_per_day", REQUESTS),
        (
            {"mean_input_tokens": 0, "mean_output_tokens": 0},
            "mean_output_tokens",
            "input or output tokens must be at least 1 a request",
        ),
        (
            {"mean_output_tokens": 2_000_000},
            "mean_output_tokens",
            "Enter from 0 to 10,00,000 tokens.",
        ),
        ({"term_years": 0}, "term_years", TERM),
        ({"term_years": 50}, "term_years", TERM),
        ({"languages": []}, "languages", "Choose from 1 to 50 languages."),
        (
            {"data_classification": ["top_secret_ish"]},
            "data_classification",
            "“top_secret_ish” is not one of the options: choose one from the list.",
        ),
        ({"data_classification": []}, "data_classification", "Tick from 1 to 6 kinds of data."),
        (
            {"cached_input_share_pct": 120},
            "cached_input_share_pct",
            "A share is from 0 to 100 per cent.",
        ),
        (
            {"annual_growth_pct": 600},
            "annual_growth_pct",
            "Enter a yearly change from -50 to 500 per cent.",
        ),
        (
            {"start_date": dt.date(9999, 12, 31)},
            "start_date",
            "Enter a date from 1 January 2000 to 31 December 2099.",
        ),
        (
            {"use_case": "astrology"},
            "use_case",
            "“astrology” is not one of the options: choose one from the list.",
        ),
    ],
)
def test_bad_input_gets_a_field_level_message_and_nothing_is_saved(
    client, alice, demo_catalogue, overrides, field, message
):
    client.force_login(alice)
    response = client.post(reverse("workload_create"), form_post(**overrides))
    assert response.status_code == 200
    assert labelled(field, message) in field_errors(response).get(field, []), field_errors(response)
    assert 'aria-invalid="true"' in response.content.decode() or field in (
        "languages",
        "data_classification",
    )
    assert not Workload.objects.exists() and not AuditEvent.objects.exists()


def test_a_valid_workload_is_saved_with_an_audit_event(client, alice, demo_catalogue):
    client.force_login(alice)
    response = client.post(reverse("workload_create"), form_post())
    workload = Workload.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "workload_detail", args=[workload.pk]
    )
    assert workload.department == alice.membership.department
    assert workload.languages == ["en", "hi"] and workload.data_classification == ["personal"]
    assert AuditEvent.objects.get().action == "workload.created"


def test_a_refused_edit_leaves_the_saved_workload_as_it_was(
    client, alice, workload, demo_catalogue
):
    client.force_login(alice)
    response = client.post(
        reverse("workload_edit", args=[workload.pk]), form_post(title="Changed", term_years=50)
    )
    assert "term_years" in field_errors(response)
    workload.refresh_from_db()
    assert workload.title == "Citizen helpline" and workload.term_years == 3


def test_the_form_groups_and_explains_its_fields(client, alice, demo_catalogue):
    client.force_login(alice)
    html = client.get(reverse("workload_create")).content.decode()
    for legend in (
        "What the AI does",
        "Volume",
        "Quality and speed",
        "Data classification",
        "Contract",
    ):
        assert f">{legend}</legend>" in html
    assert "A token is about ¾ of an English word" in html
    assert "Up to and including ₹200 crore, foreign (non-local) suppliers may bid only" in html


def test_an_approver_cannot_create_workloads(client, bob):
    client.force_login(bob)
    assert client.get(reverse("workload_create")).status_code == 403


def test_a_qcbs_weight_above_the_packs_cap_is_refused_on_its_field(
    client, alice, demo_catalogue, policy_pack
):
    """GFR Rule 192 caps the technical weight at 80 %: the workload is refused when saved, not
    every comparison of it later."""
    client.force_login(alice)
    post = form_post(evaluation_method="qcbs", qcbs_technical_weight_pct=90)
    response = client.post(reverse("workload_create"), post)
    assert response.status_code == 200
    (message,) = field_errors(response)["qcbs_technical_weight_pct"]
    assert message.startswith("QCBS technical weight (%): must not exceed 80 (got 90)")
    assert "Rule 192" in message
    assert not Workload.objects.exists()


def test_the_form_shows_every_workload_field_once_in_a_group(client, alice, demo_catalogue):
    from procurement.workload_fields import FIELD_NAMES, groups

    grouped = [row.name for _, rows in groups() for row in rows]
    assert sorted(grouped) == sorted(FIELD_NAMES)
    client.force_login(alice)
    html = client.get(reverse("workload_create")).content.decode()
    for name in FIELD_NAMES:
        assert html.count(f'name="{name}"') >= 1, name
