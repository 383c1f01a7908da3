#!/bin/bash
# Credential benchmarks: figures to read, not pass/fail.
#   bench/sodium:   raw libsodium Ed25519 sign/verify and SHA-256 (600 bytes), 1 and all cores:
#                   the ceiling for eddsa-jcs-2022 (one signature per credential)
#   bench/issue:    `credential issue` of N diplomas from CSV into a fresh SQLite store,
#                   then the same file again (everything issued already)
#   bench/verify:   offline `credential verify` of the same N (trust file + status lists)
#   bench/api:      POST /api/v1/verify of one diploma under wrk on loopback
#   bench/ref:      the reference implementation (tests/interop/ref.mjs bench)
# Each figure is printed next to its target. Wall-clock rates on a shared machine are noisy:
# the CPU time (user+sys) and the load average are printed with them.
# Environment: BUILD (build dir), BENCH_CREDENTIALS (N, default 100000), BENCH_SECONDS (wrk
# duration, default 10), BENCH_REF_N (reference bench size, default 2000).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
BIN=$ROOT/$BUILD/edudx
N=${BENCH_CREDENTIALS:-100000}
DUR=${BENCH_SECONDS:-10}
REF_N=${BENCH_REF_N:-2000}
CORES=$(nproc)
TARGET_ISSUE=20000 TARGET_VERIFY=15000 TARGET_API=8000

dir=$(mktemp -d /tmp/edx-bench-cred.XXXXXX)
export EDX_DB=$dir/edudx.db EDX_SECRET_FILE=$dir/secret.key
unset EDX_PROGRESS
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

