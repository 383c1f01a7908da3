/* Unit tests of src/base: arena, buffers, UTF-8/NFC, CSV, maps, time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/map.h"
#include "base/timeutil.h"
#include "base/utf8.h"

static void test_arena_allocations_are_aligned_and_freed_together(void **state)
{
    (void)state;
    edx_arena a;
    edx_arena_init(&a, 256);
    for (int i = 1; i < 200; i++) {
        void *p = edx_arena_alloc(&a, (size_t)i);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        memset(p, 0xAB, (size_t)i);
    }
    char *big = edx_arena_alloc(&a, 100000); /* larger than a chunk: its own block */
    assert_non_null(big);
    memset(big, 1, 100000);
    char *s = edx_arena_printf(&a, "%s-%d", "unit", 42);
    assert_string_equal(s, "unit-42");
    assert_string_equal(edx_arena_strndup(&a, "abcdef", 3), "abc");
    assert_null(edx_arena_calloc(&a, SIZE_MAX / 2, 4)); /* overflow is an error, not a crash */
    edx_arena_free(&a);
    assert_null(a.head);
    assert_non_null(edx_arena_alloc(&a, 8)); /* usable again */
    edx_arena_free(&a);
}

static void test_buf_appends_and_escapes_json(void **state)
{
    (void)state;
    edx_buf b = EDX_BUF_INIT;
    edx_buf_puts(&b, "x");
    edx_buf_printf(&b, "%d", 7);
    edx_buf_json_escape(&b, "a\"b\\c\n\x01é");
    assert_string_equal(b.data, "x7a\\\"b\\\\c\\n\\u0001é");
    size_t n;
    char *p = edx_buf_steal(&b, &n);
    assert_int_equal(n, strlen(p));
    free(p);
    assert_null(b.data);
}

