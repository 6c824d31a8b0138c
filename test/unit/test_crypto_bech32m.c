/* Bech32m (the BIP350 valid and invalid lists, encoder and capacity
 * limits) and Rostra addresses (round trip and every rejection). */
#include "test_crypto.h"
#include "unit.h"

#include <stdbool.h>
#include <string.h>

#include "crypto/bech32m.h"
#include "crypto/key.h"

/* BIP350: every valid string decodes and re-encodes to its lower-case
 * form. */
static const char *const bip350_valid[] = {
	"A1LQFN3A",
	"a1lqfn3a",
	"an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
	"abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
	"11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
	"split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
	"?1v759aa",
};

/* BIP350's invalid strings, then more of our own. */
static const struct {
	const char *str;
	const char *why;
} bech32m_invalid[] = {
	{ "\x20" "1xj0phk", "HRP character out of range" },
	{ "\x7f" "1g6xzxy", "HRP character out of range" },
	{ "\x80" "1vctc34", "HRP character out of range" },
	{ "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
	  "overall max length exceeded" },
	{ "qyrz8wqd2c9m", "no separator character" },
	{ "1qyrz8wqd2c9m", "empty HRP" },
	{ "y1b0jsk6g", "invalid data character" },
	{ "lt1igcx5c0", "invalid data character" },
	{ "in1muywd", "too short checksum" },
	{ "mm1crxm3i", "invalid character in checksum" },
	{ "au1s5cgom", "invalid character in checksum" },
	{ "M1VUXWEZ", "checksum calculated with uppercase form of HRP" },
	{ "16plkw9", "empty HRP" },
	{ "1p2gdwpf", "empty HRP" },
	/* Not in BIP350. */
	{ "", "empty string" },
	{ "A1lqfn3a", "mixed case" },
	{ "a1lqfn3A", "mixed case" },
	{ "a12uel5l", "bech32 (BIP173) checksum, not bech32m" },
	{ "a1lqfn3b", "wrong checksum" },
	{ "a1lqfn3", "checksum one character short" },
	{ "a 1lqfn3a", "space in HRP" },
	{ "a1lqf n3a", "space in data" },
	{ "a1lqfn3a\x7f", "DEL after the checksum" },
	{ "a1lqfn3a\xc3\xa9", "non-ASCII byte" },
	{ "111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111",
	  "90 characters, all '1': empty data part" },
};

void test_bech32m_valid(void)
{
	size_t i, j;

	for (i = 0; i < UNIT_COUNT(bip350_valid); i++) {
		const char *s = bip350_valid[i];
		char hrp[BECH32M_HRP_MAX + 1], lower[BECH32M_MAX_LEN + 1], out[BECH32M_MAX_LEN + 1];
		uint8_t data[BECH32M_MAX_LEN];
		size_t n = 0, len = strlen(s);

		for (j = 0; j <= len; j++)
			lower[j] = (s[j] >= 'A' && s[j] <= 'Z') ? (char)(s[j] - 'A' + 'a') : s[j];
		if (!CHECK(bech32m_decode(hrp, sizeof(hrp), data, &n, sizeof(data), s))) {
			unit_note("valid string rejected: %s", s);
			continue;
		}
		CHECK(strlen(hrp) + 1 + n + 6 == len);
		CHECK(bech32m_encode(out, sizeof(out), hrp, data, n));
		CHECK(strcmp(out, lower) == 0);
	}
}

void test_bech32m_invalid(void)
{
	size_t i;

	for (i = 0; i < UNIT_COUNT(bech32m_invalid); i++) {
		char hrp[BECH32M_HRP_MAX + 1];
		uint8_t data[BECH32M_MAX_LEN];
		size_t n = 7;

		memset(hrp, 'x', sizeof(hrp));
		if (!CHECK(!bech32m_decode(hrp, sizeof(hrp), data, &n, sizeof(data),
					   bech32m_invalid[i].str)))
			unit_note("accepted (%s): %s", bech32m_invalid[i].why, bech32m_invalid[i].str);
		CHECK(hrp[0] == '\0' && n == 0);
	}
}

/* The encoder refuses what would not decode, and a result that does not
 * fit. */
