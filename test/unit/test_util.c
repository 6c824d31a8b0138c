/* Unit tests for src/util: buf and reader, hex, integer and amount parsing,
 * checked arithmetic, UTF-8 validation, clocks. (Logging and args have
 * their own files: test_util_log.c, test_util_args.c.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/buf.h"
#include "util/checked.h"
#include "util/clock.h"
#include "util/hex.h"
#include "util/parse.h"
#include "util/utf8.h"

/* ------------------------------------------------------------------ buf */

static void test_buf_growth(void)
{
	struct buf b = BUF_INIT;
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	for (int i = 0; i < 10000; i++)
		buf_put_u8(&b, (uint8_t)i);
	CHECK(buf_ok(&b));
	CHECK(b.len == 10000);
	CHECK(b.cap > b.len);
	CHECK(b.data[b.len] == 0);
	bool same = true;
	for (int i = 0; i < 10000; i++)
		same &= b.data[i] == (uint8_t)i;
	CHECK(same);
	buf_release(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
}

static void test_buf_limit_sticky(void)
{
	struct buf b = BUF_INIT;
	uint8_t block[100];
	memset(block, 0xab, sizeof(block));
	CHECK(buf_set_max(&b, 100));
	CHECK(buf_put(&b, block, 100));
	CHECK(!buf_put_u8(&b, 1));         /* one past the limit */
	CHECK(!buf_ok(&b));
	CHECK(b.len == 100);               /* contents unchanged */
	CHECK(!buf_put(&b, block, 0));     /* sticky: even an empty write */
	CHECK(!buf_puts(&b, ""));
	CHECK(!buf_set_max(&b, 99));       /* below the current length */
	buf_reset(&b);
	CHECK(buf_ok(&b) && b.len == 0 && b.data[0] == 0);
	CHECK(buf_put(&b, block, 60));
	CHECK(!buf_put(&b, block, 41));    /* would end at 101 */
	CHECK(b.len == 60);
	CHECK(!buf_printf(&b, "%s", "x")); /* sticky for printf too */
	buf_release(&b);

	/* An overflowing size is refused before any arithmetic wraps. */
	struct buf c = BUF_INIT;
	CHECK(buf_put_u8(&c, 1));
	CHECK(!buf_reserve(&c, SIZE_MAX));
	CHECK(!buf_ok(&c));
	buf_release(&c);
}

static void test_buf_printf_detach(void)
{
	struct buf b = BUF_INIT;
	CHECK(buf_printf(&b, "%d-%s", 42, "x"));
	CHECK(buf_puts(&b, "!"));
	CHECK(b.len == 5 && strcmp((char *)b.data, "42-x!") == 0);
	size_t len = 99;
	uint8_t *p = buf_detach(&b, &len);
	CHECK(p != NULL && len == 5 && memcmp(p, "42-x!", 6) == 0);
	CHECK(b.data == NULL && b.len == 0);
	free(p);
	p = buf_detach(&b, &len); /* empty: a fresh "" */
	CHECK(p != NULL && len == 0 && p[0] == 0);
	free(p);
}

static void test_buf_fixed_roundtrip(void)
{
	struct buf b = BUF_INIT;
	buf_put_u8(&b, 0x12);
	buf_put_u16le(&b, 0x3456);
	buf_put_u32le(&b, 0x789abcdeu);
	buf_put_u64le(&b, UINT64_C(0x0102030405060708));
	buf_put_bytes(&b, "abc", 3);
	CHECK(buf_ok(&b) && b.len == 1 + 2 + 4 + 8 + 1 + 3);
	static const uint8_t want[] = {
		0x12, 0x56, 0x34, 0xde, 0xbc, 0x9a, 0x78,
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 3, 'a', 'b', 'c',
	};
	CHECK(memcmp(b.data, want, sizeof(want)) == 0);

	struct reader r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const uint8_t *p;
	size_t n;
	reader_init(&r, b.data, b.len);
	CHECK(reader_get_u8(&r, &u8) && u8 == 0x12);
	CHECK(reader_get_u16le(&r, &u16) && u16 == 0x3456);
	CHECK(reader_get_u32le(&r, &u32) && u32 == 0x789abcdeu);
	CHECK(reader_get_u64le(&r, &u64) && u64 == UINT64_C(0x0102030405060708));
	CHECK(reader_get_bytes(&r, &p, &n, 3) && n == 3 && memcmp(p, "abc", 3) == 0);
	CHECK(reader_done(&r));
	buf_release(&b);
}

/* Short reads of every fixed width fail, zero the output, consume nothing
 * and stick. */
static void test_reader_truncation(void)
{
	static const uint8_t seven[7] = { 1, 2, 3, 4, 5, 6, 7 };
	struct reader r;
	uint64_t u64 = 99;
	uint32_t u32 = 99;
	uint16_t u16 = 99;
	uint8_t u8 = 99, out[8];

	reader_init(&r, seven, 7);
	CHECK(!reader_get_u64le(&r, &u64) && u64 == 0);
	CHECK(!reader_ok(&r) && reader_remaining(&r) == 7);
	CHECK(!reader_get_u8(&r, &u8) && u8 == 0); /* sticky */

	reader_init(&r, seven, 3);
	CHECK(!reader_get_u32le(&r, &u32) && u32 == 0);
	reader_init(&r, seven, 1);
	CHECK(!reader_get_u16le(&r, &u16) && u16 == 0);
	reader_init(&r, seven, 0);
	CHECK(!reader_get_u8(&r, &u8) && u8 == 0);
	memset(out, 0xff, sizeof(out));
	reader_init(&r, seven, 7);
	CHECK(!reader_get(&r, out, 8) && out[0] == 0 && out[7] == 0);

	reader_init(&r, NULL, 5); /* NULL with a length is an empty, failed reader */
	CHECK(!reader_ok(&r));
	reader_init(&r, NULL, 0);
	CHECK(reader_done(&r));
	reader_init(&r, seven, 7);
	CHECK(reader_get_u8(&r, &u8) && !reader_done(&r)); /* trailing bytes */
	CHECK(!reader_fail(&r) && !reader_ok(&r));
}

static const struct varint_case {
	uint64_t value;
	const char *hex;
} varint_cases[] = {
	{ 0, "00" },
	{ 1, "01" },
	{ 127, "7f" },
	{ 128, "8001" },
	{ 300, "ac02" },
	{ 16383, "ff7f" },
	{ 16384, "808001" },
	{ UINT64_C(0xffffffff), "ffffffff0f" },
	{ UINT64_C(1) << 56, "8080808080808080" "01" },
	{ (UINT64_C(1) << 63) - 1, "ffffffffffffffff7f" },
	{ UINT64_C(1) << 63, "80808080808080808001" },
	{ UINT64_MAX, "ffffffffffffffffff01" },
};

static void test_varint_roundtrip(void)
{
	for (size_t i = 0; i < UNIT_COUNT(varint_cases); i++) {
		const struct varint_case *c = &varint_cases[i];
		uint8_t want[16];
		size_t n = unit_unhex(want, sizeof(want), c->hex);
		struct buf b = BUF_INIT;
		CHECK(buf_put_varint(&b, c->value));
		CHECK(b.len == n && memcmp(b.data, want, n) == 0);
		struct reader r;
		uint64_t v = 0;
		reader_init(&r, want, n);
		CHECK(reader_get_varint(&r, &v) && v == c->value && reader_done(&r));
		/* Every proper prefix is truncated. */
		for (size_t k = 0; k < n; k++) {
			reader_init(&r, want, k);
			CHECK(!reader_get_varint(&r, &v) && v == 0 && reader_remaining(&r) == k);
		}
		buf_release(&b);
	}
	/* Many random values. */
	for (int i = 0; i < 1000; i++) {
		uint64_t x = unit_rand() >> (unit_rand() % 64), y;
		struct buf b = BUF_INIT;
		struct reader r;
		buf_put_varint(&b, x);
		reader_init(&r, b.data, b.len);
		if (!CHECK(reader_get_varint(&r, &y) && y == x && reader_done(&r)))
			break;
		buf_release(&b);
	}
}

static const char *const varint_rejects[] = {
	"",                        /* empty */
	"80",                      /* truncated after a continuation */
	"ff",
	"8080",
	"ffffffffffffffffff",      /* nine continuation bytes, no end */
	"8000",                    /* non-minimal: 0 in two bytes */
	"ff00",                    /* non-minimal: 127 in two bytes */
	"808000",                  /* non-minimal: 0 in three */
	"ffffffffffffffff8000",    /* non-minimal in ten bytes */
	"ffffffffffffffffff00",    /* tenth byte zero */
	"ffffffffffffffffff02",    /* 2^64: tenth byte above 1 */
	"ffffffffffffffffff7f",    /* far above 2^64 */
	"ffffffffffffffffff81",    /* tenth byte continues */
	"ffffffffffffffffff8101",  /* eleven bytes */
};

static void test_varint_rejects(void)
{
	for (size_t i = 0; i < UNIT_COUNT(varint_rejects); i++) {
		uint8_t in[16];
		size_t n = unit_unhex(in, sizeof(in), varint_rejects[i]);
		struct reader r;
		uint64_t v = 7;
		reader_init(&r, in, n);
		if (!CHECK(!reader_get_varint(&r, &v) && v == 0))
			unit_note("accepted %s", varint_rejects[i]);
		CHECK(!reader_ok(&r) && reader_remaining(&r) == n);
	}
}

static void test_reader_bytes(void)
{
	static const struct {
		const char *hex;
		size_t max;
		bool ok;
		size_t n;
	} cases[] = {
		{ "00", 0, true, 0 },
		{ "03616263", 3, true, 3 },
		{ "03616263", 2, false, 0 },     /* over max */
		{ "0461626364", 3, false, 0 },
		{ "03616263", SIZE_MAX, true, 3 },
		{ "046162", 10, false, 0 },      /* over the remaining bytes */
		{ "ffffffffffffffffff01", SIZE_MAX, false, 0 }, /* huge length */
		{ "8000", 10, false, 0 },        /* non-minimal length */
		{ "", 10, false, 0 },            /* no length */
	};
	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		uint8_t in[16];
		size_t n = unit_unhex(in, sizeof(in), cases[i].hex), got = 99;
		const uint8_t *p = in;
		struct reader r;
		reader_init(&r, in, n);
		bool ok = reader_get_bytes(&r, &p, &got, cases[i].max);
		CHECK(ok == cases[i].ok);
		CHECK(got == cases[i].n);
		CHECK(ok ? p == in + 1 : p == NULL);
		CHECK(ok ? reader_done(&r) : !reader_ok(&r));
	}
}