static void test_utf8_validation_rejects_overlongs_surrogates_and_truncation(void **state)
{
    (void)state;
    const char *good[] = {"", "abc", "Hà Nội", "\xF0\x9F\x98\x80", "\xEF\xBF\xBF"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(edx_utf8_valid(good[i], strlen(good[i])));
    const char *bad[] = {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC3",
                         "\xE1\xBB", "\x80", "\xFF", "a\xC3(b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(edx_utf8_valid(bad[i], strlen(bad[i])));
}

static void test_nfc_makes_nfd_vietnamese_equal_to_nfc(void **state)
{
    (void)state;
    edx_arena a;
    edx_arena_init(&a, 0);
    const char *nfd = "Nguye\xCC\x82\xCC\x83n"; /* e + circumflex + tilde */
    const char *nfc = "Nguy\xE1\xBB\x85n";        /* ễ */
    assert_string_equal(edx_utf8_nfc(&a, nfd), nfc);
    assert_string_equal(edx_utf8_nfc(&a, nfc), nfc);
    assert_int_equal(edx_utf8_len(nfc), 6);
    edx_arena_free(&a);
}

static void test_search_key_folds_case_accents_and_d_with_stroke(void **state)
{
    (void)state;
    edx_arena a;
    edx_arena_init(&a, 0);
    assert_string_equal(edx_utf8_search_key(&a, "Đắk Lắk"), "dak lak");
    assert_string_equal(edx_utf8_search_key(&a, "  Sở   GIÁO DỤC  "), "so giao duc");
    assert_string_equal(edx_utf8_search_key(&a, "Trường THPT Chu Văn An"), "truong thpt chu van an");
    edx_arena_free(&a);
}

static void test_text_clean_trims_normalises_and_refuses_controls(void **state)
{
    (void)state;
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_err e;
    char *out;
    assert_int_equal(edx_text_clean(&a, "  Hà Nội ", 1, 10, "name", &out, &e), 0);
    assert_string_equal(out, "Hà Nội");
    assert_int_equal(edx_text_clean(&a, "a\tb", 1, 10, "name", &out, &e), EDX_EINVAL);
    assert_string_equal(e.field, "name");
    assert_int_equal(edx_text_clean(&a, "a\xC2\x85", 1, 10, "name", &out, &e), EDX_EINVAL);
    assert_int_equal(edx_text_clean(&a, "   ", 1, 10, "name", &out, &e), EDX_EINVAL);
    assert_int_equal(edx_text_clean(&a, "ééééééééééé", 1, 10, "name", &out, &e), EDX_EINVAL);
    assert_int_equal(edx_text_clean(&a, "\xFF", 1, 10, "name", &out, &e), EDX_EINVAL);
    edx_arena_free(&a);
}

static void test_trim_partial_cuts_only_incomplete_sequences(void **state)
{
    (void)state;
    char s1[] = "ab\xE1\xBB";
    edx_utf8_trim_partial(s1);
    assert_string_equal(s1, "ab");
    char s2[] = "ab\xE1\xBB\x85";
    edx_utf8_trim_partial(s2);
    assert_string_equal(s2, "ab\xE1\xBB\x85");
}

/* Read all records of `text` into a string "a|b;c|d;" for easy comparison. Row reports in
 * *e live in `a`, like every edx_err row list lives in the caller's arena. */
static int csv_all(edx_arena *ap, const char *text, size_t len, char *out, size_t cap, edx_err *e)
{
    edx_arena *a = ap;
    edx_csv c;
    edx_csv_init(&c, text, len);
    char **f;
    size_t n;
    int rc;
    out[0] = '\0';
    while ((rc = edx_csv_next(&c, a, &f, &n, e)) == 1) {
        for (size_t i = 0; i < n; i++) {
            strncat(out, f[i], cap - strlen(out) - 1);
            strncat(out, i + 1 < n ? "|" : ";", cap - strlen(out) - 1);
        }
    }
    return rc;
}

static void test_csv_reads_rfc4180_quoting_crlf_and_bom(void **state)
{
    (void)state;
    char out[256];
    edx_err e;
    edx_arena a;
    edx_arena_init(&a, 0);
    const char *t = "\xEF\xBB\xBF"
                    "a,b\r\n\"x,1\",\"he said \"\"hi\"\"\"\r\n\"multi\nline\",\r\nlast,row";
    assert_int_equal(csv_all(&a, t, strlen(t), out, sizeof out, &e), 0);
    assert_string_equal(out, "a|b;x,1|he said \"hi\";multi\nline|;last|row;");
    edx_arena_free(&a);
}

static void test_csv_refuses_nul_bare_quotes_and_open_quotes(void **state)
{
    (void)state;
    char out[256];
    edx_err e;
    edx_arena a;
    edx_arena_init(&a, 0);
    const char nul[] = "a,b\nc,d\0e\n";
    assert_int_equal(csv_all(&a, nul, sizeof nul - 1, out, sizeof out, &e), EDX_EINVAL);
    assert_int_equal(e.nrows, 1);
    assert_int_equal(e.rows[0].row, 2);
    assert_int_equal(csv_all(&a, "a,b\nc,d\"e\n", 10, out, sizeof out, &e), EDX_EINVAL);
    assert_non_null(strstr(e.message, "quote"));
    assert_int_equal(csv_all(&a, "a\n\"open", 7, out, sizeof out, &e), EDX_EINVAL);
    assert_non_null(strstr(e.message, "not closed"));
    assert_int_equal(csv_all(&a, "a\n\"x\"y\n", 7, out, sizeof out, &e), EDX_EINVAL);
    assert_int_equal(csv_all(&a, "a\n\xC3\x28\n", 5, out, sizeof out, &e), EDX_EINVAL);
    edx_arena_free(&a);
}

static void test_csv_field_writer_quotes_when_needed(void **state)
{
    (void)state;
    edx_buf b = EDX_BUF_INIT;
    edx_csv_put_field(&b, "plain");
    edx_buf_putc(&b, ',');
    edx_csv_put_field(&b, "a,\"b\"");
    edx_buf_putc(&b, ',');
    edx_csv_put_field(&b, NULL);
    assert_string_equal(b.data, "plain,\"a,\"\"b\"\"\",");
    edx_buf_free(&b);
}

static void test_map_grows_and_replaces(void **state)
{
    (void)state;
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_map m;
    edx_map_init(&m, &a);
    static int vals[5000];
    char *keys[5000];
    for (int i = 0; i < 5000; i++) {
        keys[i] = edx_arena_printf(&a, "K%d", i);
        assert_int_equal(edx_map_put(&m, keys[i], &vals[i]), 0);
    }
    for (int i = 0; i < 5000; i++) assert_ptr_equal(edx_map_get(&m, keys[i]), &vals[i]);
    assert_null(edx_map_get(&m, "nope"));
    edx_map_put(&m, "K7", &vals[0]);
    assert_ptr_equal(edx_map_get(&m, "K7"), &vals[0]);
    assert_int_equal(m.count, 5000);
    edx_arena_free(&a);
}

static void test_time_formats_and_parses_rfc3339(void **state)
{
    (void)state;
    char buf[32];
    edx_time_iso(1754524800, buf);
    assert_string_equal(buf, "2025-08-07T00:00:00Z");
    int64_t t;
    assert_int_equal(edx_time_parse("2025-08-07T00:00:00Z", &t), 0);
    assert_int_equal(t, 1754524800);
    assert_int_equal(edx_time_parse("2024-02-29", &t), 0);
    assert_int_equal(edx_time_parse("2025-02-29", &t), -1);
    assert_int_equal(edx_time_parse("2025-13-01", &t), -1);
    assert_int_equal(edx_time_parse("2025-08-07T24:00:00Z", &t), -1);
    assert_int_equal(edx_time_parse("2025-8-7", &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_allocations_are_aligned_and_freed_together),
        cmocka_unit_test(test_buf_appends_and_escapes_json),
        cmocka_unit_test(test_utf8_validation_rejects_overlongs_surrogates_and_truncation),
        cmocka_unit_test(test_nfc_makes_nfd_vietnamese_equal_to_nfc),
        cmocka_unit_test(test_search_key_folds_case_accents_and_d_with_stroke),
        cmocka_unit_test(test_text_clean_trims_normalises_and_refuses_controls),
        cmocka_unit_test(test_trim_partial_cuts_only_incomplete_sequences),
        cmocka_unit_test(test_csv_reads_rfc4180_quoting_crlf_and_bom),
        cmocka_unit_test(test_csv_refuses_nul_bare_quotes_and_open_quotes),
        cmocka_unit_test(test_csv_field_writer_quotes_when_needed),
        cmocka_unit_test(test_map_grows_and_replaces),
        cmocka_unit_test(test_time_formats_and_parses_rfc3339),
    };
    return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
