# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .uv/bin/uv
SHOUMEN := .venv/bin/shoumen
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv

.PHONY: install demo serve test browser lint messages clean

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
serve: install
	$(SHOUMEN) db_worker --interval 1 & worker=$$!; \
		$(SHOUMEN) scheduler & scheduler=$$!; \
		trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
		$(SHOUMEN) runserver 127.0.0.1:8000

# Browser tests drive Debian's Chromium; install it once when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

test: install browser
	.venv/bin/pytest -n 2 $(PYTEST_ARGS)

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