/* ------------------------------------------------------------------ hex */

static void test_hex_encode(void)
{
	static const uint8_t data[] = { 0x00, 0x01, 0xab, 0xcd, 0xef, 0xff };
	char out[HEX_LEN(6)];
	CHECK(hex_encode(out, sizeof(out), data, 6));
	CHECK(strcmp(out, "0001abcdefff") == 0);
	CHECK(hex_encode(out, 1, data, 0) && out[0] == 0);
	CHECK(!hex_encode(out, sizeof(out) - 1, data, 6) && out[0] == 0);
	CHECK(!hex_encode(out, 0, data, 6));
	CHECK(!hex_encode(out, 2, data, 1) && out[0] == 0);

	struct buf b = BUF_INIT;
	CHECK(buf_puts(&b, "0x") && hex_append(&b, data, 6));
	CHECK(strcmp((char *)b.data, "0x0001abcdefff") == 0);
	buf_set_max(&b, b.len + 3);
	CHECK(!hex_append(&b, data, 2) && !buf_ok(&b) && b.len == 14);
	buf_release(&b);
}

static const struct hex_case {
	const char *in;
	bool ok;
	const char *canon; /* lower-case re-encoding when ok */
} hex_cases[] = {
	{ "", true, "" },
	{ "00", true, "00" },
	{ "0123456789abcdef", true, "0123456789abcdef" },
	{ "ABCDEF", true, "abcdef" },
	{ "aBcD", true, "abcd" },
	{ "0", false, NULL },          /* odd length */
	{ "000", false, NULL },
	{ "0g", false, NULL },         /* not hex */
	{ "g0", false, NULL },
	{ "0x00", false, NULL },       /* no prefix */
	{ " 00", false, NULL },        /* no whitespace */
	{ "00 ", false, NULL },
	{ "00\n", false, NULL },
	{ "+0", false, NULL },
	{ "-0", false, NULL },
	{ "\xc3\xa9", false, NULL },   /* non-ASCII */
	{ "0102030405060708090a0b0c0d0e0f1011", false, NULL }, /* 17 > cap 16 */
};

