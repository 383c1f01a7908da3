#!/bin/sh
# make demo: create var/edudx.db with demo data (first run only) and serve it on :8080.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-build/edudx}
export EDX_DB=${EDX_DB:-var/edudx.db}
export EDX_SECRET_FILE=${EDX_SECRET_FILE:-var/secret.key}
LISTEN=${LISTEN:-127.0.0.1:8080}
PASSWORD=edudx-demo-2025

if [ ! -f "$EDX_DB" ]; then
    echo "demo: creating $EDX_DB with demo data" >&2
    "$BIN" init >/dev/null 2>&1
    "$BIN" units import data/demo/units.csv >/dev/null
    tail -n +2 data/demo/users.csv | while IFS=, read -r user role unit name; do
        if [ -n "$unit" ]; then
            printf '%s\n' "$PASSWORD" | "$BIN" user add "$user" --role "$role" --unit "$unit" --display-name "$name" 2>/dev/null
        else
            printf '%s\n' "$PASSWORD" | "$BIN" user add "$user" --role "$role" --display-name "$name" 2>/dev/null
        fi
    done
    # A few people; the ID numbers are made up and only their hashes are stored.
    for p in "THPT-CVA|Đỗ Thu Hằng|teacher|001185012345" "THPT-CVA|Vũ Đức Anh|learner|001208034567" \
             "THPT-LHP|Nguyễn Ngọc Lan|teacher|079190023456" "THPT-LHP|Trần Gia Huy|learner|079209045678"; do
        unit=${p%%|*}; rest=${p#*|}; name=${rest%%|*}; rest=${rest#*|}; kind=${rest%%|*}; nid=${rest#*|}
        printf '%s\n' "$nid" | "$BIN" people add --unit "$unit" --name "$name" --kind "$kind" >/dev/null
    done
    # Digital credentials: Chu Văn An is accredited by the Ministry and issues its 2026 cohort.
    "$BIN" trust add THPT-CVA --from 2025-01-01 --types diploma,transcript \
        --decision "QĐ 2468/QĐ-BGDĐT (demo)" >/dev/null
    "$BIN" credential issue --issuer THPT-CVA --type diploma --csv data/demo/diplomas.csv 2>/dev/null
    "$BIN" credential issue --issuer THPT-CVA --type transcript --csv data/demo/transcripts.csv 2>/dev/null
    # The 2025-2030 movement; a few Departments and universities have registered and pledged.
    C=DMST-CDS-2025-2030
    "$BIN" campaign load data/movement/campaign-2025-2030.json >/dev/null
    for u in SGDDT-HA-NOI SGDDT-HO-CHI-MINH SGDDT-DA-NANG SGDDT-HUE SGDDT-CAN-THO SGDDT-HAI-PHONG \
             DHQGHN DHBKHN DHSPHN CD-NGHE-HN; do
        "$BIN" campaign register "$C" --unit "$u" >/dev/null
        "$BIN" campaign pledge "$C" --unit "$u" --file data/demo/pledges.json >/dev/null
    done
    # The rest of the movement goes through the API, as its users would do it.
    SEED_PORT=$((20000 + $$ % 20000))
    "$BIN" serve --listen "127.0.0.1:$SEED_PORT" --access-log off >/dev/null 2>&1 &
    SEED_PID=$!
    i=0
    until curl -sf "http://127.0.0.1:$SEED_PORT/healthz" >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -lt 100 ] || { echo "demo: the seeding server did not start" >&2; exit 1; }
        sleep 0.1
    done
    if ! scripts/demo-movement.sh "http://127.0.0.1:$SEED_PORT" "$PASSWORD"; then
        kill "$SEED_PID"; wait "$SEED_PID" 2>/dev/null || true
        echo "demo: populating the movement failed; $EDX_DB is removed" >&2
        rm -f "$EDX_DB" "$EDX_DB-wal" "$EDX_DB-shm"
        exit 1
    fi
    kill "$SEED_PID"; wait "$SEED_PID" 2>/dev/null || true
else
    echo "demo: using the existing $EDX_DB (delete it to start afresh)" >&2
fi

cat <<INFO

  edudx is serving on http://$LISTEN
  Demo logins (password: $PASSWORD):
    admin         ministry admin (everything)
    hanoi.admin   unit admin of the Hà Nội Department of Education and Training
    hcm.admin     unit admin of the Ho Chi Minh City Department
    reviewer      reviewer, chair of the council (round SK-2026); also hoidong.an, hoidong.binh, hoidong.chi
    teacher       teacher at THPT Chu Văn An
    learner       learner at THPT Chu Văn An
  The movement DMST-CDS-2025-2030: registrations, pledges, 2026 reports, initiatives, a closed
  review round, and nominations at every stage; posted ones on the public page
  http://$LISTEN/nominations
  Credentials: sign in as admin, open "Văn bằng số"; anyone can check one at
  http://$LISTEN/verify
  API: http://$LISTEN/api/v1/openapi.json   Stop with Ctrl-C.

INFO
exec "$BIN" serve --listen "$LISTEN" --access-log off
