/*
 * audit.h: the append-only, hash-chained log of every write.
 *
 * Each record holds who, what, when, the digests of the object before and
 * after, and the hash of the previous record; its own hash covers all of
 * these. Editing, deleting or reordering any record breaks the chain, and
 * edx_audit_verify says where. Records are appended inside the caller's
 * write transaction, so a write and its record commit or vanish together.
 */
#ifndef EDX_AUDIT_H
#define EDX_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

#define EDX_AUDIT_HASH_HEX 65

/*
 * Append a record; requires an open transaction on `db`. `actor` is e.g.
 * "user:hoa.nguyen" or "cli:root"; `target` names the object
 * ("unit:SGDDT-HN"); digests may be NULL (create/delete); `detail` is an
 * optional JSON object (no secrets, no ID numbers).
 */
int edx_audit_append(edx_db *db, const char *actor, const char *action, const char *target,
                     const char *before_digest, const char *after_digest, json_t *detail,
                     edx_err *err);

/*
 * Finish a write: when rc >= 0 append the record (digests of `before`/`after`
 * when given) and commit; otherwise, or when that fails, roll back. Returns rc
 * or the new error.
 */
int edx_audit_commit(edx_db *db, const char *actor, const char *action, const char *target,
                     const json_t *before, const json_t *after, json_t *detail, int rc,
                     edx_err *err);

/*
 * The number of the last record: it grows with every write the store has taken, so a
 * value computed from the store is still current while it has not moved (caches).
 */
int edx_audit_seq(edx_db *db, int64_t *seq, edx_err *err);

/* SHA-256 (hex) of a JSON value serialised with sorted keys: a stable digest of an object. */
int edx_audit_digest(const json_t *v, char out[EDX_AUDIT_HASH_HEX]);

typedef struct edx_audit_report {
    int64_t records;    /* records checked */
    int64_t bad_seq;    /* first record that fails, 0 when all pass */
    char reason[240];   /* why it fails */
    char head[EDX_AUDIT_HASH_HEX]; /* hash of the last record: anchor it elsewhere */
} edx_audit_report;

/*
 * Walk the whole chain. Returns 0 when intact, 1 when tampered (details in
 * *rep), or a negative EDX_E code when the store cannot be read.
 */
int edx_audit_verify(edx_db *db, edx_audit_report *rep, edx_err *err);

/* List records newest first, at most `limit`, older than `before_seq` (0: from the newest). */
int edx_audit_list(edx_db *db, int64_t before_seq, int limit, json_t **out, edx_err *err);

#endif
