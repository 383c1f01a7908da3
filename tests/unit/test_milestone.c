/*
 * Unit tests of src/reports/svg.c: the review's charts are inert, well-formed SVG whatever
 * the labels hold (markup, quotes, control characters), every mark carries a <title>, and
 * the value axis ends on a round number above the data.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "reports/milestone_int.h"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

/* A bars chart of two categories and two series. */
static void bars_of(ms_chart *c, const char **cat, double *v0, double *v1)
{
    memset(c, 0, sizeof *c);
    c->kind = MS_CHART_BARS;
    c->title = "Mức đạt <chỉ tiêu> & \"targets\"";
    c->y_label = "%";
    c->percent = 1;
    c->ncat = 2;
    c->nseries = 2;
    c->cat = cat;
    c->series[0] = "Trung bình / Mean";
    c->series[1] = "Đạt / Met";
    c->v[0] = v0;
    c->v[1] = v1;
    c->max = 1;
    c->bar_col = SIZE_MAX;
}

static void test_svg_escapes_markup_quotes_and_control_characters(void **state)
{
    (void)state;
    const char *cat[] = {"<script>alert('x')</script>", "Hà Nội\x01\x1f"};
    double v0[] = {0.5, NAN}, v1[] = {1.25, 0};
    ms_chart c;
    edx_buf b = EDX_BUF_INIT;
    bars_of(&c, cat, v0, v1);
    assert_int_equal(ms_chart_svg(&c, &b), 0);
    assert_null(strstr(b.data, "<script"));
    assert_non_null(strstr(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert_non_null(strstr(b.data, "Mức đạt &lt;chỉ tiêu&gt; &amp; &quot;targets&quot;"));
    assert_null(strchr(b.data, '\x01'));
    assert_null(strchr(b.data, '\x1f'));
    assert_non_null(strstr(b.data, "Hà Nội"));
    edx_buf_free(&b);
}

static void test_svg_is_standalone_with_a_title_on_the_chart_and_every_bar(void **state)
{
    (void)state;
    const char *cat[] = {"BD-NLS", "HS-TT"};
    double v0[] = {0.5, 0.75}, v1[] = {1, 0.25};
    ms_chart c;
    edx_buf b = EDX_BUF_INIT;
    bars_of(&c, cat, v0, v1);
    assert_int_equal(ms_chart_svg(&c, &b), 0);
    static const char head[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"";
    assert_true(strncmp(b.data, head, sizeof head - 1) == 0);
    assert_non_null(strstr(b.data, "role=\"img\" aria-labelledby=\"chart-title\""));
    /* One title for the chart, one per bar: 1 + 2 categories x 2 series. */
    assert_int_equal(count(b.data, "<title"), 5);
    assert_int_equal(count(b.data, "<title"), count(b.data, "</title>"));
    assert_non_null(strstr(b.data, "BD-NLS — Trung bình / Mean: 50.0%"));
    assert_null(strstr(b.data, "href"));
    assert_true(strcmp(b.data + b.len - 7, "</svg>\n") == 0);
    edx_buf_free(&b);
}

static void test_svg_lines_skip_missing_values_and_say_when_there_is_no_data(void **state)
{
    (void)state;
    const char *cat[] = {"2025", "2026-S1", "2026-S2"};
    double v0[] = {3, NAN, 5};
    ms_chart c;
    edx_buf b = EDX_BUF_INIT;
    memset(&c, 0, sizeof c);
    c.kind = MS_CHART_LINES;
    c.title = "Báo cáo theo kỳ / Reports by period";
    c.ncat = 3;
    c.nseries = 1;
    c.cat = cat;
    c.series[0] = "Đã nộp / Submitted";
    c.v[0] = v0;
    c.max = 5;
    assert_int_equal(ms_chart_svg(&c, &b), 0);
    assert_int_equal(count(b.data, "<circle"), 2);
    assert_null(strstr(b.data, "nan"));
    edx_buf_reset(&b);
    c.ncat = 0;
    assert_int_equal(ms_chart_svg(&c, &b), 0);
    assert_non_null(strstr(b.data, "No data yet"));
    edx_buf_free(&b);
}

static void test_axis_top_is_a_round_number_at_or_above_the_maximum(void **state)
{
    (void)state;
    int steps = 0;
    assert_true(fabs(ms_axis_top(37, &steps) - 40) < 1e-9);
    assert_int_equal(steps, 4);
    assert_true(fabs(ms_axis_top(1234, &steps) - 1500) < 1e-9);
    assert_int_equal(steps, 3);
    assert_true(fabs(ms_axis_top(50000, &steps) - 50000) < 1e-9);
    assert_int_equal(steps, 5);
    assert_true(fabs(ms_axis_top(1, &steps) - 1) < 1e-9);
    assert_true(fabs(ms_axis_top(0, &steps) - 1) < 1e-9);
    assert_true(fabs(ms_axis_top(NAN, &steps) - 1) < 1e-9);
}

static void test_percentages_and_numbers_for_tables(void **state)
{
    (void)state;
    char p[16], n[32];
    ms_pct(1.1, p);
    assert_string_equal(p, "110.0%");
    ms_pct(NAN, p);
    assert_string_equal(p, "");
    ms_num(0.938, n);
    assert_string_equal(n, "0.938");
    ms_num(60, n);
    assert_string_equal(n, "60");
    ms_num(NAN, n);
    assert_string_equal(n, "");
    assert_string_equal(ms_type_label("doet", 1), "Sở Giáo dục và Đào tạo");
    assert_string_equal(ms_type_label("doet", 0), "Department of Education and Training");
    assert_string_equal(ms_type_label("castle", 1), "castle");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svg_escapes_markup_quotes_and_control_characters),
        cmocka_unit_test(test_svg_is_standalone_with_a_title_on_the_chart_and_every_bar),
        cmocka_unit_test(test_svg_lines_skip_missing_values_and_say_when_there_is_no_data),
        cmocka_unit_test(test_axis_top_is_a_round_number_at_or_above_the_maximum),
        cmocka_unit_test(test_percentages_and_numbers_for_tables),
    };
    return cmocka_run_group_tests_name("milestone", tests, NULL, NULL);
}
