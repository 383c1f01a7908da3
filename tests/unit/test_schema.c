/* Unit tests of src/schema: compiling JSON Schemas, validating records, issue paths and text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>
#include <time.h>

#include "schema/schema.h"

/* A compiled schema with the JSON it borrows. */
typedef struct sch {
    json_t *js;
    edx_schema *s;
} sch;

static sch compile_ok(const char *text)
{
    sch x = {NULL, NULL};
    json_error_t je;
    x.js = json_loads(text, JSON_DECODE_ANY, &je);
    if (!x.js) fail_msg("schema JSON: %s (%s)", je.text, text);
    edx_err err;
    edx_err_clear(&err);
    int rc = edx_schema_compile(x.js, &x.s, &err);
    if (rc != 0) fail_msg("compile failed: %s", err.message);
    return x;
}

static void release(sch *x)
{
    edx_schema_free(x->s);
    json_decref(x->js);
}

/* Compilation fails with EDX_EINVAL and a message containing `needle`. */
static void compile_fails(const char *text, const char *needle)
{
    json_error_t je;
    json_t *js = json_loads(text, JSON_DECODE_ANY, &je);
    if (!js) fail_msg("schema JSON: %s (%s)", je.text, text);
    edx_err err;
    edx_err_clear(&err);
    edx_schema *s = (edx_schema *)1;
    int rc = edx_schema_compile(js, &s, &err);
    json_decref(js);
    if (rc != EDX_EINVAL) fail_msg("expected a compile error for %s, got %d", text, rc);
    assert_null(s);
    assert_string_equal(err.code, "invalid_schema");
    if (!strstr(err.message, needle))
        fail_msg("message \"%s\" lacks \"%s\" (schema %s)", err.message, needle, text);
}

/* Validate the JSON text `inst`; issues land in `a`. */
static int check(const sch *x, const char *inst, edx_arena *a, edx_schema_issue *is, size_t max)
{
    json_error_t je;
    json_t *v = json_loads(inst, JSON_DECODE_ANY, &je);
    if (!v) fail_msg("instance JSON: %s (%s)", je.text, inst);
    int n = edx_schema_validate(x->s, v, a, is, max);
    json_decref(v);
    return n;
}

/* Exactly one issue, with this code, path and message. */
static void one_issue(const sch *x, const char *inst, const char *code, const char *path,
                      const char *message)
{
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_schema_issue is[8];
    int n = check(x, inst, &a, is, 8);
    if (n != 1) {
        for (int i = 0; i < n; i++)
            print_message("# issue %s %s\n", is[i].path, is[i].message);
        fail_msg("%s: expected 1 issue, got %d", inst, n);
    }
    assert_string_equal(is[0].code, code);
    assert_string_equal(is[0].path, path);
    if (message) assert_string_equal(is[0].message, message);
    edx_arena_free(&a);
}

static void valid(const sch *x, const char *inst)
{
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_schema_issue is[4];
    int n = check(x, inst, &a, is, 4);
    if (n != 0) fail_msg("%s: expected valid, got \"%s\"", inst, is[0].message);
    assert_null(a.head); /* a valid instance allocates nothing */
    edx_arena_free(&a);
}

static const char *const record_schema =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"Diploma row\","
    "\"type\":\"object\",\"additionalProperties\":false,"
    "\"required\":[\"full_name\",\"birth_date\",\"classification\"],"
    "\"properties\":{"
    "\"full_name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":6},"
    "\"birth_date\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"classification\":{\"enum\":[\"Xuất sắc\",\"Giỏi\",\"Khá\",\"Trung bình\"]},"
    "\"score\":{\"type\":[\"number\",\"null\"],\"minimum\":0,\"maximum\":10}}}";

static void test_valid_record_has_no_issues_and_allocates_nothing(void **state)
{
    (void)state;
    sch x = compile_ok(record_schema);
    valid(&x, "{\"full_name\":\"Nguyễn\",\"birth_date\":\"2007-02-28\","
              "\"classification\":\"Giỏi\",\"score\":8.5}");
    valid(&x, "{\"full_name\":\"An\",\"birth_date\":\"2008-02-29\",\"classification\":\"Khá\","
              "\"score\":null}");
    release(&x);
}

static void test_required_member_missing_names_the_column(void **state)
{
    (void)state;
    sch x = compile_ok(record_schema);
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_schema_issue is[8];
    int n = check(&x, "{\"birth_date\":\"2007-01-01\"}", &a, is, 8);
    assert_int_equal(n, 2);
    assert_string_equal(is[0].code, "required");
    assert_string_equal(is[0].path, "/full_name");
    assert_string_equal(is[0].field, "full_name");
    assert_string_equal(is[0].message, "full_name is required");
    assert_string_equal(is[1].message, "classification is required");
    edx_arena_free(&a);
    release(&x);
}

