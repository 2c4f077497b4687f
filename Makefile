# One entry point for people and CI. `make demo` on a fresh machine does all setup, then runs the demo.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
DEMO := campaigns/demo-cafe-florist
OUT ?= out
# Tests reuse the demo models `make demo-models` built (same cache, keyed by phrase-table hash).
export JOINTCAMPAIGN_TEST_CACHE ?= $(HOME)/.local/share/jointcampaign/cache

.PHONY: setup demo demo-media demo-models test test-fast lint bench clean

setup:
	@bash scripts/setup.sh

demo-media: setup
	@$(BIN)/python -m jointcampaign.demo.media

demo-models: setup
	@$(BIN)/jointcampaign models demo

demo: setup demo-media demo-models
	@$(BIN)/jointcampaign validate $(DEMO)
	@$(BIN)/jointcampaign run $(DEMO) --out $(OUT)
	@echo "Bundles for each partner are in $(OUT)/$(notdir $(DEMO))/ (one .zip and one folder per partner)."

test: setup demo-media
	@$(BIN)/lint-imports --no-cache --no-logo
	@$(BIN)/python -m pytest -q

test-fast: setup
	@$(BIN)/python -m pytest -q -m "not slow"

lint: setup
	@$(BIN)/ruff check .
	@$(BIN)/mypy
	@$(BIN)/lint-imports --no-cache --no-logo

bench: setup demo-media demo-models
	@$(BIN)/python bench/render.py
	@$(BIN)/python bench/nightly.py
	@$(BIN)/python bench/translate.py
	@$(BIN)/python bench/subtitles.py

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
