# The two commands a newcomer needs: `make demo` and `make test`. Each first installs what is
# missing (scripts/bootstrap.sh), then builds.
SWIFT ?= swift
BIN_RELEASE := .build/release/celeriac

.PHONY: demo test bootstrap build release bench fuzz chaos clean

bootstrap:
	@scripts/bootstrap.sh

demo: bootstrap
	$(SWIFT) build -c release --product celeriac
	$(BIN_RELEASE) demo $(DEMO_ARGS)

test:
	@scripts/bootstrap.sh --test
	$(SWIFT) build --build-tests
	scripts/test.sh

build: bootstrap
	$(SWIFT) build

release: bootstrap
	$(SWIFT) build -c release

bench:
	@scripts/bootstrap.sh --test
	$(SWIFT) build -c release
	@for scenario in redis-client broker enqueue worker; do \
		echo "== celeriac-bench $$scenario"; \
		.build/release/celeriac-bench $$scenario $(if $(QUICK),--quick,) || exit 1; \
	done
	@echo "== celeriac-console-bench"
	.build/release/celeriac-console-bench speed
	.build/release/celeriac-console-bench memory

fuzz:
	@scripts/fuzz.sh $(if $(SECONDS),$(SECONDS),60)

# Fault injection (RELIABILITY.md): kill -9 and SIGSTOP under load, malformed tasks, a frame
# flood. QUICK=1 runs the short mode that make test runs.
chaos:
	@scripts/bootstrap.sh --test
	scripts/chaos.sh $(if $(QUICK),--short,)

clean:
	$(SWIFT) package clean
