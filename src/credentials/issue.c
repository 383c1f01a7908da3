/*
 * issue.c: batch issuance.
 *
 * Pass 1 reads every record (CSV row or JSON object) in blocks; every core
 * cleans its share (valid UTF-8, no control characters, NFC) and validates it
 * against the type's input schema; then repeated external ids are found in row
 * order. Unless skip_invalid, any problem stops the run before anything is
 * written, with one report row per problem. The cleaned records are kept.
 *
 * Pass 2 issues the kept records in chunks. Each chunk is one transaction under
 * the issuer's lock: drop records whose (issuer, external id) exists already,
 * reserve status slots, build, sign and compress the credentials on every core
 * (this thread too, while its next group is not ready), insert them in groups,
 * append one audit record, commit. A crash loses at most the chunk in flight,
 * and a rerun skips what was committed: every record is issued exactly once.
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

/* A record as read: CSV cells or one JSON object (borrowed from the input). */
typedef struct raw_rec {
    long row;
    char **f;
    size_t n;
    json_t *obj;
} raw_rec;

/* A record cleaned: its non-empty cells as name/text pairs (valid UTF-8, no controls, NFC). */
typedef struct crec {
    long row;
    size_t n;
    const char **keys, **vals;
    const char *bad_col, *bad_msg; /* the first cell problem, if any */
    edx_schema_issue *issues;      /* schema problems (bad_col/bad_msg aside) */
    int nissues;
} crec;

/* Next raw record; 1 record, 0 end, <0 malformed input. Cells go to `a`. */
static int src_read(rec_src *s, edx_arena *a, raw_rec *out, edx_err *err)
{
    memset(out, 0, sizeof *out);
    if (s->csv) {
        int rc = edx_csv_next(&s->c, a, &out->f, &out->n, err);
        if (rc <= 0) return rc;
        s->row = out->row = s->c.record;
        return 1;
    }
    if (s->next >= json_array_size(s->arr)) return 0;
    out->obj = json_array_get(s->arr, s->next++);
    s->row = out->row = (long)s->next;
    return 1;
}

static void set_bad(crec *c, edx_arena *a, const char *col, const char *msg)
{
    if (c->bad_col) return;
    c->bad_col = edx_arena_strdup(a, col);
    c->bad_msg = edx_arena_strdup(a, msg);
}

/*
 * Clean a raw record into `c`, everything in `a` (thread-safe: `s` is only read).
 * A cell problem is noted in c->bad_col / c->bad_msg; -1 only when out of memory.
 */
static int rec_clean(const rec_src *s, const raw_rec *r, edx_arena *a, crec *c)
{
    edx_err e;
    memset(c, 0, sizeof *c);
    c->row = r->row;
    size_t cap = r->obj ? json_object_size(r->obj) : r->n;
    c->keys = edx_arena_alloc(a, (cap + 1) * sizeof *c->keys);
    c->vals = edx_arena_alloc(a, (cap + 1) * sizeof *c->vals);
    if (!c->keys || !c->vals) return -1;
    if (!r->obj) {
        if (r->n != s->nhdr && !(r->n == 1 && r->f[0][0] == '\0'))
            set_bad(c, a, "", edx_arena_printf(a, "the row has %zu fields; the header has %zu",
                                               r->n, s->nhdr));
        for (size_t i = 0; i < r->n && i < s->nhdr; i++) {
            char *clean = NULL;
            if (r->f[i][0] == '\0') continue;
            if (edx_text_clean(a, r->f[i], 0, 2000, s->hdr[i], &clean, &e) < 0) {
                set_bad(c, a, s->hdr[i], e.message);
                continue;
            }
            if (*clean) {
                c->keys[c->n] = s->hdr[i];
                c->vals[c->n++] = clean;
            }
        }
        return 0;
    }
    if (!json_is_object(r->obj)) {
        set_bad(c, a, "", "a record must be a JSON object");
        return 0;
    }
    const char *k;
    json_t *v;
    json_object_foreach(r->obj, k, v) {
        char num[32], *clean = NULL;
        const char *text = NULL;
        if (json_is_string(v)) text = json_string_value(v);
        else if (json_is_integer(v) || json_is_real(v)) {
            edx_jcs_number(json_number_value(v), num);
            text = num;
        } else if (json_is_null(v)) continue;
        else {
            set_bad(c, a, k, edx_arena_printf(a, "%s must be text", k));
            continue;
        }
        if (edx_text_clean(a, text, 0, 2000, k, &clean, &e) < 0) {
            set_bad(c, a, k, e.message);
            continue;
        }
        if (*clean) {
            c->keys[c->n] = edx_arena_strdup(a, k);
            c->vals[c->n++] = clean;
        }
    }
    return 0;
}

