#include "util/hex.h"

#include <string.h>

#include "util/buf.h"

static const char hex_digits[] = "0123456789abcdef";

/* The value of one hex digit, or -1. */
static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void hex_write(char *out, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_digits[data[i] >> 4];
		out[2 * i + 1] = hex_digits[data[i] & 0x0f];
	}
}

bool hex_encode(char *out, size_t cap, const uint8_t *data, size_t len)
{
	/* len <= (cap - 1) / 2 is HEX_LEN(len) <= cap without overflow. */
	if (cap == 0)
		return false;
	if (len > (cap - 1) / 2) {
		out[0] = '\0';
		return false;
	}
	hex_write(out, data, len);
	out[2 * len] = '\0';
	return true;
}

bool hex_append(struct buf *b, const uint8_t *data, size_t len)
{
	if (len > SIZE_MAX / 2) {
		b->failed = true;
		return false;
	}
	if (!buf_reserve(b, 2 * len))
		return false;
	hex_write((char *)b->data + b->len, data, len);
	b->len += 2 * len;
	b->data[b->len] = 0;
	return true;
}

bool hex_decode_mem(uint8_t *out, size_t cap, size_t *out_len,
                    const char *hex, size_t hexlen)
{
	*out_len = 0;
	if (hexlen % 2 != 0 || hexlen / 2 > cap)
		goto fail;
	for (size_t i = 0; i < hexlen / 2; i++) {
		int hi = hex_value((unsigned char)hex[2 * i]);
		int lo = hex_value((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			goto fail;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = hexlen / 2;
	return true;
fail:
	if (cap)
		memset(out, 0, cap);
	return false;
}

bool hex_decode(uint8_t *out, size_t cap, size_t *out_len, const char *hex)
{
	return hex_decode_mem(out, cap, out_len, hex, strlen(hex));
}

bool hex_decode_exact(uint8_t *out, size_t n, const char *hex)
{
	size_t got;
	/* strnlen would do, but is POSIX; stop counting past 2n + 1. */
	size_t len = 0;
	while (len <= 2 * n && hex[len] != '\0')
		len++;
	if (len != 2 * n) {
		if (n)
			memset(out, 0, n);
		return false;
	}
	return hex_decode_mem(out, n, &got, hex, len);
}
