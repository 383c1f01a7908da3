#!/bin/bash
# Run every test suite and print one total as the last line: "N passed, M failed".
#   BUILD=build tests/run.sh          (make check)
#   BUILD=build-asan EDX_ASAN=1 ...   (make asan: sanitizer reports count as failures)
#   EDX_SUITES="unit api-sqlite" ...  run only some suites
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
export BUILD
export EDX_BIN=$ROOT/$BUILD/edudx
OUT=$ROOT/test-out
mkdir -p "$OUT"
rm -f "$OUT"/*.log
total_pass=0
total_fail=0
summary=()

if [ "${EDX_ASAN:-}" = 1 ]; then
    rm -rf "$OUT/asan" && mkdir -p "$OUT/asan"
    export ASAN_OPTIONS="log_path=$OUT/asan/asan:detect_leaks=1:abort_on_error=0:exitcode=86:allocator_may_return_null=1"
    export UBSAN_OPTIONS="log_path=$OUT/asan/ubsan:print_stacktrace=1:halt_on_error=1:exitcode=87"
    export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
fi

want() {
    [ -z "${EDX_SUITES:-}" ] && return 0
    case " $EDX_SUITES " in *" $1 "*) return 0 ;; esac
    return 1
}

# Record a suite's result from its log: the "# name: N passed, M failed" line.
record() {
    local name=$1 log=$2 rc=$3
    local line p f
    line=$(grep -E "^# .*: [0-9]+ passed, [0-9]+ failed$" "$log" | tail -n 1)
    if [ -z "$line" ]; then
        p=0
        f=1
        echo "suite $name crashed (exit $rc); see $log" >&2
        tail -n 20 "$log" >&2
    else
        p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1/')
        f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\2/')
        if [ "$f" -eq 0 ] && [ "$rc" -ne 0 ]; then
            f=1
            echo "suite $name exited $rc" >&2
        fi
    fi
    [ "$f" -gt 0 ] && grep -E "^not ok|^  #" "$log" | head -n 60 >&2
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    summary+=("$(printf '%-16s %5d passed, %d failed' "$name" "$p" "$f")")
    printf '%-16s %5d passed, %d failed\n' "$name" "$p" "$f"
}

suite() {
    local name=$1
    shift
    want "$name" || return 0
    local log="$OUT/$name.log"
    "$@" >"$log" 2>&1
    record "$name" "$log" $?
}

# Unit tests (cmocka, TAP output).
unit_tests() {
    local p=0 f=0 t
    for t in "$ROOT/$BUILD"/tests/test_*; do
        [ -x "$t" ] || continue
        echo "## $(basename "$t")"
        CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$OUT/tap.tmp" 2>&1
        local rc=$?
        cat "$OUT/tap.tmp"
        local np nf
        np=$(grep -cE "^ok " "$OUT/tap.tmp")
        nf=$(grep -cE "^not ok " "$OUT/tap.tmp")
        if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then nf=1; echo "not ok - $(basename "$t") exited $rc"; fi
        p=$((p + np))
        f=$((f + nf))
    done
    rm -f "$OUT/tap.tmp"
    echo "# unit: $p passed, $f failed"
    [ "$f" -eq 0 ]
}

# Node modules for the browser test (playwright-core only; the browser is Debian's).
if { want e2e || want e2e-credentials || want e2e-movement; } && [ -f tests/e2e/package.json ] && [ ! -d tests/e2e/node_modules ]; then
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error) >"$OUT/npm.log" 2>&1 ||
        { echo "npm ci failed; see $OUT/npm.log" >&2; }
fi

# Reference implementations for the interoperability suite (tests only).
if want interop && [ -f tests/interop/package.json ] && [ ! -d tests/interop/node_modules ]; then
    (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error) >"$OUT/npm-interop.log" 2>&1 ||
        { echo "npm ci failed; see $OUT/npm-interop.log" >&2; }
fi

# A throwaway PostgreSQL cluster for the suites that need one.
PGDIR=$(mktemp -d /tmp/edx-pg.XXXXXX)
PGURI=""
need_pg=
for s in api multi-instance credentials movement review nominations milestone; do
    [ "$s" = multi-instance ] || s=$s-postgres
    if want "$s"; then need_pg=1; fi
done
if [ -n "$need_pg" ]; then
    export EDX_PG_PORT=${EDX_PG_PORT:-$((50000 + RANDOM % 10000))}
    if PGURI=$(tests/pg.sh start "$PGDIR" 2>"$OUT/pg.log"); then
        echo "PostgreSQL test cluster: $PGURI"
    else
        echo "could not start PostgreSQL; see $OUT/pg.log" >&2
        PGURI=""
    fi
fi
cleanup() { tests/pg.sh stop "$PGDIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT

suite unit unit_tests
suite api-sqlite node tests/api/api.mjs
if want api-postgres; then
    if [ -n "$PGURI" ]; then
        suite api-postgres env EDX_TEST_PG="$PGURI" EDX_SUITE_NAME=api-postgres node tests/api/api.mjs
    else
        record api-postgres /dev/null 1
    fi
fi
if want multi-instance; then
    if [ -n "$PGURI" ]; then
        suite multi-instance env EDX_TEST_PG="$PGURI" node tests/api/multi.mjs
    else
        record multi-instance /dev/null 1
    fi
fi
[ -f tests/api/openapi.mjs ] && suite openapi node tests/api/openapi.mjs
[ -f tests/unit/jcs_oracle.mjs ] && suite jcs-oracle node tests/unit/jcs_oracle.mjs
# An API suite on SQLite, then again on PostgreSQL as NAME-postgres.
both() { # NAME FILE
    [ -f "$2" ] || return 0
    suite "$1" node "$2"
    if want "$1-postgres"; then
        if [ -n "$PGURI" ]; then
            suite "$1-postgres" env EDX_TEST_PG="$PGURI" EDX_SUITE_NAME="$1-postgres" node "$2"
        else
            record "$1-postgres" /dev/null 1
        fi
    fi
}
both credentials tests/api/credentials.mjs
both movement tests/api/movement.mjs
both review tests/api/review.mjs
both nominations tests/api/nominations.mjs
both milestone tests/api/milestone.mjs
[ -f tests/interop/interop.mjs ] && suite interop node tests/interop/interop.mjs
suite cli node tests/cli/cli.mjs
suite crash node tests/cli/crash.mjs
[ -f tests/cli/crash_credentials.mjs ] && suite crash-credentials node tests/cli/crash_credentials.mjs
[ -f tests/cli/crash_evidence.mjs ] && suite crash-evidence node tests/cli/crash_evidence.mjs
[ -f tests/e2e/shell.mjs ] && suite e2e node tests/e2e/shell.mjs
[ -f tests/e2e/credentials.mjs ] && suite e2e-credentials node tests/e2e/credentials.mjs
[ -f tests/e2e/movement.mjs ] && suite e2e-movement node tests/e2e/movement.mjs

if [ "${EDX_ASAN:-}" = 1 ]; then
    reports=$(ls "$OUT/asan" 2>/dev/null | wc -l)
    if [ "$reports" -gt 0 ]; then
        echo "sanitizer reports in $OUT/asan:" >&2
        head -n 40 "$OUT"/asan/* >&2
        total_fail=$((total_fail + reports))
        printf '%-16s %5d passed, %d failed\n' "sanitizers" 0 "$reports"
    else
        printf '%-16s %5d passed, %d failed\n' "sanitizers" 1 0
        total_pass=$((total_pass + 1))
    fi
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
