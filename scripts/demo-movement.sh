#!/bin/sh
# Populate the demo's movement through the API, as its users would: progress reports with
# evidence (accepted, returned, submitted), initiatives (recognised, adopted elsewhere), a
# finished review round with a council's scorecards, past awards, and nominations at every
# stage (proposed, on a ballot, rejected, posted with a comment, submitted, decided with an
# award credential, annulled, withdrawn).
#   scripts/demo-movement.sh http://127.0.0.1:PORT PASSWORD
# Needs curl and jq. Stops at the first failed call, naming it.
set -eu
BASE=$1
PASSWORD=$2
C=DMST-CDS-2025-2030
JAR=$(mktemp -d)
trap 'rm -rf "$JAR"' EXIT

# login USER: a cookie jar and the CSRF token for USER.
login() {
    curl -sf -c "$JAR/$1" -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/session" |
        jq -r .csrf_token >"$JAR/$1.csrf"
}

# call USER METHOD PATH [JSON]: the answer's body; fails on an HTTP error, saying which.
call() {
    user=$1 method=$2 path=$3 body=${4:-}
    out=$(curl -s -w '\n%{http_code}' -b "$JAR/$user" -X "$method" -H "x-csrf-token: $(cat "$JAR/$user.csrf")" \
        ${body:+-H 'content-type: application/json' --data-binary "$body"} "$BASE$path")
    code=$(printf '%s' "$out" | tail -n 1)
    case $code in 2??) printf '%s' "$out" | sed '$d' ;; *)
        echo "demo: $user $method $path -> $code: $(printf '%s' "$out" | sed '$d')" >&2
        return 1 ;;
    esac
}

# upload USER UNIT FILE NAME TYPE: the file's SHA-256.
upload() {
    curl -sf -b "$JAR/$1" -H "x-csrf-token: $(cat "$JAR/$1.csrf")" -H "content-type: $5" \
        --data-binary "@$3" "$BASE/api/v1/evidence?unit=$2&name=$(printf '%s' "$4" | jq -sRr @uri)" |
        jq -r .sha256
}

for u in admin hanoi.admin hcm.admin reviewer hoidong.an hoidong.binh hoidong.chi; do login "$u"; done

