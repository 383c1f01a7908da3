#!/bin/bash
# Movement benchmarks: figures to read, not pass/fail.
#   bench/movement: a sector-sized campaign (50,000 registered units, 20,000 progress
#                   reports, 5,000 initiatives); GET /api/v1/campaigns/{code}/dashboard as the
#                   Ministry under wrk c=64 (target p99 <= 50 ms), and one coverage page.
#   bench/milestone: the final (2030) review of the whole sector, GET
#                   /api/v1/campaigns/{code}/reviews/TONG-KET-2030 as JSON (target <= 2 s): 50,000
#                   units with pledges on six indicators, 35,000 reports of 2030 with values, a
#                   closed round of 50,000 entries x 5 scorecards; then the CSV, XLSX and PDF.
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
# The final review's data: pledges for the phase 2027-2030, reports of 2030 with values, and a
# closed round scored by 1,000 reviewers (5 per entry).
sqlite3 "$EDX_DB" "
  INSERT INTO campaign_pledges (registration_id, phase_id, indicator_id, target, note, updated_at)
    SELECT g.id, f.id, i.id, CASE WHEN i.code IN ('TR-SO', 'BD-NLS', 'HT-ATTT', 'HS-TT')
      THEN 50 + g.id % 50 ELSE 5 + g.id % 50 END, NULL, 1760000000
    FROM campaign_registrations g, campaign_phases f, campaign_indicators i
    WHERE f.code = 'GD2' AND i.code IN ('TR-SO', 'VB-SO', 'SK-CN', 'BD-NLS', 'HT-ATTT', 'HS-TT');
  INSERT INTO progress_reports (registration_id, period, status, version, draft, updated_at)
    SELECT id, '2030', CASE id % 3 WHEN 0 THEN 'submitted' ELSE 'accepted' END, 1,
      '{\"values\":[]}', 1760000000 FROM campaign_registrations WHERE id % 10 < 7;
  INSERT INTO report_values (report_id, version, indicator_id, value)
    SELECT r.id, 1, i.id, (r.id * 7 + i.id * 13) % 100 FROM progress_reports r, campaign_indicators i
    WHERE r.period = '2030';
  WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000)
  INSERT INTO users (username, display_name, password_hash, role, unit_id, created_at, updated_at,
      password_changed_at)
    SELECT 'bench.rv' || x, 'Reviewer ' || x, 'x', 'reviewer', NULL, 1, 1, 1 FROM n;
  INSERT INTO review_rounds (campaign_id, code, name, stage, status, blind, reviewers_per_entry,
      created_at) VALUES (1, 'TK-2030', 'Chấm điểm tổng kết 2030', 'final', 'closed', 0, 5, 1760000000);
  INSERT INTO council_members (round_id, user_id, role)
    SELECT (SELECT id FROM review_rounds WHERE code = 'TK-2030'), id,
      CASE username WHEN 'bench.rv1' THEN 'chair' ELSE 'member' END
    FROM users WHERE username LIKE 'bench.rv%';
  INSERT INTO round_entries (round_id, registration_id)
    SELECT (SELECT id FROM review_rounds WHERE code = 'TK-2030'), id FROM campaign_registrations;
  WITH k(x) AS (VALUES (0), (1), (2), (3), (4))
  INSERT INTO scorecards (entry_id, user_id, scores, comment, status, updated_at, submitted_at)
    SELECT e.id, u.id, '{\"creativity\":' || ((e.id * 3 + k.x) % 11) || ',\"effectiveness\":' ||
      ((e.id * 7 + k.x * 2) % 11) || ',\"practical_impact\":' || ((e.id + k.x * 3) % 11) ||
      ',\"replicability\":' || ((e.id * 5 + k.x) % 11) || '}', NULL, 'submitted', 1, 1
    FROM round_entries e CROSS JOIN k JOIN users u ON u.username = 'bench.rv' || ((e.id * 5 + k.x) % 1000 + 1);
  ANALYZE;" || echo "bench/milestone  data setup failed"
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

# The final review of the whole sector: JSON (best and median of 5), then each export once.
rv="$url/reviews/TONG-KET-2030"
times=()
for _ in 1 2 3 4 5; do
    one=$(curl -s -o "$dir/review.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$rv")
    times+=("${one##* }")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
units=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["units"]), d["totals"]["registered"], d["round"]["entries"] if d["round"] else 0)' "$dir/review.json" 2>/dev/null)
printf 'bench/milestone final review JSON (whole sector): HTTP %s, best %.2f s, median %.2f s (target <= 2 s); %s bytes; units, registered, round entries: %s\n' \
    "${one%% *}" "$(echo "$sorted" | head -1)" "$(echo "$sorted" | sed -n 3p)" "$(stat -c %s "$dir/review.json")" "$units"
for f in csv xlsx pdf; do
    one=$(curl -s -o "$dir/review.$f" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$rv?format=$f")
    printf 'bench/milestone final review %-4s: HTTP %s in %.2f s, %s bytes\n' "$f" "${one%% *}" "${one##* }" "$(stat -c %s "$dir/review.$f")"
done
