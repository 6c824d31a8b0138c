/* Bech32m (BIP350) strings and Rostra addresses, from the BIP's description.
 *
 * The input is a C string of at most BECH32M_MAX_LEN characters, so it is
 * read character by character with an explicit bound rather than through
 * struct reader (which reads binary fields). */
#include "crypto/bech32m.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define BECH32M_CONST 0x2bc830a3u
#define BECH32M_CHECKSUM_LEN 6
/* An address: the version symbol, then 256 bits in 52 5-bit groups. */
#define ADDRESS_VERSION 0
#define ADDRESS_DATA_LEN (1 + (PUBKEY_LEN * 8 + 4) / 5)

static const char bech32m_charset[32] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* The value of a lower-case data character, or -1: bech32m_charset
 * inverted (checked against it by the unit tests' vectors). */
static int bech32m_char_value(unsigned char c)
{
	static const int8_t rev[128] = {
		-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
		-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
		-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
		15, -1, 10, 17, 21, 20, 26, 30,  7,  5, -1, -1, -1, -1, -1, -1,
		-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
		-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
		-1, 29, -1, 24, 13, 25,  9,  8, 23, -1, 18, 22, 31, 27, 19, -1,
		 1,  0,  3, 16, 11, 28, 12, 14,  6,  4,  2, -1, -1, -1, -1, -1,
	};
	return c < 128 ? rev[c] : -1;
}

/* BIP173's generator terms for the five bits a polymod step shifts out,
 * XORed together: all 32 combinations (gen[i] for bit i of the index), so
 * that a step has no branch on the data (the five data-dependent branches
 * mispredicted about half the time). */
static const uint32_t bech32m_gen_xor[32] = {
	0x00000000u, 0x3b6a57b2u, 0x26508e6du, 0x1d3ad9dfu,
	0x1ea119fau, 0x25cb4e48u, 0x38f19797u, 0x039bc025u,
	0x3d4233ddu, 0x0628646fu, 0x1b12bdb0u, 0x2078ea02u,
	0x23e32a27u, 0x18897d95u, 0x05b3a44au, 0x3ed9f3f8u,
	0x2a1462b3u, 0x117e3501u, 0x0c44ecdeu, 0x372ebb6cu,
	0x34b57b49u, 0x0fdf2cfbu, 0x12e5f524u, 0x298fa296u,
	0x1756516eu, 0x2c3c06dcu, 0x3106df03u, 0x0a6c88b1u,
	0x09f74894u, 0x329d1f26u, 0x2fa7c6f9u, 0x14cd914bu,
};

/* One step of the polymod: the 30-bit state takes the symbol v. */
static uint32_t bech32m_polymod_step(uint32_t chk, uint8_t v)
{
	return ((chk & 0x1ffffffu) << 5) ^ v ^ bech32m_gen_xor[chk >> 25];
}

/* Two steps at once, half as long a chain of dependent loads: the terms
 * that the top ten bits of the state bring in over two steps, for each of
 * their 1,024 values. With hi and mid the state's bits 25..29 and 20..24,
 * the first step XORs in gen_xor[hi], whose own top five bits join mid to
 * pick the second step's term:
 *   pair[hi * 32 + mid] = (gen_xor[hi] & 0x1ffffff) << 5
 *                         ^ gen_xor[mid ^ gen_xor[hi] >> 25].
 * Built once (bech32m_pair_init). */
static uint32_t bech32m_pair[1024];
static pthread_once_t bech32m_pair_once = PTHREAD_ONCE_INIT;

static void bech32m_pair_init(void)
{
	for (uint32_t hi = 0; hi < 32; hi++) {
		uint32_t g = bech32m_gen_xor[hi];
		for (uint32_t mid = 0; mid < 32; mid++)
			bech32m_pair[hi * 32 + mid] = (g & 0x1ffffffu) << 5 ^ bech32m_gen_xor[mid ^ g >> 25];
	}
}

/* The polymod state after the symbols s[0..n), from chk. */
static uint32_t bech32m_polymod_run(uint32_t chk, const uint8_t *s, size_t n)
{
	size_t i = 0;
	for (; i + 2 <= n; i += 2)
		chk = ((chk & 0xfffffu) << 10) ^ (uint32_t)s[i] << 5 ^ s[i + 1] ^ bech32m_pair[chk >> 20];
	if (i < n)
		chk = bech32m_polymod_step(chk, s[i]);
	return chk;
}

/* The checksum state after the expanded hrp and the data symbols. hrp is
 * lower case (the checksum is defined over the lower-case form). */
static uint32_t bech32m_polymod(const char *hrp, size_t hrp_len,
				const uint8_t *data, size_t len)
{
	uint8_t ex[2 * BECH32M_HRP_MAX + 1];
	size_t i;

	pthread_once(&bech32m_pair_once, bech32m_pair_init);
	for (i = 0; i < hrp_len; i++) {
		ex[i] = (uint8_t)((unsigned char)hrp[i] >> 5);
		ex[hrp_len + 1 + i] = (uint8_t)((unsigned char)hrp[i] & 31);
	}
	ex[hrp_len] = 0;
	return bech32m_polymod_run(bech32m_polymod_run(1, ex, 2 * hrp_len + 1), data, len);
}

/* True if hrp is 1..BECH32M_HRP_MAX characters in 33..126, none upper case
 * (an encoder writes lower case only). Out: *len. */
static bool bech32m_hrp_ok(size_t *len, const char *hrp)
{
	size_t i;

	for (i = 0; hrp[i] != '\0'; i++) {
		unsigned char c = (unsigned char)hrp[i];
		if (i >= BECH32M_HRP_MAX || c < 33 || c > 126 || (c >= 'A' && c <= 'Z'))
			return false;
	}
	*len = i;
	return i > 0;
}

bool bech32m_encode(char *out, size_t cap, const char *hrp,
		    const uint8_t *data, size_t len)
{
	size_t hrp_len = 0, total, i, o;
	uint32_t chk;

	if (cap > 0)
		out[0] = '\0';
	if (!bech32m_hrp_ok(&hrp_len, hrp) || len > BECH32M_MAX_LEN)
		return false;
	total = hrp_len + 1 + len + BECH32M_CHECKSUM_LEN;
	if (total > BECH32M_MAX_LEN || total >= cap)
		return false;
	for (i = 0; i < len; i++)
		if (data[i] > 31)
			return false;
	chk = bech32m_polymod(hrp, hrp_len, data, len);
	for (i = 0; i < BECH32M_CHECKSUM_LEN; i++)
		chk = bech32m_polymod_step(chk, 0);
	chk ^= BECH32M_CONST;
	memcpy(out, hrp, hrp_len);
	o = hrp_len;
	out[o++] = '1';
	for (i = 0; i < len; i++)
		out[o++] = bech32m_charset[data[i]];
	for (i = 0; i < BECH32M_CHECKSUM_LEN; i++)
		out[o++] = bech32m_charset[(chk >> (5 * (5 - i))) & 31];
	out[o] = '\0';
	return true;
}

/* Check the characters of str (length at most BECH32M_MAX_LEN, no mixed
 * case) and copy them lower-cased. Out: low (size BECH32M_MAX_LEN + 1),
 * *len. Without a branch per character: an address's letters and digits
 * come in no order a predictor could learn. */
static bool bech32m_lower(char *low, size_t *len, const char *str)
{
	unsigned seen = 0; /* bit 0: lower case, bit 1: upper case, bit 2: outside 33..126 */
	size_t i;

	for (i = 0; str[i] != '\0'; i++) {
		if (i >= BECH32M_MAX_LEN)
			return false;
		unsigned c = (unsigned char)str[i];
		unsigned upper = c - 'A' < 26;
		seen |= (unsigned)(c - 'a' < 26) | upper << 1 | (unsigned)(c - 33 > 126 - 33) << 2;
		low[i] = (char)(c | upper << 5);
	}
	low[i] = '\0';
	*len = i;
	return (seen & 4) == 0 && (seen & 3) != 3;
}

bool bech32m_decode(char *hrp, size_t hrp_cap, uint8_t *data, size_t *data_len,
		    size_t data_cap, const char *str)
{
	char low[BECH32M_MAX_LEN + 1];
	uint8_t vals[BECH32M_MAX_LEN];
	size_t len = 0, sep, nvals, i;
	int bad = 0;

	if (hrp_cap > 0)
		hrp[0] = '\0';
	*data_len = 0;
	if (!bech32m_lower(low, &len, str))
		return false;
	sep = len;
	for (i = len; i > 0; i--) {
		if (low[i - 1] == '1') {
			sep = i - 1;
			break;
		}
	}
	/* No separator, empty HRP, or fewer than 6 checksum characters. */
	if (sep == len || sep == 0 || len - sep - 1 < BECH32M_CHECKSUM_LEN)
		return false;
	nvals = len - sep - 1;
	for (i = 0; i < nvals; i++) {
		int v = bech32m_char_value((unsigned char)low[sep + 1 + i]);
		bad |= v;          /* negative once any character is not in the alphabet */
		vals[i] = (uint8_t)(v & 31);
	}
	if (bad < 0 || bech32m_polymod(low, sep, vals, nvals) != BECH32M_CONST)
		return false;
	nvals -= BECH32M_CHECKSUM_LEN;
	if (sep >= hrp_cap || nvals > data_cap)
		return false;
	memcpy(hrp, low, sep);
	hrp[sep] = '\0';
	if (nvals > 0)
		memcpy(data, vals, nvals);
	*data_len = nvals;
	return true;
}

/* Regroup in[0..len) from 8-bit to 5-bit groups, zero-padding the last.
 * Out: out (size cap), *out_len. */
static bool address_to_5bit(uint8_t *out, size_t cap, size_t *out_len,
			    const uint8_t *in, size_t len)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			if (n >= cap)
				return false;
			out[n++] = (uint8_t)((acc >> bits) & 31);
		}
		acc &= (1u << bits) - 1;
	}
	if (bits > 0) {
		if (n >= cap)
			return false;
		out[n++] = (uint8_t)((acc << (5 - bits)) & 31);
	}
	*out_len = n;
	return true;
}

