/* Bech32m (BIP350) and Rostra addresses.
 *
 * An address is the bech32m encoding, with HRP "ro" (main), "tro"
 * (testnet) or "rro" (regtest), of the version symbol 0 followed by the
 * 32-byte x-only public key regrouped into 5-bit symbols.
 */
#ifndef ROSTRA_CRYPTO_BECH32M_H
#define ROSTRA_CRYPTO_BECH32M_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"

#define BECH32M_MAX_LEN 90    /* longest string, BIP173 limit */
#define BECH32M_HRP_MAX 83
#define ADDRESS_MAX_LEN 91    /* including the terminating NUL */

/* Encode 5-bit symbols data[0..len) under hrp (1 to BECH32M_HRP_MAX
 * characters of ASCII 33..126, no upper case). Out: out (NUL-terminated,
 * size cap; "" on failure when cap > 0). Returns false if the result would
 * exceed BECH32M_MAX_LEN or not fit cap with its NUL, or an input is out of
 * range. */
bool bech32m_encode(char *out, size_t cap, const char *hrp,
		    const uint8_t *data, size_t len);
/* Decode a bech32m string (all lower or all upper case). Out: hrp (lower
 * case, NUL-terminated, size hrp_cap), data (5-bit symbols, size data_cap),
 * *data_len. Returns false on any invalid input (a character outside
 * 33..126, mixed case, more than BECH32M_MAX_LEN characters, no separator,
 * an empty HRP, a data character outside the bech32 alphabet, fewer than 6
 * checksum characters, a wrong bech32m checksum) and when the HRP or the
 * data do not fit hrp_cap or data_cap; outputs are then empty (hrp "" when
 * hrp_cap > 0, *data_len 0). */
bool bech32m_decode(char *hrp, size_t hrp_cap, uint8_t *data, size_t *data_len,
		    size_t data_cap, const char *str);

/* The address of pk under hrp. Out: out (size ADDRESS_MAX_LEN; "" on
 * failure). Returns false if pk is not a valid x-only key or hrp is not a
 * valid lower-case HRP of at most 30 characters (the address would pass
 * BECH32M_MAX_LEN). Needs crypto_init(). */
bool address_encode(char out[ADDRESS_MAX_LEN], const char *hrp, const struct pubkey *pk);
/* Parse an address that must carry hrp (given in lower case; the string
 * may be all lower or all upper case), version 0 and a valid x-only key.
 * Rejects any other HRP or version, non-zero padding bits, padding of 5 or
 * more bits, a key that is not 32 bytes, and a key not on the curve.
 * Out: pk (zeroed on failure). Needs crypto_init(). */
bool address_decode(struct pubkey *pk, const char *hrp, const char *str);
/* address_decode without its last check, that the key is on the curve
 * (the only costly part, a square root): for a caller that checks it
 * itself or knows the key another way, e.g. from a state that holds valid
 * keys only. Out: pk (zeroed on failure). */
bool address_decode_unchecked(struct pubkey *pk, const char *hrp, const char *str);

#endif
