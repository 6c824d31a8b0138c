/* Small files written atomically and durably, read whole (file.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"

/* ------------------------------------------------------------ writing */

static bool file_write_fd(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0)
			errno = EIO;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Sync the folder holding path so that a rename in it is durable (best
 * effort: some file systems cannot sync a folder, and the rename has
 * happened either way). */
static void file_sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct buf d = BUF_INIT;
	int saved = errno;

	if (slash == NULL)
		buf_puts(&d, ".");
	else
		buf_put(&d, path, slash == path ? 1 : (size_t)(slash - path));
	if (buf_ok(&d) && d.len > 0) {
		int fd = open((const char *)d.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			(void)fsync(fd);
			close(fd);
		}
	}
	buf_release(&d);
	errno = saved;
}

/* Write data to tmp with exactly mode, synced and closed. On failure tmp
 * is removed. Out: err, errno. */
static bool file_write_tmp(char *err, size_t errlen, const char *tmp, const void *data, size_t len,
			   mode_t mode)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	int e;
	bool ok;

	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(e));
		errno = e;
		return false;
	}
	/* fchmod: a stale tmp keeps its old mode through O_TRUNC, and the
	 * umask must not loosen or tighten what the caller asked for. */
	ok = fchmod(fd, mode) == 0 && file_write_fd(fd, data, len) && fsync(fd) == 0;
	e = errno;
	if (close(fd) != 0 && ok) {
		e = errno;
		ok = false;
	}
	if (!ok) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(e));
		(void)unlink(tmp);
		errno = e;
	}
	return ok;
}

bool file_write_atomic(char *err, size_t errlen, const char *path, const void *data, size_t len,
		       mode_t mode)
{
	struct buf tmp = BUF_INIT;
	bool ok = false;
	int e;

	if (!buf_printf(&tmp, "%s%s", path, FILE_TMP_SUFFIX)) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		goto out;
	}
	if (!file_write_tmp(err, errlen, (const char *)tmp.data, data, len, mode))
		goto out;
	if (rename((const char *)tmp.data, path) != 0) {
		e = errno;
		snprintf(err, errlen, "cannot rename %s to %s: %s", (const char *)tmp.data, path,
			 strerror(e));
		(void)unlink((const char *)tmp.data);
		errno = e;
		goto out;
	}
	file_sync_dir(path);
	ok = true;
out:
	e = errno;
	buf_release(&tmp);
	errno = e;
	return ok;
}

/* ------------------------------------------------------------ reading */

/* Fill out with exactly size bytes from fd, then check that nothing
 * follows (the file did not grow). Out: out, err, errno. */
static bool file_read_fd(char *err, size_t errlen, struct buf *out, int fd, const char *path,
			 size_t size)
{
	uint8_t probe;
	ssize_t r = 0;

	if (!buf_reserve(out, size)) {
		snprintf(err, errlen, "out of memory reading %s", path);
		errno = ENOMEM;
		return false;
	}
	while (out->len < size) {
		r = read(fd, out->data + out->len, size - out->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		out->len += (size_t)r;
	}
	if (out->len == size) {
		do
			r = read(fd, &probe, 1);
		while (r < 0 && errno == EINTR);
	}
	if (r < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
		errno = e;
		return false;
	}
	if (out->len != size || r != 0) {
		snprintf(err, errlen, "%s changed while it was read", path);
		errno = EIO;
		return false;
	}
	out->data[out->len] = 0;
	return true;
}

/* Check what fd is: a regular file of at most max bytes. Out: *size, err,
 * errno. */
static bool file_check_fd(char *err, size_t errlen, size_t *size, int fd, const char *path,
			  size_t max)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		int e = errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
		errno = e;
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read %s: not a regular file", path);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return false;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > (uint64_t)max) {
		snprintf(err, errlen, "%s is too large (%lld bytes, at most %zu)", path,
			 (long long)st.st_size, max);
		errno = EFBIG;
		return false;
	}
	*size = (size_t)st.st_size;
	return true;
}

bool file_read_all(char *err, size_t errlen, struct buf *out, bool *missing, const char *path,
		   size_t max)
{
	size_t size = 0;
	bool ok;
	int fd, e;

	buf_reset(out);
	if (missing != NULL)
		*missing = false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT && missing != NULL) {
			*missing = true;
			return true;
		}
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
		errno = e;
		return false;
	}
	ok = file_check_fd(err, errlen, &size, fd, path, max) &&
	     file_read_fd(err, errlen, out, fd, path, size);
	e = errno;
	close(fd);
	if (!ok)
		buf_reset(out);
	errno = e;
	return ok;
}

static int file_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

bool file_remove_tree(const char *path)
{
	return nftw(path, file_remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0;
}