static void test_type_mismatch_says_what_is_expected(void **state)
{
    (void)state;
    sch x = compile_ok("{\"properties\":{\"name\":{\"type\":\"string\"},"
                       "\"year\":{\"type\":\"integer\"},"
                       "\"note\":{\"type\":[\"string\",\"null\"]},"
                       "\"ok\":{\"type\":\"boolean\"},\"tags\":{\"type\":\"array\"},"
                       "\"any\":{\"type\":[\"integer\",\"number\",\"string\"]}}}");
    one_issue(&x, "{\"name\":5}", "type", "/name", "name must be text");
    one_issue(&x, "{\"year\":\"2025\"}", "type", "/year", "year must be a whole number");
    one_issue(&x, "{\"year\":2025.5}", "type", "/year", NULL);
    valid(&x, "{\"year\":2025.0}"); /* integer means a whole value, whatever the spelling */
    one_issue(&x, "{\"note\":1}", "type", "/note", "note must be text or empty (null)");
    one_issue(&x, "{\"ok\":\"yes\"}", "type", "/ok", "ok must be true or false");
    one_issue(&x, "{\"tags\":{}}", "type", "/tags", "tags must be a list");
    one_issue(&x, "{\"any\":[]}", "type", "/any", "any must be text or a number");
    valid(&x, "[]"); /* no type at the root: anything goes */
    valid(&x, "{\"name\":\"a\",\"year\":1,\"note\":null,\"ok\":false,\"tags\":[],\"any\":1.5}");
    release(&x);

    sch root = compile_ok("{\"type\":\"object\"}");
    one_issue(&root, "\"text\"", "type", "", "the record must be an object");
    release(&root);
}

static void test_enum_lists_the_choices(void **state)
{
    (void)state;
    sch x = compile_ok(record_schema);
    one_issue(&x, "{\"full_name\":\"An\",\"birth_date\":\"2007-01-01\",\"classification\":\"Tốt\"}",
              "enum", "/classification",
              "classification must be one of: Xuất sắc, Giỏi, Khá, Trung bình");
    release(&x);

    sch mixed = compile_ok("{\"enum\":[1,\"a\",null,{\"k\":[1,2]}]}");
    valid(&mixed, "1.0");
    valid(&mixed, "{\"k\":[1,2.0]}");
    one_issue(&mixed, "2", "enum", "", "the record must be one of: 1, a, null, {\"k\":[1,2]}");
    release(&mixed);
}

static void test_const_requires_the_exact_value(void **state)
{
    (void)state;
    sch x = compile_ok("{\"properties\":{\"type\":{\"const\":\"VerifiableCredential\"},"
                       "\"v\":{\"const\":{\"a\":1,\"b\":[true]}}}}");
    valid(&x, "{\"type\":\"VerifiableCredential\",\"v\":{\"b\":[true],\"a\":1}}");
    one_issue(&x, "{\"type\":\"Credential\"}", "const", "/type",
              "type must be \"VerifiableCredential\"");
    one_issue(&x, "{\"v\":{\"a\":1}}", "const", "/v", NULL);
    release(&x);
}

static void test_pattern_searches_unanchored_and_shows_an_example(void **state)
{
    (void)state;
    sch x = compile_ok("{\"properties\":{"
                       "\"id\":{\"type\":\"string\",\"pattern\":\"^[0-9]{12}$\","
                       "\"examples\":[\"001204012345\"]},"
                       "\"code\":{\"type\":\"string\",\"pattern\":\"[A-Z]{2}\"},"
                       "\"rank\":{\"type\":\"string\",\"pattern\":\"^(Giỏi|Khá)$\"}}}");
    valid(&x, "{\"id\":\"001204012345\",\"code\":\"xxAByy\",\"rank\":\"Khá\"}");
    one_issue(&x, "{\"id\":\"00120401234\"}", "pattern", "/id",
              "id is not in the expected form (for example: 001204012345)");
    one_issue(&x, "{\"code\":\"ab\"}", "pattern", "/code",
              "code is not in the expected form (pattern [A-Z]{2})");
    one_issue(&x, "{\"rank\":\"Kha\"}", "pattern", "/rank", NULL);
    release(&x);
}

static void test_max_length_counts_code_points_of_vietnamese_text(void **state)
{
    (void)state;
    sch x = compile_ok(record_schema); /* full_name: 1 to 6 characters */
    /* "Nguyễn" is 6 code points in 8 bytes (ễ takes 3). */
    valid(&x,
          "{\"full_name\":\"Nguyễn\",\"birth_date\":\"2007-01-01\",\"classification\":\"Khá\"}");
    one_issue(
        &x, "{\"full_name\":\"Nguyễnn\",\"birth_date\":\"2007-01-01\",\"classification\":\"Khá\"}",
        "too_long", "/full_name", "full_name must be at most 6 characters");
    one_issue(&x, "{\"full_name\":\"\",\"birth_date\":\"2007-01-01\",\"classification\":\"Khá\"}",
              "too_short", "/full_name", "full_name must not be empty");
    release(&x);

    sch min = compile_ok("{\"minLength\":3}");
    valid(&min, "\"Hà Nội\"");
    valid(&min, "\"ễễễ\""); /* 9 bytes, 3 code points */
    one_issue(&min, "\"ễễ\"", "too_short", "", "the record must be at least 3 characters");
    valid(&min, "12"); /* string keywords ignore other types */
    release(&min);
}

static void test_number_bounds_include_and_exclude_limits(void **state)
{
    (void)state;
    sch x = compile_ok("{\"properties\":{\"score\":{\"minimum\":0,\"maximum\":10},"
                       "\"gpa\":{\"exclusiveMinimum\":0,\"exclusiveMaximum\":4.5},"
                       "\"big\":{\"maximum\":9007199254740993}}}");
    valid(&x, "{\"score\":0,\"gpa\":4.49}");
    valid(&x, "{\"score\":10.0}");
    one_issue(&x, "{\"score\":-0.5}", "minimum", "/score", "score must be at least 0");
    one_issue(&x, "{\"score\":11}", "maximum", "/score", "score must be at most 10");
    one_issue(&x, "{\"gpa\":0}", "minimum", "/gpa", "gpa must be greater than 0");
    one_issue(&x, "{\"gpa\":4.5}", "maximum", "/gpa", "gpa must be less than 4.5");
    valid(&x, "{\"score\":\"11\"}"); /* CSV text is not a number: type decides that */
    /* Integers compare exactly beyond 2^53. */
    valid(&x, "{\"big\":9007199254740993}");
    one_issue(&x, "{\"big\":9007199254740994}", "maximum", "/big", NULL);
    release(&x);
}

