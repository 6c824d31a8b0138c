/* The envelope of the P2P files and their atomic writes (file.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/sha256.h"
#include "p2p/file.h"

const char *p2p_file_status_name(enum p2p_file_status st)
{
	switch (st) {
	case P2P_FILE_OK:
		return "ok";
	case P2P_FILE_MISSING:
		return "missing";
	case P2P_FILE_CORRUPT:
		return "corrupt";
	case P2P_FILE_ERROR:
		return "error";
	}
	return "?";
}

void p2p_file_begin(struct buf *out, const uint8_t magic[P2P_FILE_MAGIC_LEN], uint32_t version)
{
	buf_put(out, magic, P2P_FILE_MAGIC_LEN);
	buf_put_u32le(out, version);
}

bool p2p_file_end(struct buf *out)
{
	uint8_t sum[SHA256_LEN];
	if (!buf_ok(out))
		return false;
	sha256(sum, out->data, out->len);
	return buf_put(out, sum, sizeof(sum));
}

bool p2p_file_open(const uint8_t **body, size_t *body_len, char *err, size_t errlen,
		   const uint8_t *data, size_t len, const uint8_t magic[P2P_FILE_MAGIC_LEN],
		   uint32_t version)
{
	uint8_t sum[SHA256_LEN];
	struct reader r;
	uint8_t m[P2P_FILE_MAGIC_LEN];
	uint32_t v;

	*body = NULL;
	*body_len = 0;
	if (len < P2P_FILE_HEADER_LEN + P2P_FILE_CHECKSUM_LEN) {
		snprintf(err, errlen, "truncated (%zu bytes)", len);
		return false;
	}
	sha256(sum, data, len - P2P_FILE_CHECKSUM_LEN);
	if (memcmp(sum, data + len - P2P_FILE_CHECKSUM_LEN, P2P_FILE_CHECKSUM_LEN) != 0) {
		snprintf(err, errlen, "checksum mismatch");
		return false;
	}
	reader_init(&r, data, len - P2P_FILE_CHECKSUM_LEN);
	reader_get(&r, m, sizeof(m));
	reader_get_u32le(&r, &v);
	if (memcmp(m, magic, P2P_FILE_MAGIC_LEN) != 0) {
		snprintf(err, errlen, "wrong magic (not this kind of file)");
		return false;
	}
	if (v != version) {
		snprintf(err, errlen, "unsupported version %u", (unsigned)v);
		return false;
	}
	*body = r.p;
	*body_len = reader_remaining(&r);
	return true;
}

static bool p2p_write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Sync the folder holding path so that a rename in it is durable (best
 * effort: some file systems cannot sync a folder). */
static void p2p_sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct buf d = BUF_INIT;
	int fd;

	if (slash == NULL)
		buf_puts(&d, ".");
	else
		buf_put(&d, path, slash == path ? 1 : (size_t)(slash - path));
	if (buf_ok(&d) && d.len > 0) {
		fd = open((const char *)d.data, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			(void)fsync(fd);
			close(fd);
		}
	}
	buf_release(&d);
}

static bool p2p_write_tmp(char *err, size_t errlen, const char *tmp, const uint8_t *data, size_t len)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok;

	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return false;
	}
	ok = p2p_write_all(fd, data, len) && fsync(fd) == 0;
	if (!ok)
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && ok) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		ok = false;
	}
	if (!ok)
		unlink(tmp);
	return ok;
}

bool p2p_file_write(char *err, size_t errlen, const char *path, const uint8_t *data, size_t len)
{
	struct buf tmp = BUF_INIT;
	bool ok = false;

	if (!buf_printf(&tmp, "%s.new", path)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (!p2p_write_tmp(err, errlen, (const char *)tmp.data, data, len))
		goto out;
	if (rename((const char *)tmp.data, path) != 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", (const char *)tmp.data, path,
			 strerror(errno));
		unlink((const char *)tmp.data);
		goto out;
	}
	p2p_sync_dir(path);
	ok = true;
out:
	buf_release(&tmp);
	return ok;
}

enum p2p_file_status p2p_file_read(uint8_t **data, size_t *len, char *err, size_t errlen,
				   const char *path, size_t max_len)
{
	struct stat st;
	uint8_t *p;
	size_t got = 0;
	int fd;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return P2P_FILE_MISSING;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return P2P_FILE_ERROR;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read %s: not a regular file", path);
		close(fd);
		return P2P_FILE_ERROR;
	}
	if ((uint64_t)st.st_size > (uint64_t)max_len) {
		snprintf(err, errlen, "%s is too large (%lld bytes, at most %zu)", path,
			 (long long)st.st_size, max_len);
		close(fd);
		return P2P_FILE_CORRUPT;
	}
	p = malloc((size_t)st.st_size + 1);
	if (p == NULL) {
		snprintf(err, errlen, "out of memory reading %s", path);
		close(fd);
		return P2P_FILE_ERROR;
	}
	/* Read up to one byte past the size seen, in case the file grew. */
	while (got <= (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			free(p);
			close(fd);
			return P2P_FILE_ERROR;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		snprintf(err, errlen, "%s changed while it was read", path);
		free(p);
		return P2P_FILE_ERROR;
	}
	*data = p;
	*len = got;
	return P2P_FILE_OK;
}
