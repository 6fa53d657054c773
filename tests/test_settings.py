"""The settings file: the embedded default, the production shape, and refusing to start unsafely."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

STRONG_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"


def settings_in(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly ``env`` (plus PATH)."""
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "db = settings.DATABASES['default'];"
        "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), 'host': db.get('HOST'),"
        "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': settings.CELERY_BROKER_URL,"
        "'cache': settings.CACHES['default']['BACKEND'], 'debug': settings.DEBUG,"
        "'ssl_redirect': settings.SECURE_SSL_REDIRECT, 'hsts': settings.SECURE_HSTS_SECONDS,"
        "'email': [settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT,"
        "settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL, settings.DEFAULT_FROM_EMAIL],"
        "'site_url': settings.SITE_URL}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_with_no_environment_the_app_refuses_to_start_and_says_which_variables(tmp_path):
    result = settings_in({"DJANGO_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr
    assert "Traceback" in result.stderr  # ImproperlyConfigured, raised while loading settings


def test_after_make_run_a_command_with_no_environment_reads_the_local_file(tmp_path):
    (tmp_path / "local.env").write_text(
        f"# written by make run\nDJANGO_DEBUG=1\nDJANGO_SECRET_KEY={STRONG_KEY}\n"
    )
    result = settings_in({"DJANGO_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is True


def test_an_environment_that_says_how_to_run_is_never_overridden_by_the_local_file(tmp_path):
    (tmp_path / "local.env").write_text(f"DJANGO_DEBUG=1\nDJANGO_SECRET_KEY={STRONG_KEY}\n")
    for env in ({"DJANGO_DEBUG": "0"}, {"DJANGO_ALLOWED_HOSTS": "example.gov.in"}):
        result = settings_in({"DJANGO_DATA_DIR": str(tmp_path), **env})
        assert result.returncode != 0 and "Refusing to start" in result.stderr, env


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "example.gov.in"}, "DJANGO_SECRET_KEY is not set"),
        (
            {"DJANGO_ALLOWED_HOSTS": "example.gov.in", "DJANGO_SECRET_KEY": "short"},
            "DJANGO_SECRET_KEY is too weak",
        ),
        (
            {
                "DJANGO_ALLOWED_HOSTS": "example.gov.in",
                "DJANGO_SECRET_KEY": "django-insecure-" + STRONG_KEY,
            },
            "DJANGO_SECRET_KEY is too weak",
        ),
        ({"DJANGO_SECRET_KEY": STRONG_KEY}, "DJANGO_ALLOWED_HOSTS is not set"),
    ],
)
def test_debug_off_needs_a_real_key_and_hosts(tmp_path, env, message):
    result = settings_in({"DJANGO_DATA_DIR": str(tmp_path), **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_the_embedded_default_is_sqlite_and_eager_celery(tmp_path):
    result = settings_in({"DJANGO_DEBUG": "1", "DJANGO_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    shape = json.loads(result.stdout)
    assert shape["engine"] == "django.db.backends.sqlite3"
    assert shape["name"] == str(tmp_path / "db.sqlite3")
    assert shape["eager"] is True and shape["broker"] == "memory://localhost/"
    assert shape["cache"].endswith("LocMemCache")
    assert shape["debug"] is True and shape["ssl_redirect"] is False and shape["hsts"] == 0


def test_database_and_redis_urls_select_the_production_shape(tmp_path):
    result = settings_in(
        {
            "DJANGO_SECRET_KEY": STRONG_KEY,
            "DJANGO_ALLOWED_HOSTS": "procure.example.gov.in",
            "DATABASE_URL": "postgres://officer@db.internal:5432/procurement",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "DJANGO_DATA_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stderr
    shape = json.loads(result.stdout)
    assert shape["engine"] == "django.db.backends.postgresql"
    assert (shape["host"], shape["name"]) == ("db.internal", "procurement")
    assert shape["eager"] is False and shape["broker"] == "redis://cache.internal:6379/0"
    assert shape["cache"].endswith("RedisCache")
    assert shape["debug"] is False and shape["ssl_redirect"] is True
    assert shape["hsts"] == 31_536_000


def test_email_prints_to_the_console_under_make_run_and_uses_smtp_in_production(tmp_path):
    local = settings_in({"DJANGO_DEBUG": "1", "DJANGO_DATA_DIR": str(tmp_path)})
    assert local.returncode == 0, local.stderr
    shape = json.loads(local.stdout)
    assert shape["email"][0] == "django.core.mail.backends.console.EmailBackend"
    assert shape["site_url"] == "http://127.0.0.1:8000"
    production = {
        "DJANGO_SECRET_KEY": STRONG_KEY,
        "DJANGO_ALLOWED_HOSTS": "procure.example.gov.in",
        "DJANGO_DATA_DIR": str(tmp_path),
        "DJANGO_EMAIL_HOST": "smtp.example.gov.in",
    }
    result = settings_in(production)
    assert result.returncode == 0, result.stderr
    shape = json.loads(result.stdout)
    assert shape["email"] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.gov.in",
        587,
        True,
        False,
        "Sovereign inference procurement <noreply@procure.example.gov.in>",
    ]
    assert shape["site_url"] == "https://procure.example.gov.in"
    both = settings_in({**production, "DJANGO_EMAIL_USE_TLS": "1", "DJANGO_EMAIL_USE_SSL": "1"})
    assert both.returncode != 0
    assert "DJANGO_EMAIL_USE_TLS and DJANGO_EMAIL_USE_SSL are both on" in both.stderr


def test_a_malformed_boolean_is_named(tmp_path):
    result = settings_in({"DJANGO_DEBUG": "maybe", "DJANGO_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe'" in result.stderr


def test_the_deploy_checklist_passes_with_production_settings(tmp_path):
    """`check --deploy --fail-level WARNING` finds nothing with the production environment."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SECRET_KEY": STRONG_KEY,
            "DJANGO_ALLOWED_HOSTS": "procure.example.gov.in",
            "DJANGO_DATA_DIR": str(tmp_path),
            "SNAPSHOT_SIGNING_KEY": "dGVzdHMtb25seSBzbmFwc2hvdCBzaWduaW5nIGtleSE=",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