static void test_multiple_of_handles_integers_and_decimal_steps(void **state)
{
    (void)state;
    sch x = compile_ok("{\"properties\":{\"n\":{\"multipleOf\":5},\"s\":{\"multipleOf\":0.1}}}");
    valid(&x, "{\"n\":15,\"s\":0.3}");
    valid(&x, "{\"s\":7.7}");
    one_issue(&x, "{\"n\":12}", "multiple_of", "/n", "n must be a multiple of 5");
    one_issue(&x, "{\"s\":0.35}", "multiple_of", "/s", "s must be a multiple of 0.1");
    release(&x);
}

static void test_unknown_column_is_reported_with_its_path(void **state)
{
    (void)state;
    sch x = compile_ok(record_schema);
    one_issue(&x,
              "{\"full_name\":\"An\",\"fullname\":\"An\",\"birth_date\":\"2007-01-01\","
              "\"classification\":\"Khá\"}",
              "unknown_field", "/fullname", "unknown column \"fullname\"");
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_schema_issue is[4];
    assert_int_equal(check(&x,
                           "{\"x\":1,\"full_name\":\"An\",\"birth_date\":\"2007-01-01\","
                           "\"classification\":\"Khá\"}",
                           &a, is, 4),
                     1);
    assert_string_equal(is[0].field, "x");
    edx_arena_free(&a);
    release(&x);
}

static void test_additional_properties_schema_checks_extra_members(void **state)
{
    (void)state;
    sch x =
        compile_ok("{\"properties\":{\"a\":{}},\"additionalProperties\":{\"type\":\"string\"}}");
    valid(&x, "{\"a\":1,\"b\":\"x\"}");
    one_issue(&x, "{\"a\":1,\"b\":2}", "type", "/b", "b must be text");
    release(&x);
    /* Being required does not declare a member: additionalProperties still applies. */
    sch r = compile_ok("{\"required\":[\"x\"],\"additionalProperties\":{\"type\":\"string\"}}");
    valid(&r, "{\"x\":\"1\"}");
    one_issue(&r, "{\"x\":1}", "type", "/x", "x must be text");
    one_issue(&r, "{}", "required", "/x", "x is required");
    release(&r);
}

static void test_pattern_properties_check_matching_members(void **state)
{
    (void)state;
    sch x = compile_ok("{\"patternProperties\":{\"^grade_\":{\"enum\":[\"A\",\"B\"]}},"
                       "\"properties\":{\"name\":{\"type\":\"string\"}},"
                       "\"additionalProperties\":false}");
    valid(&x, "{\"name\":\"An\",\"grade_math\":\"A\",\"grade_art\":\"B\"}");
    one_issue(&x, "{\"grade_math\":\"C\"}", "enum", "/grade_math",
              "grade_math must be one of: A, B");
    one_issue(&x, "{\"math\":\"A\"}", "unknown_field", "/math", "unknown column \"math\"");
    release(&x);
}

static void test_property_names_restrict_member_names(void **state)
{
    (void)state;
    sch x = compile_ok("{\"propertyNames\":{\"pattern\":\"^[a-z_]+$\",\"maxLength\":10}}");
    valid(&x, "{\"full_name\":1}");
    one_issue(&x, "{\"Full Name\":1}", "unknown_field", "/Full Name",
              "unexpected column \"Full Name\"");
    one_issue(&x, "{\"much_too_long\":1}", "unknown_field", "/much_too_long", NULL);
    release(&x);
}

static const char *const credential_schema =
    "{\"type\":\"object\",\"required\":[\"credentialSubject\"],\"properties\":{"
    "\"credentialSubject\":{\"type\":\"object\",\"required\":[\"achievement\"],\"properties\":{"
    "\"achievement\":{\"type\":\"object\",\"required\":[\"name\"],"
    "\"additionalProperties\":false,\"properties\":{\"name\":{\"type\":\"string\"},"
    "\"criteria\":{}}}}},"
    "\"evidence\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"name\"],"
    "\"properties\":{\"name\":{\"type\":\"string\"}}}}}}";

static void test_nested_objects_give_full_paths_and_dotted_names(void **state)
{
    (void)state;
    sch x = compile_ok(credential_schema);
    valid(&x, "{\"credentialSubject\":{\"achievement\":{\"name\":\"Bằng tốt nghiệp\"}}}");
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_schema_issue is[4];
    assert_int_equal(check(&x, "{\"credentialSubject\":{\"achievement\":{}}}", &a, is, 4), 1);
    assert_string_equal(is[0].path, "/credentialSubject/achievement/name");
    assert_string_equal(is[0].field, "credentialSubject");
    assert_string_equal(is[0].code, "required");
    assert_string_equal(is[0].message, "credentialSubject.achievement.name is required");
    edx_arena_free(&a);
    one_issue(&x, "{\"credentialSubject\":{\"achievement\":{\"name\":\"x\",\"nmae\":1}}}",
              "unknown_field", "/credentialSubject/achievement/nmae",
              "unknown field \"nmae\" in credentialSubject.achievement");
    one_issue(&x, "{\"credentialSubject\":{\"achievement\":{\"name\":7}}}", "type",
              "/credentialSubject/achievement/name",
              "credentialSubject.achievement.name must be text");
    release(&x);
}

