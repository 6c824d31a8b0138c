/* Addresses, the address book and the ban list (p2p/addr.h, addrman.h,
 * banlist.h): parsing and formatting, the book's rules, bounded size,
 * backoff and selection, and both files: round trips, every kind of
 * corruption (reported, the contents left as they were). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "crypto/sha256.h"
#include "p2p/addrman.h"
#include "p2p/banlist.h"
#include "unit.h"

#define MIN_MS ((int64_t)60 * 1000)
#define DAY_MS ((int64_t)24 * 3600 * 1000)
#define NOW ((int64_t)1700000000000)

static struct p2p_addr A(const char *s)
{
	struct p2p_addr a;
	if (!p2p_addr_parse(&a, s, 7370))
		abort();
	return a;
}

/* A pointer to the parsed address s, valid for the next 7 calls. */
static const struct p2p_addr *P(const char *s)
{
	static struct p2p_addr ring[8];
	static unsigned k;
	struct p2p_addr *a = &ring[k++ % 8];
	*a = A(s);
	return a;
}

/* -------------------------------------------------------------- addresses */

static void test_addr_parse(void)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: rejected */
	} rows[] = {
		{ "1.2.3.4", "1.2.3.4:7370" },
		{ "1.2.3.4:1", "1.2.3.4:1" },
		{ "255.255.255.255:65535", "255.255.255.255:65535" },
		{ "::1", "[::1]:7370" },
		{ "[::1]:80", "[::1]:80" },
		{ "[2001:db8::5]", "[2001:db8::5]:7370" },
		{ "2001:db8::5", "[2001:db8::5]:7370" },
		{ "::ffff:1.2.3.4", "1.2.3.4:7370" },
		{ "1.2.3.4:0", NULL },
		{ "1.2.3.4:65536", NULL },
		{ "1.2.3.4:", NULL },
		{ "1.2.3.4:07", NULL },
		{ "1.2.3", NULL },
		{ "1.2.3.256", NULL },
		{ "example.com", NULL },
		{ "", NULL },
		{ "[::1", NULL },
		{ "[::1]x", NULL },
		{ "[1.2.3.4]:5", "1.2.3.4:5" },
		{ " 1.2.3.4", NULL },
		{ "1.2.3.4:5 ", NULL },
		{ "[]:5", NULL },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct p2p_addr a;
		char s[P2P_ADDR_STRLEN];
		bool ok = p2p_addr_parse(&a, rows[i].in, 7370);
		if (!CHECK(ok == (rows[i].out != NULL)))
			unit_note("row %s", rows[i].in);
		if (ok) {
			CHECK(p2p_addr_format(s, sizeof(s), &a) && strcmp(s, rows[i].out) == 0);
		} else {
			static const struct p2p_addr zero;
			CHECK(memcmp(&a, &zero, sizeof(a)) == 0);
		}
	}
	struct p2p_addr a = A("[2001:db8:1:2:3:4:5:6]:65535");
	char small[8];
	CHECK(!p2p_addr_format(small, sizeof(small), &a) && small[0] == '\0');
	CHECK(!p2p_addr_parse(&a, NULL, 1));
	CHECK(p2p_addr_format_ip(small, sizeof(small), &(struct p2p_addr){ .ip = { [10] = 0xff, [11] = 0xff, 1, 2, 3, 4 } }) &&
	      strcmp(small, "1.2.3.4") == 0);
}

static void test_addr_kinds(void)
{
	static const struct {
		const char *in;
		bool v4, loopback, routable;
	} rows[] = {
		{ "8.8.8.8:1", true, false, true },
		{ "127.0.0.1:1", true, true, false },
		{ "10.1.2.3:1", true, false, false },
		{ "172.16.0.1:1", true, false, false },
		{ "172.32.0.1:1", true, false, true },
		{ "192.168.1.1:1", true, false, false },
		{ "169.254.1.1:1", true, false, false },
		{ "100.64.0.1:1", true, false, false },
		{ "0.0.0.0:1", true, false, false },
		{ "224.0.0.1:1", true, false, false },
		{ "198.51.100.7:1", true, false, false },
		{ "[::1]:1", false, true, false },
		{ "[::]:1", false, false, false },
		{ "[fe80::1]:1", false, false, false },
		{ "[fd00::1]:1", false, false, false },
		{ "[ff02::1]:1", false, false, false },
		{ "[2001:db8::1]:1", false, false, false },
		{ "[2a01:4f8::1]:1", false, false, true },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct p2p_addr a = A(rows[i].in);
		if (!CHECK(p2p_addr_is_ipv4(&a) == rows[i].v4 &&
			   p2p_addr_is_loopback(&a) == rows[i].loopback &&
			   p2p_addr_routable(&a) == rows[i].routable))
			unit_note("row %s", rows[i].in);
	}
	struct p2p_addr z = A("8.8.8.8:1");
	z.port = 0;
	CHECK(!p2p_addr_routable(&z));
	CHECK(p2p_addr_netgroup(P("8.8.1.1:1")) ==
	      p2p_addr_netgroup(P("8.8.200.9:2")));
	CHECK(p2p_addr_netgroup(P("8.8.1.1:1")) !=
	      p2p_addr_netgroup(P("8.9.1.1:1")));
	CHECK(p2p_addr_netgroup(P("[2a01:4f8::1]:1")) ==
	      p2p_addr_netgroup(P("[2a01:4f8:ffff::1]:1")));
	struct p2p_addr b = A("1.2.3.4:5"), c = A("1.2.3.4:6");
	CHECK(p2p_addr_same_ip(&b, &c) && !p2p_addr_eq(&b, &c));
}