static void test_hex_decode(void)
{
	for (size_t i = 0; i < UNIT_COUNT(hex_cases); i++) {
		const struct hex_case *c = &hex_cases[i];
		uint8_t out[16];
		size_t n = 99;
		memset(out, 0xee, sizeof(out));
		bool ok = hex_decode(out, sizeof(out), &n, c->in);
		if (!CHECK(ok == c->ok))
			unit_note("hex case %zu: \"%s\"", i, c->in);
		if (ok) {
			char back[HEX_LEN(16)];
			CHECK(hex_encode(back, sizeof(back), out, n));
			CHECK(strcmp(back, c->canon) == 0);
		} else {
			uint8_t zero[16] = { 0 };
			CHECK(n == 0 && memcmp(out, zero, sizeof(out)) == 0);
		}
	}
	/* A NUL inside a counted string is a bad character, not an end. */
	uint8_t out[4];
	size_t n;
	CHECK(hex_decode_mem(out, sizeof(out), &n, "ab\0\0", 4) == false && n == 0);
	CHECK(hex_decode_mem(out, sizeof(out), &n, "abcd", 4) && n == 2 && out[1] == 0xcd);
	CHECK(hex_decode_mem(out, sizeof(out), &n, "abcdzz", 4) && n == 2);
}

static void test_hex_exact(void)
{
	static const char h32[] =
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	uint8_t out[32];
	CHECK(hex_decode_exact(out, 32, h32) && out[0] == 0x00 && out[31] == 0xff);
	memset(out, 1, sizeof(out));
	CHECK(!hex_decode_exact(out, 31, h32) && out[0] == 0 && out[30] == 0); /* too long */
	memset(out, 1, sizeof(out));
	CHECK(!hex_decode_exact(out, 32, h32 + 2) && out[0] == 0);              /* too short */
	CHECK(!hex_decode_exact(out, 32, ""));
	CHECK(hex_decode_exact(out, 0, ""));
	CHECK(!hex_decode_exact(out, 0, "00"));
	char bad[65];
	memcpy(bad, h32, sizeof(bad));
	bad[40] = 'x';
	memset(out, 1, sizeof(out));
	CHECK(!hex_decode_exact(out, 32, bad) && out[0] == 0 && out[31] == 0);
}