static void test_array_items_paths_carry_indices(void **state)
{
    (void)state;
    sch x = compile_ok(credential_schema);
    one_issue(&x,
              "{\"credentialSubject\":{\"achievement\":{\"name\":\"x\"}},"
              "\"evidence\":[{\"name\":\"a\"},{\"name\":false}]}",
              "type", "/evidence/1/name", "evidence[1].name must be text");
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_schema_issue is[4];
    assert_int_equal(check(&x,
                           "{\"credentialSubject\":{\"achievement\":{\"name\":\"x\"}},"
                           "\"evidence\":[{}]}",
                           &a, is, 4),
                     1);
    assert_string_equal(is[0].path, "/evidence/0/name");
    assert_string_equal(is[0].field, "evidence");
    assert_string_equal(is[0].message, "evidence[0].name is required");
    edx_arena_free(&a);
    release(&x);

    sch root = compile_ok("{\"items\":{\"type\":\"integer\"}}");
    one_issue(&root, "[1,2,\"3\"]", "type", "/2", "[2] must be a whole number");
    release(&root);
}

static void test_prefix_items_and_false_items_make_a_tuple(void **state)
{
    (void)state;
    sch x = compile_ok("{\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"}],"
                       "\"items\":false}");
    valid(&x, "[\"a\",1]");
    valid(&x, "[\"a\"]");
    one_issue(&x, "[\"a\",\"b\"]", "type", "/1", NULL);
    one_issue(&x, "[\"a\",1,2]", "max_items", "", "the record must have at most 2 items");
    release(&x);
}

static void test_min_and_max_items_count_elements(void **state)
{
    (void)state;
    sch x = compile_ok("{\"properties\":{\"t\":{\"minItems\":1,\"maxItems\":2}}}");
    valid(&x, "{\"t\":[1,2]}");
    one_issue(&x, "{\"t\":[]}", "min_items", "/t", "t must have at least 1 item");
    one_issue(&x, "{\"t\":[1,2,3]}", "max_items", "/t", "t must have at most 2 items");
    release(&x);
}

static void test_unique_items_uses_json_equality(void **state)
{
    (void)state;
    sch x = compile_ok("{\"properties\":{\"t\":{\"uniqueItems\":true}}}");
    valid(&x, "{\"t\":[1,\"1\",[1],{\"a\":1},true,null]}");
    one_issue(&x, "{\"t\":[\"a\",\"b\",\"a\"]}", "not_unique", "/t",
              "t must not list the same value twice (items 1 and 3 are equal)");
    one_issue(&x, "{\"t\":[1,1.0]}", "not_unique", "/t", NULL);
    one_issue(&x, "{\"t\":[{\"a\":1,\"b\":2},{\"b\":2,\"a\":1}]}", "not_unique", "/t", NULL);
    release(&x);
}

static void test_pointer_escapes_tilde_and_slash_in_member_names(void **state)
{
    (void)state;
    sch x = compile_ok("{\"additionalProperties\":{\"type\":\"string\"}}");
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_schema_issue is[2];
    assert_int_equal(check(&x, "{\"a/b~c\":1}", &a, is, 2), 1);
    assert_string_equal(is[0].path, "/a~1b~0c");
    assert_string_equal(is[0].field, "a/b~c");
    assert_string_equal(is[0].message, "a/b~c must be text");
    edx_arena_free(&a);
    release(&x);
}

static void test_combinators_report_one_issue_from_the_best_branch(void **state)
{
    (void)state;
    sch any = compile_ok("{\"properties\":{\"id\":{\"anyOf\":["
                         "{\"type\":\"integer\",\"minimum\":1},"
                         "{\"type\":\"string\",\"pattern\":\"^[0-9]+$\"}]}}}");
    valid(&any, "{\"id\":5}");
    valid(&any, "{\"id\":\"42\"}");
    /* The string branch got past its type check: its issue is the useful one. */
    one_issue(&any, "{\"id\":\"4x\"}", "pattern", "/id", NULL);
    one_issue(&any, "{\"id\":0}", "minimum", "/id", "id must be at least 1");
    one_issue(&any, "{\"id\":null}", "type", "/id", "id must be a whole number");
    release(&any);

    sch one = compile_ok("{\"oneOf\":[{\"type\":\"object\",\"required\":[\"a\"],"
                         "\"properties\":{\"a\":{\"properties\":{\"b\":{\"type\":\"string\"}}}}},"
                         "{\"type\":\"object\",\"required\":[\"z\"]}]}");
    valid(&one, "{\"a\":{}}");
    /* The first branch fails deeper in the value than the second. */
    one_issue(&one, "{\"a\":{\"b\":1}}", "type", "/a/b", "a.b must be text");
    release(&one);

    sch all = compile_ok("{\"allOf\":[{\"required\":[\"a\",\"b\"]},{\"required\":[\"c\"]}]}");
    valid(&all, "{\"a\":1,\"b\":2,\"c\":3}");
    one_issue(&all, "{}", "required", "/a", "a is required");
    one_issue(&all, "{\"a\":1,\"b\":2}", "required", "/c", "c is required");
    release(&all);
}

static void test_one_of_rejects_a_value_matching_two_branches(void **state)
{
    (void)state;
    sch x = compile_ok("{\"properties\":{\"n\":{\"oneOf\":[{\"type\":\"integer\"},"
                       "{\"minimum\":0}]}}}");
    valid(&x, "{\"n\":-3}");
    valid(&x, "{\"n\":0.5}");
    one_issue(&x, "{\"n\":3}", "one_of", "/n", "n matches more than one of the allowed forms");
    release(&x);
}

