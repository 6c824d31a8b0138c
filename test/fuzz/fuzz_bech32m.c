/* Fuzz bech32m and address decoding.
 *
 * Properties checked (abort on violation):
 *   - whenever bech32m_decode accepts a string, bech32m_encode of what it
 *     returned reproduces the string in lower case; when it rejects, its
 *     outputs are empty;
 *   - whenever address_decode accepts a string, address_encode of the key
 *     reproduces it in lower case;
 *   - address_decode accepts exactly what address_decode_unchecked accepts
 *     with a key on the curve, with the same key;
 *   - reading the input as (HRP, 5-bit symbols), whatever bech32m_encode
 *     accepts decodes back to the same HRP and symbols.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bech32m.h"
#include "crypto/crypto.h"
#include "fuzz.h"
#include "crypto/key.h"

#define FUZZ_MAX_INPUT 256

FUZZ_INITIALIZE_CRYPTO()

static void fuzz_lower(char *out, const char *s)
{
	for (; *s; s++, out++)
		*out = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
	*out = '\0';
}

static void fuzz_decode(const char *s)
{
	char hrp[BECH32M_HRP_MAX + 1], lower[FUZZ_MAX_INPUT + 1], out[BECH32M_MAX_LEN + 1];
	uint8_t sym[BECH32M_MAX_LEN];
	size_t n = 12345, i;

	fuzz_lower(lower, s);
	if (!bech32m_decode(hrp, sizeof(hrp), sym, &n, sizeof(sym), s)) {
		if (hrp[0] != '\0' || n != 0)
			abort();
		return;
	}
	for (i = 0; i < n; i++)
		if (sym[i] > 31)
			abort();
	if (!bech32m_encode(out, sizeof(out), hrp, sym, n) || strcmp(out, lower) != 0)
		abort();
}

static void fuzz_address(const char *s)
{
	static const char *const hrps[] = { "ro", "tro", "rro" };
	char lower[FUZZ_MAX_INPUT + 1], out[ADDRESS_MAX_LEN];
	struct pubkey pk;
	size_t i;

	fuzz_lower(lower, s);
	for (i = 0; i < sizeof(hrps) / sizeof(hrps[0]); i++) {
		struct pubkey raw;
		bool ok = address_decode(&pk, hrps[i], s);
		bool raw_ok = address_decode_unchecked(&raw, hrps[i], s);
		if (ok != (raw_ok && key_pubkey_valid(&raw)) ||
		    (ok && memcmp(pk.b, raw.b, PUBKEY_LEN) != 0))
			abort();
		if (!ok)
			continue;
		if (!address_encode(out, hrps[i], &pk) || strcmp(out, lower) != 0)
			abort();
	}
}

/* The first byte gives the HRP length, then the HRP, then one symbol per
 * byte. */
static void fuzz_encode(const uint8_t *data, size_t size)
{
	char hrp[FUZZ_MAX_INPUT + 1], got_hrp[BECH32M_HRP_MAX + 1], str[BECH32M_MAX_LEN + 1];
	uint8_t sym[BECH32M_MAX_LEN];
	size_t hl, n = 0;

	if (size < 1)
		return;
	hl = data[0];
	if (hl > size - 1)
		return;
	memcpy(hrp, data + 1, hl);
	hrp[hl] = '\0';
	if (strlen(hrp) != hl)
		return;
	if (!bech32m_encode(str, sizeof(str), hrp, data + 1 + hl, size - 1 - hl))
		return;
	if (!bech32m_decode(got_hrp, sizeof(got_hrp), sym, &n, sizeof(sym), str))
		abort();
	if (strcmp(got_hrp, hrp) != 0 || n != size - 1 - hl ||
	    (n > 0 && memcmp(sym, data + 1 + hl, n) != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[FUZZ_MAX_INPUT + 1];

	if (size > FUZZ_MAX_INPUT)
		return 0;
	fuzz_encode(data, size);
	/* A C string ends at its first NUL: the decoders never see the rest. */
	if (memchr(data, 0, size) != NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_decode(s);
	fuzz_address(s);
	return 0;
}
