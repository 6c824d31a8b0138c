/* The .cookie file: a random password written at each start (mode 0600,
 * atomically through util/file.h), read by rostra-cli. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto/random.h"
#include "rpc/auth.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/hex.h"

/* The largest cookie file read: the user, ':' and the password, with room. */
#define RPC_COOKIE_MAX_FILE 4096

/* Write text to path atomically (util/file.h), mode 0600. */
static bool rpc_write_private(char *err, size_t errcap, const char *path, const char *text)
{
	if (file_write_atomic(err, errcap, path, text, strlen(text), 0600))
		return true;
	snprintf(err, errcap, "cannot write the RPC cookie %s: %s", path, strerror(errno));
	return false;
}

bool rpc_cookie_create(struct rpc_auth *a, char *err, size_t errcap, const char *path)
{
	uint8_t secret[RPC_COOKIE_BYTES];
	char hex[HEX_LEN(RPC_COOKIE_BYTES)];
	char text[sizeof(RPC_COOKIE_USER) + sizeof(hex)];
	if (!random_bytes(secret, sizeof(secret))) {
		snprintf(err, errcap, "no entropy for the RPC cookie");
		return false;
	}
	hex_encode(hex, sizeof(hex), secret, sizeof(secret));
	snprintf(text, sizeof(text), "%s:%s", RPC_COOKIE_USER, hex);
	bool ok = rpc_write_private(err, errcap, path, text) &&
	          rpc_auth_add_password(a, err, errcap, RPC_COOKIE_USER, hex);
	memset(secret, 0, sizeof(secret));
	memset(hex, 0, sizeof(hex));
	memset(text, 0, sizeof(text));
	return ok;
}

static bool rpc_read_small(struct buf *out, char *err, size_t errcap, const char *path)
{
	/* missing NULL: no cookie is an error like any other. */
	if (file_read_all(err, errcap, out, NULL, path, RPC_COOKIE_MAX_FILE))
		return true;
	snprintf(err, errcap, "cannot read the RPC cookie %s: %s", path,
		 errno == EFBIG ? "file too large" : strerror(errno));
	return false;
}

bool rpc_cookie_read(struct buf *userpass, char *err, size_t errcap, const char *path)
{
	buf_reset(userpass);
	if (!rpc_read_small(userpass, err, errcap, path))
		return false;
	while (userpass->len > 0 && (userpass->data[userpass->len - 1] == '\n' ||
	                             userpass->data[userpass->len - 1] == '\r'))
		userpass->data[--userpass->len] = '\0';
	if (userpass->len == 0 || memchr(userpass->data, ':', userpass->len) == NULL ||
	    memchr(userpass->data, '\0', userpass->len) != NULL) {
		snprintf(err, errcap, "malformed RPC cookie %s (expected user:password)", path);
		buf_reset(userpass);
		return false;
	}
	return true;
}
