/*
 * verify.c: one verification engine for the CLI, the API, the W3C VC API and
 * the /verify page.
 *
 * Checks, in order, each reported with pass/fail/warn/skip and a sentence in
 * Vietnamese and English:
 *   syntax     I-JSON object, VC 2.0 @context first, VerifiableCredential type,
 *              issuer and credentialSubject present
 *   schema     dates are dateTimeStamps; Open Badges / CLR parts well formed;
 *              status entries well formed
 *   proof      eddsa-jcs-2022 over the canonical form; the signing key belongs
 *              to the issuer
 *   issuer_key the verification method resolves (did:key offline; did:web of
 *              this deployment from the store or the trust file) and the key had
 *              not been retired when the proof was made
 *   trust      the issuer is in the Ministry's registry for this type and date
 *              (a warning, not a failure: the credential may still be genuine)
 *   status     Bitstring Status List entries: the list's own proof and issuer,
 *              then the bit; no credentialStatus means never revoked
 *   validity   validFrom <= now <= validUntil
 * A credential is valid when no check fails.
 *
 * Online, status lists come from the store; decoded lists are cached by URL
 * and version. Offline, the trust file and the status list files given are
 * verified once when loaded.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "credentials/cred_int.h"
#include "json/json.h"

typedef struct offline_list {
    char *url;
    char *issuer;  /* DID that signed it */
    char *purpose;
    edx_buf bits;
} offline_list;

struct edx_verifier {
    edx_db *db;
    const edx_cred_env *env;
    json_t *trust;        /* verified registry: credentialSubject.issuers */
    char *trust_signer;   /* DID that signed the registry */
    offline_list *lists;
    size_t nlists;
    edx_buf scratch;
};

/* ---- the shared cache of decoded status lists (online) ----------------------------------------- */

#define CACHE_SLOTS 64
typedef struct cache_slot {
    char url[400];
    int64_t version;
    char issuer[EDX_DID_MAX];
    edx_buf bits;
    uint64_t used;
} cache_slot;
static cache_slot cache[CACHE_SLOTS];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t cache_clock;

/* Copy the cached bit for (url, version) into *bit; 1 hit, 0 miss. */
static int cache_get(const char *url, int64_t version, int64_t index, int *bit, char *issuer)
{
    int hit = 0;
    pthread_mutex_lock(&cache_mu);
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (cache[i].version == version && strcmp(cache[i].url, url) == 0) {
            *bit = edx_status_bit(&cache[i].bits, index);
            snprintf(issuer, EDX_DID_MAX, "%s", cache[i].issuer);
            cache[i].used = ++cache_clock;
            hit = 1;
            break;
        }
    pthread_mutex_unlock(&cache_mu);
    return hit;
}

static void cache_put(const char *url, int64_t version, const edx_buf *bits, const char *issuer)
{
    if (strlen(url) >= sizeof cache[0].url) return;
    pthread_mutex_lock(&cache_mu);
    int victim = 0;
    for (int i = 1; i < CACHE_SLOTS; i++)
        if (cache[i].used < cache[victim].used) victim = i;
    cache_slot *s = &cache[victim];
    edx_buf_reset(&s->bits);
    if (edx_buf_append(&s->bits, bits->data, bits->len) == 0) {
        snprintf(s->url, sizeof s->url, "%s", url);
        snprintf(s->issuer, sizeof s->issuer, "%s", issuer);
        s->version = version;
        s->used = ++cache_clock;
    } else {
        s->url[0] = '\0';
        s->bits.oom = 0;
    }
    pthread_mutex_unlock(&cache_mu);
}

/* ---- the report ------------------------------------------------------------------------------- */

typedef struct report {
    json_t *checks;
    int failed;
} report;

static void add_check(report *r, const char *id, const char *status, const char *code,
                      const char *vi, const char *en)
{
    /* Built by hand: a report has seven of these and json_pack's format parsing shows up
     * in profiles. The id, status and code are our own ASCII; messages may quote input. */
    json_t *c = json_object(), *m = json_object();
    json_object_set_new_nocheck(c, "check", json_string_nocheck(id));
    json_object_set_new_nocheck(c, "status", json_string_nocheck(status));
    json_object_set_new_nocheck(c, "code", json_string(code));
    json_object_set_new_nocheck(m, "vi", json_string(vi));
    json_object_set_new_nocheck(m, "en", json_string(en));
    json_object_set_new_nocheck(c, "message", m);
    json_array_append_new(r->checks, c);
    if (strcmp(status, "fail") == 0) r->failed = 1;
}

