/*
 * issue.c: batch issuance.
 *
 * Pass 1 reads every record (CSV row or JSON object), cleans its text (valid
 * UTF-8, no control characters, NFC), validates it against the type's input
 * schema and finds repeated external ids. Unless skip_invalid, any problem
 * stops the run before anything is written, with one report row per problem.
 *
 * Pass 2 reads the records again and issues them in chunks. Each chunk is one
 * transaction under the issuer's lock: drop records whose (issuer, external
 * id) exists already, reserve status slots, build and sign the credentials on
 * every core, insert them, append one audit record, commit. A crash loses at
 * most the chunk in flight, and a rerun skips what was committed: every record
 * is issued exactly once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/csv.h"
#include "base/map.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "credentials/cred_int.h"
#include "json/json.h"
#include "schema/schema.h"

#define MAX_RECORDS 500000
#define MAX_REPORTED 1000
#define CHUNK 4096
#define INSERT_ROWS 64
#define INSERT_COLS 13
#define MAX_THREADS 16

/* ---- record sources ------------------------------------------------------------------------ */

typedef struct rec_src {
    const char *csv;
    size_t csv_len;
    edx_csv c;
    char **hdr;
    size_t nhdr;
    json_t *arr;
    size_t next;
    long row; /* CSV: record number (header = 1); JSON: 1-based position */
} rec_src;

static int src_open(rec_src *s, edx_arena *a, edx_err *err)
{
    s->next = 0;
    s->row = 0;
    if (!s->csv) return 0;
    edx_csv_init(&s->c, s->csv, s->csv_len);
    s->c.max_fields = 256;
    size_t n = 0;
    int rc = edx_csv_next(&s->c, a, &s->hdr, &n, err);
    if (rc < 0) return rc;
    if (rc == 0) return edx_err_invalid(err, "csv", "the file is empty: a header row is required");
    if (n > 256) return edx_err_invalid(err, "csv", "the header has %zu columns; at most 256", n);
    s->nhdr = n;
    for (size_t i = 0; i < n; i++) {
        char *clean = NULL;
        if (edx_text_clean(a, s->hdr[i], 1, 100, "header", &clean, err) < 0)
            return edx_err_invalid(err, "header", "column %zu of the header is empty or invalid",
                                   i + 1);
        s->hdr[i] = clean;
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->hdr[j], clean) == 0)
                return edx_err_invalid(err, "header", "column \"%s\" appears twice in the header",
                                       clean);
    }
    return 0;
}

/*
 * Next record as an object of cleaned strings (empty cells left out). On a
 * cell problem *bad_col / *bad_msg name it and the record is still returned.
 * 1 record, 0 end, <0 malformed input.
 */
