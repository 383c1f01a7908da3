/*
 * did.c: did:key (Ed25519, multicodec 0xed01) and did:web names.
 *
 * did:key:z6Mk… is self-certifying: the key is the identifier, so it
 * resolves offline. did:web names a document served by the deployment
 * (/.well-known/did.json, /units/{code}/did.json).
 */
#include <stdio.h>
#include <string.h>

#include "credentials/credentials.h"

#define DID_KEY "did:key:"

void edx_did_key(const uint8_t pk[EDX_ED25519_PK], char did[EDX_DID_MAX])
{
    char mk[EDX_MULTIKEY_CHARS];
    edx_multikey_from_ed25519(pk, mk);
    snprintf(did, EDX_DID_MAX, DID_KEY "%s", mk);
}

void edx_did_key_vm(const uint8_t pk[EDX_ED25519_PK], char vm[EDX_DID_MAX])
{
    char mk[EDX_MULTIKEY_CHARS];
    edx_multikey_from_ed25519(pk, mk);
    snprintf(vm, EDX_DID_MAX, DID_KEY "%s#%s", mk, mk);
}

int edx_did_key_resolve(void *ctx, const char *vm, edx_di_key *key, edx_err *err)
{
    (void)ctx;
    char why[96];
    memset(key, 0, sizeof *key);
    if (strncmp(vm, DID_KEY, strlen(DID_KEY)) != 0)
        return edx_err_set(err, EDX_ENOTFOUND, 400, "key_unresolved", "verificationMethod",
                           "%.*s is not a did:key and cannot be resolved offline", 120, vm);
    const char *id = vm + strlen(DID_KEY);
    const char *hash = strchr(id, '#');
    size_t idlen = hash ? (size_t)(hash - id) : strlen(id);
    if (idlen == 0 || idlen >= EDX_MULTIKEY_CHARS + 8)
        return edx_err_set(err, EDX_EINVAL, 400, "did_key_malformed", "verificationMethod",
                           "the did:key is malformed");
    char mb[EDX_MULTIKEY_CHARS + 8];
    memcpy(mb, id, idlen);
    mb[idlen] = '\0';
    /* The fragment of a did:key method repeats the key (did:key spec, section 3.1.2). */
    if (hash && strcmp(hash + 1, mb) != 0)
        return edx_err_set(err, EDX_EINVAL, 400, "did_key_malformed", "verificationMethod",
                           "the did:key fragment does not match the key");
    if (edx_multikey_decode_ed25519(mb, 0, key->pk, why) != 0)
        return edx_err_set(err, EDX_EINVAL, 400, "did_key_prefix", "verificationMethod",
                           "did:key cannot be used: %s", why);
    snprintf(key->controller, sizeof key->controller, DID_KEY "%s", mb);
    return 0;
}

char *edx_did_web(edx_arena *a, const char *public_url, const char *unit_code)
{
    /* did:web encodes the host (a port's ':' as %3A) and turns path '/' into ':'. */
    const char *h = strstr(public_url, "://");
    h = h ? h + 3 : public_url;
    size_t n = strcspn(h, "/");
    edx_buf b = EDX_BUF_INIT;
    edx_buf_puts(&b, "did:web:");
    for (size_t i = 0; i < n; i++) {
        if (h[i] == ':')
            edx_buf_puts(&b, "%3A");
        else
            edx_buf_putc(&b, h[i]);
    }
    const char *path = h + n;
    for (; *path; path++) edx_buf_putc(&b, *path == '/' ? ':' : *path);
    if (b.len && b.data[b.len - 1] == ':') b.len--;
    if (unit_code) edx_buf_printf(&b, ":units:%s", unit_code);
    char *out = b.oom ? NULL : edx_arena_strndup(a, b.data, b.len);
    edx_buf_free(&b);
    return out;
}
