# The two commands a newcomer needs: `make demo` and `make test`. Each first installs what is
# missing (scripts/bootstrap.sh), then builds.
SWIFT ?= swift
BIN_RELEASE := .build/release/celeriac
# Release binaries link the Swift runtime and Foundation statically: the loader then relocates one
# image instead of eleven shared libraries, so an idle worker is 25 MiB resident instead of 30 and
# every process (pool children included) starts faster. One set of flags for every release build,
# or SwiftPM rebuilds the whole package each time they change. Every function gets a section of
# its own (Swift gives one only to public functions by default, C to none), so that lld can lay the
# functions an idle worker runs side by side (Benchmarks/layout/celeriac.order, `make layout`; issue
# #6): the kernel maps 64 KiB around each page fault in code, and packed hot code makes those pages
# useful. RELR packs the relative relocations the loader reads at start (2.3 MB of .rela.dyn
# otherwise); --no-export-dynamic drops the 234,000 dynamic symbols (8 MB of .dynsym/.dynstr whose
# lookups the loader pages in) that Swift's static link exports but nothing looks up. Idle worker:
# 25.4 MiB with gold, 20.0 with lld, RELR and no dynamic symbols, 18.3-18.8 with function sections
# and the order. A missing order file only drops the ordering; symbols it names that no longer
# exist are ignored. The worker path and the console import FoundationEssentials only, and no
# object asks for full Foundation by itself (-disable-autolink-library): a dependency's `import
# Foundation` (TOMLKit's) would otherwise list libFoundation.a ahead of libFoundationEssentials.a,
# and the specializations both define would pull in NSString, CoreFoundation with its load-time
# constructor, and ICU, unused. Idle worker -c 1 (issue #6), with the static C libraries
# (Package.swift) and a regenerated order: 17.1-17.7 -> 13.7-14.0 MiB from a cold page cache,
# 19.7-20.0 -> 15.3-15.5 MiB in the bench right after a build (the whole binary in the page cache,
# so fault-around maps every neighbour of a touched page). Once online, the worker also drops the
# code pages its start-up touched (Sources/Celeriac/App/ResidentCode.swift, MADV_DONTNEED): 15.8
# -> 10.6-11.7 MiB idle right after a build. A target that does use full Foundation names its
# libraries in Package.swift (`fullFoundation`).
RELEASE := -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -disable-autolink-library -Xswiftc -Xfrontend -Xswiftc Foundation -Xswiftc -Xfrontend -Xswiftc -disable-autolink-library -Xswiftc -Xfrontend -Xswiftc CoreFoundation -Xswiftc -Xfrontend -Xswiftc -disable-autolink-library -Xswiftc -Xfrontend -Xswiftc FoundationInternationalization -Xswiftc -Xfrontend -Xswiftc -disable-autolink-library -Xswiftc -Xfrontend -Xswiftc _FoundationICU -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic $(if $(wildcard Benchmarks/layout/celeriac.order),-Xlinker --symbol-ordering-file=$(CURDIR)/Benchmarks/layout/celeriac.order -Xlinker --no-warn-symbol-ordering,)

.PHONY: demo test bootstrap build release bench fuzz chaos clean layout

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

# Regenerates Benchmarks/layout/celeriac.order from a profiled worker (needs root: a loop device
# with readahead off), then relinks so the binary uses it. Each run profiles a binary linked with the
# previous order; a second run does not always shrink it (touched pages also carry cold neighbours),
# so compare idle RSS from a cold page cache before keeping a new file (a freshly written binary is
# wholly in the page cache and reads 1-2 MiB higher). Run it after changes to what a worker runs; a
# stale file only loses effect.
layout:
	@scripts/bootstrap.sh
	$(SWIFT) build $(RELEASE) --product celeriac
	python3 Benchmarks/layout/layout.py profile --binary $(BIN_RELEASE) --order Benchmarks/layout/celeriac.order
	rm -f $(BIN_RELEASE)
	$(SWIFT) build $(RELEASE) --product celeriac
	python3 Benchmarks/layout/layout.py check --order Benchmarks/layout/celeriac.order

fuzz:
	@scripts/fuzz.sh $(if $(SECONDS),$(SECONDS),60)

# Fault injection (RELIABILITY.md): kill -9 and SIGSTOP under load, malformed tasks, a frame
# flood. QUICK=1 runs the short mode that make test runs.
chaos:
	@scripts/bootstrap.sh --test
	scripts/chaos.sh $(if $(QUICK),--short,)

clean:
	$(SWIFT) package clean
