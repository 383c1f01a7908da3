/*
 * credentials.h: W3C Verifiable Credentials 2.0 for diplomas, degrees,
 * transcripts, digital-skills and award certificates.
 *
 * The pipeline (docs/architecture.md, "Credentials"):
 *   CSV or JSON records → input schema + field checks (every row, before
 *   anything is issued) → credential JSON (Open Badges 3.0 / CLR 2.0 shape, all
 *   text NFC) → Data Integrity proof `eddsa-jcs-2022` (RFC 8785 canonical form,
 *   Ed25519) → store, with a Bitstring Status List index, idempotent by
 *   (issuer, external id).
 * Verification runs one engine for the CLI, the API, the VC API and /verify:
 * syntax, schema, proof, issuer key, trust registry, status, validity dates.
 *
 * Keys: each issuing unit has Ed25519 keys; seeds are sealed at rest with
 * libsodium secretbox under the deployment's master key, opened into guarded
 * memory only while signing and wiped afterwards.
 */
#ifndef EDX_CREDENTIALS_H
#define EDX_CREDENTIALS_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "crypto/crypto.h"
#include "registry/registry.h"
#include "store/db.h"

#define EDX_DID_MAX 256
#define EDX_VC_V2 "https://www.w3.org/ns/credentials/v2"

/* ---- Data Integrity proofs: eddsa-jcs-2022 (proof.c) ---------------------------------- */

/* Signs many documents with one key, one `created` time and one purpose. */
typedef struct edx_di_signer {
    uint8_t *sk;              /* 64 bytes in guarded memory */
    uint8_t pk[EDX_ED25519_PK];
    char vm[EDX_DID_MAX];     /* verificationMethod */
    char created[32];
    const char *purpose;      /* "assertionMethod" */
    char *ctx_jcs;            /* cache: canonical @context of the last proof hash */
    size_t ctx_len;
    uint8_t proof_hash[EDX_SHA256_BYTES];
    edx_buf scratch;
} edx_di_signer;

/* `vm` NULL means the seed's did:key method. 0 or -1 (out of memory). */
int edx_di_signer_init(edx_di_signer *s, const uint8_t seed[EDX_ED25519_SEED], const char *vm,
                       int64_t created);
/* A second signer sharing nothing with `from` (one per thread). */
int edx_di_signer_clone(edx_di_signer *s, const edx_di_signer *from);
void edx_di_signer_free(edx_di_signer *s);

/*
 * Add a `proof` member to `doc` (an object without one). When `text` is not
 * NULL it receives the signed document's canonical (JCS) text, malloc'd.
 * 0, or <0 with err.
 */
int edx_di_sign(edx_di_signer *s, json_t *doc, char **text, size_t *text_len, edx_err *err);

/* What a verification method resolves to. */
typedef struct edx_di_key {
    uint8_t pk[EDX_ED25519_PK];
    char controller[EDX_DID_MAX]; /* the DID the method belongs to */
    int64_t retired_at;           /* when the key stopped signing (0: still in use) */
} edx_di_key;

/*
 * Resolve a verification method id to a key: 0, or <0 with err->code set to a
 * stable reason ("key_unresolved", "did_key_prefix", …).
 */
typedef int (*edx_di_resolver)(void *ctx, const char *vm, edx_di_key *key, edx_err *err);

typedef struct edx_di_result {
    char code[48];      /* "ok" or why not: "proof_missing", "signature_invalid", … */
    char detail[256];   /* one English sentence */
    char vm[EDX_DID_MAX];
    char created[40];
    int64_t created_at; /* 0 when the proof has no `created` */
    edx_di_key key;
} edx_di_result;

/*
 * Verify every proof of `doc` (one object or an array: a proof set) for
 * `purpose`. Returns 1 when all verify, 0 when one does not (res says why),
 * <0 on out of memory.
 */
int edx_di_verify(const json_t *doc, const char *purpose, edx_di_resolver resolve, void *ctx,
                  edx_buf *scratch, edx_di_result *res);

/*
 * An XML Schema dateTimeStamp ("2026-06-30T00:00:00Z", fractions and ±hh:mm
 * zones allowed, zone required): 1 with the Unix time when well formed.
 */
int edx_datetime_stamp(const char *s, int64_t *out);

/* ---- DIDs (did.c) ------------------------------------------------------------------------ */

/* "did:key:z6Mk…" and its verification method "did:key:z6Mk…#z6Mk…". */
void edx_did_key(const uint8_t pk[EDX_ED25519_PK], char did[EDX_DID_MAX]);
void edx_did_key_vm(const uint8_t pk[EDX_ED25519_PK], char vm[EDX_DID_MAX]);
/* Resolve a did:key verification method offline (the edx_di_resolver for did:key). */
int edx_did_key_resolve(void *ctx, const char *vm, edx_di_key *key, edx_err *err);
/* did:web for a deployment URL ("https://edu.vn:8443" → "did:web:edu.vn%3A8443") plus path parts. */
char *edx_did_web(edx_arena *a, const char *public_url, const char *unit_code);

