/* Unit tests for rpc/ credentials and subnets: base64 (RFC 4648 vectors
 * and every rejection), -rpcuser/-rpcpassword, -rpcauth (Bitcoin Core's
 * vector and every malformed form), the Authorization header, the cookie
 * file, and -rpcallowip parsing and matching. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rpc/auth.h"
#include "rpc/netmask.h"
#include "rpc/server.h"
#include "test_rpc.h"
#include "util/buf.h"

/* ---------------------------------------------------------- base64 */

static void test_base64_vectors(void)
{
	static const struct { const char *plain, *b64; } v[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
		{ "user:pa ss", "dXNlcjpwYSBzcw==" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct buf e = BUF_INIT, d = BUF_INIT;
		CHECK(rpc_base64_encode(&e, v[i].plain, strlen(v[i].plain)));
		CHECK(e.len == strlen(v[i].b64) && (e.len == 0 || memcmp(e.data, v[i].b64, e.len) == 0));
		CHECK(rpc_base64_decode(&d, v[i].b64, strlen(v[i].b64)));
		CHECK(d.len == strlen(v[i].plain) && (d.len == 0 || memcmp(d.data, v[i].plain, d.len) == 0));
		buf_release(&e);
		buf_release(&d);
	}
	/* Bytes that are not text, all 256 values. */
	uint8_t all[256];
	struct buf e = BUF_INIT, d = BUF_INIT;
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	CHECK(rpc_base64_encode(&e, all, sizeof(all)));
	CHECK(rpc_base64_decode(&d, (const char *)e.data, e.len));
	CHECK(d.len == sizeof(all) && memcmp(d.data, all, sizeof(all)) == 0);
	buf_release(&e);
	buf_release(&d);
}

static void test_base64_rejects(void)
{
	static const char *const bad[] = {
		"Zg=", "Zg", "Z", "Zg=a", "Z===", "====", "Zm9v!A==", "Zm=v", "Zm9v Zm9v",
		"Zm9v\n", "=Zm9", "Zm9vYg=\x01", "Zm9vY===",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf d = BUF_INIT;
		buf_puts(&d, "keep");
		if (!CHECK(!rpc_base64_decode(&d, bad[i], strlen(bad[i]))))
			unit_note("accepted '%s'", bad[i]);
		CHECK(d.len == 4 && memcmp(d.data, "keep", 4) == 0);
		buf_release(&d);
	}
}

/* ------------------------------------------------------ credentials */

static char *basic(const char *userpass)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "Basic ");
	rpc_base64_encode(&b, userpass, strlen(userpass));
	return (char *)buf_detach(&b, NULL);
}

static bool header_ok(const struct rpc_auth *a, const char *userpass)
{
	char *h = basic(userpass);
	bool ok = rpc_auth_check_header(a, h);
	free(h);
	return ok;
}

