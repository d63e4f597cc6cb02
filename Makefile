# Two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_SITE ?= $(shell cat examples/SITE 2>/dev/null || echo example.com)

.PHONY: install demo test lint bench model datasheet-stats examples clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## demo: install, then audit the bundled example exports into demo-output/
demo: install
	rm -rf demo-output
	$(BIN)/disavow audit examples/*.csv --site $(DEMO_SITE) \
		--keywords examples/keywords.txt --existing examples/current_disavow.txt --out demo-output
	$(BIN)/disavow validate demo-output/disavow.txt
	@echo "Open demo-output/report.html in a browser."

## test: the whole suite (browser tests run when Debian's chromium is installed)
test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .

## bench: speed and memory at 100k, 1M and 5M links
bench: install
	$(BIN)/python bench/bench_audit.py

## model: rebuild models/backlink-gb-v1 from training_data/ (+ ../shared/data/train)
model: install
	$(BIN)/python training_data/build_model.py

datasheet-stats: install
	$(BIN)/python training_data/generate.py --stats training_data/generated

## examples: regenerate the labelled training data and the bundled demo exports
examples: install
	$(BIN)/python training_data/generate.py --seed 1 --out training_data/generated

clean:
	rm -rf demo-output bench/output .pytest_cache .ruff_cache