void test_bech32m_encode_rejects(void)
{
	static const struct {
		const char *hrp;
		size_t len;  /* data symbols, all 'q' (0) except data_max */
		uint8_t data_max;
		size_t cap;
		bool ok;
		const char *why;
	} cases[] = {
		{ "a", 0, 0, 100, true, "empty data" },
		{ "a", 1, 31, 100, true, "largest symbol" },
		{ "a", 1, 32, 100, false, "symbol above 31" },
		{ "a", 1, 255, 100, false, "symbol above 31" },
		{ "", 1, 0, 100, false, "empty HRP" },
		{ "A", 1, 0, 100, false, "upper-case HRP" },
		{ "a b", 1, 0, 100, false, "space in HRP" },
		{ "a\x7f", 1, 0, 100, false, "DEL in HRP" },
		{ "a\x80", 1, 0, 100, false, "non-ASCII HRP" },
		{ "!~", 1, 0, 100, true, "HRP characters 33 and 126" },
		{ "a", 82, 0, 100, true, "90 characters" },
		{ "a", 83, 0, 100, false, "91 characters" },
		{ "a", 1000, 0, 2000, false, "far too long" },
		{ "a", 82, 0, 91, true, "exact fit with the NUL" },
		{ "a", 82, 0, 90, false, "no room for the NUL" },
		{ "a", 0, 0, 0, false, "no room at all" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  0, 0, 100, true, "83-character HRP" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  0, 0, 100, false, "84-character HRP" },
	};
	static uint8_t data[1000];
	size_t i;

	for (i = 0; i < UNIT_COUNT(cases); i++) {
		char out[2000];

		memset(data, 0, sizeof(data));
		if (cases[i].len > 0)
			data[cases[i].len - 1] = cases[i].data_max;
		memset(out, 'x', sizeof(out));
		if (!CHECK(bech32m_encode(out, cases[i].cap, cases[i].hrp, data, cases[i].len) ==
			   cases[i].ok))
			unit_note("encode case %zu (%s)", i, cases[i].why);
		if (!cases[i].ok && cases[i].cap > 0)
			CHECK(out[0] == '\0');
		if (cases[i].ok)
			CHECK(strlen(out) == strlen(cases[i].hrp) + 1 + cases[i].len + 6);
	}
}

/* A decoded HRP or data that does not fit the caller's arrays fails; the
 * length limit does not depend on them. */
void test_bech32m_decode_caps(void)
{
	static const char *const s = "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx";
	static const struct {
		size_t hrp_cap, data_cap;
		bool ok;
	} cases[] = {
		{ 7, 32, true }, { 6, 32, false }, { 0, 32, false },
		{ 7, 31, false }, { 7, 0, false }, { 100, 100, true },
	};
	/* With room for any HRP, the 90-character limit still holds: an
	 * 84-character HRP with a correct checksum is 91 characters. */
	static const char *const s90 =
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1ts89gd";
	static const char *const s91 =
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa18vakuk";
	char big_hrp[100];
	uint8_t big_data[100];
	size_t big_n = 0;
	size_t i;

	CHECK(bech32m_decode(big_hrp, sizeof(big_hrp), big_data, &big_n, sizeof(big_data), s90));
	CHECK(strlen(big_hrp) == 83 && big_n == 0);
	CHECK(!bech32m_decode(big_hrp, sizeof(big_hrp), big_data, &big_n, sizeof(big_data), s91));
	for (i = 0; i < UNIT_COUNT(cases); i++) {
		char hrp[100];
		uint8_t data[100];
		size_t n = 99;

		hrp[0] = 'x';
		CHECK(bech32m_decode(hrp, cases[i].hrp_cap, data, &n, cases[i].data_cap, s) ==
		      cases[i].ok);
		if (cases[i].ok) {
			CHECK(strcmp(hrp, "abcdef") == 0 && n == 32 && data[0] == 31);
		} else {
			CHECK(n == 0);
			if (cases[i].hrp_cap > 0)
				CHECK(hrp[0] == '\0');
		}
	}
}

/* Addresses of the BIP340 key of secret 3 and of vector 1, computed with
 * the BIP350 reference code (Python), in each network. */
static const struct {
	const char *pk;
	const char *hrp;
	const char *addr;
} address_vectors[] = {
	{ "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9", "ro",
	  "ro1qlycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmus6nxug6" },
	{ "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9", "tro",
	  "tro1qlycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmusm25me4" },
	{ "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9", "rro",
	  "rro1qlycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmus7z33jz" },
	{ "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", "ro",
	  "ro1qmlcawle2vuw97dscxundkg6phev0atsa5t0vakzrys8hk5pt5evssqctaa" },
};

