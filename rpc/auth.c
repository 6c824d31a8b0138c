/* Checking logins: digests of user:password pairs under a per-process
 * key, -rpcauth salts and HMACs, constant-time comparison. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "crypto/random.h"
#include "crypto/sha256.h"
#include "rpc/auth.h"
#include "util/buf.h"
#include "util/hex.h"

/* A user:password pair, as HMAC(key, "user:password"), and the base64
 * of "user:password" that a client's Authorization header carries, so
 * that the usual request is checked by one constant-time comparison
 * instead of a base64 decoding and an HMAC. */
struct rpc_auth_pair {
	uint8_t digest[SHA256_LEN];
	char *b64;      /* NUL-terminated */
	size_t b64len;
};

/* An -rpcauth line: the user (as a digest under key, so that comparing
 * it takes the same time for every name), the salt text and the HMAC. */
struct rpc_auth_line {
	uint8_t user_digest[SHA256_LEN];
	char *salt;
	uint8_t hmac[SHA256_LEN];
};

struct rpc_auth {
	uint8_t key[32];
	struct rpc_auth_pair *pairs;
	size_t npairs;
	struct rpc_auth_line *lines;
	size_t nlines;
};

/* OpenSSL's constant-time comparison (a byte loop through a volatile
 * accumulator cost a memory round trip per byte on every request). */
static bool rpc_ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

static void rpc_wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;
	while (n--)
		*v++ = 0;
}

struct rpc_auth *rpc_auth_create(void)
{
	struct rpc_auth *a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	if (!random_bytes(a->key, sizeof(a->key))) {
		free(a);
		return NULL;
	}
	return a;
}

void rpc_auth_destroy(struct rpc_auth *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->nlines; i++)
		free(a->lines[i].salt);
	for (size_t i = 0; i < a->npairs; i++) {
		rpc_wipe(a->pairs[i].b64, a->pairs[i].b64len);
		free(a->pairs[i].b64);
	}
	rpc_wipe(a->pairs, a->npairs * sizeof(*a->pairs));
	free(a->pairs);
	free(a->lines);
	rpc_wipe(a->key, sizeof(a->key));
	free(a);
}

size_t rpc_auth_count(const struct rpc_auth *a)
{
	return a->npairs + a->nlines;
}

/* HMAC(key, user ":" password). */
static void rpc_pair_digest(const struct rpc_auth *a, uint8_t out[SHA256_LEN],
                            const char *user, size_t userlen,
                            const char *password, size_t passlen)
{
	struct buf b = BUF_INIT;
	buf_put(&b, user, userlen);
	buf_put_u8(&b, ':');
	buf_put(&b, password, passlen);
	if (buf_ok(&b))
		hmac_sha256(out, a->key, sizeof(a->key), b.data, b.len);
	else
		memset(out, 0xff, SHA256_LEN); /* matches nothing a real HMAC gives */
	rpc_wipe(b.data, b.cap);
	buf_release(&b);
}

static bool rpc_field_ok(const char *s, bool colon_ok)
{
	size_t n = strlen(s);
	return n > 0 && n <= RPC_AUTH_MAX_FIELD && (colon_ok || strchr(s, ':') == NULL);
}

static void rpc_err(char *err, size_t errcap, const char *msg)
{
	if (errcap > 0)
		snprintf(err, errcap, "%s", msg);
}

/* base64("user:password"), malloc'd and NUL-terminated, or NULL. */
static char *rpc_pair_base64(const char *user, const char *password)
{
	struct buf plain = BUF_INIT, enc = BUF_INIT;
	char *out = NULL;
	buf_puts(&plain, user);
	buf_put_u8(&plain, ':');
	buf_puts(&plain, password);
	if (buf_ok(&plain) && rpc_base64_encode(&enc, plain.data, plain.len) &&
	    buf_put_u8(&enc, 0) && (out = malloc(enc.len)) != NULL)
		memcpy(out, enc.data, enc.len);
	rpc_wipe(plain.data, plain.cap);
	rpc_wipe(enc.data, enc.cap);
	buf_release(&plain);
	buf_release(&enc);
	return out;
}

bool rpc_auth_add_password(struct rpc_auth *a, char *err, size_t errcap,
                           const char *user, const char *password)
{
	if (!rpc_field_ok(user, false)) {
		rpc_err(err, errcap, "invalid -rpcuser: it must be 1 to 1024 bytes without ':'");
		return false;
	}
	if (!rpc_field_ok(password, true)) {
		rpc_err(err, errcap, "invalid -rpcpassword: it must be 1 to 1024 bytes");
		return false;
	}
	char *b64 = rpc_pair_base64(user, password);
	struct rpc_auth_pair *p = b64 ? realloc(a->pairs, (a->npairs + 1) * sizeof(*p)) : NULL;
	if (p == NULL) {
		free(b64);
		rpc_err(err, errcap, "out of memory");
		return false;
	}
	a->pairs = p;
	p = &a->pairs[a->npairs++];
	p->b64 = b64;
	p->b64len = strlen(b64);
	rpc_pair_digest(a, p->digest, user, strlen(user), password, strlen(password));
	return true;
}

static bool rpc_rpcauth_fail(char *err, size_t errcap, const char *why)
{
	if (errcap > 0) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "invalid -rpcauth: %s (expected user:salt$hmac, as share/rpcauth makes)", why);
		rpc_err(err, errcap, buf_ok(&b) && b.data ? (const char *)b.data : "invalid -rpcauth");
		buf_release(&b);
	}
	return false;
}