static int src_next(rec_src *s, edx_arena *a, json_t **rec, const char **bad_col,
                    const char **bad_msg, edx_err *err)
{
    edx_err e;
    *bad_col = *bad_msg = NULL;
    json_t *obj = json_object();
    if (!obj) return edx_err_nomem(err);
    if (s->csv) {
        char **f = NULL;
        size_t n = 0;
        int rc = edx_csv_next(&s->c, a, &f, &n, err);
        if (rc <= 0) {
            json_decref(obj);
            return rc;
        }
        s->row = s->c.record;
        if (n != s->nhdr && !(n == 1 && f[0][0] == '\0')) {
            *bad_col = "";
            *bad_msg = edx_arena_printf(a, "the row has %zu fields; the header has %zu", n, s->nhdr);
        }
        for (size_t i = 0; i < n && i < s->nhdr; i++) {
            char *clean = NULL;
            if (f[i][0] == '\0') continue;
            if (edx_text_clean(a, f[i], 0, 2000, s->hdr[i], &clean, &e) < 0) {
                if (!*bad_col) {
                    *bad_col = s->hdr[i];
                    *bad_msg = edx_arena_strdup(a, e.message);
                }
                continue;
            }
            if (*clean) json_object_set_new(obj, s->hdr[i], json_string(clean));
        }
        *rec = obj;
        return 1;
    }
    if (s->next >= json_array_size(s->arr)) {
        json_decref(obj);
        return 0;
    }
    json_t *in = json_array_get(s->arr, s->next++);
    s->row = (long)s->next;
    if (!json_is_object(in)) {
        *bad_col = "";
        *bad_msg = "a record must be a JSON object";
        *rec = obj;
        return 1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(in, k, v) {
        char num[32], *clean = NULL;
        const char *text = NULL;
        if (json_is_string(v)) text = json_string_value(v);
        else if (json_is_integer(v) || json_is_real(v)) {
            edx_jcs_number(json_number_value(v), num);
            text = num;
        } else if (json_is_null(v)) continue;
        else if (!*bad_col) {
            *bad_col = edx_arena_strdup(a, k);
            *bad_msg = edx_arena_printf(a, "%s must be text", k);
            continue;
        } else continue;
        if (edx_text_clean(a, text, 0, 2000, k, &clean, &e) < 0) {
            if (!*bad_col) {
                *bad_col = edx_arena_strdup(a, k);
                *bad_msg = edx_arena_strdup(a, e.message);
            }
            continue;
        }
        if (*clean) json_object_set_new(obj, k, json_string(clean));
    }
    *rec = obj;
    return 1;
}

/* ---- pass 1: validation -------------------------------------------------------------------- */

typedef struct report {
    edx_rowerr *rows;
    size_t n, cap;
} report;

static int report_add(report *r, edx_arena *a, long row, const char *col, const char *reason)
{
    if (r->n >= MAX_REPORTED) return 0;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        edx_rowerr *n = edx_arena_alloc(a, cap * sizeof *n);
        if (!n) return -1;
        if (r->n) memcpy(n, r->rows, r->n * sizeof *n);
        r->rows = n;
        r->cap = cap;
    }
    r->rows[r->n].row = row;
    r->rows[r->n].column = col ? col : "";
    r->rows[r->n].reason = reason;
    r->n++;
    return 0;
}

/* Validate every record; valid[i] says whether record i may be issued. */
static int validate_all(rec_src *s, edx_arena *a, edx_cred_type type, unsigned char **valid_out,
                        long *nrec, long *ninvalid, report *rep, edx_err *err)
{
    edx_arena scratch;
    edx_map seen;
    edx_schema_issue issues[8];
    unsigned char *valid = NULL;
    size_t cap = 0;
    long n = 0, bad = 0;
    int rc;
    edx_arena_init(&scratch, 0);
    edx_map_init(&seen, a);
    if ((rc = src_open(s, a, err)) < 0) goto done;
    for (;;) {
        json_t *rec = NULL;
        const char *bcol, *bmsg;
        edx_arena_reset(&scratch);
        rc = src_next(s, &scratch, &rec, &bcol, &bmsg, err);
        if (rc <= 0) break;
        if (n >= MAX_RECORDS) {
            json_decref(rec);
            rc = edx_err_set(err, EDX_ELIMIT, 413, "too_many_records", "records",
                             "a batch may hold at most %d records", MAX_RECORDS);
            goto done;
        }
        if ((size_t)n == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            unsigned char *nv = edx_arena_alloc(a, ncap);
            if (!nv) {
                json_decref(rec);
                rc = edx_err_nomem(err);
                goto done;
            }
            if (cap) memcpy(nv, valid, cap);
            valid = nv;
            cap = ncap;
        }
        int ok = 1;
        if (bcol) {
            ok = 0;
            if (report_add(rep, a, s->row, edx_arena_strdup(a, bcol), edx_arena_strdup(a, bmsg)))
                goto nomem;
        }
        int ni = cred_validate(type, rec, &scratch, issues, 8);
        if (ni < 0) {
            json_decref(rec);
            goto nomem;
        }
        for (int i = 0; i < ni; i++) {
            ok = 0;
            if (report_add(rep, a, s->row, edx_arena_strdup(a, issues[i].field),
                           edx_arena_strdup(a, issues[i].message)))
                goto nomem;
        }
        const char *ext = json_string_value(json_object_get(rec, "external_id"));
        if (ext) {
            long *first = edx_map_get(&seen, ext);
            if (first) {
                ok = 0;
                if (report_add(rep, a, s->row, "external_id",
                               edx_arena_printf(a, "external_id %s repeats row %ld", ext, *first)))
                    goto nomem;
            } else {
                char *k = edx_arena_strdup(a, ext);
                long *row = edx_arena_alloc(a, sizeof *row);
                if (!k || !row) goto nomem;
                *row = s->row;
                if (edx_map_put(&seen, k, row) != 0) goto nomem;
            }
        }
        json_decref(rec);
        valid[n++] = (unsigned char)ok;
        if (!ok) bad++;
    }
    if (rc < 0) goto done;
    *valid_out = valid;
    *nrec = n;
    *ninvalid = bad;
    rc = 0;
    goto done;
nomem:
    rc = edx_err_nomem(err);
done:
    /* A malformed-CSV error names its record in rows taken from the scratch arena: keep them. */
    if (rc < 0 && err->nrows) {
        edx_rowerr *rows = edx_arena_alloc(a, err->nrows * sizeof *rows);
        if (rows) {
            for (size_t i = 0; i < err->nrows; i++) {
                rows[i].row = err->rows[i].row;
                rows[i].column = edx_arena_strdup(a, err->rows[i].column ? err->rows[i].column : "");
                rows[i].reason = edx_arena_strdup(a, err->rows[i].reason ? err->rows[i].reason : "");
            }
        }
        err->rows = rows;
        if (!rows) err->nrows = 0;
    }
    edx_arena_free(&scratch);
    return rc;
}