# ---- progress reports of 2026 with evidence ---------------------------------------------------
PDF=data/demo/evidence-report-2026.pdf
report() { # USER UNIT BD-NLS HT-ATTT HS-TT TT-LD
    sha=$(upload "$1" "$2" "$PDF" "Báo cáo chuyển đổi số 2026 - $2.pdf" application/pdf)
    ev="[\"$sha\"]"
    call "$1" PUT "/api/v1/campaigns/$C/registrations/$2/reports/2026" "{\"values\":[
        {\"indicator\":\"BD-NLS\",\"value\":$3,\"evidence\":$ev},
        {\"indicator\":\"HT-ATTT\",\"value\":$4,\"evidence\":$ev},
        {\"indicator\":\"HS-TT\",\"value\":$5,\"evidence\":$ev},
        {\"indicator\":\"TT-LD\",\"value\":$6,\"evidence\":$ev}]}" >/dev/null
    call "$1" POST "/api/v1/campaigns/$C/registrations/$2/reports/2026/submit" >/dev/null
    echo "$sha"
}
SHA_HN=$(report hanoi.admin SGDDT-HA-NOI 72.5 90 84 12)
SHA_HCM=$(report hcm.admin SGDDT-HO-CHI-MINH 68 95 88 15)
report admin SGDDT-DA-NANG 55 70 61 6 >/dev/null
report admin SGDDT-HUE 48 65 52 4 >/dev/null
report admin DHQGHN 81 100 93 9 >/dev/null
for u in SGDDT-HA-NOI SGDDT-HO-CHI-MINH DHQGHN; do
    call admin POST "/api/v1/campaigns/$C/registrations/$u/reports/2026/accept" '{}' >/dev/null
done
call admin POST "/api/v1/campaigns/$C/registrations/SGDDT-HUE/reports/2026/return" \
    '{"comment":"Bổ sung minh chứng cho chỉ tiêu HT-ATTT (biên bản đánh giá cấp độ)."}' >/dev/null

# ---- initiatives ---------------------------------------------------------------------------
I1=$(call hanoi.admin POST /api/v1/initiatives "{\"unit\":\"SGDDT-HA-NOI\",
    \"title\":\"Học bạ số liên thông toàn thành phố\",\"authors\":[\"Trần Thị Hà\"],
    \"problem\":\"Học bạ giấy khó tra cứu, chuyển trường mất nhiều ngày.\",
    \"solution\":\"Phát hành học bạ số có chữ ký số cho mọi trường THPT, tra cứu bằng mã QR.\",
    \"results\":\"Hơn 120.000 học bạ số; thời gian chuyển trường còn 1 ngày.\",
    \"evidence\":[\"$SHA_HN\"]}" | jq -r .id)
call admin POST "/api/v1/initiatives/$I1/recognition" '{"body":"Bộ Giáo dục và Đào tạo",
    "decision_number":"2211/QĐ-BGDĐT","decision_date":"2026-10-15","scope":"nation"}' >/dev/null
call hcm.admin POST "/api/v1/initiatives/$I1/adoptions" "{\"unit\":\"SGDDT-HO-CHI-MINH\",
    \"adopted_on\":\"2026-11-01\",\"note\":\"Áp dụng cho 40 trường THPT.\",\"evidence\":[\"$SHA_HCM\"]}" >/dev/null
I2=$(call hcm.admin POST /api/v1/initiatives "{\"unit\":\"SGDDT-HO-CHI-MINH\",
    \"title\":\"Trợ lý ảo hỗ trợ thủ tục tuyển sinh đầu cấp\",
    \"problem\":\"Phụ huynh xếp hàng để hỏi thủ tục tuyển sinh.\",
    \"solution\":\"Trợ lý ảo trả lời 24/7, nối với cổng dịch vụ công.\",
    \"results\":\"85% câu hỏi được trả lời tự động.\",\"evidence\":[\"$SHA_HCM\"]}" | jq -r .id)
call admin POST "/api/v1/initiatives/$I2/recognition" '{"body":"UBND TP. Hồ Chí Minh",
    "decision_number":"5120/QĐ-UBND","decision_date":"2026-09-20","scope":"province"}' >/dev/null
call admin POST /api/v1/initiatives "{\"unit\":\"DHQGHN\",
    \"title\":\"Bồi dưỡng năng lực số cho giảng viên theo khung 6 miền\",
    \"problem\":\"Giảng viên thiếu kỹ năng thiết kế học liệu số.\",
    \"solution\":\"Khoá bồi dưỡng trực tuyến theo khung năng lực số, có chứng nhận.\",
    \"results\":\"1.200 giảng viên hoàn thành.\",\"evidence\":[\"$SHA_HN\"]}" >/dev/null

# ---- a finished review round ---------------------------------------------------------------
call admin POST "/api/v1/campaigns/$C/rounds" '{"code":"SK-2026","name":"Vòng chấm điểm năm 2026",
    "stage":"scoring","members":[{"username":"reviewer","role":"chair"},{"username":"hoidong.an","role":"member"},
    {"username":"hoidong.binh","role":"member"},{"username":"hoidong.chi","role":"member"}]}' >/dev/null
n=0
for u in reviewer hoidong.an hoidong.binh hoidong.chi; do
    for e in $(call "$u" GET /api/v1/reviews | jq -r '.assignments[] | select(.round == "SK-2026") | .entry'); do
        n=$((n + 1))
        s=$((5 + (n * 7 + ${#u}) % 5))
        call "$u" PUT "/api/v1/reviews/$e/scorecard" "{\"scores\":{\"effectiveness\":$s,\"creativity\":$(((s + 2) % 5 + 5)),
            \"replicability\":$(((s + 1) % 5 + 5)),\"practical_impact\":$((s % 5 + 5))},
            \"comment\":\"Minh chứng đầy đủ, kết quả rõ.\",\"submit\":true}" >/dev/null
    done
done
call reviewer POST "/api/v1/campaigns/$C/rounds/SK-2026/close" >/dev/null

# ---- past awards and nominations at every stage ----------------------------------------------
curl -sf -b "$JAR/admin" -H "x-csrf-token: $(cat "$JAR/admin.csrf")" -H 'content-type: text/csv' \
    --data-binary @data/demo/award-history.csv "$BASE/api/v1/awards/history/import" >/dev/null
nominate() { # USER UNIT FORM SUMMARY -> id
    call "$1" POST "/api/v1/campaigns/$C/nominations" \
        "{\"unit\":\"$2\",\"form\":\"$3\",\"candidate_year\":2026,\"summary\":\"$4\"}" | jq -r .id
}
confirm() {
    call admin POST "/api/v1/nominations/$1/check" \
        '{"confirm":true,"note":"Hội đồng Thi đua - Khen thưởng đã đối chiếu hồ sơ gốc."}' >/dev/null
}
N_HN=$(nominate hanoi.admin SGDDT-HA-NOI minister_certificate "Dẫn đầu toàn quốc về học bạ số và văn bằng số năm 2026.")
N_HCM=$(nominate hcm.admin SGDDT-HO-CHI-MINH minister_certificate "Trợ lý ảo tuyển sinh và 95% hệ thống được đánh giá an toàn thông tin.")
N_DHQG=$(nominate admin DHQGHN minister_certificate "Bồi dưỡng năng lực số cho 1.200 giảng viên.")
N_DN=$(nominate admin SGDDT-DA-NANG minister_certificate "Chuyển đổi số trong quản lý trường học.")
N_HUE=$(nominate admin SGDDT-HUE unit_certificate "Tuyên truyền chuyển đổi số đến mọi trường.")
N_CT=$(nominate admin SGDDT-CAN-THO unit_certificate "Đề nghị đã rút để bổ sung hồ sơ.")
N_HP=$(nominate admin SGDDT-HAI-PHONG minister_certificate "Đề nghị chờ hội đồng kiểm tra điều kiện.")
N_BK=$(nominate admin DHBKHN minister_certificate "Phòng thí nghiệm số dùng chung cho các trường kỹ thuật.")
for n in "$N_HN" "$N_HCM" "$N_DHQG" "$N_DN" "$N_HUE" "$N_BK"; do confirm "$n"; done
call admin POST "/api/v1/nominations/$N_CT/withdraw" >/dev/null

# A ballot counted: every member votes yes to three, the Đà Nẵng proposal falls short of 90%.
B=$(call reviewer POST "/api/v1/campaigns/$C/ballots" "{\"round\":\"SK-2026\",
    \"title\":\"Bỏ phiếu đề nghị Bằng khen của Bộ trưởng năm 2026\",
    \"nominations\":[$N_HN,$N_HCM,$N_DHQG,$N_DN,$N_BK],\"minutes\":1440}" | jq -r .id)
for u in reviewer hoidong.an hoidong.binh hoidong.chi; do
    dn=yes; [ "$u" = hoidong.chi ] && dn=no
    call "$u" POST "/api/v1/ballots/$B/vote" "{\"choices\":[{\"nomination\":$N_HN,\"choice\":\"yes\"},
        {\"nomination\":$N_HCM,\"choice\":\"yes\"},{\"nomination\":$N_DHQG,\"choice\":\"yes\"},
        {\"nomination\":$N_DN,\"choice\":\"$dn\"},{\"nomination\":$N_BK,\"choice\":\"yes\"}]}" >/dev/null
done
call reviewer POST "/api/v1/ballots/$B/close" >/dev/null
# A ballot still open: two of four members have voted.
B2=$(call reviewer POST "/api/v1/campaigns/$C/ballots" "{\"round\":\"SK-2026\",
    \"title\":\"Bỏ phiếu Giấy khen năm 2026\",\"nominations\":[$N_HUE],\"minutes\":4320}" | jq -r .id)
for u in hoidong.an hoidong.binh; do
    call "$u" POST "/api/v1/ballots/$B2/vote" "{\"choices\":[{\"nomination\":$N_HUE,\"choice\":\"yes\"}]}" >/dev/null
done

# Posted for comment (ten days): the Đại học Quốc gia Hà Nội, with a public comment.
call admin POST "/api/v1/nominations/$N_DHQG/post" '{"days":10}' >/dev/null
curl -sf -H 'content-type: application/json' -d '{"name":"Nguyễn Thị Mai","contact":"mai@example.vn",
    "text":"Tôi là giảng viên đã học khoá bồi dưỡng; khoá học rất thiết thực."}' \
    "$BASE/api/v1/public/nominations/$N_DHQG/comments" >/dev/null
# Hà Nội and Ho Chi Minh City: a short window, then submitted; Hà Nội decided (credential).
until=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)
call admin POST "/api/v1/nominations/$N_HN/post" "{\"until\":\"$until\"}" >/dev/null
call admin POST "/api/v1/nominations/$N_HCM/post" "{\"until\":\"$until\"}" >/dev/null
call admin POST "/api/v1/nominations/$N_BK/post" "{\"until\":\"$until\"}" >/dev/null
sleep 3
call admin POST "/api/v1/nominations/$N_HN/submit" >/dev/null
call admin POST "/api/v1/nominations/$N_HCM/submit" >/dev/null
call admin POST "/api/v1/nominations/$N_HN/decide" \
    '{"number":"3456/QĐ-BGDĐT","date":"2026-11-25","issuer":"Bộ trưởng Bộ Giáo dục và Đào tạo"}' >/dev/null
# Bách khoa: decided, then annulled after an inspection.
call admin POST "/api/v1/nominations/$N_BK/submit" >/dev/null
call admin POST "/api/v1/nominations/$N_BK/decide" \
    '{"number":"3457/QĐ-BGDĐT","date":"2026-11-25","issuer":"Bộ trưởng Bộ Giáo dục và Đào tạo"}' >/dev/null
call admin POST "/api/v1/nominations/$N_BK/annul" \
    '{"reason":"Thanh tra phát hiện số liệu phòng thí nghiệm kê khai chưa đúng (demo)."}' >/dev/null
echo "demo: movement populated (reports, initiatives, round SK-2026, nominations $N_HN–$N_HP, ballots $B and $B2)" >&2