/* Regroup 5-bit groups into bytes. Fails on padding of 5 or more bits, on
 * non-zero padding bits, and when the result passes cap. Out: out, *out_len. */
static bool address_from_5bit(uint8_t *out, size_t cap, size_t *out_len,
			      const uint8_t *in, size_t len)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 5) | in[i];
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return false;
			out[n++] = (uint8_t)((acc >> bits) & 0xff);
		}
		acc &= (1u << bits) - 1;
	}
	if (bits >= 5 || acc != 0)
		return false;
	*out_len = n;
	return true;
}

bool address_encode(char out[ADDRESS_MAX_LEN], const char *hrp, const struct pubkey *pk)
{
	uint8_t data[ADDRESS_DATA_LEN];
	size_t n = 0;

	out[0] = '\0';
	if (!key_pubkey_valid(pk))
		return false;
	data[0] = ADDRESS_VERSION;
	if (!address_to_5bit(data + 1, sizeof(data) - 1, &n, pk->b, PUBKEY_LEN))
		return false;
	return bech32m_encode(out, ADDRESS_MAX_LEN, hrp, data, 1 + n);
}

bool address_decode_unchecked(struct pubkey *pk, const char *hrp, const char *str)
{
	char got_hrp[BECH32M_HRP_MAX + 1];
	uint8_t data[BECH32M_MAX_LEN];
	uint8_t key[BECH32M_MAX_LEN * 5 / 8]; /* room for any decoded string */
	size_t n = 0, klen = 0;

	memset(pk, 0, sizeof(*pk));
	if (!bech32m_decode(got_hrp, sizeof(got_hrp), data, &n, sizeof(data), str))
		return false;
	if (strcmp(got_hrp, hrp) != 0 || n < 1 || data[0] != ADDRESS_VERSION)
		return false;
	if (!address_from_5bit(key, sizeof(key), &klen, data + 1, n - 1) || klen != PUBKEY_LEN)
		return false;
	memcpy(pk->b, key, PUBKEY_LEN);
	return true;
}

bool address_decode(struct pubkey *pk, const char *hrp, const char *str)
{
	if (!address_decode_unchecked(pk, hrp, str))
		return false;
	if (!key_pubkey_valid(pk)) {
		memset(pk, 0, sizeof(*pk));
		return false;
	}
	return true;
}
