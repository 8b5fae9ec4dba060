# The README's two commands are `make run` and `make test`; everything else is set-up they call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
VENDOR := static/vendor
LOCK := requirements.lock

.PHONY: run test bench check loadtest cluster install lock db assets gazetteer clean

run: install db assets gazetteer
	$(FLASK) run --host 127.0.0.1 --port $${FINDER_PORT:-5000}

test: install assets gazetteer
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install db assets gazetteer
	$(BIN)/python bench/run_all.py

check: install
	$(BIN)/ruff check finder tests bench scripts wsgi.py
	$(BIN)/bandit -q -r finder -lll
	$(BIN)/python scripts/audit_dependencies.py

loadtest: install db assets gazetteer
	$(BIN)/python bench/loadtest.py

# PostgreSQL, Redis, nginx (deploy/nginx.conf) and two gunicorn replicas on loopback; 60 s of
# mixed load with one replica killed and restarted; prints the figures, leaves nothing running.
cluster: install assets gazetteer
	$(BIN)/python -m bench.cluster

# Exactly the locked versions, hash-checked; refuses to start when pyproject.toml's dependencies
# changed since the lock was made (run `make lock`, then commit requirements.lock).
install: $(STAMP)
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) scripts/lock_digest.py check
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-resolve after editing pyproject.toml's dependencies (keeps existing pins where they still
# fit; LOCK_ARGS=--upgrade moves everything to the newest allowed versions).
lock:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/pip-compile || $(BIN)/pip install --quiet pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --all-extras --generate-hashes \
	  --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) \
	  -o $(LOCK) pyproject.toml
	$(PYTHON) scripts/lock_digest.py stamp

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
