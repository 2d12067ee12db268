# Sourced by the test scripts: finds or installs PostgreSQL and Chromium.

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "scripts/testenv.sh: need the Debian package(s) $*; run as root or install them" >&2
    return 1
  fi
  if [ $apt_updated = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_chromium() {
  if [ -n "${ROSETTE_TEST_CHROMIUM:-}" ]; then return 0; fi
  local bin
  bin=$(command -v chromium || command -v chromium-browser || true)
  if [ -z "$bin" ]; then
    echo "== installing chromium (Debian package)"
    apt_install chromium fonts-dejavu-core
    bin=$(command -v chromium)
  fi
  export ROSETTE_TEST_CHROMIUM=$bin
}

# ensure_pdftools installs what the PDF tests need: poppler-utils (pdftotext, pdftoppm) to read
# and render the certificates and CVs, zbar-tools (zbarimg) to decode their QR codes.
ensure_pdftools() {
  local pkgs=()
  command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || pkgs+=(poppler-utils)
  command -v zbarimg >/dev/null 2>&1 || pkgs+=(zbar-tools)
  if [ ${#pkgs[@]} -gt 0 ]; then
    echo "== installing ${pkgs[*]} (Debian packages)"
    apt_install "${pkgs[@]}"
  fi
}

pg_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo $p; return 0; fi
  done
  return 1
}

PG_TMP=""
ensure_postgres() {
  if [ -n "${ROSETTE_TEST_POSTGRES_URL:-}" ]; then return 0; fi
  local bindir
  bindir=$(pg_bindir)
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "== installing postgresql (Debian package)"
    apt_install postgresql
    bindir=$(pg_bindir)
  fi
  local runas=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runas=(runuser -u postgres --)
  fi
  PG_TMP=$(mktemp -d /tmp/rosette-pg.XXXXXX)
  chmod 755 "$PG_TMP"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_TMP"
  local port
  port=$(free_port)
  "${runas[@]}" "$bindir/initdb" -D "$PG_TMP/data" -U rosette --auth=trust -E UTF8 --no-locale >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; return 1; }
  "${runas[@]}" "$bindir/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null \
    || { cat "$PG_TMP/server.log" >&2; return 1; }
  "${runas[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U rosette rosette_test
  export ROSETTE_TEST_POSTGRES_URL="postgres://rosette@127.0.0.1:$port/rosette_test?sslmode=disable"
  PG_BINDIR=$bindir
  PG_RUNAS=("${runas[@]}")
  echo "== PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $port"
}

stop_postgres() {
  if [ -n "$PG_TMP" ]; then
    "${PG_RUNAS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
    PG_TMP=""
  fi
}

# ensure_jsref installs the JavaScript reference stack (tools/jsref: jsonld.js, rdf-canonize,
# digitalbazaar Data Integrity) from its lock file when node and npm exist. Go tests that use it
# skip where node is absent and fail under ROSETTE_TEST_REQUIRE=1 when node exists but the
# install is missing.
ensure_jsref() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "== node/npm not found: tests against the JavaScript reference (tools/jsref) will skip"
    return 0
  fi
  if [ -d tools/jsref/node_modules ] && [ tools/jsref/node_modules/.package-lock.json -nt tools/jsref/package-lock.json ]; then
    return 0
  fi
  echo "== npm ci --prefix tools/jsref"
  npm ci --prefix tools/jsref --no-audit --no-fund >/dev/null
}