static void checkf(report *r, const char *id, const char *status, const char *code,
                   const char *vi_fmt, const char *en_fmt, ...)
{
    char vi[600], en[600];
    va_list ap;
    va_start(ap, en_fmt);
    va_list ap2;
    va_copy(ap2, ap);
    vsnprintf(vi, sizeof vi, vi_fmt, ap);
    vsnprintf(en, sizeof en, en_fmt, ap2);
    va_end(ap2);
    va_end(ap);
    add_check(r, id, status, code, vi, en);
}

static const char *issuer_id(const json_t *doc)
{
    const json_t *is = json_object_get(doc, "issuer");
    if (json_is_string(is)) return json_string_value(is);
    return json_string_value(json_object_get(is, "id"));
}

static const char *issuer_name(const json_t *doc)
{
    return json_string_value(json_object_get(json_object_get(doc, "issuer"), "name"));
}

static int has_type(const json_t *doc, const char *t)
{
    const json_t *types = json_object_get(doc, "type");
    if (json_is_string(types)) return strcmp(json_string_value(types), t) == 0;
    size_t i;
    json_t *v;
    json_array_foreach(types, i, v) if (json_is_string(v) && strcmp(json_string_value(v), t) == 0)
        return 1;
    return 0;
}

/* Which of our types a credential is, from its shape ("other" when none). */
static const char *kind_of(const json_t *doc)
{
    if (has_type(doc, "ClrCredential")) return "transcript";
    const char *at = json_string_value(json_object_get(
        json_object_get(json_object_get(doc, "credentialSubject"), "achievement"),
        "achievementType"));
    if (!at) return "other";
    if (strcmp(at, "Diploma") == 0) return "diploma";
    if (strstr(at, "Degree")) return "degree";
    if (strcmp(at, "Certificate") == 0) return "skills";
    if (strcmp(at, "Award") == 0) return "award";
    return "other";
}

static const char *subject_name(const json_t *doc)
{
    const json_t *ids = json_object_get(json_object_get(doc, "credentialSubject"), "identifier");
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        const char *t = json_string_value(json_object_get(v, "identityType"));
        if (t && strcmp(t, "name") == 0) return json_string_value(json_object_get(v, "identityHash"));
    }
    return json_string_value(json_object_get(json_object_get(doc, "credentialSubject"), "name"));
}