/* ---------------------------------------------------------------- parse */

static const struct u64_case {
	const char *s;
	uint64_t min, max;
	bool ok;
	uint64_t v;
} u64_cases[] = {
	{ "0", 0, UINT64_MAX, true, 0 },
	{ "1", 0, UINT64_MAX, true, 1 },
	{ "18446744073709551615", 0, UINT64_MAX, true, UINT64_MAX },
	{ "18446744073709551616", 0, UINT64_MAX, false, 0 },   /* 2^64 */
	{ "18446744073709551620", 0, UINT64_MAX, false, 0 },
	{ "99999999999999999999", 0, UINT64_MAX, false, 0 },
	{ "184467440737095516150", 0, UINT64_MAX, false, 0 },
	{ "65535", 1, 65535, true, 65535 },
	{ "65536", 1, 65535, false, 0 },                       /* above max */
	{ "0", 1, 65535, false, 0 },                           /* below min */
	{ "", 0, 10, false, 0 },                               /* empty */
	{ "-0", 0, 10, false, 0 },                             /* sign */
	{ "-1", 0, 10, false, 0 },
	{ "+1", 0, 10, false, 0 },
	{ " 1", 0, 10, false, 0 },                             /* whitespace */
	{ "1 ", 0, 10, false, 0 },
	{ "1\n", 0, 10, false, 0 },
	{ "01", 0, 10, false, 0 },                             /* leading zero */
	{ "00", 0, 10, false, 0 },
	{ "0x1", 0, 10, false, 0 },
	{ "1e1", 0, 100, false, 0 },
	{ "1.0", 0, 10, false, 0 },
	{ "a", 0, 10, false, 0 },
	{ "\xd9\xa1", 0, 10, false, 0 },                       /* Arabic-Indic one */
};

static void test_parse_u64(void)
{
	for (size_t i = 0; i < UNIT_COUNT(u64_cases); i++) {
		const struct u64_case *c = &u64_cases[i];
		uint64_t v = 12345;
		bool ok = parse_u64(&v, c->s, c->min, c->max);
		if (!CHECK(ok == c->ok && v == c->v))
			unit_note("u64 case %zu: \"%s\"", i, c->s);
	}
}