static void test_ref_resolves_defs_including_recursive_ones(void **state)
{
    (void)state;
    sch x = compile_ok(
        "{\"$defs\":{\"date\":{\"type\":\"string\",\"format\":\"date\"},"
        "\"unit\":{\"type\":\"object\",\"required\":[\"code\"],\"properties\":{"
        "\"code\":{\"type\":\"string\"},\"children\":{\"items\":{\"$ref\":\"#/$defs/unit\"}}}},"
        "\"a~b/c\":{\"const\":1}},"
        "\"properties\":{\"issued\":{\"$ref\":\"#/$defs/date\"},"
        "\"unit\":{\"$ref\":\"#/$defs/unit\"},\"odd\":{\"$ref\":\"#/$defs/a~0b~1c\"},"
        "\"short\":{\"$ref\":\"#/$defs/date\",\"maxLength\":5}}}");
    valid(&x, "{\"issued\":\"2025-06-30\",\"unit\":{\"code\":\"A\",\"children\":"
              "[{\"code\":\"B\",\"children\":[{\"code\":\"C\"}]}]},\"odd\":1}");
    one_issue(&x, "{\"issued\":\"30/06/2025\"}", "format", "/issued",
              "issued must be a date (YYYY-MM-DD)");
    one_issue(&x, "{\"unit\":{\"code\":\"A\",\"children\":[{\"code\":\"B\",\"children\":[{}]}]}}",
              "required", "/unit/children/0/children/0/code",
              "unit.children[0].children[0].code is required");
    one_issue(&x, "{\"odd\":2}", "const", "/odd", NULL);
    /* $ref beside other keywords: both apply. */
    one_issue(&x, "{\"short\":\"2025-06-30\"}", "too_long", "/short", NULL);
    release(&x);
}

static void test_ref_cycle_that_never_descends_is_rejected(void **state)
{
    (void)state;
    compile_fails("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"allOf\":[{\"$ref\":"
                  "\"#/$defs/a\"}]}},\"$ref\":\"#/$defs/a\"}",
                  "refer back to themselves");
    compile_fails("{\"$ref\":\"#/$defs/missing\"}", "is not in $defs");
    compile_fails("{\"$ref\":\"https://example.org/s.json\"}", "only local references");
    compile_fails("{\"$ref\":\"#/properties/a\"}", "only local references");
    compile_fails("{\"properties\":{\"a\":{\"$defs\":{}}}}", "only at the root");
}

static void test_unknown_keyword_is_a_compile_error(void **state)
{
    (void)state;
    compile_fails("{\"properties\":{\"full_name\":{\"maxLenght\":5}}}",
                  "schema at /properties/full_name/maxLenght: unknown keyword \"maxLenght\" "
                  "(did you mean \"maxLength\"?)");
    compile_fails("{\"requierd\":[]}", "did you mean \"required\"");
    compile_fails("{\"zzzzzzzzzz\":1}", "unknown keyword \"zzzzzzzzzz\"");
    compile_fails("{\"not\":{}}", "keyword \"not\" is not supported");
    compile_fails("{\"if\":{},\"then\":{}}", "is not supported");
}

static void test_bad_regex_is_a_compile_error(void **state)
{
    (void)state;
    compile_fails("{\"pattern\":\"[a-\"}", "invalid regular expression \"[a-\"");
    compile_fails("{\"pattern\":\"(ab\"}", "invalid regular expression");
    compile_fails("{\"patternProperties\":{\"^(x\":{}}}", "schema at /patternProperties/^(x");
    compile_fails("{\"pattern\":\"^\\\\d{12}$\"}", "\\d is not POSIX");
    compile_fails("{\"pattern\":1}", "must be a string");
    sch ok = compile_ok("{\"pattern\":\"^a\\\\.b\\\\\\\\$\"}"); /* \. and \\ are fine */
    valid(&ok, "\"a.b\\\\\"");
    release(&ok);
}

static void test_malformed_keyword_values_are_compile_errors(void **state)
{
    (void)state;
    compile_fails("[]", "schema root: a schema must be an object or a boolean");
    compile_fails("{\"type\":\"str\"}", "schema at /type: types are object");
    compile_fails("{\"type\":[\"string\",\"string\"]}", "lists a type twice");
    compile_fails("{\"type\":[]}", "non-empty array");
    compile_fails("{\"minLength\":-1}", "schema at /minLength: must be a non-negative integer");
    compile_fails("{\"maxLength\":1.5}", "non-negative integer");
    compile_fails("{\"minLength\":5,\"maxLength\":2}", "minLength is greater than maxLength");
    compile_fails("{\"minimum\":5,\"maximum\":2}", "minimum is greater than maximum");
    compile_fails("{\"minItems\":5,\"maxItems\":2}", "minItems is greater than maxItems");
    compile_fails("{\"maximum\":\"10\"}", "must be a number");
    compile_fails("{\"multipleOf\":0}", "must be greater than 0");
    compile_fails("{\"enum\":[]}", "schema at /enum: must be a non-empty array");
    compile_fails("{\"required\":\"a\"}", "must be an array of names");
    compile_fails("{\"required\":[\"a\",\"a\"]}", "listed twice");
    compile_fails("{\"required\":[1]}", "schema at /required/0: must be a property name");
    compile_fails("{\"properties\":[]}", "must be an object of schemas");
    compile_fails("{\"properties\":{\"a\":1}}", "schema at /properties/a:");
    compile_fails("{\"items\":[{}]}", "for a tuple use prefixItems");
    compile_fails("{\"anyOf\":[]}", "schema at /anyOf: must be a non-empty array of schemas");
    compile_fails("{\"oneOf\":[{\"type\":1}]}", "schema at /oneOf/0/type");
    compile_fails("{\"uniqueItems\":1}", "must be true or false");
    compile_fails("{\"format\":\"email\"}", "unknown format \"email\"");
    compile_fails("{\"title\":1}", "schema at /title: must be a string");
    compile_fails("{\"examples\":\"x\"}", "must be an array");
    compile_fails("{\"propertyNames\":{\"anyOf\":[{}]}}", "only string keywords");
    compile_fails("{\"additionalProperties\":false,\"properties\":{\"full_name\":{}},"
                  "\"required\":[\"fullname\"]}",
                  "\"fullname\" is required but not among properties");
}

