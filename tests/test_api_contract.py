"""The API's contract, both ways, and the server errors a security review found (issue 11).

Schema-violating input is refused, never coerced (``0`` is not false, ``5`` not ``"5"``, an empty
date not "no date"); a rule of the product that the object's state refuses is a 409 in words;
every error is JSON (a body over the limit a 413, an unhandled error a 500); and the inputs that
answered a server error answer with a message: a NUL in a search box, a sign-in username over
255 characters, two proposals at once for one comparison, a key twice in a JSON object.
"""

from __future__ import annotations

import json
import re
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.urls import get_resolver, reverse

from procurement import services
from procurement.models import Decision, Workload
from procurement.roles import APPROVER, OFFICER
from tests.conftest import PASSWORD, workload_data
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db

WORKLOAD = json.loads(json.dumps(workload_data(start_date="2027-01-01"), default=str))


@pytest.fixture
def api(departments):
    """A key of department A with the officer's and the approver's roles."""
    return client_with(make_key(departments[0], (OFFICER, APPROVER))[1])


@pytest.fixture
def approver_api(departments):
    return client_with(make_key(departments[0], (APPROVER,), "Approvals desk")[1])


def post_json(client, url: str, body: str):
    return client.generic("POST", url, body, content_type="application/json")


# The server errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/workloads/", "/history/?tab=workloads", "/history/?tab=comparisons", "/history/?"]
)
def test_a_nul_in_a_search_box_gets_the_page_with_a_message(client, alice, workload, path):
    client.force_login(alice)
    separator = "" if path.endswith("?") else ("&" if "?" in path else "?")
    response = client.get(f"{path}{separator}q=help%00line")
    assert response.status_code == 400
    html = response.content.decode()
    assert "contains a NUL character" in html and "Citizen helpline" not in html
    assert client.get(f"{path}{separator}q=helpline").status_code == 200


def test_the_decisions_tab_with_a_nul_in_its_search_box_gets_a_message(client, alice):
    client.force_login(alice)
    response = client.get("/history/?tab=decisions&q=%00")
    assert response.status_code == 400 and "contains a NUL character" in response.content.decode()


@pytest.mark.parametrize("username", ["u" * 300, "ali\x00ce", "é" * 256])
def test_a_sign_in_with_an_impossible_username_is_refused_and_counted(client, alice, username):
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 200 and 'name="username"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Recorded (when axes records it) as its column holds it: cut to 255, without NULs.
    recorded = set(AccessAttempt.objects.values_list("username", flat=True))
    assert recorded <= {username.replace("\x00", "")[:255]}


def test_a_body_over_the_limit_is_a_json_413_under_the_api(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({**WORKLOAD, "description": "x" * 20_000})
    response = post_json(api, reverse("api:workload-list"), body)
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than 10,000 bytes, the most this server reads."
    }
    assert not Workload.objects.exists()


