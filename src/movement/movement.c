/*
 * movement.c: campaigns, registrations and pledges.
 *
 * A definition is checked twice: by shape against docs/schemas/campaign.json
 * (compiled once), then for sense here. The whole checked document is stored
 * as canonical JSON (campaigns.definition), and what other rows refer to is
 * also stored as rows: phases and indicators (pledges point at them) and the
 * eligible unit types (coverage joins on them).
 */
#include "movement/movement_int.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/embed.h"
#include "base/timeutil.h"
#include "json/json.h"
#include "schema/schema.h"

const char *const edx_indicator_sources[] = {
    "credentials.diplomas_issued",    /* diplomas and degrees issued by the unit's subtree */
    "credentials.transcript_share",   /* % of the subtree's learners with a transcript issued */
    "credentials.skills_certificates", /* digital-skills certificates issued */
    "initiatives.recognised",         /* the unit's initiatives recognised */
    "initiatives.adoptions_elsewhere", /* adoptions of its initiatives by other units */
    NULL,
};

#define LOCK_CAMPAIGNS 0x4d4f5645 /* "MOVE": definitions and registrations of one store */

/* ---- the schema ---------------------------------------------------------------------------- */

static pthread_once_t schema_once = PTHREAD_ONCE_INIT;
/* The parsed schema lives as long as the process: the compiled one points into it. */
json_t *mv_schema_doc;
static edx_schema *schema;

static void schema_load(void)
{
    edx_arena *scope = edx_json_use_arena(NULL); /* lives for the process */
    const edx_embed *f = edx_embed_find("schemas/campaign.json");
    edx_err e;
    if (f && (mv_schema_doc = json_loadb((const char *)f->data, f->len, 0, NULL)) &&
        edx_schema_compile(mv_schema_doc, &schema, &e) != 0)
        fprintf(stderr, "edudx: built-in schema campaign.json does not compile: %s\n", e.message);
    edx_json_use_arena(scope);
}

/* ---- small helpers ------------------------------------------------------------------------- */

const char *mv_str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* Today in Vietnam (UTC+7, no daylight saving), YYYY-MM-DD. */
void mv_today(char out[11])
{
    char iso[32];
    edx_time_iso(edx_now() + 7 * 3600, iso);
    memcpy(out, iso, 10);
    out[10] = '\0';
}

static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0) return 1;
    return 0;
}

/* The codes of `arr`'s members must differ: EDX_EINVAL naming the second one. */
static int unique_codes(const json_t *arr, const char *what, edx_err *err)
{
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(arr, i, x) {
        for (j = 0; j < i; j++) {
            y = json_array_get(arr, j);
            if (strcmp(mv_str(x, "code"), mv_str(y, "code")) == 0)
                return edx_err_invalid(err, what, "%s[%zu].code %s repeats %s[%zu]", what, i,
                                       mv_str(x, "code"), what, j);
        }
    }
    return 0;
}

const json_t *mv_find_code(const json_t *arr, const char *code)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        if (strcmp(mv_str(x, "code"), code) == 0) return x;
    }
    return NULL;
}

/* ---- checking a definition ----------------------------------------------------------------- */

static int check_shape(const json_t *def, edx_arena *a, edx_err *err)
{
    edx_schema_issue is;
    pthread_once(&schema_once, schema_load);
    if (!schema) return edx_err_set(err, EDX_EINTERNAL, 500, "internal", "", "no campaign schema");
    int n = edx_schema_validate(schema, def, a, &is, 1);
    if (n < 0) return edx_err_nomem(err);
    if (n > 0) {
        const char *field = is.path[0] == '/' ? is.path + 1 : is.path;
        return edx_err_invalid(err, field, "%s", is.message);
    }
    return 0;
}

