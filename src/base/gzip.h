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

#endif