/* The record as a JSON object of strings (in the caller's allocation scope), or NULL. */
static json_t *crec_json(const crec *c)
{
    json_t *obj = json_object();
    for (size_t i = 0; obj && i < c->n; i++)
        if (json_object_set_new_nocheck(obj, c->keys[i], json_string_nocheck(c->vals[i])) != 0) {
            json_decref(obj);
            return NULL;
        }
    return obj;
}

static const char *crec_get(const crec *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->keys[i], key) == 0) return c->vals[i];
    return NULL;
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
    /* Copied: the row's own strings live in arenas that end with the run. */
    r->rows[r->n].row = row;
    r->rows[r->n].column = edx_arena_strdup(a, col ? col : "");
    r->rows[r->n].reason = edx_arena_strdup(a, reason ? reason : "");
    if (!r->rows[r->n].column || !r->rows[r->n].reason) return -1;
    r->n++;
    return 0;
}

/*
 * Pass 1 runs on every core: this thread reads records in blocks, the threads
 * clean and validate them (each into its own arena, kept for pass 2), then this
 * thread reports in row order and finds repeated external ids.
 */
#define BLOCK 2048
#define MAX_ISSUES 8

typedef struct vblock {
    const rec_src *s;
    edx_cred_type type;
    raw_rec *raw;
    crec *out;
    size_t n;
    int nthreads, tid;
    edx_arena *keep; /* this lane's arena for the whole run */
    int oom;
} vblock;

static void *validate_lane(void *arg)
{
    vblock *v = arg;
    edx_arena scratch;
    edx_schema_issue issues[MAX_ISSUES];
    edx_arena_init(&scratch, 1 << 14);
    for (size_t i = (size_t)v->tid; i < v->n && !v->oom; i += (size_t)v->nthreads) {
        crec *c = &v->out[i];
        if (rec_clean(v->s, &v->raw[i], v->keep, c) != 0) {
            v->oom = 1;
            break;
        }
        edx_json_use_arena(&scratch);
        json_t *rec = crec_json(c);
        int ni = rec ? cred_validate(v->type, v->tid, rec, &scratch, issues, MAX_ISSUES) : -1;
        json_decref(rec);
        edx_json_use_arena(NULL);
        if (ni > 0 && (c->issues = edx_arena_alloc(v->keep, (size_t)ni * sizeof *c->issues))) {
            for (int k = 0; k < ni; k++) {
                c->issues[k].field = edx_arena_strdup(v->keep, issues[k].field);
                c->issues[k].message = edx_arena_strdup(v->keep, issues[k].message);
            }
            c->nissues = ni;
        }
        if (ni < 0 || (ni > 0 && !c->issues)) v->oom = 1;
        edx_arena_reset(&scratch);
    }
    edx_arena_free(&scratch);
    return NULL;
}