static int check_sense(const json_t *def, edx_err *err)
{
    const char *from = mv_str(def, "starts_on"), *until = mv_str(def, "ends_on");
    if (strcmp(from, until) > 0)
        return edx_err_invalid(err, "ends_on", "ends_on %s is before starts_on %s", until, from);
    const json_t *phases = json_object_get(def, "phases");
    const json_t *miles = json_object_get(def, "milestones");
    const json_t *crit = json_object_get(def, "criteria");
    const json_t *inds = json_object_get(def, "indicators");
    const json_t *forms = json_object_get(def, "reward_forms");
    int rc;
    if ((rc = unique_codes(phases, "phases", err)) < 0 ||
        (rc = unique_codes(miles, "milestones", err)) < 0 ||
        (rc = unique_codes(crit, "criteria", err)) < 0 ||
        (rc = unique_codes(inds, "indicators", err)) < 0 ||
        (rc = unique_codes(forms, "reward_forms", err)) < 0)
        return rc;
    size_t i;
    json_t *x;
    const char *prev_end = NULL;
    json_array_foreach(phases, i, x) {
        const char *s = mv_str(x, "starts_on"), *e = mv_str(x, "ends_on");
        char field[48];
        snprintf(field, sizeof field, "phases[%zu]", i);
        if (strcmp(s, e) > 0)
            return edx_err_invalid(err, field, "%s ends (%s) before it starts (%s)", field, e, s);
        if (strcmp(s, from) < 0 || strcmp(e, until) > 0)
            return edx_err_invalid(err, field, "%s (%s to %s) is outside the campaign (%s to %s)",
                                   field, s, e, from, until);
        if (prev_end && strcmp(s, prev_end) <= 0)
            return edx_err_invalid(err, field,
                                   "%s starts %s, not after the previous phase ends (%s): phases "
                                   "are listed in order and do not overlap",
                                   field, s, prev_end);
        prev_end = e;
    }
    json_array_foreach(miles, i, x) {
        char field[48];
        snprintf(field, sizeof field, "milestones[%zu]", i);
        const json_t *ph = mv_find_code(phases, mv_str(x, "phase"));
        if (!ph)
            return edx_err_invalid(err, field, "%s names phase %s, which the campaign has not",
                                   field, mv_str(x, "phase"));
        if (strcmp(mv_str(x, "on"), mv_str(ph, "starts_on")) < 0 ||
            strcmp(mv_str(x, "on"), mv_str(ph, "ends_on")) > 0)
            return edx_err_invalid(err, field, "%s (%s) is outside phase %s (%s to %s)", field,
                                   mv_str(x, "on"), mv_str(ph, "code"), mv_str(ph, "starts_on"),
                                   mv_str(ph, "ends_on"));
    }
    double lo = 0, hi = 10, sum = 0;
    const json_t *scale = json_object_get(def, "scale");
    if (scale) {
        lo = json_number_value(json_object_get(scale, "min"));
        hi = json_number_value(json_object_get(scale, "max"));
        if (lo >= hi) return edx_err_invalid(err, "scale", "scale.min must be below scale.max");
    }
    json_array_foreach(crit, i, x) {
        sum += json_number_value(json_object_get(x, "weight"));
        size_t k;
        json_t *lv;
        json_array_foreach(json_object_get(x, "levels"), k, lv) {
            double s = json_number_value(json_object_get(lv, "score"));
            if (s < lo || s > hi)
                return edx_err_invalid(err, "criteria", "criteria[%zu].levels[%zu].score %g is "
                                       "outside the scale %g to %g", i, k, s, lo, hi);
        }
    }
    if (fabs(sum - 1.0) > 1e-9)
        return edx_err_invalid(err, "criteria", "criteria weights add up to %g; they must add up "
                               "to 1", sum);
    json_array_foreach(inds, i, x) {
        const char *kind = mv_str(x, "kind"), *src = mv_str(x, "source");
        char field[48];
        snprintf(field, sizeof field, "indicators[%zu]", i);
        if (strcmp(kind, "computed") == 0 && (!src || !in_list(edx_indicator_sources, src)))
            return edx_err_invalid(err, field, "%s is computed: source must be one of "
                                   "credentials.diplomas_issued, credentials.transcript_share, "
                                   "credentials.skills_certificates, initiatives.recognised, "
                                   "initiatives.adoptions_elsewhere", field);
        if (strcmp(kind, "manual") == 0 && src)
            return edx_err_invalid(err, field, "%s is reported by hand: it has no source", field);
    }
    return 0;
}

/* ---- reading ------------------------------------------------------------------------------- */

/* Load campaign `code`: EDX_ENOTFOUND naming `field` when there is none. */
int mv_camp_load(edx_db *db, const char *code, const char *field, camp *c, edx_err *err)
{
    edx_rows *r = NULL;
    c->id = 0;
    c->def = NULL;
    int rc = edx_db_query(db, &r, "SELECT id, definition FROM campaigns WHERE code = ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(code)), err);
    if (rc < 0) return rc;
    if ((rc = edx_rows_next(r, err)) > 0) {
        c->id = edx_rows_int(r, 0);
        const char *t = edx_rows_text(r, 1);
        if (edx_jcs_parse(t, strlen(t), &c->def, err) != 0) rc = EDX_EINTERNAL;
    }
    edx_rows_close(r);
    if (rc == 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", field,
                           "campaign %.64s not found", code);
    return rc < 0 ? rc : 0;
}

int edx_campaign_id(edx_db *db, const char *code, int64_t *id, edx_err *err)
{
    int rc = edx_db_query_int(db, "SELECT id FROM campaigns WHERE code = ?",
                              EDX_DB_ARGS(EDX_DB_TEXT(code)), id, err);
    if (rc == 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", "campaign",
                           "campaign %.64s not found", code);
    return rc < 0 ? rc : 0;
}

/* Registrations of the campaign among units in the caller's scope. */
static int count_registered(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                            int64_t *n, edx_err *err)
{
    const char *lo, *hi;
    *n = 0;
    if (edx_scope_range(a, p, &lo, &hi, err) < 0) {
        edx_err_clear(err); /* outside any unit: nothing to count */
        return 0;
    }
    int rc = edx_db_query_int(db,
                              "SELECT COUNT(*) FROM campaign_registrations g JOIN units u"
                              " ON u.id = g.unit_id WHERE g.campaign_id = ?"
                              " AND u.path >= ? AND u.path < ?",
                              EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_TEXT(lo), EDX_DB_TEXT(hi)), n,
                              err);
    return rc < 0 ? rc : 0;
}

