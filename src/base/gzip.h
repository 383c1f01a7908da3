/*
 * gzip.h: GZIP (RFC 1952) compression of whole buffers on zlib, for Bitstring
 * Status Lists and downloads.
 */
#ifndef EDX_GZIP_H
#define EDX_GZIP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Append the gzip of in[0..n) to out; 0 or -1 (out of memory). */
int edx_gzip(const void *in, size_t n, edx_buf *out);

/*
 * Append the decompressed contents of a gzip stream to out, refusing more than
 * `max` bytes (a bomb guard). 0, or -1 for a corrupt or truncated stream, trailing
 * garbage, or output beyond max.
 */
int edx_gunzip(const void *in, size_t n, size_t max, edx_buf *out);

/*
 * zlib streams (RFC 1950) for stored documents. A deflater keeps its state
 * between calls (one per thread); small windows suit documents of a few KiB.
 */
typedef struct edx_deflater {
    void *z; /* z_stream, allocated on first use */
} edx_deflater;

/* Append the zlib-compressed form of in[0..n) to out; 0 or -1. */
int edx_deflate(edx_deflater *d, const void *in, size_t n, edx_buf *out);
void edx_deflater_free(edx_deflater *d);

/* Append the inflated form of a zlib stream to out (at most `max` bytes); 0 or -1. */
int edx_inflate(const void *in, size_t n, size_t max, edx_buf *out);

#endif