/* Clean and validate every record into recs[0..*nrec); valid[i] says whether record i may be issued. */
static int validate_all(rec_src *s, edx_arena *a, edx_arena *keep, int nthreads,
                        edx_cred_type type, crec **recs_out, unsigned char **valid_out,
                        long *nrec, long *ninvalid, report *rep, edx_err *err)
{
    edx_arena scratch;
    edx_map seen;
    crec *recs = NULL;
    unsigned char *valid = NULL;
    raw_rec *raw = calloc(BLOCK, sizeof *raw);
    size_t cap = 0;
    long n = 0, bad = 0;
    int rc = 0, end = 0;
    edx_arena_init(&scratch, 0);
    edx_map_init(&seen, a);
    if (!raw) return edx_err_nomem(err);
    if ((rc = src_open(s, a, err)) < 0) goto done;
    while (!end) {
        /* Read a block. */
        size_t got = 0;
        edx_arena_reset(&scratch);
        while (got < BLOCK) {
            rc = src_read(s, &scratch, &raw[got], err);
            if (rc < 0) goto done;
            if (rc == 0) {
                end = 1;
                break;
            }
            if (n + (long)got >= MAX_RECORDS) {
                rc = edx_err_set(err, EDX_ELIMIT, 413, "too_many_records", "records",
                                 "a batch may hold at most %d records", MAX_RECORDS);
                goto done;
            }
            got++;
        }
        rc = 0;
        if (got == 0) break;
        if ((size_t)n + got > cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            while (ncap < (size_t)n + got) ncap *= 2;
            crec *nr = realloc(recs, ncap * sizeof *nr);
            if (!nr) goto nomem;
            recs = nr;
            unsigned char *nv = realloc(valid, ncap);
            if (!nv) goto nomem;
            valid = nv;
            cap = ncap;
        }
        /* Clean and validate it on every lane. */
        vblock lanes[MAX_THREADS];
        pthread_t th[MAX_THREADS];
        int lanes_n = nthreads < 1 ? 1 : nthreads, started = 1;
        for (int t = 0; t < lanes_n; t++)
            lanes[t] = (vblock){s, type, raw, recs + n, got, lanes_n, t, &keep[t], 0};
        for (int t = 1; t < lanes_n; t++) {
            if (pthread_create(&th[t], NULL, validate_lane, &lanes[t]) != 0) break;
            started++;
        }
        for (int t = started; t < lanes_n; t++) {
            lanes[t].keep = &keep[0]; /* no thread: this one takes the lane, in lane 0's arena */
            validate_lane(&lanes[t]);
        }
        validate_lane(&lanes[0]);
        for (int t = 1; t < started; t++) pthread_join(th[t], NULL);
        for (int t = 0; t < lanes_n; t++)
            if (lanes[t].oom) goto nomem;
        /* Report in row order; repeated external ids. */
        for (size_t i = 0; i < got; i++, n++) {
            crec *c = &recs[n];
            int ok = 1;
            if (c->bad_col) {
                ok = 0;
                if (report_add(rep, a, c->row, c->bad_col, c->bad_msg)) goto nomem;
            }
            for (int k = 0; k < c->nissues; k++) {
                ok = 0;
                if (report_add(rep, a, c->row, c->issues[k].field, c->issues[k].message))
                    goto nomem;
            }
            const char *ext = crec_get(c, "external_id");
            if (ext) {
                long *first = edx_map_get(&seen, ext);
                if (first) {
                    ok = 0;
                    if (report_add(rep, a, c->row, "external_id",
                                   edx_arena_printf(a, "external_id %s repeats row %ld", ext,
                                                    *first)))
                        goto nomem;
                } else {
                    long *row = edx_arena_alloc(a, sizeof *row);
                    if (!row) goto nomem;
                    *row = c->row;
                    if (edx_map_put(&seen, ext, row) != 0) goto nomem;
                }
            }
            valid[n] = (unsigned char)ok;
            if (!ok) bad++;
        }
    }
    *recs_out = recs;
    *valid_out = valid;
    recs = NULL;
    valid = NULL;
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
    free(recs);
    free(valid);
    free(raw);
    edx_arena_free(&scratch);
    return rc;
}

/* ---- pass 2: issuing ----------------------------------------------------------------------- */

typedef struct item {
    const crec *rec; /* NULL once found issued already */
    const char *external_id, *name, *nid;
    char uid[37];
    int64_t list_id, seq, slot, index;
    char *doc;
    size_t doc_len;
    char *search_key;             /* malloc'd by the worker */
    edx_buf stored;               /* the document as stored (cred_doc_pack) */
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
    /* Lanes 0..nthreads-1 are the worker threads; lane nthreads is this (the inserting) thread. */
    edx_di_signer signers[MAX_THREADS + 1];
    cred_packer packers[MAX_THREADS + 1];
    edx_err thread_err[MAX_THREADS + 1];
    edx_arena scratch[MAX_THREADS + 1];
    int nthreads;
    item *items;
    size_t nitems;
    /* Workers take items in small batches; the inserter helps while its next group is unsigned. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next;  /* next item to take */
    int stop;     /* the inserter failed: workers give up */
    int waiting;  /* the inserter sleeps on cv: wake it when a batch is done */
} run;

typedef struct worker {
    run *r;
    int tid;
} worker;

#define TAKE 8

