/* cred_int.h: shared between the credentials module's own files; not for other modules. */
#ifndef EDX_CRED_INT_H
#define EDX_CRED_INT_H

#include "credentials/credentials.h"

/* Advisory lock keys (PostgreSQL): one per issuing unit for keys and status indexes. */
#define CRED_LOCK_BASE 7343000000LL

/* Entries per status list: the minimum of Bitstring Status List v1.0 (16 KiB). */
#define STATUS_LIST_SIZE 131072

/* "2026-11-29T18:33:21Z", or JSON null for 0. */
json_t *cred_time_json(int64_t t);

/* "urn:uuid:…" or a bare UUID → the bare lowercase UUID in out[37]; -1 when malformed. */
int cred_uuid_parse(const char *id, char out[37]);
/* A new random (version 4) UUID. */
void cred_uuid_new(char out[37]);

/* The status list entries of a credential at (unit, list seq, index). */
json_t *cred_status_entries(const char *public_url, const char *unit_code, int64_t seq,
                            int64_t index);

/* Build and store the signed status list credentials of list `list_id` (inside a tx). */
int cred_status_list_refresh(edx_db *db, const edx_cred_env *env, int64_t list_id, edx_err *err);

/*
 * Reserve up to `n` status slots for the unit (inside its lock), starting a new
 * list (signed at once) when the current one is full. Returns how many slots
 * were granted (> 0) from the list (id, seq, salt) starting at *first_slot, or <0.
 */
long cred_status_reserve(edx_db *db, const edx_cred_env *env, int64_t unit_id, long n,
                         int64_t now, int64_t *list_id, int64_t *seq, int64_t *salt,
                         int64_t *first_slot, edx_err *err);
/* The status list index of a slot: a fixed permutation, so indexes do not reveal order. */
int64_t cred_status_index(int64_t slot, int64_t salt);

/* What a builder needs to know about the issuer and the run. */
typedef struct cred_build {
    edx_cred_type type;
    const char *public_url, *unit_code, *unit_name, *unit_url, *did;
    int64_t now;
} cred_build;

struct edx_schema_issue;
/* Validate a record against its type's input schema: number of issues, or -1. */
#define CRED_LANES 17
int cred_validate(edx_cred_type t, int lane, const json_t *rec, edx_arena *a,
                  struct edx_schema_issue *issues, size_t max);
/* 1 when `name` is one of the type's own columns (not a subject or domain column). */
int cred_is_fixed_column(edx_cred_type t, const char *name);
/* The unsigned credential for a validated record (NULL: out of memory). */
json_t *cred_build_doc(const cred_build *b, const json_t *rec, const char *uid, int64_t seq,
                       int64_t index);

/* The unit's active key; with create = 0 a unit without one is EDX_ECONFLICT (409). */
int cred_key_open(edx_db *db, const edx_cred_env *env, int64_t unit_id, int create,
                  int64_t *key_id, uint8_t seed[EDX_ED25519_SEED], uint8_t pk[EDX_ED25519_PK],
                  edx_err *err);

/* Signed documents are stored and served as their JCS text. */
char *cred_jcs_text(const json_t *doc, size_t *len);

/*
 * The stored form of a signed document (pack.c): byte 0x01 then a zstd frame
 * compressed against dictionary 1 (src/credentials/zstd-v1.dict, sample
 * credentials of every type), about a sixth of the text. A stored value that
 * starts with '{' is the text itself (rows written before compression).
 * Dictionary 1 is frozen: a better one gets a new file and a new first byte.
 * A packer holds one thread's compression context.
 */
typedef struct cred_packer {
    void *cctx; /* ZSTD_CCtx, made on first use */
} cred_packer;

int cred_doc_pack(cred_packer *p, const char *text, size_t len, edx_buf *out);
void cred_packer_free(cred_packer *p);
/* Append the text of a stored value to `out` (NUL-terminated); 0, or -1 when it is corrupt. */
int cred_doc_unpack(const void *data, size_t n, edx_buf *out);

#endif