static void test_annotations_are_accepted_and_ignored(void **state)
{
    (void)state;
    sch x = compile_ok("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                       "\"$id\":\"https://edudx.example/diploma.json\",\"$comment\":\"c\","
                       "\"title\":\"T\",\"description\":\"D\",\"examples\":[1],\"default\":{},"
                       "\"properties\":{\"a\":{\"title\":\"Họ tên\",\"default\":\"x\"}}}");
    valid(&x, "{\"a\":5}");
    release(&x);
}

static void test_boolean_schemas_allow_or_forbid(void **state)
{
    (void)state;
    sch t = compile_ok("true");
    valid(&t, "{\"anything\":[1]}");
    release(&t);
    sch f = compile_ok("{\"properties\":{\"legacy\":false,\"x\":true}}");
    valid(&f, "{\"x\":1}");
    one_issue(&f, "{\"legacy\":1}", "unknown_field", "/legacy", "legacy is not allowed");
    release(&f);
    sch none = compile_ok("false");
    one_issue(&none, "1", "type", "", "the record is not allowed");
    release(&none);
}

static void test_builtin_formats_accept_and_refuse(void **state)
{
    (void)state;
    static const struct {
        const char *format, *value;
        int ok;
    } cases[] = {
        {"date", "2024-02-29", 1},
        {"date", "2000-02-29", 1},
        {"date", "1900-02-29", 0},
        {"date", "2025-02-29", 0},
        {"date", "2025-04-31", 0},
        {"date", "2025-13-01", 0},
        {"date", "2025-00-10", 0},
        {"date", "2025-8-7", 0},
        {"date", "2025-08-07T00:00:00Z", 0},
        {"date", "", 0},
        {"date-time", "2025-06-30T08:00:00Z", 1},
        {"date-time", "2025-06-30T08:00:00.123456+07:00", 1},
        {"date-time", "2025-06-30T23:59:59-14:00", 1},
        {"date-time", "2025-06-30T08:00:00", 0},
        {"date-time", "2025-06-30 08:00:00Z", 0},
        {"date-time", "2025-06-30t08:00:00z", 0},
        {"date-time", "2025-06-30T24:00:00Z", 0},
        {"date-time", "2025-06-30T08:60:00Z", 0},
        {"date-time", "2025-06-30T08:00:60Z", 0},
        {"date-time", "2025-06-30T08:00:00.Z", 0},
        {"date-time", "2025-06-30T08:00:00+0700", 0},
        {"date-time", "2025-06-30T08:00:00+14:30", 0},
        {"date-time", "2025-02-30T08:00:00Z", 0},
        {"date-time", "2025-06-30T08:00:00Zx", 0},
        {"uri", "https://example.edu.vn/a?b=c#d", 1},
        {"uri", "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP", 1},
        {"uri", "urn:uuid:8a4d0f4e-1b2c-4d3e-9f00-123456789abc", 1},
        {"uri", "example.edu.vn/path", 0},
        {"uri", "https://example.edu.vn/a b", 0},
        {"uri", "1http://x", 0},
        {"uri", "https:", 0},
        {"uri", "", 0},
        {"uuid-urn", "urn:uuid:8a4d0f4e-1b2c-4d3e-9f00-123456789abc", 1},
        {"uuid-urn", "urn:uuid:01890a5d-ac96-774b-bcce-b302099a8057", 1},
        {"uuid-urn", "urn:uuid:8A4D0F4E-1B2C-4D3E-9F00-123456789ABC", 0},
        {"uuid-urn", "8a4d0f4e-1b2c-4d3e-9f00-123456789abc", 0},
        {"uuid-urn", "urn:uuid:8a4d0f4e-1b2c-0d3e-9f00-123456789abc", 0},
        {"uuid-urn", "urn:uuid:8a4d0f4e-1b2c-4d3e-7f00-123456789abc", 0},
        {"uuid-urn", "urn:uuid:8a4d0f4e1b2c-4d3e-9f00-123456789abc0", 0},
        {"uuid-urn", "urn:uuid:8a4d0f4e-1b2c-4d3e-9f00-123456789abg", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "{\"format\":\"%s\"}", cases[i].format);
        sch x = compile_ok(text);
        json_t *v = json_string(cases[i].value);
        edx_arena a;
        edx_arena_init(&a, 0);
        edx_schema_issue is[2];
        int n = edx_schema_validate(x.s, v, &a, is, 2);
        if (n != !cases[i].ok)
            fail_msg("format %s, \"%s\": expected %s", cases[i].format, cases[i].value,
                     cases[i].ok ? "valid" : "invalid");
        if (n) assert_string_equal(is[0].code, "format");
        edx_arena_free(&a);
        json_decref(v);
        release(&x);
    }
    sch x = compile_ok("{\"properties\":{\"at\":{\"format\":\"date-time\"}}}");
    one_issue(&x, "{\"at\":\"2025-06-30\"}", "format", "/at",
              "at must be a date and time with time zone (e.g. 2025-06-30T08:00:00+07:00)");
    valid(&x, "{\"at\":12}"); /* formats apply to strings only */
    release(&x);
}