void test_address_known(void)
{
	size_t i;

	for (i = 0; i < UNIT_COUNT(address_vectors); i++) {
		char out[ADDRESS_MAX_LEN];
		struct pubkey pk, back;

		test_crypto_unhex(pk.b, PUBKEY_LEN, address_vectors[i].pk);
		CHECK(address_encode(out, address_vectors[i].hrp, &pk));
		CHECK(strcmp(out, address_vectors[i].addr) == 0);
		CHECK(address_decode(&back, address_vectors[i].hrp, address_vectors[i].addr));
		CHECK(memcmp(back.b, pk.b, PUBKEY_LEN) == 0);
	}
}

static void test_upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* Random keys round-trip under every network's HRP; the all-upper-case
 * form (which BIP350 allows) decodes to the same key. */
void test_address_roundtrip(void)
{
	static const char *const hrps[] = { "ro", "tro", "rro" };
	size_t i, k;

	for (k = 0; k < 8; k++) {
		struct seckey sk;
		struct pubkey pk;

		if (!CHECK(key_generate(&sk, &pk)))
			return;
		key_wipe(&sk);
		for (i = 0; i < UNIT_COUNT(hrps); i++) {
			char out[ADDRESS_MAX_LEN];
			struct pubkey back;

			CHECK(address_encode(out, hrps[i], &pk));
			CHECK(strlen(out) == strlen(hrps[i]) + 60);
			CHECK(address_decode(&back, hrps[i], out));
			CHECK(memcmp(back.b, pk.b, PUBKEY_LEN) == 0);
			test_upper(out);
			CHECK(address_decode(&back, hrps[i], out));
			CHECK(memcmp(back.b, pk.b, PUBKEY_LEN) == 0);
		}
	}
}

/* Regroup bytes to 5-bit symbols (zero padded) after a version symbol.
 * Out: out, returns the number of symbols. */
static size_t test_key_symbols(uint8_t *out, uint8_t version, const uint8_t *key, size_t len)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i, n = 0;

	out[n++] = version;
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | key[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = (uint8_t)((acc >> bits) & 31);
		}
	}
	if (bits > 0)
		out[n++] = (uint8_t)((acc << (5 - bits)) & 31);
	return n;
}

enum addr_bad {
	BAD_NONE,
	BAD_PAD_BITS,  /* set a bit in the 4 padding bits */
	BAD_TRUNCATE,  /* keep only `arg` symbols */
	BAD_EXTEND,    /* append `arg` zero symbols */
};

/* Each case builds a well-formed bech32m string under enc_hrp and expects
 * address_decode(.., "ro", ..) to reject it for the reason named. Padding
 * of 5 or more bits always comes with a wrong key length too (only 52
 * groups hold 256 bits with less than 5 left over), so those cases show
 * that both checks agree rather than isolate one. */