static void test_password(void)
{
	struct rpc_auth *a = rpc_auth_create();
	char err[256] = "";
	if (!CHECK(a != NULL))
		return;
	CHECK(rpc_auth_add_password(a, err, sizeof(err), "alice", "s3cret:with:colons"));
	CHECK(rpc_auth_count(a) == 1);
	CHECK(rpc_auth_check(a, "alice", 5, "s3cret:with:colons", 18));
	CHECK(!rpc_auth_check(a, "alice", 5, "s3cret:with:colon", 17));
	CHECK(!rpc_auth_check(a, "alic", 4, "s3cret:with:colons", 18));
	CHECK(!rpc_auth_check(a, "Alice", 5, "s3cret:with:colons", 18));
	CHECK(!rpc_auth_check(a, "", 0, "", 0));
	/* The split is at the first ':' of the header, as in Basic auth. */
	CHECK(header_ok(a, "alice:s3cret:with:colons"));
	CHECK(!header_ok(a, "alice:s3cret"));
	CHECK(!header_ok(a, "alice"));
	CHECK(!header_ok(a, ":alice:s3cret:with:colons"));
	/* Rejected fields. */
	static const struct { const char *user, *pass, *err; } bad[] = {
		{ "", "x", "invalid -rpcuser" }, { "a:b", "x", "invalid -rpcuser" },
		{ "bob", "", "invalid -rpcpassword" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(!rpc_auth_add_password(a, err, sizeof(err), bad[i].user, bad[i].pass));
		CHECK(strncmp(err, bad[i].err, strlen(bad[i].err)) == 0);
	}
	char big[RPC_AUTH_MAX_FIELD + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(!rpc_auth_add_password(a, err, sizeof(err), big, "x"));
	CHECK(!rpc_auth_add_password(a, err, sizeof(err), "x", big));
	CHECK(rpc_auth_count(a) == 1);
	rpc_auth_destroy(a);
}

static void test_header_forms(void)
{
	struct rpc_auth *a = rpc_auth_create();
	char err[256];
	if (!CHECK(a != NULL))
		return;
	CHECK(rpc_auth_add_password(a, err, sizeof(err), "u", "p"));
	/* "u:p" is dTpw */
	static const struct { const char *h; bool ok; } v[] = {
		{ "Basic dTpw", true }, { "basic dTpw", true }, { "BASIC dTpw", true },
		{ "Basic  dTpw ", true }, { "Basic dTpx", false }, { "Bearer dTpw", false },
		{ "Basic", false }, { "Basic ", false }, { "", false }, { "dTpw", false },
		{ "Basic dTp", false }, { "Basic dTpw=", false }, { "Basic d Tpw", false },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (!CHECK(rpc_auth_check_header(a, v[i].h) == v[i].ok))
			unit_note("header '%s'", v[i].h);
	CHECK(!rpc_auth_check_header(a, NULL));
	/* An oversized header is refused before decoding. */
	struct buf big = BUF_INIT;
	buf_puts(&big, "Basic ");
	for (int i = 0; i < 1000; i++)
		buf_puts(&big, "dTpw");
	CHECK(!rpc_auth_check_header(a, (const char *)big.data));
	buf_release(&big);
	rpc_auth_destroy(a);
}

/* Bitcoin Core's test vector (test/functional/rpc_users.py). */
static const char rt_line[] =
	"rt:93648e835a54c573682c2eb19f882535$7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f31144";
static const char rt_password[] = "cA773lm788buwYe4g4WT+05pKyNruVKjQ25x3n0DQcM=";

static void test_rpcauth(void)
{
	struct rpc_auth *a = rpc_auth_create();
	char err[256];
	if (!CHECK(a != NULL))
		return;
	CHECK(rpc_auth_add_rpcauth(a, err, sizeof(err), rt_line));
	CHECK(rpc_auth_add_rpcauth(a, err, sizeof(err),
	      "rt2:f8607b1a88861fac29dfccf9b52ff9f$ff36a0c23c8c62b4846112e50fa888416e94c17bfd4c42f88fd8f55ec6a3137e"));
	CHECK(rpc_auth_count(a) == 2);
	CHECK(rpc_auth_check(a, "rt", 2, rt_password, strlen(rt_password)));
	CHECK(!rpc_auth_check(a, "rt", 2, rt_password, strlen(rt_password) - 1));
	CHECK(!rpc_auth_check(a, "rt2", 3, rt_password, strlen(rt_password)));
	CHECK(!rpc_auth_check(a, "r", 1, rt_password, strlen(rt_password)));
	char userpass[128];
	snprintf(userpass, sizeof(userpass), "rt:%s", rt_password);
	CHECK(header_ok(a, userpass));
	/* Upper-case hex is the same HMAC. */
	struct rpc_auth *b = rpc_auth_create();
	CHECK(rpc_auth_add_rpcauth(b, err, sizeof(err),
	      "rt:93648e835a54c573682c2eb19f882535$7681E9C5B74BDD85E78166031D2058E1069B3ED7ED967C93FC63ABBA06F31144"));
	CHECK(rpc_auth_check(b, "rt", 2, rt_password, strlen(rt_password)));
	rpc_auth_destroy(b);
	rpc_auth_destroy(a);
}

static void test_rpcauth_rejects(void)
{
	static const struct { const char *line, *why; } bad[] = {
		{ "", "not of the form" },
		{ "rt", "not of the form" },
		{ "rt:salt", "not of the form" },
		{ "rt$salt:hmac", "not of the form" },
		{ "rt:sa:lt$7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f31144", "not of the form" },
		{ "rt:salt$76$81", "not of the form" },
		{ "a:b:c$7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f31144", "not of the form" },
		{ ":salt$7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f31144", "the user" },
		{ "rt:$7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f31144", "the salt" },
		{ "rt:salt$", "the hmac" },
		{ "rt:salt$7681e9c5", "the hmac" },
		{ "rt:salt$7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f3114", "the hmac" },
		{ "rt:salt$7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f311445", "the hmac" },
		{ "rt:salt$7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f3114g", "the hmac" },
	};
	struct rpc_auth *a = rpc_auth_create();
	char err[256];
	if (!CHECK(a != NULL))
		return;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		bool ok = rpc_auth_add_rpcauth(a, err, sizeof(err), bad[i].line);
		if (!CHECK(!ok && strncmp(err, "invalid -rpcauth: ", 18) == 0 &&
		           strstr(err, bad[i].why) != NULL))
			unit_note("line '%s': %s", bad[i].line, err);
	}
	CHECK(rpc_auth_count(a) == 0);
	rpc_auth_destroy(a);
}

/* ------------------------------------------------------------ cookie */

static void test_cookie(void)
{
	char dir[] = "/tmp/rostra-test-rpc-XXXXXX";
	char path[256], err[256];
	struct buf up = BUF_INIT;
	if (!CHECK(mkdtemp(dir) != NULL))
		return;
	snprintf(path, sizeof(path), "%s/.cookie", dir);
	struct rpc_auth *a = rpc_auth_create();
	CHECK(!rpc_cookie_read(&up, err, sizeof(err), path)); /* missing */
	CHECK(strstr(err, "cannot read the RPC cookie") != NULL);
	CHECK(rpc_cookie_create(a, err, sizeof(err), path));
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(rpc_cookie_read(&up, err, sizeof(err), path));
	CHECK(up.len == strlen(RPC_COOKIE_USER) + 1 + 2 * RPC_COOKIE_BYTES);
	CHECK(strncmp((const char *)up.data, RPC_COOKIE_USER ":", strlen(RPC_COOKIE_USER) + 1) == 0);
	CHECK(header_ok(a, (const char *)up.data));
	/* A second cookie replaces the file; both are accepted by a, which
	 * made both, but only the new one is in the file. */
	char first[128];
	snprintf(first, sizeof(first), "%s", (const char *)up.data);
	CHECK(rpc_cookie_create(a, err, sizeof(err), path));
	CHECK(rpc_cookie_read(&up, err, sizeof(err), path));
	CHECK(strcmp(first, (const char *)up.data) != 0);
	/* Malformed files. */
	static const char *const bad[] = { "", "\n", "nocolon", "a:b\0c" };
	static const size_t badlen[] = { 0, 1, 7, 5 };
	for (size_t i = 0; i < 4; i++) {
		FILE *f = fopen(path, "wb");
		if (f) {
			fwrite(bad[i], 1, badlen[i], f);
			fclose(f);
		}
		CHECK(!rpc_cookie_read(&up, err, sizeof(err), path) && up.len == 0);
	}
	FILE *f = fopen(path, "wb");
	if (f) {
		for (int i = 0; i < 5000; i++)
			fputc('a', f);
		fclose(f);
	}
	CHECK(!rpc_cookie_read(&up, err, sizeof(err), path) && strstr(err, "too large"));
	f = fopen(path, "wb");
	if (f) {
		fputs("u:p\r\n", f);
		fclose(f);
	}
	CHECK(rpc_cookie_read(&up, err, sizeof(err), path) && strcmp((const char *)up.data, "u:p") == 0);
	/* An unwritable place fails with a message. */
	char nodir[300];
	snprintf(nodir, sizeof(nodir), "%s/missing/.cookie", dir);
	CHECK(!rpc_cookie_create(a, err, sizeof(err), nodir) && strstr(err, nodir) != NULL);
	unlink(path);
	rmdir(dir);
	buf_release(&up);
	rpc_auth_destroy(a);
}

/* ------------------------------------------------------------ subnets */

static bool allowed(const char *mask, const char *addr)
{
	struct rpc_netmask m;
	struct rpc_netaddr a;
	return rpc_netmask_parse(&m, mask) && rpc_netaddr_parse(&a, addr) && rpc_netmask_match(&m, &a);
}

static void test_netmask_match(void)
{
	static const struct { const char *mask, *addr; bool match; } v[] = {
		{ "10.0.0.1", "10.0.0.1", true },
		{ "10.0.0.1", "10.0.0.2", false },
		{ "10.0.0.0/8", "10.255.1.2", true },
		{ "10.0.0.0/8", "11.0.0.0", false },
		{ "10.1.2.3/8", "10.9.9.9", true }, /* host bits cleared */
		{ "192.168.1.0/24", "192.168.1.200", true },
		{ "192.168.1.0/24", "192.168.2.1", false },
		{ "192.168.1.128/25", "192.168.1.127", false },
		{ "192.168.1.128/25", "192.168.1.128", true },
		{ "0.0.0.0/0", "203.0.113.9", true },
		{ "0.0.0.0/0", "::1", false }, /* families differ */
		{ "1.2.3.4/32", "1.2.3.4", true },
		{ "1.2.3.4/31", "1.2.3.5", true },
		{ "1.2.3.4/31", "1.2.3.6", false },
		{ "::1", "::1", true },
		{ "::1", "::2", false },
		{ "fe80::/10", "fe80::1234", true },
		{ "fe80::/10", "febf::1", true },
		{ "fe80::/10", "fec0::1", false },
		{ "2001:db8::/32", "2001:db8:ffff::1", true },
		{ "::/0", "2001:db8::1", true },
		{ "::/0", "10.0.0.1", false },
		/* IPv4-mapped addresses are their IPv4 address. */
		{ "10.0.0.0/8", "::ffff:10.1.2.3", true },
		{ "::ffff:10.0.0.0/104", "10.1.2.3", true },
		{ "::ffff:10.0.0.0/104", "11.1.2.3", false },
		{ "::ffff:1.2.3.4", "1.2.3.4", true },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (!CHECK(allowed(v[i].mask, v[i].addr) == v[i].match))
			unit_note("%s ~ %s", v[i].mask, v[i].addr);
}

static void test_netmask_rejects(void)
{
	static const char *const bad[] = {
		"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/+8",
		"10.0.0.0/8/8", "10.0.0", "10.0.0.256", "300.0.0.1", "localhost", "::1/129",
		"[::1]", "::1%eth0", "fe80::/1x", "10.0.0.0 /8", " 10.0.0.1", "10.0.0.0/255.0.0.0",
		"::ffff:10.0.0.0/95", "1.2.3.4.5",
		"aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa/1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rpc_netmask m;
		memset(&m, 0x55, sizeof(m));
		bool ok = rpc_netmask_parse(&m, bad[i]);
		struct rpc_netmask zero;
		memset(&zero, 0, sizeof(zero));
		if (!CHECK(!ok && memcmp(&m, &zero, sizeof(m)) == 0))
			unit_note("accepted '%s'", bad[i]);
	}
}

static void test_netaddr(void)
{
	struct rpc_netaddr a;
	CHECK(rpc_netaddr_parse(&a, "127.0.0.1") && rpc_netaddr_is_loopback(&a));
	CHECK(rpc_netaddr_parse(&a, "127.255.0.9") && rpc_netaddr_is_loopback(&a));
	CHECK(rpc_netaddr_parse(&a, "::1") && rpc_netaddr_is_loopback(&a));
	CHECK(rpc_netaddr_parse(&a, "::ffff:127.0.0.1") && a.family == AF_INET &&
	      rpc_netaddr_is_loopback(&a));
	CHECK(rpc_netaddr_parse(&a, "128.0.0.1") && !rpc_netaddr_is_loopback(&a));
	CHECK(rpc_netaddr_parse(&a, "::2") && !rpc_netaddr_is_loopback(&a));
	CHECK(!rpc_netaddr_parse(&a, "example.com") && a.family == 0);
	/* From socket addresses, as the server sees a peer. */
	struct sockaddr_in in = { .sin_family = AF_INET };
	inet_pton(AF_INET, "10.1.2.3", &in.sin_addr);
	CHECK(rpc_netaddr_from_sockaddr(&a, (struct sockaddr *)&in) && a.family == AF_INET &&
	      a.b[0] == 10 && a.b[3] == 3);
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	inet_pton(AF_INET6, "::ffff:10.1.2.3", &in6.sin6_addr);
	CHECK(rpc_netaddr_from_sockaddr(&a, (struct sockaddr *)&in6) && a.family == AF_INET &&
	      a.b[0] == 10);
	inet_pton(AF_INET6, "2001:db8::7", &in6.sin6_addr);
	CHECK(rpc_netaddr_from_sockaddr(&a, (struct sockaddr *)&in6) && a.family == AF_INET6 &&
	      a.b[15] == 7);
	struct sockaddr other = { .sa_family = AF_UNIX };
	CHECK(!rpc_netaddr_from_sockaddr(&a, &other) && a.family == 0);
	CHECK(!rpc_netaddr_from_sockaddr(&a, NULL));
}

/* -------------------------------------------- server configuration */

static void test_server_config(void)
{
	static const char *const allow_bad[] = { "10.0.0.0/33" };
	static const char *const allow_ok[] = { "10.0.0.0/8", "::1" };
	static const char *const bind_bad[] = { "[::1" };
	static const char *const bind_port_bad[] = { "127.0.0.1:0" };
	static const char *const bind_ok[] = { "127.0.0.1:9999", "[::1]:9998", "::1", "localhost" };
	static const char *const auth_bad[] = { "nope" };
	struct {
		const char *name;
		struct rpc_server_config c;
		const char *err; /* NULL: accepted */
	} v[] = {
		{ "allowip", { .nallowip = 1, .allowip = allow_bad, .cookie_path = "/x" }, "invalid -rpcallowip: '10.0.0.0/33'" },
		{ "bind", { .nallowip = 2, .allowip = allow_ok, .nbind = 1, .bind = bind_bad, .cookie_path = "/x" }, "invalid -rpcbind: '[::1'" },
		{ "bind port", { .nallowip = 2, .allowip = allow_ok, .nbind = 1, .bind = bind_port_bad, .cookie_path = "/x" }, "invalid -rpcbind" },
		{ "bind without allowip is not parsed", { .nbind = 1, .bind = bind_bad, .cookie_path = "/x" }, NULL },
		{ "bind ok", { .nallowip = 2, .allowip = allow_ok, .nbind = 4, .bind = bind_ok, .cookie_path = "/x" }, NULL },
		{ "user alone", { .user = "u", .cookie_path = "/x" }, "-rpcuser needs -rpcpassword" },
		{ "password alone", { .password = "p", .cookie_path = "/x" }, "-rpcpassword needs -rpcuser" },
		{ "bad user", { .user = "a:b", .password = "p" }, "invalid -rpcuser" },
		{ "rpcauth", { .nrpcauth = 1, .rpcauth = auth_bad }, "invalid -rpcauth" },
		{ "no credentials", { .threads = 1 }, "no RPC credentials" },
		{ "user and password", { .user = "u", .password = "p" }, NULL },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char err[256] = "";
		struct rpc_server *s = rpc_server_create(err, sizeof(err), &v[i].c, NULL, NULL);
		bool ok = v[i].err ? s == NULL && strncmp(err, v[i].err, strlen(v[i].err)) == 0
		                   : s != NULL;
		if (!CHECK(ok))
			unit_note("config '%s': %s", v[i].name, err);
		rpc_server_destroy(s);
	}
}

const struct unit_case rpc_auth_cases[] = {
	UNIT_CASE(test_base64_vectors),
	UNIT_CASE(test_base64_rejects),
	UNIT_CASE(test_password),
	UNIT_CASE(test_header_forms),
	UNIT_CASE(test_rpcauth),
	UNIT_CASE(test_rpcauth_rejects),
	UNIT_CASE(test_cookie),
	UNIT_CASE(test_netmask_match),
	UNIT_CASE(test_netmask_rejects),
	UNIT_CASE(test_netaddr),
	UNIT_CASE(test_server_config),
};
const size_t rpc_auth_ncases = UNIT_COUNT(rpc_auth_cases);
