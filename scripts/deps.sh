#!/bin/sh
# Install the Debian packages edudx needs. Idempotent: a no-op when all are present.
#   scripts/deps.sh build   what building and running edudx needs (make demo)
#   scripts/deps.sh test    build + what the test suites need (make check)
#   scripts/deps.sh bench   build + what the benchmarks need (make bench)
set -eu
what=${1:-build}

build="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev \
libpq-dev libutf8proc-dev zlib1g-dev libcairo2-dev libpango1.0-dev libqrencode-dev libssl-dev libzstd-dev libzip-dev libxlsxwriter-dev fonts-noto-core \
sqlite3 curl jq ca-certificates"
test_pkgs="libcmocka-dev postgresql postgresql-client chromium procps psmisc poppler-utils unzip"
# A Node.js from elsewhere (nodesource bundles npm) satisfies the tests; Debian's would conflict.
command -v node >/dev/null 2>&1 || test_pkgs="$test_pkgs nodejs"
command -v npm >/dev/null 2>&1 || test_pkgs="$test_pkgs npm"
bench_pkgs="wrk bc curl"

case "$what" in
build) want="$build" ;;
test) want="$build $test_pkgs" ;;
bench) want="$build $bench_pkgs" ;;
*) echo "usage: scripts/deps.sh build|test|bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run as root, or: sudo apt-get install$missing" >&2
    exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
