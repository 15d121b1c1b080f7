# The two commands of the README: `make demo` and `make test`.
# Both need only Python 3.11+; both are safe to run again.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test install lint stop-db vendor

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	touch $@

# axe-core for the accessibility tests (package.json pins it); CI installs npm.
NPM := $(shell command -v npm 2>/dev/null)
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# chart.js is served from our own host: its minified build is committed under
# supervision/static/supervision/vendor/; `make vendor` refreshes it from node_modules
# after package.json's pin changes (tests/supervision/test_statistics.py checks they agree).
# Without its source-map comment: collectstatic's manifest storage would look for the map.
vendor: node_modules/.installed
	sed '/^\/\/# sourceMappingURL=/d' node_modules/chart.js/dist/chart.umd.min.js \
		> supervision/static/supervision/vendor/chart.umd.min.js
	cp node_modules/chart.js/LICENSE.md supervision/static/supervision/vendor/chart.js-LICENSE.md

install: $(VENV)/.installed $(if $(NPM),node_modules/.installed)

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	SITE_PORT=$(PORT) $(BIN)/python manage.py seed_demo
	SITE_PORT=$(PORT) $(BIN)/python manage.py serve_platform --port $(PORT)

test: install
	$(BIN)/python -m pytest -n auto --dist loadgroup

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

stop-db: install
	$(BIN)/python manage.py embedded_db stop