/* Build, sign and derive the columns of item i on lane `tid`. */
static int sign_item(run *r, int tid, item *it)
{
    edx_arena *scratch = &r->scratch[tid];
    edx_err *err = &r->thread_err[tid];
    /* The document is built and dropped here: its jansson values come from the scratch arena. */
    edx_json_use_arena(scratch);
    json_t *rec = crec_json(it->rec);
    json_t *doc = rec ? cred_build_doc(&r->b, rec, it->uid, it->seq, it->index) : NULL;
    int rc = doc ? edx_di_sign(&r->signers[tid], doc, &it->doc, &it->doc_len, err)
                 : edx_err_nomem(err);
    json_decref(doc);
    json_decref(rec);
    edx_json_use_arena(NULL);
    if (rc == 0) {
        char *key = edx_utf8_search_key(scratch, it->name);
        it->search_key = key ? strdup(key) : NULL;
        if (!it->search_key || cred_doc_pack(&r->packers[tid], it->doc, it->doc_len, &it->stored))
            rc = edx_err_nomem(err);
        if (it->nid && r->env->nid_key) edx_nid_hash(r->env->nid_key, it->nid, it->nid_hash);
    }
    edx_arena_reset(scratch);
    return rc;
}

/* Take and sign the next batch on lane `tid`; 0 when there is nothing left. Called unlocked. */
static int sign_batch(run *r, int tid)
{
    pthread_mutex_lock(&r->mu);
    size_t i = r->next, n = 0;
    if (!r->stop && i < r->nitems) n = r->nitems - i < TAKE ? r->nitems - i : TAKE;
    r->next += n;
    pthread_mutex_unlock(&r->mu);
    if (n == 0) return 0;
    int rcs[TAKE];
    for (size_t k = 0; k < n; k++) rcs[k] = sign_item(r, tid, &r->items[i + k]);
    pthread_mutex_lock(&r->mu);
    for (size_t k = 0; k < n; k++) {
        r->items[i + k].rc = rcs[k];
        r->items[i + k].done = 1;
    }
    if (r->waiting) pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return 1;
}

static void *sign_worker(void *arg)
{
    worker *w = arg;
    while (sign_batch(w->r, w->tid)) {
    }
    return NULL;
}

static int insert_rows(run *r, size_t start, size_t n, edx_err *err);

/*
 * Sign every item on the worker threads and insert them here in order, in
 * groups of INSERT_ROWS, as soon as each group is signed: the store's work
 * overlaps the signing, and while its next group is not ready this thread
 * signs too.
 */
