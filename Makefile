# The two commands a newcomer needs: `make demo` and `make test`. Each first installs what is
# missing (scripts/bootstrap.sh), then builds.
SWIFT ?= swift
BIN_RELEASE := .build/release/celeriac
# Release binaries link the Swift runtime and Foundation statically: the loader then relocates one
# image instead of eleven shared libraries, so an idle worker is 25 MiB resident instead of 30 and
# every process (pool children included) starts faster. One set of flags for every release build,
# or SwiftPM rebuilds the whole package each time they change.
RELEASE := -c release --static-swift-stdlib

.PHONY: demo test bootstrap build release bench fuzz chaos clean

bootstrap:
	@scripts/bootstrap.sh

demo: bootstrap
	$(SWIFT) build $(RELEASE) --product celeriac
	$(BIN_RELEASE) demo $(DEMO_ARGS)

test:
	@scripts/bootstrap.sh --test
	$(SWIFT) build --build-tests
	scripts/test.sh

build: bootstrap
	$(SWIFT) build

release: bootstrap
	$(SWIFT) build $(RELEASE)

# One run of every benchmark scenario beside its peers (Benchmarks/README.md): prints each
# figure with its target and the README table, writes Benchmarks/results/<date>.md and .json.
# QUICK=1 is the smoke run (seconds per scenario, figures meaningless, written to .build/).
# BENCH_NOTE="..." is written at the top of the results file. Exits 0 even when targets are missed.
bench:
	@scripts/bootstrap.sh --test
	$(SWIFT) build $(RELEASE) --product celeriac
	$(SWIFT) build $(RELEASE) --product celeriac-bench
	.build/release/celeriac-bench all $(if $(QUICK),--quick,) $(if $(BENCH_NOTE),--note "$(BENCH_NOTE)",)

fuzz:
	@scripts/fuzz.sh $(if $(SECONDS),$(SECONDS),60)

# Fault injection (RELIABILITY.md): kill -9 and SIGSTOP under load, malformed tasks, a frame
# flood. QUICK=1 runs the short mode that make test runs.
chaos:
	@scripts/bootstrap.sh --test
	scripts/chaos.sh $(if $(QUICK),--short,)

clean:
	$(SWIFT) package clean
