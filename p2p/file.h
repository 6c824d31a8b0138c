/* The files the P2P layer keeps in the data directory (peers.dat,
 * banlist.dat; doc/p2p.md "Files") share one envelope:
 *
 *   magic    4 bytes, one per file
 *   version  u32le
 *   body     the file's records
 *   checksum SHA-256 of every byte before it (32 bytes)
 *
 * A file is written whole to PATH.new, synced, renamed over PATH, and the
 * directory synced, so a crash leaves the old file or the new one. A file
 * is read whole, bounded by its largest valid size, and checked (length,
 * checksum, magic, version) before any record is looked at.
 */
#ifndef ROSTRA_P2P_FILE_H
#define ROSTRA_P2P_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define P2P_FILE_MAGIC_LEN 4
#define P2P_FILE_HEADER_LEN 8   /* magic, version */
#define P2P_FILE_CHECKSUM_LEN 32

/* What loading a file found. */
enum p2p_file_status {
	P2P_FILE_OK = 0,  /* read and accepted */
	P2P_FILE_MISSING, /* no file: not an error, start empty */
	P2P_FILE_CORRUPT, /* bad length, checksum, magic, version or record:
			   * reported, and the file ignored */
	P2P_FILE_ERROR,   /* the file exists but cannot be read */
};

/* The name of a status ("ok", "missing", "corrupt", "error"). Static. */
const char *p2p_file_status_name(enum p2p_file_status st);

/* Start a file in out: magic and version. */
void p2p_file_begin(struct buf *out, const uint8_t magic[P2P_FILE_MAGIC_LEN], uint32_t version);
/* End a file in out: append the SHA-256 of everything in it. Returns
 * buf_ok(out). */
bool p2p_file_end(struct buf *out);

/* Check the envelope of data[0..len): at least header + checksum long,
 * checksum, magic, version, in that order. Out: *body, *body_len (a view
 * between the header and the checksum), err (a one-line reason) on
 * failure. Returns false if any check fails. */
bool p2p_file_open(const uint8_t **body, size_t *body_len, char *err, size_t errlen,
		   const uint8_t *data, size_t len, const uint8_t magic[P2P_FILE_MAGIC_LEN],
		   uint32_t version);

/* Write data[0..len) to path through path.new, fsync, rename and a sync of
 * the directory. Out: err on failure. Returns false if any step fails (a
 * stray path.new is removed). */
bool p2p_file_write(char *err, size_t errlen, const char *path, const uint8_t *data, size_t len);

/* Read the whole file at path, refusing one longer than max_len. Out:
 * *data (malloc'd, the caller frees it; NULL unless OK), *len, err.
 * Returns OK, MISSING (no such file), CORRUPT (longer than max_len) or
 * ERROR (cannot be opened or read). */
enum p2p_file_status p2p_file_read(uint8_t **data, size_t *len, char *err, size_t errlen,
				   const char *path, size_t max_len);

#endif
