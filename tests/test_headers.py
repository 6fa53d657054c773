"""Response headers: Permissions-Policy on every response; no-store on whatever answers a
signed-in person or an API key (pages, JSON, PDFs) while the public catalogue stays cacheable;
behind a TLS proxy (SECURE_PROXY_SSL_HEADER from the environment) HSTS and no redirect loop."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import override_settings
from django.urls import reverse

from procurement import services
from procurement.documents import jobs
from procurement.models import JustificationDocument
from procurement.roles import OFFICER
from tests.test_api_support import client_with, make_key

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_response_carries_a_permissions_policy(client, alice):
    answers = [
        client.get(reverse("home")),
        client.get(reverse("login")),
        client.get("/no/such/page/"),
        client_with().get(reverse("api:provider-list")),
        client_with().get("/api/v1/no-such-thing/"),
        client.get(staticfiles_storage.url("css/app.css")),
    ]
    client.force_login(alice)
    answers.append(client.get(reverse("workload_list")))
    for response in answers:
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy, (response.status_code, policy)


def test_public_pages_stay_cacheable_and_signed_in_pages_do_not(client, alice, small_catalogue):
    assert not no_store(client.get(reverse("catalogue:provider_list")))
    assert not no_store(client_with().get(reverse("api:provider-list")))
    client.force_login(alice)
    assert no_store(client.get(reverse("workload_list")))
    assert no_store(client.get(reverse("catalogue:provider_list")))  # names the officer
    static = client.get(staticfiles_storage.url("css/app.css"))
    assert not no_store(static)


def test_api_answers_to_a_key_are_not_stored_even_refusals(departments):
    _, key = make_key(departments[0], (OFFICER,))
    officer = client_with(key)
    assert no_store(officer.get(reverse("api:workload-list")))
    assert no_store(officer.get(reverse("api:provider-list")))
    assert no_store(client_with("not-a-key").get(reverse("api:workload-list")))


def test_the_pdf_is_not_stored(alice, client, comparison, departments):
    document = services.document_request(user=alice, comparison=comparison)
    jobs.document_render(str(document.pk))
    assert JustificationDocument.objects.get(pk=document.pk).status == "ready"
    client.force_login(alice)
    page_pdf = client.get(reverse("document_download", args=[document.pk]))
    assert page_pdf.status_code == 200 and no_store(page_pdf)
    _, key = make_key(departments[0], (OFFICER,))
    api_pdf = client_with(key).get(
        reverse("api:document-pdf", args=[document.pk]), HTTP_ACCEPT="application/pdf"
    )
    assert api_pdf.status_code == 200 and no_store(api_pdf)


@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31_536_000,
)
def test_behind_a_tls_proxy_hsts_is_sent_and_nothing_redirects_in_a_loop(client):
    through_proxy = client.get(reverse("home"), HTTP_X_FORWARDED_PROTO="https")
    assert through_proxy.status_code == 200
    assert through_proxy["Strict-Transport-Security"].startswith("max-age=31536000")
    plain = client.get(reverse("home"))  # the proxy did not say https: one redirect to it
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200  # load balancers probe over plain HTTP


def proxy_header_in(value: str) -> subprocess.CompletedProcess[str]:
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps(settings.SECURE_PROXY_SSL_HEADER))"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECURE_PROXY_SSL_HEADER": value,
    }
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("X-Forwarded-Proto", ["HTTP_X_FORWARDED_PROTO", "https"]),
        ("X-Forwarded-Ssl=on", ["HTTP_X_FORWARDED_SSL", "on"]),
    ],
)
def test_the_proxy_header_comes_from_the_environment(value, expected):
    result = proxy_header_in(value)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_a_malformed_proxy_header_refuses_to_start():
    result = proxy_header_in("X-Forwarded-Proto: https")
    assert result.returncode != 0 and "DJANGO_SECURE_PROXY_SSL_HEADER" in result.stderr
