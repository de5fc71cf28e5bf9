# Critboard: `make run` to use it, `make test` to prove it works.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo

.PHONY: help run build test test-setup lint fmt bench clean

help:
	@echo "make run    build and start Critboard on http://127.0.0.1:8080"
	@echo "make test   install what tests need, then lint and run every test"
	@echo "make bench  run the benchmarks (release build) and print figures"
	@echo "make fmt    format the code"

build:
	$(CARGO) build --release --bin critboard

run: build
	./target/release/critboard serve

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-setup:
	@scripts/test-setup.sh

test: test-setup lint
	@scripts/check-backends.sh
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
		$(CARGO) nextest run --workspace --no-fail-fast; \
	else \
		$(CARGO) test --workspace --no-fail-fast; \
	fi

bench:
	scripts/bench/run.sh

clean:
	$(CARGO) clean