static const struct {
	const char *enc_hrp;
	uint8_t version;
	const char *key;
	enum addr_bad bad;
	size_t arg;
	const char *why;
} address_bad[] = {
	{ "tro", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_NONE, 0, "testnet HRP where main is expected" },
	{ "rro", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_NONE, 0, "regtest HRP where main is expected" },
	{ "r", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_NONE, 0, "HRP a prefix of the expected one" },
	{ "ro", 1, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_NONE, 0, "version 1" },
	{ "ro", 31, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_NONE, 0, "version 31" },
	{ "ro", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_PAD_BITS, 1, "non-zero padding bit (lowest)" },
	{ "ro", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_PAD_BITS, 8, "non-zero padding bit (highest)" },
	{ "ro", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_EXTEND, 1, "265 bits: 33 bytes, wrong length" },
	{ "ro", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_EXTEND, 2, "270 bits: 6 padding bits" },
	{ "ro", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_EXTEND, 8, "300 bits: 37 bytes, wrong length" },
	{ "ro", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_TRUNCATE, 52, "255 bits: 7 padding bits" },
	{ "ro", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_TRUNCATE, 49, "240 bits: 30 bytes, wrong length" },
	{ "ro", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_TRUNCATE, 1, "version only, no key" },
	{ "ro", 0, "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  BAD_TRUNCATE, 0, "no data at all" },
	{ "ro", 0, "EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34",
	  BAD_NONE, 0, "key not on the curve" },
	{ "ro", 0, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC30",
	  BAD_NONE, 0, "key above the field size" },
	{ "ro", 0, "0000000000000000000000000000000000000000000000000000000000000000",
	  BAD_NONE, 0, "key zero" },
};

/* Strings that are not even bech32m addresses of the right shape. */
static const char *const address_bad_strings[] = {
	"",
	"ro1qlycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmus6nxug7",  /* checksum */
	"ro1qlycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmus00ksdc",  /* bech32 checksum */
	"ro1qlycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmuS6nxug6",  /* mixed case */
	"ro1qlycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmus6nxug6 ", /* trailing space */
	" ro1qlycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmus6nxug6", /* leading space */
	"ro1qlycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmus6nxug6ro1qlycg5qvjtrp3qjf5f7zl38",
	"ro",
};

void test_address_rejects(void)
{
	static const uint8_t zero[PUBKEY_LEN];
	size_t i;

	for (i = 0; i < UNIT_COUNT(address_bad); i++) {
		uint8_t key[PUBKEY_LEN], sym[80];
		char str[BECH32M_MAX_LEN + 1];
		struct pubkey pk;
		size_t n;

		test_crypto_unhex(key, sizeof(key), address_bad[i].key);
		n = test_key_symbols(sym, address_bad[i].version, key, sizeof(key));
		if (address_bad[i].bad == BAD_PAD_BITS)
			sym[n - 1] |= (uint8_t)address_bad[i].arg;
		else if (address_bad[i].bad == BAD_TRUNCATE)
			n = address_bad[i].arg;
		else if (address_bad[i].bad == BAD_EXTEND)
			for (size_t j = 0; j < address_bad[i].arg; j++)
				sym[n++] = 0;
		if (!CHECK(bech32m_encode(str, sizeof(str), address_bad[i].enc_hrp, sym, n)))
			continue;
		memset(pk.b, 0xaa, PUBKEY_LEN);
		if (!CHECK(!address_decode(&pk, "ro", str)))
			unit_note("address accepted (%s): %s", address_bad[i].why, str);
		CHECK(memcmp(pk.b, zero, PUBKEY_LEN) == 0);
		/* Without the curve check only the bad keys themselves pass
		 * (well-formed "ro" version-0 strings of 32 bytes). */
		bool key_only = address_bad[i].bad == BAD_NONE && address_bad[i].version == 0 &&
				strcmp(address_bad[i].enc_hrp, "ro") == 0;
		memset(pk.b, 0xaa, PUBKEY_LEN);
		if (!CHECK(address_decode_unchecked(&pk, "ro", str) == key_only))
			unit_note("unchecked decode wrong (%s): %s", address_bad[i].why, str);
		CHECK(memcmp(pk.b, key_only ? key : zero, PUBKEY_LEN) == 0);
	}
	for (i = 0; i < UNIT_COUNT(address_bad_strings); i++) {
		struct pubkey pk;

		memset(pk.b, 0xaa, PUBKEY_LEN);
		CHECK(!address_decode(&pk, "ro", address_bad_strings[i]));
		CHECK(memcmp(pk.b, zero, PUBKEY_LEN) == 0);
		memset(pk.b, 0xaa, PUBKEY_LEN);
		CHECK(!address_decode_unchecked(&pk, "ro", address_bad_strings[i]));
		CHECK(memcmp(pk.b, zero, PUBKEY_LEN) == 0);
	}
	/* The expected HRP is compared in lower case: "RO" matches nothing. */
	{
		struct pubkey pk;
		CHECK(!address_decode(&pk, "RO", address_vectors[0].addr));
	}
}

/* The encoder refuses a key that is not on the curve and an HRP that is
 * empty, upper case or too long for the 90-character limit. */
void test_address_encode_rejects(void)
{
	static const struct {
		const char *hrp;
		const char *key;
		bool ok;
	} cases[] = {
		{ "ro", "EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34", false },
		{ "ro", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC30", false },
		{ "", "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9", false },
		{ "RO", "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9", false },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 30: 90 characters */
		  "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9", true },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 31: 91 characters */
		  "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9", false },
	};
	size_t i;

	for (i = 0; i < UNIT_COUNT(cases); i++) {
		char out[ADDRESS_MAX_LEN];
		struct pubkey pk;

		test_crypto_unhex(pk.b, PUBKEY_LEN, cases[i].key);
		memset(out, 'x', sizeof(out));
		CHECK(address_encode(out, cases[i].hrp, &pk) == cases[i].ok);
		if (!cases[i].ok)
			CHECK(out[0] == '\0');
	}
}
