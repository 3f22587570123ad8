# shellcheck shell=bash
# Shared by scripts/run and scripts/test: idempotent installation of what the build needs.
# Every step says what it does; nothing is installed twice.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Outside the clone, so a fresh clone on the same machine (CI) reuses compiled dependencies.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lanyard/target}"
# A clean clone per CI run would only pile up incremental caches that are never reused (they filled
# the disk once); CI compiles the workspace crates from scratch instead.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')

step() { echo "==> $*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "error: root rights are needed for: $*" >&2; return 1
  fi
}

# Installs the named Debian packages that are missing.
ensure_apt() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The wasm target, cargo-leptos and the wasm-bindgen CLI matching Cargo.lock (cargo-leptos would
# otherwise try to download the CLI from the web, which fails on machines without internet).
ensure_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
    step "installing cargo-leptos $CARGO_LEPTOS_VERSION from crates.io (once per machine; about 20 minutes on 2 cores)"
    env -u CARGO_TARGET_DIR cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
    step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION from crates.io (once per machine; about 3 minutes)"
    # Not --locked: its lock file pins a crate version the registry no longer serves.
    env -u CARGO_TARGET_DIR cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

# wasm-opt shrinks release wasm 2x; Debian's binaryen is too old (pages never hydrate), so it comes
# from crates.io. Only release builds need it.
ensure_wasm_opt() {
  if ! command -v wasm-opt >/dev/null 2>&1; then
    step "installing wasm-opt from crates.io (once per machine; about 9 minutes)"
    env -u CARGO_TARGET_DIR cargo install wasm-opt --locked
  fi
}

ensure_npm_packages() {
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    step "installing end2end npm packages (Playwright; the browser is Debian's chromium)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The stock aws CLI for the browser tests (a real SigV4 client), pinned, in a virtual environment
# outside the clone so CI on the same machine installs it once. Sets LANYARD_AWS_CLI.
AWSCLI_VERSION=1.46.3
# The API tests' SDK, in the same venv (boto3 pins botocore's minor version).
BOTO3_VERSION=1.43.62
BOTOCORE_VERSION=1.43.127
# Parses the Prometheus text exposition in the metrics test (the format's reference parser).
PROMETHEUS_CLIENT_VERSION=0.21.1
ensure_awscli() {
  local venv="$HOME/.cache/lanyard/awscli-$AWSCLI_VERSION"
  if [ ! -x "$venv/bin/aws" ]; then
    step "installing awscli $AWSCLI_VERSION from PyPI into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "awscli==$AWSCLI_VERSION"
  fi
  if ! "$venv/bin/python3" -c "import boto3; assert boto3.__version__ == '$BOTO3_VERSION'" 2>/dev/null; then
    step "installing boto3 $BOTO3_VERSION (botocore $BOTOCORE_VERSION) from PyPI into $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "boto3==$BOTO3_VERSION" "botocore==$BOTOCORE_VERSION"
  fi
  if ! "$venv/bin/python3" -c "import prometheus_client as p, importlib.metadata as m; assert m.version('prometheus-client') == '$PROMETHEUS_CLIENT_VERSION'" 2>/dev/null; then
    step "installing prometheus-client $PROMETHEUS_CLIENT_VERSION from PyPI into $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "prometheus-client==$PROMETHEUS_CLIENT_VERSION"
  fi
  export LANYARD_AWS_CLI="$venv/bin/aws" LANYARD_PYTHON="$venv/bin/python3"
}

# Builds the server binary and the site (wasm, JS, CSS, assets) with cargo-leptos.
# Release builds also write .br and .gz beside each /pkg file, which the server sends as they are.
build_console() {
  step "building the console with cargo-leptos ${1:-}"
  # Hashed names change with every build and cargo-leptos leaves the old files: /pkg starts empty.
  rm -rf target/site/pkg
  if [ "${1:-}" = "--release" ]; then
    ensure_apt zopfli
    cargo leptos build --release --precompress
    # cargo-leptos writes its .br at brotli's best but its .gz at a default level; zopfli's gzip of
    # the wasm is about a fifth smaller, and every browser or proxy without brotli gets that.
    local f
    for f in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do zopfli -c "$f" >"$f.gz"; done
  else
    cargo leptos build
  fi
}

lanyard_bin() {
  if [ "${1:-}" = "--release" ]; then echo "$CARGO_TARGET_DIR/release/lanyard"; else echo "$CARGO_TARGET_DIR/debug/lanyard"; fi
}

# Waits until the console at $1 answers /readyz.
wait_ready() {
  local url="$1" i
  for i in $(seq 1 100); do
    curl -fsS "$url/readyz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "error: the console at $url did not become ready" >&2
  return 1
}

# After a failed test layer: the server's errors and warnings (they may be far above the end),
# then the end of its log.
server_log_tail() {
  local log="$1"
  echo "--- server log: errors and warnings (last 20) ---"
  grep -aE "ERROR|WARN" "$log" | tail -20 || true
  echo "--- server log (last 40 lines) ---"; tail -40 "$log"
}

# The master key that seals MFA seeds: one file in the data directory, shared by the server and
# every `lanyard` command the scripts (and the browser tests) run. Created once, mode 0600.
ensure_master_key() {
  local dir="${LANYARD_DATA_DIR:-$PWD/.lanyard}"
  export LANYARD_MASTER_KEY_FILE="${LANYARD_MASTER_KEY_FILE:-$dir/master.key}"
  if [ ! -f "$LANYARD_MASTER_KEY_FILE" ]; then
    mkdir -p "$(dirname "$LANYARD_MASTER_KEY_FILE")"
    (umask 077 && head -c 32 /dev/urandom | base64 > "$LANYARD_MASTER_KEY_FILE")
    echo "generated the master key $LANYARD_MASTER_KEY_FILE (seals MFA seeds; back it up)"
  fi
}