static void test_addr_sockaddr(void)
{
	static const char *const rows[] = { "1.2.3.4:5", "[2001:db8::7]:65535", "127.0.0.1:27370" };
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sockaddr_storage ss;
		struct p2p_addr a = A(rows[i]), b;
		socklen_t len = p2p_addr_to_sockaddr(&ss, &a);
		CHECK(p2p_addr_from_sockaddr(&b, (struct sockaddr *)&ss, len) && p2p_addr_eq(&a, &b));
		CHECK(!p2p_addr_from_sockaddr(&b, (struct sockaddr *)&ss, 4));
	}
	struct sockaddr_storage ss;
	struct p2p_addr b;
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	CHECK(!p2p_addr_from_sockaddr(&b, (struct sockaddr *)&ss, sizeof(ss)));
}

static void test_subnets(void)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{ "1.2.3.4", "1.2.3.4/32" },
		{ "1.2.3.4/24", "1.2.3.0/24" },
		{ "1.2.3.4/0", "0.0.0.0/0" },
		{ "10.0.0.0/8", "10.0.0.0/8" },
		{ "::1", "::1/128" },
		{ "2001:db8::ff/32", "2001:db8::/32" },
		{ "2001:db8::/127", "2001:db8::/127" },
		{ "1.2.3.4/33", NULL },
		{ "::/129", NULL },
		{ "1.2.3.4/", NULL },
		{ "1.2.3.4/-1", NULL },
		{ "/8", NULL },
		{ "x/8", NULL },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct p2p_subnet n;
		char s[P2P_ADDR_STRLEN];
		bool ok = p2p_subnet_parse(&n, rows[i].in);
		if (!CHECK(ok == (rows[i].out != NULL)))
			unit_note("row %s", rows[i].in);
		if (ok)
			CHECK(p2p_subnet_valid(&n) && p2p_subnet_format(s, sizeof(s), &n) &&
			      strcmp(s, rows[i].out) == 0);
	}
	struct p2p_subnet n, one;
	CHECK(p2p_subnet_parse(&n, "1.2.3.0/24"));
	CHECK(p2p_subnet_contains(&n, P("1.2.3.77:9")));
	CHECK(!p2p_subnet_contains(&n, P("1.2.4.77:9")));
	p2p_subnet_of_addr(&one, P("1.2.3.77:9"));
	CHECK(p2p_subnet_contains(&one, P("1.2.3.77:1")));
	CHECK(!p2p_subnet_contains(&one, P("1.2.3.78:1")));
	CHECK(!p2p_subnet_eq(&n, &one));
	n.ip[15] = 1; /* a host bit */
	CHECK(!p2p_subnet_valid(&n));
	n.ip[15] = 0;
	n.bits = 129;
	CHECK(!p2p_subnet_valid(&n));
	CHECK(!p2p_subnet_parse(&n, NULL));
}

/* ------------------------------------------------------------ the book */

static struct p2p_addrman *book(size_t max, bool local)
{
	struct p2p_addrman_options o;
	p2p_addrman_options_default(&o);
	o.max_entries = max;
	o.accept_local = local;
	o.seed = 12345;
	return p2p_addrman_create(&o);
}

static struct p2p_addr_entry E(const char *s, int64_t t)
{
	struct p2p_addr_entry e = { A(s), 1, (uint64_t)t };
	return e;
}

static void test_addrman_options(void)
{
	struct p2p_addrman_options o;
	struct p2p_addrman *am;
	p2p_addrman_options_default(&o);
	CHECK(o.max_entries == 4096 && !o.accept_local);
	am = p2p_addrman_create(&o);
	CHECK(am != NULL && p2p_addrman_count(am) == 0);
	p2p_addrman_destroy(am);
	p2p_addrman_destroy(NULL);
	o.max_entries = 0;
	CHECK(p2p_addrman_create(&o) == NULL);
	o.max_entries = P2P_ADDRMAN_MAX_ENTRIES + 1;
	CHECK(p2p_addrman_create(&o) == NULL);
	p2p_addrman_options_default(&o);
	o.retry_base_ms = 0;
	CHECK(p2p_addrman_create(&o) == NULL);
	p2p_addrman_options_default(&o);
	o.retry_max_ms = o.retry_base_ms - 1;
	CHECK(p2p_addrman_create(&o) == NULL);
}