/* ---- pass 2: issuing ----------------------------------------------------------------------- */

typedef struct item {
    json_t *rec;
    const char *external_id, *name, *nid;
    char uid[37];
    int64_t list_id, seq, slot, index;
    char *doc;
    size_t doc_len;
    char *search_key;             /* malloc'd by the worker */
    char nid_hash[EDX_SHA256_HEX]; /* "" when none */
    int rc;
    int done; /* set by the worker that signed it (under run.mu) */
} item;

typedef struct run {
    edx_db *db;
    edx_arena *a;
    const edx_principal *p;
    const edx_cred_env *env;
    const edx_issue_opts *o;
    edx_unit_ref unit;
    cred_build b;
    char did[EDX_DID_MAX];
    int64_t key_id;
    int have_key;
    edx_di_signer signers[MAX_THREADS];
    int nthreads;
    item *items;
    size_t nitems;
    edx_err thread_err[MAX_THREADS];
    /* Signing runs on worker threads while this thread inserts what is signed. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next;  /* next item to take */
    int stop;     /* the inserter failed: workers give up */
} run;

typedef struct worker {
    run *r;
    int tid;
} worker;

static void *sign_worker(void *arg)
{
    worker *w = arg;
    run *r = w->r;
    edx_arena scratch;
    edx_arena_init(&scratch, 1 << 16);
    for (;;) {
        pthread_mutex_lock(&r->mu);
        size_t i = r->next;
        int stop = r->stop;
        if (i < r->nitems && !stop) r->next++;
        pthread_mutex_unlock(&r->mu);
        if (i >= r->nitems || stop) break;
        item *it = &r->items[i];
        /* The document is built and dropped here: its jansson values come from the scratch arena. */
        edx_json_use_arena(&scratch);
        json_t *doc = cred_build_doc(&r->b, it->rec, it->uid, it->seq, it->index);
        int rc = doc ? edx_di_sign(&r->signers[w->tid], doc, &it->doc, &it->doc_len,
                                   &r->thread_err[w->tid])
                     : edx_err_nomem(&r->thread_err[w->tid]);
        json_decref(doc);
        edx_json_use_arena(NULL);
        /* The row's other derived columns, here rather than on the inserting thread. */
        if (rc == 0) {
            char *key = edx_utf8_search_key(&scratch, it->name);
            it->search_key = key ? strdup(key) : NULL;
            if (!it->search_key) rc = edx_err_nomem(&r->thread_err[w->tid]);
            if (it->nid && r->env->nid_key) edx_nid_hash(r->env->nid_key, it->nid, it->nid_hash);
        }
        edx_arena_reset(&scratch);
        pthread_mutex_lock(&r->mu);
        it->rc = rc;
        it->done = 1;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
    }
    edx_arena_free(&scratch);
    return NULL;
}