static const struct i64_case {
	const char *s;
	int64_t min, max;
	bool ok;
	int64_t v;
} i64_cases[] = {
	{ "0", INT64_MIN, INT64_MAX, true, 0 },
	{ "-1", INT64_MIN, INT64_MAX, true, -1 },
	{ "9223372036854775807", INT64_MIN, INT64_MAX, true, INT64_MAX },
	{ "9223372036854775808", INT64_MIN, INT64_MAX, false, 0 },
	{ "-9223372036854775808", INT64_MIN, INT64_MAX, true, INT64_MIN },
	{ "-9223372036854775809", INT64_MIN, INT64_MAX, false, 0 },
	{ "-18446744073709551616", INT64_MIN, INT64_MAX, false, 0 },
	{ "-10000", -10000, 10000, true, -10000 },
	{ "-10001", -10000, 10000, false, 0 },
	{ "10001", -10000, 10000, false, 0 },
	{ "-0", INT64_MIN, INT64_MAX, false, 0 },              /* not canonical */
	{ "--1", INT64_MIN, INT64_MAX, false, 0 },
	{ "-", INT64_MIN, INT64_MAX, false, 0 },
	{ "-01", INT64_MIN, INT64_MAX, false, 0 },
	{ "+5", INT64_MIN, INT64_MAX, false, 0 },
	{ "- 5", INT64_MIN, INT64_MAX, false, 0 },
	{ "", INT64_MIN, INT64_MAX, false, 0 },
	{ "5-", INT64_MIN, INT64_MAX, false, 0 },
};

static void test_parse_i64(void)
{
	for (size_t i = 0; i < UNIT_COUNT(i64_cases); i++) {
		const struct i64_case *c = &i64_cases[i];
		int64_t v = 12345;
		bool ok = parse_i64(&v, c->s, c->min, c->max);
		if (!CHECK(ok == c->ok && v == c->v))
			unit_note("i64 case %zu: \"%s\"", i, c->s);
	}
}

static void test_parse_small(void)
{
	uint32_t u = 9;
	int n = 9;
	CHECK(parse_u32(&u, "4294967295", 0, UINT32_MAX) && u == UINT32_MAX);
	CHECK(!parse_u32(&u, "4294967296", 0, UINT32_MAX) && u == 0);
	CHECK(!parse_u32(&u, "-1", 0, UINT32_MAX) && u == 0);
	CHECK(parse_u32(&u, "7", 7, 7) && u == 7);
	CHECK(parse_int(&n, "-2147483648", INT32_MIN, INT32_MAX) && n == INT32_MIN);
	CHECK(!parse_int(&n, "2147483648", INT32_MIN, INT32_MAX) && n == 0);
	CHECK(!parse_int(&n, "-2147483649", INT32_MIN, INT32_MAX) && n == 0);
	CHECK(parse_int(&n, "42", 0, 100) && n == 42);
	CHECK(!parse_int(&n, "101", 0, 100) && n == 0);
}

static const struct amount_case {
	const char *s;
	bool ok;
	uint64_t units;
} amount_cases[] = {
	{ "0", true, 0 },
	{ "1", true, 100000000 },
	{ "1.5", true, 150000000 },
	{ "1.50000000", true, 150000000 },
	{ "0.00000001", true, 1 },
	{ "0.1", true, 10000000 },
	{ "21000000", true, UINT64_C(2100000000000000) },
	{ "90071992.54740991", true, (UINT64_C(1) << 53) - 1 }, /* the maximum */
	{ "90071992.54740992", false, 0 },                      /* 2^53 */
	{ "90071993", false, 0 },
	{ "184467440737.09551616", false, 0 },                   /* 2^64 units */
	{ "99999999999999999999", false, 0 },                    /* overflows u64 */
	{ "0.000000001", false, 0 },                             /* 9 decimals */
	{ "1.000000000", false, 0 },
	{ "1.", false, 0 },
	{ ".5", false, 0 },
	{ ".", false, 0 },
	{ "", false, 0 },
	{ "-1", false, 0 },
	{ "-0", false, 0 },
	{ "+1", false, 0 },
	{ "01", false, 0 },
	{ "01.5", false, 0 },
	{ "00.5", false, 0 },
	{ "0.5", true, 50000000 },
	{ "1e8", false, 0 },
	{ "1.5 ", false, 0 },
	{ " 1.5", false, 0 },
	{ "1,5", false, 0 },
	{ "1.5.0", false, 0 },
	{ "1..5", false, 0 },
	{ "1.-5", false, 0 },
	{ "inf", false, 0 },
	{ "nan", false, 0 },
};