static int sign_and_insert(run *r, edx_err *err)
{
    pthread_t th[MAX_THREADS];
    worker w[MAX_THREADS];
    int started = 0, rc = 0;
    const int me = r->nthreads;
    r->next = 0;
    r->stop = 0;
    r->waiting = 0;
    for (int t = 0; t < r->nthreads; t++) {
        w[t] = (worker){r, t};
        if (pthread_create(&th[t], NULL, sign_worker, &w[t]) != 0) break;
        started++;
    }
    for (size_t start = 0; start < r->nitems && rc == 0; start += INSERT_ROWS) {
        size_t n = r->nitems - start < INSERT_ROWS ? r->nitems - start : INSERT_ROWS;
        pthread_mutex_lock(&r->mu);
        for (size_t i = start; i < start + n; i++) {
            while (!r->items[i].done) {
                if (r->next < r->nitems) {
                    pthread_mutex_unlock(&r->mu);
                    sign_batch(r, me);
                    pthread_mutex_lock(&r->mu);
                    continue;
                }
                r->waiting = 1;
                pthread_cond_wait(&r->cv, &r->mu);
                r->waiting = 0;
            }
            if (r->items[i].rc < 0 && rc == 0) rc = r->items[i].rc;
        }
        pthread_mutex_unlock(&r->mu);
        if (rc < 0) {
            for (int t = 0; t <= r->nthreads; t++)
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
    for (int t = 1; t <= r->nthreads; t++)
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
        v[12] = EDX_DB_BLOB(it->stored.data, it->stored.len);
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
    rc = drop_existing(r, &existing, err); if (rc < 0) goto fail;
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
        free(r->items[i].doc);
        free(r->items[i].search_key);
        edx_buf_free(&r->items[i].stored);
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
    crec *recs = NULL;
    edx_arena keep[MAX_THREADS]; /* the cleaned records, one arena per validating lane */
    long nrec = 0, ninvalid = 0;
    memset(&r, 0, sizeof r);
    memset(rep, 0, sizeof *rep);
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

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    r.nthreads = env->threads > 0 ? env->threads : (int)(cores > 0 ? cores : 1);
    if (r.nthreads > MAX_THREADS) r.nthreads = MAX_THREADS;
    for (int t = 0; t < MAX_THREADS; t++) edx_arena_init(&keep[t], 1 << 20);
    for (int t = 0; t <= MAX_THREADS; t++) edx_arena_init(&r.scratch[t], 1 << 16);
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    rc = validate_all(src, a, keep, r.nthreads, o->type, &recs, &valid, &nrec, &ninvalid, &bad,
                      err);
    if (rc < 0) goto done;
    rep->records = nrec;
    rep->invalid = ninvalid;
    if (ninvalid > 0) {
        err->rows = bad.rows;
        err->nrows = bad.n;
    }
    if (nrec == 0) {
        rc = edx_err_invalid(err, "records", "there are no records to issue");
        goto done;
    }
    if (ninvalid > 0 && !o->skip_invalid) {
        rc = edx_err_invalid(err, "records",
                             "%ld of %ld records are invalid: nothing was issued", ninvalid, nrec);
        err->rows = bad.rows;
        err->nrows = bad.n;
        goto done;
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
    r.items = calloc(CHUNK, sizeof *r.items);
    if (!r.items) {
        rc = edx_err_nomem(err);
        goto done;
    }

    edx_db_bulk(db, 1);
    long total = nrec - ninvalid, done_rows = 0;
    for (long i = 0; i < nrec; i++) {
        if (valid[i]) {
            item *it = &r.items[r.nitems++];
            memset(it, 0, sizeof *it);
            it->rec = &recs[i];
            it->external_id = crec_get(it->rec, "external_id");
            it->name = crec_get(it->rec, "full_name");
            it->nid = crec_get(it->rec, "id_number");
        }
        if (r.nitems < CHUNK && i + 1 < nrec) continue;
        if (r.nitems == 0) break;
        done_rows += (long)r.nitems;
        if (o->dry_run) {
            /* Say what a real run would skip, writing nothing. */
            rc = drop_existing(&r, &rep->existing, err);
            items_clear(&r);
            if (rc < 0) goto done;
            continue;
        }
        rc = issue_chunk(&r, rep, err);
        items_clear(&r);
        if (rc < 0) goto done;
        if (o->progress) o->progress(o->progress_ctx, done_rows, total);
    }
    rc = 0;
done:
    edx_db_bulk(db, 0);
    items_clear(&r);
    for (int t = 0; t <= r.nthreads && r.have_key; t++) edx_di_signer_free(&r.signers[t]);
    for (int t = 0; t <= MAX_THREADS; t++) {
        cred_packer_free(&r.packers[t]);
        edx_arena_free(&r.scratch[t]);
    }
    free(r.items);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.cv);
    for (int t = 0; t < MAX_THREADS; t++) edx_arena_free(&keep[t]);
    free(recs);
    free(valid);
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
    edx_buf stored = EDX_BUF_INIT;
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
    cred_packer packer = {0};
    rc = cred_doc_pack(&packer, text, len, &stored);
    cred_packer_free(&packer);
    if (rc != 0) goto nomem;
    rc = edx_db_exec(db,
                     "INSERT INTO credentials (uid, unit_id, type, external_id, subject_name,"
                     " search_key, nid_hash, list_id, list_slot, list_index, key_id, issued_at,"
                     " document) VALUES (?, ?, 'other', ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                     EDX_DB_ARGS(EDX_DB_TEXT(uid), EDX_DB_INT(u.id), EDX_DB_TEXT(idbuf),
                                 EDX_DB_TEXT(name), EDX_DB_TEXT(key ? key : ""),
                                 EDX_DB_INT(list_id), EDX_DB_INT(first), EDX_DB_INT(index),
                                 EDX_DB_INT(key_id),
                                 EDX_DB_INT(now), EDX_DB_BLOB(stored.data, stored.len)),
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
    edx_buf_free(&stored);
    return rc;
}
