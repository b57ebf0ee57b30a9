# The newcomer's entry point: `make <task>` sets up .venv on first use (the pinned
# requirements with their hashes, then the project, editable) and hands over to the
# invoke task of the same name. bootstrap.py does both, so that a computer without
# make (Windows) types `py bootstrap.py <task>` for the same result; `make help`
# lists the tasks. Another Python than python3: make PYTHON=python3.12 serve
PYTHON ?= python3

# The invoke tasks of tasks.py, each also in bootstrap.py's TASKS (tests/test_setup.py).
TASKS := build rebuild regenerate serve livereload preview publish deploy check \
         new-story stripe-sync bench bench-images test translations audit screenshots

.DEFAULT_GOAL := help
.PHONY: $(TASKS) help venv clean

# Options go through ARGS, e.g. make new-story ARGS="--slug ayi --campaign left-behind-mothers"
$(TASKS) venv clean:
	"$(PYTHON)" bootstrap.py $@ $(ARGS)

help:
	@"$(PYTHON)" bootstrap.py help
