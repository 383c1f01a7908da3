#include "crypto/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <pthread.h>
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
    /* OpenSSL uses the CPU's SHA extensions: several times libsodium's portable code. */
    if (SHA256(data, len, out)) return;
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

int edx_b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
    const char *end = NULL;
    size_t n = 0;
    if (sodium_base642bin(out, cap, in, len, NULL, &n, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != in + len)
        return -1;
    *outlen = n;
    return 0;
}

static const char B58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

size_t edx_base58_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
    /*
     * Convert to limbs of base 58^5 (656,356,768 < 2^30), feeding the input 32 bits at a
     * time: 64-bit arithmetic never overflows and a 64-byte signature takes about 300
     * multiply-adds instead of the 5,600 of the byte-by-byte method.
     */
    enum { B5 = 656356768 };
    size_t zeros = 0;
    while (zeros < n && in[zeros] == 0)
        zeros++;
    uint32_t limbs[64];
    size_t nl = 0;
    size_t rem = (n - zeros) % 4, i = zeros;
    if (n - zeros > 192) return 0;
    while (i < n) {
        /* The first word takes the leftover bytes so the rest are whole words. */
        size_t take = rem ? rem : 4;
        rem = 0;
        uint64_t word = 0;
        for (size_t k = 0; k < take; k++) word = (word << 8) | in[i++];
        uint64_t carry = word;
        uint64_t shift = (uint64_t)1 << (8 * take);
        for (size_t j = 0; j < nl; j++) {
            uint64_t v = (uint64_t)limbs[j] * shift + carry;
            limbs[j] = (uint32_t)(v % B5);
            carry = v / B5;
        }
        while (carry) {
            if (nl == sizeof limbs / sizeof limbs[0]) return 0;
            limbs[nl++] = (uint32_t)(carry % B5);
            carry /= B5;
        }
    }
    /* Digits, least significant first, then reversed. */
    char digits[300];
    size_t nd = 0;
    for (size_t j = 0; j < nl; j++) {
        uint32_t v = limbs[j];
        for (int k = 0; k < 5; k++) {
            digits[nd++] = (char)(v % 58);
            v /= 58;
        }
    }
    while (nd > 0 && digits[nd - 1] == 0)
        nd--;
    if (zeros + nd + 1 > cap) return 0;
    size_t o = 0;
    for (size_t k = 0; k < zeros; k++)
        out[o++] = '1';
    while (nd > 0)
        out[o++] = B58[(int)digits[--nd]];
    out[o] = '\0';
    return o;
}

static int b58_map[256]; /* -1: not in the alphabet (memset of 0xff bytes) */
static pthread_once_t b58_once = PTHREAD_ONCE_INIT;

static void b58_map_init(void)
{
    memset(b58_map, -1, sizeof b58_map);
    for (int i = 0; i < 58; i++)
        b58_map[(unsigned char)B58[i]] = i;
}

int edx_base58_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
    const int *map = b58_map;
    pthread_once(&b58_once, b58_map_init);
    size_t zeros = 0;
    while (zeros < len && in[zeros] == '1')
        zeros++;
    uint8_t bytes[256];
    size_t size = (len - zeros) * 733 / 1000 + 1;
    if (size > sizeof bytes)
        return -1;
    memset(bytes, 0, size);
    for (size_t i = zeros; i < len; i++) {
        int v = map[(unsigned char)in[i]];
        if (v < 0)
            return -1;
        unsigned carry = (unsigned)v;
        for (size_t j = size; j-- > 0;) {
            carry += 58u * bytes[j];
            bytes[j] = (uint8_t)(carry & 0xff);
            carry >>= 8;
        }
        if (carry)
            return -1;
    }
    size_t k = 0;
    while (k < size && bytes[k] == 0)
        k++;
    size_t n = zeros + (size - k);
    if (n > cap)
        return -1;
    memset(out, 0, zeros);
    memcpy(out + zeros, bytes + k, size - k);
    *outlen = n;
    return 0;
}

void edx_ed25519_keypair(const uint8_t seed[EDX_ED25519_SEED], uint8_t pk[EDX_ED25519_PK],
                         uint8_t sk[EDX_ED25519_SK])
{
    crypto_sign_seed_keypair(pk, sk, seed);
}

void edx_ed25519_sign(const uint8_t sk[EDX_ED25519_SK], const void *msg, size_t n,
                      uint8_t sig[EDX_ED25519_SIG])
{
    crypto_sign_detached(sig, NULL, msg, n, sk);
}

int edx_ed25519_verify(const uint8_t pk[EDX_ED25519_PK], const void *msg, size_t n,
                       const uint8_t sig[EDX_ED25519_SIG])
{
    return crypto_sign_verify_detached(sig, msg, n, pk) == 0;
}

void edx_multikey_from_ed25519(const uint8_t pk[EDX_ED25519_PK], char out[EDX_MULTIKEY_CHARS])
{
    uint8_t raw[2 + EDX_ED25519_PK] = {0xed, 0x01};
    memcpy(raw + 2, pk, EDX_ED25519_PK);
    out[0] = 'z';
    (void)edx_base58_encode(raw, sizeof raw, out + 1, EDX_MULTIKEY_CHARS - 1);
}

int edx_multikey_decode_ed25519(const char *mb, int secret, uint8_t key[32], char *why)
{
    uint8_t raw[64];
    size_t n = 0;
    const uint8_t want0 = secret ? 0x80 : 0xed, want1 = secret ? 0x26 : 0x01;
    if (mb == NULL || mb[0] != 'z') {
        snprintf(why, 96, "the key is not multibase base58btc (it must start with 'z')");
        return -1;
    }
    if (edx_base58_decode(mb + 1, strlen(mb + 1), raw, sizeof raw, &n) != 0) {
        snprintf(why, 96, "the key is not valid base58btc");
        return -1;
    }
    if (n < 2 || raw[0] != want0 || raw[1] != want1) {
        snprintf(why, 96, "the key's multicodec prefix is not Ed25519 %s (0x%02x%02x)",
                 secret ? "private" : "public", want0, want1);
        edx_wipe(raw, sizeof raw);
        return -1;
    }
    if (n != 34) {
        snprintf(why, 96, "an Ed25519 key has 32 bytes, not %zu", n - 2);
        edx_wipe(raw, sizeof raw);
        return -1;
    }
    memcpy(key, raw + 2, 32);
    edx_wipe(raw, sizeof raw);
    return 0;
}