static void test_parse_amount(void)
{
	for (size_t i = 0; i < UNIT_COUNT(amount_cases); i++) {
		const struct amount_case *c = &amount_cases[i];
		uint64_t v = 777;
		bool ok = parse_amount(&v, c->s);
		if (!CHECK(ok == c->ok && v == c->units))
			unit_note("amount case %zu: \"%s\"", i, c->s);
	}
	char s[PARSE_AMOUNT_STRLEN];
	CHECK(parse_amount_format(s, sizeof(s), 150000000) && strcmp(s, "1.50000000") == 0);
	CHECK(parse_amount_format(s, sizeof(s), 1) && strcmp(s, "0.00000001") == 0);
	CHECK(parse_amount_format(s, sizeof(s), UINT64_MAX) &&
	      strcmp(s, "184467440737.09551615") == 0);
	CHECK(!parse_amount_format(s, 10, 150000000) && s[0] == 0);
	/* Round trips over random amounts. */
	for (int i = 0; i < 1000; i++) {
		uint64_t x = unit_rand() % (PARSE_AMOUNT_MAX + 1), y;
		parse_amount_format(s, sizeof(s), x);
		if (!CHECK(parse_amount(&y, s) && y == x))
			break;
	}
}

/* -------------------------------------------------------------- checked */

static void test_checked(void)
{
	static const struct {
		char op;
		uint64_t a, b;
		bool ok;
		uint64_t r;
	} u[] = {
		{ '+', 1, 2, true, 3 },
		{ '+', UINT64_MAX, 0, true, UINT64_MAX },
		{ '+', UINT64_MAX, 1, false, 0 },
		{ '+', UINT64_MAX, UINT64_MAX, false, 0 },
		{ '-', 5, 5, true, 0 },
		{ '-', 5, 6, false, 0 },
		{ '-', 0, UINT64_MAX, false, 0 },
		{ '*', UINT64_C(4294967296), UINT64_C(4294967295), true, UINT64_C(0xffffffff00000000) },
		{ '*', UINT64_C(4294967296), UINT64_C(4294967296), false, 0 },
		{ '*', UINT64_MAX, 1, true, UINT64_MAX },
		{ '*', UINT64_MAX, 0, true, 0 },
		{ '*', UINT64_MAX, 2, false, 0 },
	};
	for (size_t i = 0; i < UNIT_COUNT(u); i++) {
		uint64_t r = 9;
		bool ok = u[i].op == '+' ? checked_add_u64(&r, u[i].a, u[i].b)
		        : u[i].op == '-' ? checked_sub_u64(&r, u[i].a, u[i].b)
		                         : checked_mul_u64(&r, u[i].a, u[i].b);
		if (!CHECK(ok == u[i].ok && r == u[i].r))
			unit_note("u64 checked case %zu", i);
	}
	static const struct {
		char op;
		int64_t a, b;
		bool ok;
		int64_t r;
	} s[] = {
		{ '+', -1, 1, true, 0 },
		{ '+', INT64_MAX, 1, false, 0 },
		{ '+', INT64_MIN, -1, false, 0 },
		{ '+', INT64_MIN, INT64_MAX, true, -1 },
		{ '-', INT64_MIN, 1, false, 0 },
		{ '-', 0, INT64_MIN, false, 0 },
		{ '-', -1, INT64_MIN, true, INT64_MAX },
		{ '-', INT64_MAX, -1, false, 0 },
		{ '*', INT64_MIN, -1, false, 0 },
		{ '*', INT64_MIN, 1, true, INT64_MIN },
		{ '*', -3037000500, 3037000500, false, 0 },
		{ '*', -3037000499, 3037000499, true, INT64_C(-9223372030926249001) },
	};
	for (size_t i = 0; i < UNIT_COUNT(s); i++) {
		int64_t r = 9;
		bool ok = s[i].op == '+' ? checked_add_i64(&r, s[i].a, s[i].b)
		        : s[i].op == '-' ? checked_sub_i64(&r, s[i].a, s[i].b)
		                         : checked_mul_i64(&r, s[i].a, s[i].b);
		if (!CHECK(ok == s[i].ok && r == s[i].r))
			unit_note("i64 checked case %zu", i);
	}
	size_t z = 9;
	CHECK(checked_add_size(&z, SIZE_MAX - 1, 1) && z == SIZE_MAX);
	CHECK(!checked_add_size(&z, SIZE_MAX, 1) && z == 0);
	CHECK(checked_mul_size(&z, SIZE_MAX / 2, 2) && z == SIZE_MAX - 1);
	CHECK(!checked_mul_size(&z, SIZE_MAX / 2 + 1, 2) && z == 0);
}

/* ----------------------------------------------------------------- utf8 */

/* After Markus Kuhn's UTF-8 decoder stress test (UTF-8-test.txt): the
 * section numbers are his. */
