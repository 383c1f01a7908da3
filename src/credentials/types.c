/*
 * types.c: the five credential types. Each has an input schema
 * (docs/schemas/<type>.input.json: one record = one CSV row) and a builder
 * that turns a validated record into the credential's JSON:
 *   diploma, degree, skills, award → Open Badges 3.0 OpenBadgeCredential
 *   transcript                      → CLR 2.0 ClrCredential (one school year)
 * The person is bound by IdentityObjects: a salted SHA-256 of the ID number
 * (hashed: true) and the name; the ID number itself never leaves the input.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "credentials/cred_int.h"
#include "json/json.h"
#include "schema/schema.h"

#define OB3_CONTEXT "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#define CLR_CONTEXT "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

static const char *const type_names[EDX_CRED_NTYPES] = {"diploma", "degree", "transcript",
                                                        "skills", "award"};

const char *edx_cred_type_name(edx_cred_type t)
{
    return (unsigned)t < EDX_CRED_NTYPES ? type_names[t] : "other";
}

int edx_cred_type_parse(const char *name)
{
    for (int i = 0; name && i < EDX_CRED_NTYPES; i++)
        if (strcmp(type_names[i], name) == 0) return i;
    return -1;
}

/* ---- formats ----------------------------------------------------------------------------- */

static const char *fmt_national_id(const char *v, size_t len)
{
    edx_err e;
    (void)len;
    if (edx_nid_check(v, "id_number", &e) == 0) return NULL;
    if (strstr(e.message, "province")) return "must start with a known province code";
    if (strstr(e.message, "future")) return "gives a birth year in the future";
    return "must be a 12-digit ID number";
}

/* Letters of the Latin script (Vietnamese included); look-alikes from other scripts are not. */
static int latin_letter(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF);
}