int edx_campaign_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                     json_t **out, edx_err *err)
{
    camp c;
    int64_t n = 0;
    int rc = mv_camp_load(db, code, "code", &c, err);
    if (rc < 0) return rc;
    if ((rc = count_registered(db, a, p, c.id, &n, err)) < 0) {
        json_decref(c.def);
        return rc;
    }
    json_object_set_new(c.def, "registered", json_integer(n));
    *out = c.def;
    return 0;
}

static json_t *campaign_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(edx_rows_text(r, 1)));
    json_object_set_new(o, "name", json_string(edx_rows_text(r, 2)));
    json_object_set_new(o, "name_en", edx_json_str_or_null(edx_rows_text(r, 3)));
    json_object_set_new(o, "kind", json_string(edx_rows_text(r, 4)));
    json_object_set_new(o, "starts_on", json_string(edx_rows_text(r, 5)));
    json_object_set_new(o, "ends_on", json_string(edx_rows_text(r, 6)));
    json_object_set_new(o, "registered", json_integer(edx_rows_int(r, 7)));
    return o;
}

int edx_campaign_list(edx_db *db, edx_arena *a, const edx_principal *p, json_t **out,
                      edx_err *err)
{
    const char *lo = "", *hi = "";
    if (edx_scope_range(a, p, &lo, &hi, err) < 0) edx_err_clear(err); /* counts stay 0 */
    json_t *arr;
    int rc = edx_db_query_array(
        db,
        "SELECT c.id, c.code, c.name, c.name_en, c.kind, c.starts_on, c.ends_on,"
        " (SELECT COUNT(*) FROM campaign_registrations g JOIN units u ON u.id = g.unit_id"
        "  WHERE g.campaign_id = c.id AND u.path >= ? AND u.path < ?)"
        " FROM campaigns c ORDER BY c.starts_on DESC, c.code",
        EDX_DB_ARGS(EDX_DB_TEXT(lo), EDX_DB_TEXT(hi)), campaign_row, NULL, &arr, err);
    if (rc < 0) return rc;
    *out = json_pack("{s:o}", "campaigns", arr);
    return *out ? 0 : edx_err_nomem(err);
}

/* ---- defining ------------------------------------------------------------------------------ */

static int store_rows(edx_db *db, int64_t id, const json_t *def, edx_err *err)
{
    size_t i;
    json_t *x;
    int rc = 0;
    json_array_foreach(json_object_get(def, "phases"), i, x) {
        rc = edx_db_exec(db,
                         "INSERT INTO campaign_phases (campaign_id, code, ord, starts_on, ends_on)"
                         " VALUES (?, ?, ?, ?, ?)",
                         EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_TEXT(mv_str(x, "code")),
                                     EDX_DB_INT((int64_t)i), EDX_DB_TEXT(mv_str(x, "starts_on")),
                                     EDX_DB_TEXT(mv_str(x, "ends_on"))),
                         err);
        if (rc < 0) return rc;
    }
    json_array_foreach(json_object_get(def, "indicators"), i, x) {
        rc = edx_db_exec(db,
                         "INSERT INTO campaign_indicators (campaign_id, code, kind, source)"
                         " VALUES (?, ?, ?, ?)",
                         EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_TEXT(mv_str(x, "code")),
                                     EDX_DB_TEXT(mv_str(x, "kind")), EDX_DB_TEXT(mv_str(x, "source"))),
                         err);
        if (rc < 0) return rc;
    }
    json_array_foreach(json_object_get(def, "participant_types"), i, x) {
        rc = edx_db_exec(db,
                         "INSERT INTO campaign_unit_types (campaign_id, unit_type) VALUES (?, ?)",
                         EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_TEXT(json_string_value(x))), err);
        if (rc < 0) return rc;
    }
    return 0;
}