static void test_addrman_learn(void)
{
	struct p2p_addrman *am = book(16, false);
	struct p2p_addrman_entry got;
	struct p2p_addr_entry e;

	e = E("8.8.8.8:7370", NOW - DAY_MS);
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_ADDED);
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_KNOWN);
	e.time_ms = (uint64_t)(NOW - 2 * DAY_MS);
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_KNOWN);
	e.time_ms = (uint64_t)(NOW - MIN_MS);
	e.services = 4;
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_UPDATED);
	CHECK(p2p_addrman_find(am, &got, &e.addr) && got.last_seen_ms == NOW - MIN_MS &&
	      got.services == 5 && got.attempts == 0 && got.last_try_ms == 0);
	/* Same IP, another port: another address. */
	e = E("8.8.8.8:7371", NOW);
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_ADDED);
	/* Not kept: unroutable, port 0, loopback without accept_local. */
	static const char *const no[] = { "127.0.0.1:1", "10.0.0.1:1", "[::1]:5", "192.168.0.1:9" };
	for (size_t i = 0; i < 4; i++) {
		e = E(no[i], NOW);
		CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_IGNORED);
	}
	e = E("8.8.4.4:1", NOW);
	e.addr.port = 0;
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_IGNORED);
	/* A time from the future or of 0 counts as five days ago. */
	e = E("9.9.9.9:1", NOW + 11 * MIN_MS);
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_ADDED);
	CHECK(p2p_addrman_find(am, &got, &e.addr) && got.last_seen_ms == NOW - 5 * DAY_MS);
	e = E("9.9.9.10:1", 0);
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_ADDED);
	CHECK(p2p_addrman_find(am, &got, &e.addr) && got.last_seen_ms == NOW - 5 * DAY_MS);
	e = E("9.9.9.11:1", NOW + 9 * MIN_MS);
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_ADDED);
	CHECK(p2p_addrman_find(am, &got, &e.addr) && got.last_seen_ms == NOW + 9 * MIN_MS);
	e.time_ms = UINT64_MAX;
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_KNOWN);
	CHECK(p2p_addrman_count(am) == 5);
	CHECK(!p2p_addrman_find(am, &got, P("1.1.1.1:1")) &&
	      got.last_seen_ms == 0);
	p2p_addrman_destroy(am);

	/* accept_local keeps loopback and private, never the unspecified. */
	am = book(16, true);
	static const char *const yes[] = { "127.0.0.1:1", "10.0.0.1:1", "[::1]:5" };
	for (size_t i = 0; i < 3; i++) {
		e = E(yes[i], NOW);
		CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_ADDED);
	}
	e = E("0.0.0.0:1", NOW);
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_IGNORED);
	e = E("[::]:1", NOW);
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_IGNORED);
	struct p2p_addr_entry two[2] = { E("127.0.0.1:1", NOW + 1), E("127.0.0.2:1", NOW) };
	CHECK(p2p_addrman_add(am, two, 2, NOW) == 2);
	CHECK(p2p_addrman_add(am, two, 2, NOW) == 0);
	p2p_addrman_destroy(am);
}

/* Random adds and removes against a plain array, checking every lookup:
 * the table's deletion keeps every other entry findable. */
static void test_addrman_table(void)
{
	enum { MAX = 64, SPACE = 200 };
	struct p2p_addrman *am = book(MAX, true);
	bool in[SPACE] = { false };
	size_t n = 0;
	for (int round = 0; round < 20000; round++) {
		size_t k = (size_t)(unit_rand() % SPACE);
		struct p2p_addr_entry e;
		char s[32];
		snprintf(s, sizeof(s), "10.0.%u.%u:%u", (unsigned)(k / 250), (unsigned)(k % 250 + 1),
			 (unsigned)(1 + k % 3));
		e = E(s, NOW);
		if (unit_rand() % 2 && n < MAX) {
			enum p2p_addrman_result r = p2p_addrman_add_one(am, &e, NOW);
			CHECK(r == (in[k] ? P2P_ADDRMAN_KNOWN : P2P_ADDRMAN_ADDED));
			n += !in[k];
			in[k] = true;
		} else {
			CHECK(p2p_addrman_remove(am, &e.addr) == in[k]);
			n -= in[k];
			in[k] = false;
		}
		if (round % 500 == 0) {
			for (size_t j = 0; j < SPACE; j++) {
				struct p2p_addrman_entry got;
				snprintf(s, sizeof(s), "10.0.%u.%u:%u", (unsigned)(j / 250),
					 (unsigned)(j % 250 + 1), (unsigned)(1 + j % 3));
				if (!CHECK(p2p_addrman_find(am, &got, P(s)) == in[j]))
					break;
			}
		}
	}
	CHECK(p2p_addrman_count(am) == n);
	p2p_addrman_destroy(am);
}

/* A full book stays at its size and drops old or terrible entries first. */
static void test_addrman_bounded(void)
{
	struct p2p_addrman *am = book(32, false);
	struct p2p_addr_entry e;
	char s[32];
	/* 31 fresh entries and one seen 29 days ago. */
	for (int i = 0; i < 31; i++) {
		snprintf(s, sizeof(s), "8.8.%d.1:1", i);
		e = E(s, NOW - MIN_MS);
		p2p_addrman_add_one(am, &e, NOW);
	}
	e = E("9.9.9.9:1", NOW - 29 * DAY_MS);
	CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_ADDED);
	CHECK(p2p_addrman_count(am) == 32);
	for (int i = 0; i < 1000; i++) {
		snprintf(s, sizeof(s), "7.%d.%d.1:2", i / 200, i % 200);
		e = E(s, NOW);
		CHECK(p2p_addrman_add_one(am, &e, NOW) == P2P_ADDRMAN_ADDED);
		CHECK(p2p_addrman_count(am) == 32);
	}
	struct p2p_addrman_entry got;
	CHECK(!p2p_addrman_find(am, &got, P("9.9.9.9:1")));
	p2p_addrman_destroy(am);
}

