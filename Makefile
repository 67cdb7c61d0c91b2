# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .uv/bin/uv
SHOUMEN := .venv/bin/shoumen
# The web server's port: `make demo PORT=8100`.
PORT ?= 8000
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv

.PHONY: install demo serve test browser lint messages clean nginx soak

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: .venv/.synced

demo: install
	$(SHOUMEN) migrate --no-input
	$(SHOUMEN) demo --size medium
	$(MAKE) --no-print-directory serve

# The web server, with the background worker (ledger imports, scheduled jobs) and the
# scheduler (alert rules, escalation, completion, retention, digest) beside it.
# "open …" is printed once the server answers, not before.
serve: install
	$(SHOUMEN) db_worker --interval 1 & worker=$$!; \
		$(SHOUMEN) scheduler & scheduler=$$!; \
		$(SHOUMEN) runserver 127.0.0.1:$(PORT) & server=$$!; \
		trap 'kill $$worker $$scheduler $$server 2>/dev/null' EXIT INT TERM; \
		until .venv/bin/python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$(PORT)/', timeout=2)" 2>/dev/null; do \
			kill -0 $$server 2>/dev/null || exit 1; sleep 0.5; \
		done; \
		echo "open http://127.0.0.1:$(PORT)/"; \
		wait $$server

# Browser tests drive Debian's Chromium; install it once when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

test: install browser
	.venv/bin/pytest -n 2 $(PYTEST_ARGS)

# The soak (bench/soak.py, bench/README.md): two web nodes behind nginx, a primary and a
# replica, faults on a timetable. Runs as root with Redis on 127.0.0.1:6379; installs
# Debian's nginx when missing. `make soak SOAK_ARGS="--minutes 1"` for a short run.
nginx:
	@command -v nginx >/dev/null 2>&1 || { \
		echo "Installing Debian's nginx for the soak"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }

soak: install nginx
	.venv/bin/python bench/soak.py $(SOAK_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(SHOUMEN) makemigrations --check --dry-run
	.venv/bin/mypy shoumen

# Collect UI strings into shoumen/locale (needs GNU gettext) and compile the catalogue.
MESSAGES_IGNORE := --ignore '.venv/*' --ignore '.uv/*' --ignore 'var/*' --ignore 'static/*' \
	--ignore 'tests/*' --ignore 'bench/*' --ignore 'node_modules/*'
messages: install
	$(SHOUMEN) makemessages -l zh_Hans --no-obsolete $(MESSAGES_IGNORE)
	$(SHOUMEN) compilemessages $(MESSAGES_IGNORE)

clean:
	rm -rf .venv .uv var