int edx_campaign_define(edx_db *db, edx_arena *a, const edx_principal *p, const json_t *def,
                        int replace, json_t **out, edx_err *err)
{
    camp old = {0, NULL};
    char *text = NULL;
    int64_t id = 0, regs = 0, now = edx_now();
    if (p->role != EDX_ROLE_MINISTRY_ADMIN)
        return edx_err_forbidden(err, "only the ministry defines campaigns");
    int rc = check_shape(def, a, err);
    if (rc < 0) return rc;
    if ((rc = check_sense(def, err)) < 0) return rc;
    if (!(text = edx_jcs_dump(def, NULL, err))) return err->rc ? err->rc : edx_err_nomem(err);
    const char *code = mv_str(def, "code");
    if ((rc = edx_db_begin(db, err)) < 0) goto done;
    if ((rc = edx_db_lock(db, LOCK_CAMPAIGNS, err)) < 0) goto write_done;
    rc = mv_camp_load(db, code, "code", &old, err);
    if (rc == EDX_ENOTFOUND) {
        edx_err_clear(err);
        rc = edx_db_exec(db,
                         "INSERT INTO campaigns (code, name, name_en, kind, starts_on, ends_on,"
                         " definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         EDX_DB_ARGS(EDX_DB_TEXT(code), EDX_DB_TEXT(mv_str(def, "name")),
                                     EDX_DB_TEXT(mv_str(def, "name_en")),
                                     EDX_DB_TEXT(mv_str(def, "kind")),
                                     EDX_DB_TEXT(mv_str(def, "starts_on")),
                                     EDX_DB_TEXT(mv_str(def, "ends_on")), EDX_DB_TEXT(text),
                                     EDX_DB_INT(now), EDX_DB_INT(now)),
                         err);
        if (rc >= 0 &&
            (rc = edx_db_query_int(db, "SELECT id FROM campaigns WHERE code = ?",
                                   EDX_DB_ARGS(EDX_DB_TEXT(code)), &id, err)) >= 0)
            rc = store_rows(db, id, def, err);
        goto write_done;
    }
    if (rc < 0) goto write_done;
    if (!replace) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "exists", "code",
                         "campaign %s exists already", code);
        goto write_done;
    }
    id = old.id;
    rc = edx_db_query_int(db, "SELECT COUNT(*) FROM campaign_registrations WHERE campaign_id = ?",
                          EDX_DB_ARGS(EDX_DB_INT(id)), &regs, err);
    if (rc >= 0 && regs > 0) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "has_registrations", "code",
                         "units have registered for campaign %s (%lld): its definition can no "
                         "longer change", code, (long long)regs);
        goto write_done;
    }
    static const char *const clear[] = {
        "DELETE FROM campaign_phases WHERE campaign_id = ?",
        "DELETE FROM campaign_indicators WHERE campaign_id = ?",
        "DELETE FROM campaign_unit_types WHERE campaign_id = ?",
    };
    for (size_t k = 0; rc >= 0 && k < sizeof clear / sizeof clear[0]; k++)
        rc = edx_db_exec(db, clear[k], EDX_DB_ARGS(EDX_DB_INT(id)), err);
    if (rc >= 0)
        rc = edx_db_exec(db,
                         "UPDATE campaigns SET name = ?, name_en = ?, kind = ?, starts_on = ?,"
                         " ends_on = ?, definition = ?, updated_at = ? WHERE id = ?",
                         EDX_DB_ARGS(EDX_DB_TEXT(mv_str(def, "name")),
                                     EDX_DB_TEXT(mv_str(def, "name_en")),
                                     EDX_DB_TEXT(mv_str(def, "kind")),
                                     EDX_DB_TEXT(mv_str(def, "starts_on")),
                                     EDX_DB_TEXT(mv_str(def, "ends_on")), EDX_DB_TEXT(text),
                                     EDX_DB_INT(now), EDX_DB_INT(id)),
                         err);
    if (rc >= 0) rc = store_rows(db, id, def, err);
write_done: {
    char target[96];
    snprintf(target, sizeof target, "campaign:%s", code);
    rc = edx_audit_commit(db, p->actor, old.def ? "campaign.redefine" : "campaign.define", target,
                          old.def, def, NULL, rc < 0 ? rc : 0, err);
}
    if (rc >= 0) rc = edx_campaign_get(db, a, p, code, out, err);
done:
    json_decref(old.def);
    free(text);
    return rc < 0 ? rc : 0;
}

/* ---- registration -------------------------------------------------------------------------- */

/* Load the campaign and the unit for a write by `p`; the unit must be eligible. */
int mv_unit_for_campaign(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                             const char *unit, camp *c, edx_unit_ref *u, edx_err *err)
{
    int rc = mv_camp_load(db, code, "campaign", c, err);
    if (rc < 0) return rc;
    if ((rc = edx_unit_ref_get(db, a, p, unit, 1, "unit", u, err)) < 0) return rc;
    const json_t *types = json_object_get(c->def, "participant_types");
    size_t i;
    json_t *t;
    int ok = 0;
    json_array_foreach(types, i, t) {
        if (strcmp(json_string_value(t), u->type) == 0) ok = 1;
    }
    if (!ok)
        return edx_err_set(err, EDX_EINVAL, 400, "not_eligible", "unit",
                           "%s is a unit of type %s, which does not take part in campaign %s",
                           u->code, u->type, code);
    return 0;
}

int edx_campaign_register(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                          const char *unit, json_t **out, edx_err *err)
{
    camp c = {0, NULL};
    edx_unit_ref u;
    char day[11];
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    if ((rc = mv_unit_for_campaign(db, a, p, code, unit, &c, &u, err)) < 0) goto write_done;
    mv_today(day);
    if (strcmp(day, mv_str(c.def, "ends_on")) > 0) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "campaign_ended", "campaign",
                         "campaign %s ended on %s", code, mv_str(c.def, "ends_on"));
        goto write_done;
    }
    if (strcmp(u.status, "active") != 0) {
        rc = edx_err_invalid(err, "unit", "unit %s is %s", u.code, u.status);
        goto write_done;
    }
    rc = edx_db_exec(db,
                     "INSERT INTO campaign_registrations (campaign_id, unit_id, registered_at,"
                     " registered_by) VALUES (?, ?, ?, ?)",
                     EDX_DB_ARGS(EDX_DB_INT(c.id), EDX_DB_INT(u.id), EDX_DB_INT(edx_now()),
                                 EDX_DB_TEXT(p->actor)),
                     err);
    if (rc == EDX_ECONFLICT)
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "already_registered", "unit",
                         "%s is registered for campaign %s already", u.code, code);
