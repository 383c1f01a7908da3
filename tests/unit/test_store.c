/* Unit tests of the store (SQLite backend, migrations) and the audit chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "store/db.h"

static char dir[64];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/edx-unit-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", dir);
    edx_db *db;
    edx_err e;
    if (edx_db_open(&db, path, &e) != 0) return -1;
    int applied;
    if (edx_db_migrate(db, &applied, &e) != 0) return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    edx_db_close(*state);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_binds_text_int_and_null(void **state)
{
    edx_db *db = *state;
    edx_err e;
    assert_int_equal(edx_db_script(db, "CREATE TABLE t (a TEXT, b INTEGER, c TEXT)", &e), 0);
    assert_int_equal(edx_db_exec(db, "INSERT INTO t VALUES (?, ?, ?)",
                                 EDX_DB_ARGS(EDX_DB_TEXT("x'); DROP TABLE t;--"),
                                             EDX_DB_INT(INT64_MAX), EDX_DB_NULL),
                                 &e),
                     1);
    edx_rows *r;
    assert_int_equal(edx_db_query(db, &r, "SELECT a, b, c FROM t", NULL, 0, &e), 0);
    assert_int_equal(edx_rows_next(r, &e), 1);
    assert_string_equal(edx_rows_text(r, 0), "x'); DROP TABLE t;--");
    assert_true(edx_rows_int(r, 1) == INT64_MAX);
    assert_true(edx_rows_isnull(r, 2));
    assert_null(edx_rows_text(r, 2));
    assert_int_equal(edx_rows_next(r, &e), 0);
    edx_rows_close(r);
}

static void test_unique_violation_is_a_conflict(void **state)
{
    edx_db *db = *state;
    edx_err e;
    edx_db_script(db, "CREATE TABLE u (k TEXT PRIMARY KEY)", &e);
    assert_int_equal(edx_db_exec(db, "INSERT INTO u VALUES (?)", EDX_DB_ARGS(EDX_DB_TEXT("a")), &e), 1);
    assert_int_equal(edx_db_exec(db, "INSERT INTO u VALUES (?)", EDX_DB_ARGS(EDX_DB_TEXT("a")), &e),
                     EDX_ECONFLICT);
    assert_int_equal(e.status, 409);
}

static void test_rollback_discards_and_nesting_is_refused(void **state)
{
    edx_db *db = *state;
    edx_err e;
    edx_db_script(db, "CREATE TABLE r (k INTEGER)", &e);
    assert_int_equal(edx_db_begin(db, &e), 0);
    assert_int_equal(edx_db_begin(db, &e), EDX_EINTERNAL);
    edx_db_exec(db, "INSERT INTO r VALUES (1)", NULL, 0, &e);
    edx_db_rollback(db);
    int64_t n = -1;
    assert_int_equal(edx_db_query_int(db, "SELECT COUNT(*) FROM r", NULL, 0, &n, &e), 1);
    assert_int_equal(n, 0);
    assert_int_equal(edx_db_begin(db, &e), 0);
    edx_db_exec(db, "INSERT INTO r VALUES (1)", NULL, 0, &e);
    assert_int_equal(edx_db_commit(db, &e), 0);
    edx_db_query_int(db, "SELECT COUNT(*) FROM r", NULL, 0, &n, &e);
    assert_int_equal(n, 1);
}

static void test_the_same_statement_can_be_open_twice(void **state)
{
    edx_db *db = *state;
    edx_err e;
    static const char *q = "SELECT code FROM provinces WHERE code >= ? ORDER BY code LIMIT 2";
    edx_rows *a, *b;
    assert_int_equal(edx_db_query(db, &a, q, EDX_DB_ARGS(EDX_DB_TEXT("a")), &e), 0);
    assert_int_equal(edx_db_query(db, &b, q, EDX_DB_ARGS(EDX_DB_TEXT("t")), &e), 0);
    assert_int_equal(edx_rows_next(a, &e), 1);
    assert_int_equal(edx_rows_next(b, &e), 1);
    assert_string_equal(edx_rows_text(a, 0), "an-giang");
    assert_string_equal(edx_rows_text(b, 0), "tay-ninh");
    edx_rows_close(a);
    edx_rows_close(b);
}

static void test_migrations_are_idempotent_and_versions_known(void **state)
{
    edx_db *db = *state;
    edx_err e;
    int applied = -1, cur, latest;
    assert_int_equal(edx_db_migrate(db, &applied, &e), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(edx_db_schema_version(db, &cur, &latest, &e), 0);
    assert_int_equal(cur, latest);
    int64_t n;
    edx_db_query_int(db, "SELECT COUNT(*) FROM provinces", NULL, 0, &n, &e);
    assert_int_equal(n, 34);
    assert_int_equal(edx_db_integrity_check(db, &e), 0);
}

static int append(edx_db *db, const char *action, edx_err *e)
{
    json_t *d = json_pack("{s:s}", "k", action);
    int rc = edx_db_begin(db, e);
    if (rc == 0) rc = edx_audit_append(db, "cli:test", action, "thing:1", NULL, "ab", d, e);
    if (rc == 0) rc = edx_db_commit(db, e);
    else edx_db_rollback(db);
    json_decref(d);
    return rc;
}

static void test_audit_chain_verifies_and_detects_tampering(void **state)
{
    edx_db *db = *state;
    edx_err e;
    edx_audit_report rep;
    assert_int_equal(edx_audit_verify(db, &rep, &e), 0);
    assert_int_equal(rep.records, 0);
    for (int i = 0; i < 5; i++) assert_int_equal(append(db, "t.write", &e), 0);
    assert_int_equal(edx_audit_verify(db, &rep, &e), 0);
    assert_int_equal(rep.records, 5);
    /* Outside a transaction an append is refused. */
    assert_int_equal(edx_audit_append(db, "x", "y", "z", NULL, NULL, NULL, &e), EDX_EINTERNAL);
    /* The database refuses edits; with the guard dropped, verify notices. */
    assert_true(edx_db_exec(db, "UPDATE audit_log SET actor = 'x' WHERE seq = 2", NULL, 0, &e) < 0);
    edx_db_script(db, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete", &e);
    edx_db_exec(db, "UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = 2", NULL, 0, &e);
    assert_int_equal(edx_audit_verify(db, &rep, &e), 1);
    assert_int_equal(rep.bad_seq, 2);
    assert_non_null(strstr(rep.reason, "changed"));
}

static void test_audit_digest_ignores_key_order(void **state)
{
    (void)state;
    char a[EDX_AUDIT_HASH_HEX], b[EDX_AUDIT_HASH_HEX];
    json_t *x = json_pack("{s:i,s:s}", "b", 1, "a", "Hà");
    json_t *y = json_pack("{s:s,s:i}", "a", "Hà", "b", 1);
    edx_audit_digest(x, a);
    edx_audit_digest(y, b);
    assert_string_equal(a, b);
    json_decref(x);
    json_decref(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_binds_text_int_and_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unique_violation_is_a_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_discards_and_nesting_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_same_statement_can_be_open_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrations_are_idempotent_and_versions_known, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain_verifies_and_detects_tampering, setup, teardown),
        cmocka_unit_test(test_audit_digest_ignores_key_order),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
