/* Small files kept whole: written atomically and durably, read whole with a
 * size bound. Every module that keeps a file in the data directory (the
 * wallet, the mempool, the P2P address book and ban list, the signer state,
 * the RPC cookie) goes through these two calls.
 *
 * Writing: the bytes go to PATH.new (created with O_NOFOLLOW, so a symlink
 * planted there is not followed), which is given exactly the mode asked for
 * (not masked by the umask), written, fsync'd and closed, then renamed over
 * PATH, and the folder holding PATH is fsync'd (best effort: some file
 * systems cannot sync a folder). A crash leaves the old file or the new one,
 * never a mix. On failure PATH.new is removed and PATH is untouched.
 *
 * Reading: a regular file no longer than a bound given by the caller, read
 * whole; a file that changes size while it is read is an error.
 *
 * Errors: one readable line naming the path in err (truncated to errlen,
 * always NUL-terminated when errlen > 0). errno is also left meaningful on
 * failure, for a caller that words its own message: the error of the call
 * that failed, EFBIG for a file longer than the bound, EISDIR for a folder
 * and EINVAL for anything else that is not a regular file, EIO for a file
 * that changed size while it was read, ENOMEM when out of memory.
 */
#ifndef ROSTRA_UTIL_FILE_H
#define ROSTRA_UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

/* The suffix of the temporary file a write goes through. */
#define FILE_TMP_SUFFIX ".new"

/* Replace the file at path by data[0..len), atomically and durably (see
 * above), with permission bits mode (e.g. 0600). data may be NULL when len
 * is 0.
 * Out: err (on failure: "cannot create PATH.new: ...", "cannot write
 * PATH.new: ...", "cannot rename PATH.new to PATH: ..." or "out of memory").
 * In: path (a file name; its folder must exist), data, len, mode.
 * Returns true once PATH holds the new bytes; false on any failure, with
 * PATH unchanged and no PATH.new left behind. */
bool file_write_atomic(char *err, size_t errlen, const char *path, const void *data, size_t len,
		       mode_t mode);

/* Read the whole regular file at path, refusing one longer than max bytes.
 * Out: out (its previous contents replaced by the file's bytes, NUL-terminated
 * per struct buf; empty on failure or when missing; out's own growth limit
 * still applies, so a caller reading more than BUF_DEFAULT_MAX raises it
 * first with buf_set_max), *missing, err.
 * In: path, max.
 * missing may be NULL: then a file that does not exist is an error like any
 * other ("cannot open PATH: No such file or directory", errno ENOENT).
 * Otherwise *missing is set to whether the file does not exist, and a missing
 * file is a success with out empty.
 * Returns false when the file cannot be opened or read, is not a regular
 * file, is longer than max ("PATH is too large (N bytes, at most MAX)",
 * errno EFBIG), or changed while it was read; err and errno say which. */
bool file_read_all(char *err, size_t errlen, struct buf *out, bool *missing, const char *path,
		   size_t max);

/* Remove path and, for a folder, everything below it, depth first, not
 * following symbolic links. Returns true when all of it is gone; false on
 * the first failure, with errno set (ENOENT when path does not exist). */
bool file_remove_tree(const char *path);

#endif
