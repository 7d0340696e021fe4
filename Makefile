# MotCua: `make run` serves the portal, `make test` runs the whole suite.
# Both set everything up first (virtual environment, system packages, assets, database).
# DATABASE_URL=postgres://... switches from SQLite (var/db.sqlite3) to PostgreSQL.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DEBUG ?= true
export SECRET_KEY ?= dev-only-insecure-key

.PHONY: setup run worker test test-dates check lint fmt typecheck importlint system-deps assets messages migrate demo demo-large bench bench-smoke bench-webhooks clean

setup: $(VENV)/.installed system-deps assets messages migrate

$(VENV)/.installed: requirements.txt requirements-dev.txt | system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Debian packages: chromium (browser tests), gettext (translations), poppler-utils (PDF checks),
# libmagic1 (upload sniffing), Pango, HarfBuzz and fontconfig (WeasyPrint's PDFs; the subset
# library makes font subsetting faster), fonts covering Vietnamese (Liberation Serif is the
# Times-metric face of the slips), SoftHSM2 (the PKCS#11 token the signing tests use), zbar-tools
# (a test reads the QR code of a signed e-result as a phone would). Installed only when missing
# (root or sudo the first time), and so are python3-venv (when $(PYTHON) cannot make a virtual environment), nodejs and npm
# (when the commands are missing: a Node.js from elsewhere, e.g. NodeSource, is kept).
SYSTEM_PACKAGES := chromium gettext poppler-utils libmagic1 libpango-1.0-0 libpangoft2-1.0-0 \
	libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-liberation2 fonts-dejavu-core softhsm2 \
	zbar-tools
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done; \
	  $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || echo python3-venv; \
	  command -v node >/dev/null || echo nodejs; command -v npm >/dev/null || echo npm); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Front-end assets come from the npm registry (package-lock.json) and are built into
# motcua/static/vendor/ (git-ignored).
assets: motcua/static/vendor/.built
motcua/static/vendor/.built: package.json package-lock.json scripts/build-assets.sh $(wildcard motcua/static/scss/*.scss)
	npm ci --no-audit --no-fund --loglevel=error
	bash scripts/build-assets.sh
	touch $@

messages: $(VENV)/.installed
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

migrate: $(VENV)/.installed
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py load_demo

# A province at scale: DOSSIERS generated dossiers over two years (bulk inserts) on the demo
# province, which the command loads first when the catalogue is empty.
DOSSIERS ?= 1000000
demo-large: migrate
	$(BIN)/python manage.py generate_dossiers --count $(DOSSIERS)

# The benchmark (docs/performance.md): gunicorn + locust against the PostgreSQL database of
# DATABASE_URL, which must already hold the dossiers (make demo-large). Not part of make test.
BENCH_SECONDS ?= 30
bench/.venv/.installed: bench/requirements.txt
	test -x bench/.venv/bin/python || $(PYTHON) -m venv bench/.venv
	bench/.venv/bin/pip install --quiet -r bench/requirements.txt
	touch $@
bench: $(VENV)/.installed assets bench/.venv/.installed
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make bench needs DATABASE_URL=postgres://..."; exit 2;; esac
	$(BIN)/python bench/run.py --seconds $(BENCH_SECONDS)

# A few-seconds version on 10,000 dossiers (topped up to 10,000 in the database of DATABASE_URL).
bench-smoke: $(VENV)/.installed assets bench/.venv/.installed migrate
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make bench-smoke needs DATABASE_URL=postgres://..."; exit 2;; esac
	$(BIN)/python manage.py generate_dossiers --count 10000 --top-up
	$(BIN)/python bench/run.py --seconds 3 --label smoke --strict

# Webhook latency (docs/performance.md): dossier acts through the services, a worker process
# and a local receiver, on a scratch database of the PostgreSQL server of DATABASE_URL.
bench-webhooks: $(VENV)/.installed
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make bench-webhooks needs DATABASE_URL=postgres://..."; exit 2;; esac
	$(BIN)/python bench/webhook_latency.py

# The background worker (tasks and the notification outbox) runs alongside the web server and
# stops with it.
run: setup demo
	$(BIN)/python manage.py collectstatic --noinput -v0 --ignore "scss"
	export PORT=$(PORT); $(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	printf '\nMotCua: open\n  %s\n  %s\n  %s\n  %s\n\n' \
	  "http://127.0.0.1:$(PORT)/           the portal (citizens; demo user congdan)" \
	  "http://127.0.0.1:$(PORT)/can-bo/    the back office (officials; see the demo users above)" \
	  "http://127.0.0.1:$(PORT)/admin/     the administration (quantri)" \
	  "http://127.0.0.1:$(PORT)/api/docs/  the API documentation"; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

worker: migrate
	$(BIN)/python manage.py worker

test: setup
	$(BIN)/python manage.py collectstatic --noinput -v0 --ignore "scss"
	$(BIN)/pytest $(PYTEST_ARGS)

# Tests never read the real clock: each starts at a known working day (conftest.py, TEST_NOW).
# This runs the whole suite again with the clock on a Monday, a Saturday, a Tết day and
# 31 December, to prove no test depends on the day it runs.
TEST_DATES ?= 2026-03-09T08:15:00+07:00 2026-03-14T10:00:00+07:00 2026-02-17T09:00:00+07:00 2026-12-31T16:45:00+07:00
test-dates: setup
	$(BIN)/python manage.py collectstatic --noinput -v0 --ignore "scss"
	failed=""; for now in $(TEST_DATES); do \
	  echo "== the suite at $$now"; MOTCUA_TEST_NOW=$$now $(BIN)/pytest -q $(PYTEST_ARGS) || failed="$$failed $$now"; \
	done; \
	if [ -n "$$failed" ]; then echo "== failed at:$$failed"; exit 1; fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(VENV)/.installed
	$(BIN)/mypy motcua config

importlint: $(VENV)/.installed
	$(BIN)/lint-imports

check: lint typecheck importlint
	mkdir -p var
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(MAKE) test

clean:
	rm -rf $(VENV) var node_modules motcua/static/vendor