static void test_addrman_terrible(void)
{
	static const struct {
		int64_t seen, tried, success;
		uint32_t attempts;
		bool terrible;
	} rows[] = {
		{ NOW - DAY_MS, 0, 0, 0, false },
		{ NOW - 31 * DAY_MS, 0, 0, 0, true },
		{ NOW - 29 * DAY_MS, 0, 0, 0, false },
		{ NOW + 11 * MIN_MS, 0, 0, 0, true },
		{ NOW + 9 * MIN_MS, 0, 0, 0, false },
		{ 0, 0, 0, 0, true },
		{ NOW - DAY_MS, NOW - 2 * MIN_MS, 0, 3, true },
		{ NOW - DAY_MS, NOW - 2 * MIN_MS, 0, 2, false },
		{ NOW - DAY_MS, NOW - 30 * 1000, 0, 3, false }, /* just tried */
		{ NOW - 31 * DAY_MS, NOW - 30 * 1000, 0, 9, false },
		{ NOW - DAY_MS, NOW - 2 * MIN_MS, NOW - 8 * DAY_MS, 10, true },
		{ NOW - DAY_MS, NOW - 2 * MIN_MS, NOW - 6 * DAY_MS, 10, false },
		{ NOW - DAY_MS, NOW - 2 * MIN_MS, NOW - 8 * DAY_MS, 9, false },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct p2p_addrman_entry e = { A("8.8.8.8:1"), 1, rows[i].seen, rows[i].tried,
					       rows[i].success, rows[i].attempts };
		if (!CHECK(p2p_addrman_terrible(&e, NOW) == rows[i].terrible))
			unit_note("row %zu", i);
	}
}

static bool skip_all_but(void *ctx, const struct p2p_addr *a)
{
	return !p2p_addr_eq(ctx, a);
}

static void test_addrman_select(void)
{
	struct p2p_addrman *am = book(64, false);
	struct p2p_addr_entry e = E("8.8.8.8:1", NOW);
	struct p2p_addr got, a = e.addr;
	struct p2p_addrman_entry ent;

	CHECK(!p2p_addrman_select(am, &got, NOW, NULL, NULL));
	CHECK(!p2p_addrman_attempt(am, &a, NOW));
	p2p_addrman_add_one(am, &e, NOW);
	CHECK(p2p_addrman_select(am, &got, NOW, NULL, NULL) && p2p_addr_eq(&got, &a));
	/* Backoff: 1 min after the first failure, then 2, 4, ..., at most 60.
	 * A success first, so that the failures alone never make it terrible. */
	CHECK(p2p_addrman_good(am, &a, 1, NOW));
	int64_t t = NOW;
	static const int64_t waits[] = { 1, 2, 4, 8, 16, 32, 60, 60, 60 };
	for (size_t k = 0; k < sizeof(waits) / sizeof(waits[0]); k++) {
		CHECK(p2p_addrman_attempt(am, &a, t));
		CHECK(p2p_addrman_find(am, &ent, &a) && ent.attempts == k + 1);
		CHECK(p2p_addrman_next_try(am, &ent) == t + waits[k] * MIN_MS);
		CHECK(!p2p_addrman_select(am, &got, t + waits[k] * MIN_MS - 1, NULL, NULL));
		t += waits[k] * MIN_MS;
		CHECK(p2p_addrman_select(am, &got, t, NULL, NULL) && p2p_addr_eq(&got, &a));
	}
	/* A success clears the failures. */
	CHECK(p2p_addrman_good(am, &a, 9, t));
	CHECK(p2p_addrman_find(am, &ent, &a) && ent.attempts == 0 && ent.services == 9 &&
	      ent.last_success_ms == t && ent.last_seen_ms == t);
	CHECK(p2p_addrman_next_try(am, &ent) == 0);
	/* good adds a missing acceptable address, refuses an unacceptable one. */
	CHECK(p2p_addrman_good(am, P("8.8.4.4:3"), 1, t));
	CHECK(!p2p_addrman_good(am, P("127.0.0.1:3"), 1, t));
	CHECK(p2p_addrman_count(am) == 2);

	/* skip: only the one not skipped is chosen; all skipped: none. */
	for (int i = 0; i < 30; i++) {
		char s[32];
		snprintf(s, sizeof(s), "5.5.5.%d:1", i + 1);
		e = E(s, t);
		p2p_addrman_add_one(am, &e, t);
	}
	struct p2p_addr want = A("5.5.5.17:1");
	for (int i = 0; i < 20; i++)
		CHECK(p2p_addrman_select(am, &got, t, skip_all_but, &want) && p2p_addr_eq(&got, &want));
	struct p2p_addr nobody = A("6.6.6.6:1");
	CHECK(!p2p_addrman_select(am, &got, t, skip_all_but, &nobody));
	/* Every entry gets chosen sometimes. */
	size_t hits[32] = { 0 };
	for (int i = 0; i < 3000; i++) {
		CHECK(p2p_addrman_select(am, &got, t, NULL, NULL));
		if (got.ip[12] == 5)
			hits[got.ip[15] - 1]++;
	}
	for (int i = 0; i < 30; i++)
		CHECK(hits[i] > 0);
	p2p_addrman_destroy(am);
}