write_done: {
    char target[96];
    snprintf(target, sizeof target, "unit:%s", unit);
    json_t *detail = json_pack("{s:s}", "campaign", code);
    rc = edx_audit_commit(db, p->actor, "campaign.register", target, NULL, NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
}
    json_decref(c.def);
    if (rc < 0) return rc;
    return edx_campaign_registration(db, a, p, code, unit, out, err);
}

/* ---- pledges ------------------------------------------------------------------------------- */

static json_t *pledge_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    const char *t = edx_rows_text(r, 2);
    json_t *o = json_object();
    json_object_set_new(o, "indicator", json_string(edx_rows_text(r, 0)));
    json_object_set_new(o, "phase", json_string(edx_rows_text(r, 1)));
    json_object_set_new(o, "target", json_real(t ? strtod(t, NULL) : 0));
    json_object_set_new(o, "note", edx_json_str_or_null(edx_rows_text(r, 3)));
    return o;
}

int edx_campaign_registration(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                              const char *unit, json_t **out, edx_err *err)
{
    camp c;
    edx_unit_ref u;
    edx_rows *r = NULL;
    json_t *pledges = NULL;
    int64_t reg = 0, at = 0;
    const char *by = NULL;
    int rc = mv_camp_load(db, code, "campaign", &c, err);
    if (rc < 0) return rc;
    if ((rc = edx_unit_ref_get(db, a, p, unit, 0, "unit", &u, err)) < 0) goto done;
    if ((rc = edx_db_query(db, &r,
                           "SELECT id, registered_at, registered_by FROM campaign_registrations"
                           " WHERE campaign_id = ? AND unit_id = ?",
                           EDX_DB_ARGS(EDX_DB_INT(c.id), EDX_DB_INT(u.id)), err)) < 0)
        goto done;
    if ((rc = edx_rows_next(r, err)) > 0) {
        reg = edx_rows_int(r, 0);
        at = edx_rows_int(r, 1);
        by = edx_arena_strdup(a, edx_rows_text(r, 2));
    }
    edx_rows_close(r);
    if (rc < 0) goto done;
    if (!reg) {
        rc = edx_err_set(err, EDX_ENOTFOUND, 404, "not_registered", "unit",
                         "%s has not registered for campaign %s", u.code, code);
        goto done;
    }
    rc = edx_db_query_array(db,
                            "SELECT i.code, ph.code, CAST(pl.target AS TEXT), pl.note"
                            " FROM campaign_pledges pl"
                            " JOIN campaign_indicators i ON i.id = pl.indicator_id"
                            " JOIN campaign_phases ph ON ph.id = pl.phase_id"
                            " WHERE pl.registration_id = ? ORDER BY ph.ord, i.id",
                            EDX_DB_ARGS(EDX_DB_INT(reg)), pledge_row, NULL, &pledges, err);
    if (rc < 0) goto done;
    char when[32];
    edx_time_iso(at, when);
    *out = json_pack("{s:s,s:{s:s,s:s,s:s,s:o},s:s,s:s,s:o}", "campaign", code, "unit", "code",
                     u.code, "name", u.name, "type", u.type, "province",
                     edx_json_str_or_null(u.province), "registered_at", when, "registered_by",
                     by ? by : "", "pledges", pledges);
    pledges = NULL;
    rc = *out ? 0 : edx_err_nomem(err);
done:
    json_decref(pledges);
    json_decref(c.def);
    return rc;
}

int mv_check_value(const json_t *def, const json_t *ind, double x, const char *field, edx_err *err)
{
    const char *unit = mv_str(ind, "unit"), *ic = mv_str(ind, "code");
    const json_t *scale = json_object_get(def, "scale");
    double lo = scale ? json_number_value(json_object_get(scale, "min")) : 0;
    double hi = scale ? json_number_value(json_object_get(scale, "max")) : 10;
    if (!isfinite(x)) return edx_err_invalid(err, field, "%s must be a number", field);
    if (strcmp(unit, "percent") == 0 && (x < 0 || x > 100))
        return edx_err_invalid(err, field, "%s: %s is a percentage: 0 to 100", field, ic);
    if (strcmp(unit, "count") == 0 && (x < 0 || x != floor(x) || x > 1e12))
        return edx_err_invalid(err, field, "%s: %s is a count: a whole number, 0 or more", field,
                               ic);
    if (strcmp(unit, "yes_no") == 0 && x != 0 && x != 1)
        return edx_err_invalid(err, field, "%s: %s is yes (1) or no (0)", field, ic);
    if (strcmp(unit, "score") == 0 && (x < lo || x > hi))
        return edx_err_invalid(err, field, "%s: %s is a score from %g to %g", field, ic, lo, hi);
    return 0;
}

