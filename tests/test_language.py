"""The language switcher: every page in Hindi or English, remembered for a signed-in person."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from procurement import services
from procurement.models import AccountLanguage
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def _switch(client: Client, code: str, next_url: str = "/") -> None:
    response = client.post("/language/", {"language": code, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url


def test_every_page_offers_the_switch_and_a_visitor_keeps_the_language_in_a_cookie(client):
    page = client.get("/catalogue/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="language-switch"' in html and '<html lang="en">' in html

    _switch(client, "hi", "/catalogue/")
    assert client.cookies["django_language"].value == "hi"
    page = client.get("/catalogue/")
    assert '<html lang="hi">' in page.content.decode()
    assert page["Content-Language"] == "hi"

    _switch(client, "en")
    assert '<html lang="en">' in client.get("/").content.decode()


def test_an_unknown_language_changes_nothing(client):
    client.post("/language/", {"language": "fr", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_switch_refuses_to_send_a_visitor_elsewhere(client):
    response = client.post("/language/", {"language": "hi", "next": "https://example.com/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_signed_in_persons_choice_follows_them_to_another_browser(alice):
    first = Client()
    first.force_login(alice)
    _switch(first, "hi", "/workloads/")
    assert AccountLanguage.objects.get(user=alice).language == "hi"

    # Another browser: no cookie, an English Accept-Language; signing in brings Hindi back.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert (
        other.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code
        == 302
    )
    assert '<html lang="hi">' in other.get("/workloads/").content.decode()

    _switch(other, "en", "/workloads/")
    assert AccountLanguage.objects.get(user=alice).language == "en"
    assert '<html lang="en">' in other.get("/workloads/").content.decode()


def test_the_browsers_language_is_the_default(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="hi-IN,hi;q=0.9,en;q=0.8")
    assert '<html lang="hi">' in page.content.decode()


def test_the_api_follows_accept_language_not_the_account(alice):
    client = Client()
    client.force_login(alice)
    _switch(client, "hi")
    response = client.get("/api/v1/providers/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Language"] == "en"
    response = client.get("/api/v1/providers/", HTTP_ACCEPT_LANGUAGE="hi")
    assert response["Content-Language"] == "hi"


def test_an_email_is_written_in_its_recipients_language(
    alice, bob, comparison, mailoutbox, django_capture_on_commit_callbacks
):
    for person in (alice, bob):
        person.email = f"{person.username}@health.example.gov.in"
        person.save(update_fields=["email"])
    AccountLanguage.objects.create(user=bob, language="hi")
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_propose(
            user=alice, comparison=comparison, offer_id=comparison.recommended_offer_id, reason=""
        )
    [to_bob] = [m for m in mailoutbox if m.to == [bob.email]]
    assert DEVANAGARI.search(to_bob.subject) and DEVANAGARI.search(to_bob.body)
    assert f"/decisions/{decision.pk}/" in to_bob.body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_approve(user=bob, decision=decision)
    [to_alice] = mailoutbox
    assert to_alice.to == [alice.email] and not DEVANAGARI.search(to_alice.subject)


def _figures(node):
    """A results tree without its sentences, as the engine compares them."""
    from procurement.engine.results import SENTENCE_FIELDS

    if isinstance(node, dict):
        return {k: _figures(v) for k, v in node.items() if k not in SENTENCE_FIELDS}
    if isinstance(node, list):
        return [_figures(v) for v in node]
    return node


def test_the_api_writes_the_engines_sentences_in_hindi_and_keeps_every_figure(alice, comparison):
    client = Client()
    client.force_login(alice)
    url = f"/api/v1/comparisons/{comparison.pk}/"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    hindi = client.get(url, HTTP_ACCEPT_LANGUAGE="hi").json()
    assert not DEVANAGARI.search(" ".join(english["results"]["explanation"]))
    assert all(DEVANAGARI.search(line) for line in hindi["results"]["explanation"])
    assert _figures(hindi["results"]) == _figures(english["results"])
    assert {k: v for k, v in hindi.items() if k != "results"} == {
        k: v for k, v in english.items() if k != "results"
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"requests_per_day": 0}, "requests_per_day"),  # the form's range, in Django
        ({"languages": ["en", "en"]}, "languages"),  # a rule of the engine itself
        ({"term_years": 11}, "term_years"),
    ],
)
def test_a_refusal_names_the_field_in_the_readers_language(
    alice, demo_catalogue, policy_pack, change, field
):
    from tests.test_api_workflow import WORKLOAD

    client = Client()
    client.force_login(alice)
    answers = {
        code: client.post(
            "/api/v1/workloads/",
            {**WORKLOAD, **change},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=code,
        )
        for code in ("en", "hi")
    }
    assert {a.status_code for a in answers.values()} == {400}
    english, hindi = answers["en"].json(), answers["hi"].json()
    assert set(english) == set(hindi) == {field}
    assert not DEVANAGARI.search(english[field][0]) and DEVANAGARI.search(hindi[field][0])
