/* Bounded byte buffers: a growable writer (struct buf) and a bounded reader
 * (struct reader) through which every decoder reads bytes from outside.
 *
 * struct buf invariants:
 *   - len <= cap; data is NULL iff cap == 0;
 *   - data[len] == 0 whenever cap > 0, so text can be read as a C string;
 *   - growth is overflow-checked and stops at max (BUF_DEFAULT_MAX unless set):
 *     a write that would pass it fails, sets the sticky error flag, and
 *     leaves the contents unchanged. Once failed, every later write fails, so
 *     an encoder may write a whole structure and check buf_ok() once.
 *
 * struct reader: a view over bytes it does not own. Every read checks the
 * remaining length; a failed read sets a sticky error flag, zeroes its
 * output and consumes nothing. Decoders read a whole structure and check
 * reader_ok() (and reader_remaining() == 0 when trailing bytes are an error).
 */
#ifndef ROSTRA_UTIL_BUF_H
#define ROSTRA_UTIL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest buffer a struct buf may grow to unless buf_set_max says
 * otherwise: 64 MiB. */
#define BUF_DEFAULT_MAX ((size_t)64 << 20)

struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;   /* growth limit; 0 means BUF_DEFAULT_MAX */
	bool failed;  /* sticky: a write was refused */
};

#define BUF_INIT { NULL, 0, 0, 0, false }

/* Initialise an empty buffer (no allocation). */
void buf_init(struct buf *b);
/* Free the storage and reset to empty. */
void buf_release(struct buf *b);
/* Set the growth limit; fails (returns false) if len is already above it. */
bool buf_set_max(struct buf *b, size_t max);
/* Make room for n more bytes. Returns false (and sets failed) on overflow,
 * when past the limit, or when out of memory. */
bool buf_reserve(struct buf *b, size_t n);
/* Drop the contents, keep the storage and clear the error flag. */
void buf_reset(struct buf *b);
/* Hand the storage to the caller (who frees it with free()); the buffer is
 * left empty. Out: *len_out the length, if not NULL. Never returns NULL
 * (an empty buffer yields a freshly allocated "" of length 0), except when
 * out of memory. */
uint8_t *buf_detach(struct buf *b, size_t *len_out);
/* True when no write has failed. */
static inline bool buf_ok(const struct buf *b) { return !b->failed; }

bool buf_put(struct buf *b, const void *data, size_t n);
bool buf_put_u8(struct buf *b, uint8_t v);
bool buf_put_u16le(struct buf *b, uint16_t v);
bool buf_put_u32le(struct buf *b, uint32_t v);
bool buf_put_u64le(struct buf *b, uint64_t v);
/* Unsigned LEB128, minimal length (1 to 10 bytes). */
bool buf_put_varint(struct buf *b, uint64_t v);
/* varint length, then the bytes. */
bool buf_put_bytes(struct buf *b, const void *data, size_t n);
/* Append a NUL-terminated string without its terminator. */
bool buf_puts(struct buf *b, const char *s);
/* printf into the buffer; fails on an encoding error or past the limit. */
bool buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

struct reader {
	const uint8_t *p;
	size_t left;
	bool failed;  /* sticky: a read ran past the end or was malformed */
};

static inline void reader_init(struct reader *r, const void *data, size_t len)
{
	r->p = (const uint8_t *)data;
	r->left = len;
	r->failed = (data == NULL && len != 0);
}
static inline bool reader_ok(const struct reader *r) { return !r->failed; }
static inline size_t reader_remaining(const struct reader *r) { return r->left; }
/* Mark the reader failed (a decoder found a semantic error). Returns false so
 * that a decoder can `return reader_fail(r);`. */
bool reader_fail(struct reader *r);
/* True when the reader has not failed and every byte was consumed. */
bool reader_done(const struct reader *r);

bool reader_get(struct reader *r, void *out, size_t n);
/* Point *out at the next n bytes inside the input (no copy) and skip them. */
bool reader_view(struct reader *r, const uint8_t **out, size_t n);
bool reader_get_u8(struct reader *r, uint8_t *out);
bool reader_get_u16le(struct reader *r, uint16_t *out);
bool reader_get_u32le(struct reader *r, uint32_t *out);
bool reader_get_u64le(struct reader *r, uint64_t *out);
/* Unsigned LEB128. Fails on truncation, on a value above 2^64 - 1, and on a
 * non-minimal encoding (a final 0x00 byte after the first). */
bool reader_get_varint(struct reader *r, uint64_t *out);
/* A varint length no greater than max, then that many bytes viewed in
 * place. Out: *out, *n. The length is checked before anything else. */
bool reader_get_bytes(struct reader *r, const uint8_t **out, size_t *n, size_t max);

#endif
