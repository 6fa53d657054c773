"""Settings: one file, driven by the environment.

With no environment the product runs on its embedded default: SQLite under ``var/``, Celery tasks
run eagerly in the web process, a per-process cache.

The production shape is switched on by variables, never by a second settings file:

- ``DJANGO_DEBUG``: ``1`` for local development only (default off).
- ``DJANGO_SECRET_KEY``: required when DEBUG is off; 50+ random characters.
- ``DJANGO_ALLOWED_HOSTS``: required when DEBUG is off; comma-separated host names.
- ``SNAPSHOT_SIGNING_KEY``: the product's Ed25519 private key, base64 of 32 random bytes
  (``openssl rand -base64 32``, or the Python line in ``procurement/signing.py``). It signs
  every comparison snapshot the product stores; its public key is published at
  ``/verify/key/`` and printed in every justification PDF. Keep it secret, and keep it: a new
  key leaves old signatures valid, but they then name a key the product no longer publishes.
  Without it no comparison can be stored, and ``manage.py check`` (so ``check --deploy`` too)
  reports an error when DEBUG is off, a warning when it is on. ``make run`` writes one to
  ``var/local.env``.
- ``PROCUREMENT_DEMO_INSTANCE``: ``1`` on a demonstration instance only. With DEBUG off,
  ``manage.py load_demo`` (demo catalogue and demo accounts with a published password) refuses
  unless this is ``1`` *and* it is given ``--demo-instance``; ``check --deploy`` fails while any
  demo account is active with the demo password.
- ``DATABASE_URL``: PostgreSQL, e.g. ``postgres://user@host:5432/db`` (psycopg 3).
- ``REDIS_URL``: the Celery broker and the cache.
- ``DJANGO_SECURE_SSL_REDIRECT``: redirect HTTP to HTTPS (default on when DEBUG is off).
- ``DJANGO_CSRF_TRUSTED_ORIGINS``: comma-separated origins, e.g. ``https://procure.example.gov.in``.
- ``DJANGO_SECURE_PROXY_SSL_HEADER``: behind a TLS-terminating proxy, the header by which it says
  the client used HTTPS, as ``Name`` (value ``https``) or ``Name=value``, e.g.
  ``X-Forwarded-Proto``. Set it only when the proxy always sets (overwrites) that header:
  a client could send it otherwise. Without it, behind such a proxy every request looks like
  plain HTTP, so the HTTPS redirect loops and HSTS is never sent.
- ``DJANGO_NUM_PROXIES``: reverse proxies in front of the app that append X-Forwarded-For.
- ``DJANGO_ANON_THROTTLE``: request rate for anonymous API clients (default ``600/minute``).
- ``DJANGO_API_THROTTLE``: request rate per API key or signed-in user (default ``6000/minute``).
- ``DJANGO_SESSION_HOURS``: absolute session lifetime in hours (default 8).
- ``DJANGO_AUDIT_CHECKPOINT_EVERY``: seconds between signed checkpoints of the audit chains
  (default 3600), made by Celery beat.
- ``DJANGO_SUMMARY_SWEEP_SECONDS``: seconds between the transparency dashboard's sweeps
  (approvals whose refresh was lost; this and last quarter's usage), default 300.
- ``DJANGO_DOCUMENT_TIME_LIMIT``: seconds one justification PDF may take to render, the Celery
  task's hard time limit (default 180).
- ``DJANGO_DOCUMENT_LEASE``: seconds a rendering worker's claim on a job lasts unless renewed
  (it renews every third of it); a killed worker's job is taken over after this (default 6).
- ``DJANGO_DATA_DIR``: where the SQLite file and collected static files live (``var/``).
- ``DJANGO_STATIC_ROOT``: where collected static files live (``DJANGO_DATA_DIR/static``).
- ``DJANGO_LOG_LEVEL``: root log level (default INFO).
- ``CHROMIUM_PATH``: the Chromium that draws the PDF's charts (default ``/usr/bin/chromium``).
- ``DJANGO_SITE_URL``: the address people open the product at, e.g.
  ``https://procure.example.gov.in``; the links in notification emails start with it (default
  ``http://127.0.0.1:8000`` with DEBUG on, else ``https://`` and the first allowed host).
- ``OCDS_OCID_PREFIX``: the publisher's ocid prefix for open contracting data (registered with
  the Open Contracting Partnership, e.g. ``ocds-a1b2c3``; default ``ocds-demo00``, which no
  registered publisher holds).
- ``DJANGO_EMAIL_HOST``, ``DJANGO_EMAIL_PORT`` (default 587), ``DJANGO_EMAIL_HOST_USER``,
  ``DJANGO_EMAIL_HOST_PASSWORD``, ``DJANGO_EMAIL_USE_TLS`` (STARTTLS, default on),
  ``DJANGO_EMAIL_USE_SSL`` (implicit TLS, e.g. port 465; default off): the SMTP server that
  sends notifications (a proposal to the department's approvers; an approval or a return to the
  officer who proposed). ``DJANGO_DEFAULT_FROM_EMAIL``: their sender, e.g.
  ``Procurement <noreply@procure.example.gov.in>``.
- ``DJANGO_EMAIL_BACKEND``: Django's email backend; by default SMTP when DEBUG is off, the
  console (emails printed by the server, none sent) with DEBUG on, as under ``make run``. The
  tests use Django's in-memory backend. A mail server that fails is logged; the decision stands.

``make run`` writes ``var/local.env`` (``DJANGO_DATA_DIR/local.env``; git-ignored) with
``DJANGO_DEBUG=1``, a generated ``DJANGO_SECRET_KEY`` and a generated ``SNAPSHOT_SIGNING_KEY``
for this checkout. It is read only when the process environment sets none of ``DJANGO_DEBUG``,
``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``, so that after ``make run`` every
``manage.py`` command works as written, and any environment that says how to run — the tests,
CI, a deployment — is never overridden by it; a variable the environment does set wins over
the file's.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Django's generic classes (ModelForm[Workload], ModelAdmin[Provider], QuerySet[...]) accept the
# type parameters the type checker reads.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DJANGO_DATA_DIR") or BASE_DIR / "var")
LOCAL_ENV = DATA_DIR / "local.env"
MODE_VARIABLES = ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")


def read_local_env(path: Path) -> dict[str, str]:
    """``NAME=value`` lines of a local environment file (blank lines and ``#`` comments aside)."""
    variables = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            variables[name.strip()] = value.strip()
    return variables


if LOCAL_ENV.exists() and not any(name in os.environ for name in MODE_VARIABLES):
    for name, value in read_local_env(LOCAL_ENV).items():
        os.environ.setdefault(name, value)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: use 1/0, true/false, yes/no or on/off.")


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: must be a whole number.") from None


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` or ``X-Forwarded-Proto=https`` → Django's SECURE_PROXY_SSL_HEADER."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    header, _, expected = value.partition("=")
    header = header.strip()
    if not header or any(char.isspace() or char == ":" for char in header):
        raise ImproperlyConfigured(f"{name}={value!r}: give a header name, e.g. X-Forwarded-Proto.")
    return "HTTP_" + header.upper().replace("-", "_"), expected.strip() or "https"


def weak_secret_key(key: str) -> bool:
    """The same test as Django's security.W009: short, repetitive or a generated dev key."""
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    problems = []
    if not SECRET_KEY:
        problems.append("DJANGO_SECRET_KEY is not set")
    elif weak_secret_key(SECRET_KEY):
        problems.append(
            "DJANGO_SECRET_KEY is too weak (it needs 50+ characters, 5+ distinct, "
            "and must not be a 'django-insecure-' development key)"
        )
    if not ALLOWED_HOSTS:
        problems.append("DJANGO_ALLOWED_HOSTS is not set (comma-separated host names)")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with DJANGO_DEBUG off: "
            + "; ".join(problems)
            + ". Generate a key with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "For local development run `make run` once: it writes var/local.env with "
            "DJANGO_DEBUG=1, which every later command reads."
        )

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rest_framework_api_key",
    "axes",
    "providers",
    "procurement",
]

MIDDLEWARE = [
    # Permissions-Policy on every response, no-store on every answer to credentials.
    "config.headers.PrivateResponseHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files leave here, already compressed (.br, .gz) by collectstatic.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages and API answers; above every middleware that reads or changes the body.
    # Against BREACH: Django masks the CSRF token and, since 4.2, pads what GZip compresses.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the cookie the switcher sets, else Accept-Language, else English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's own language, wherever they sign in (pages only; the API follows
    # Accept-Language).
    "procurement.language.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a clear refusal.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, except that an API key acts with at most its holder's roles.
    "procurement.api_keys.KeyHolderBackend",
]

ROOT_URLCONF = "config.urls"
# Widgets render through TEMPLATES, so templates/ can override one (the admin's URL widget).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite under DATA_DIR unless DATABASE_URL names another (PostgreSQL in production).
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "db.sqlite3"),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: a file is dropped while it arrives once past this size (config/uploads.py); the
# forms' own limits (10 MB) are lower and say so in words.
UPLOAD_FILE_CAP = 16 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "config.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Redis: Celery broker and the shared cache. Without it, tasks run eagerly and the cache is local.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Kolkata"
# At-least-once delivery without endless poison loops: acknowledge after the
# task ran, requeue when the worker dies, take one message at a time, and keep the broker's
# visibility timeout above any task's hard time limit so Redis does not redeliver a live task.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Redis redelivers a message its worker has not acknowledged after this many seconds: above the
# hard time limit, so a live task is not delivered twice. A worker killed mid-render is not
# waited for: its claim lapses after DOCUMENT_LEASE and the sweeper below re-enqueues the job.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
# A rendering worker that grows past this (KiB) is replaced after its task: WeasyPrint and the
# chart browser can hold on to memory.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 600_000
CELERY_TASK_ROUTES = {"procurement.tasks.render_document": {"queue": "documents"}}
# Signed checkpoints of every audit chain's head (procurement/audit.py), made by Celery beat
# this often (seconds); a chain cut short or rewritten after one no longer matches it.
AUDIT_CHECKPOINT_EVERY = env_int("DJANGO_AUDIT_CHECKPOINT_EVERY", 3600)
# Justification PDFs: the hard time limit of one rendering, in seconds (below the visibility
# timeout). A rendering worker renews its claim every third of DOCUMENT_LEASE; a claim not
# renewed for that long belongs to a dead worker and is taken over. Beat runs the sweeper every
# DOCUMENT_SWEEP_SECONDS, so a killed worker's document is ready within lease + sweep + one
# rendering (≤ 30 s; tests/test_worker_recovery.py measures it).
DOCUMENT_TIME_LIMIT = env_int("DJANGO_DOCUMENT_TIME_LIMIT", 180)
DOCUMENT_LEASE = env_int("DJANGO_DOCUMENT_LEASE", 6)
DOCUMENT_SWEEP_SECONDS = 3
# The transparency dashboard's sweep (procurement/summary.py): approvals whose refresh was lost,
# and the usage cells of this and last quarter, as contracts fall due.
SUMMARY_SWEEP_SECONDS = env_int("DJANGO_SUMMARY_SWEEP_SECONDS", 300)
CELERY_BEAT_SCHEDULE = {
    "sweep-documents": {
        "task": "procurement.tasks.sweep_documents",
        "schedule": DOCUMENT_SWEEP_SECONDS,
        "options": {"expires": DOCUMENT_SWEEP_SECONDS},  # no backlog while workers are down
    },
    "audit-checkpoint": {
        "task": "procurement.tasks.audit_checkpoint",
        "schedule": AUDIT_CHECKPOINT_EVERY,
    },
    "summary-sweep": {
        "task": "procurement.tasks.summary_sweep",
        "schedule": SUMMARY_SWEEP_SECONDS,
        "options": {"expires": SUMMARY_SWEEP_SECONDS},
    },
    # Accreditations expiring in 30 days: their evaluators' members are reminded, once a day.
    "accreditation-reminders": {
        "task": "procurement.tasks.accreditation_reminders",
        "schedule": crontab(hour=9, minute=0),
        "options": {"expires": 12 * 3600},
    },
}
# The Chromium that draws the PDF's charts (kaleido): Debian's, unless told otherwise.
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "").strip() or "/usr/bin/chromium"
# The key that signs every stored snapshot's fingerprint (procurement/signing.py reads it and
# its system check says when it is missing or malformed).
SNAPSHOT_SIGNING_KEY = os.environ.get("SNAPSHOT_SIGNING_KEY", "").strip()
# A demonstration instance: the only production-shaped place demo accounts may be created.
DEMO_INSTANCE = env_bool("PROCUREMENT_DEMO_INSTANCE", False)

# Notifications by email (procurement/notifications.py), sent after the decision commits.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/") or (
    "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
)
# Open contracting data: the prefix of every contracting process's ocid, registered with the
# Open Contracting Partnership by a real publisher ("ocds-" and six characters); the default
# marks the data as not from a registered publisher.
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "").strip() or "ocds-demo00"
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "").strip() or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "").strip() or "localhost"
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "DJANGO_EMAIL_USE_TLS and DJANGO_EMAIL_USE_SSL are both on: a mail server speaks one "
        "(STARTTLS, usually port 587, or implicit TLS, usually port 465)."
    )
# A mail server that does not answer holds up the request that decided for at most this long.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = (
    os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "").strip()
    or f"Sovereign inference procurement <noreply@{SITE_URL.split('://', 1)[-1].split(':')[0]}>"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Every page in English and Hindi (Official Languages Act, 1963, s. 3(3)). The language is chosen
# by the switcher on every page and kept in a cookie, and for a signed-in person also on their
# account (procurement.language); an API client asks with Accept-Language. URLs do not change.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिंदी")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or DATA_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Compressed (gzip and brotli) and content-hashed file names, served with far-future caching.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security. Production values unless DEBUG is on (HTTPS only, secure cookies, HSTS).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER")
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
X_FRAME_OPTIONS = "DENY"
# An absolute session lifetime of hours, not Django's two weeks: the cookie is not refreshed
# on every request, so a stolen session ends with the working day.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# No inline scripts or styles anywhere: chart data travels in json_script and is drawn by a
# static file. Images may be data: URIs (Bootstrap draws its form controls with inline SVG).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

REST_FRAMEWORK = {
    # A department's system sends its key (first, so an anonymous call is a 401 that names the
    # scheme); a person signed in to the site uses the API with the session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "procurement.api.authentication.DepartmentAPIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Everything needs a login unless a view opts out explicitly (the public catalogue does).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON in and out; Swagger UI at /api/docs/ is the browsable API.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser behind the engine's nesting limit (a deep body is a 400, not a 500).
    "DEFAULT_PARSER_CLASSES": ["procurement.api.parsers.DepthLimitedJSONParser"],
    # No OPTIONS introspection: the OpenAPI schema documents every endpoint, and OPTIONS would
    # answer 200 on any URL, another department's objects included.
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_PAGINATION_CLASS": "config.query.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        # Strict: a query parameter the schema would refuse is a 400, never ignored.
        "config.query.StrictFilterBackend",
        "config.query.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.api.APIAutoSchema",
    "EXCEPTION_HANDLER": "config.api.api_exception_handler",
    # One budget per API key, per signed-in user, and per address for anonymous callers.
    "DEFAULT_THROTTLE_CLASSES": ["procurement.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("DJANGO_ANON_THROTTLE", "600/minute"),
        "key": os.environ.get("DJANGO_API_THROTTLE", "6000/minute"),
        "user": os.environ.get("DJANGO_API_THROTTLE", "6000/minute"),
    },
    # Without this, a client could send any X-Forwarded-For and be counted as a new address.
    "NUM_PROXIES": env_int("DJANGO_NUM_PROXIES", 0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Sovereign inference procurement API",
    "DESCRIPTION": (
        "Everything a procurement officer or approver does in the browser, for a department's "
        "own systems: workloads, comparisons (the engine's full results and the stored "
        "snapshot), maker-checker decisions, policy packs; and the public catalogue of "
        "AI-inference providers, offerings and FX rates.\n\n"
        "Authenticate with a department API key, `Authorization: Api-Key <key>` (a department "
        "administrator creates it at /api-keys/), or with a signed-in session. You see and "
        "change only your department's records: another department's object answers 404, as "
        'a missing one does. Errors are JSON: `{"detail": …}`, or messages by field for a '
        "400. Fields a request may not set are refused, not ignored. Money and token counts "
        "travel as decimal strings. Requests are throttled per key (429 with Retry-After). "
        "A worked example is in docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components: read-only fields are not offered as input.
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids by resource ("workloads_list"), paths in full.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The workflow's links (a workload's id → run a comparison → propose → approve), which
    # clients and schemathesis's stateful tests follow.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "procurement.api.schema.add_workflow_links",
        "procurement.api.schema.add_known_languages",
        "procurement.api.schema.add_workload_rules",
        "procurement.api.schema.add_usage_rules",
        "config.api.strict_request_bodies",
    ],
    # Several models have a `status`; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "WorkloadStatusEnum": "procurement.models.Workload.Status",
        "DecisionStatusEnum": "procurement.models.Decision.Status",
        "PolicyPackStatusEnum": "procurement.models.PolicyPack.Status",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; keep its warnings (lockouts) only.
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; its warnings and errors stay.
        "weasyprint.progress": {"level": "WARNING"},
        # The chart exporter narrates its browser's life at INFO.
        "kaleido": {"level": "WARNING"},
        "choreographer": {"level": "WARNING"},
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workload_list"
LOGOUT_REDIRECT_URL = "home"

# Password guessing (config/signin.py says who can do what to whom, README "Sign-in limits"):
# five failures lock an (account, address) pair, not the account everywhere; names that are no
# account share one budget per address; an account guessed from many addresses is delayed
# (doubling per failure, at most a minute), never locked, and not at all from an address it has
# signed in from before. A cool-off, never a permanent lock.
AXES_HANDLER = "config.signin.SignInHandler"
AXES_LOCKOUT_PARAMETERS = "config.signin.lockout_parameters"
AXES_FAILURE_LIMIT = "config.signin.failure_limit"
AXES_LOCKOUT_CALLABLE = "config.signin.refusal"
SIGNIN_PAIR_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
# A refused attempt is not a new failure: it neither extends the cool-off nor the delay.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
SIGNIN_UNKNOWN_LIMIT = 20
SIGNIN_DELAY_AFTER = 10
SIGNIN_DELAY_MAX = 60
SIGNIN_KNOWN_ADDRESS_DAYS = 90
# A username longer than axes' column (or with a NUL) is recorded cut, not a server error.
AXES_USERNAME_CALLABLE = "config.signin.attempted_username"
AXES_IPWARE_PROXY_COUNT = REST_FRAMEWORK["NUM_PROXIES"] or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if REST_FRAMEWORK["NUM_PROXIES"] else ["REMOTE_ADDR"]
)
