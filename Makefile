# Critboard: `make run` to use it, `make test` to prove it works.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo

.PHONY: help run build web web-api test test-setup lint fmt bench clean e2e fuzz reliability

help:
	@echo "make run    build and start Critboard on http://127.0.0.1:8080"
	@echo "make test   install what tests need, then lint and run every test"
	@echo "make bench  run the benchmarks (release build) and print figures"
	@echo "make fmt    format the code"

# The web app first: the release binary embeds web/dist.
web:
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build

build: web
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

test: test-setup lint web
	cd web && npm run lint && npm test
	@scripts/check-backends.sh
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
		$(CARGO) nextest run --workspace --no-fail-fast; \
	else \
		$(CARGO) test --workspace --no-fail-fast; \
	fi
	scripts/fuzz/api.sh 60
	scripts/reliability/run.sh --short
	$(MAKE) e2e

# After an API change: refresh the description the web app is typed by.
web-api:
	$(CARGO) run --quiet --bin critboard -- openapi > web/openapi.json
	cd web && npm run api

# End-to-end: the release binary with the app embedded, in Chromium.
e2e: build
	cd web && npm run e2e

bench:
	scripts/bench/run.sh

# Schemathesis against the served API document for 10 minutes (`make test`
# runs it for one); any finding fails.
fuzz:
	$(CARGO) build --quiet --bin critboard
	scripts/fuzz/api.sh 600

# Disk full, kill -9 while clients write (20 times on SQLite and 20 on
# PostgreSQL), 60 s of load at 128 connections, PostgreSQL restarted under
# a live server; `make test` runs them shortened. See docs/reliability.md.
reliability:
	$(CARGO) build --quiet --bin critboard
	scripts/reliability/run.sh

clean:
	$(CARGO) clean
