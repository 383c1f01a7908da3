#include "base/gzip.h"

#include <string.h>
#include <zlib.h>

int edx_gzip(const void *in, size_t n, edx_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* windowBits 15 + 16 selects the gzip wrapper. */
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong bound = deflateBound(&z, (uLong)n);
    int rc = -1;
    if (edx_buf_reserve(out, bound + 1) != 0)
        goto done;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->data + out->len;
    z.avail_out = (uInt)bound;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        goto done;
    out->len += z.total_out;
    out->data[out->len] = '\0';
    rc = 0;
done:
    deflateEnd(&z);
    return rc;
}

int edx_gunzip(const void *in, size_t n, size_t max, edx_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return -1;
    int rc = -1;
    size_t start = out->len;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    for (;;) {
        if (edx_buf_reserve(out, 16384) != 0)
            goto done;
        z.next_out = (Bytef *)out->data + out->len;
        z.avail_out = (uInt)(out->cap - out->len - 1);
        int zr = inflate(&z, Z_NO_FLUSH);
        out->len = start + z.total_out;
        if (out->len - start > max)
            goto done;
        if (zr == Z_STREAM_END)
            break;
        if (zr != Z_OK)
            goto done;
        if (z.avail_in == 0 && z.avail_out != 0)
            goto done; /* truncated */
    }
    if (z.avail_in != 0)
        goto done; /* trailing bytes after the member */
    out->data[out->len] = '\0';
    rc = 0;
done:
    if (rc != 0) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    inflateEnd(&z);
    return rc;
}
