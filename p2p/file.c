/* The envelope of the P2P files and their atomic writes (file.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto/sha256.h"
#include "p2p/file.h"
#include "util/file.h"

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

bool p2p_file_write(char *err, size_t errlen, const char *path, const uint8_t *data, size_t len)
{
	return file_write_atomic(err, errlen, path, data, len, 0600);
}

enum p2p_file_status p2p_file_read(uint8_t **data, size_t *len, char *err, size_t errlen,
				   const char *path, size_t max_len)
{
	struct buf b = BUF_INIT;
	bool missing;

	*data = NULL;
	*len = 0;
	buf_set_max(&b, max_len);
	if (!file_read_all(err, errlen, &b, &missing, path, max_len)) {
		/* Too large cannot be a file we wrote: corrupt, not unreadable. */
		enum p2p_file_status st = errno == EFBIG ? P2P_FILE_CORRUPT : P2P_FILE_ERROR;
		buf_release(&b);
		return st;
	}
	if (missing) {
		buf_release(&b);
		return P2P_FILE_MISSING;
	}
	*data = buf_detach(&b, len);
	if (*data == NULL) {
		snprintf(err, errlen, "out of memory reading %s", path);
		*len = 0;
		return P2P_FILE_ERROR;
	}
	return P2P_FILE_OK;
}
