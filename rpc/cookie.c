/* The .cookie file: a random password written at each start (mode 0600,
 * through a temporary file and a rename), read by rostra-cli. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/random.h"
#include "rpc/auth.h"
#include "util/buf.h"
#include "util/hex.h"

/* The largest cookie file read: the user, ':' and the password, with room. */
#define RPC_COOKIE_MAX_FILE 4096

static bool rpc_write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/* Write text to path through path.tmp (mode 0600) and a rename. */
static bool rpc_write_private(char *err, size_t errcap, const char *path, const char *text)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errcap, "cookie path too long: %s", path);
		return false;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	bool ok = fd >= 0 && fchmod(fd, 0600) == 0 && rpc_write_all(fd, text, strlen(text)) &&
	          fsync(fd) == 0;
	int saved = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		if (fd >= 0)
			unlink(tmp);
		snprintf(err, errcap, "cannot write the RPC cookie %s: %s", path, strerror(saved));
	}
	return ok;
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
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errcap, "cannot read the RPC cookie %s: %s", path, strerror(errno));
		return false;
	}
	char chunk[512];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || out->len + (size_t)n > RPC_COOKIE_MAX_FILE || !buf_put(out, chunk, (size_t)n)) {
			snprintf(err, errcap, "cannot read the RPC cookie %s: %s", path,
			         n < 0 ? strerror(errno) : "file too large");
			close(fd);
			return false;
		}
	}
	close(fd);
	return true;
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