# calc EXPR: bc with 2 decimals.
calc() { echo "scale=4; $*" | bc -l 2>/dev/null || echo 0; }
# timed LABEL CMD...: runs CMD (its stdout/stderr redirected by the caller's function), sets
# T_WALL, T_CPU (user+sys, children included) and T_RC.
TIMEFORMAT='%R %U %S'
timed() {
    local t
    T_RC=0
    t=$({ time "$@"; } 2>&1) || T_RC=$?
    t=$(echo "$t" | tail -1)
    T_WALL=$(echo "$t" | awk '{print $1}')
    T_CPU=$(echo "$t" | awk '{print $2 + $3}')
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# rates NAME WHAT COUNT WALL CPU TARGET RAWOP: the three lines of a throughput figure: time and
# cores busy; the rate against its target and against raw libsodium RAWOP on every core; the
# rate per CPU-second (steadier than the wall rate on a shared machine).
rates() {
    local name=$1 what=$2 n=$3 wall=$4 cpu=$5 target=$6 op=$7 rate raw
    rate=$(calc "$n / $wall")
    raw=${RAW[$op.$CORES]}
    printf 'bench/%-7s %s: %.2f s wall, %.2f s CPU (%.2f cores busy)\n' \
        "$name" "$what" "$wall" "$cpu" "$(calc "$cpu / $wall")"
    printf 'bench/%-7s   %9.0f credentials/s (target >= %d/s: %.0f%%)   = %.3f x raw %s on %d cores (%.0f/s)\n' \
        "$name" "$rate" "$target" "$(calc "100 * $rate / $target")" \
        "$(calc "$rate / ($raw + 0.000001)")" "$op" "$CORES" "$raw"
    printf 'bench/%-7s   %9.0f credentials per CPU-second\n' "$name" "$(calc "$n / ($cpu + 0.000001)")"
}

echo "credential benchmarks ($CORES cores, N=$N, load average $(loadavg), $(date -u +%F))"
echo

# ---- 1. raw libsodium ------------------------------------------------------------------------
mkdir -p "$BUILD/bench"
RATE=$BUILD/bench/sodium_rate
if [ ! -x "$RATE" ] || [ bench/sodium_rate.c -nt "$RATE" ]; then
    cc -O2 -std=c11 -Wall -o "$RATE" bench/sodium_rate.c $(pkg-config --cflags --libs libsodium) \
        -pthread || echo "bench/sodium  cannot compile bench/sodium_rate.c"
fi
declare -A RAW
for t in 1 "$CORES"; do
    [ -x "$RATE" ] || break
    while read -r op r; do RAW[$op.$t]=$r; done < <("$RATE" "$t" 1)
done
for op in sign verify sha256_600; do
    RAW[$op.1]=${RAW[$op.1]:-0}
    RAW[$op.$CORES]=${RAW[$op.$CORES]:-0}
done
printf 'bench/sodium  Ed25519 sign (64-byte message)   1 core %9.0f/s   %d cores %9.0f/s\n' \
    "${RAW[sign.1]}" "$CORES" "${RAW[sign.$CORES]}"
printf 'bench/sodium  Ed25519 verify                   1 core %9.0f/s   %d cores %9.0f/s\n' \
    "${RAW[verify.1]}" "$CORES" "${RAW[verify.$CORES]}"
printf 'bench/sodium  SHA-256 of 600 bytes             1 core %9.0f/s   %d cores %9.0f/s\n' \
    "${RAW[sha256_600.1]}" "$CORES" "${RAW[sha256_600.$CORES]}"
echo

# ---- 2. batch issue --------------------------------------------------------------------------
cd "$dir"
"$BIN" init >/dev/null 2>&1
"$BIN" units import "$ROOT/data/demo/units.csv" >/dev/null 2>&1
# N graduates of THPT-CVA: unique external ids, 12-digit ID numbers (001 Hà Nội, 2 = male born
# in the 2000s, 08 = 2008, then a counter), Vietnamese names with diacritics (NFC).
awk -v N="$N" 'BEGIN {
    split("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh", ho, " ")
    split("Văn Thị Minh Ngọc Hữu Thu Quốc Thanh Đức Bảo Thùy Xuân Gia", dem, " ")
    split("An Bình Châu Dũng Giang Hà Hải Hạnh Hiếu Hùng Hương Khánh Lan Linh Mai Nam Nga Phúc Quân Thảo Thủy Trang Tuấn Việt Yến Ánh Đạt Ơn Ưng Nguyệt Hoàng Khôi", ten, " ")
    split("Xuất sắc|Giỏi|Khá|Trung bình khá|Trung bình", xl, "|")
    print "external_id,id_number,full_name,birth_date,graduation_year,classification,decision_number,decision_date,exam_council"
    for (i = 0; i < N; i++)
        printf "CVA-2026-%06d,001208%06d,%s %s %s,2008-%02d-%02d,2026,%s,1234/QĐ-SGDĐT,2026-07-15,Hội đồng thi Sở GD&ĐT Hà Nội số %d\n",
            i, i, ho[i % 17 + 1], dem[int(i / 17) % 13 + 1], ten[int(i / 221) % 32 + 1],
            i % 12 + 1, i % 28 + 1, xl[i % 5 + 1], i % 40 + 1
}' >"$dir/diplomas.csv"

issue() { "$BIN" credential issue --issuer THPT-CVA --type diploma --csv "$dir/diplomas.csv" "$@" \
              >/dev/null 2>>"$dir/issue.log"; }
# The target is CSV to the store; the signed documents are then written out by `credential
# export` (timed on its own) for the verify bench.
timed issue
iw=$T_WALL icpu=$T_CPU irc=$T_RC
summary=$(grep -E '^done' "$dir/issue.log" | tail -1)
issued=$(echo "$summary" | sed -n 's/.* \([0-9]*\) issued.*/\1/p')
issued=${issued:-0}
irate=$(calc "$issued / $iw")
rates issue "$issued diplomas from CSV, new store" "$issued" "$iw" "$icpu" "$TARGET_ISSUE" sign
[ "$irc" = 0 ] || printf 'bench/issue     exit status %s: %s\n' "$irc" "$(tail -3 "$dir/issue.log" | tr '\n' ' ')"
timed "$BIN" credential export --out "$dir/diplomas.jsonl"
printf 'bench/issue     %s; store %s MiB; credential export to JSONL (%s MiB): %.2f s\n' \
    "${summary:-no summary}" "$(du -m "$dir/edudx.db" | cut -f1)" \
    "$(du -m "$dir/diplomas.jsonl" 2>/dev/null | cut -f1)" "$T_WALL"
