#!/usr/bin/env bash
# Go benchmarks, one core, as recorded in docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run '^$' -bench . -benchmem -cpu 1 -count 1 ./... | tee "${BENCH_OUT:-/dev/stdout}" | grep -E '^(Benchmark|ok|FAIL|PASS|pkg:)' || true