/* ---- The deployment ------------------------------------------------------------------------ */

typedef struct edx_cred_env {
    const char *public_url;    /* base of status list and /verify links, no trailing slash */
    const uint8_t *master_key; /* EDX_SECRET_BYTES: seals issuer keys (NULL: cannot sign) */
    const uint8_t *nid_key;    /* EDX_SECRET_BYTES: HMAC of ID numbers (lookups) */
    int threads;               /* signing threads for batches (0: number of cores) */
} edx_cred_env;

/* ---- Issuer keys (keys.c) ------------------------------------------------------------------- */

/*
 * The unit's signing key, created on first use; its seed is opened into
 * `seed` (wipe it after use). 0 or <0 with err.
 */
int edx_cred_key_active(edx_db *db, const edx_cred_env *env, int64_t unit_id, int64_t *key_id,
                        uint8_t seed[EDX_ED25519_SEED], uint8_t pk[EDX_ED25519_PK], edx_err *err);
/* Retire the unit's active key and make a new one (audited). *out: the unit's keys. */
int edx_cred_key_rotate(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_env *env,
                        const char *unit_code, json_t **out, edx_err *err);
/* The unit's keys, newest first: id, publicKeyMultibase, did, created, retired. */
int edx_cred_keys_list(edx_db *db, edx_arena *a, const edx_principal *p, const char *unit_code,
                       json_t **out, edx_err *err);
/* Resolve a verification method among keys this store holds (did:key or our did:web). */
int edx_cred_store_resolve(void *ctx /* edx_db* */, const char *vm, edx_di_key *key, edx_err *err);
/* A did:web DID document for the unit (or for the deployment when code is NULL). */
int edx_cred_did_document(edx_db *db, edx_arena *a, const edx_cred_env *env, const char *unit_code,
                          json_t **out, edx_err *err);

/* ---- Credential types (types.c) -------------------------------------------------------------- */

typedef enum {
    EDX_CRED_DIPLOMA = 0, /* upper-secondary diploma */
    EDX_CRED_DEGREE,      /* university degree */
    EDX_CRED_TRANSCRIPT,  /* học bạ: one school year */
    EDX_CRED_SKILLS,      /* digital-skills certificate */
    EDX_CRED_AWARD,       /* emulation award certificate */
    EDX_CRED_NTYPES
} edx_cred_type;

/* "diploma" … "award"; parse returns -1 for an unknown name. */
const char *edx_cred_type_name(edx_cred_type t);
int edx_cred_type_parse(const char *name);
/* The input schema (JSON Schema of one record) of a type, borrowed. */
const json_t *edx_cred_input_schema(edx_cred_type t);

/* ---- Issuing (issue.c) ------------------------------------------------------------------------ */

typedef struct edx_issue_opts {
    const char *issuer;     /* unit code */
    edx_cred_type type;
    int skip_invalid;       /* issue the valid rows, report the others */
    int dry_run;            /* validate only */
    int64_t now;            /* 0: the clock */
    /* Called after each committed chunk. */
    void (*progress)(void *ctx, long done, long total);
    void *progress_ctx;
    /* Called for every credential issued by this run (JCS text), in input order per chunk. */
    int (*emit)(void *ctx, const char *external_id, const char *id, const char *doc, size_t len);
    void *emit_ctx;
} edx_issue_opts;

typedef struct edx_issue_report {
    long records;  /* input records */
    long invalid;  /* records with errors (listed in err->rows) */
    long issued;   /* new credentials */
    long existing; /* already issued earlier (same issuer and external id): left alone */
} edx_issue_report;

/*
 * Issue a batch from CSV (header row: the type's columns) or from a JSON
 * array of record objects. Every record is validated first; unless
 * skip_invalid, one bad record means nothing is issued (EDX_EINVAL with one
 * row per problem in err->rows, from `a`). Records are then issued in chunks,
 * each one transaction with one audit record; a record whose external id was
 * already issued by the issuer is skipped, so a rerun after a crash issues
 * each record exactly once.
 */
int edx_cred_issue_csv(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_env *env,
                       const char *csv, size_t len, const edx_issue_opts *o,
                       edx_issue_report *rep, edx_err *err);
int edx_cred_issue_json(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_env *env,
                        json_t *records, const edx_issue_opts *o, edx_issue_report *rep,
                        edx_err *err);

/*
 * Sign a caller-built credential (the W3C VC API's /credentials/issue) as the
 * principal's unit: adds issuer, id, validFrom when absent and a status entry.
 */
int edx_cred_issue_document(edx_db *db, edx_arena *a, const edx_principal *p,
                            const edx_cred_env *env, json_t *credential, json_t **out,
                            edx_err *err);

/* ---- Stored credentials and status (status.c) ----------------------------------------------- */

/* Summary and document of one credential (id: the UUID, with or without "urn:uuid:"). */
int edx_cred_get(edx_db *db, edx_arena *a, const edx_principal *p, const char *id, json_t **out,
                 edx_err *err);