static uint32_t next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t c = s[0];
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n == 2) c = ((c & 0x1F) << 6) | (s[1] & 0x3F);
    if (n == 3) c = ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    if (n == 4) c = ((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    *p = s + n;
    return c;
}

static const char *check_name(const char *v, int unit_ok)
{
    const unsigned char *p = (const unsigned char *)v;
    int letters = 0;
    uint32_t prev = ' ';
    while (*p) {
        uint32_t c = next_cp(&p);
        if (latin_letter(c)) {
            letters++;
        } else if (c == ' ') {
            if (prev == ' ') return "must not contain two spaces in a row";
        } else if (c == '\'' || c == '-' || c == '.') {
            /* O'Neil, Nguyễn-Trần, Jr. */
        } else if (unit_ok && ((c >= '0' && c <= '9') || c == ',' || c == '(' || c == ')' ||
                               c == '/' || c == '&')) {
            /* unit names: "Trường THPT số 1", "Sở GD&ĐT" */
        } else if (c >= 0x300 && c <= 0x36F) {
            return "has a combining mark that does not compose with its letter";
        } else if (c >= 0x370) {
            return "contains a letter from another script (a look-alike of a Latin letter?)";
        } else {
            return unit_ok ? "may contain only letters, digits, spaces and . , ' - ( ) / &"
                           : "may contain only letters, spaces, apostrophes, hyphens and dots";
        }
        prev = c;
    }
    if (letters < 2) return "must contain at least two letters";
    return NULL;
}

static const char *fmt_person_name(const char *v, size_t len)
{
    (void)len;
    return check_name(v, 0);
}

static const char *fmt_recipient_name(const char *v, size_t len)
{
    (void)len;
    return check_name(v, 1);
}

/* ---- schemas ------------------------------------------------------------------------------ */

static pthread_once_t schemas_once = PTHREAD_ONCE_INIT;
static void schemas_compile(void);
static json_t *schema_json[EDX_CRED_NTYPES];
static edx_schema *schemas[EDX_CRED_NTYPES];
static int schemas_ok;

static void schemas_load(void)
{
    /* These values live for the process: never in a caller's arena scope. */
    edx_arena *scope = edx_json_use_arena(NULL);
    schemas_compile();
    edx_json_use_arena(scope);
}

static void schemas_compile(void)
{
    edx_schema_add_format("national-id", fmt_national_id);
    edx_schema_add_format("person-name", fmt_person_name);
    edx_schema_add_format("recipient-name", fmt_recipient_name);
    for (int i = 0; i < EDX_CRED_NTYPES; i++) {
        char name[64];
        edx_err e;
        snprintf(name, sizeof name, "schemas/%s.input.json", type_names[i]);
        const edx_embed *f = edx_embed_find(name);
        if (!f) return;
        schema_json[i] = json_loadb((const char *)f->data, f->len, 0, NULL);
        if (!schema_json[i] || edx_schema_compile(schema_json[i], &schemas[i], &e) != 0) {
            fprintf(stderr, "edudx: built-in schema %s does not compile: %s\n", name, e.message);
            return;
        }
    }
    schemas_ok = 1;
}

const json_t *edx_cred_input_schema(edx_cred_type t)
{
    pthread_once(&schemas_once, schemas_load);
    return (unsigned)t < EDX_CRED_NTYPES ? schema_json[t] : NULL;
}

/*
 * Lanes other than 0 get their own compiled copy of the schema: glibc's regexec
 * locks the compiled pattern, so threads sharing one would queue on it.
 */
static edx_schema *lane_schemas[CRED_LANES][EDX_CRED_NTYPES];
static pthread_mutex_t lanes_mu = PTHREAD_MUTEX_INITIALIZER;

static edx_schema *lane_schema(edx_cred_type t, int lane)
{
    if (lane <= 0 || lane >= CRED_LANES) return schemas[t];
    pthread_mutex_lock(&lanes_mu);
    edx_schema *s = lane_schemas[lane][t];
    if (!s) {
        edx_err e;
        edx_arena *scope = edx_json_use_arena(NULL);
        if (edx_schema_compile(schema_json[t], &lane_schemas[lane][t], &e) == 0)
            s = lane_schemas[lane][t];
        edx_json_use_arena(scope);
    }
    pthread_mutex_unlock(&lanes_mu);
    return s;
}

int cred_validate(edx_cred_type t, int lane, const json_t *rec, edx_arena *a,
                  edx_schema_issue *issues, size_t max)
{
    pthread_once(&schemas_once, schemas_load);
    if (!schemas_ok) return -1;
    edx_schema *s = lane_schema(t, lane);
    return s ? edx_schema_validate(s, rec, a, issues, max) : -1;
}

int cred_is_fixed_column(edx_cred_type t, const char *name)
{
    pthread_once(&schemas_once, schemas_load);
    return schemas_ok &&
           json_object_get(json_object_get(schema_json[t], "properties"), name) != NULL;
}

/* ---- builders ----------------------------------------------------------------------------- */

static const char *get(const json_t *rec, const char *k)
{
    return json_string_value(json_object_get(rec, k));
}

/* "30/06/2026" from "2026-06-30" (how Vietnamese documents write dates). */
static json_t *vn_date(const char *iso)
{
    char b[16];
    if (!iso || strlen(iso) != 10) return json_string("");
    snprintf(b, sizeof b, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    return json_string(b);
}

static json_t *identifiers(const json_t *rec)
{
    json_t *ids = json_array();
    const char *nid = get(rec, "id_number");
    if (nid) {
        uint8_t salt_raw[16];
        char salt[32], hex[EDX_SHA256_HEX], msg[64];
        edx_random(salt_raw, sizeof salt_raw);
        edx_b64url(salt_raw, sizeof salt_raw, salt);
        int n = snprintf(msg, sizeof msg, "%s%s", nid, salt);
        edx_sha256_hex(msg, (size_t)n, hex);
        edx_wipe(msg, sizeof msg);
        char *h = malloc(8 + sizeof hex);
        if (h) {
            snprintf(h, 8 + sizeof hex, "sha256$%s", hex);
            json_array_append_new(ids, json_pack("{s:s,s:s,s:s,s:b,s:s}", "type", "IdentityObject",
                                                 "identityHash", h, "identityType",
                                                 "nationalIdentityNumber", "hashed", 1, "salt",
                                                 salt));
            free(h);
        }
    }
    json_array_append_new(ids, json_pack("{s:s,s:s,s:s,s:b}", "type", "IdentityObject",
                                         "identityHash", get(rec, "full_name"), "identityType",
                                         "name", "hashed", 0));
    const char *dob = get(rec, "birth_date");
    if (dob)
        json_array_append_new(ids, json_pack("{s:s,s:s,s:s,s:b}", "type", "IdentityObject",
                                             "identityHash", dob, "identityType",
                                             "ext:birthDate", "hashed", 0));
    return ids;
}

static json_t *decision_evidence(const json_t *rec, const char *genre)
{
    const char *num = get(rec, "decision_number"), *date = get(rec, "decision_date");
    if (!num) return NULL;
    json_t *vd = vn_date(date);
    char narrative[256];
    snprintf(narrative, sizeof narrative, "%s số %s ngày %s", genre, num, json_string_value(vd));
    json_decref(vd);
    return json_pack("[{s:[s],s:s,s:s,s:s,s:s}]", "type", "Evidence", "genre", genre, "name", num,
                     "description", date ? date : "", "narrative", narrative);
}

/* OB 3.0 dates are date-times: the day at 00:00 UTC. */
static void set_end_date(json_t *subject, const char *day)
{
    char t[32];
    if (!day) return;
    snprintf(t, sizeof t, "%.10sT00:00:00Z", day);
    json_object_set_new(subject, "activityEndDate", json_string(t));
}

static json_t *achievement(const cred_build *b, const char *slug, const char *atype,
                           const char *name, const char *narrative)
{
    char id[512];
    snprintf(id, sizeof id, "%s/achievements/%s/%s", b->public_url, b->unit_code, slug);
    return json_pack("{s:s,s:[s],s:s,s:s,s:{s:s}}", "id", id, "type", "Achievement",
                     "achievementType", atype, "name", name, "criteria", "narrative", narrative);
}

static void add_result(json_t *subject, json_t *ach, const char *rd_id, const char *rd_name,
                       const char *rtype, const char *value)
{
    char id[600];
    snprintf(id, sizeof id, "%s#%s", json_string_value(json_object_get(ach, "id")), rd_id);
    json_t *rds = json_object_get(ach, "resultDescription");
    if (!rds) json_object_set_new(ach, "resultDescription", rds = json_array());
    json_array_append_new(rds, json_pack("{s:s,s:[s],s:s,s:s}", "id", id, "type",
                                         "ResultDescription", "name", rd_name, "resultType",
                                         rtype));
    json_t *res = json_object_get(subject, "result");
    if (!res) json_object_set_new(subject, "result", res = json_array());
    json_array_append_new(res, json_pack("{s:[s],s:s,s:s}", "type", "Result", "resultDescription",
                                         id, "value", value));
}

/*
 * What diplomas and degrees share after their achievement is made: it goes
 * into the subject with the decision date, the classification (when given)
 * becomes a result, and the decision becomes the evidence returned.
 */
static json_t *graduation(json_t *subject, json_t *ach, const json_t *rec, const char *class_label)
{
    json_object_set_new(subject, "achievement", ach);
    set_end_date(subject, get(rec, "decision_date"));
    if (get(rec, "classification"))
        add_result(subject, ach, "classification", class_label, "LetterGrade",
                   get(rec, "classification"));
    return decision_evidence(rec, "Quyết định công nhận tốt nghiệp");
}

static json_t *build_diploma(const cred_build *b, const json_t *rec, json_t *subject,
                             const char **name)
{
    *name = "Bằng tốt nghiệp trung học phổ thông";
    char narrative[400];
    snprintf(narrative, sizeof narrative,
             "Đã tốt nghiệp trung học phổ thông năm %s theo quyết định số %s.",
             get(rec, "graduation_year"), get(rec, "decision_number"));
    json_t *ach = achievement(b, "upper-secondary-diploma", "Diploma", *name, narrative);
    json_object_set_new(ach, "fieldOfStudy", json_string("Giáo dục phổ thông"));
    json_object_set_new(ach, "tag", json_pack("[s,s]", "THPT", "upper-secondary"));
    return graduation(subject, ach, rec, "Xếp loại");
}

static json_t *build_degree(const cred_build *b, const json_t *rec, json_t *subject,
                            const char **name)
{
    static const struct {
        const char *level, *atype, *name;
    } levels[] = {{"bachelor", "BachelorDegree", "Bằng cử nhân"},
                  {"engineer", "BachelorDegree", "Bằng kỹ sư"},
                  {"master", "MasterDegree", "Bằng thạc sĩ"},
                  {"doctor", "DoctoralDegree", "Bằng tiến sĩ"}};
    const char *level = get(rec, "level");
    size_t i = 0;
    while (i < 3 && strcmp(levels[i].level, level) != 0) i++;
    *name = levels[i].name;
    char narrative[600], slug[64];
    snprintf(narrative, sizeof narrative, "%s ngành %s, tốt nghiệp năm %s.", levels[i].name,
             get(rec, "field"), get(rec, "graduation_year"));
    snprintf(slug, sizeof slug, "degree-%s", level);
    json_t *ach = achievement(b, slug, levels[i].atype, levels[i].name, narrative);
    json_object_set_new(ach, "fieldOfStudy", json_string(get(rec, "field")));
    if (get(rec, "field_code")) json_object_set_new(ach, "humanCode", json_string(get(rec, "field_code")));
    json_object_set_new(ach, "tag", json_pack("[s]", level));
    if (get(rec, "mode")) json_object_set_new(ach, "specialization", json_string(get(rec, "mode")));
    return graduation(subject, ach, rec, "Xếp loại tốt nghiệp");
}

static json_t *build_skills(const cred_build *b, const json_t *rec, json_t *subject,
                            const char **name)
{
    *name = "Chứng nhận năng lực số";
    char narrative[400];
    snprintf(narrative, sizeof narrative, "Đã được đánh giá theo %s ngày %s.",
             get(rec, "framework"), get(rec, "assessed_on"));
    json_t *ach = achievement(b, "digital-competence", "Certificate", *name, narrative);
    json_object_set_new(ach, "fieldOfStudy", json_string(get(rec, "framework")));
    json_object_set_new(subject, "achievement", ach);
    set_end_date(subject, get(rec, "assessed_on"));
    if (get(rec, "overall_level"))
        add_result(subject, ach, "overall", "Mức chung", "PerformanceLevel",
                   get(rec, "overall_level"));
    const char *k;
    json_t *v;
    int n = 0;
    json_object_foreach((json_t *)rec, k, v) {
        if (cred_is_fixed_column(EDX_CRED_SKILLS, k)) continue;
        char id[32];
        snprintf(id, sizeof id, "domain-%d", ++n);
        add_result(subject, ach, id, k, "PerformanceLevel", json_string_value(v));
    }
    return NULL;
}

static json_t *build_award(const cred_build *b, const json_t *rec, json_t *subject,
                           const char **name)
{
    *name = get(rec, "reward");
    json_t *ach = achievement(b, "award", "Award", *name, get(rec, "reason"));
    json_object_set_new(ach, "description", json_string(get(rec, "reason")));
    if (get(rec, "campaign")) json_object_set_new(ach, "tag", json_pack("[s]", get(rec, "campaign")));
    json_object_set_new(subject, "achievement", ach);
    set_end_date(subject, get(rec, "decision_date"));
    return decision_evidence(rec, "Quyết định khen thưởng");
}

/* One embedded AchievementCredential per subject of the year (CLR 2.0 requires them). */
static json_t *build_transcript(const cred_build *b, const json_t *rec, json_t *subject,
                                const char **name)
{
    *name = "Học bạ số";
    const char *year = get(rec, "school_year"), *grade = get(rec, "grade");
    json_t *achs = json_array(), *vcs = json_array();
    char from[32];
    edx_time_iso(b->now, from);
    struct {
        const char *key, *label;
    } fixed[] = {{"conduct", "Kết quả rèn luyện"}, {"academic", "Kết quả học tập"}};
    int n = 0;
    const char *k;
    json_t *v;
    for (int pass = 0; pass < 2; pass++) {
        size_t count = pass == 0 ? 2 : json_object_size(rec);
        void *it = pass == 1 ? json_object_iter((json_t *)rec) : NULL;
        for (size_t i = 0; i < count; i++) {
            if (pass == 0) {
                k = fixed[i].label;
                v = json_object_get(rec, fixed[i].key);
            } else {
                k = json_object_iter_key(it);
                v = json_object_iter_value(it);
                it = json_object_iter_next((json_t *)rec, it);
                if (cred_is_fixed_column(EDX_CRED_TRANSCRIPT, k)) continue;
            }
            char slug[96], narrative[400];
            snprintf(slug, sizeof slug, "%s/grade-%s/%d", year, grade, ++n);
            snprintf(narrative, sizeof narrative, "%s, lớp %s, năm học %s", k, grade, year);
            json_t *ach = achievement(b, slug, pass == 0 ? "ext:Assessment" : "Course", k,
                                      narrative);
            json_t *sub = json_pack("{s:[s]}", "type", "AchievementSubject");
            add_result(sub, ach, "result", pass == 0 ? "Mức đạt" : "Điểm trung bình môn",
                       pass == 0 ? "PerformanceLevel" : "ScaledScore", json_string_value(v));
            json_array_append(achs, ach);
            json_object_set_new(sub, "achievement", ach);
            json_array_append_new(
                vcs, json_pack("{s:[s,s],s:[s,s],s:s,s:{s:s,s:[s],s:s},s:s,s:o}", "@context",
                               EDX_VC_V2, OB3_CONTEXT, "type", "VerifiableCredential",
                               "AchievementCredential", "name", k, "issuer", "id", b->did, "type",
                               "Profile", "name", b->unit_name, "validFrom", from,
                               "credentialSubject", sub));
        }
    }
    json_object_set_new(subject, "achievement", achs);
    json_object_set_new(subject, "verifiableCredential", vcs);
    return NULL;
}

json_t *cred_build_doc(const cred_build *b, const json_t *rec, const char *uid, int64_t seq,
                       int64_t index)
{
    const char *name = NULL;
    char from[32], id[48];
    int clr = b->type == EDX_CRED_TRANSCRIPT;
    json_t *subject = json_pack("{s:[s],s:o}", "type", clr ? "ClrSubject" : "AchievementSubject",
                                "identifier", identifiers(rec));
    if (!subject) return NULL;
    json_t *evidence = NULL;
    switch (b->type) {
    case EDX_CRED_DIPLOMA: evidence = build_diploma(b, rec, subject, &name); break;
    case EDX_CRED_DEGREE: evidence = build_degree(b, rec, subject, &name); break;
    case EDX_CRED_TRANSCRIPT: evidence = build_transcript(b, rec, subject, &name); break;
    case EDX_CRED_SKILLS: evidence = build_skills(b, rec, subject, &name); break;
    default: evidence = build_award(b, rec, subject, &name); break;
    }
    const char *vf = get(rec, "valid_from");
    if (vf) snprintf(from, sizeof from, "%sT00:00:00Z", vf);
    else edx_time_iso(b->now, from);
    snprintf(id, sizeof id, "urn:uuid:%s", uid);
    json_t *ctx = clr ? json_pack("[s,s,s]", EDX_VC_V2, CLR_CONTEXT, OB3_CONTEXT)
                      : json_pack("[s,s]", EDX_VC_V2, OB3_CONTEXT);
    json_t *doc = json_pack(
        "{s:o,s:s,s:[s,s],s:{s:s,s:[s],s:s,s:s},s:s,s:s,s:o,s:o}", "@context", ctx, "id", id,
        "type", "VerifiableCredential", clr ? "ClrCredential" : "OpenBadgeCredential", "issuer",
        "id", b->did, "type", "Profile", "name", b->unit_name, "url", b->unit_url, "name",
        name ? name : "", "validFrom", from, "credentialSubject", subject, "credentialStatus",
        cred_status_entries(b->public_url, b->unit_code, seq, index));
    if (doc && get(rec, "valid_until")) {
        char until[32];
        snprintf(until, sizeof until, "%sT23:59:59Z", get(rec, "valid_until"));
        json_object_set_new(doc, "validUntil", json_string(until));
    }
    if (doc && evidence) json_object_set_new(doc, "evidence", evidence);
    else json_decref(evidence);
    return doc;
}
