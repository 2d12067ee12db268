# Rosette. `make run` starts it on SQLite; `make test` runs every test, installing PostgreSQL and
# Chromium through the package manager when they are missing.

GO      ?= go
BIN     := bin/rosette
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/rosettebadges/rosette/internal/cli.Version=$(VERSION)

.PHONY: all build run test test-short bench lint fuzz loadtest clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/rosette

run: build
	./$(BIN) serve

# The whole suite: vet, race tests on SQLite, the same suite on a throwaway PostgreSQL, and
# the browser tests in headless Chromium. See scripts/test.sh.
test:
	bash scripts/test.sh

# Unit tests only, no PostgreSQL or Chromium (those tests skip with a message).
test-short:
	$(GO) test ./...

bench:
	bash scripts/bench.sh

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.7.0 ./...

fuzz:
	bash scripts/fuzz.sh

# Public serving under load: wrk at 64 connections against the credential JSON and the award
# page, on SQLite and PostgreSQL (installs wrk when missing). See scripts/loadtest.sh.
loadtest:
	bash scripts/loadtest.sh

clean:
	rm -rf bin
