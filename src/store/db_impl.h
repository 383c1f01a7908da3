/* db_impl.h: the backend table behind db.h. Private to src/store. */
#ifndef EDX_DB_IMPL_H
#define EDX_DB_IMPL_H

#include "store/db.h"

typedef struct edx_db_ops {
    int (*exec)(edx_db *db, const char *sql, const edx_dbv *args, int nargs, edx_err *err);
    int (*query)(edx_db *db, edx_rows **out, const char *sql, const edx_dbv *args, int nargs,
                 edx_err *err);
    int (*next)(edx_rows *r, edx_err *err);
    const char *(*text)(edx_rows *r, int col);
    int64_t (*integer)(edx_rows *r, int col);
    double (*real)(edx_rows *r, int col);
    const void *(*blob)(edx_rows *r, int col, size_t *len);
    int (*isnull)(edx_rows *r, int col);
    void (*close_rows)(edx_rows *r);
    int (*script)(edx_db *db, const char *sql, edx_err *err);
    void (*close)(edx_db *db);
    void (*busy_wait)(edx_db *db, int ms); /* NULL when the backend never waits on a file lock */
} edx_db_ops;

struct edx_db {
    const edx_db_ops *ops;
    edx_db_kind kind;
    int in_tx;
};

struct edx_rows {
    edx_db *db;
};

int edx_sqlite_open(edx_db **out, const char *path, edx_err *err);
int edx_pg_open(edx_db **out, const char *conninfo, edx_err *err);

#endif
