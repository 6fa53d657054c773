"""The engine's bounds where the product reads documents (issue 10, defect 7): JSON nested
100 000 deep is refused with a message before it is parsed, by the API and by the policy pack
admin, never a RecursionError (a 500); and every total the engine can return fits the column
that records it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from procurement.engine import bounds
from procurement.models import Comparison, PolicyPack, Workload
from procurement.roles import OFFICER, POLICY_AUTHORITY
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000
TOO_DEEP = (
    "nests arrays and objects 100000 levels deep; an engine document nests at most 32: refused "
    "before parsing"
)


def test_an_api_body_nested_100000_deep_is_a_400_that_says_why(departments):
    """Defect 7: "JSON nested 100,000 deep raises RecursionError"."""
    _, plaintext = make_key(departments[0], (OFFICER,), "HMIS")
    response = client_with(plaintext).generic(
        "POST", reverse("api:workload-list"), DEEP, "application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [f"JSON parse error - body: {TOO_DEEP}"]}
    assert not Workload.objects.exists()


def test_a_body_in_a_charset_that_is_not_text_is_a_400(departments):
    _, plaintext = make_key(departments[0], (OFFICER,), "HMIS")
    response = client_with(plaintext).generic(
        "POST", reverse("api:workload-list"), b"{}", "application/json; charset=bz2_codec"
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["JSON parse error - the body is not bz2_codec text"]
    }


def test_a_policy_pack_nested_100000_deep_gets_a_message_on_its_field(client, departments):
    """Defect 7, in the policy pack admin: the document is refused before Django parses it, and
    the page shows the text again without parsing it."""
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("meera", is_staff=True)  # the policy authority
    user.groups.add(Group.objects.get(name=POLICY_AUTHORITY))
    client.force_login(get_user_model().objects.get(pk=user.pk))
    response = client.post(
        reverse("admin:procurement_policypack_add"),
        {"slug": "deep", "version": 1, "change_note": "", "document": DEEP},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["document"] == [TOO_DEEP]
    assert not PolicyPack.objects.filter(slug="deep").exists()


def test_every_total_below_the_cost_ceiling_fits_the_column_that_records_it():
    """The engine refuses any total above bounds.COST_CEILING_INR, so the comparison's summary
    column never meets a total it cannot hold."""
    column = Comparison._meta.get_field("recommended_total_inr")
    largest = Decimal(10) ** (column.max_digits - column.decimal_places) - Decimal("0.01")
    assert largest >= bounds.COST_CEILING_INR
