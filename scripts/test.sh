#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it:
#   1. go vet
#   2. go test -race ./... on SQLite, with ROSETTE_TEST_POSTGRES_URL pointing at PostgreSQL and
#      ROSETTE_TEST_CHROMIUM at Chromium, so the store/jobs contract suites also run on
#      PostgreSQL and the browser tests run for real. ROSETTE_TEST_REQUIRE=1 turns every
#      "PostgreSQL/Chromium not found, skipping" into a failure.
# PostgreSQL: where ROSETTE_TEST_POSTGRES_URL is already set, that server is used. Otherwise
# the Debian package is installed when missing, and a throwaway cluster is made with initdb in
# a temp dir on a free port, run as the unprivileged `postgres` user, and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/testenv.sh

export ROSETTE_TEST_REQUIRE=1
ensure_chromium
ensure_pdftools
ensure_jsref
ensure_postgres
trap stop_postgres EXIT

echo "== go vet"
go vet ./...

echo "== go test -race (SQLite + PostgreSQL $ROSETTE_TEST_POSTGRES_URL, Chromium $ROSETTE_TEST_CHROMIUM)"
go test -race -count=1 -timeout 25m ${GOTESTFLAGS:-} ./...

# The race detector shortens the fast-path/general-path differential test to 2,500 generated
# credentials; run it once more at full size (10,000) without it.
echo "== differential: fast path vs general path, 10,000 generated credentials"
go test -count=1 -run '^TestDifferentialFastGeneral$' -v ./openbadges/jsonld | grep -E '^(=== RUN|--- |ok|FAIL|PASS|\s+corpus)' || { echo "differential test failed" >&2; exit 1; }
echo "== bulk: 10,000 awards through the bulk job, SQLite and PostgreSQL (without -race)"
go test -count=1 -run '^TestBulkTenThousand$' -v ./internal/service | grep -E '^(=== RUN|--- |ok|FAIL|PASS|\s+bulk_awards_test)' || { echo "bulk test failed" >&2; exit 1; }
