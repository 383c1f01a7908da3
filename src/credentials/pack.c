/*
 * pack.c: signed credentials as stored, zstd-compressed against a dictionary.
 *
 * A credential's JCS text is ~3 KiB of which most is shared by every credential
 * of its type (contexts, type names, URLs, field names): compressed against a
 * dictionary of sample credentials it shrinks about six times, at ~400 MB/s on
 * one core, and reads back at ~1 GB/s. Batches compress on the signing threads,
 * so the single store writer moves a sixth of the bytes. Each frame carries its
 * content size and a checksum.
 */
#include <pthread.h>
#include <string.h>
#include <zstd.h>

#include "base/embed.h"
#include "credentials/cred_int.h"

#define PACK_V1 0x01
#define PACK_LEVEL 1
#define PACK_MAX_TEXT (16u << 20)

static ZSTD_CDict *cdict;
static ZSTD_DDict *ddict;
static pthread_once_t dict_once = PTHREAD_ONCE_INIT;

static void dict_load(void)
{
    const edx_embed *f = edx_embed_find("src/credentials/zstd-v1.dict");
    if (!f) return;
    /* Bytes without zstd's dictionary header are taken as raw content. */
    cdict = ZSTD_createCDict(f->data, f->len, PACK_LEVEL);
    ddict = ZSTD_createDDict(f->data, f->len);
}

int cred_doc_pack(cred_packer *p, const char *text, size_t len, edx_buf *out)
{
    pthread_once(&dict_once, dict_load);
    if (!cdict) return -1;
    if (!p->cctx) {
        /* A checksum in every frame: a damaged row fails to read instead of reading wrong. */
        if (!(p->cctx = ZSTD_createCCtx()) ||
            ZSTD_isError(ZSTD_CCtx_setParameter(p->cctx, ZSTD_c_checksumFlag, 1)) ||
            ZSTD_isError(ZSTD_CCtx_refCDict(p->cctx, cdict))) {
            cred_packer_free(p);
            return -1;
        }
    }
    size_t bound = ZSTD_compressBound(len);
    if (edx_buf_reserve(out, bound + 2) != 0) return -1;
    unsigned char *dst = (unsigned char *)out->data + out->len;
    dst[0] = PACK_V1;
    size_t n = ZSTD_compress2(p->cctx, dst + 1, bound, text, len);
    if (ZSTD_isError(n)) return -1;
    out->len += n + 1;
    out->data[out->len] = '\0';
    return 0;
}

void cred_packer_free(cred_packer *p)
{
    ZSTD_freeCCtx(p->cctx);
    p->cctx = NULL;
}

int cred_doc_unpack(const void *data, size_t n, edx_buf *out)
{
    const unsigned char *b = data;
    if (n > 0 && b[0] == '{') return edx_buf_append(out, data, n);
    if (n < 2 || b[0] != PACK_V1) return -1;
    pthread_once(&dict_once, dict_load);
    if (!ddict) return -1;
    unsigned long long size = ZSTD_getFrameContentSize(b + 1, n - 1);
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
        size > PACK_MAX_TEXT)
        return -1;
    if (edx_buf_reserve(out, (size_t)size + 1) != 0) return -1;
    ZSTD_DCtx *d = ZSTD_createDCtx();
    if (!d) return -1;
    size_t got = ZSTD_decompress_usingDDict(d, out->data + out->len, (size_t)size, b + 1, n - 1,
                                            ddict);
    ZSTD_freeDCtx(d);
    if (ZSTD_isError(got) || got != size) return -1;
    out->len += got;
    out->data[out->len] = '\0';
    return 0;
}