static int insert_rows(run *r, size_t start, size_t n, edx_err *err);

/*
 * Sign every item on the worker threads and insert them here in order, in
 * groups of INSERT_ROWS, as soon as each group is signed: the store's work
 * overlaps the signing.
 */
static int sign_and_insert(run *r, edx_err *err)
{
    pthread_t th[MAX_THREADS];
    worker w[MAX_THREADS];
    int started = 0, rc = 0;
    r->next = 0;
    r->stop = 0;
    for (int t = 0; t < r->nthreads; t++) {
        w[t] = (worker){r, t};
        if (pthread_create(&th[t], NULL, sign_worker, &w[t]) != 0) break;
        started++;
    }
    if (started == 0) {
        w[0] = (worker){r, 0};
        sign_worker(&w[0]); /* no threads to be had: sign everything here first */
    }
    for (size_t start = 0; start < r->nitems && rc == 0; start += INSERT_ROWS) {
        size_t n = r->nitems - start < INSERT_ROWS ? r->nitems - start : INSERT_ROWS;
        pthread_mutex_lock(&r->mu);
        for (size_t i = start; i < start + n; i++) {
            while (!r->items[i].done) pthread_cond_wait(&r->cv, &r->mu);
            if (r->items[i].rc < 0 && rc == 0) rc = r->items[i].rc;
        }
        pthread_mutex_unlock(&r->mu);
        if (rc < 0) {
            for (int t = 0; t < r->nthreads; t++)
                if (r->thread_err[t].rc) {
                    *err = r->thread_err[t];
                    break;
                }
            break;
        }
        rc = insert_rows(r, start, n, err);
    }
    pthread_mutex_lock(&r->mu);
    r->stop = rc < 0;
    pthread_mutex_unlock(&r->mu);
    for (int t = 0; t < started; t++) pthread_join(th[t], NULL);
    return rc;
}

static int start_signing(run *r, edx_err *err)
{
    uint8_t seed[EDX_ED25519_SEED], pk[EDX_ED25519_PK];
    int rc = edx_cred_key_active(r->db, r->env, r->unit.id, &r->key_id, seed, pk, err);
    if (rc < 0) return rc;
    rc = edx_di_signer_init(&r->signers[0], seed, NULL, r->b.now);
    edx_wipe(seed, sizeof seed);
    if (rc != 0) return edx_err_nomem(err);
    for (int t = 1; t < r->nthreads; t++)
        if (edx_di_signer_clone(&r->signers[t], &r->signers[0]) != 0) {
            for (int u = 0; u < t; u++) edx_di_signer_free(&r->signers[u]);
            return edx_err_nomem(err);
        }
    edx_did_key(pk, r->did);
    r->b.did = r->did;
    r->have_key = 1;
    return 0;
}

/* Drop the items whose external id the issuer already has; returns how many were dropped. */
static int drop_existing(run *r, long *existing, edx_err *err)
{
    size_t kept = 0;
    for (size_t start = 0; start < r->nitems; start += 500) {
        size_t n = r->nitems - start < 500 ? r->nitems - start : 500;
        edx_dbv args[501];
        edx_buf sql = EDX_BUF_INIT;
        edx_buf_puts(&sql, "SELECT external_id FROM credentials WHERE unit_id = ? AND external_id IN (");
        args[0] = EDX_DB_INT(r->unit.id);
        for (size_t i = 0; i < n; i++) {
            edx_buf_puts(&sql, i ? ",?" : "?");
            args[i + 1] = EDX_DB_TEXT(r->items[start + i].external_id);
        }
        edx_buf_putc(&sql, ')');
        if (sql.oom) return edx_err_nomem(err);
        edx_rows *rows = NULL;
        int rc = edx_db_query(r->db, &rows, sql.data, args, (int)n + 1, err);
        edx_buf_free(&sql);
        if (rc < 0) return rc;
        while ((rc = edx_rows_next(rows, err)) > 0) {
            const char *ext = edx_rows_text(rows, 0);
            for (size_t i = start; i < start + n; i++)
                if (r->items[i].rec && strcmp(r->items[i].external_id, ext) == 0) {
                    json_decref(r->items[i].rec);
                    r->items[i].rec = NULL;
                    (*existing)++;
                }
        }
        edx_rows_close(rows);
        if (rc < 0) return rc;
    }
    for (size_t i = 0; i < r->nitems; i++)
        if (r->items[i].rec) r->items[kept++] = r->items[i];
    r->nitems = kept;
    return 0;
}

