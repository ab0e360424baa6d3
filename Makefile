# The two README commands: `make demo` (the main job) and `make test` (the suite). Both set up .venv first.
PY := .venv/bin/python
PYTEST_ARGS ?=

.PHONY: setup demo test clean-data

setup:
	@bash tools/setup_env.sh

demo: setup
	@$(PY) tools/demo.py

test: setup
	@$(PY) -m pytest $(PYTEST_ARGS)

clean-data:
	rm -rf data/world data/test_cache
