#include "primitives/chain_id.h"

#include <string.h>

#include "util/hex.h"

#define CHAIN_ID_HEX_LEN 8

/* The length of s, counting at most max + 1 characters (strnlen is POSIX,
 * not C11). */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;
	while (n <= max && s[n])
		n++;
	return n;
}

static bool is_lower(uint8_t c) { return c >= 'a' && c <= 'z'; }
static bool is_hex_lower(uint8_t c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool chain_id_valid(const uint8_t *s, size_t len)
{
	if (len < CHAIN_ID_MIN_LEN || len > CHAIN_ID_MAX_LEN)
		return false;
	size_t name_len = len - CHAIN_ID_HEX_LEN - 1;
	if (name_len > CHAIN_ID_NAME_MAX)
		return false;
	for (size_t i = 0; i < name_len; i++)
		if (!is_lower(s[i]))
			return false;
	if (s[name_len] != '-')
		return false;
	for (size_t i = name_len + 1; i < len; i++)
		if (!is_hex_lower(s[i]))
			return false;
	return true;
}

bool chain_id_set(struct chain_id *out, const uint8_t *s, size_t len)
{
	memset(out, 0, sizeof(*out));
	if (!chain_id_valid(s, len))
		return false;
	memcpy(out->s, s, len);
	out->len = (uint8_t)len;
	return true;
}

bool chain_id_parse(struct chain_id *out, const char *s)
{
	size_t len = bounded_len(s, CHAIN_ID_MAX_LEN);
	return chain_id_set(out, (const uint8_t *)s, len);
}

bool chain_id_make(struct chain_id *out, const char *name, const struct hash256 *genesis)
{
	uint8_t s[CHAIN_ID_MAX_LEN + 1];
	char hex[CHAIN_ID_HEX_LEN + 1];
	size_t name_len = bounded_len(name, CHAIN_ID_NAME_MAX);

	memset(out, 0, sizeof(*out));
	if (name_len == 0 || name_len > CHAIN_ID_NAME_MAX)
		return false;
	hex_encode(hex, sizeof(hex), genesis->b, CHAIN_ID_HEX_LEN / 2);
	memcpy(s, name, name_len);
	s[name_len] = '-';
	memcpy(s + name_len + 1, hex, CHAIN_ID_HEX_LEN);
	return chain_id_set(out, s, name_len + 1 + CHAIN_ID_HEX_LEN);
}

bool chain_id_eq(const struct chain_id *a, const struct chain_id *b)
{
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}