static void day_of(int64_t t, char out[16])
{
    char iso[32];
    edx_time_iso(t, iso);
    snprintf(out, 16, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

/* ---- syntax and schema --------------------------------------------------------------------------- */

static int check_syntax(report *r, const json_t *doc)
{
    const json_t *ctx = json_object_get(doc, "@context");
    const json_t *first = json_is_array(ctx) ? json_array_get(ctx, 0) : ctx;
    if (!json_is_string(first) || strcmp(json_string_value(first), EDX_VC_V2) != 0) {
        add_check(r, "syntax", "fail", "context",
                  "@context phải bắt đầu bằng https://www.w3.org/ns/credentials/v2.",
                  "@context must start with https://www.w3.org/ns/credentials/v2.");
        return 0;
    }
    if (!has_type(doc, "VerifiableCredential")) {
        add_check(r, "syntax", "fail", "type", "Thiếu kiểu VerifiableCredential.",
                  "The type VerifiableCredential is missing.");
        return 0;
    }
    if (!issuer_id(doc)) {
        add_check(r, "syntax", "fail", "issuer", "Thiếu đơn vị cấp (issuer).",
                  "The issuer is missing.");
        return 0;
    }
    const json_t *cs = json_object_get(doc, "credentialSubject");
    if (!json_is_object(cs) && !json_is_array(cs)) {
        add_check(r, "syntax", "fail", "credential_subject", "Thiếu credentialSubject.",
                  "credentialSubject is missing.");
        return 0;
    }
    add_check(r, "syntax", "pass", "ok", "Cấu trúc văn bằng số hợp lệ (W3C VC 2.0).",
              "Well-formed W3C Verifiable Credential 2.0.");
    return 1;
}

static const char *schema_problem(const json_t *doc, int64_t *from, int64_t *until)
{
    const json_t *vf = json_object_get(doc, "validFrom"), *vu = json_object_get(doc, "validUntil");
    *from = *until = 0;
    if (vf && !(json_is_string(vf) && edx_datetime_stamp(json_string_value(vf), from)))
        return "validFrom";
    if (vu && !(json_is_string(vu) && edx_datetime_stamp(json_string_value(vu), until)))
        return "validUntil";
    const json_t *cs = json_object_get(doc, "credentialSubject");
    if (has_type(doc, "OpenBadgeCredential") || has_type(doc, "AchievementCredential")) {
        const json_t *ach = json_object_get(cs, "achievement");
        if (!json_is_object(ach) || !json_is_string(json_object_get(ach, "name")) ||
            !json_is_object(json_object_get(ach, "criteria")))
            return "credentialSubject.achievement";
    }
    if (has_type(doc, "ClrCredential")) {
        const json_t *vcs = json_object_get(cs, "verifiableCredential");
        if (!json_is_array(vcs) || json_array_size(vcs) == 0)
            return "credentialSubject.verifiableCredential";
    }
    const json_t *ids = json_object_get(cs, "identifier");
    if (ids) {
        size_t i;
        json_t *v;
        if (!json_is_array(ids)) return "credentialSubject.identifier";
        json_array_foreach(ids, i, v) {
            const json_t *h = json_object_get(v, "hashed");
            if (!json_is_string(json_object_get(v, "identityHash")) || !json_is_boolean(h))
                return "credentialSubject.identifier";
            if (json_is_true(h) &&
                strncmp(json_string_value(json_object_get(v, "identityHash")), "sha256$", 7) != 0)
                return "credentialSubject.identifier";
        }
    }
    const json_t *st = json_object_get(doc, "credentialStatus");
    if (st) {
        size_t n = json_is_array(st) ? json_array_size(st) : 1;
        for (size_t i = 0; i < n; i++) {
            const json_t *e = json_is_array(st) ? json_array_get(st, i) : st;
            const char *type = json_string_value(json_object_get(e, "type"));
            if (!json_is_object(e) || !type) return "credentialStatus";
            if (strcmp(type, "BitstringStatusListEntry") != 0) continue;
            const char *ix = json_string_value(json_object_get(e, "statusListIndex"));
            if (!ix || !*ix || strspn(ix, "0123456789") != strlen(ix) || strlen(ix) > 12 ||
                !json_is_string(json_object_get(e, "statusListCredential")) ||
                !json_is_string(json_object_get(e, "statusPurpose")))
                return "credentialStatus";
        }
    }
    return NULL;
}

/* ---- keys and the trust registry ---------------------------------------------------------------- */

/* Offline: did:key, or a did:web whose key the trust file lists. */
static int offline_resolve(void *ctx, const char *vm, edx_di_key *key, edx_err *err)
{
    edx_verifier *v = ctx;
    if (strncmp(vm, "did:key:", 8) == 0) return edx_did_key_resolve(NULL, vm, key, err);
    const char *frag = strchr(vm, '#');
    size_t i;
    json_t *e;
    if (frag && v->trust) json_array_foreach(v->trust, i, e) {
        size_t j;
        json_t *d;
        json_array_foreach(json_object_get(e, "dids"), j, d) {
            const char *did = json_string_value(d);
            if (!did || strncmp(did, vm, (size_t)(frag - vm)) != 0 || did[frag - vm]) continue;
            char why[96];
            if (edx_multikey_decode_ed25519(frag + 1, 0, key->pk, why) != 0) break;
            snprintf(key->controller, sizeof key->controller, "%s", did);
            return 0;
        }
    }
    return edx_err_set(err, EDX_ENOTFOUND, 400, "key_unresolved", "verificationMethod",
                       "the verification method cannot be resolved offline (not a did:key and "
                       "not in the trust registry file)");
}

static int resolve(void *ctx, const char *vm, edx_di_key *key, edx_err *err)
{
    edx_verifier *v = ctx;
    if (v->db) return edx_cred_store_resolve(v->db, vm, key, err);
    return offline_resolve(v, vm, key, err);
}

typedef struct issuer_info {
    int known;               /* the issuer's unit is known (store or trust file) */
    char unit[64], name[300];
    int accredited;          /* has a registry entry */
    int64_t from, until;
    int type_ok;
    int64_t retired_at;      /* of the signing key, from the registry */
} issuer_info;

static int types_include(const char *types, const char *kind)
{
    if (strcmp(types, "*") == 0) return 1;
    size_t n = strlen(kind);
    for (const char *p = types; (p = strstr(p, kind)); p += n)
        if ((p == types || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ')) return 1;
    return 0;
}

static void lookup_issuer_online(edx_verifier *v, const char *did, const char *kind,
                                 issuer_info *ii)
{
    edx_rows *r = NULL;
    edx_err e;
    char code[64] = "";
    const char *sql;
    edx_dbv arg;
    if (strncmp(did, "did:key:", 8) == 0) {
        sql = "SELECT u.code FROM cred_keys k JOIN units u ON u.id = k.unit_id"
              " WHERE k.public_multibase = ?";
        arg = EDX_DB_TEXT(did + 8);
    } else {
        const char *u = strstr(did, ":units:");
        if (!u) return;
        sql = "SELECT code FROM units WHERE code = ?";
        arg = EDX_DB_TEXT(u + 7);
    }
    if (edx_db_query(v->db, &r, sql, &arg, 1, &e) < 0) return;
    if (edx_rows_next(r, &e) > 0) snprintf(code, sizeof code, "%s", edx_rows_text(r, 0));
    edx_rows_close(r);
    if (!code[0]) return;
    if (edx_db_query(v->db, &r,
                     "SELECT u.name, t.accredited_from, t.accredited_until, t.types FROM units u"
                     " LEFT JOIN trust_registry t ON t.unit_id = u.id WHERE u.code = ?",
                     EDX_DB_ARGS(EDX_DB_TEXT(code)), &e) < 0)
        return;
    if (edx_rows_next(r, &e) > 0) {
        ii->known = 1;
        snprintf(ii->unit, sizeof ii->unit, "%s", code);
        snprintf(ii->name, sizeof ii->name, "%s", edx_rows_text(r, 0));
        if (!edx_rows_isnull(r, 1)) {
            ii->accredited = 1;
            ii->from = edx_rows_int(r, 1);
            ii->until = edx_rows_isnull(r, 2) ? 0 : edx_rows_int(r, 2);
            ii->type_ok = types_include(edx_rows_text(r, 3), kind);
        }
    }
    edx_rows_close(r);
}

static void lookup_issuer_offline(edx_verifier *v, const char *did, const char *kind,
                                  issuer_info *ii)
{
    size_t i;
    json_t *e;
    json_array_foreach(v->trust, i, e) {
        size_t j;
        json_t *d;
        int match = 0;
        json_array_foreach(json_object_get(e, "dids"), j, d) if (json_is_string(d) &&
                                                                 strcmp(json_string_value(d),
                                                                        did) == 0) match = 1;
        if (!match) continue;
        ii->known = ii->accredited = 1;
        snprintf(ii->unit, sizeof ii->unit, "%s", json_string_value(json_object_get(e, "unit")));
        snprintf(ii->name, sizeof ii->name, "%s", json_string_value(json_object_get(e, "name")));
        const char *f = json_string_value(json_object_get(e, "accreditedFrom"));
        const char *u = json_string_value(json_object_get(e, "accreditedUntil"));
        if (f) edx_datetime_stamp(f, &ii->from);
        if (u) edx_datetime_stamp(u, &ii->until);
        size_t k;
        json_t *t;
        json_array_foreach(json_object_get(e, "types"), k, t) if (json_is_string(t) &&
                                                                  strcmp(json_string_value(t),
                                                                         kind) == 0) ii->type_ok = 1;
        /* The retirement time of a did:key from the registry's key list. */
        if (strncmp(did, "did:key:", 8) == 0) {
            json_array_foreach(json_object_get(e, "keys"), k, t) {
                const char *mb = json_string_value(json_object_get(t, "publicKeyMultibase"));
                const char *ret = json_string_value(json_object_get(t, "retired"));
                if (mb && ret && strcmp(mb, did + 8) == 0) edx_datetime_stamp(ret, &ii->retired_at);
            }
        }
        return;
    }
}

/* Do two DIDs belong to the same issuer (same DID, or keys of the same unit)? */
static int same_issuer(edx_verifier *v, const char *a, const char *b)
{
    if (!a || !b) return 0;
    if (strcmp(a, b) == 0) return 1;
    issuer_info ia, ib;
    memset(&ia, 0, sizeof ia);
    memset(&ib, 0, sizeof ib);
    if (v->db) {
        lookup_issuer_online(v, a, "other", &ia);
        lookup_issuer_online(v, b, "other", &ib);
    } else if (v->trust) {
        lookup_issuer_offline(v, a, "other", &ia);
        lookup_issuer_offline(v, b, "other", &ib);
    }
    return ia.known && ib.known && strcmp(ia.unit, ib.unit) == 0;
}

/* ---- status ------------------------------------------------------------------------------------ */

/* Verify a status list credential and decode its bits; 1 ok, 0 not (why in `why`). */
static int load_list(edx_verifier *v, const char *text, size_t len, const char *url,
                     const char *purpose, edx_buf *bits, char *signer, char *why, size_t whylen)
{
    json_t *doc = NULL;
    edx_err e;
    edx_di_result res;
    int ok = 0;
    if (edx_jcs_parse(text, len, &doc, &e) != 0 || !json_is_object(doc)) {
        snprintf(why, whylen, "the status list is not valid JSON");
        goto done;
    }
    if (url && (!json_is_string(json_object_get(doc, "id")) ||
                strcmp(json_string_value(json_object_get(doc, "id")), url) != 0)) {
        snprintf(why, whylen, "the status list's id does not match its address");
        goto done;
    }
    int rc = edx_di_verify(doc, "assertionMethod", resolve, v, &v->scratch, &res);
    if (rc != 1) {
        snprintf(why, whylen, "the status list's proof does not verify (%s)", res.code);
        goto done;
    }
    const char *iss = issuer_id(doc);
    if (!iss || strcmp(iss, res.key.controller) != 0) {
        snprintf(why, whylen, "the status list was not signed by its issuer");
        goto done;
    }
    snprintf(signer, EDX_DID_MAX, "%s", iss);
    const json_t *cs = json_object_get(doc, "credentialSubject");
    const char *p = json_string_value(json_object_get(cs, "statusPurpose"));
    if (!p || (purpose && strcmp(p, purpose) != 0)) {
        snprintf(why, whylen, "the status list's purpose is not %s", purpose ? purpose : "set");
        goto done;
    }
    if (edx_status_list_decode(json_string_value(json_object_get(cs, "encodedList")), bits, &e) !=
        0) {
        snprintf(why, whylen, "%.190s", e.message);
        goto done;
    }
    ok = 1;
done:
    json_decref(doc);
    return ok;
}

/*
 * The bit for one entry: 1 set, 0 clear, -1 unknown (why says). `signer` gets
 * the status list's issuer.
 */
static int status_bit(edx_verifier *v, const char *url, const char *purpose, int64_t index,
                      char *signer, char *why, size_t whylen)
{
    if (!v->db) {
        for (size_t i = 0; i < v->nlists; i++)
            if (strcmp(v->lists[i].url, url) == 0) {
                if (strcmp(v->lists[i].purpose, purpose) != 0) {
                    snprintf(why, whylen, "the status list's purpose is not %s", purpose);
                    return -1;
                }
                snprintf(signer, EDX_DID_MAX, "%s", v->lists[i].issuer);
                int b = edx_status_bit(&v->lists[i].bits, index);
                if (b < 0) snprintf(why, whylen, "the index is beyond the status list");
                return b;
            }
        snprintf(why, whylen, "no copy of the status list is available offline");
        return -1;
    }
    /* Online: our own lists come from the store. */
    size_t plen = strlen(v->env->public_url);
    char unit[64], purp[16];
    long long seq;
    int n = 0;
    if (strncmp(url, v->env->public_url, plen) != 0 ||
        sscanf(url + plen, "/status/%63[^/]/%lld/%15[a-z]%n", unit, &seq, purp, &n) != 3 ||
        url[plen + (size_t)n] != '\0') {
        snprintf(why, whylen, "the status list is on another site and cannot be fetched here");
        return -1;
    }
    int64_t version = 0;
    edx_err e;
    if (edx_db_query_int(v->db,
                         "SELECT l.doc_version FROM cred_status_lists l JOIN units u ON"
                         " u.id = l.unit_id WHERE u.code = ? AND l.seq = ?",
                         EDX_DB_ARGS(EDX_DB_TEXT(unit), EDX_DB_INT(seq)), &version, &e) <= 0) {
        snprintf(why, whylen, "the status list does not exist");
        return -1;
    }
    int bit;
    if (cache_get(url, version, index, &bit, signer)) {
        if (bit < 0) snprintf(why, whylen, "the index is beyond the status list");
        return bit;
    }
    edx_buf text = EDX_BUF_INIT, bits = EDX_BUF_INIT;
    int64_t ver = 0;
    int rc = -1;
    if (edx_status_list_get(v->db, v->env, unit, seq, purp, &text, &ver, &e) != 0) {
        snprintf(why, whylen, "the status list does not exist");
    } else if (load_list(v, text.data, text.len, url, purpose, &bits, signer, why, whylen)) {
        cache_put(url, ver, &bits, signer);
        rc = edx_status_bit(&bits, index);
        if (rc < 0) snprintf(why, whylen, "the index is beyond the status list");
    }
    edx_buf_free(&text);
    edx_buf_free(&bits);
    return rc;
}

static void check_status(edx_verifier *v, report *r, const json_t *doc, const char *issuer)
{
    const json_t *st = json_object_get(doc, "credentialStatus");
    if (!st) {
        add_check(r, "status", "pass", "no_status",
                  "Văn bằng không có thông tin trạng thái: không thể bị thu hồi.",
                  "The credential carries no status: it cannot be revoked.");
        return;
    }
    size_t n = json_is_array(st) ? json_array_size(st) : 1;
    int unknown = 0, checked = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_is_array(st) ? json_array_get(st, i) : st;
        const char *type = json_string_value(json_object_get(e, "type"));
        if (!type || strcmp(type, "BitstringStatusListEntry") != 0) continue;
        const char *purpose = json_string_value(json_object_get(e, "statusPurpose"));
        const char *url = json_string_value(json_object_get(e, "statusListCredential"));
        int64_t index = strtoll(json_string_value(json_object_get(e, "statusListIndex")), NULL, 10);
        char signer[EDX_DID_MAX] = "", why[200] = "";
        int bit = status_bit(v, url, purpose, index, signer, why, sizeof why);
        if (bit >= 0 && !same_issuer(v, signer, issuer)) {
            bit = -1;
            snprintf(why, sizeof why, "the status list was signed by another issuer");
        }
        if (bit < 0) {
            unknown = 1;
            checkf(r, "status", "warn", "status_unknown",
                   "Không kiểm tra được trạng thái (%s): %s.",
                   "The %s status could not be checked: %s.", purpose, why);
            continue;
        }
        checked++;
        if (bit == 1) {
            int rev = strcmp(purpose, "revocation") == 0;
            add_check(r, "status", "fail", rev ? "revoked" : "suspended",
                      rev ? "Văn bằng đã bị THU HỒI." : "Văn bằng đang bị TẠM ĐÌNH CHỈ.",
                      rev ? "The credential has been REVOKED." : "The credential is SUSPENDED.");
            return;
        }
    }
    if (checked && !unknown)
        add_check(r, "status", "pass", "active", "Văn bằng chưa bị thu hồi hay đình chỉ.",
                  "The credential is neither revoked nor suspended.");
    else if (!checked && !unknown)
        add_check(r, "status", "pass", "no_status",
                  "Văn bằng không có danh sách trạng thái mà hệ thống hiểu.",
                  "The credential has no status list entry this verifier understands.");
}

/* ---- the engine ---------------------------------------------------------------------------------- */

edx_verifier *edx_verifier_new(edx_db *db, const edx_cred_env *env)
{
    edx_verifier *v = calloc(1, sizeof *v);
    if (!v) return NULL;
    v->db = db;
    v->env = env;
    return v;
}

void edx_verifier_free(edx_verifier *v)
{
    if (!v) return;
    json_decref(v->trust);
    free(v->trust_signer);
    for (size_t i = 0; i < v->nlists; i++) {
        free(v->lists[i].url);
        free(v->lists[i].issuer);
        free(v->lists[i].purpose);
        edx_buf_free(&v->lists[i].bits);
    }
    free(v->lists);
    edx_buf_free(&v->scratch);
    free(v);
}

int edx_verifier_load_trust(edx_verifier *v, const char *text, size_t len, edx_err *err)
{
    json_t *doc = NULL;
    edx_di_result res;
    int rc = edx_jcs_parse(text, len, &doc, err);
    if (rc < 0) return rc;
    if (!has_type(doc, "EdudxTrustRegistry")) {
        json_decref(doc);
        return edx_err_invalid(err, "trust", "the file is not an edudx trust registry export");
    }
    /* The registry is signed by a did:key; verify it before trusting anything inside. */
    rc = edx_di_verify(doc, "assertionMethod", edx_did_key_resolve, NULL, &v->scratch, &res);
    if (rc != 1 || !issuer_id(doc) || strcmp(issuer_id(doc), res.key.controller) != 0) {
        json_decref(doc);
        return edx_err_invalid(err, "trust", "the trust registry file's signature does not verify "
                                             "(%s)", res.code);
    }
    json_t *issuers = json_object_get(json_object_get(doc, "credentialSubject"), "issuers");
    if (!json_is_array(issuers)) {
        json_decref(doc);
        return edx_err_invalid(err, "trust", "the trust registry file lists no issuers");
    }
    json_decref(v->trust);
    v->trust = json_incref(issuers);
    free(v->trust_signer);
    v->trust_signer = strdup(res.key.controller);
    json_decref(doc);
    return 0;
}

int edx_verifier_add_status_list(edx_verifier *v, const char *text, size_t len, edx_err *err)
{
    json_t *doc = NULL;
    int rc = edx_jcs_parse(text, len, &doc, err);
    if (rc < 0) return rc;
    const char *url = json_string_value(json_object_get(doc, "id"));
    const char *purpose = json_string_value(
        json_object_get(json_object_get(doc, "credentialSubject"), "statusPurpose"));
    offline_list l;
    memset(&l, 0, sizeof l);
    char signer[EDX_DID_MAX], why[200];
    if (!url || !purpose) {
        json_decref(doc);
        return edx_err_invalid(err, "status", "the file is not a status list credential");
    }
    if (!load_list(v, text, len, url, purpose, &l.bits, signer, why, sizeof why)) {
        edx_err_invalid(err, "status", "status list %.200s: %s", url, why);
        json_decref(doc);
        edx_buf_free(&l.bits);
        return EDX_EINVAL;
    }
    offline_list *nl = realloc(v->lists, (v->nlists + 1) * sizeof *nl);
    if (!nl) {
        json_decref(doc);
        edx_buf_free(&l.bits);
        return edx_err_nomem(err);
    }
    v->lists = nl;
    l.url = strdup(url);
    l.issuer = strdup(signer);
    l.purpose = strdup(purpose);
    v->lists[v->nlists++] = l;
    json_decref(doc);
    return 0;
}

int edx_verify_json(edx_verifier *v, json_t *doc, int64_t now, json_t **out)
{
    report r = {json_array(), 0};
    issuer_info ii;
    edx_di_result res;
    int64_t from = 0, until = 0;
    memset(&ii, 0, sizeof ii);
    memset(&res, 0, sizeof res);
    if (!now) now = edx_now();
    int syntax_ok = json_is_object(doc) && check_syntax(&r, doc);
    if (!json_is_object(doc))
        add_check(&r, "syntax", "fail", "not_object", "Văn bằng phải là một đối tượng JSON.",
                  "A credential is a JSON object.");
    const char *iss = syntax_ok ? issuer_id(doc) : NULL;
    const char *kind = syntax_ok ? kind_of(doc) : "other";
    int trusted = 0;
    if (syntax_ok) {
        const char *bad = schema_problem(doc, &from, &until);
        if (bad)
            checkf(&r, "schema", "fail", "schema", "Trường %s không đúng định dạng.",
                   "The field %s is malformed.", bad);
        else
            add_check(&r, "schema", "pass", "ok", "Các trường đúng định dạng.",
                      "The fields have the expected shape.");

        int pv = edx_di_verify(doc, "assertionMethod", resolve, v, &v->scratch, &res);
        if (pv < 0) goto nomem;
        int key_resolved = pv == 1 || (strcmp(res.code, "signature_invalid") == 0);
        if (pv == 1 && strcmp(res.key.controller, iss) != 0) {
            pv = 0;
            snprintf(res.code, sizeof res.code, "issuer_mismatch");
            add_check(&r, "proof", "fail", "issuer_mismatch",
                      "Chữ ký số hợp lệ nhưng khóa ký không thuộc đơn vị cấp ghi trên văn bằng.",
                      "The signature is valid but the signing key does not belong to the issuer "
                      "named in the credential.");
        } else if (pv == 1) {
            add_check(&r, "proof", "pass", "ok",
                      "Chữ ký số hợp lệ: nội dung không bị thay đổi kể từ khi ký.",
                      "The digital signature is valid: nothing has changed since signing.");
        } else {
            checkf(&r, "proof", "fail", res.code,
                   "Chữ ký số không hợp lệ (%s): văn bằng đã bị sửa hoặc không do đơn vị này ký.",
                   "The digital signature is not valid (%s): %s.", res.code, res.detail);
        }
        if (key_resolved) {
            if (iss && v->db) lookup_issuer_online(v, iss, kind, &ii);
            else if (iss && v->trust) lookup_issuer_offline(v, iss, kind, &ii);
            int64_t retired = res.key.retired_at ? res.key.retired_at : ii.retired_at;
            if (retired && res.created_at > retired) {
                char d[16];
                day_of(retired, d);
                checkf(&r, "issuer_key", "fail", "key_retired",
                       "Khóa ký đã ngừng sử dụng từ %s, trước ngày ký.",
                       "The signing key was retired on %s, before this proof was made.", d);
            } else {
                checkf(&r, "issuer_key", "pass", "ok", "Khóa ký được xác định: %s.",
                       "The signing key resolves: %s.", res.vm);
            }
        } else if (strncmp(res.code, "key_", 4) == 0 || strncmp(res.code, "did_key", 7) == 0) {
            checkf(&r, "issuer_key", "fail", res.code,
                   "Không xác định được khóa ký của đơn vị cấp.",
                   "The issuer's signing key could not be resolved: %s", res.detail);
        } else {
            /* The proof failed before its key was looked at: one fault, reported once. */
            add_check(&r, "issuer_key", "skip", "not_checked",
                      "Chưa kiểm tra khóa ký vì chữ ký số không hợp lệ.",
                      "The signing key was not checked because the proof is not valid.");
        }

        /* The registry: who issued it, accredited when, for what. */
        if (ii.accredited) {
            int64_t at = from ? from : res.created_at;
            char f[16], u[16] = "nay";
            char uen[16] = "now";
            day_of(ii.from, f);
            if (ii.until) {
                day_of(ii.until, u);
                day_of(ii.until, uen);
            }
            if (!ii.type_ok) {
                checkf(&r, "trust", "warn", "type_not_accredited",
                       "Cấp bởi %s, nhưng đơn vị không được công nhận cấp loại văn bằng này (%s).",
                       "Issued by %s, but the issuer is not accredited for this type (%s).",
                       ii.name, kind);
            } else {
                int inside = !at || (at >= ii.from && (!ii.until || at <= ii.until));
                char vi[600], en[600];
                snprintf(vi, sizeof vi,
                         inside ? "Cấp bởi %s, được Bộ Giáo dục và Đào tạo công nhận từ %s đến %s."
                                : "Cấp bởi %s, ngoài thời hạn được Bộ công nhận (%s đến %s).",
                         ii.name, f, u);
                snprintf(en, sizeof en,
                         inside ? "Issued by %s, accredited by the Ministry from %s to %s."
                                : "Issued by %s outside its accreditation by the Ministry (%s to %s).",
                         ii.name, f, uen);
                add_check(&r, "trust", inside ? "pass" : "warn",
                          inside ? "accredited" : "outside_accreditation", vi, en);
                trusted = inside;
            }
        } else if (ii.known) {
            checkf(&r, "trust", "warn", "not_in_registry",
                   "Cấp bởi %s, nhưng đơn vị KHÔNG có trong danh sách được Bộ công nhận.",
                   "Issued by %s, but the issuer is NOT in the Ministry's registry.", ii.name,
                   ii.name);
        } else if (!v->db && !v->trust) {
            add_check(&r, "trust", "skip", "no_registry",
                      "Chưa có tệp danh sách đơn vị được công nhận để đối chiếu.",
                      "No trust registry file was given to check the issuer against.");
        } else {
            add_check(&r, "trust", "warn", "not_in_registry",
                      "Đơn vị cấp KHÔNG có trong danh sách được Bộ công nhận.",
                      "The issuer is NOT in the Ministry's registry.");
        }
        check_status(v, &r, doc, iss);
        if (until && now > until)
            add_check(&r, "validity", "fail", "expired", "Văn bằng đã hết hiệu lực.",
                      "The credential has expired.");
        else if (from && now < from)
            add_check(&r, "validity", "fail", "not_yet_valid", "Văn bằng chưa có hiệu lực.",
                      "The credential is not valid yet.");
        else
            add_check(&r, "validity", "pass", "ok", "Văn bằng đang trong thời hạn hiệu lực.",
                      "The credential is within its validity period.");
    }

    json_t *summary = json_object();
    if (syntax_ok) {
        json_object_set_new(summary, "id", edx_json_str_or_null(json_string_value(json_object_get(doc, "id"))));
        json_object_set_new(summary, "type", json_string(kind));
        json_object_set_new(summary, "name", edx_json_str_or_null(json_string_value(json_object_get(doc, "name"))));
        json_object_set_new(summary, "subject", edx_json_str_or_null(subject_name(doc)));
        json_object_set_new(summary, "issuer",
                            json_pack("{s:s,s:o,s:o}", "id", iss, "name",
                                      edx_json_str_or_null(issuer_name(doc)), "unit",
                                      edx_json_str_or_null(ii.known ? ii.unit : NULL)));
        const json_t *vf = json_object_get(doc, "validFrom");
        json_object_set_new(summary, "validFrom", vf ? json_deep_copy(vf) : json_null());
    }
    *out = json_pack("{s:b,s:b,s:o,s:o}", "verified", !r.failed, "trusted", trusted, "credential",
                     summary, "checks", r.checks);
    return *out ? !r.failed : -1;
nomem:
    json_decref(r.checks);
    return -1;
}

int edx_verify_text(edx_verifier *v, const char *text, size_t len, int64_t now, json_t **out)
{
    json_t *doc = NULL;
    edx_err e;
    if (edx_jcs_parse(text, len, &doc, &e) != 0) {
        report r = {json_array(), 0};
        checkf(&r, "syntax", "fail", "invalid_json", "Không đọc được văn bằng: %s.",
               "The credential cannot be read: %s.", e.message, e.message);
        *out = json_pack("{s:b,s:b,s:o,s:o}", "verified", 0, "trusted", 0, "credential",
                         json_object(), "checks", r.checks);
        return *out ? 0 : -1;
    }
    int rc = edx_verify_json(v, doc, now, out);
    json_decref(doc);
    return rc;
}