/* Check one pledge against its indicator; the target as stored text in `num`. */
static int check_pledge(const json_t *def, const json_t *pl, size_t i, char num[32],
                        edx_err *err)
{
    char field[40];
    snprintf(field, sizeof field, "pledges[%zu]", i);
    static const char *const allowed[] = {"indicator", "phase", "target", "note", NULL};
    const char *k;
    json_t *v;
    if (!json_is_object(pl)) return edx_err_invalid(err, field, "%s must be an object", field);
    json_object_foreach((json_t *)pl, k, v) {
        if (!in_list(allowed, k))
            return edx_err_invalid(err, field, "%s has an unknown member \"%s\"", field, k);
    }
    const char *ic = mv_str(pl, "indicator"), *pc = mv_str(pl, "phase"), *note = mv_str(pl, "note");
    const json_t *t = json_object_get(pl, "target");
    if (!ic || !pc)
        return edx_err_invalid(err, field, "%s needs an indicator and a phase (codes)", field);
    const json_t *ind = mv_find_code(json_object_get(def, "indicators"), ic);
    if (!ind)
        return edx_err_invalid(err, field, "%s: the campaign has no indicator %.64s", field, ic);
    if (!mv_find_code(json_object_get(def, "phases"), pc))
        return edx_err_invalid(err, field, "%s: the campaign has no phase %.64s", field, pc);
    if (!json_is_number(t) || !isfinite(json_number_value(t)))
        return edx_err_invalid(err, field, "%s.target must be a number", field);
    if (json_object_get(pl, "note") && (!note || strlen(note) > 1000))
        return edx_err_invalid(err, field, "%s.note must be text of at most 1000 bytes", field);
    double x = json_number_value(t);
    int rc = mv_check_value(def, ind, x, field, err);
    if (rc < 0) return rc;
    edx_jcs_number(x, num);
    return 0;
}