static const char *citizen_id(const char *v, size_t n)
{
    if (n != 12 || strspn(v, "0123456789") != 12) return "must be a 12-digit citizen ID number";
    return NULL;
}

static const char *always_bad(const char *v, size_t n)
{
    (void)v;
    (void)n;
    return "is never right";
}

static void test_custom_format_is_registered_and_used(void **state)
{
    (void)state;
    compile_fails("{\"format\":\"cccd\"}", "unknown format \"cccd\"");
    assert_int_equal(edx_schema_add_format("cccd", always_bad), 0);
    assert_int_equal(edx_schema_add_format("cccd", citizen_id), 0); /* replaces */
    assert_int_equal(edx_schema_add_format("", citizen_id), -1);
    assert_int_equal(edx_schema_add_format("x", NULL), -1);
    assert_int_equal(edx_schema_add_format(NULL, citizen_id), -1);
    assert_int_equal(edx_schema_add_format("a-name-that-is-far-too-long-for-the-table", citizen_id),
                     -1);
    sch x = compile_ok("{\"properties\":{\"cccd_number\":{\"type\":\"string\","
                       "\"format\":\"cccd\"}}}");
    valid(&x, "{\"cccd_number\":\"001204012345\"}");
    one_issue(&x, "{\"cccd_number\":\"0012040\"}", "format", "/cccd_number",
              "cccd_number must be a 12-digit citizen ID number");
    release(&x);
}

static void test_max_issues_caps_collection_and_zero_means_yes_or_no(void **state)
{
    (void)state;
    sch x = compile_ok("{\"required\":[\"a\",\"b\",\"c\",\"d\",\"e\"],"
                       "\"additionalProperties\":{\"type\":\"string\"}}");
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_schema_issue is[8];
    assert_int_equal(check(&x, "{\"x\":1,\"y\":2}", &a, is, 8), 7);
    assert_string_equal(is[0].path, "/x"); /* members first, in their order */
    assert_string_equal(is[1].path, "/y");
    assert_string_equal(is[2].message, "a is required");
    assert_int_equal(check(&x, "{\"x\":1,\"y\":2}", &a, is, 3), 3);
    assert_string_equal(is[2].path, "/a");
    assert_int_equal(check(&x, "{\"x\":1}", &a, is, 1), 1);
    edx_arena_free(&a);
    assert_int_equal(check(&x, "{}", &a, NULL, 0), 1);
    assert_int_equal(
        check(&x, "{\"a\":\"\",\"b\":\"\",\"c\":\"\",\"d\":\"\",\"e\":\"\"}", &a, NULL, 0), 0);
    assert_null(a.head); /* yes/no mode allocates nothing */
    release(&x);
}

static void test_arena_exhaustion_returns_minus_one(void **state)
{
    (void)state;
    sch x = compile_ok(record_schema);
    edx_arena a;
    edx_arena_init(&a, SIZE_MAX); /* every allocation fails */
    edx_schema_issue is[4];
    assert_int_equal(check(&x, "{}", &a, is, 4), -1);
    assert_int_equal(check(&x, "{}", &a, NULL, 0), 1); /* yes/no needs no memory */
    valid(&x, "{\"full_name\":\"An\",\"birth_date\":\"2007-01-01\",\"classification\":\"Khá\"}");
    edx_arena_free(&a);
    release(&x);
}

typedef struct worker {
    const edx_schema *s;
    json_t *good, *bad;
    int failures;
} worker;

static void *validate_many(void *arg)
{
    worker *w = arg;
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_schema_issue is[4];
    for (int i = 0; i < 2000; i++) {
        if (edx_schema_validate(w->s, w->good, &a, is, 4) != 0) w->failures++;
        if (edx_schema_validate(w->s, w->bad, &a, is, 4) != 2 ||
            strcmp(is[1].message, "full_name is required") != 0)
            w->failures++;
        edx_arena_reset(&a);
    }
    edx_arena_free(&a);
    return NULL;
}

static void test_one_schema_validates_concurrently(void **state)
{
    (void)state;
    sch x = compile_ok(record_schema);
    json_t *good = json_loads("{\"full_name\":\"An\",\"birth_date\":\"2007-01-01\","
                              "\"classification\":\"Khá\"}",
                              0, NULL);
    json_t *bad = json_loads("{\"birth_date\":\"2007-13-01\",\"classification\":\"Khá\"}", 0, NULL);
    assert_non_null(good);
    assert_non_null(bad);
    worker w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){x.s, good, bad, 0};
        assert_int_equal(pthread_create(&t[i], NULL, validate_many, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(w[i].failures, 0);
    }
    json_decref(good);
    json_decref(bad);
    release(&x);
}

