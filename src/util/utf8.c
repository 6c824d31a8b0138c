#include "util/utf8.h"

/* The length of the valid sequence at s (1 to 4), or 0 if the bytes there do
 * not begin one. Follows the table of well-formed byte sequences in the
 * Unicode Standard (ch. 3, table 3-7), which excludes overlongs, surrogates
 * and values above U+10FFFF by bounding the second byte. */
static size_t utf8_seq_len(const uint8_t *s, size_t left)
{
	uint8_t c = s[0];
	uint8_t lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0x01 && c <= 0x7f)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0; /* NUL, continuation, C0/C1 overlong, F5..FF */
	if (c == 0xe0)
		lo = 0xa0; /* overlong below U+0800 */
	else if (c == 0xed)
		hi = 0x9f; /* surrogates U+D800..U+DFFF */
	else if (c == 0xf0)
		lo = 0x90; /* overlong below U+10000 */
	else if (c == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (left < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

bool utf8_count(size_t *count, const uint8_t *s, size_t len)
{
	size_t i = 0, k = 0;
	*count = 0;
	while (i < len) {
		size_t n = utf8_seq_len(s + i, len - i);
		if (n == 0)
			return false;
		i += n;
		k++;
	}
	*count = k;
	return true;
}

bool utf8_valid(const uint8_t *s, size_t len)
{
	size_t count;
	return utf8_count(&count, s, len);
}
