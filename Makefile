# newsstream: the two commands a newcomer types are `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test test-kafka test-kafka-cluster lint typecheck schemas bench eval clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo "setting up $(VENV) (first run only; log in $(VENV)/install.log)"
	@$(BIN)/python -m pip install --disable-pip-version-check --upgrade pip > $(VENV)/install.log 2>&1 \
		&& $(BIN)/python -m pip install --disable-pip-version-check -e '.[dev]' >> $(VENV)/install.log 2>&1 \
		|| (tail -40 $(VENV)/install.log; exit 1)
	@rm -f $(VENV)/.installed-* && touch $@

## run: the main job on the embedded broker and the seed data, then the counts
run: $(STAMP)
	@$(BIN)/newsstream run

## test: the whole test suite (unit + integration on the embedded broker)
test: $(STAMP)
	@$(BIN)/python -m pytest -q

## test-kafka: the integration suite again, on Apache Kafka (needs Java 17+; Maven fetches
## the pinned release once into ~/.cache/newsstream). The wheel and benchmark tests start
## their own embedded broker whatever the engine, so they run in `make test` only. A failed
## test runs once more (reported as a rerun): these tests kill JVMs and workers on a shared
## machine, and a second failure is what CI stops on (docs/reliability.md).
test-kafka: $(STAMP)
	@NEWSSTREAM_TEST_BROKER=kafka $(BIN)/python -m pytest -q tests/integration -m "not kafka_cluster" \
		--ignore=tests/integration/test_wheel.py --ignore=tests/integration/test_bench.py \
		--reruns 1 --reruns-delay 5 -rfER

## test-kafka-cluster: a three-node Kafka cluster under failure (pytest -m kafka_cluster);
## each fault prints its figures (stories in flight, longest stall), hence -s
test-kafka-cluster: $(STAMP)
	@NEWSSTREAM_TEST_BROKER=kafka $(BIN)/python -m pytest -q -s tests/integration -m kafka_cluster \
		--reruns 1 --reruns-delay 5 -rfER

## lint: ruff over the package, the tests and scripts/ (pyproject.toml: extend-include)
lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

## typecheck: mypy over streams/, schemas/ and scripts/ (pyproject.toml: files)
typecheck: $(STAMP)
	$(BIN)/mypy

schemas: $(STAMP)
	$(BIN)/python -m schemas.export

bench: $(STAMP)
	$(BIN)/python scripts/bench

clean:
	rm -rf $(VENV) newsstream-data .pytest_cache .mypy_cache .ruff_cache
