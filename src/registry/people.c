/*
 * people.c: teachers, managers, learners and staff of the units.
 *
 * The 12-digit citizen ID number (CCCD) is never stored: only HMAC-SHA-256
 * under the server secret (so a stolen database cannot be brute-forced
 * through the small ID space without the secret) plus the last four digits
 * for display. Lookup by ID number hashes the query the same way.
 */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "json/json.h"
#include "registry/registry_int.h"

/* Province codes of the citizen ID (Circular 07/2016/TT-BCA, as amended). */
static const char *const nid_provinces[] = {
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096", NULL,
};

int edx_nid_check(const char *nid, const char *field, edx_err *err)
{
    if (!nid || !*nid) return edx_err_invalid(err, field, "the ID number is required");
    size_t n = strlen(nid);
    for (size_t i = 0; i < n; i++)
        if (nid[i] < '0' || nid[i] > '9')
            return edx_err_invalid(err, field, "the ID number must be 12 digits (0-9 only)");
    if (n != 12)
        return edx_err_invalid(err, field, "the ID number must be 12 digits, not %zu", n);
    int known = 0;
    for (const char *const *p = nid_provinces; *p; p++)
        if (strncmp(nid, *p, 3) == 0) known = 1;
    if (!known)
        return edx_err_invalid(err, field,
                               "the ID number does not start with a known province code");
    /* Digit 4: century and sex (0/1: 1900s, 2/3: 2000s, 4/5: 2100s …); digits 5-6: year. */
    int century = 1900 + ((nid[3] - '0') / 2) * 100;
    int year = century + (nid[4] - '0') * 10 + (nid[5] - '0');
    int64_t now = edx_now();
    int this_year = 1970 + (int)(now / 31556952);
    if (year > this_year)
        return edx_err_invalid(err, field, "the ID number gives a birth year in the future");
    return 0;
}

void edx_nid_hash(const uint8_t key[EDX_SECRET_BYTES], const char *nid, char out[EDX_SHA256_HEX])
{
    char msg[32];
    int n = snprintf(msg, sizeof msg, "edudx-nid-v1:%s", nid);
    edx_hmac_sha256_hex(key, msg, (size_t)n, out);
    edx_wipe(msg, sizeof msg);
}

static const char *const kinds[] = {"teacher", "manager", "learner", "staff", NULL};

#define PERSON_COLS                                                                                \
    "x.id, x.full_name, x.kind, x.nid_last4, x.status, x.created_at, x.updated_at, u.code,"       \
    " u.name, u.path"
#define PERSON_FROM " FROM people x JOIN units u ON u.id = x.unit_id"

static json_t *person_json(edx_rows *r, void *ctx)
{
    (void)ctx;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(edx_rows_int(r, 0)));
    json_object_set_new(o, "full_name", edx_json_str_or_null(edx_rows_text(r, 1)));
    json_object_set_new(o, "kind", edx_json_str_or_null(edx_rows_text(r, 2)));
    char masked[16];
    snprintf(masked, sizeof masked, "********%s", edx_rows_text(r, 3) ? edx_rows_text(r, 3) : "????");
    json_object_set_new(o, "national_id_masked", json_string(masked));
    json_object_set_new(o, "status", edx_json_str_or_null(edx_rows_text(r, 4)));
    json_object_set_new(o, "created_at", reg_time_json(edx_rows_int(r, 5)));
    json_object_set_new(o, "updated_at", reg_time_json(edx_rows_int(r, 6)));
    json_object_set_new(o, "unit_code", edx_json_str_or_null(edx_rows_text(r, 7)));
    json_object_set_new(o, "unit_name", edx_json_str_or_null(edx_rows_text(r, 8)));
    return o;
}

/*
 * One person by a WHERE clause; checks the caller may read the person's unit.
 * Out of scope gives 403 for a record id but 404 for an ID-number lookup
 * (`hide`): telling that a citizen is registered elsewhere would leak it.
 */