int edx_campaign_pledge(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                        const char *unit, const json_t *pledges, json_t **out, edx_err *err)
{
    camp c = {0, NULL};
    edx_unit_ref u;
    json_t *before = NULL;
    int64_t reg = 0, now = edx_now();
    if (!json_is_array(pledges) || json_array_size(pledges) > 2000)
        return edx_err_invalid(err, "pledges", "pledges must be a list of at most 2000");
    int rc = edx_db_begin(db, err);
    if (rc < 0) return rc;
    if ((rc = mv_unit_for_campaign(db, a, p, code, unit, &c, &u, err)) < 0) goto write_done;
    rc = edx_db_query_int(db,
                          "SELECT id FROM campaign_registrations WHERE campaign_id = ?"
                          " AND unit_id = ?",
                          EDX_DB_ARGS(EDX_DB_INT(c.id), EDX_DB_INT(u.id)), &reg, err);
    if (rc == 0) {
        rc = edx_err_set(err, EDX_ECONFLICT, 409, "not_registered", "unit",
                         "%s must register for campaign %s before pledging", u.code, code);
        goto write_done;
    }
    if (rc < 0) goto write_done;
    /* Every pledge checked, and no two for the same indicator and phase, before any write. */
    size_t i, j;
    json_t *pl;
    json_array_foreach(pledges, i, pl) {
        char num[32];
        if ((rc = check_pledge(c.def, pl, i, num, err)) < 0) goto write_done;
        for (j = 0; j < i; j++) {
            const json_t *q = json_array_get(pledges, j);
            if (strcmp(mv_str(q, "indicator"), mv_str(pl, "indicator")) == 0 &&
                strcmp(mv_str(q, "phase"), mv_str(pl, "phase")) == 0) {
                rc = edx_err_invalid(err, "pledges", "pledges[%zu] repeats pledges[%zu] (%s, %s)",
                                     i, j, mv_str(pl, "indicator"), mv_str(pl, "phase"));
                goto write_done;
            }
        }
    }
    if ((rc = edx_campaign_registration(db, a, p, code, unit, &before, err)) < 0) goto write_done;
    if ((rc = edx_db_exec(db, "DELETE FROM campaign_pledges WHERE registration_id = ?",
                          EDX_DB_ARGS(EDX_DB_INT(reg)), err)) < 0)
        goto write_done;
    json_array_foreach(pledges, i, pl) {
        char num[32];
        check_pledge(c.def, pl, i, num, err);
        rc = edx_db_exec(db,
                         "INSERT INTO campaign_pledges (registration_id, phase_id, indicator_id,"
                         " target, note, updated_at) SELECT ?, ph.id, i.id, ?, ?, ?"
                         " FROM campaign_phases ph, campaign_indicators i"
                         " WHERE ph.campaign_id = ? AND ph.code = ?"
                         " AND i.campaign_id = ? AND i.code = ?",
                         EDX_DB_ARGS(EDX_DB_INT(reg), EDX_DB_TEXT(num),
                                     EDX_DB_TEXT(mv_str(pl, "note")), EDX_DB_INT(now),
                                     EDX_DB_INT(c.id), EDX_DB_TEXT(mv_str(pl, "phase")),
                                     EDX_DB_INT(c.id), EDX_DB_TEXT(mv_str(pl, "indicator"))),
                         err);
        if (rc < 0) goto write_done;
    }
write_done: {
    char target[96];
    snprintf(target, sizeof target, "unit:%s", unit);
    json_t *detail = json_pack("{s:s,s:I}", "campaign", code, "pledges",
                               (json_int_t)json_array_size(pledges));
    json_t *after = json_pack("{s:O}", "pledges", pledges);
    rc = edx_audit_commit(db, p->actor, "campaign.pledge", target,
                          before ? json_object_get(before, "pledges") : NULL,
                          after ? json_object_get(after, "pledges") : NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
    json_decref(after);
}
    json_decref(before);
    json_decref(c.def);
    if (rc < 0) return rc;
    return edx_campaign_registration(db, a, p, code, unit, out, err);
}

/* ---- coverage ------------------------------------------------------------------------------ */

/* Units in scope, active, of an eligible type: the population coverage is measured on. */
#define ELIGIBLE                                                                                   \
    " FROM units u JOIN campaign_unit_types t ON t.unit_type = u.type AND t.campaign_id = ?"       \
    " LEFT JOIN campaign_registrations g ON g.unit_id = u.id AND g.campaign_id = t.campaign_id"    \
    " WHERE u.status = 'active' AND u.path >= ? AND u.path < ?"                                    \
    " AND (CAST(? AS TEXT) IS NULL OR u.type = ?)"                                                 \
    " AND (CAST(? AS TEXT) IS NULL OR u.province = ?)"

static json_t *group_row(edx_rows *r, void *ctx)
{
    const char *key = ctx;
    json_t *o = json_object();
    json_object_set_new(o, key, edx_json_str_or_null(edx_rows_text(r, 0)));
    json_object_set_new(o, "eligible", json_integer(edx_rows_int(r, 1)));
    json_object_set_new(o, "registered", json_integer(edx_rows_int(r, 2)));
    return o;
}

static json_t *coverage_unit_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(edx_rows_text(r, 0)));
    json_object_set_new(o, "name", json_string(edx_rows_text(r, 1)));
    json_object_set_new(o, "type", json_string(edx_rows_text(r, 2)));
    json_object_set_new(o, "province", edx_json_str_or_null(edx_rows_text(r, 3)));
    if (edx_rows_isnull(r, 4)) {
        json_object_set_new(o, "registered_at", json_null());
    } else {
        char when[32];
        edx_time_iso(edx_rows_int(r, 4), when);
        json_object_set_new(o, "registered_at", json_string(when));
    }
    json_object_set_new(o, "pledges", json_integer(edx_rows_int(r, 5)));
    return o;
}

int edx_campaign_coverage(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                          const edx_coverage_query *q, json_t **out, edx_err *err)
{
    camp c;
    const char *lo, *hi;
    json_t *by_type = NULL, *by_province = NULL, *units = NULL;
    int limit = q->limit ? q->limit : 100;
    if (limit < 1 || limit > 500) return edx_err_invalid(err, "limit", "limit must be 1 to 500");
    if (q->offset < 0) return edx_err_invalid(err, "offset", "offset must not be negative");
    if (q->type && !edx_unit_type_valid(q->type))
        return edx_err_invalid(err, "type", "unknown unit type %.40s", q->type);
    int rc = edx_scope_range(a, p, &lo, &hi, err);
    if (rc < 0) return rc;
    if ((rc = mv_camp_load(db, code, "code", &c, err)) < 0) return rc;
    edx_dbv f[7] = {EDX_DB_INT(c.id),         EDX_DB_TEXT(lo),          EDX_DB_TEXT(hi),
                    EDX_DB_TEXT(q->type),     EDX_DB_TEXT(q->type),     EDX_DB_TEXT(q->province),
                    EDX_DB_TEXT(q->province)};
    rc = edx_db_query_array(db,
                            "SELECT u.type, COUNT(*), COUNT(g.id)" ELIGIBLE
                            " GROUP BY u.type ORDER BY u.type",
                            f, 7, group_row, "type", &by_type, err);
    if (rc >= 0)
        rc = edx_db_query_array(db,
                                "SELECT u.province, COUNT(*), COUNT(g.id)" ELIGIBLE
                                " GROUP BY u.province ORDER BY u.province",
                                f, 7, group_row, "province", &by_province, err);
    if (rc >= 0) {
        edx_dbv v[11];
        memcpy(v, f, sizeof f);
        v[7] = EDX_DB_INT(q->registered);
        v[8] = EDX_DB_INT(q->registered);
        v[9] = EDX_DB_INT(limit + 1);
        v[10] = EDX_DB_INT(q->offset);
        rc = edx_db_query_array(
            db,
            "SELECT u.code, u.name, u.type, u.province, g.registered_at,"
            " (SELECT COUNT(*) FROM campaign_pledges pl WHERE pl.registration_id = g.id)" ELIGIBLE
            " AND (? < 0 OR (g.id IS NOT NULL) = (? = 1))"
            " ORDER BY u.path LIMIT ? OFFSET ?",
            v, 11, coverage_unit_row, NULL, &units, err);
    }
    if (rc < 0) goto done;
    int64_t eligible = 0, registered = 0;
    size_t i;
    json_t *g;
    json_array_foreach(by_type, i, g) {
        eligible += json_integer_value(json_object_get(g, "eligible"));
        registered += json_integer_value(json_object_get(g, "registered"));
    }
    int more = json_array_size(units) > (size_t)limit;
    if (more) json_array_remove(units, (size_t)limit);
    *out = json_pack("{s:s,s:I,s:I,s:I,s:o,s:o,s:o,s:i,s:i,s:o}", "campaign", code, "eligible",
                     (json_int_t)eligible, "registered", (json_int_t)registered,
                     "not_registered", (json_int_t)(eligible - registered), "by_type", by_type,
                     "by_province", by_province, "units", units, "limit", limit, "offset",
                     q->offset, "next_offset",
                     more ? json_integer(q->offset + limit) : json_null());
    by_type = by_province = units = NULL;
    rc = *out ? 0 : edx_err_nomem(err);
done:
    json_decref(by_type);
    json_decref(by_province);
    json_decref(units);
    json_decref(c.def);
    return rc;
}