static void test_addrman_sample(void)
{
	struct p2p_addrman *am = book(128, false);
	struct p2p_addr_entry out[200];
	for (int i = 0; i < 100; i++) {
		char s[32];
		snprintf(s, sizeof(s), "5.5.%d.1:1", i);
		struct p2p_addr_entry e = E(s, i < 10 ? NOW - 40 * DAY_MS : NOW - i);
		p2p_addrman_add_one(am, &e, NOW);
	}
	CHECK(p2p_addrman_sample(am, out, 0, NOW) == 0);
	size_t n = p2p_addrman_sample(am, out, 200, NOW);
	CHECK(n == 90);
	for (size_t i = 0; i < n; i++) {
		CHECK(out[i].addr.ip[14] >= 10); /* never a terrible one */
		for (size_t j = 0; j < i; j++)
			CHECK(!p2p_addr_eq(&out[i].addr, &out[j].addr));
	}
	n = p2p_addrman_sample(am, out, 7, NOW);
	CHECK(n == 7);
	struct p2p_addrman_entry all[128];
	CHECK(p2p_addrman_list(am, all, 128) == 100);
	CHECK(p2p_addrman_list(am, all, 3) == 100);
	p2p_addrman_destroy(am);
}

/* ---------------------------------------------------------------- files */

static char tmpdir[64];

static void path_in_tmp(char *out, size_t cap, const char *name)
{
	if (tmpdir[0] == '\0') {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/rostra-p2p-XXXXXX");
		if (mkdtemp(tmpdir) == NULL)
			abort();
	}
	snprintf(out, cap, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n)
		abort();
	fclose(f);
}

/* Redo the checksum of a file image after a change to its body. */
static void reseal(struct buf *b)
{
	b->len -= 32;
	p2p_file_end(b);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct p2p_addrman_entry *x = a, *y = b;
	int c = memcmp(x->addr.ip, y->addr.ip, P2P_IP_LEN);
	return c != 0 ? c : (int)x->addr.port - (int)y->addr.port;
}

static bool entry_eq(const struct p2p_addrman_entry *x, const struct p2p_addrman_entry *y)
{
	return p2p_addr_eq(&x->addr, &y->addr) && x->services == y->services &&
	       x->last_seen_ms == y->last_seen_ms && x->last_try_ms == y->last_try_ms &&
	       x->last_success_ms == y->last_success_ms && x->attempts == y->attempts;
}

static bool ban_eq(const struct p2p_ban *x, const struct p2p_ban *y)
{
	return p2p_subnet_eq(&x->subnet, &y->subnet) && x->created_ms == y->created_ms &&
	       x->until_ms == y->until_ms;
}

static void test_addrman_file_roundtrip(void)
{
	char path[128], err[256];
	struct p2p_addrman *am = book(64, true), *am2 = book(64, true);
	struct p2p_addrman_entry a[64], b[64];

	for (int i = 0; i < 40; i++) {
		char s[32];
		snprintf(s, sizeof(s), "10.1.%d.1:%d", i, 1000 + i);
		struct p2p_addr_entry e = E(s, NOW - i * MIN_MS);
		e.services = (uint64_t)i;
		p2p_addrman_add_one(am, &e, NOW);
		if (i % 3 == 0)
			p2p_addrman_attempt(am, &e.addr, NOW - i);
		if (i % 5 == 0)
			p2p_addrman_good(am, &e.addr, 7, NOW - 2 * i);
	}
	path_in_tmp(path, sizeof(path), "peers.dat");
	CHECK(p2p_addrman_load(am2, err, sizeof(err), path) == P2P_FILE_MISSING);
	CHECK(p2p_addrman_save(am, err, sizeof(err), path));
	CHECK(p2p_addrman_load(am2, err, sizeof(err), path) == P2P_FILE_OK);
	size_t na = p2p_addrman_list(am, a, 64), nb = p2p_addrman_list(am2, b, 64);
	CHECK(na == 40 && nb == 40);
	qsort(a, na, sizeof(a[0]), cmp_entry);
	qsort(b, nb, sizeof(b[0]), cmp_entry);
	for (size_t i = 0; i < 40; i++)
		CHECK(entry_eq(&a[i], &b[i]));
	CHECK(a[0].attempts == 0 && a[0].last_success_ms != 0);
	/* A smaller book keeps the first records of a larger file. */
	struct p2p_addrman *small = book(10, true);
	CHECK(p2p_addrman_load(small, err, sizeof(err), path) == P2P_FILE_OK &&
	      p2p_addrman_count(small) == 10);
	p2p_addrman_destroy(small);
	/* An empty book makes a valid empty file. */
	struct p2p_addrman *empty = book(4, false);
	CHECK(p2p_addrman_save(empty, err, sizeof(err), path));
	CHECK(p2p_addrman_load(am2, err, sizeof(err), path) == P2P_FILE_OK &&
	      p2p_addrman_count(am2) == 0);
	p2p_addrman_destroy(empty);
	/* Saving where no file can be written fails with a reason. */
	err[0] = '\0';
	CHECK(!p2p_addrman_save(am, err, sizeof(err), "/nonexistent-dir/peers.dat") &&
	      strlen(err) > 0);
	unlink(path);
	p2p_addrman_destroy(am);
	p2p_addrman_destroy(am2);
}

/* How a corrupt file is made from a valid one. */
enum corrupt {
	C_TRUNCATE,  /* cut to n bytes */
	C_FLIP,      /* flip a byte at n (checksum then fails) */
	C_PATCH,     /* set byte n to v and reseal */
	C_APPEND,    /* append a byte and reseal */
};

struct corrupt_case {
	const char *name;
	enum corrupt how;
	size_t at;
	uint8_t v;
};