static int person_one(edx_db *db, const edx_principal *p, const char *sql, const edx_dbv *args,
                      int nargs, int hide, json_t **out, edx_err *err)
{
    edx_rows *r;
    int rc = edx_db_query(db, &r, sql, args, nargs, err);
    if (rc < 0) return rc;
    rc = edx_rows_next(r, err);
    int denied = rc == 1 && !edx_scope_can_read(p, edx_rows_text(r, 9));
    if (rc == 1 && !denied) *out = person_json(r, NULL);
    edx_rows_close(r);
    if (denied && !hide)
        return edx_err_forbidden(err, "this person belongs to a unit outside your subtree");
    if (rc == 0 || denied)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "", "person not found");
    return rc < 0 ? rc : 0;
}

/*
 * An ID number already registered. Only a caller who may see that person learns where;
 * anyone else gets a neutral refusal, or the answer would tell a unit admin that a citizen
 * is registered in another province.
 */
static int conflict_error(const edx_principal *p, const char *existing_path, edx_err *err)
{
    edx_log(EDX_LOG_WARN, "person.conflict", "%s tried to register an ID number that exists",
            p->actor);
    if (existing_path && edx_scope_can_read(p, existing_path))
        return edx_err_set(err, EDX_ECONFLICT, 409, "conflict", "national_id",
                           "a person with this ID number is already registered in your units");
    return edx_err_set(err, EDX_ECONFLICT, 409, "conflict", "national_id",
                       "this ID number cannot be registered here; ask a ministry administrator");
}

static const char *const person_fields[] = {"unit_code", "full_name", "kind", "national_id", NULL};

int edx_person_add(edx_db *db, edx_arena *a, const edx_principal *p,
                   const uint8_t key[EDX_SECRET_BYTES], json_t *body, json_t **out, edx_err *err)
{
    const char *unit_code = NULL, *name = NULL, *kind = NULL, *nid = NULL;
    char *clean;
    int rc;
    if ((rc = edx_json_only(body, person_fields, err)) < 0 ||
        (rc = edx_json_get_str(body, "unit_code", 1, &unit_code, err)) < 0 ||
        (rc = edx_json_get_str(body, "full_name", 1, &name, err)) < 0 ||
        (rc = edx_json_get_str(body, "kind", 1, &kind, err)) < 0 ||
        (rc = edx_json_get_str(body, "national_id", 1, &nid, err)) < 0)
        return rc;
    if ((rc = edx_text_clean(a, name, 1, 200, "full_name", &clean, err)) < 0) return rc;
    int ok = 0;
    for (const char *const *k = kinds; *k; k++)
        if (strcmp(*k, kind) == 0) ok = 1;
    if (!ok)
        return edx_err_invalid(err, "kind", "kind must be teacher, manager, learner or staff");
    if ((rc = edx_nid_check(nid, "national_id", err)) < 0) return rc;
    unit_rec u = {0};
    if ((rc = unit_for_read(db, a, p, unit_code, "unit_code", &u, err)) < 0) return rc;
    if (!edx_scope_can_write(p, u.path))
        return edx_err_set(err, EDX_EPERM, 403, "forbidden", "unit_code",
                           "you cannot add people to unit %s", unit_code);
    char h[EDX_SHA256_HEX];
    edx_nid_hash(key, nid, h);
    char last4[5];
    memcpy(last4, nid + 8, 4);
    last4[4] = '\0';
    int64_t now = edx_now(), id = 0;
    char *skey = edx_utf8_search_key(a, clean);
    if (!skey) return edx_err_nomem(err);
    /* Look first, so the refusal can say where only to those who may see it. */
    char *existing_path = NULL;
    edx_rows *r;
    if ((rc = edx_db_query(db, &r,
                           "SELECT u.path FROM people x JOIN units u ON u.id = x.unit_id"
                           " WHERE x.nid_hash = ?",
                           EDX_DB_ARGS(EDX_DB_TEXT(h)), err)) < 0)
        return rc;
    if ((rc = edx_rows_next(r, err)) == 1) existing_path = edx_arena_strdup(a, edx_rows_text(r, 0));
    edx_rows_close(r);
    if (rc < 0) return rc;
    if (rc == 1) return conflict_error(p, existing_path, err);
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    rc = edx_db_query_int(db,
                          "INSERT INTO people (unit_id, full_name, search_key, kind, nid_hash,"
                          " nid_last4, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)"
                          " RETURNING id",
                          EDX_DB_ARGS(EDX_DB_INT(u.id), EDX_DB_TEXT(clean), EDX_DB_TEXT(skey),
                                      EDX_DB_TEXT(kind), EDX_DB_TEXT(h), EDX_DB_TEXT(last4),
                                      EDX_DB_INT(now), EDX_DB_INT(now)),
                          &id, err);
    if (rc == EDX_ECONFLICT) conflict_error(p, existing_path, err);
    json_t *after = json_pack("{s:s,s:s,s:s,s:s}", "unit", u.code, "full_name", clean, "kind",
                              kind, "nid_hash", h);
    char *target = edx_arena_printf(a, "person:%lld", (long long)id);
    rc = reg_finish_write(db, p, "person.create", target ? target : "person", NULL, after, NULL,
                          rc, err);
    json_decref(after);
    if (rc < 0) return rc;
    return edx_person_get(db, a, p, id, out, err);
}