def test_a_form_over_the_limit_is_a_page_that_says_so(client, alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.force_login(alice)
    response = client.post(reverse("workload_create"), {"title": "x", "description": "y" * 20_000})
    assert response.status_code == 413 and response["Content-Type"].startswith("text/html")
    assert "larger than 10,000 bytes" in response.content.decode()


def test_an_unhandled_error_under_the_api_is_json_and_a_page_elsewhere():
    handler = get_resolver().resolve_error_handler(500)
    api = handler(RequestFactory().get("/api/v1/workloads/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    assert json.loads(api.content) == {"detail": "Server error: the request failed on our side."}
    page = handler(RequestFactory().get("/workloads/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_an_unknown_api_url_is_a_json_404(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_a_key_twice_in_a_json_object_is_refused_naming_it(api):
    body = json.dumps(WORKLOAD)[:-1] + ', "title": "Another title"}'
    response = post_json(api, reverse("api:workload-list"), body)
    assert response.status_code == 400
    (message,) = response.json()["non_field_errors"]
    assert 'the key "title" appears more than once in one object' in message
    assert not Workload.objects.exists()


def test_a_key_twice_in_a_nested_object_is_refused_too(api):
    response = post_json(api, reverse("api:comparison-list"), '{"workload": {"a": 1, "a": 2}}')
    assert response.status_code == 400 and '"a" appears more than once' in str(response.json())


def test_json_nested_10000_deep_is_a_400_at_every_entry_point(api, client, alice):
    deep = "[" * 10_000 + "]" * 10_000
    for url in (reverse("api:workload-list"), reverse("api:comparison-list")):
        assert post_json(api, url, deep).status_code == 400
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("snapshot.json", deep.encode(), "application/json")
    page = client.post(reverse("document_verify"), {"snapshot": upload}).content.decode()
    assert "not readable JSON" in page and "10000 levels deep" in page


def test_the_description_has_one_limit_for_the_form_and_the_api(api, client, alice, demo_catalogue):
    limit = Workload._meta.get_field("description").max_length
    assert limit == 5_000
    too_long = {**WORKLOAD, "description": "x" * (limit + 1)}
    refused = api.post(reverse("api:workload-list"), too_long, format="json")
    assert refused.status_code == 400 and "description" in refused.json()
    client.force_login(alice)
    form = client.post(reverse("workload_create"), {**WORKLOAD, "description": "x" * (limit + 1)})
    assert (
        form.status_code == 200 and f"at most {limit:,}".replace(",", "") in form.content.decode()
    )
    accepted = api.post(reverse("api:workload-list"), {**WORKLOAD, "description": "x" * limit})
    assert accepted.status_code == 201, accepted.content
    assert Workload.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_proposals_for_one_comparison_give_one_201_and_409s(
    departments, alice, workload, policy_pack, demo_catalogue
):
    """8 proposals at once: one wins; every other is told why, none is a server error."""
    comparison = services.comparison_run(user=alice, workload=workload)
    keys = [make_key(departments[0], (OFFICER,), f"System {n}")[1] for n in range(8)]
    start, answers = threading.Barrier(len(keys)), []

    def propose(key: str) -> None:
        client = client_with(key)
        body = {"comparison": comparison.pk, "offer_id": comparison.recommended_offer_id}
        try:
            start.wait()
            answers.append(client.post(reverse("api:decision-list"), body, format="json"))
        finally:
            connection.close()

    threads = [threading.Thread(target=propose, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [409] * 7
    refusal = next(a for a in answers if a.status_code == 409).json()
    assert refusal == {
        "detail": "This comparison already has a proposal awaiting or holding approval."
    }
    assert Decision.objects.filter(comparison=comparison).count() == 1


# Conflicts: the object's state refuses the rule ------------------------------------------------


def test_editing_an_archived_workload_is_a_409_that_says_why(api, alice, workload):
    services.workload_archive(user=alice, workload=workload)
    url = reverse("api:workload-detail", args=[workload.pk])
    response = api.patch(url, {"title": "Again"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "An archived workload cannot be edited: restore it first, or copy it."
    }
    compared = api.post(reverse("api:comparison-list"), {"workload": workload.pk}, format="json")
    assert compared.status_code == 409
    assert compared.json() == {
        "detail": "An archived workload cannot be compared: restore it first, or copy it."
    }


def test_proposing_twice_and_deciding_twice_are_409s(api, approver_api, comparison):
    body = {"comparison": comparison.pk, "offer_id": comparison.recommended_offer_id}
    proposed = api.post(reverse("api:decision-list"), body, format="json")
    assert proposed.status_code == 201
    again = api.post(reverse("api:decision-list"), body, format="json")
    assert again.status_code == 409 and "already has a proposal" in again.json()["detail"]
    approve = reverse("api:decision-approve", args=[proposed.json()["id"]])
    assert approver_api.post(approve, {}, format="json").status_code == 200
    twice = approver_api.post(approve, {}, format="json")
    assert twice.status_code == 409
    assert twice.json() == {"detail": "This decision is already approved."}


def test_an_offer_the_comparison_refuses_is_a_409_in_words(api, comparison):
    body = {"comparison": comparison.pk, "offer_id": "no-such-offer"}
    response = api.post(reverse("api:decision-list"), body, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "offer_id: Choose one of the offers that passed every rule."
    }


def test_a_patch_the_stored_values_make_refused_is_a_409_and_changes_nothing(
    api, workload, demo_catalogue
):
    url = reverse("api:workload-detail", args=[workload.pk])
    assert api.patch(url, {"mean_input_tokens": "0"}, format="json").status_code == 200
    response = api.patch(url, {"mean_output_tokens": "0"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("With the values stored, this change would make")
    assert "at least" in response.json()["detail"]
    workload.refresh_from_db()
    assert workload.mean_output_tokens > 0
    # A whole workload (PUT) the engine refuses is the body's own fault: a 400 on its field.
    zero = {"mean_input_tokens": "0", "mean_output_tokens": "0"}
    put = api.put(url, {**WORKLOAD, **zero}, format="json")
    assert put.status_code == 400 and list(put.json()) == ["mean_output_tokens"]


def test_a_title_of_spaces_is_refused_and_the_schema_says_so(api, demo_catalogue):
    schema = api.get("/api/schema/?format=json").json()
    title = schema["components"]["schemas"]["WorkloadRequest"]["properties"]["title"]
    assert not re.search(title["pattern"], "   ") and re.search(title["pattern"], " A ")
    response = api.post(reverse("api:workload-list"), {**WORKLOAD, "title": "   "}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["title"]


def test_the_schema_states_the_start_dates_years_as_its_pattern(api):
    schema = api.get("/api/schema/?format=json").json()
    start = schema["components"]["schemas"]["Workload"]["properties"]["start_date"]
    pattern = re.compile(start["pattern"])
    assert pattern.match("2000-01-01") and pattern.match("2099-12-31")
    assert not pattern.match("1999-12-31") and not pattern.match("2100-01-01")


def test_a_value_the_adopted_pack_refuses_is_a_409_naming_the_field(api, demo_catalogue):
    body = {**WORKLOAD, "evaluation_method": "qcbs", "qcbs_technical_weight_pct": "100"}
    response = api.post(reverse("api:workload-list"), body, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("qcbs_technical_weight_pct: must not exceed 80")
    assert not Workload.objects.exists()


def test_a_value_the_range_refuses_is_still_a_400_on_its_field(api, demo_catalogue):
    response = api.post(reverse("api:workload-list"), {**WORKLOAD, "term_years": 11})
    assert response.status_code == 400 and list(response.json()) == ["term_years"]


def test_a_query_parameter_given_twice_is_refused(api):
    response = api.get(f"{reverse('api:comparison-list')}?workload=1&workload=2")
    assert response.status_code == 400
    assert response.json() == {"workload": ["Give this parameter once."]}


# Strict bodies: no coercion --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("global_tender_approved", 0, "Must be true or false."),
        ("global_tender_approved", "true", "Must be true or false."),
        ("requests_per_day", "50000", "Must be a whole number."),
        ("requests_per_day", True, "Must be a whole number."),
        ("title", 5, "Must be a string."),
        ("use_case", 1, "Must be a string."),
        ("languages", "en", "Must be a list."),
        (
            "start_date",
            "2027-4-1",
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        ),
        (
            "start_date",
            "20270401",
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        ),
        ("mean_input_tokens", True, 'Must be a decimal string, e.g. "12.50".'),
        ("mean_input_tokens", 800, 'Must be a decimal string, e.g. "12.50".'),
    ],
)
def test_a_value_of_another_json_type_is_refused_not_coerced(api, field, value, message):
    response = api.post(reverse("api:workload-list"), {**WORKLOAD, field: value}, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not Workload.objects.exists()


def test_a_list_item_of_another_type_is_refused_by_its_index(api):
    body = {**WORKLOAD, "languages": ["en", 7]}
    response = api.post(reverse("api:workload-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["languages[1]"] == ["Must be a string."]


def test_a_note_that_is_not_a_string_is_refused(approver_api, alice, comparison):
    decision = services.decision_propose(
        user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id
    )
    url = reverse("api:decision-approve", args=[decision.pk])
    response = approver_api.post(url, {"note": 0}, format="json")
    assert response.status_code == 400 and response.json() == {"note": ["Must be a string."]}
    decision.refresh_from_db()
    assert decision.status == Decision.Status.PROPOSED


def test_an_id_as_a_string_is_refused(api, workload):
    response = api.post(reverse("api:comparison-list"), {"workload": str(workload.pk)})
    assert response.status_code == 400 and response.json() == {
        "workload": ["Must be a whole number."]
    }


# Strict query strings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("decided_before=", "decided_before"),
        ("decided_after=2026-1-1", "decided_after"),
        ("decided_after=01/11/2026", "decided_after"),
        ("workload=", "workload"),
        ("workload=x", "workload"),
        ("ordering=colour", "ordering"),
        ("ordering=created_at,colour", "ordering"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=-1", "page"),
    ],
)
def test_a_query_parameter_the_schema_refuses_is_a_400_naming_it(api, query, parameter):
    response = api.get(f"{reverse('api:comparison-list')}?{query}")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [parameter]


@pytest.mark.parametrize("query", ["status=", "status=zzz", "use_case=", "ordering=-colour"])
def test_workload_filters_outside_their_enum_are_refused(api, query):
    assert api.get(f"{reverse('api:workload-list')}?{query}").status_code == 400


def test_valid_query_parameters_still_filter_order_and_page(api, workload):
    ok = api.get(f"{reverse('api:workload-list')}?status=active&ordering=-title&page=1&q=")
    assert ok.status_code == 200 and ok.json()["count"] == 1
    dated = api.get(f"{reverse('api:comparison-list')}?decided_after=2026-01-01")
    assert dated.status_code == 200
    past_the_end = api.get(f"{reverse('api:workload-list')}?page=2")
    assert past_the_end.status_code == 404


def test_a_public_boolean_filter_takes_only_true_or_false(client):
    url = reverse("api:provider-list")
    assert client.get(f"{url}?hosted_in_india=true").status_code == 200
    for value in ("1", "yes", "", "unknown"):
        response = client.get(f"{url}?hosted_in_india={value}")
        assert response.status_code == 400, value
        assert list(response.json()) == ["hosted_in_india"]


def test_the_body_limit_is_the_one_the_docs_state():
    from pathlib import Path

    docs = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()
    assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes" in docs


# A department lists its documents ----------------------------------------------------------------


def test_a_department_lists_its_documents_so_a_lost_202_loses_nothing(
    departments, api, comparison, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # queued: no worker here
        queued = api.post(reverse("api:comparison-documents", args=[comparison.pk]))
    assert queued.status_code == 202
    listed = api.get(f"{reverse('api:document-list')}?comparison={comparison.pk}&status=queued")
    assert listed.status_code == 200
    (document,) = listed.json()["results"]
    assert document["id"] == queued.json()["id"] and document["status_url"] == queued["Location"]
    other = client_with(make_key(departments[1], (OFFICER,), "Revenue system")[1])
    assert other.get(reverse("api:document-list")).json()["count"] == 0
    assert api.get(f"{reverse('api:document-list')}?status=ready").json()["count"] == 0
    assert api.get(f"{reverse('api:document-list')}?status=lost").status_code == 400