/* peers.dat with 2 records: header 8, count 4 (offset 8), record 0 at 12
 * (ip 12..27, port 28, services 30, seen 38, try 46, success 54, attempts
 * 62), record 1 at 66. */
static const struct corrupt_case addrman_corrupt[] = {
	{ "empty", C_TRUNCATE, 0, 0 },
	{ "short", C_TRUNCATE, 39, 0 },
	{ "record cut", C_TRUNCATE, 100, 0 },
	{ "checksum", C_FLIP, 30, 0 },
	{ "checksum itself", C_FLIP, 66 + 54 + 3, 0 },
	{ "magic", C_PATCH, 0, 'X' },
	{ "version", C_PATCH, 4, 2 },
	{ "count high", C_PATCH, 8, 3 },
	{ "count low", C_PATCH, 8, 1 },
	{ "count huge", C_PATCH, 11, 0x80 },
	{ "extra byte", C_APPEND, 0, 0 },
	{ "time out of range", C_PATCH, 38 + 7, 0x80 },
	{ "try out of range", C_PATCH, 46 + 7, 0x80 },
	{ "success out of range", C_PATCH, 54 + 7, 0x80 },
	{ "repeated address", C_PATCH, 66 + 15, 1 }, /* record 1's ip = record 0's */
};

static void corrupt_image(struct buf *b, const struct corrupt_case *c)
{
	switch (c->how) {
	case C_TRUNCATE:
		b->len = c->at;
		break;
	case C_FLIP:
		b->data[c->at] ^= 0x40;
		break;
	case C_PATCH:
		b->data[c->at] = c->v;
		reseal(b);
		break;
	case C_APPEND:
		b->len -= 32;
		buf_put_u8(b, 0);
		p2p_file_end(b);
		break;
	}
}

static void test_addrman_file_corrupt(void)
{
	char path[128], err[256];
	struct p2p_addrman *src = book(8, true);
	struct buf img = BUF_INIT;
	/* Two records that differ only in the last IP byte and the port's. */
	struct p2p_addr_entry e0 = E("10.0.0.1:5", NOW), e1 = E("10.0.0.2:5", NOW);

	p2p_addrman_add_one(src, &e0, NOW);
	p2p_addrman_add_one(src, &e1, NOW);
	/* Put the records in a known order: re-create from a sorted list. */
	CHECK(p2p_addrman_encode(src, &img) && img.len == 12 + 2 * 54 + 32);
	if (img.data[12 + 15] != 1) { /* record 0 must be 10.0.0.1 */
		uint8_t t[54];
		memcpy(t, img.data + 12, 54);
		memmove(img.data + 12, img.data + 66, 54);
		memcpy(img.data + 66, t, 54);
		reseal(&img);
	}
	path_in_tmp(path, sizeof(path), "peers-bad.dat");
	for (size_t i = 0; i < sizeof(addrman_corrupt) / sizeof(addrman_corrupt[0]); i++) {
		const struct corrupt_case *c = &addrman_corrupt[i];
		struct buf b = BUF_INIT;
		struct p2p_addrman *am = book(8, true);
		struct p2p_addr_entry keep = E("10.9.9.9:9", NOW);
		struct p2p_addrman_entry got;

		p2p_addrman_add_one(am, &keep, NOW);
		buf_put(&b, img.data, img.len);
		corrupt_image(&b, c);
		write_file(path, b.data, b.len);
		err[0] = '\0';
		if (!CHECK(p2p_addrman_load(am, err, sizeof(err), path) == P2P_FILE_CORRUPT))
			unit_note("case %s", c->name);
		CHECK(strlen(err) > 0);
		/* The book is as it was. */
		CHECK(p2p_addrman_count(am) == 1 && p2p_addrman_find(am, &got, &keep.addr));
		buf_release(&b);
		p2p_addrman_destroy(am);
	}
	/* The unchanged image loads. */
	{
		struct p2p_addrman *am = book(8, true);
		write_file(path, img.data, img.len);
		CHECK(p2p_addrman_load(am, err, sizeof(err), path) == P2P_FILE_OK &&
		      p2p_addrman_count(am) == 2);
		p2p_addrman_destroy(am);
	}
	/* A file too large for any book is refused before it is read; a
	 * directory in its place cannot be read. */
	{
		struct p2p_addrman *am = book(8, true);
		FILE *f = fopen(path, "wb");
		CHECK(f != NULL && fseek(f, 12 + 65537L * 54 + 32, SEEK_SET) == 0 && fputc(0, f) == 0);
		fclose(f);
		CHECK(p2p_addrman_load(am, err, sizeof(err), path) == P2P_FILE_CORRUPT);
		unlink(path);
		CHECK(mkdir(path, 0700) == 0);
		CHECK(p2p_addrman_load(am, err, sizeof(err), path) == P2P_FILE_ERROR);
		rmdir(path);
		p2p_addrman_destroy(am);
	}
	buf_release(&img);
	p2p_addrman_destroy(src);
}

/* --------------------------------------------------------------- bans */

static struct p2p_ban BAN(const char *net, int64_t created, int64_t until)
{
	struct p2p_ban b;
	if (!p2p_subnet_parse(&b.subnet, net))
		abort();
	b.created_ms = created;
	b.until_ms = until;
	return b;
}