/* Split "user:salt$hmac" into its three parts, all checked. */
static bool rpc_rpcauth_split(char *err, size_t errcap, const char *line,
                              size_t *userlen, const char **salt, size_t *saltlen,
                              uint8_t hmac[SHA256_LEN])
{
	const char *colon = strchr(line, ':');
	const char *dollar = colon ? strchr(colon + 1, '$') : NULL;
	if (colon == NULL || dollar == NULL || strchr(colon + 1, ':') ||
	    strchr(dollar + 1, '$'))
		return rpc_rpcauth_fail(err, errcap, "not of the form user:salt$hmac");
	*userlen = (size_t)(colon - line);
	*salt = colon + 1;
	*saltlen = (size_t)(dollar - *salt);
	if (*userlen == 0 || *userlen > RPC_AUTH_MAX_FIELD)
		return rpc_rpcauth_fail(err, errcap, "the user is empty or too long");
	if (*saltlen == 0 || *saltlen > RPC_AUTH_MAX_FIELD)
		return rpc_rpcauth_fail(err, errcap, "the salt is empty or too long");
	if (!hex_decode_exact(hmac, SHA256_LEN, dollar + 1))
		return rpc_rpcauth_fail(err, errcap, "the hmac is not 64 hex digits");
	return true;
}

bool rpc_auth_add_rpcauth(struct rpc_auth *a, char *err, size_t errcap, const char *line)
{
	size_t userlen, saltlen;
	const char *salt;
	struct rpc_auth_line l;
	if (!rpc_rpcauth_split(err, errcap, line, &userlen, &salt, &saltlen, l.hmac))
		return false;
	l.salt = malloc(saltlen + 1);
	struct rpc_auth_line *p = l.salt ? realloc(a->lines, (a->nlines + 1) * sizeof(*p)) : NULL;
	if (p == NULL) {
		free(l.salt);
		rpc_err(err, errcap, "out of memory");
		return false;
	}
	memcpy(l.salt, salt, saltlen);
	l.salt[saltlen] = '\0';
	hmac_sha256(l.user_digest, a->key, sizeof(a->key), line, userlen);
	a->lines = p;
	a->lines[a->nlines++] = l;
	return true;
}

static bool rpc_check_line(const struct rpc_auth *a, const struct rpc_auth_line *l,
                           const uint8_t user_digest[SHA256_LEN],
                           const char *password, size_t passlen)
{
	uint8_t mac[SHA256_LEN];
	hmac_sha256(mac, l->salt, strlen(l->salt), password, passlen);
	/* Both comparisons always run (no short circuit). */
	int user_ok = rpc_ct_equal(l->user_digest, user_digest, SHA256_LEN);
	int mac_ok = rpc_ct_equal(l->hmac, mac, SHA256_LEN);
	(void)a;
	return (user_ok & mac_ok) != 0;
}

bool rpc_auth_check(const struct rpc_auth *a, const char *user, size_t userlen,
                    const char *password, size_t passlen)
{
	uint8_t digest[SHA256_LEN], user_digest[SHA256_LEN];
	bool ok = false;
	if (userlen > RPC_AUTH_MAX_FIELD || passlen > RPC_AUTH_MAX_FIELD)
		return false;
	rpc_pair_digest(a, digest, user, userlen, password, passlen);
	for (size_t i = 0; i < a->npairs; i++)
		ok |= rpc_ct_equal(a->pairs[i].digest, digest, SHA256_LEN);
	if (a->nlines > 0)
		hmac_sha256(user_digest, a->key, sizeof(a->key), user, userlen);
	for (size_t i = 0; i < a->nlines; i++)
		ok |= rpc_check_line(a, &a->lines[i], user_digest, password, passlen);
	rpc_wipe(digest, sizeof(digest));
	return ok;
}

/* The fast path: the header's base64 is exactly a pair's. Constant time
 * in the text for a given length (the length itself is no secret: every
 * client of a pair sends the same). A miss is decided by the full check,
 * which also takes other encodings of the same bytes. */
static bool rpc_auth_check_b64(const struct rpc_auth *a, const char *b64, size_t len)
{
	bool ok = false;
	for (size_t i = 0; i < a->npairs; i++)
		if (a->pairs[i].b64len == len)
			ok |= rpc_ct_equal((const uint8_t *)a->pairs[i].b64, (const uint8_t *)b64, len);
	return ok;
}

bool rpc_auth_check_header(const struct rpc_auth *a, const char *value)
{
	if (value == NULL || strncasecmp(value, "Basic ", 6) != 0)
		return false;
	const char *b64 = value + 6;
	while (*b64 == ' ')
		b64++;
	size_t len = strlen(b64);
	while (len > 0 && b64[len - 1] == ' ')
		len--;
	if (len > 2 * RPC_AUTH_MAX_FIELD)
		return false;
	if (rpc_auth_check_b64(a, b64, len))
		return true;
	struct buf plain = BUF_INIT;
	bool ok = false;
	if (rpc_base64_decode(&plain, b64, len) && plain.data != NULL) {
		const char *s = (const char *)plain.data;
		const char *colon = memchr(s, ':', plain.len);
		if (colon != NULL)
			ok = rpc_auth_check(a, s, (size_t)(colon - s), colon + 1,
			                    plain.len - (size_t)(colon - s) - 1);
	}
	rpc_wipe(plain.data, plain.cap);
	buf_release(&plain);
	return ok;
}
