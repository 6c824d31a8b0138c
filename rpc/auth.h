/* RPC credentials: -rpcuser/-rpcpassword, -rpcauth lines, the .cookie
 * file, and the HTTP Basic header that carries them.
 *
 * A struct rpc_auth is the set of credentials a server accepts. It keeps no
 * password in the clear: a user:password pair (the cookie's included) is
 * kept as HMAC-SHA256(k, "user:password") under a random per-process key k,
 * and an -rpcauth line is kept as its salt and HMAC, so checking a login
 * computes a digest and compares 32 bytes in constant time. A pair is
 * also kept as the base64 text of "user:password" that its clients'
 * Authorization header carries (as a client holds it), so that checking
 * such a header is one constant-time comparison, without decoding or
 * HMAC; any other header (another encoding, an -rpcauth login) takes the
 * digest path. Needs crypto_init(). Filled at start-up, read-only
 * afterwards (any thread may check).
 *
 * -rpcauth has Bitcoin Core's format (share/rpcauth): "user:salt$hmac" with
 * hmac = hex(HMAC-SHA256(key = the salt's text, message = the password)).
 */
#ifndef ROSTRA_RPC_AUTH_H
#define ROSTRA_RPC_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct rpc_auth;

/* The user name of the cookie, and the bytes of its random password (hex
 * encoded in the file: 64 characters). */
#define RPC_COOKIE_USER "__cookie__"
#define RPC_COOKIE_BYTES 32
/* The longest user name, password or Authorization header accepted. */
#define RPC_AUTH_MAX_FIELD 1024

/* An empty set. Returns NULL when out of memory or without entropy. */
struct rpc_auth *rpc_auth_create(void);
/* Wipe and free. NULL is accepted. */
void rpc_auth_destroy(struct rpc_auth *a);

/* Accept user with password (neither may be empty, longer than
 * RPC_AUTH_MAX_FIELD or hold a NUL; user may not hold ':'). Out: err on
 * failure (naming -rpcuser or -rpcpassword). */
bool rpc_auth_add_password(struct rpc_auth *a, char *err, size_t errcap,
                           const char *user, const char *password);
/* Accept the logins an -rpcauth line describes. Out: err on failure, one
 * line naming -rpcauth and what is wrong (never the line's secret part):
 * not user:salt$hmac, an empty user or salt, an hmac that is not 64 hex
 * digits. */
bool rpc_auth_add_rpcauth(struct rpc_auth *a, char *err, size_t errcap, const char *line);
/* The number of accepted credentials (pairs and -rpcauth lines). */
size_t rpc_auth_count(const struct rpc_auth *a);

/* True when user/password (userlen, passlen bytes) matches an accepted
 * credential. */
bool rpc_auth_check(const struct rpc_auth *a, const char *user, size_t userlen,
                    const char *password, size_t passlen);
/* True when an HTTP Authorization header value ("Basic " and base64 of
 * "user:password"; the scheme's case does not matter) matches. NULL (no
 * header) is false. */
bool rpc_auth_check_header(const struct rpc_auth *a, const char *value);

/* Write a fresh cookie to path (through path.tmp and a rename, mode
 * 0600) and accept it in a. Out: err on failure. */
bool rpc_cookie_create(struct rpc_auth *a, char *err, size_t errcap, const char *path);
/* Read a cookie file (for clients). Out: userpass (reset, then the
 * "user:password" text, without a final newline), err on failure (a
 * missing file says so). Returns false when the file is missing, too
 * large or not user:password. */
bool rpc_cookie_read(struct buf *userpass, char *err, size_t errcap, const char *path);

/* Base64 (RFC 4648, with padding) through OpenSSL.
 * Append the encoding of data[0..len) to out. Returns buf_ok(out). */
bool rpc_base64_encode(struct buf *out, const void *data, size_t len);
/* Append the bytes text[0..len) decodes to. Strict: a length that is a
 * multiple of 4, only the base64 alphabet, '=' only as one or two final
 * padding characters. Returns false (out unchanged) otherwise. */
bool rpc_base64_decode(struct buf *out, const char *text, size_t len);

#endif