timed issue
summary=$(grep -E '^done' "$dir/issue.log" | tail -1)
printf 'bench/issue   the same file again (all issued): %.2f s wall, %.2f s CPU; %s\n' \
    "$T_WALL" "$T_CPU" "${summary:-exit $T_RC}"
echo

# ---- 3. offline verify -----------------------------------------------------------------------
"$BIN" trust add THPT-CVA --from 2025-01-01 --types diploma >/dev/null 2>"$dir/trust.log" ||
    echo "bench/verify  trust add failed: $(cat "$dir/trust.log")"
"$BIN" trust export --out "$dir/trust.json" >/dev/null 2>&1
"$BIN" credential status-export --out "$dir/st" >/dev/null 2>&1
verify() { "$BIN" credential verify --trust "$dir/trust.json" --status-dir "$dir/st" \
               "$dir/diplomas.jsonl" >/dev/null 2>"$dir/verify.log"; }
timed verify
vrate=$(calc "$issued / $T_WALL")
rates verify "$issued diplomas offline (JSONL, trust file, status lists)" "$issued" "$T_WALL" \
    "$T_CPU" "$TARGET_VERIFY" verify
printf 'bench/verify    exit status %s (%s)\n' "$T_RC" \
    "$([ "$T_RC" = 0 ] && echo "every credential valid" || echo "some invalid or unreadable: $(head -c 200 "$dir/verify.log")")"
echo

# ---- 4. POST /api/v1/verify under wrk --------------------------------------------------------
port=$((20000 + RANDOM % 20000))
"$BIN" serve --listen 127.0.0.1:$port --access-log off 2>"$dir/server.log" &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
head -1 "$dir/diplomas.jsonl" >"$dir/one.json"
code=$(curl -s -o "$dir/answer.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$dir/one.json" "http://127.0.0.1:$port/api/v1/verify")
verified=$(grep -o '"verified":[a-z]*' "$dir/answer.json" | head -1)
cat >"$dir/verify.lua" <<EOF
local f = assert(io.open("$dir/one.json", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
EOF
out=$(wrk -t2 -c64 -d"${DUR}s" --latency -s "$dir/verify.lua" "http://127.0.0.1:$port/api/v1/verify" 2>&1)
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
total=$(echo "$out" | awk '/requests in/ {print $1}')
non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
errs=$(echo "$out" | awk '/Socket errors/' | sed 's/^ *//')
kill "$pid"; wait "$pid" 2>/dev/null; pid=""
printf 'bench/api     POST /api/v1/verify (one diploma, %s bytes) c=64 %ss: %s req/s (target >= %d/s: %.0f%%)   p99 %s\n' \
    "$(wc -c <"$dir/one.json")" "$DUR" "${rps:-?}" "$TARGET_API" "$(calc "100 * ${rps:-0} / $TARGET_API")" "${p99:-?}"
printf 'bench/api       first answer HTTP %s %s; %s requests, non-2xx: %s, %s\n' "$code" "$verified" \
    "${total:-?}" "${non2xx:-0}" "${errs:-no socket errors}"
echo

# ---- 5. reference implementation -------------------------------------------------------------
cd "$ROOT/tests/interop"
if [ ! -d node_modules ]; then npm ci --silent >/dev/null 2>&1 || echo "bench/ref     npm ci failed"; fi
ref=$(node ref.mjs bench --n "$REF_N" 2>&1 | tail -1)
ri=$(echo "$ref" | sed -n 's/.*"issue\/s":\([0-9]*\).*/\1/p')
rv=$(echo "$ref" | sed -n 's/.*"verify\/s":\([0-9]*\).*/\1/p')
if [ -n "$ri" ] && [ -n "$rv" ]; then
    printf 'bench/ref     @digitalbazaar/vc (node %s, one core, minimal VC, n=%d): %s issue/s, %s verify/s\n' \
        "$(node --version)" "$REF_N" "$ri" "$rv"
    printf 'bench/ref       edudx / reference: issue %.1f x, offline verify %.1f x\n' \
        "$(calc "$irate / $ri")" "$(calc "$vrate / $rv")"
else
    echo "bench/ref     no figures: $ref"
fi
echo "(load average at the end: $(loadavg))"
