#!/usr/bin/env bash
# The public serving load test (`make loadtest`, issue #5 item 11): builds rosette, seeds a
# throwaway installation with ~1,000 signed awards (scripts/loadseed), starts `rosette serve`
# on it and runs wrk at 64 connections against
#   (a) GET /awards/{id}/credential.json   the signed credential
#   (b) GET /awards/{id}                   the award page, Accept: text/html
# rotating over the award ids, first on SQLite, then on a throwaway PostgreSQL. Prints
# requests/s and latency percentiles; docs/PERFORMANCE.md ("Serving badges") records a run.
#
# wrk and the server share the machine: on a 2-core box wrk itself takes a good part of one
# core, so the figures are those of rosette on what is left.
#
# Environment: LOADTEST_AWARDS (1000), LOADTEST_DURATION (20s), LOADTEST_CONNECTIONS (64),
# LOADTEST_THREADS (2), LOADTEST_DBS ("sqlite postgres"), LOADTEST_LOG_LEVEL (info: the access
# log is on, as in production; it goes to a file), LOADTEST_PPROF=1 (serve /debug/pprof/ on a
# loopback metrics listener and save a 10 s CPU profile of each measured run).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/testenv.sh

AWARDS=${LOADTEST_AWARDS:-1000}
DURATION=${LOADTEST_DURATION:-20s}
CONNS=${LOADTEST_CONNECTIONS:-64}
THREADS=${LOADTEST_THREADS:-2}
DBS=${LOADTEST_DBS:-sqlite postgres}
LOG_LEVEL=${LOADTEST_LOG_LEVEL:-info}
HTML_ACCEPT="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

if ! command -v wrk >/dev/null 2>&1; then
  echo "== installing wrk (Debian package)"
  apt_install wrk || { echo "scripts/loadtest.sh: wrk is needed: apt-get install wrk (as root)" >&2; exit 1; }
fi

WORK=$(mktemp -d /tmp/rosette-load.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building rosette and the seeding tool"
make -s build
go build -o "$WORK/loadseed" ./scripts/loadseed

# The wrk script: each request takes the next award id (from a random start per thread).
cat >"$WORK/rotate.lua" <<'LUA'
local ids = {}
for line in io.lines(os.getenv("LOADTEST_IDS")) do ids[#ids + 1] = line end
local suffix = os.getenv("LOADTEST_SUFFIX") or ""
local i = 0
function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
  i = math.random(#ids)
end
function request()
  i = i % #ids + 1
  return wrk.format("GET", "/awards/" .. ids[i] .. suffix)
end
LUA
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== wrk -t$THREADS -c$CONNS -d$DURATION --latency, $AWARDS awards, log level $LOG_LEVEL"

results=()

# run_wrk NAME SUFFIX [HEADER]: a warm-up pass, then the measured run; prints and records
# requests/s and the latency percentiles.
run_wrk() {
  local name=$1 suffix=$2 header=${3:-}
  local hdr=()
  [ -n "$header" ] && hdr=(-H "$header")
  # Warm-up: one pass over every id, four at a time, so every award has been seen (and, for
  # the page, verified and its page cached) before measuring: the steady state of a server
  # that has been up for a while.
  local start=$SECONDS codes
  codes=$(sed "s|^|$BASE/awards/|; s|\$|$suffix|" "$WORK/ids.txt" |
    xargs -P4 -n1 curl -s -o /dev/null -w '%{http_code}\n' "${hdr[@]}" | sort | uniq -c | xargs)
  echo "   warm-up: $codes (count, status) in $((SECONDS - start)) s"
  local prof_pid=""
  if [ "${LOADTEST_PPROF:-}" = 1 ]; then
    curl -s -o "$WORK/../rosette-load-$DB-$name.pprof" "http://$METRICS/debug/pprof/profile?seconds=10" &
    prof_pid=$!
  fi
  local out
  out=$(LOADTEST_IDS=$WORK/ids.txt LOADTEST_SUFFIX=$suffix wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "${hdr[@]}" -s "$WORK/rotate.lua" "$BASE")
  [ -n "$prof_pid" ] && wait "$prof_pid"
  echo "$out" | sed 's/^/    /'
  local rps p50 p99 errs
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  results+=("$(printf '%-10s %-16s %10s req/s   p50 %-9s p99 %-9s %s' "$DB" "$name" "$rps" "$p50" "$p99" "${errs:+non-2xx: $errs}")")
}

for DB in $DBS; do
  echo
  echo "== $DB"
  DATA=$WORK/$DB
  mkdir -p "$DATA"
  PORT=$(free_port)
  BASE=http://127.0.0.1:$PORT
  DBURL=""
  if [ "$DB" = postgres ]; then
    # A throwaway server of our own (a port picked by free_port may be taken meanwhile by
    # another process on a shared machine: try again).
    for attempt in 1 2 3; do
      unset ROSETTE_TEST_POSTGRES_URL
      if ensure_postgres; then break; fi
      rm -rf "$PG_TMP"; PG_TMP=""
      [ "$attempt" = 3 ] && { echo "could not start PostgreSQL"; exit 1; }
    done
    DBURL=$ROSETTE_TEST_POSTGRES_URL
  fi
  export ROSETTE_MASTER_KEY
  ROSETTE_MASTER_KEY=$(head -c 32 /dev/urandom | base64)
  "$WORK/loadseed" -data-dir "$DATA" -database-url "$DBURL" -base-url "$BASE" -n "$AWARDS" >"$WORK/ids.txt"
  extra=()
  if [ "${LOADTEST_PPROF:-}" = 1 ]; then
    METRICS=127.0.0.1:$(free_port)
    extra=(--metrics-addr "$METRICS" --metrics-pprof)
  fi
  bin/rosette serve --addr "127.0.0.1:$PORT" --base-url "$BASE" --data-dir "$DATA" --database-url "$DBURL" \
    --log-level "$LOG_LEVEL" "${extra[@]}" >"$WORK/serve-$DB.out" 2>"$WORK/serve-$DB.log" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "$BASE/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fs "$BASE/readyz" >/dev/null || { echo "rosette serve did not start:"; cat "$WORK/serve-$DB.log"; exit 1; }
  first=$(head -n1 "$WORK/ids.txt")
  # Read the whole page first: with pipefail, `curl | grep -q` fails whenever grep stops
  # reading before curl has written everything.
  page=$(curl -fs -H "Accept: $HTML_ACCEPT" "$BASE/awards/$first") || { echo "the award page did not load"; exit 1; }
  grep -q 'verdict-heading">Verified' <<<"$page" || { echo "the award page does not say Verified"; exit 1; }

  echo "-- (a) GET /awards/{id}/credential.json"
  run_wrk credential.json /credential.json
  echo "-- (b) GET /awards/{id} (Accept: text/html)"
  run_wrk page "" "Accept: $HTML_ACCEPT"

  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  if grep -q '"level":"ERROR"' "$WORK/serve-$DB.log"; then
    echo "the server logged errors:"; grep '"level":"ERROR"' "$WORK/serve-$DB.log" | head -5
  fi
  stop_postgres
done

echo
echo "== results (targets: credential.json >= 8,000 req/s, page >= 3,000 req/s, p99 < 50 ms)"
printf '%s\n' "${results[@]}"
