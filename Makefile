# Two commands do everything on a fresh Debian/Ubuntu machine:
#   make run   — set up, migrate, seed the demo when empty, serve on http://127.0.0.1:5000
#   make test  — set up, then run the whole test suite (DATABASE_URL=… for PostgreSQL)
# Both are safe to run again.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app committee_app
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils chromium

.PHONY: run test setup system-packages python-packages db bench clean

# the address printed on voter letters' QR codes; production sets its own (README, deploy/)
run: export PUBLIC_BASE_URL ?= http://127.0.0.1:5000
run: setup db
	@$(FLASK) seed-demo --if-empty
	@echo "serving on http://127.0.0.1:5000  (Ctrl-C to stop); job worker in the background"
	@$(FLASK) jobs worker --workers 2 & worker=$$!; \
	  trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(FLASK) run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: system-packages python-packages

system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else \
	    echo "Missing Debian packages. Run:  sudo apt-get install -y$$missing"; \
	  fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

python-packages: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

db: setup
	$(FLASK) db upgrade

bench: setup
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) instance/committee.sqlite3* instance/jobs-queue.sqlite3*
