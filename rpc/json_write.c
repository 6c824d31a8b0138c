/* Compact JSON text of a reply, straight into a struct buf: the same
 * bytes as jansson's json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) (keys
 * in insertion order, strings escaped as jansson does: '"', '\\' and the
 * control characters, "\u%04X" for those without a short form; other
 * bytes as they are), without its per-call hash table of visited
 * containers, its printf per integer and per container, and its final
 * copy. Replies hold no cycles (they are built here, the id is a deep
 * copy). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rpc/dispatch_internal.h"
#include "util/buf.h"

/* The length of the UTF-8 sequence at s[0..n) (RFC 3629: no overlong
 * form, no surrogate, nothing above U+10FFFF), or 0 when it is invalid,
 * as jansson's check. s[0] is at least 0x80. */
static size_t rpc_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned cp;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* One byte below 0x20, or '"' or '\\', escaped. */
static void rpc_json_escape(struct buf *out, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char seq[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
	const char *s = NULL;
	switch (c) {
	case '"': s = "\\\""; break;
	case '\\': s = "\\\\"; break;
	case '\b': s = "\\b"; break;
	case '\f': s = "\\f"; break;
	case '\n': s = "\\n"; break;
	case '\r': s = "\\r"; break;
	case '\t': s = "\\t"; break;
	default: break;
	}
	if (s != NULL)
		buf_put(out, s, 2);
	else
		buf_put(out, seq, sizeof(seq));
}

/* A quoted string; false on invalid UTF-8 (as jansson's dump). */
static bool rpc_json_string(struct buf *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t run = 0; /* s[run..i) is copied as it is */
	buf_put_u8(out, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		if (c >= 0x80) {
			size_t n = rpc_utf8_len(s + i, len - i);
			if (n == 0)
				return false;
			i += n;
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		buf_put(out, s + run, i - run);
		rpc_json_escape(out, c);
		run = ++i;
	}
	buf_put(out, s + run, len - run);
	return buf_put_u8(out, '"');
}

static bool rpc_json_integer(struct buf *out, json_int_t v)
{
	char d[24];
	size_t i = sizeof(d);
	/* The magnitude as unsigned, so that the most negative value works. */
	unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		d[--i] = (char)('0' + m % 10);
		m /= 10;
	} while (m != 0);
	if (v < 0)
		d[--i] = '-';
	return buf_put(out, d + i, sizeof(d) - i);
}

/* A real, rare in replies: jansson's own text. */
static bool rpc_json_real(struct buf *out, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	bool ok = s != NULL && buf_puts(out, s);
	free(s);
	return ok;
}

/* A key's length: keys may hold NUL bytes since jansson 2.14. */
static size_t rpc_json_key_len(void *it, const char *key)
{
#if JANSSON_VERSION_HEX >= 0x020e00
	(void)key;
	return json_object_iter_key_len(it);
#else
	(void)it;
	return strlen(key);
#endif
}

bool rpc_json_write(struct buf *out, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_NULL: return buf_put(out, "null", 4);
	case JSON_TRUE: return buf_put(out, "true", 4);
	case JSON_FALSE: return buf_put(out, "false", 5);
	case JSON_INTEGER: return rpc_json_integer(out, json_integer_value(v));
	case JSON_REAL: return rpc_json_real(out, v);
	case JSON_STRING: return rpc_json_string(out, json_string_value(v), json_string_length(v));
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		buf_put_u8(out, '[');
		for (size_t i = 0; i < n; i++)
			if ((i > 0 && !buf_put_u8(out, ',')) || !rpc_json_write(out, json_array_get(v, i)))
				return false;
		return buf_put_u8(out, ']');
	}
	case JSON_OBJECT: {
		buf_put_u8(out, '{');
		for (void *it = json_object_iter((json_t *)v); it != NULL;
		     it = json_object_iter_next((json_t *)v, it)) {
			const char *key = json_object_iter_key(it);
			if ((it != json_object_iter((json_t *)v) && !buf_put_u8(out, ',')) ||
			    !rpc_json_string(out, key, rpc_json_key_len(it, key)) ||
			    !buf_put_u8(out, ':') || !rpc_json_write(out, json_object_iter_value(it)))
				return false;
		}
		return buf_put_u8(out, '}');
	}
	}
	return false;
}
