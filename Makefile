# The newcomer's entry point: every target makes .venv from the pinned
# requirements on first use, then hands over to the invoke task of the same name.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.requirements-installed
DEV_READY := $(VENV)/.dev-requirements-installed
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

TASKS := build rebuild regenerate serve livereload preview publish check \
         new-story stripe-sync bench bench-images test translations audit

.PHONY: $(TASKS) venv clean

# Options go through ARGS, e.g. make new-story ARGS="--slug ayi --campaign left-behind-mothers"
$(TASKS): $(READY)
	$(BIN)/invoke $@ $(ARGS)

venv: $(READY)

# The Nu HTML Checker (tests) and Lighthouse (audit) come from npm, pinned in
# package-lock.json; without npm the validator tests are skipped (never in CI).
NODE_READY := node_modules/.package-lock.json
test audit bench bench-images: $(DEV_READY)
test audit: $(NODE_READY)

$(NODE_READY): package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --no-audit --no-fund; \
	else echo "npm not found: install Node.js to run the HTML validator tests and make audit"; fi

# The site's packages, pinned with hashes; then the project itself (src/ and plugins/), editable.
$(READY): requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11, 5) else "Python 3.11.5 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements.txt
	$(PIP) --no-deps -e .
	touch $@

# What the tests and the lint, format and type gates need, pinned with hashes.
$(DEV_READY): requirements-dev.txt $(READY)
	$(PIP) --require-hashes -r requirements-dev.txt
	touch $@

clean:
	rm -rf output .build .cache
