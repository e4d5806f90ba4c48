# Shared by scripts/run and scripts/test: tool installation (idempotent, pinned
# by versions.env), a private PostgreSQL cluster, and process cleanup.
# Sourced, not executed.

EV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
source "$EV_ROOT/scripts/versions.env"

EV_CACHE="${EVISTREAM_CACHE:-$HOME/.cache/evistream}"
# Build output lives outside the clone so a fresh clone builds warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$EV_CACHE/target}"
export PATH="$HOME/.cargo/bin:$EV_ROOT/end2end/node_modules/.bin:$PATH"
mkdir -p "$EV_CACHE"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $* (install sudo or run as root)"; fi
}

EV_APT_UPDATED=
# Installs Debian packages that are missing.
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  if [ -z "$EV_APT_UPDATED" ]; then as_root apt-get update -qq; EV_APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_wasm_target() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown && return 0
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

# ensure_cargo_tool BINARY VERSION CRATE [cargo install flags...]
ensure_cargo_tool() {
  local bin=$1 version=$2 crate=$3; shift 3
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -qF "$version"; then
    return 0
  fi
  say "installing $crate $version (one-time, several minutes)"
  cargo install "$crate" --version "$version" "$@"
}

ensure_node_deps() {
  command -v npm >/dev/null || ensure_apt nodejs npm
  local pkg="$EV_ROOT/end2end/package.json"
  for pin in "@playwright/test\": \"$PLAYWRIGHT_VERSION" "binaryen\": \"$BINARYEN_VERSION" \
             "@axe-core/playwright\": \"$AXE_PLAYWRIGHT_VERSION"; do
    grep -qF "\"$pin\"" "$pkg" || die "end2end/package.json does not pin \"$pin\" as scripts/versions.env says"
  done
  local stamp="$EV_ROOT/end2end/node_modules/.evistream-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$EV_ROOT/end2end/package-lock.json"; then
    say "installing the npm packages of end2end/ (playwright, axe-core, binaryen)"
    (cd "$EV_ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$EV_ROOT/end2end/package-lock.json" "$stamp"
  fi
  wasm-opt --version | grep -q "version ${BINARYEN_VERSION%%.*}" \
    || die "wasm-opt on PATH is not binaryen ${BINARYEN_VERSION%%.*}: $(command -v wasm-opt)"
}

# pdf.js for the review pane's PDF view: from npm (end2end/package.json pins
# pdfjs-dist), copied into public/ so the app serves it itself (no CDN).
ensure_pdfjs() {
  local from="$EV_ROOT/end2end/node_modules/pdfjs-dist/build" to="$EV_ROOT/public/pdfjs"
  [ -f "$from/pdf.min.mjs" ] || die "pdfjs-dist is missing from end2end/node_modules (npm ci in end2end/)"
  mkdir -p "$to"
  for f in pdf.min.mjs pdf.worker.min.mjs; do
    cmp -s "$from/$f" "$to/$f" || cp "$from/$f" "$to/$f"
  done
}

# Everything `cargo leptos build` needs, so that it never tries to download.
ensure_build_tools() {
  command -v cc >/dev/null || ensure_apt build-essential
  command -v curl >/dev/null || ensure_apt curl
  command -v pkg-config >/dev/null || ensure_apt pkg-config
  ensure_wasm_target
  ensure_cargo_tool cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-leptos --locked
  # Without --locked: the locked webpki-roots of this release is missing from crates.io.
  ensure_cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli
  grep -A1 '^name = "wasm-bindgen"$' "$EV_ROOT/Cargo.lock" | grep -qF "\"$WASM_BINDGEN_VERSION\"" \
    || die "Cargo.lock's wasm-bindgen differs from WASM_BINDGEN_VERSION in scripts/versions.env"
  ensure_node_deps
  ensure_pdfjs
}

ensure_chromium() {
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || ensure_apt chromium
  export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
}

# Prints a TCP port on 127.0.0.1 that nothing listens on, starting at $1.
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# wait_http URL SECONDS
wait_http() {
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}

# ---- private PostgreSQL -------------------------------------------------------

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    ensure_apt postgresql
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

# initdb refuses to run as root: as root the cluster belongs to `postgres`.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

EV_PG_DATA=
EV_PG_BIN=
# start_private_postgres NAME: initdb (first time) into a git-ignored folder,
# start on a free port, create database `evistream`, export DATABASE_URL.
start_private_postgres() {
  local name=$1
  EV_PG_BIN=$(pg_bindir)
  local base="$EV_ROOT/.data"
  mkdir -p "$base"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$base" 2>/dev/null; then
    # postgres cannot reach the clone (e.g. under /root): keep the cluster
    # under /var/tmp, named after the clone so clones do not share one.
    base="/var/tmp/evistream-$(printf '%s' "$EV_ROOT" | cksum | cut -d' ' -f1)"
    mkdir -p "$base"
  fi
  EV_PG_DATA="$base/postgres-$name"
  if [ ! -f "$EV_PG_DATA/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in $EV_PG_DATA"
    mkdir -p "$EV_PG_DATA"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$EV_PG_DATA" && chmod 700 "$EV_PG_DATA"
    pg_as_owner "$EV_PG_BIN/initdb" -D "$EV_PG_DATA" -U postgres --auth=trust -E UTF8 --no-instructions >/dev/null
  fi
  local port
  if pg_as_owner "$EV_PG_BIN/pg_ctl" -D "$EV_PG_DATA" status >/dev/null 2>&1; then
    port=$(sed -n 4p "$EV_PG_DATA/postmaster.pid")
    say "reusing the private PostgreSQL already running on port $port"
  else
    port=$(free_port 55432)
    pg_as_owner "$EV_PG_BIN/pg_ctl" -D "$EV_PG_DATA" -l "$EV_PG_DATA/server.log" -w -t 60 \
      -o "-p $port -k $EV_PG_DATA -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null \
      || { tail -20 "$EV_PG_DATA/server.log" >&2; die "the private PostgreSQL did not start"; }
    say "private PostgreSQL running on 127.0.0.1:$port"
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/evistream"
  "$EV_PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'evistream'" | grep -q 1 \
    || "$EV_PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres evistream
}

stop_private_postgres() {
  [ -n "$EV_PG_DATA" ] || return 0
  pg_as_owner "$EV_PG_BIN/pg_ctl" -D "$EV_PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  EV_PG_DATA=
}

# psql against the server of DATABASE_URL, database given as $1.
psql_admin() {
  local db=$1; shift
  command -v psql >/dev/null || ensure_apt postgresql-client
  psql "${DATABASE_URL%/*}/$db" -v ON_ERROR_STOP=1 -q "$@"
}

# fresh_database NAME: drops and recreates NAME on DATABASE_URL's server and
# prints its URL.
fresh_database() {
  psql_admin postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\"" >/dev/null
  echo "${DATABASE_URL%/*}/$1"
}

# ---- cleanup ------------------------------------------------------------------

EV_PIDS=()
# Kills every process started with track_pid and stops the private cluster.
ev_cleanup() {
  local pid
  for pid in "${EV_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${EV_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  EV_PIDS=()
  stop_private_postgres
}
track_pid() { EV_PIDS+=("$1"); }
trap ev_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
