/* Hexadecimal text <-> bytes.
 *
 * Encoding is lower case. Decoding is strict: an even number of digits,
 * only [0-9a-fA-F], nothing else (no "0x", no whitespace, no separators).
 * Every function defines its outputs on failure: a failed encode leaves ""
 * (when cap > 0); a failed decode zeroes the whole output buffer.
 */
#ifndef ROSTRA_UTIL_HEX_H
#define ROSTRA_UTIL_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Characters needed to encode n bytes, including the terminating NUL. */
#define HEX_LEN(n) (2 * (n) + 1)

/* Encode len bytes as lower-case hex followed by a NUL.
 * Out: out (cap bytes; needs HEX_LEN(len)). In: data (len bytes).
 * Returns false, leaving "" in out when cap > 0, if it does not fit. */
bool hex_encode(char *out, size_t cap, const uint8_t *data, size_t len);

/* Append len bytes as lower-case hex (no NUL counted in b->len).
 * Returns false, and leaves b's sticky error set, if b cannot grow. */
bool hex_append(struct buf *b, const uint8_t *data, size_t len);

/* Decode the NUL-terminated string hex.
 * Out: out (cap bytes), *out_len the number of bytes written.
 * Returns false on odd length, a non-hex character, or more than cap bytes;
 * then out is zeroed (all cap bytes) and *out_len is 0. "" decodes to 0 bytes. */
bool hex_decode(uint8_t *out, size_t cap, size_t *out_len, const char *hex);

/* As hex_decode, for text of a known length that need not be NUL-terminated
 * (a NUL byte inside hexlen is rejected like any other non-hex byte). */
bool hex_decode_mem(uint8_t *out, size_t cap, size_t *out_len,
                    const char *hex, size_t hexlen);

/* Decode exactly n bytes (2n digits) from hex: for fixed-size values such as
 * 32-byte hashes and keys. Out: out (n bytes; zeroed on failure).
 * Returns false unless hex is exactly 2n valid hex digits. */
bool hex_decode_exact(uint8_t *out, size_t n, const char *hex);

#endif
