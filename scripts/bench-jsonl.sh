#!/usr/bin/env bash
# Measures `rosette sign --jsonl` and `rosette verify --jsonl` with the built binary on N
# generated credentials (default 100000): credentials per second and peak RSS (/usr/bin/time -v).
#   N=100000 JOBS=0 bash scripts/bench-jsonl.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-100000}
jobs=${JOBS:-0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/rosette" ./cmd/rosette
"$tmp/rosette" keys new --alg Ed25519 --out "$tmp/key.jwk" >/dev/null 2>&1
go run ./scripts/gencreds -key "$tmp/key.jwk" -n "$n" >"$tmp/creds.jsonl"
jobsflag=()
if [ "$jobs" -gt 0 ]; then jobsflag=(--jobs "$jobs"); fi

measure() { # name, input file, output file, then the command
  local name=$1 in=$2 out=$3; shift 3
  /usr/bin/time -v "$@" <"$in" >"$out" 2>"$tmp/time.txt" || { echo "$name failed:"; tail -5 "$tmp/time.txt"; exit 1; }
  awk -v n="$n" -v name="$name" '
    /Elapsed \(wall clock\)/ { split($NF, t, ":"); s = (length(t) == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
    /User time/ { u = $NF } /System time/ { sy = $NF } /Percent of CPU/ { cpu = $NF }
    /Maximum resident/ { rss = $NF }
    END { printf "%s: %d credentials in %.2f s = %.0f credentials/s; CPU %s (user %.2f s, sys %.2f s = %.0f us/credential); peak RSS %.1f MiB\n",
          name, n, s, n / s, cpu, u, sy, (u + sy) * 1e6 / n, rss / 1024 }' "$tmp/time.txt"
}
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "sign --jsonl" "$tmp/creds.jsonl" "$tmp/signed.jsonl" \
  "$tmp/rosette" sign --jsonl "${jobsflag[@]}" --key "$tmp/key.jwk" --created 2025-01-02T03:04:05Z
measure "verify --jsonl" "$tmp/signed.jsonl" "$tmp/reports.jsonl" \
  "$tmp/rosette" verify --jsonl "${jobsflag[@]}"
echo "valid reports: $(grep -c '^{"valid":true' "$tmp/reports.jsonl") of $n"