int edx_person_get(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id, json_t **out,
                   edx_err *err)
{
    (void)a;
    return person_one(db, p, "SELECT " PERSON_COLS PERSON_FROM " WHERE x.id = ?",
                      EDX_DB_ARGS(EDX_DB_INT(id)), 0, out, err);
}

int edx_person_find_nid(edx_db *db, edx_arena *a, const edx_principal *p,
                        const uint8_t key[EDX_SECRET_BYTES], const char *nid, json_t **out,
                        edx_err *err)
{
    (void)a;
    int rc = edx_nid_check(nid, "national_id", err);
    if (rc < 0) return rc;
    char h[EDX_SHA256_HEX];
    edx_nid_hash(key, nid, h);
    return person_one(db, p, "SELECT " PERSON_COLS PERSON_FROM " WHERE x.nid_hash = ?",
                      EDX_DB_ARGS(EDX_DB_TEXT(h)), 1, out, err);
}

int edx_person_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *unit_code,
                    int subtree, const char *q, int limit, int offset, json_t **out, edx_err *err)
{
    if (limit == 0) limit = 100;
    if (limit < 1 || limit > 500) return edx_err_invalid(err, "limit", "limit must be 1 to 500");
    if (offset < 0) return edx_err_invalid(err, "offset", "offset must not be negative");
    if (!unit_code || !*unit_code) return edx_err_invalid(err, "unit", "unit is required");
    unit_rec u = {0};
    int rc = unit_for_read(db, a, p, unit_code, "unit", &u, err);
    if (rc < 0) return rc;
    char *end = edx_unit_path_end(a, u.path);
    if (!end) return edx_err_nomem(err);
    char *like = NULL;
    if (q && *q) {
        if (!edx_utf8_valid(q, strlen(q))) return edx_err_invalid(err, "q", "q is not valid UTF-8");
        char *k = edx_utf8_search_key(a, q);
        like = k ? edx_arena_printf(a, "%%%s%%", k) : NULL;
        if (!like) return edx_err_nomem(err);
        /* LIKE's wildcards and escape in the query are plain text: blank them out. */
        for (char *c = like + 1; c[1]; c++)
            if (*c == '%' || *c == '_' || *c == '\\') *c = ' ';
    }
    json_t *arr;
    rc = edx_db_query_array(db,
                            "SELECT " PERSON_COLS PERSON_FROM
                            " WHERE ((? = 1 AND u.path >= ? AND u.path < ?) OR x.unit_id = ?)"
                            " AND (CAST(? AS TEXT) IS NULL OR x.search_key LIKE ? ESCAPE '\\')"
                            " ORDER BY x.search_key, x.id LIMIT ? OFFSET ?",
                            EDX_DB_ARGS(EDX_DB_INT(subtree ? 1 : 0), EDX_DB_TEXT(u.path),
                                        EDX_DB_TEXT(end), EDX_DB_INT(u.id), EDX_DB_TEXT(like),
                                        EDX_DB_TEXT(like), EDX_DB_INT(limit + 1),
                                        EDX_DB_INT(offset)),
                            person_json, NULL, &arr, err);
    if (rc < 0) return rc;
    int more = json_array_size(arr) > (size_t)limit;
    if (more) json_array_remove(arr, (size_t)limit);
    *out = json_pack("{s:o,s:i,s:i,s:o}", "people", arr, "limit", limit, "offset", offset,
                     "next_offset", more ? json_integer(offset + limit) : json_null());
    return 0;
}