static void test_banlist_rules(void)
{
	struct p2p_banlist *bl = p2p_banlist_create();
	struct p2p_ban b, list[4];
	struct p2p_addr in = A("1.2.3.4:5"), out = A("1.2.4.4:5");

	CHECK(!p2p_banlist_is_banned(bl, &in, NOW));
	b = BAN("1.2.3.0/24", NOW, NOW + DAY_MS);
	CHECK(p2p_banlist_add(bl, &b));
	CHECK(p2p_banlist_is_banned(bl, &in, NOW) && !p2p_banlist_is_banned(bl, &out, NOW));
	CHECK(p2p_banlist_is_banned(bl, &in, NOW + DAY_MS - 1) &&
	      !p2p_banlist_is_banned(bl, &in, NOW + DAY_MS));
	/* The same subnet again replaces the ban. */
	b.until_ms = NOW + 2 * DAY_MS;
	CHECK(p2p_banlist_add(bl, &b) && p2p_banlist_count(bl) == 1);
	CHECK(p2p_banlist_is_banned(bl, &in, NOW + DAY_MS));
	b = BAN("::1", NOW, NOW + MIN_MS);
	CHECK(p2p_banlist_add(bl, &b));
	CHECK(p2p_banlist_list(bl, list, 4) == 2 && list[0].subnet.bits == 120 &&
	      list[1].subnet.bits == 128);
	/* Refused: host bits set, bad length, until not after created. */
	b = BAN("9.9.9.0/24", NOW, NOW + 1);
	b.subnet.ip[15] = 1;
	CHECK(!p2p_banlist_add(bl, &b));
	b = BAN("9.9.9.0/24", NOW, NOW);
	CHECK(!p2p_banlist_add(bl, &b));
	b.subnet.bits = 200;
	b.until_ms = NOW + 1;
	CHECK(!p2p_banlist_add(bl, &b));
	b = BAN("9.9.9.0/24", -1, NOW);
	CHECK(!p2p_banlist_add(bl, &b));
	/* Sweep drops the expired one only. */
	CHECK(p2p_banlist_sweep(bl, NOW + 2 * MIN_MS) == 1 && p2p_banlist_count(bl) == 1);
	struct p2p_subnet n;
	CHECK(p2p_subnet_parse(&n, "1.2.3.0/25"));
	CHECK(!p2p_banlist_remove(bl, &n));
	CHECK(p2p_subnet_parse(&n, "1.2.3.0/24"));
	CHECK(p2p_banlist_remove(bl, &n) && p2p_banlist_count(bl) == 0);
	/* Full. */
	for (int i = 0; i < P2P_BANLIST_MAX; i++) {
		char s[32];
		snprintf(s, sizeof(s), "20.%d.%d.0/24", i / 256, i % 256);
		b = BAN(s, NOW, NOW + DAY_MS);
		if (!CHECK(p2p_banlist_add(bl, &b)))
			break;
	}
	b = BAN("30.0.0.0/8", NOW, NOW + DAY_MS);
	CHECK(!p2p_banlist_add(bl, &b));
	b = BAN("20.0.5.0/24", NOW, NOW + 3 * DAY_MS);
	CHECK(p2p_banlist_add(bl, &b)); /* a replacement still fits */
	p2p_banlist_clear(bl);
	CHECK(p2p_banlist_count(bl) == 0);
	p2p_banlist_destroy(bl);
	p2p_banlist_destroy(NULL);
}

static void test_discourage(void)
{
	struct p2p_banlist *bl = p2p_banlist_create();
	struct p2p_addr a = A("1.2.3.4:5"), same_ip = A("1.2.3.4:6"), other = A("1.2.3.5:5");

	p2p_banlist_discourage(bl, &a, NOW + DAY_MS);
	CHECK(p2p_banlist_is_discouraged(bl, &a, NOW) && p2p_banlist_is_discouraged(bl, &same_ip, NOW));
	CHECK(!p2p_banlist_is_discouraged(bl, &other, NOW));
	CHECK(!p2p_banlist_is_discouraged(bl, &a, NOW + DAY_MS));
	/* Extended, never shortened. */
	p2p_banlist_discourage(bl, &a, NOW + 2 * DAY_MS);
	p2p_banlist_discourage(bl, &a, NOW + MIN_MS);
	CHECK(p2p_banlist_is_discouraged(bl, &a, NOW + DAY_MS));
	CHECK(p2p_banlist_discouraged_count(bl, NOW) == 1);
	/* Bounded: the entry expiring first goes. */
	for (int i = 0; i < P2P_DISCOURAGE_MAX; i++) {
		char s[32];
		snprintf(s, sizeof(s), "7.%d.%d.1:1", i / 256, i % 256);
		struct p2p_addr x = A(s);
		p2p_banlist_discourage(bl, &x, NOW + 3 * DAY_MS + i);
	}
	CHECK(!p2p_banlist_is_discouraged(bl, &a, NOW));
	CHECK(p2p_banlist_discouraged_count(bl, NOW) == P2P_DISCOURAGE_MAX);
	struct p2p_addr first = A("7.0.0.1:1"), last = A("7.15.255.1:1");
	CHECK(p2p_banlist_is_discouraged(bl, &first, NOW) && p2p_banlist_is_discouraged(bl, &last, NOW));
	p2p_banlist_clear_discouraged(bl);
	CHECK(p2p_banlist_discouraged_count(bl, NOW) == 0 && !p2p_banlist_is_discouraged(bl, &last, NOW));
	/* A discouraged address is not banned, and the reverse. */
	p2p_banlist_discourage(bl, &a, NOW + DAY_MS);
	CHECK(!p2p_banlist_is_banned(bl, &a, NOW));
	p2p_banlist_destroy(bl);
}

