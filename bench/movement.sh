#!/bin/bash
# Movement benchmarks: figures to read, not pass/fail.
#   bench/movement: a sector-sized campaign (50,000 registered units, 20,000 progress
#                   reports, 5,000 initiatives); GET /api/v1/campaigns/{code}/dashboard as the
#                   Ministry under wrk c=64 (target p99 <= 50 ms), and one coverage page.
#   (The scorings of 50,000 entries x 5 reviews x 4 criteria are bench/scoring.c.)
# Environment: BUILD (build dir), BENCH_SECONDS (wrk duration, default 10),
# BENCH_ENTRIES (default 50000).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
BIN=$ROOT/$BUILD/edudx
DUR=${BENCH_SECONDS:-10}
N=${BENCH_ENTRIES:-50000}
dir=$(mktemp -d /tmp/edx-bench-mv.XXXXXX)
export EDX_DB=$dir/edudx.db EDX_SECRET_FILE=$dir/secret.key
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$dir"; }
trap cleanup EXIT

"$BIN" init >/dev/null 2>&1
"$BIN" units import data/demo/units.csv >/dev/null 2>&1
# N schools under the 34 Departments, then the movement open to schools too.
awk -v N="$N" -F, 'NR > 1 && $3 == "doet" { d[n++] = $1 "," $5 }
    END { print "code,name,type,parent_code,province"
          for (i = 0; i < N; i++) { split(d[i % n], x, ","); printf "BM-%06d,Trường %d,school,%s,%s\n", i, i, x[1], x[2] } }' \
    data/demo/units.csv >"$dir/schools.csv"
"$BIN" units import "$dir/schools.csv" >/dev/null 2>&1
sed 's/"participant_types": \[/"participant_types": ["school", /' data/movement/campaign-2025-2030.json \
    >"$dir/campaign.json"
"$BIN" campaign load "$dir/campaign.json" >/dev/null 2>&1 || echo "bench/movement  campaign load failed"
t0=$(date +%s.%N)
sqlite3 "$EDX_DB" "
  INSERT INTO campaign_registrations (campaign_id, unit_id, registered_at, registered_by)
    SELECT 1, id, 1760000000, 'bench' FROM units WHERE type = 'school' AND code LIKE 'BM-%';
  INSERT INTO progress_reports (registration_id, period, status, version, draft, updated_at)
    SELECT id, '2026', CASE id % 4 WHEN 0 THEN 'draft' WHEN 1 THEN 'submitted'
      WHEN 2 THEN 'returned' ELSE 'accepted' END, 1, '{\"values\":[]}', 1760000000
    FROM campaign_registrations WHERE id % 5 < 2;
  INSERT INTO initiatives (unit_id, title, authors, problem, solution, results, scope,
      recognised_by, decision_number, decision_date, evidence, search_key, created_by,
      created_at, updated_at)
    SELECT unit_id, 'Sáng kiến ' || id, '[]', 'p', 's', 'r', CASE id % 2 WHEN 0 THEN 'unit' END,
      CASE id % 2 WHEN 0 THEN 'Sở' END, CASE id % 2 WHEN 0 THEN '1/QĐ' END,
      CASE id % 2 WHEN 0 THEN '2026-05-01' END, '[]', 'sang kien', 'bench', 1760000000, 1760000000
    FROM campaign_registrations WHERE id % 10 = 3;
  ANALYZE;" || echo "bench/movement  data setup failed"
t1=$(date +%s.%N)
regs=$(sqlite3 "$EDX_DB" "SELECT COUNT(*) FROM campaign_registrations")
reps=$(sqlite3 "$EDX_DB" "SELECT COUNT(*) FROM progress_reports")
inis=$(sqlite3 "$EDX_DB" "SELECT COUNT(*) FROM initiatives")
echo "movement benchmarks ($(nproc) cores, $DUR s per run, $(date -u +%F))"
printf 'bench/movement  store: %s registrations, %s reports, %s initiatives (set up in %.1f s)\n' \
    "$regs" "$reps" "$inis" "$(echo "$t1 - $t0" | bc -l)"

printf 'bench-password-2025\n' | "$BIN" user add bench --role ministry_admin >/dev/null 2>&1
TOKEN=$("$BIN" token create --user bench --scope read --name bench 2>/dev/null)
port=$((20000 + RANDOM % 20000))
"$BIN" serve --listen 127.0.0.1:$port --access-log off 2>"$dir/server.log" &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
url="http://127.0.0.1:$port/api/v1/campaigns/DMST-CDS-2025-2030"
one=$(curl -s -o "$dir/dash.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$url/dashboard")
printf 'bench/movement  one dashboard answer: HTTP %s in %.1f ms (registered %s)\n' "${one%% *}" \
    "$(echo "${one##* } * 1000" | bc -l)" "$(grep -o '"registered":[0-9]*' "$dir/dash.json" | head -1 | cut -d: -f2)"
one=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$url/coverage?registered=false&limit=100")
printf 'bench/movement  one coverage page (not registered, 100 units): HTTP %s in %.1f ms\n' "${one%% *}" \
    "$(echo "${one##* } * 1000" | bc -l)"
out=$(wrk -t2 -c64 -d"${DUR}s" --latency -H "Authorization: Bearer $TOKEN" "$url/dashboard" 2>&1)
printf 'bench/movement  GET dashboard c=64 %ss: %s req/s, p50 %s, p99 %s (target p99 <= 50 ms), non-2xx %s\n' \
    "$DUR" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" "$(echo "$out" | awk '$1 == "50%" {print $2}')" \
    "$(echo "$out" | awk '$1 == "99%" {print $2}')" "$(echo "$out" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0)"
