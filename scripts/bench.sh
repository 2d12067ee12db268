#!/usr/bin/env bash
# make bench: every Go benchmark on one core (-cpu 1 -benchmem), then, when node is here, the
# JavaScript reference stack on the same two credentials (tools/jsref/bench.mjs), then a table of
# Data Integrity sign/verify rates: Rosette vs json-gold vs JavaScript, as in docs/PERFORMANCE.md.
# The machine may be shared: compare the ratios from one run, not absolute figures across runs.
#   BENCH_OUT=dir   keep go-bench.txt, js-bench.json and table.md there (default: a temp dir)
#   BENCH=regexp    Go benchmarks to run (default .)   JS_N=N   JS iterations (default 100)
#   BENCH_REPEAT=N  extra runs of Rosette's sign/verify benchmarks (default 4; median reported)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${BENCH_OUT:-$(mktemp -d)}
mkdir -p "$out"
fixtures=${ROSETTE_FIXTURES:-../shared/fixtures}
typical=$fixtures/openbadges-specification/ob_v3p0/impl/test-vectors/obv3p0/signed-credential.json
large=openbadges/proof/testdata/large-credential.json

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3), load $(cut -d' ' -f1-3 /proc/loadavg)"
go test -run '^$' -bench "${BENCH:-.}" -benchmem -cpu 1 -count 1 ./... | tee "$out/go-bench.txt" | grep -E '^(Benchmark|ok|FAIL|PASS|pkg:|---)' || true
# Rosette's Data Integrity figures vary by a third from one second to the next on a shared VM
# (docs/PERFORMANCE.md, "The machine and the run"): run them BENCH_REPEAT (default 4) more
# times; benchtable reports the run of median rate and the range.
if echo BenchmarkSignDataIntegrity | grep -Eq -- "${BENCH:-.}" && [ "${BENCH_REPEAT:-4}" -gt 0 ]; then
  echo "# Data Integrity again, -count ${BENCH_REPEAT:-4}"
  go test -run '^$' -bench '^Benchmark(Sign|Verify)DataIntegrity$' -benchmem -cpu 1 -count "${BENCH_REPEAT:-4}" ./openbadges/proof |
    tee -a "$out/go-bench.txt" | grep -E '^(Benchmark|ok|FAIL|---)' || true
fi
if grep -q '^FAIL' "$out/go-bench.txt"; then
  echo "bench: a Go benchmark failed" >&2
  exit 1
fi

js=()
if command -v node >/dev/null; then
  if [ ! -d tools/jsref/node_modules ]; then
    npm ci --prefix tools/jsref --no-audit --no-fund
  fi
  if [ -f "$typical" ]; then
    echo "# node tools/jsref/bench.mjs -n ${JS_N:-100} typical=$typical large=$large"
    node tools/jsref/bench.mjs -n "${JS_N:-100}" "typical=$typical" "large=$large" | tee "$out/js-bench.json"
    js=(-js "$out/js-bench.json")
  else
    echo "bench: $typical missing (set ROSETTE_FIXTURES): no JavaScript figures" >&2
  fi
else
  echo "bench: node not found: no JavaScript figures" >&2
fi
go run ./scripts/benchtable -go "$out/go-bench.txt" "${js[@]}" | tee "$out/table.md"
echo "# raw output in $out"