static void test_banlist_files(void)
{
	char path[128], err[256];
	struct p2p_banlist *bl = p2p_banlist_create(), *bl2 = p2p_banlist_create();
	struct p2p_ban b, l1[8], l2[8];
	struct buf img = BUF_INIT;

	b = BAN("1.2.3.0/24", NOW, NOW + DAY_MS);
	p2p_banlist_add(bl, &b);
	b = BAN("2001:db8::/32", NOW, NOW + 2 * DAY_MS);
	p2p_banlist_add(bl, &b);
	b = BAN("5.5.5.5", NOW - DAY_MS, NOW + MIN_MS);
	p2p_banlist_add(bl, &b);
	/* Discouragement is not saved. */
	p2p_banlist_discourage(bl, P("9.9.9.9:1"), NOW + DAY_MS);
	path_in_tmp(path, sizeof(path), "banlist.dat");
	CHECK(p2p_banlist_load(bl2, err, sizeof(err), path, NOW) == P2P_FILE_MISSING);
	CHECK(p2p_banlist_save(bl, err, sizeof(err), path));
	CHECK(p2p_banlist_load(bl2, err, sizeof(err), path, NOW) == P2P_FILE_OK);
	CHECK(p2p_banlist_list(bl, l1, 8) == 3 && p2p_banlist_list(bl2, l2, 8) == 3);
	for (size_t i = 0; i < 3; i++)
		CHECK(ban_eq(&l1[i], &l2[i]));
	CHECK(p2p_banlist_discouraged_count(bl2, NOW) == 0);
	/* Loaded later, the expired ban is gone. */
	CHECK(p2p_banlist_load(bl2, err, sizeof(err), path, NOW + 2 * MIN_MS) == P2P_FILE_OK &&
	      p2p_banlist_count(bl2) == 2);

	/* Corruptions: header 8, count at 8, records of 33 bytes from 12 (ip
	 * 16, bits at 28, created 29, until 37). */
	static const struct corrupt_case bad[] = {
		{ "empty", C_TRUNCATE, 0, 0 },
		{ "cut", C_TRUNCATE, 60, 0 },
		{ "checksum", C_FLIP, 20, 0 },
		{ "magic", C_PATCH, 1, 'x' },
		{ "version", C_PATCH, 4, 0 },
		{ "count", C_PATCH, 8, 4 },
		{ "extra", C_APPEND, 0, 0 },
		{ "bits", C_PATCH, 28, 129 },
		{ "host bits", C_PATCH, 27, 9 },
		{ "until before created", C_PATCH, 37 + 5, 0 },
		{ "created out of range", C_PATCH, 29 + 7, 0x80 },
		{ "repeat", C_PATCH, 12 + 33 + 16, 120 }, /* see below */
	};
	CHECK(p2p_banlist_encode(bl, &img));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf x = BUF_INIT;
		struct p2p_banlist *t = p2p_banlist_create();
		b = BAN("8.8.8.8", NOW, NOW + DAY_MS);
		p2p_banlist_add(t, &b);
		buf_put(&x, img.data, img.len);
		if (strcmp(bad[i].name, "repeat") == 0) {
			/* record 1 becomes a copy of record 0 */
			memcpy(x.data + 12 + 33, x.data + 12, 33);
			reseal(&x);
		} else {
			corrupt_image(&x, &bad[i]);
		}
		write_file(path, x.data, x.len);
		err[0] = '\0';
		if (!CHECK(p2p_banlist_load(t, err, sizeof(err), path, NOW) == P2P_FILE_CORRUPT))
			unit_note("case %s", bad[i].name);
		CHECK(strlen(err) > 0 && p2p_banlist_count(t) == 1);
		buf_release(&x);
		p2p_banlist_destroy(t);
	}
	unlink(path);
	buf_release(&img);
	p2p_banlist_destroy(bl);
	p2p_banlist_destroy(bl2);
	CHECK(strcmp(p2p_file_status_name(P2P_FILE_CORRUPT), "corrupt") == 0 &&
	      strcmp(p2p_file_status_name((enum p2p_file_status)9), "?") == 0);
	rmdir(tmpdir);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_addr_parse),
	UNIT_CASE(test_addr_kinds),
	UNIT_CASE(test_addr_sockaddr),
	UNIT_CASE(test_subnets),
	UNIT_CASE(test_addrman_options),
	UNIT_CASE(test_addrman_learn),
	UNIT_CASE(test_addrman_table),
	UNIT_CASE(test_addrman_bounded),
	UNIT_CASE(test_addrman_terrible),
	UNIT_CASE(test_addrman_select),
	UNIT_CASE(test_addrman_sample),
	UNIT_CASE(test_addrman_file_roundtrip),
	UNIT_CASE(test_addrman_file_corrupt),
	UNIT_CASE(test_banlist_rules),
	UNIT_CASE(test_discourage),
	UNIT_CASE(test_banlist_files),
};

int main(void)
{
	int rc;
	if (!crypto_init())
		return 1;
	rc = unit_run(cases, UNIT_COUNT(cases));
	crypto_cleanup();
	return rc;
}
