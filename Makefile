# The newcomer's entry point: every target makes .venv from the pinned
# requirements on first use, then hands over to the invoke task of the same name.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.requirements-installed

TASKS := build rebuild regenerate serve livereload preview publish check \
         new-story stripe-sync bench test translations audit

.PHONY: $(TASKS) venv clean

$(TASKS): $(READY)
	$(BIN)/invoke $@

venv: $(READY)

$(READY): requirements.txt
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

clean:
	rm -rf output .build .cache
