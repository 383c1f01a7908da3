/*
 * crypto.h: the primitives edudx uses, all on libsodium.
 *
 * Callers supply output buffers. Secrets passed in are not copied; callers
 * wipe their own copies with edx_wipe() when done.
 */
#ifndef EDX_CRYPTO_H
#define EDX_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define EDX_SHA256_BYTES 32
#define EDX_SHA256_HEX 65 /* 64 hex digits + NUL */
#define EDX_SECRET_BYTES 32
#define EDX_TOKEN_CHARS 44 /* base64url of 32 random bytes (43) + NUL */
#define EDX_PWHASH_BYTES 128

/* Initialise libsodium; 0 or -1. Safe to call more than once. */
int edx_crypto_init(void) __attribute__((warn_unused_result));

void edx_random(void *buf, size_t n);
void edx_wipe(void *buf, size_t n);

/* Constant-time comparison of equal-length buffers: 1 if equal. */
int edx_ct_equal(const void *a, const void *b, size_t n);

void edx_sha256(const void *data, size_t len, uint8_t out[EDX_SHA256_BYTES]);
void edx_sha256_hex(const void *data, size_t len, char out[EDX_SHA256_HEX]);
void edx_hex(const uint8_t *in, size_t n, char *out /* 2n+1 */);

/* HMAC-SHA-256 of data under a 32-byte key, as hex. */
void edx_hmac_sha256_hex(const uint8_t key[EDX_SECRET_BYTES], const void *data, size_t len,
                         char out[EDX_SHA256_HEX]);

/* base64url without padding; `out` holds at least edx_b64url_len(n) bytes. */
size_t edx_b64url_len(size_t n);
void edx_b64url(const uint8_t *in, size_t n, char *out);

/* A fresh random token: base64url of 32 bytes (43 characters). */
void edx_token_new(char out[EDX_TOKEN_CHARS]);

/* Argon2id (libsodium's crypto_pwhash_str with its interactive limits: 2 passes, 64 MiB). */
int edx_pw_hash(const char *password, char out[EDX_PWHASH_BYTES]) __attribute__((warn_unused_result));
/* 1 when `password` matches `hash`, 0 otherwise (also for malformed hashes). */
int edx_pw_verify(const char *hash, const char *password);

/* Guarded, locked memory for a secret (sodium_malloc); edx_secret_free wipes it. */
uint8_t *edx_secret_alloc(size_t n);
void edx_secret_free(void *p);

/*
 * Load the server secret (32 bytes as 64 hex digits) from `path`. When the file
 * does not exist and `create` is set, write a new random one with mode 0600.
 * 0 on success; -1 with a message in `why` (at least 160 bytes).
 */
int edx_secret_load(const char *path, int create, uint8_t key[EDX_SECRET_BYTES], char *why);

/* base64url decoding (padding and whitespace refused); 0, or -1 when invalid or longer than cap. */
int edx_b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen);

/*
 * base58btc (the Bitcoin alphabet), used by multibase 'z' strings.
 * edx_base58_encode writes a NUL-terminated string and returns its length, or 0
 * when `cap` is too small (cap >= n * 138 / 100 + 2 always suffices).
 * edx_base58_decode returns 0, or -1 for a character outside the alphabet or
 * output longer than `cap`.
 */
size_t edx_base58_encode(const uint8_t *in, size_t n, char *out, size_t cap);
int edx_base58_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen);

/* Ed25519 (libsodium). Secret keys are libsodium's 64-byte seed||public form. */
#define EDX_ED25519_PK 32
#define EDX_ED25519_SEED 32
#define EDX_ED25519_SK 64
#define EDX_ED25519_SIG 64
/* Multikey strings: "z" + base58btc(multicodec prefix || key). */
#define EDX_MULTIKEY_CHARS 64

void edx_ed25519_keypair(const uint8_t seed[EDX_ED25519_SEED], uint8_t pk[EDX_ED25519_PK],
                         uint8_t sk[EDX_ED25519_SK]);
void edx_ed25519_sign(const uint8_t sk[EDX_ED25519_SK], const void *msg, size_t n,
                      uint8_t sig[EDX_ED25519_SIG]);
/* 1 when `sig` is a valid signature of msg by pk, 0 otherwise. */
int edx_ed25519_verify(const uint8_t pk[EDX_ED25519_PK], const void *msg, size_t n,
                       const uint8_t sig[EDX_ED25519_SIG]);

/* Ed25519 public key as a Multikey (multicodec 0xed01): "z6Mk…". */
void edx_multikey_from_ed25519(const uint8_t pk[EDX_ED25519_PK], char out[EDX_MULTIKEY_CHARS]);
/*
 * Decode a Multikey Ed25519 public key (0xed01) or secret seed (0x8026, `secret`
 * set). 0, or -1 with a reason in `why` (at least 96 bytes): not multibase
 * base58btc, not base58, wrong multicodec prefix, wrong length.
 */
int edx_multikey_decode_ed25519(const char *mb, int secret, uint8_t key[32], char *why);

#endif