/* The signed document only, for anyone holding its id (QR links). */
int edx_cred_get_public(edx_db *db, const char *id, json_t **out, edx_err *err);

typedef struct edx_cred_query {
    const char *issuer;  /* unit code (its subtree) */
    const char *type;
    const char *status;  /* active|revoked|suspended */
    const char *q;       /* name or external id */
    int limit, offset;
} edx_cred_query;
int edx_cred_list(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_query *q,
                  json_t **out, edx_err *err);

/*
 * Figures for the movement's computed indicators, over the units whose path is in
 * [path_lo, path_hi): credentials not revoked, issued in [from, until] (Unix
 * seconds): diplomas and degrees, transcripts, digital-skills certificates; and,
 * as of `until`, the active learners registered in those units and how many of
 * them hold a transcript issued there (matched by the keyed ID-number hash).
 */
typedef struct edx_cred_stats {
    int64_t diplomas, transcripts, skills;
    int64_t learners, learners_with_transcript;
} edx_cred_stats;

int edx_cred_stats_get(edx_db *db, const char *path_lo, const char *path_hi, int64_t from,
                       int64_t until, edx_cred_stats *out, edx_err *err);

/*
 * Every stored credential of `issuer`'s subtree (all when NULL, for the
 * system principal) as its signed JCS text, in issue order, to `emit`. For
 * delivery to wallets and national systems, and for offline checks.
 */
int edx_cred_export(edx_db *db, edx_arena *a, const edx_principal *p, const char *issuer,
                    int (*emit)(void *ctx, const char *doc, size_t len), void *ctx, long *count,
                    edx_err *err);

/* action: "revoke", "suspend", "reinstate". Audited; the status list is re-signed. */
int edx_cred_set_status(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_env *env,
                        const char *id, const char *action, const char *reason, json_t **out,
                        edx_err *err);

/*
 * The signed status list credential for (unit, list number, purpose), as JCS
 * text in `out` with its version (for ETags). EDX_ENOTFOUND when none.
 */
int edx_status_list_get(edx_db *db, const edx_cred_env *env, const char *unit_code, int64_t seq,
                        const char *purpose, edx_buf *out, int64_t *version, edx_err *err);

/*
 * Decode a status list's encodedList (multibase base64url of GZIP) into bits;
 * refuses lists shorter than 131,072 entries and bad gzip. The caller frees
 * bits->data.
 */
int edx_status_list_decode(const char *encoded, edx_buf *bits, edx_err *err);
/* Bit `index` (0 = most significant bit of byte 0). */
int edx_status_bit(const edx_buf *bits, int64_t index);

/* ---- Trust registry (trust.c) ------------------------------------------------------------------ */

/*
 * Add or update a unit's accreditation (ministry admins). body: from, until,
 * types, decision. The root unit gets its signing key here (the registry
 * export is signed with it), so reading the export never writes.
 */
int edx_trust_put(edx_db *db, edx_arena *a, const edx_principal *p, const edx_cred_env *env,
                  const char *unit_code, json_t *body, json_t **out, edx_err *err);
int edx_trust_remove(edx_db *db, edx_arena *a, const edx_principal *p, const char *unit_code,
                     edx_err *err);
int edx_trust_list(edx_db *db, edx_arena *a, json_t **out, edx_err *err);
/* The whole registry with every key of every accredited unit, signed by the root unit. */
int edx_trust_export(edx_db *db, edx_arena *a, const edx_cred_env *env, json_t **out,
                     edx_err *err);

/* ---- Verification (verify.c) -------------------------------------------------------------------- */

typedef struct edx_verifier edx_verifier;

/*
 * A verifier works either against a store (online: keys, trust registry and
 * status lists from `db`) or offline with a trust-registry file and cached
 * status list credentials (either may be absent). Thread-safe once built
 * when `db` is NULL; with a store, one verifier per thread.
 */
edx_verifier *edx_verifier_new(edx_db *db, const edx_cred_env *env);
/* Offline material: a signed trust registry export (checked) and status lists by URL. */
int edx_verifier_load_trust(edx_verifier *v, const char *json, size_t len, edx_err *err);
int edx_verifier_add_status_list(edx_verifier *v, const char *json, size_t len, edx_err *err);
void edx_verifier_free(edx_verifier *v);

/*
 * Verify one credential given as text. Returns 1 valid, 0 invalid, <0 out of
 * memory; *report (caller owns) lists every check with a sentence in
 * Vietnamese and English.
 */
int edx_verify_text(edx_verifier *v, const char *text, size_t len, int64_t now, json_t **report);
int edx_verify_json(edx_verifier *v, json_t *credential, int64_t now, json_t **report);

/* ---- Print (render.c) ------------------------------------------------------------------------ */

/* An A4 PDF of a stored credential with a QR code to `verify_url`; bytes appended to out. */
int edx_cred_render_pdf(const json_t *credential, const char *verify_url, edx_buf *out,
                        edx_err *err);


#endif