static int insert_rows(run *r, size_t start, size_t n, edx_err *err)
{
    edx_dbv args[INSERT_ROWS * INSERT_COLS];
    edx_buf sql = EDX_BUF_INIT;
    edx_buf_puts(&sql, "INSERT INTO credentials (uid, unit_id, type, external_id, subject_name,"
                       " search_key, nid_hash, list_id, list_slot, list_index, key_id,"
                       " issued_at, document) VALUES ");
    for (size_t i = 0; i < n; i++) {
        item *it = &r->items[start + i];
        edx_dbv *v = &args[i * INSERT_COLS];
        v[0] = EDX_DB_TEXT(it->uid);
        v[1] = EDX_DB_INT(r->unit.id);
        v[2] = EDX_DB_TEXT(edx_cred_type_name(r->b.type));
        v[3] = EDX_DB_TEXT(it->external_id);
        v[4] = EDX_DB_TEXT(it->name);
        v[5] = EDX_DB_TEXT(it->search_key);
        v[6] = EDX_DB_TEXT(it->nid_hash[0] ? it->nid_hash : NULL);
        v[7] = EDX_DB_INT(it->list_id);
        v[8] = EDX_DB_INT(it->slot);
        v[9] = EDX_DB_INT(it->index);
        v[10] = EDX_DB_INT(r->key_id);
        v[11] = EDX_DB_INT(r->b.now);
        v[12] = EDX_DB_TEXT(it->doc);
        edx_buf_puts(&sql, i ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    }
    int rc = sql.oom ? edx_err_nomem(err)
                     : edx_db_exec(r->db, sql.data, args, (int)(n * INSERT_COLS), err);
    edx_buf_free(&sql);
    return rc < 0 ? rc : 0;
}

static int issue_chunk(run *r, edx_issue_report *rep, edx_err *err)
{
    long existing = 0;
    int rc = edx_db_begin(r->db, err);
    if (rc < 0) return rc;
    if ((rc = edx_db_lock(r->db, CRED_LOCK_BASE + r->unit.id, err)) < 0) goto fail;
    if ((rc = drop_existing(r, &existing, err)) < 0) goto fail;
    rep->existing += existing;
    if (r->nitems == 0) {
        edx_db_rollback(r->db);
        return 0;
    }
    if (!r->have_key && (rc = start_signing(r, err)) < 0) goto fail;
    /* Status slots: the current list, then new ones as lists fill up. */
    for (size_t done = 0; done < r->nitems;) {
        int64_t list_id, seq, salt, first;
        long k = cred_status_reserve(r->db, r->env, r->unit.id, (long)(r->nitems - done), r->b.now,
                                     &list_id, &seq, &salt, &first, err);
        if (k < 0) {
            rc = (int)k;
            goto fail;
        }
        for (long i = 0; i < k; i++, done++) {
            item *it = &r->items[done];
            it->list_id = list_id;
            it->seq = seq;
            it->slot = first + i;
            it->index = cred_status_index(first + i, salt);
            cred_uuid_new(it->uid);
        }
    }
    if ((rc = sign_and_insert(r, err)) < 0) goto fail;
    {
        char target[64];
        snprintf(target, sizeof target, "unit:%s", r->unit.code);
        json_t *detail = json_pack("{s:s,s:I,s:s,s:s,s:I}", "type", edx_cred_type_name(r->b.type),
                                   "count", (json_int_t)r->nitems, "first",
                                   r->items[0].external_id, "last",
                                   r->items[r->nitems - 1].external_id, "statusList",
                                   (json_int_t)r->items[0].seq);
        rc = edx_audit_commit(r->db, r->p->actor, "credential.issue", target, NULL, NULL, detail,
                              0, err);
        json_decref(detail);
        if (rc < 0) return rc;
    }
    rep->issued += (long)r->nitems;
    if (r->o->emit)
        for (size_t i = 0; i < r->nitems; i++) {
            item *it = &r->items[i];
            if (r->o->emit(r->o->emit_ctx, it->external_id, it->uid, it->doc, it->doc_len) != 0)
                return edx_err_set(err, EDX_EIO, 500, "output_failed", "",
                                   "writing the issued credentials failed");
        }
    return 0;
fail:
    edx_db_rollback(r->db);
    return rc;
}

static void items_clear(run *r)
{
    for (size_t i = 0; i < r->nitems; i++) {
        json_decref(r->items[i].rec);
        free(r->items[i].doc);
        free(r->items[i].search_key);
        edx_wipe(r->items[i].nid_hash, sizeof r->items[i].nid_hash);
    }
    r->nitems = 0;
}

static int issue_run(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_env *env,
                     rec_src *src, const edx_issue_opts *o, edx_issue_report *rep, edx_err *err)
{
    run r;
    report bad = {0};
    unsigned char *valid = NULL;
    long nrec = 0, ninvalid = 0;
    edx_arena scratch;
    memset(&r, 0, sizeof r);
    memset(rep, 0, sizeof *rep);
    edx_arena_init(&scratch, 0);
    if ((unsigned)o->type >= EDX_CRED_NTYPES)
        return edx_err_invalid(err, "type", "unknown credential type");
    int rc = edx_unit_ref_get(db, a, p, o->issuer, 1, "issuer", &r.unit, err);
    if (rc < 0) return rc;
    if (strcmp(r.unit.status, "active") != 0)
        return edx_err_invalid(err, "issuer", "unit %s is %s and cannot issue", r.unit.code,
                               r.unit.status);
    if (!env->master_key && !o->dry_run)
        return edx_err_set(err, EDX_EINVAL, 500, "no_master_key", "",
                           "this process has no master key file: it cannot sign");

    rc = validate_all(src, a, o->type, &valid, &nrec, &ninvalid, &bad, err);
    if (rc < 0) return rc;
    rep->records = nrec;
    rep->invalid = ninvalid;
    if (ninvalid > 0) {
        err->rows = bad.rows;
        err->nrows = bad.n;
    }
    if (nrec == 0) return edx_err_invalid(err, "records", "there are no records to issue");
    if (ninvalid > 0 && !o->skip_invalid) {
        rc = edx_err_invalid(err, "records",
                             "%ld of %ld records are invalid: nothing was issued", ninvalid, nrec);
        err->rows = bad.rows;
        err->nrows = bad.n;
        return rc;
    }
    r.db = db;
    r.a = a;
    r.p = p;
    r.env = env;
    r.o = o;
    r.b.type = o->type;
    r.b.public_url = env->public_url;
    r.b.unit_code = r.unit.code;
    r.b.unit_name = r.unit.name;
    r.b.unit_url = edx_arena_printf(a, "%s/units/%s", env->public_url, r.unit.code);
    r.b.now = o->now ? o->now : edx_now();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    r.nthreads = env->threads > 0 ? env->threads : (int)(cores > 0 ? cores : 1);
    if (r.nthreads > MAX_THREADS) r.nthreads = MAX_THREADS;
    r.items = calloc(CHUNK, sizeof *r.items);
    if (!r.items) return edx_err_nomem(err);
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);

    edx_db_bulk(db, 1);
    /* The header goes to `a` (it outlives the chunks); cells to the scratch arena. */
    if ((rc = src_open(src, a, err)) < 0) goto done;
    long idx = 0, total = nrec - ninvalid, done_rows = 0;
    for (;;) {
        json_t *rec = NULL;
        const char *bc, *bm;
        rc = src_next(src, &scratch, &rec, &bc, &bm, err);
        if (rc < 0) goto done;
        if (rc > 0) {
            if (valid[idx++]) {
                item *it = &r.items[r.nitems++];
                memset(it, 0, sizeof *it);
                it->rec = rec;
                it->external_id = json_string_value(json_object_get(rec, "external_id"));
                it->name = json_string_value(json_object_get(rec, "full_name"));
                it->nid = json_string_value(json_object_get(rec, "id_number"));
            } else {
                json_decref(rec);
            }
        }
        if (r.nitems == CHUNK || (rc == 0 && r.nitems > 0)) {
            done_rows += (long)r.nitems;
            if (o->dry_run) {
                /* Say what a real run would skip, writing nothing. */
                rc = drop_existing(&r, &rep->existing, err);
                items_clear(&r);
                if (rc < 0) goto done;
                edx_arena_reset(&scratch);
                if (rc == 0 && done_rows >= total) break;
                continue;
            }
            rc = issue_chunk(&r, rep, err);
            items_clear(&r);
            if (rc < 0) goto done;
            edx_arena_reset(&scratch);
            if (o->progress) o->progress(o->progress_ctx, done_rows, total);
            continue;
        }
        if (rc == 0) break;
    }
    rc = 0;
done:
    edx_db_bulk(db, 0);
    items_clear(&r);
    for (int t = 0; t < r.nthreads && r.have_key; t++) edx_di_signer_free(&r.signers[t]);
    free(r.items);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.cv);
    edx_arena_free(&scratch);
    if (rc >= 0 && ninvalid > 0) {
        err->rows = bad.rows;
        err->nrows = bad.n;
    }
    return rc;
}