static const struct utf8_case {
	const char *hex;
	bool ok;
	size_t count;
} utf8_cases[] = {
	{ "", true, 0 },
	{ "61", true, 1 },
	{ "cebae1bdb9cf83cebcceb5", true, 5 },       /* 1: "kosme" in Greek */
	{ "01", true, 1 },                           /* 2.1 first of each length */
	{ "c280", true, 1 },
	{ "e0a080", true, 1 },
	{ "f0908080", true, 1 },
	{ "7f", true, 1 },                           /* 2.2 last of each length */
	{ "dfbf", true, 1 },
	{ "efbfbf", true, 1 },
	{ "f48fbfbf", true, 1 },                     /* U+10FFFF */
	{ "ed9fbf", true, 1 },                       /* 2.3 U+D7FF */
	{ "ee8080", true, 1 },                       /* U+E000 */
	{ "efbfbd", true, 1 },                       /* U+FFFD */
	{ "efbfbe", true, 1 },                       /* 5.3 U+FFFE: a noncharacter, valid UTF-8 */
	{ "f7bfbfbf", false, 0 },                    /* 2.1 first 4-byte form above U+10FFFF */
	{ "f4908080", false, 0 },                    /* U+110000 */
	{ "f8888080 80", false, 0 },
	{ "f888808080", false, 0 },                  /* 5-byte form */
	{ "fc8480808080", false, 0 },                /* 6-byte form */
	{ "80", false, 0 },                          /* 3.1 lone continuations */
	{ "bf", false, 0 },
	{ "80bf", false, 0 },
	{ "80bf80bf80bf", false, 0 },
	{ "61 80", false, 0 },
	{ "6180", false, 0 },
	{ "c020", false, 0 },                        /* 3.2 lonely start bytes */
	{ "e020", false, 0 },
	{ "f020", false, 0 },
	{ "c2", false, 0 },                          /* 3.3 last byte missing */
	{ "e0a0", false, 0 },
	{ "f09080", false, 0 },
	{ "df", false, 0 },
	{ "efbf", false, 0 },
	{ "f48fbf", false, 0 },
	{ "c2e0a0f09080", false, 0 },                /* 3.4 concatenated */
	{ "fe", false, 0 },                          /* 3.5 impossible bytes */
	{ "ff", false, 0 },
	{ "fefeffff", false, 0 },
	{ "c0af", false, 0 },                        /* 4.1 overlong '/' */
	{ "e080af", false, 0 },
	{ "f08080af", false, 0 },
	{ "f8808080af", false, 0 },
	{ "c1bf", false, 0 },                        /* 4.2 maximal overlongs */
	{ "e09fbf", false, 0 },
	{ "f08fbfbf", false, 0 },
	{ "c080", false, 0 },                        /* 4.3 overlong NUL */
	{ "e08080", false, 0 },
	{ "f0808080", false, 0 },
	{ "eda080", false, 0 },                      /* 5.1 single surrogates */
	{ "edadbf", false, 0 },
	{ "edae80", false, 0 },
	{ "edafbf", false, 0 },
	{ "edb080", false, 0 },
	{ "edbe80", false, 0 },
	{ "edbfbf", false, 0 },
	{ "eda080edb080", false, 0 },                /* 5.2 paired surrogates */
	{ "edafbfedbfbf", false, 0 },
	{ "00", false, 0 },                          /* NUL: never valid here */
	{ "610062", false, 0 },
	{ "c280c3", false, 0 },                      /* truncated at the end */
	{ "e0a0c0", false, 0 },                      /* bad third byte */
	{ "f09080c0", false, 0 },                    /* bad fourth byte */
	{ "f090c080", false, 0 },
};

