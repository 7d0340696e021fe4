# MotCua: `make run` serves the portal, `make test` runs the whole suite.
# Both set everything up first (virtual environment, system packages, assets, database).
# DATABASE_URL=postgres://... switches from SQLite (var/db.sqlite3) to PostgreSQL.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DEBUG ?= true
export SECRET_KEY ?= dev-only-insecure-key

.PHONY: setup run test check lint fmt typecheck importlint system-deps assets messages migrate demo clean

setup: $(VENV)/.installed system-deps assets messages migrate

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Debian packages: chromium (browser tests), gettext (translations), poppler-utils (PDF checks),
# libmagic1 (upload sniffing), Pango, HarfBuzz and fontconfig (WeasyPrint's PDFs; the subset
# library makes font subsetting faster), fonts covering Vietnamese (Liberation Serif is the
# Times-metric face of the slips). Installed only when missing.
SYSTEM_PACKAGES := chromium gettext poppler-utils libmagic1 libpango-1.0-0 libpangoft2-1.0-0 \
	libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-liberation2 fonts-dejavu-core
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
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

run: setup demo
	$(BIN)/python manage.py collectstatic --noinput -v0 --ignore "scss"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(BIN)/python manage.py collectstatic --noinput -v0 --ignore "scss"
	$(BIN)/pytest $(PYTEST_ARGS)

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
