"""Forms for people: plain messages naming the field and its range, an error summary linking
each field, ₹ amounts in Indian grouping echoed in lakh and crore, a start date that agrees with
its hint. The API stays strict."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from procurement.forms import financial_year_start_after, parse_rupees, rupees_echo
from procurement.models import Workload
from procurement.workload_fields import FIELD_NAMES, closed_range, display, field
from tests.test_workload_form import field_errors, form_post

pytestmark = pytest.mark.django_db

STOCK = (
    "This field is required",
    "Ensure this value",
    "Ensure that there are no more",
    "Select a valid choice",
    "Enter a valid",
    "is not a choice this product knows",
)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1,50,00,000", "15000000"),
        ("₹ 1,50,00,000", "15000000"),
        ("₹1,50,00,000.50", "15000000.50"),
        ("150,00,000", "15000000"),  # grouped any way: the commas are dropped
        ("15000000", "15000000"),
        ("Rs. 2,00,000", "200000"),
        ("1.5 crore", "15000000.0"),
        ("₹ 50 lakh", "5000000"),
        ("2.25 Crores", "22500000.00"),
        (" 0 ", "0"),
        (".5", "0.5"),
    ],
)
def test_rupees_are_read_as_a_person_writes_them(text, amount):
    assert parse_rupees(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "₹", "-5", "1e7", "1,,000", ",100", "1.2.3", "5 million"])
def test_what_is_not_an_amount_is_refused(text):
    assert parse_rupees(text) is None


@pytest.mark.parametrize(
    ("amount", "echo"),
    [
        ("15000000", "= ₹1.5 crore"),
        ("5000000", "= ₹50 lakh"),
        ("99999", "= ₹99,999"),
        ("50000.5", "= ₹50,000.50"),
        ("100000", "= ₹1 lakh"),
        ("14936451.49", "= ₹1.49 crore"),
        ("999999999999.99", "= ₹1 lakh crore"),
    ],
)
def test_the_echo_reads_the_amount_in_lakh_and_crore(amount, echo):
    assert rupees_echo(Decimal(amount)) == echo
    assert rupees_echo(None) == ""


def test_the_form_takes_indian_grouping_and_saves_the_exact_amount(client, alice, demo_catalogue):
    client.force_login(alice)
    response = client.post(
        reverse("workload_create"), form_post(estimated_value_inr="₹ 1,50,00,000")
    )
    assert response.status_code == 302
    assert Workload.objects.get().estimated_value_inr == Decimal("15000000.00")


def test_a_re_rendered_form_echoes_the_amount_in_lakh_and_crore(client, alice, demo_catalogue):
    client.force_login(alice)
    response = client.post(
        reverse("workload_create"), form_post(estimated_value_inr="1,50,00,000", term_years=50)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="1,50,00,000"' in html
    echo = re.search(r'id="id_estimated_value_inr_echo"[^>]*>([^<]*)<', html)
    assert echo and echo.group(1) == "= ₹1.5 crore"
    assert 'inputmode="decimal"' in html and "/static/js/forms." in html


def test_the_edit_form_shows_a_saved_amount_grouped_and_echoed(client, alice, demo_catalogue):
    from procurement import services
    from tests.conftest import workload_values

    workload = services.workload_create(
        user=alice, values=workload_values(estimated_value_inr=Decimal("23456789.50"))
    )
    client.force_login(alice)
    html = client.get(reverse("workload_edit", args=[workload.pk])).content.decode()
    assert 'value="2,34,56,789.5"' in html
    assert "= ₹2.35 crore" in html


def test_an_amount_out_of_range_names_the_field_and_the_range(client, alice, demo_catalogue):
    client.force_login(alice)
    response = client.post(reverse("workload_create"), form_post(estimated_value_inr="-5"))
    (message,) = field_errors(response)["estimated_value_inr"]
    assert message.startswith("Estimated contract value (₹), if known: Enter an amount in rupees")
    assert "from ₹0 to ₹9,99,99,99,99,999.99" in message


class _Page(HTMLParser):
    """The ids, links and attributes of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: dict[str, dict[str, str | None]] = {}
        self.links: list[str] = []
        self.summary: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.elements[str(found["id"])] = found
        if tag == "a" and (found.get("href") or "").startswith("#id_"):
            self.links.append(str(found["href"])[1:])
        if "data-error-summary" in found:
            self.summary = found


