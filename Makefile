# ensemble: `make demo` and `make test` set up everything they need on a fresh Debian machine.
SHELL := /bin/bash
SWIFT ?= swift
VENV := .venv
PYTHON := $(VENV)/bin/python
RELEASE_BIN := .build/release/ensemble
# parallel and Java (for pyspark) run the tests of ensemble as a streaming filter at scale;
# GNU time measures its peak memory.
APT_PACKAGES := libhdf5-dev libopenblas-dev libxnnpack-dev libpthreadpool-dev pkg-config graphviz parallel openjdk-17-jre-headless time
SOURCES := $(shell find Sources -name '*.swift')

.PHONY: all deps venv build release install test floats demo fixtures picture lint format loc bench fuzz sanitize clean

all: build

## deps: install the C libraries with apt-get, only those missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

## venv: Python with real Keras (tf_keras 2.21 + keras 3) for fixtures and round-trip tests.
venv: $(VENV)/.ready
$(VENV)/.ready: requirements-dev.txt
	@test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

build: deps
	$(SWIFT) build

# The release binary carries the Swift runtime and Foundation inside it (64 MB stripped
# instead of 15): it starts in 8 ms instead of 14, and a 32-row predict takes 14 ms instead of
# 24, which counts when a pipeline runs it once per block.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product ensemble

## install: the binary, its man page and shell completions (bash, zsh, fish) under PREFIX.
PREFIX ?= /usr/local
MANUAL := .build/plugins/GenerateManual/outputs/ensemble/ensemble.1
install: release
	$(SWIFT) package plugin generate-manual >/dev/null
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 -s $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/ensemble
	install -m 644 $(MANUAL) $(DESTDIR)$(PREFIX)/share/man/man1/ensemble.1
	$(RELEASE_BIN) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ensemble
	$(RELEASE_BIN) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ensemble
	$(RELEASE_BIN) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ensemble.fish

## test: the Swift suite (no Python needed), then real Keras loading the files we write, and
## every fixture through the release binary too (the one users run).
test: deps build release venv floats
	$(SWIFT) test 2>&1 | tee .build/swift-test.log | grep -E "error|failed|Executed .* tests" ; \
	  test $${PIPESTATUS[0]} -eq 0
	ENSEMBLE=$(CURDIR)/.build/debug/ensemble ENSEMBLE_RELEASE=$(CURDIR)/$(RELEASE_BIN) \
	  $(PYTHON) -m pytest -q Tests/KerasRoundTrip

## floats: the CSV writer and reader (Sources/CTextCodec) round-trip every FLOAT_STRIDE-th
## float bit pattern; FLOAT_STRIDE=1 checks all 2^32 (about 2 minutes a core).
FLOAT_STRIDE ?= 61
floats:
	@mkdir -p .build
	clang -O2 -ISources/CTextCodec/include Tests/FloatRoundTrip/round_trip.c Sources/CTextCodec/*.c -lm \
	  -o .build/float-round-trip
	.build/float-round-trip $(FLOAT_STRIDE)

## demo: the main job on the shipped fixtures, for a person to read: two different models
## (widths 5 and 7) merged as 0.1·first + 0.9·second, its summary, and its predictions.
DEMO := .build/demo
demo: release
	@mkdir -p $(DEMO)
	@echo "\$$ ensemble merge --weighted 0.1 fixtures/models/k2_seed_a.h5 fixtures/models/k2_seed_b.h5 -o $(DEMO)/merged.h5"
	@$(RELEASE_BIN) merge --weighted 0.1 fixtures/models/k2_seed_a.h5 fixtures/models/k2_seed_b.h5 -o $(DEMO)/merged.h5 --force
	@echo
	@echo "\$$ ensemble summary $(DEMO)/merged.h5"
	@$(RELEASE_BIN) summary $(DEMO)/merged.h5
	@echo
	@echo "\$$ ensemble predict $(DEMO)/merged.h5 --input fixtures/expected/k2_seed_a.input0.npy --input fixtures/expected/k2_seed_b.input0.npy | head -3"
	@$(RELEASE_BIN) predict $(DEMO)/merged.h5 --input fixtures/expected/k2_seed_a.input0.npy \
	  --input fixtures/expected/k2_seed_b.input0.npy | head -3

## picture: the README's picture of the seed pair merged with --weighted 0.1, by the built binary.
picture: release
	$(RELEASE_BIN) summary --graph --weighted 0.1 fixtures/models/k2_seed_a.h5 fixtures/models/k2_seed_b.h5 \
	  -o docs/seed-pair.svg --force

## fixtures: regenerate every fixture with real Keras (overwrites fixtures/).
fixtures: venv
	$(PYTHON) fixtures/generate.py 2
	$(PYTHON) fixtures/generate.py 3

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

format:
	$(SWIFT) format format --in-place --recursive Sources Tests Package.swift

## bench: ensemble beside Keras and ONNX Runtime on the same machine (bench/run.py says how).
bench: release venv
	$(PYTHON) -m pip install -q --disable-pip-version-check -r bench/requirements.txt
	$(PYTHON) bench/run.py
	$(PYTHON) bench/tune.py
	$(PYTHON) bench/text.py

## fuzz: libFuzzer with AddressSanitizer over the model and input readers, seeded from the
## fixtures, FUZZ_SECONDS per target (default 60); findings in .build-fuzz/findings.
fuzz: deps venv
	bash scripts/fuzz.sh

## sanitize: the Swift test suite once under AddressSanitizer and once under ThreadSanitizer
## (LeakSanitizer off: the Swift runtime's metadata caches, never freed, read as leaks).
sanitize: deps
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --build-path .build-asan --sanitize=address 2>&1 | grep -E "error|Executed .* tests|ERROR|WARNING: ThreadSanitizer|SUMMARY" ; test $${PIPESTATUS[0]} -eq 0
	$(SWIFT) test --build-path .build-tsan --sanitize=thread 2>&1 | grep -E "error|Executed .* tests|ERROR|WARNING: ThreadSanitizer|SUMMARY" ; test $${PIPESTATUS[0]} -eq 0

## loc: lines per target; fails when a file passes 400 lines or a target its budget.
loc:
	@bash scripts/loc.sh

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan
