/*
 * The printed form of credentials (render.c): each type built by the real
 * builder (cred_build_doc), signed, rendered, written to test-out/render/ and
 * read back with pdftotext, so the checks are on the PDF's text layer; plus
 * foreign and malformed credentials that must print what they can without
 * crashing, and text that must stay inside the page frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>
#include <sys/stat.h>
#include <time.h>

#include "credentials/cred_int.h"
#include "crypto/crypto.h"

#define NOW 1782777600 /* 2026-06-30T00:00:00Z */
#define UID "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"
#define VERIFY_URL "http://127.0.0.1:8080/verify/" UID
#define OUT_DIR "test-out/render"
#define NAME "Nguyễn Thị Ánh Tuyết"
#define UNIT_NAME "Trường THPT Chu Văn An"

static edx_di_signer signer;
static char did[EDX_DID_MAX];

static const char *DIPLOMA =
    "{\"external_id\":\"HS-1\",\"id_number\":\"001208012345\",\"full_name\":\"" NAME "\","
    "\"birth_date\":\"2008-05-12\",\"graduation_year\":\"2026\",\"classification\":\"Giỏi\","
    "\"decision_number\":\"123/QĐ-SGDĐT\",\"decision_date\":\"2026-06-30\"}";
static const char *DEGREE =
    "{\"external_id\":\"SV-7\",\"id_number\":\"001204012345\",\"full_name\":\"Trần Văn Đức\","
    "\"birth_date\":\"2004-01-02\",\"graduation_year\":\"2026\",\"level\":\"bachelor\","
    "\"field\":\"Công nghệ thông tin\",\"field_code\":\"7480201\",\"mode\":\"Chính quy\","
    "\"classification\":\"Xuất sắc\",\"decision_number\":\"456/QĐ-ĐHBK\","
    "\"decision_date\":\"2026-07-15\"}";
static const char *TRANSCRIPT =
    "{\"external_id\":\"HB-1\",\"id_number\":\"001208012345\",\"full_name\":\"" NAME "\","
    "\"birth_date\":\"2008-05-12\",\"school_year\":\"2025-2026\",\"grade\":\"12\","
    "\"conduct\":\"Tốt\",\"academic\":\"Khá\",\"Toán\":\"8.5\",\"Ngữ văn\":\"7.25\","
    "\"Tiếng Anh\":\"9\",\"Giáo dục thể chất\":\"Đ\"}";
static const char *SKILLS =
    "{\"external_id\":\"NLS-1\",\"id_number\":\"001208012345\",\"full_name\":\"" NAME "\","
    "\"birth_date\":\"2008-05-12\",\"framework\":\"Khung năng lực số (TT 02/2025/TT-BGDĐT)\","
    "\"assessed_on\":\"2026-05-20\",\"overall_level\":\"3\","
    "\"Khai thác dữ liệu và thông tin\":\"3\",\"Giao tiếp và hợp tác\":\"4\"}";
static const char *AWARD =
    "{\"external_id\":\"KT-1\",\"full_name\":\"" NAME "\",\"birth_date\":\"2008-05-12\","
    "\"reward\":\"Bằng khen của Bộ trưởng Bộ Giáo dục và Đào tạo\","
    "\"reason\":\"Đã có thành tích xuất sắc trong học tập và rèn luyện năm học 2025-2026, "
    "đạt giải Nhất kỳ thi chọn học sinh giỏi quốc gia môn Toán, góp phần vào sự nghiệp giáo "
    "dục và đào tạo của Thủ đô\",\"campaign\":\"Thi đua Dạy tốt - Học tốt\","
    "\"decision_number\":\"789/QĐ-BGDĐT\",\"decision_date\":\"2026-08-01\"}";

/* ---- helpers ------------------------------------------------------------------------------ */

static json_t *issue(edx_cred_type t, const char *record, int sign)
{
    json_error_t je;
    json_t *rec = json_loads(record, 0, &je);
    assert_non_null(rec);
    cred_build b = {t,         "http://127.0.0.1:8080",        "THPT-CVA",
                    UNIT_NAME, "https://thpt-chuvanan.edu.vn", did,
                    NOW};
    json_t *doc = cred_build_doc(&b, rec, UID, 1, 4242);
    json_decref(rec);
    assert_non_null(doc);
    if (sign) {
        edx_err e;
        assert_int_equal(edx_di_sign(&signer, doc, NULL, NULL, &e), 0);
    }
    return doc;
}

static void render_ok(const json_t *doc, edx_buf *pdf)
{
    edx_err e;
    edx_buf_reset(pdf);
    int rc = edx_cred_render_pdf(doc, VERIFY_URL, pdf, &e);
    if (rc != 0) fail_msg("render failed: %s", e.message);
    assert_true(pdf->len > 4000);
    assert_true(pdf->len < 2000000);
    assert_memory_equal(pdf->data, "%PDF-", 5);
}

static void write_file(const char *path, const edx_buf *b)
{
    mkdir("test-out", 0755);
    mkdir(OUT_DIR, 0755);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
    assert_int_equal(fclose(f), 0);
}

/* The output of a command (which must succeed), malloc'd. */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    edx_buf out = EDX_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        assert_int_equal(edx_buf_append(&out, chunk, n), 0);
    assert_int_equal(pclose(p), 0);
    assert_int_equal(edx_buf_putc(&out, '\0'), 0);
    return edx_buf_steal(&out, NULL);
}

/*
 * Every word pdftotext finds lies inside the page's frame (24 pt from the
 * edges), so nothing runs off the page.
 */
static void assert_words_inside(const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext -bbox %s -", path);
    char *html = run(cmd);
    int words = 0;
    for (const char *p = strstr(html, "<word "); p; p = strstr(p + 1, "<word ")) {
        double x0, y0, x1, y1;
        const char *a = strstr(p, "xMin=\"");
        assert_non_null(a);
        assert_int_equal(
            sscanf(a, "xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x0, &y0, &x1, &y1),
            4);
        if (x0 < 30 || x1 > 595.3 - 30 || y0 < 30 || y1 > 841.9 - 30)
            fail_msg("word outside the frame in %s: %.80s", path, p);
        words++;
    }
    assert_true(words > 10);
    free(html);
}

/* Render, save as test-out/render/<name>.pdf, check geometry, return pdftotext -layout output. */
static char *render_text(const json_t *doc, const char *name, int *pages)
{
    edx_buf pdf = EDX_BUF_INIT;
    render_ok(doc, &pdf);
    char path[256], cmd[512];
    snprintf(path, sizeof path, OUT_DIR "/%s.pdf", name);
    write_file(path, &pdf);
    edx_buf_free(&pdf);
    assert_words_inside(path);
    snprintf(cmd, sizeof cmd, "pdftotext -layout %s -", path);
    char *txt = run(cmd);
    int n = 0;
    for (const char *p = txt; (p = strchr(p, '\f')); p++)
        n++;
    if (pages) *pages = n;
    return txt;
}

/* `needle` in the text, or in it with runs of white space as one space (wrapped lines). */
static void assert_has(const char *text, const char *needle)
{
    if (strstr(text, needle)) return;
    char *flat = malloc(strlen(text) + 1);
    assert_non_null(flat);
    size_t o = 0;
    for (const char *p = text; *p; p++) {
        int space = *p == ' ' || *p == '\n' || *p == '\f';
        if (!space)
            flat[o++] = *p;
        else if (o > 0 && flat[o - 1] != ' ')
            flat[o++] = ' ';
    }
    flat[o] = '\0';
    int found = strstr(flat, needle) != NULL;
    free(flat);
    if (!found) fail_msg("\"%s\" is not in the PDF's text:\n%s", needle, text);
}

/* Text shared by every document of the deployment. */
static void assert_common(const char *txt)
{
    assert_has(txt, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_has(txt, "Độc lập - Tự do - Hạnh phúc");
    assert_has(txt, UNIT_NAME);
    assert_has(txt, "Quét mã để xác thực / Scan to verify");
    assert_has(txt, VERIFY_URL);
    assert_has(txt, "urn:uuid:" UID);
    assert_has(txt, "Ký số: eddsa-jcs-2022");
    assert_has(txt, "Ngày cấp / Issued: 30/06/2026");
    char short_did[64];
    snprintf(short_did, sizeof short_did, "%.24s…", did);
    assert_has(txt, short_did);
}

/* ---- the five types ------------------------------------------------------------------------- */

static void test_diploma_prints_name_title_classification_and_decision(void **state)
{
    (void)state;
    json_t *doc = issue(EDX_CRED_DIPLOMA, DIPLOMA, 1);
    int pages;
    char *txt = render_text(doc, "diploma", &pages);
    assert_int_equal(pages, 1);
    assert_common(txt);
    assert_has(txt, NAME);
    assert_has(txt, "Bằng tốt nghiệp trung học phổ thông");
    assert_has(txt, "Upper-secondary diploma");
    assert_has(txt, "12/05/2008");
    assert_has(txt, "Giáo dục phổ thông");
    assert_has(txt, "Giỏi");
    assert_has(txt, "123/QĐ-SGDĐT");
    assert_has(txt, "Số 123/QĐ-SGDĐT ngày 30/06/2026");
    assert_has(txt, "Ngày 30 tháng 6 năm 2026");
    assert_has(txt, "(Đã ký số / Digitally signed)");
    free(txt);
    json_decref(doc);
}

static void test_degree_prints_field_level_and_mode(void **state)
{
    (void)state;
    json_t *doc = issue(EDX_CRED_DEGREE, DEGREE, 1);
    int pages;
    char *txt = render_text(doc, "degree", &pages);
    assert_int_equal(pages, 1);
    assert_common(txt);
    assert_has(txt, "Trần Văn Đức");
    assert_has(txt, "Bằng cử nhân");
    assert_has(txt, "Bachelor's degree");
    assert_has(txt, "02/01/2004");
    assert_has(txt, "Công nghệ thông tin");
    assert_has(txt, "7480201");
    assert_has(txt, "Chính quy");
    assert_has(txt, "Xuất sắc");
    assert_has(txt, "Số 456/QĐ-ĐHBK ngày 15/07/2026");
    free(txt);
    json_decref(doc);
}

static void test_transcript_lists_subjects_with_decimal_commas(void **state)
{
    (void)state;
    json_t *doc = issue(EDX_CRED_TRANSCRIPT, TRANSCRIPT, 1);
    int pages;
    char *txt = render_text(doc, "transcript", &pages);
    assert_int_equal(pages, 1);
    assert_common(txt);
    assert_has(txt, NAME);
    assert_has(txt, "Học bạ số");
    assert_has(txt, "Academic transcript");
    assert_has(txt, "2025-2026");
    assert_has(txt, "Toán");
    assert_has(txt, "Ngữ văn");
    assert_has(txt, "Giáo dục thể chất");
    /* scores print with the Vietnamese decimal comma */
    assert_has(txt, "8,5");
    assert_has(txt, "7,25");
    assert_null(strstr(txt, "8.5"));
    /* the two assessments are particulars below the table, not subjects */
    assert_has(txt, "Kết quả rèn luyện");
    assert_has(txt, "Tốt");
    assert_has(txt, "Kết quả học tập");
    assert_has(txt, "Khá");
    const char *toan = strstr(txt, "Toán");
    assert_non_null(strstr(toan, "8,5"));
    free(txt);
    json_decref(doc);
}

static void test_skills_lists_domains_and_levels(void **state)
{
    (void)state;
    json_t *doc = issue(EDX_CRED_SKILLS, SKILLS, 1);
    int pages;
    char *txt = render_text(doc, "skills", &pages);
    assert_int_equal(pages, 1);
    assert_common(txt);
    assert_has(txt, NAME);
    assert_has(txt, "Chứng nhận năng lực số");
    assert_has(txt, "Digital competence certificate");
    assert_has(txt, "Khung năng lực số (TT 02/2025/TT-BGDĐT)");
    assert_has(txt, "20/05/2026");
    assert_has(txt, "Khai thác dữ liệu và thông tin");
    assert_has(txt, "Giao tiếp và hợp tác");
    assert_has(txt, "Mức chung");
    free(txt);
    json_decref(doc);
}

static void test_award_prints_reward_reason_campaign_and_decision(void **state)
{
    (void)state;
    json_t *doc = issue(EDX_CRED_AWARD, AWARD, 1);
    int pages;
    char *txt = render_text(doc, "award", &pages);
    assert_int_equal(pages, 1);
    assert_common(txt);
    assert_has(txt, NAME);
    assert_has(txt, "Bằng khen của Bộ trưởng Bộ Giáo dục và Đào tạo");
    assert_has(txt, "Certificate of merit");
    assert_has(txt, "Đã có thành tích xuất sắc");
    assert_has(txt, "Thủ đô"); /* the end of the wrapped reason */
    assert_has(txt, "Thi đua Dạy tốt - Học tốt");
    assert_has(txt, "Số 789/QĐ-BGDĐT ngày 01/08/2026");
    free(txt);
    json_decref(doc);
}

/* ---- text handling ----------------------------------------------------------------------------
 */

static void test_decomposed_name_prints_in_nfc(void **state)
{
    (void)state;
    /* "Nguyễn Thị Ánh Tuyết" typed with combining marks (NFD) */
    const char *nfd = "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 A\xcc\x81nh Tuye\xcc\x82\xcc\x81t";
    char rec[1024];
    snprintf(rec, sizeof rec,
             "{\"external_id\":\"HS-2\",\"full_name\":\"%s\",\"birth_date\":\"2008-05-12\","
             "\"graduation_year\":\"2026\",\"decision_number\":\"1/QĐ\","
             "\"decision_date\":\"2026-06-30\"}",
             nfd);
    json_t *doc = issue(EDX_CRED_DIPLOMA, rec, 0);
    char *txt = render_text(doc, "diploma-nfd", NULL);
    assert_has(txt, NAME);
    assert_null(strstr(txt, "\xcc\x82")); /* no combining circumflex left */
    assert_has(txt, "Chưa ký số");        /* unsigned: says so */
    assert_null(strstr(txt, "eddsa-jcs-2022"));
    free(txt);
    json_decref(doc);
}

static void test_long_name_shrinks_and_wraps_inside_the_page(void **state)
{
    (void)state;
    /* 15 × "Nguyễn Thị Ánh Tuyết " (21 characters): 314 characters */
    static const char part[] = NAME " ";
    char name[1024];
    size_t o = 0;
    for (int i = 0; i < 15; i++, o += sizeof part - 1)
        memcpy(name + o, part, sizeof part - 1);
    name[o - 1] = '\0';
    char rec[2048];
    snprintf(rec, sizeof rec,
             "{\"external_id\":\"HS-3\",\"full_name\":\"%s\",\"birth_date\":\"2008-05-12\","
             "\"graduation_year\":\"2026\",\"classification\":\"Giỏi\","
             "\"decision_number\":\"123/QĐ-SGDĐT\",\"decision_date\":\"2026-06-30\"}",
             name);
    json_t *doc = issue(EDX_CRED_DIPLOMA, rec, 1);
    int pages;
    char *txt = render_text(doc, "diploma-long-name", &pages); /* checks the frame too */
    assert_int_equal(pages, 1);
    int whole = 0; /* all of it, not cut short */
    for (const char *p = txt; (p = strstr(p, "Nguyễn")); p++)
        whole++;
    assert_int_equal(whole, 15);
    assert_has(txt, NAME);
    assert_has(txt, "123/QĐ-SGDĐT");
    free(txt);
    json_decref(doc);
}

/* A transcript with more subjects than a page holds continues on further pages. */
static void test_many_subjects_continue_on_a_second_page(void **state)
{
    (void)state;
    json_error_t je;
    json_t *rec = json_loads(TRANSCRIPT, 0, &je);
    assert_non_null(rec);
    for (int i = 1; i <= 40; i++) {
        char k[32];
        snprintf(k, sizeof k, "Chuyên đề %d", i);
        json_object_set_new(rec, k, json_string("6.75"));
    }
    char *text_rec = json_dumps(rec, 0);
    json_decref(rec);
    json_t *doc = issue(EDX_CRED_TRANSCRIPT, text_rec, 1);
    free(text_rec);
    int pages;
    char *txt = render_text(doc, "transcript-long", &pages);
    assert_true(pages >= 2 && pages <= 3);
    assert_has(txt, "(tiếp theo / continued)");
    assert_has(txt, "Chuyên đề 40");
    assert_has(txt, "Kết quả học tập");
    free(txt);
    json_decref(doc);
}

/* ---- foreign and malformed credentials
 * ----------------------------------------------------------- */

static void render_quietly(const char *json)
{
    json_error_t je;
    json_t *doc = json_loads(json, 0, &je);
    if (!doc) fail_msg("test JSON does not parse: %s: %s", je.text, json);
    edx_buf pdf = EDX_BUF_INIT;
    render_ok(doc, &pdf);
    edx_buf_free(&pdf);
    json_decref(doc);
}

static void test_foreign_and_malformed_credentials_render(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"type\":"
        "[\"VerifiableCredential\"],\"issuer\":\"did:example:1\",\"credentialSubject\":"
        "{\"id\":\"did:example:2\"}}",
        "{}",
        "{\"credentialSubject\":\"a string\"}",
        "{\"credentialSubject\":{\"identifier\":{\"identityType\":\"name\","
        "\"identityHash\":\"Lê Văn Tám\",\"hashed\":false}}}",
        "{\"credentialSubject\":{\"identifier\":\"Lê Văn Tám\"}}",
        "{\"credentialSubject\":{\"identifier\":[1,null,\"x\",{\"identityType\":7},"
        "{\"identityType\":\"name\",\"identityHash\":3}]}}",
        "{\"credentialSubject\":{\"achievement\":42}}",
        "{\"credentialSubject\":{\"achievement\":[42,\"x\",null]}}",
        "{\"type\":\"ClrCredential\",\"credentialSubject\":{\"achievement\":42,"
        "\"verifiableCredential\":\"x\"}}",
        "{\"type\":[\"ClrCredential\"],\"credentialSubject\":{\"achievement\":[{\"name\":1},"
        "{\"id\":\"a/grade-/\"},{\"id\":\"/grade-\",\"achievementType\":\"ext:Assessment\"}],"
        "\"verifiableCredential\":[1,{\"credentialSubject\":[]},{\"credentialSubject\":"
        "{\"achievement\":{\"id\":\"/grade-\"},\"result\":[{\"value\":9.5}]}}]}}",
        "{\"type\":[\"ClrCredential\"],\"credentialSubject\":{\"verifiableCredential\":"
        "[{\"credentialSubject\":{\"achievement\":{\"name\":\"Vật lí\"},\"result\":"
        "{\"value\":\"10.00\"}}}]}}",
        "{\"type\":42,\"issuer\":42,\"name\":42,\"id\":[],\"validFrom\":\"garbage\","
        "\"validUntil\":\"2026-13-45T99:99:99Z\",\"evidence\":\"x\",\"proof\":7}",
        "{\"issuer\":{\"id\":5,\"name\":[\"x\"]},\"evidence\":[1,{\"name\":5,\"description\":"
        "\"2026-01-01\",\"genre\":[3]}],\"proof\":[{\"type\":\"DataIntegrityProof\"}]}",
        "{\"credentialSubject\":[{\"achievement\":{\"achievementType\":\"Diploma\","
        "\"resultDescription\":7},\"result\":[1,{\"value\":\"A\",\"resultDescription\":9},"
        "{\"value\":\"B\",\"resultDescription\":[\"#x\"]},{\"value\":[]}]}]}",
        "{\"credentialSubject\":{\"achievement\":{\"achievementType\":\"Award\",\"tag\":"
        "[1,\"a\",{}],\"criteria\":\"x\",\"description\":{}}}}",
        "{\"credentialSubject\":{\"achievement\":{\"achievementType\":\"Certificate\","
        "\"resultDescription\":[{\"id\":\"r\",\"name\":{}}]},\"result\":{\"value\":\"1\","
        "\"resultDescription\":\"r\"}}}",
        "{\"credentialSubject\":{\"achievement\":{\"achievementType\":\"Degree\"}},"
        "\"evidence\":{\"narrative\":\"x\"}}",
        /* control characters, a right-to-left override, an empty name */
        "{\"name\":\"\\u202eGiả mạo\\n\\t\",\"credentialSubject\":{\"identifier\":"
        "[{\"identityType\":\"name\",\"identityHash\":\"   \"}],\"name\":\"\\u202eabc\"}}",
        "{\"name\":\"\",\"validFrom\":\"2026-06-30T00:00:00.123+07:00\",\"issuer\":"
        "{\"name\":\"\"}}",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        render_quietly(docs[i]);
}

/* VC 2.0 language values print, Vietnamese first; the subject's id stands in for a name. */
static void test_foreign_credential_prints_what_it_has(void **state)
{
    (void)state;
    json_error_t je;
    json_t *doc = json_loads(
        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"type\":"
        "[\"VerifiableCredential\",\"ExampleCredential\"],\"id\":\"urn:uuid:1234\","
        "\"name\":[{\"@value\":\"Example\",\"@language\":\"en\"},"
        "{\"@value\":\"Chứng nhận mẫu\",\"@language\":\"vi\"}],"
        "\"description\":{\"@value\":\"Một chứng nhận của đơn vị khác\",\"@language\":\"vi\"},"
        "\"issuer\":{\"id\":\"did:example:76e12ec712ebc6f1c221ebfeb1f\",\"name\":\"Đơn vị khác\"},"
        "\"validFrom\":\"2025-01-02T03:04:05Z\",\"credentialSubject\":{\"id\":\"did:example:2\"}}",
        0, &je);
    assert_non_null(doc);
    char *txt = render_text(doc, "foreign", NULL);
    assert_has(txt, "Chứng nhận mẫu");
    assert_null(strstr(txt, "Example\n"));
    assert_has(txt, "Một chứng nhận của đơn vị khác");
    assert_has(txt, "Đơn vị khác");
    assert_has(txt, "did:example:2");
    assert_has(txt, "did:example:76e12ec712eb…"); /* 24 characters and an ellipsis */
    assert_has(txt, "Ngày cấp / Issued: 02/01/2025");
    assert_has(txt, "Ngày 02 tháng 01 năm 2025");
    assert_has(txt, "Chưa ký số");
    free(txt);
    json_decref(doc);
}

/* Many results: the table stops at its limit and counts the rest; pages stay bounded. */
static void test_huge_result_lists_are_cut(void **state)
{
    (void)state;
    json_t *res = json_array();
    for (int i = 0; i < 5000; i++) {
        char v[16];
        snprintf(v, sizeof v, "%d.5", i % 10);
        json_array_append_new(res, json_pack("{s:s,s:s}", "value", v, "resultDescription", "#r"));
    }
    json_t *doc = json_pack("{s:s,s:{s:{s:s},s:o}}", "name", "Many", "credentialSubject",
                            "achievement", "achievementType", "Certificate", "result", res);
    int pages;
    char *txt = render_text(doc, "huge", &pages);
    assert_true(pages >= 2 && pages <= 12);
    assert_has(txt, "4800 more");
    free(txt);
    json_decref(doc);
}

/* Every member of a real diploma replaced by each other JSON kind in turn: no crash. */
static size_t walk(json_t *v, size_t target, size_t *count, json_t *replacement)
{
    size_t hits = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        void *tmp;
        json_object_foreach_safe(v, tmp, k, m)
        {
            if ((*count)++ == target) {
                json_object_set(v, k, replacement);
                hits++;
            } else {
                hits += walk(m, target, count, replacement);
            }
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            if ((*count)++ == target) {
                json_array_set(v, i, replacement);
                hits++;
            } else {
                hits += walk(json_array_get(v, i), target, count, replacement);
            }
        }
    }
    return hits;
}

static void test_every_member_of_any_kind_renders(void **state)
{
    (void)state;
    json_t *kinds[] = {json_integer(7), json_string(""), json_array(), json_object(), json_null()};
    json_t *sources[] = {issue(EDX_CRED_DIPLOMA, DIPLOMA, 1),
                         issue(EDX_CRED_TRANSCRIPT, TRANSCRIPT, 1)};
    edx_buf pdf = EDX_BUF_INIT;
    int renders = 0;
    for (size_t s = 0; s < 2; s++) {
        size_t nodes = 0;
        walk(sources[s], (size_t)-1, &nodes, NULL);
        /* the transcript's repeated embedded credentials: every third member is enough */
        for (size_t target = 0; target < nodes; target += s == 0 ? 1 : 3) {
            for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
                json_t *doc = json_deep_copy(sources[s]);
                size_t count = 0;
                assert_int_equal(walk(doc, target, &count, kinds[k]), 1);
                render_ok(doc, &pdf);
                json_decref(doc);
                renders++;
            }
        }
        json_decref(sources[s]);
    }
    printf("# %d mutated credentials rendered\n", renders);
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        json_decref(kinds[k]);
    edx_buf_free(&pdf);
}

/* ---- the API's contract ------------------------------------------------------------------------
 */

static void test_refusals_leave_the_buffer_as_it_was(void **state)
{
    (void)state;
    edx_buf pdf = EDX_BUF_INIT;
    edx_err e;
    assert_int_equal(edx_buf_puts(&pdf, "kept"), 0);
    json_t *arr = json_array();
    assert_true(edx_cred_render_pdf(arr, VERIFY_URL, &pdf, &e) < 0);
    assert_string_equal(e.code, "render_failed");
    assert_true(edx_cred_render_pdf(NULL, VERIFY_URL, &pdf, &e) < 0);
    assert_string_equal(e.code, "render_failed");
    json_decref(arr);

    /* a link longer than a QR code holds */
    char *url = malloc(4001);
    assert_non_null(url);
    memset(url, 'a', 4000);
    url[4000] = '\0';
    json_t *doc = issue(EDX_CRED_DIPLOMA, DIPLOMA, 1);
    assert_true(edx_cred_render_pdf(doc, url, &pdf, &e) < 0);
    assert_string_equal(e.code, "render_failed");
    assert_int_equal(pdf.len, 4);
    assert_string_equal(pdf.data, "kept");

    /* no link: no QR code, still a PDF, appended after what was there */
    assert_int_equal(edx_cred_render_pdf(doc, NULL, &pdf, &e), 0);
    assert_memory_equal(pdf.data, "kept%PDF-", 9);
    free(url);
    json_decref(doc);
    edx_buf_free(&pdf);
}

static void test_same_credential_gives_the_same_bytes(void **state)
{
    (void)state;
    json_t *doc = issue(EDX_CRED_SKILLS, SKILLS, 1);
    edx_buf a = EDX_BUF_INIT, b = EDX_BUF_INIT;
    render_ok(doc, &a);
    render_ok(doc, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    edx_buf_free(&a);
    edx_buf_free(&b);
    json_decref(doc);
}

static void *render_thread(void *arg)
{
    const json_t *doc = arg;
    edx_buf pdf = EDX_BUF_INIT;
    edx_err e;
    intptr_t bad = 0;
    for (int i = 0; i < 5; i++) {
        edx_buf_reset(&pdf);
        if (edx_cred_render_pdf(doc, VERIFY_URL, &pdf, &e) != 0 || pdf.len < 4000) bad++;
    }
    edx_buf_free(&pdf);
    return (void *)bad;
}

static void test_threads_render_at_once(void **state)
{
    (void)state;
    json_t *doc = issue(EDX_CRED_TRANSCRIPT, TRANSCRIPT, 1);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, render_thread, doc), 0);
    for (int i = 0; i < 4; i++) {
        void *bad;
        assert_int_equal(pthread_join(t[i], &bad), 0);
        assert_null(bad);
    }
    json_decref(doc);
}

static void test_render_speed_of_200_diplomas(void **state)
{
    (void)state;
    json_t *doc = issue(EDX_CRED_DIPLOMA, DIPLOMA, 1);
    edx_buf pdf = EDX_BUF_INIT;
    render_ok(doc, &pdf); /* fonts loaded before timing */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t bytes = 0;
    for (int i = 0; i < 200; i++) {
        render_ok(doc, &pdf);
        bytes += pdf.len;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("# 200 diplomas rendered in %.0f ms (%.2f ms per PDF, %zu bytes each)\n", ms, ms / 200,
           bytes / 200);
    edx_buf_free(&pdf);
    json_decref(doc);
}

static int setup(void **state)
{
    (void)state;
    uint8_t seed[EDX_ED25519_SEED];
    for (size_t i = 0; i < sizeof seed; i++)
        seed[i] = (uint8_t)(i * 7 + 3);
    if (edx_di_signer_init(&signer, seed, NULL, NOW) != 0) return -1;
    edx_wipe(seed, sizeof seed);
    edx_did_key(signer.pk, did);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    edx_di_signer_free(&signer);
    return 0;
}

int main(void)
{
    if (edx_crypto_init() != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diploma_prints_name_title_classification_and_decision),
        cmocka_unit_test(test_degree_prints_field_level_and_mode),
        cmocka_unit_test(test_transcript_lists_subjects_with_decimal_commas),
        cmocka_unit_test(test_skills_lists_domains_and_levels),
        cmocka_unit_test(test_award_prints_reward_reason_campaign_and_decision),
        cmocka_unit_test(test_decomposed_name_prints_in_nfc),
        cmocka_unit_test(test_long_name_shrinks_and_wraps_inside_the_page),
        cmocka_unit_test(test_many_subjects_continue_on_a_second_page),
        cmocka_unit_test(test_foreign_credential_prints_what_it_has),
        cmocka_unit_test(test_foreign_and_malformed_credentials_render),
        cmocka_unit_test(test_huge_result_lists_are_cut),
        cmocka_unit_test(test_every_member_of_any_kind_renders),
        cmocka_unit_test(test_refusals_leave_the_buffer_as_it_was),
        cmocka_unit_test(test_same_credential_gives_the_same_bytes),
        cmocka_unit_test(test_threads_render_at_once),
        cmocka_unit_test(test_render_speed_of_200_diplomas),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