static void test_utf8(void)
{
	for (size_t i = 0; i < UNIT_COUNT(utf8_cases); i++) {
		const struct utf8_case *c = &utf8_cases[i];
		char hex[64];
		size_t k = 0;
		for (const char *p = c->hex; *p && k + 1 < sizeof(hex); p++)
			if (*p != ' ')
				hex[k++] = *p;
		hex[k] = 0;
		uint8_t s[32];
		size_t n = unit_unhex(s, sizeof(s), hex), count = 99;
		bool ok = utf8_valid(s, n);
		if (!CHECK(ok == c->ok))
			unit_note("utf8 case %zu: %s", i, c->hex);
		CHECK(utf8_count(&count, s, n) == c->ok && count == c->count);
	}
	CHECK(utf8_valid(NULL, 0));
	/* Every code point through a 4-byte encoder: valid exactly outside the
	 * surrogates and U+0000. */
	bool all = true;
	for (uint32_t cp = 0; cp <= 0x10ffff && all; cp++) {
		uint8_t s[4];
		size_t n;
		if (cp < 0x80) {
			s[0] = (uint8_t)cp;
			n = 1;
		} else if (cp < 0x800) {
			s[0] = (uint8_t)(0xc0 | cp >> 6);
			s[1] = (uint8_t)(0x80 | (cp & 0x3f));
			n = 2;
		} else if (cp < 0x10000) {
			s[0] = (uint8_t)(0xe0 | cp >> 12);
			s[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
			s[2] = (uint8_t)(0x80 | (cp & 0x3f));
			n = 3;
		} else {
			s[0] = (uint8_t)(0xf0 | cp >> 18);
			s[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
			s[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
			s[3] = (uint8_t)(0x80 | (cp & 0x3f));
			n = 4;
		}
		bool want = cp != 0 && (cp < 0xd800 || cp > 0xdfff);
		all = utf8_valid(s, n) == want;
		if (!all)
			unit_note("code point U+%04X", (unsigned)cp);
	}
	CHECK(all);
}

/* ---------------------------------------------------------------- clock */

static void test_clock_mock(void)
{
	struct clock c;
	clock_init(&c);
	CHECK(!clock_is_mocked(&c));
	int64_t now = clock_now_ms(&c);
	CHECK(now > INT64_C(1600000000000));           /* after 2020 */
	CHECK(clock_now_ms(NULL) >= now);
	clock_set_mock_ms(&c, 1234567);
	CHECK(clock_is_mocked(&c) && clock_now_ms(&c) == 1234567);
	CHECK(clock_now_ms(NULL) >= now);             /* NULL: never mocked */
	clock_set_mock_ms(&c, 0);
	CHECK(!clock_is_mocked(&c) && clock_now_ms(&c) >= now);

	uint64_t t0 = clock_mono_ns(), t1 = clock_mono_ns();
	CHECK(t0 > 0 && t1 >= t0);
}

static void test_clock_format(void)
{
	static const struct {
		int64_t ms;
		const char *iso; /* NULL: out of range */
	} cases[] = {
		{ 0, "1970-01-01T00:00:00.000Z" },
		{ 1, "1970-01-01T00:00:00.001Z" },
		{ -1, "1969-12-31T23:59:59.999Z" },
		{ 951782400000, "2000-02-29T00:00:00.000Z" },
		{ 1709210096789, "2024-02-29T12:34:56.789Z" },
		{ 253402300799999, "9999-12-31T23:59:59.999Z" },
		{ 253402300800000, NULL },
		{ INT64_C(-62167219200000), "0000-01-01T00:00:00.000Z" },
		{ INT64_C(-62167219200001), NULL },
		{ INT64_MAX, NULL },
		{ INT64_MIN, NULL },
	};
	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		char s[CLOCK_ISO8601_LEN];
		bool ok = clock_format_iso8601(s, sizeof(s), cases[i].ms);
		CHECK(ok == (cases[i].iso != NULL));
		CHECK(strcmp(s, ok ? cases[i].iso : "") == 0);
	}
	char small[CLOCK_ISO8601_LEN - 1];
	CHECK(!clock_format_iso8601(small, sizeof(small), 0) && small[0] == 0);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_buf_growth),
	UNIT_CASE(test_buf_limit_sticky),
	UNIT_CASE(test_buf_printf_detach),
	UNIT_CASE(test_buf_fixed_roundtrip),
	UNIT_CASE(test_reader_truncation),
	UNIT_CASE(test_varint_roundtrip),
	UNIT_CASE(test_varint_rejects),
	UNIT_CASE(test_reader_bytes),
	UNIT_CASE(test_hex_encode),
	UNIT_CASE(test_hex_decode),
	UNIT_CASE(test_hex_exact),
	UNIT_CASE(test_parse_u64),
	UNIT_CASE(test_parse_i64),
	UNIT_CASE(test_parse_small),
	UNIT_CASE(test_parse_amount),
	UNIT_CASE(test_checked),
	UNIT_CASE(test_utf8),
	UNIT_CASE(test_clock_mock),
	UNIT_CASE(test_clock_format),
};

int main(void)
{
	return unit_run(cases, UNIT_COUNT(cases));
}
