#include "util/buf.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = 0;
	b->failed = false;
}

void buf_release(struct buf *b)
{
	free(b->data);
	size_t max = b->max;
	buf_init(b);
	b->max = max;
}

static size_t buf_limit(const struct buf *b)
{
	return b->max ? b->max : BUF_DEFAULT_MAX;
}

bool buf_set_max(struct buf *b, size_t max)
{
	if (max != 0 && b->len > max)
		return false;
	b->max = max;
	return true;
}

bool buf_reserve(struct buf *b, size_t n)
{
	if (b->failed)
		return false;
	/* One byte more than asked for keeps data NUL-terminated. */
	if (n > SIZE_MAX - b->len - 1 || b->len + n > buf_limit(b)) {
		b->failed = true;
		return false;
	}
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	/* Doubling must not take the storage past the limit (plus the NUL). */
	if (cap > buf_limit(b) + 1)
		cap = buf_limit(b) + 1;
	uint8_t *p = realloc(b->data, cap);
	if (p == NULL) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	b->data[b->len] = 0;
	return true;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
	b->failed = false;
}

uint8_t *buf_detach(struct buf *b, size_t *len_out)
{
	uint8_t *p = b->data;
	size_t len = b->len;
	if (p == NULL) {
		p = calloc(1, 1);
		len = 0;
	}
	size_t max = b->max;
	buf_init(b);
	b->max = max;
	if (len_out)
		*len_out = p ? len : 0;
	return p;
}

bool buf_put(struct buf *b, const void *data, size_t n)
{
	if (!buf_reserve(b, n))
		return false;
	if (n) {
		memcpy(b->data + b->len, data, n);
		b->len += n;
		b->data[b->len] = 0;
	}
	return true;
}

bool buf_put_u8(struct buf *b, uint8_t v)
{
	return buf_put(b, &v, 1);
}

bool buf_put_u16le(struct buf *b, uint16_t v)
{
	uint8_t t[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	return buf_put(b, t, 2);
}

bool buf_put_u32le(struct buf *b, uint32_t v)
{
	uint8_t t[4];
	for (int i = 0; i < 4; i++)
		t[i] = (uint8_t)(v >> (8 * i));
	return buf_put(b, t, 4);
}

bool buf_put_u64le(struct buf *b, uint64_t v)
{
	uint8_t t[8];
	for (int i = 0; i < 8; i++)
		t[i] = (uint8_t)(v >> (8 * i));
	return buf_put(b, t, 8);
}

bool buf_put_varint(struct buf *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;
	do {
		uint8_t byte = v & 0x7f;
		v >>= 7;
		t[n++] = byte | (v ? 0x80 : 0);
	} while (v);
	return buf_put(b, t, n);
}

bool buf_put_bytes(struct buf *b, const void *data, size_t n)
{
	return buf_put_varint(b, n) && buf_put(b, data, n);
}

bool buf_puts(struct buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

bool buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->failed = true;
		return false;
	}
	if (!buf_reserve(b, (size_t)n))
		return false;
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return true;
}

bool buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return ok;
}

bool reader_fail(struct reader *r)
{
	r->failed = true;
	return false;
}

bool reader_done(const struct reader *r)
{
	return !r->failed && r->left == 0;
}

bool reader_view(struct reader *r, const uint8_t **out, size_t n)
{
	*out = NULL;
	if (r->failed || n > r->left)
		return reader_fail(r);
	*out = r->p;
	r->p += n;
	r->left -= n;
	return true;
}

bool reader_get(struct reader *r, void *out, size_t n)
{
	const uint8_t *p;
	if (!reader_view(r, &p, n)) {
		if (n)
			memset(out, 0, n);
		return false;
	}
	if (n)
		memcpy(out, p, n);
	return true;
}

bool reader_get_u8(struct reader *r, uint8_t *out)
{
	return reader_get(r, out, 1);
}

static uint64_t le_load(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

bool reader_get_u16le(struct reader *r, uint16_t *out)
{
	const uint8_t *p;
	*out = 0;
	if (!reader_view(r, &p, 2))
		return false;
	*out = (uint16_t)le_load(p, 2);
	return true;
}

bool reader_get_u32le(struct reader *r, uint32_t *out)
{
	const uint8_t *p;
	*out = 0;
	if (!reader_view(r, &p, 4))
		return false;
	*out = (uint32_t)le_load(p, 4);
	return true;
}

bool reader_get_u64le(struct reader *r, uint64_t *out)
{
	const uint8_t *p;
	*out = 0;
	if (!reader_view(r, &p, 8))
		return false;
	*out = le_load(p, 8);
	return true;
}

bool reader_get_varint(struct reader *r, uint64_t *out)
{
	*out = 0;
	if (r->failed)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < 10; i++) {
		if (i >= r->left)
			return reader_fail(r);
		uint8_t byte = r->p[i];
		/* The tenth byte may carry only the top bit of a 64-bit value. */
		if (i == 9 && byte > 1)
			return reader_fail(r);
		v |= (uint64_t)(byte & 0x7f) << (7 * i);
		if (!(byte & 0x80)) {
			if (byte == 0 && i > 0)
				return reader_fail(r); /* non-minimal */
			r->p += i + 1;
			r->left -= i + 1;
			*out = v;
			return true;
		}
	}
	return reader_fail(r);
}

bool reader_get_bytes(struct reader *r, const uint8_t **out, size_t *n, size_t max)
{
	uint64_t len;
	*out = NULL;
	*n = 0;
	if (!reader_get_varint(r, &len))
		return false;
	if (len > max || len > r->left)
		return reader_fail(r);
	if (!reader_view(r, out, (size_t)len))
		return false;
	*n = (size_t)len;
	return true;
}
