/* Strict UTF-8 validation (RFC 3629), for text that enters consensus
 * (post bodies, tags, handles) or is shown to people.
 *
 * Valid: well-formed sequences of 1 to 4 bytes encoding U+0001..U+D7FF and
 * U+E000..U+10FFFF, each in its shortest form.
 * Invalid: overlong forms (C0, C1, E0 80..9F, F0 80..8F), UTF-16 surrogates
 * U+D800..U+DFFF (ED A0..BF), code points above U+10FFFF (F4 90.., F5..FF),
 * stray continuation bytes, truncated sequences, and the NUL byte U+0000:
 * Rostra text is never allowed to hold NUL, so that it survives every C
 * string API and cannot hide a suffix from one.
 */
#ifndef ROSTRA_UTIL_UTF8_H
#define ROSTRA_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns true when the len bytes at s are valid UTF-8 as above (the empty
 * string is valid). s may be NULL when len is 0. */
bool utf8_valid(const uint8_t *s, size_t len);

/* Count the code points in the len bytes at s. Out: *count (0 on failure).
 * Returns false, as utf8_valid, when s is not valid UTF-8. */
bool utf8_count(size_t *count, const uint8_t *s, size_t len);

#endif
