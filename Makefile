# The two commands in the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STATIC_FILES := $(shell find static -type f 2>/dev/null)

# `make run` is the one place DEBUG is on: the embedded default on this machine only. It writes
# var/local.env (DEBUG on, a generated secret key and snapshot signing key), which settings read
# whenever the process environment says nothing about how to run — so the README's manage.py
# commands work as written.
LOCAL_ENV := var/local.env
# 32 random bytes in base64: an Ed25519 private key for SNAPSHOT_SIGNING_KEY.
NEW_SIGNING_KEY := $(BIN)/python -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())'
# Collecting static files needs settings, and no secret: it runs with DEBUG on, explicitly.
STATIC_ENV := DJANGO_DEBUG=1
# The tests run with DEBUG off and the production checks on, except the HTTPS redirect (the test
# client speaks plain HTTP). The keys below are for tests only and never leave this Makefile (the
# signing key is the base64 of the text "tests-only snapshot signing key!").
TEST_ENV := DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY=tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz \
	DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	DJANGO_SECURE_SSL_REDIRECT=0 \
	SNAPSHOT_SIGNING_KEY=dGVzdHMtb25seSBzbmFwc2hvdCBzaWduaW5nIGtleSE=
PYTEST_ARGS ?=
# The suite runs in one process per core (pytest-xdist; each has its own test database and Redis
# database: tests/conftest.py). PYTEST_WORKERS=0 runs it in this process.
PYTEST_WORKERS ?= auto
# Debian packages: Pango for WeasyPrint, Chromium to export the PDF's charts (and drive the
# browser tests), Lohit Devanagari as the documents' Hindi font; qpdf checks PDFs in the tests.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 chromium fonts-lohit-deva gettext
SYSTEM_PACKAGES := $(RUN_PACKAGES) qpdf

.PHONY: help run test install install-dev node-modules system-packages static lint check vendor clean messages messages-extract i18n-check

help:
	@echo "make run    set up everything, load the demo data and serve http://127.0.0.1:8000/"
	@echo "make test   set up what is missing and run the whole test suite"
	@echo "make lint   ruff, import contracts (layers, no cycles), mypy strict, Django checks, migrations"
	@echo "make vendor refresh static/vendor/ from npm (bootstrap, htmx, plotly.js basic)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

# The Hindi message catalogue, compiled for Django and the engine (git-ignored; msgfmt is GNU
# gettext's). `make messages-extract` refreshes the .po from the code after strings change.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
locale/%.mo: locale/%.po
	msgfmt --check -o $@ $<
messages: $(CATALOGUES)
messages-extract: install-dev
	$(TEST_ENV) $(MANAGE) makemessages --locale hi --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*' --ignore 'tests/*'

# Every user-visible string is marked and translated: the template scan and msgfmt's statistics.
i18n-check: install-dev
	$(BIN)/python scripts/i18n_check.py templates
	$(BIN)/python scripts/i18n_check.py catalogue

# npm's devDependencies as package-lock.json pins them: the tests need axe-core (the accessibility
# test injects it into pages; it is never served); `make vendor` copies the rest into static/.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
node-modules: node_modules/.package-lock.json

# Collected, compressed (gzip + brotli) and content-hashed static files for whitenoise.
var/static/staticfiles.json: $(VENV)/.installed-run $(STATIC_FILES)
	$(STATIC_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
static: var/static/staticfiles.json

# Kept once written: a new secret key each run would sign everyone out, a new signing key would
# leave the snapshots signed so far naming a key the product no longer publishes. A file written
# before snapshots were signed gets a signing key added.
$(LOCAL_ENV): | $(BIN)/python
	@mkdir -p $(dir $@)
	@printf '%s\n' \
		"# Written by 'make run' for local development on this machine only (git-ignored)." \
		"# config/settings.py reads it only when the environment sets none of DJANGO_DEBUG," \
		"# DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS." \
		"DJANGO_DEBUG=1" \
		"DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		"SNAPSHOT_SIGNING_KEY=$$($(NEW_SIGNING_KEY))" \
		> $@
	@echo "Wrote $@ (DEBUG on, a generated secret key and signing key) for this checkout."

run: install static $(LOCAL_ENV)
	@grep -q '^SNAPSHOT_SIGNING_KEY=' $(LOCAL_ENV) || { \
		echo "SNAPSHOT_SIGNING_KEY=$$($(NEW_SIGNING_KEY))" >> $(LOCAL_ENV); \
		echo "Added a generated snapshot signing key to $(LOCAL_ENV)."; }
	@$(MAKE) --no-print-directory system-packages SYSTEM_PACKAGES="$(RUN_PACKAGES)"
	@$(MAKE) --no-print-directory messages
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) load_demo
	@echo
	@echo "Serving the product on its embedded default (SQLite, Celery eager) at:"
	@echo "    http://127.0.0.1:8000/"
	@echo "Sign in at http://127.0.0.1:8000/accounts/login/ with a demo login above. Stop with Ctrl-C."
	@echo
	$(MANAGE) runserver 127.0.0.1:8000

# Installs missing Debian packages when run as root; otherwise stops with the command to run.
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null \
		| grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing system packages: $$missing"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get install -y -q --no-install-recommends $$missing \
				|| { apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; }; \
		else \
			echo "Missing system packages. Run: sudo apt-get install -y $$(echo $$missing)" >&2; \
			exit 1; \
		fi; \
	fi

test: install-dev node-modules static system-packages messages
	$(TEST_ENV) $(BIN)/pytest --numprocesses=$(PYTEST_WORKERS) --maxprocesses=4 $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(TEST_ENV) $(BIN)/mypy
	$(TEST_ENV) $(MANAGE) check --fail-level WARNING
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run

vendor: node-modules
	mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/plotly
	sed '/sourceMappingURL=/d' node_modules/bootstrap/dist/css/bootstrap.min.css > static/vendor/bootstrap/bootstrap.min.css
	sed '/sourceMappingURL=/d' node_modules/bootstrap/dist/js/bootstrap.bundle.min.js > static/vendor/bootstrap/bootstrap.bundle.min.js
	cp node_modules/bootstrap/LICENSE static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE static/vendor/htmx/
	cp node_modules/plotly.js-basic-dist-min/plotly-basic.min.js node_modules/plotly.js-basic-dist-min/LICENSE static/vendor/plotly/
	node scripts/extract-plotly-css.js static/vendor/plotly/plotly-basic.min.js > static/vendor/plotly/plotly.css

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .hypothesis
