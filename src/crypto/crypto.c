#include "crypto/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int edx_crypto_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

void edx_random(void *buf, size_t n)
{
    randombytes_buf(buf, n);
}

void edx_wipe(void *buf, size_t n)
{
    sodium_memzero(buf, n);
}

int edx_ct_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}

void edx_sha256(const void *data, size_t len, uint8_t out[EDX_SHA256_BYTES])
{
    crypto_hash_sha256(out, data, len);
}

void edx_hex(const uint8_t *in, size_t n, char *out)
{
    sodium_bin2hex(out, n * 2 + 1, in, n);
}

void edx_sha256_hex(const void *data, size_t len, char out[EDX_SHA256_HEX])
{
    uint8_t h[EDX_SHA256_BYTES];
    crypto_hash_sha256(h, data, len);
    edx_hex(h, sizeof h, out);
}

void edx_hmac_sha256_hex(const uint8_t key[EDX_SECRET_BYTES], const void *data, size_t len,
                         char out[EDX_SHA256_HEX])
{
    uint8_t h[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, EDX_SECRET_BYTES);
    crypto_auth_hmacsha256_update(&st, data, len);
    crypto_auth_hmacsha256_final(&st, h);
    edx_hex(h, sizeof h, out);
    sodium_memzero(&st, sizeof st);
}

size_t edx_b64url_len(size_t n)
{
    return sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void edx_b64url(const uint8_t *in, size_t n, char *out)
{
    sodium_bin2base64(out, edx_b64url_len(n), in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void edx_token_new(char out[EDX_TOKEN_CHARS])
{
    uint8_t raw[32];
    randombytes_buf(raw, sizeof raw);
    edx_b64url(raw, sizeof raw, out);
    sodium_memzero(raw, sizeof raw);
}

int edx_pw_hash(const char *password, char out[EDX_PWHASH_BYTES])
{
    unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    _Static_assert(EDX_PWHASH_BYTES >= crypto_pwhash_STRBYTES, "hash buffer");
    return crypto_pwhash_str_alg(out, password, strlen(password), ops, mem,
                                 crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

int edx_pw_verify(const char *hash, const char *password)
{
    if (strncmp(hash, "$argon2id$", 10) != 0) return 0;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

uint8_t *edx_secret_alloc(size_t n)
{
    return sodium_malloc(n);
}

void edx_secret_free(void *p)
{
    if (p) sodium_free(p);
}

int edx_secret_load(const char *path, int create, uint8_t key[EDX_SECRET_BYTES], char *why)
{
    char hex[2 * EDX_SECRET_BYTES + 2];
    int rc = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            snprintf(why, 160, "cannot create secret file %s: %s", path, strerror(errno));
            return -1;
        }
        randombytes_buf(key, EDX_SECRET_BYTES);
        sodium_bin2hex(hex, sizeof hex, key, EDX_SECRET_BYTES);
        hex[2 * EDX_SECRET_BYTES] = '\n';
        ssize_t w = write(fd, hex, 2 * EDX_SECRET_BYTES + 1);
        int ok = w == 2 * EDX_SECRET_BYTES + 1 && fsync(fd) == 0;
        close(fd);
        sodium_memzero(hex, sizeof hex);
        if (!ok) {
            snprintf(why, 160, "cannot write secret file %s", path);
            unlink(path);
            return -1;
        }
        return 0;
    }
    if (fd < 0) {
        snprintf(why, 160, "cannot open secret file %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && (st.st_mode & 077))
        fprintf(stderr, "edudx: warning: %s is readable by others; chmod 600 it\n", path);
    ssize_t n = read(fd, hex, sizeof hex);
    close(fd);
    if (n < 2 * EDX_SECRET_BYTES) {
        snprintf(why, 160, "secret file %s must hold 64 hex digits", path);
        goto done;
    }
    size_t got = 0;
    if (sodium_hex2bin(key, EDX_SECRET_BYTES, hex, 2 * EDX_SECRET_BYTES, NULL, &got, NULL) != 0 ||
        got != EDX_SECRET_BYTES) {
        snprintf(why, 160, "secret file %s must hold 64 hex digits", path);
        goto done;
    }
    rc = 0;
done:
    sodium_memzero(hex, sizeof hex);
    return rc;
}
