# Index Registry: zero-configuration local development and tests.
# `make start` runs the whole system; `make test` is what CI runs (.ci/run).

SHELL := /usr/bin/env bash
.DEFAULT_GOAL := help

.PHONY: help setup build start test bench clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

setup: ## Install nats-server and npm packages if missing, build, build FerretDB
	@scripts/setup.sh

build: ## Compile apps, libs and tools into dist/
	npm run build

start: setup ## Run the system locally (gateway on :8216, data in .data/)
	node --enable-source-maps dist/tools/infra/start-system.js

test: setup ## Type-check, check formatting and dependency rules, run all tests
	npm run typecheck
	npm run --silent format:check
	npm run --silent lint:deps
	npx jest --ci

bench: ## Run the benchmarks
	npm run bench

clean: ## Remove build output and caches (keeps .data/ with local databases)
	rm -rf dist coverage .cache/tsconfig.tsbuildinfo