BAD = ["", "abc", "-1", "1e400", "9" * 40]


@pytest.mark.parametrize("bad", BAD)
def test_every_message_names_its_field_and_the_summary_links_to_it(
    client, alice, demo_catalogue, bad
):
    client.force_login(alice)
    post = form_post()
    for name in FIELD_NAMES:
        post[name] = bad
    response = client.post(reverse("workload_create"), post)
    errors = field_errors(response)
    assert errors, "the form refused nothing"
    page = _Page()
    page.feed(response.content.decode())
    assert page.summary is not None and page.summary.get("tabindex") == "-1"
    for name, messages in errors.items():
        row = field(name)
        label = str(row.label)
        limits = closed_range(row)
        for message in messages:
            assert message.startswith(label), (name, message)
            assert not any(stock in message for stock in STOCK), (name, message)
            if limits is not None and row.kind in ("int", "decimal", "date"):
                low, high = (display(row, limit) for limit in limits)
                assert low in message and high in message, (name, message)
        target = f"id_{name}_0" if row.kind == "choices" else f"id_{name}"
        assert target in page.links, name
        assert target in page.elements, name  # the link leads somewhere
        field_element = page.elements[target]
        assert field_element.get("aria-invalid") == "true", name
        described = (field_element.get("aria-describedby") or "").split()
        assert f"id_{name}_error" in described, name
        assert f"id_{name}_error" in page.elements, name
    assert len(page.links) == sum(len(m) for m in errors.values())


def test_a_form_without_errors_has_no_summary(client, alice, demo_catalogue):
    client.force_login(alice)
    html = client.get(reverse("workload_create")).content.decode()
    assert "data-error-summary" not in html and 'aria-invalid="true"' not in html


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (dt.date(2026, 11, 28), dt.date(2027, 4, 1)),
        (dt.date(2027, 1, 1), dt.date(2027, 4, 1)),  # 1 April is exactly 90 days on
        (dt.date(2027, 1, 2), dt.date(2028, 4, 1)),
        (dt.date(2027, 4, 1), dt.date(2028, 4, 1)),
    ],
)
def test_the_proposed_start_is_a_financial_year_at_least_three_months_away(today, start):
    assert financial_year_start_after(today + dt.timedelta(days=90)) == start


def test_the_default_start_date_agrees_with_its_hint(client, alice, demo_catalogue):
    client.force_login(alice)
    response = client.get(reverse("workload_create"))
    form = response.context["form"]
    start = form.initial["start_date"]
    assert (start.month, start.day) == (4, 1)
    assert start >= dt.date.today() + dt.timedelta(days=90)
    help_text = form.fields["start_date"].help_text
    assert "first day of a financial year" in help_text
    assert f"Proposed: {start.day} April {start.year}" in help_text
    assert f'value="{start.isoformat()}"' in response.content.decode()


def test_the_api_stays_strict_about_amounts(departments, demo_catalogue, policy_pack):
    from procurement.roles import OFFICER
    from tests.test_api_support import client_with, make_key
    from tests.test_api_workflow import WORKLOAD

    _, plaintext = make_key(departments[0], (OFFICER,), "HMIS")
    response = client_with(plaintext).post(
        reverse("api:workload-list"), {**WORKLOAD, "estimated_value_inr": "1,50,00,000"}
    )
    assert response.status_code == 400
    assert "estimated_value_inr" in response.json()
    assert not Workload.objects.exists()


def test_the_api_key_form_names_its_fields(client, alice, departments):
    from django.contrib.auth.models import Group

    from procurement.roles import DEPARTMENT_ADMINISTRATORS

    alice.groups.add(Group.objects.get(name=DEPARTMENT_ADMINISTRATORS))
    client.force_login(alice)
    response = client.post(reverse("api_key_create"), {"person": "", "name": ""})
    errors = field_errors(response)
    assert errors["name"] == [
        "Name: Name the system that will use the key, in at most 50 characters."
    ]
    assert errors["roles"] == ["Roles: Give the key at least one role."]
    html = response.content.decode()
    assert 'href="#id_name"' in html and 'href="#id_roles_0"' in html
    assert "data-error-summary" in html
