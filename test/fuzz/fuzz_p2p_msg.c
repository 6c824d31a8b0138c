/* libFuzzer target: the P2P frame splitter and every message decoder, as a
 * connection meets them: frames are split off the input one after the
 * other, each payload decoded by its command.
 *
 * Properties:
 *   - a frame the splitter accepts re-encodes (p2p_frame_encode of its
 *     command and payload) to exactly its bytes, and its length is within
 *     the command's maximum;
 *   - a rejected header gives a reason, and so does a rejected payload;
 *   - a decoded payload re-encodes to exactly itself;
 *   - the first input byte, taken as a command, also decodes the rest of
 *     the input as a bare payload, so that payload decoders are explored
 *     without valid checksums.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "fuzz.h"
#include "p2p/msg.h"

FUZZ_INITIALIZE_CRYPTO()

static const uint8_t fuzz_magic[P2P_MAGIC_LEN] = { 0xf9, 'R', 'O', 'R' };

static void fuzz_payload(enum p2p_cmd cmd, const uint8_t *p, size_t len)
{
	static struct p2p_msg m; /* large: keep it off the stack */
	struct p2p_reject why;
	struct buf b = BUF_INIT;

	if (!p2p_msg_decode(&m, &why, cmd, p, len)) {
		if (why.code == P2P_ERR_OK || m.cmd != P2P_CMD_UNKNOWN)
			abort();
		if (p2p_policy_verdict(why.code, why.prim) == P2P_VERDICT_OK)
			abort();
		return;
	}
	if (why.code != P2P_ERR_OK || m.cmd != cmd)
		abort();
	if (!p2p_msg_encode(&b, &m) || b.len != len || (len > 0 && memcmp(b.data, p, len) != 0))
		abort();
	buf_release(&b);
	p2p_msg_release(&m);
}

static void fuzz_frame(const struct p2p_frame_header *h, const uint8_t *frame, size_t frame_len,
		       const uint8_t *payload)
{
	struct buf b = BUF_INIT;
	if (h->length > p2p_cmd_max_payload(h->cmd) || frame_len != P2P_HEADER_LEN + h->length)
		abort();
	if (!p2p_frame_encode(&b, fuzz_magic, h->command, payload, h->length) ||
	    b.len != frame_len || memcmp(b.data, frame, frame_len) != 0)
		abort();
	buf_release(&b);
	fuzz_payload(h->cmd, payload, h->length);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t left = size;

	if (size > 0)
		fuzz_payload((enum p2p_cmd)(data[0] % P2P_CMD_COUNT_), data + 1, size - 1);
	while (left > 0) {
		struct p2p_frame_header h;
		const uint8_t *payload;
		size_t frame_len;
		enum p2p_err err;
		enum p2p_frame_status st =
			p2p_frame_next(&h, &payload, &frame_len, &err, p, left, fuzz_magic);
		if (st == P2P_FRAME_MORE)
			break;
		if (st == P2P_FRAME_BAD) {
			if (err == P2P_ERR_OK)
				abort();
			break;
		}
		fuzz_frame(&h, p, frame_len, payload);
		p += frame_len;
		left -= frame_len;
	}
	return 0;
}
