#!/bin/bash
# Benchmarks: figures to read, not pass/fail.
#   bench/http: wrk on loopback against GET /healthz and an authenticated,
#               DB-backed GET /api/v1/units/{code}, at 64 and 256 connections
#   bench/rss:  server resident memory after start with the demo data
#   bench/import: units import of 100,000 CSV rows (CLI, SQLite)
#   bench/credentials.sh: Ed25519 raw rates, issue/verify of 100,000 diplomas, API verify
#   bench/scoring.c: the four aggregations of 50,000 entries x 5 reviews
#   bench/movement.sh: a 50,000-unit campaign: the dashboard under load, and the final (2030)
#               review of the whole sector as JSON (target <= 2 s), CSV, XLSX and PDF
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BIN=$PWD/$BUILD/edudx
DUR=${BENCH_SECONDS:-10}
THREADS=${BENCH_THREADS:-$(nproc)}
dir=$(mktemp -d /tmp/edx-bench.XXXXXX)
export EDX_DB=$dir/edudx.db EDX_SECRET_FILE=$dir/secret.key
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

"$BIN" init >/dev/null 2>&1
"$BIN" units import data/demo/units.csv >/dev/null 2>&1
printf 'bench-password-2025\n' | "$BIN" user add bench --role ministry_admin >/dev/null 2>&1
TOKEN=$("$BIN" token create --user bench --scope read --name bench 2>/dev/null)
port=$((20000 + RANDOM % 20000))
"$BIN" serve --listen 127.0.0.1:$port --threads "$THREADS" --access-log off 2>"$dir/server.log" &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "edudx benchmarks ($(nproc) cores, server threads $THREADS, $DUR s per run, $(date -u +%F))"
echo
printf 'bench/rss     server resident memory after start (demo data): %d KiB (%.1f MiB)\n' "$rss" "$(echo "$rss/1024" | bc -l)"
echo

run_wrk() {
    local name=$1 conns=$2 url=$3
    shift 3
    local out
    out=$(wrk -t2 -c"$conns" -d"${DUR}s" --latency "$@" "$url" 2>&1)
    local rps p99 errs non2xx
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errs=$(echo "$out" | awk '/Socket errors/ {print $0}' | sed 's/^ *//')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    printf 'bench/http    %-34s c=%-4s %10s req/s   p99 %-9s %s%s\n' "$name" "$conns" "$rps" "$p99" \
        "${non2xx:+non-2xx: $non2xx }" "${errs:-no socket errors}"
}
for c in 64 256; do
    run_wrk "GET /healthz" $c "http://127.0.0.1:$port/healthz"
done
for c in 64 256; do
    run_wrk "GET /api/v1/units/{code} (token)" $c "http://127.0.0.1:$port/api/v1/units/THPT-CVA" \
        -H "Authorization: Bearer $TOKEN"
done
rss2=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
printf 'bench/rss     server resident memory after the load: %d KiB (%.1f MiB)\n' "$rss2" "$(echo "$rss2/1024" | bc -l)"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
echo

# The same with the access log on (the default), written to a file.
"$BIN" serve --listen 127.0.0.1:$port --threads "$THREADS" --log-file "$dir/access.log" 2>/dev/null &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
run_wrk "GET /healthz, access log on" 64 "http://127.0.0.1:$port/healthz"
run_wrk "GET /api/v1/units/{code}, log on" 64 "http://127.0.0.1:$port/api/v1/units/THPT-CVA" \
    -H "Authorization: Bearer $TOKEN"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
echo

# Import: 100,000 new rows in one transaction, then the same file again (all unchanged).
awk 'BEGIN { print "code,name,type,parent_code,province"; for (i = 0; i < 100000; i++) printf "BENCH-%d,Trường số %d,school,SGDDT-HUE,hue\n", i, i }' >"$dir/big.csv"
t0=$(date +%s.%N); "$BIN" units import "$dir/big.csv" >/dev/null 2>&1; t1=$(date +%s.%N)
"$BIN" units import "$dir/big.csv" >/dev/null 2>&1; t2=$(date +%s.%N)
printf 'bench/import  100,000 new units from CSV:  %.2f s (%.0f rows/s)\n' "$(echo "$t1-$t0" | bc -l)" "$(echo "100000/($t1-$t0)" | bc -l)"
printf 'bench/import  the same file again (no-op): %.2f s\n' "$(echo "$t2-$t1" | bc -l)"
echo

# Credentials: raw libsodium, batch issue, offline verify, POST /api/v1/verify, the reference.
BUILD=$BUILD BENCH_SECONDS=$DUR bench/credentials.sh

# Review scoring: the three aggregations (and the trimmed mean), standard errors, rankings and
# near-ties for a sector-sized campaign (50,000 entries, 5 reviews each, 4 criteria).
mkdir -p "$BUILD/bench"
if cc -O2 -std=c11 -D_DEFAULT_SOURCE -Isrc -o "$BUILD/bench/scoring" bench/scoring.c \
      "$BUILD/libedudx.a" $(pkg-config --libs libutf8proc) -lm 2>"$dir/scoring-cc.log"; then
    "$BUILD/bench/scoring"
else
    echo "bench/scoring  cannot compile: $(head -3 "$dir/scoring-cc.log")"
fi

# The movement: a sector-sized campaign, the ministry dashboard under load.
BUILD=$BUILD BENCH_SECONDS=$DUR bench/movement.sh
