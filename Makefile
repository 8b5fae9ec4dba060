# The README's two commands are `make run` and `make test`; everything else is set-up they call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
VENDOR := static/vendor

.PHONY: run test bench check loadtest install db assets gazetteer clean

run: install db assets gazetteer
	$(FLASK) run --host 127.0.0.1 --port $${FINDER_PORT:-5000}

test: install assets gazetteer
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install db assets gazetteer
	$(BIN)/python bench/run_all.py

check: install
	$(BIN)/ruff check finder tests bench scripts wsgi.py
	$(BIN)/bandit -q -r finder -lll
	$(BIN)/pip-audit --progress-spinner off || echo "pip-audit: see the report above (needs the package index)"

loadtest: install db assets gazetteer
	$(BIN)/python bench/loadtest.py

install: $(STAMP)
$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,check]'
	touch $(STAMP)

db: install
	$(FLASK) finder init-db
	$(FLASK) finder seed-demo

assets: $(VENDOR)/.installed
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/leaflet $(VENDOR)/leaflet.markercluster $(VENDOR)/axe-core
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/leaflet.markercluster/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe-core/
	touch $@

gazetteer: install
	$(FLASK) finder build-gazetteer

clean:
	rm -rf $(VENV) node_modules $(VENDOR) instance .pytest_cache
