/* Key files: a 32-byte BIP340 secret key as 64 hex digits and a newline,
 * mode 0600 (doc/node.md, "Data directory"). Used for the validator key,
 * regtest's funded key and rostra-util's keys.
 *
 * These do not go through util/file on purpose: a key file is created with
 * O_EXCL and never replaced (file_write_atomic renames over an existing
 * file, which could destroy a validator's key), and the secret's text stays
 * in a stack buffer that is wiped, not in a growable heap buffer. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "node/node.h"
#include "util/hex.h"

bool node_keyfile_read(struct seckey *sk, struct pubkey *pk, char *err, size_t errcap,
		       const char *path)
{
	char text[80];
	memset(sk, 0, sizeof(*sk));
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errcap, "cannot read the key file %s: %s", path, strerror(errno));
		return false;
	}
	size_t len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = 0;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = 0;
	if (len != 64 || !hex_decode_exact(sk->b, 32, text) || !key_pubkey(pk, sk)) {
		key_wipe(sk);
		memset(text, 0, sizeof(text));
		snprintf(err, errcap, "the key file %s does not hold a secret key (64 hex digits)", path);
		return false;
	}
	memset(text, 0, sizeof(text));
	return true;
}

bool node_keyfile_write(char *err, size_t errcap, const char *path, const struct seckey *sk)
{
	char text[66];
	hex_encode(text, sizeof(text), sk->b, 32);
	text[64] = '\n';
	text[65] = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, text, 65) == 65 && fsync(fd) == 0;
	int e = errno;
	if (fd >= 0)
		ok = close(fd) == 0 && ok;
	memset(text, 0, sizeof(text));
	if (!ok)
		snprintf(err, errcap, "cannot write the key file %s: %s", path, strerror(e));
	return ok;
}

bool node_keyfile_generate(struct seckey *sk, struct pubkey *pk, char *err, size_t errcap,
			   const char *path)
{
	if (!key_generate(sk, pk)) {
		snprintf(err, errcap, "cannot generate a key (no randomness)");
		return false;
	}
	return node_keyfile_write(err, errcap, path, sk);
}