static const char *const row_schema =
    "{\"type\":\"object\",\"additionalProperties\":false,"
    "\"required\":[\"student_id\",\"full_name\",\"birth_date\",\"gender\",\"classification\","
    "\"graduation_year\",\"program\",\"issued_on\",\"email\",\"national_id\"],"
    "\"properties\":{"
    "\"student_id\":{\"type\":\"string\",\"pattern\":\"^[A-Z0-9]{6,12}$\"},"
    "\"full_name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100},"
    "\"birth_date\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"gender\":{\"enum\":[\"Nam\",\"Nữ\"]},"
    "\"classification\":{\"enum\":[\"Xuất sắc\",\"Giỏi\",\"Khá\",\"Trung bình\"]},"
    "\"graduation_year\":{\"type\":\"string\",\"pattern\":\"^(19|20)[0-9]{2}$\"},"
    "\"program\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
    "\"issued_on\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"email\":{\"type\":\"string\",\"maxLength\":254,\"pattern\":\"^[^@ ]+@[^@ ]+$\"},"
    "\"national_id\":{\"type\":\"string\",\"pattern\":\"^[0-9]{12}$\"}}}";

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_validates_100000_rows_of_ten_columns(void **state)
{
    (void)state;
    sch x = compile_ok(row_schema);
    static const char *const ranks[] = {"Xuất sắc", "Giỏi", "Khá", "Trung bình"};
    enum { DISTINCT = 1000, ROUNDS = 100 };
    json_t **rows = calloc(DISTINCT, sizeof *rows);
    assert_non_null(rows);
    for (int i = 0; i < DISTINCT; i++) {
        char id[16], nid[16], birth[16], year[8], mail[64];
        snprintf(id, sizeof id, "SV%06d", i);
        snprintf(nid, sizeof nid, "%012d", 1204000000 + i);
        snprintf(birth, sizeof birth, "200%d-%02d-%02d", i % 8, 1 + i % 12, 1 + i % 28);
        snprintf(year, sizeof year, "%d", 2020 + i % 6);
        snprintf(mail, sizeof mail, "sv%d@truong.edu.vn", i);
        rows[i] = json_pack("{ssssssssssssssssssss}", "student_id", id, "full_name",
                            "Nguyễn Thị Minh Khai", "birth_date", birth, "gender",
                            i % 2 ? "Nam" : "Nữ", "classification", ranks[i % 4], "graduation_year",
                            year, "program", "Cử nhân Công nghệ thông tin", "issued_on",
                            "2025-06-30T08:00:00+07:00", "email", mail, "national_id", nid);
        assert_non_null(rows[i]);
    }
    /* One row in a hundred is wrong, as in a real import. */
    for (int i = 0; i < DISTINCT; i += 100)
        json_object_set_new(rows[i], "birth_date", json_string("2007-02-30"));
    edx_arena a;
    edx_arena_init(&a, 0);
    edx_schema_issue is[8];
    int invalid = 0;
    double t0 = now_seconds();
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < DISTINCT; i++) {
            int n = edx_schema_validate(x.s, rows[i], &a, is, 8);
            assert_true(n >= 0);
            if (n) {
                invalid++;
                edx_arena_reset(&a);
            }
        }
    }
    double dt = now_seconds() - t0;
    assert_int_equal(invalid, DISTINCT / 100 * ROUNDS);
    printf("# schema: %d rows of 10 columns in %.1f ms: %.0f rows/s\n", DISTINCT * ROUNDS, dt * 1e3,
           DISTINCT * ROUNDS / dt);
    edx_arena_free(&a);
    for (int i = 0; i < DISTINCT; i++)
        json_decref(rows[i]);
    free(rows);
    release(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_record_has_no_issues_and_allocates_nothing),
        cmocka_unit_test(test_required_member_missing_names_the_column),
        cmocka_unit_test(test_type_mismatch_says_what_is_expected),
        cmocka_unit_test(test_enum_lists_the_choices),
        cmocka_unit_test(test_const_requires_the_exact_value),
        cmocka_unit_test(test_pattern_searches_unanchored_and_shows_an_example),
        cmocka_unit_test(test_max_length_counts_code_points_of_vietnamese_text),
        cmocka_unit_test(test_number_bounds_include_and_exclude_limits),
        cmocka_unit_test(test_multiple_of_handles_integers_and_decimal_steps),
        cmocka_unit_test(test_unknown_column_is_reported_with_its_path),
        cmocka_unit_test(test_additional_properties_schema_checks_extra_members),
        cmocka_unit_test(test_pattern_properties_check_matching_members),
        cmocka_unit_test(test_property_names_restrict_member_names),
        cmocka_unit_test(test_nested_objects_give_full_paths_and_dotted_names),
        cmocka_unit_test(test_array_items_paths_carry_indices),
        cmocka_unit_test(test_prefix_items_and_false_items_make_a_tuple),
        cmocka_unit_test(test_min_and_max_items_count_elements),
        cmocka_unit_test(test_unique_items_uses_json_equality),
        cmocka_unit_test(test_pointer_escapes_tilde_and_slash_in_member_names),
        cmocka_unit_test(test_combinators_report_one_issue_from_the_best_branch),
        cmocka_unit_test(test_one_of_rejects_a_value_matching_two_branches),
        cmocka_unit_test(test_ref_resolves_defs_including_recursive_ones),
        cmocka_unit_test(test_ref_cycle_that_never_descends_is_rejected),
        cmocka_unit_test(test_unknown_keyword_is_a_compile_error),
        cmocka_unit_test(test_bad_regex_is_a_compile_error),
        cmocka_unit_test(test_malformed_keyword_values_are_compile_errors),
        cmocka_unit_test(test_annotations_are_accepted_and_ignored),
        cmocka_unit_test(test_boolean_schemas_allow_or_forbid),
        cmocka_unit_test(test_builtin_formats_accept_and_refuse),
        cmocka_unit_test(test_custom_format_is_registered_and_used),
        cmocka_unit_test(test_max_issues_caps_collection_and_zero_means_yes_or_no),
        cmocka_unit_test(test_arena_exhaustion_returns_minus_one),
        cmocka_unit_test(test_one_schema_validates_concurrently),
        cmocka_unit_test(test_validates_100000_rows_of_ten_columns),
    };
    return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