int edx_cred_issue_csv(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_env *env,
                       const char *csv, size_t len, const edx_issue_opts *o,
                       edx_issue_report *rep, edx_err *err)
{
    rec_src s;
    memset(&s, 0, sizeof s);
    s.csv = csv;
    s.csv_len = len;
    return issue_run(db, a, p, env, &s, o, rep, err);
}

int edx_cred_issue_json(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_env *env,
                        json_t *records, const edx_issue_opts *o, edx_issue_report *rep,
                        edx_err *err)
{
    rec_src s;
    memset(&s, 0, sizeof s);
    if (!json_is_array(records))
        return edx_err_invalid(err, "records", "records must be a list of objects");
    s.arr = records;
    return issue_run(db, a, p, env, &s, o, rep, err);
}

/* ---- one caller-built credential (the W3C VC API) ------------------------------------------------ */

int edx_cred_issue_document(edx_db *db, edx_arena *a, const edx_principal *p,
                            const edx_cred_env *env, json_t *credential, json_t **out,
                            edx_err *err)
{
    uint8_t seed[EDX_ED25519_SEED], pk[EDX_ED25519_PK];
    char did[EDX_DID_MAX], uid[37], idbuf[48], from[32];
    edx_di_signer s;
    int have_signer = 0;
    json_t *doc = NULL;
    char *text = NULL;
    edx_unit_ref u;
    int64_t key_id = 0, now = edx_now(), t;
    memset(seed, 0, sizeof seed);
    if (!p->unit_code)
        return edx_err_forbidden(err, "your account has no unit to issue as");
    if (!env->master_key)
        return edx_err_set(err, EDX_EINVAL, 500, "no_master_key", "",
                           "this server has no master key file: it cannot sign");
    const json_t *ctx = json_object_get(credential, "@context");
    const json_t *c0 = json_is_array(ctx) ? json_array_get(ctx, 0) : NULL;
    if (!json_is_string(c0) || strcmp(json_string_value(c0), EDX_VC_V2) != 0)
        return edx_err_invalid(err, "credential.@context",
                               "@context must be a list starting with " EDX_VC_V2);
    if (json_object_get(credential, "proof"))
        return edx_err_invalid(err, "credential.proof", "the credential must not have a proof");
    if (json_object_get(credential, "credentialStatus"))
        return edx_err_invalid(err, "credential.credentialStatus",
                               "credentialStatus is assigned by the issuer");
    if (!json_is_object(json_object_get(credential, "credentialSubject")))
        return edx_err_invalid(err, "credential.credentialSubject",
                               "credentialSubject (an object) is required");
    const json_t *vf = json_object_get(credential, "validFrom");
    if (vf && !(json_is_string(vf) && edx_datetime_stamp(json_string_value(vf), &t)))
        return edx_err_invalid(err, "credential.validFrom",
                               "validFrom must be a dateTimeStamp such as 2026-06-30T00:00:00Z");
    const json_t *id = json_object_get(credential, "id");
    if (id && !json_is_string(id))
        return edx_err_invalid(err, "credential.id", "id must be a URI");
    if (id && cred_uuid_parse(json_string_value(id), uid) != 0)
        return edx_err_invalid(err, "credential.id",
                               "id must be a urn:uuid (or absent: one is assigned)");
    if (!id) cred_uuid_new(uid);

    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    if ((rc = edx_unit_ref_get(db, a, p, p->unit_code, 1, "issuer", &u, err)) < 0) goto fail;
    if ((rc = edx_db_lock(db, CRED_LOCK_BASE + u.id, err)) < 0) goto fail;
    if ((rc = edx_cred_key_active(db, env, u.id, &key_id, seed, pk, err)) < 0) goto fail;
    edx_did_key(pk, did);
    const json_t *is = json_object_get(credential, "issuer");
    const char *given = json_is_string(is) ? json_string_value(is)
                                           : json_string_value(json_object_get(is, "id"));
    if (is && (!given || strcmp(given, did) != 0)) {
        rc = edx_err_invalid(err, "credential.issuer",
                             "issuer must be absent or this unit's DID %s", did);
        goto fail;
    }
    int64_t list_id, seq, salt, first;
    long k = cred_status_reserve(db, env, u.id, 1, now, &list_id, &seq, &salt, &first, err);
    if (k < 0) {
        rc = (int)k;
        goto fail;
    }
    int64_t index = cred_status_index(first, salt);
    doc = json_deep_copy(credential);
    if (!doc) goto nomem;
    snprintf(idbuf, sizeof idbuf, "urn:uuid:%s", uid);
    json_object_set_new(doc, "id", json_string(idbuf));
    if (!is) json_object_set_new(doc, "issuer", json_string(did));
    if (!vf) {
        edx_time_iso(now, from);
        json_object_set_new(doc, "validFrom", json_string(from));
    }
    json_object_set_new(doc, "credentialStatus",
                        cred_status_entries(env->public_url, u.code, seq, index));
    if (edx_di_signer_init(&s, seed, NULL, now) != 0) goto nomem;
    have_signer = 1;
    size_t len;
    if ((rc = edx_di_sign(&s, doc, &text, &len, err)) < 0) goto fail;
    const json_t *cs = json_object_get(doc, "credentialSubject");
    const char *name = json_string_value(json_object_get(cs, "name"));
    if (!name) name = json_string_value(json_object_get(cs, "id"));
    if (!name) name = "";
    char *key = edx_utf8_search_key(a, name);
    rc = edx_db_exec(db,
                     "INSERT INTO credentials (uid, unit_id, type, external_id, subject_name,"
                     " search_key, nid_hash, list_id, list_slot, list_index, key_id, issued_at,"
                     " document) VALUES (?, ?, 'other', ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                     EDX_DB_ARGS(EDX_DB_TEXT(uid), EDX_DB_INT(u.id), EDX_DB_TEXT(idbuf),
                                 EDX_DB_TEXT(name), EDX_DB_TEXT(key ? key : ""),
                                 EDX_DB_INT(list_id), EDX_DB_INT(first), EDX_DB_INT(index),
                                 EDX_DB_INT(key_id),
                                 EDX_DB_INT(now), EDX_DB_TEXT(text)),
                     err);
    if (rc == EDX_ECONFLICT) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "already_issued", "credential.id",
                         "a credential with this id was issued already");
        goto fail;
    }
    if (rc < 0) goto fail;
    {
        char target[64];
        snprintf(target, sizeof target, "credential:%s", uid);
        json_t *detail = json_pack("{s:s,s:I}", "type", "other", "count", (json_int_t)1);
        rc = edx_audit_commit(db, p->actor, "credential.issue", target, NULL, NULL, detail, 0,
                              err);
        json_decref(detail);
        if (rc < 0) goto done;
    }
    *out = doc;
    doc = NULL;
    rc = 0;
    goto done;
nomem:
    rc = edx_err_nomem(err);
fail:
    edx_db_rollback(db);
done:
    if (have_signer) edx_di_signer_free(&s);
    edx_wipe(seed, sizeof seed);
    json_decref(doc);
    free(text);
    return rc;
}