/* ---- the dashboard's part ------------------------------------------------------------------ */

static json_t *status_row(edx_rows *r, void *ctx)
{
    (void)ctx;
    return json_pack("{s:s,s:s,s:I}", "period", edx_rows_text(r, 0), "status",
                     edx_rows_text(r, 1), "count", (json_int_t)edx_rows_int(r, 2));
}

int edx_campaign_summary(edx_db *db, edx_arena *a, const edx_principal *p, const char *code,
                         json_t **out, edx_err *err)
{
    json_t *by_type = NULL, *reports = NULL;
    int64_t id = 0, inits = 0, recognised = 0, adoptions = 0, eligible = 0, registered = 0;
    const char *lo, *hi;
    int rc = edx_scope_range(a, p, &lo, &hi, err);
    if (rc < 0) return rc;
    if ((rc = edx_campaign_id(db, code, &id, err)) < 0) return rc;
    edx_dbv f[7] = {EDX_DB_INT(id),   EDX_DB_TEXT(lo),  EDX_DB_TEXT(hi),  EDX_DB_TEXT(NULL),
                    EDX_DB_TEXT(NULL), EDX_DB_TEXT(NULL), EDX_DB_TEXT(NULL)};
    rc = edx_db_query_array(db,
                            "SELECT u.type, COUNT(*), COUNT(g.id)" ELIGIBLE
                            " GROUP BY u.type ORDER BY u.type",
                            f, 7, group_row, "type", &by_type, err);
    size_t i;
    json_t *g;
    json_array_foreach(by_type, i, g) {
        eligible += json_integer_value(json_object_get(g, "eligible"));
        registered += json_integer_value(json_object_get(g, "registered"));
    }
    if (rc >= 0)
        rc = edx_db_query_array(db,
                            "SELECT r.period, r.status, COUNT(*) FROM progress_reports r"
                            " JOIN campaign_registrations g ON g.id = r.registration_id"
                            " JOIN units u ON u.id = g.unit_id"
                            " WHERE g.campaign_id = ? AND u.path >= ? AND u.path < ?"
                            " GROUP BY r.period, r.status ORDER BY r.period, r.status",
                            EDX_DB_ARGS(EDX_DB_INT(id), EDX_DB_TEXT(lo), EDX_DB_TEXT(hi)),
                            status_row, NULL, &reports, err);
    if (rc >= 0)
        rc = edx_db_query_int(db,
                              "SELECT COUNT(*) FROM initiatives i JOIN units u ON u.id = i.unit_id"
                              " WHERE u.path >= ? AND u.path < ?",
                              EDX_DB_ARGS(EDX_DB_TEXT(lo), EDX_DB_TEXT(hi)), &inits, err);
    if (rc >= 0)
        rc = mv_initiative_counts(db, lo, hi, "0000-01-01", "9999-12-31", &recognised, &adoptions,
                                  err);
    if (rc < 0) goto done;
    *out = json_pack("{s:s,s:I,s:I,s:O,s:o,s:{s:I,s:I,s:I}}", "campaign", code, "eligible",
                     (json_int_t)eligible, "registered", (json_int_t)registered, "by_type",
                     by_type, "reports", reports, "initiatives", "submitted", (json_int_t)inits,
                     "recognised", (json_int_t)recognised, "adoptions_elsewhere",
                     (json_int_t)adoptions);
    reports = NULL;
    rc = *out ? 0 : edx_err_nomem(err);
done:
    json_decref(by_type);
    json_decref(reports);
    return rc < 0 ? rc : 0;
}
