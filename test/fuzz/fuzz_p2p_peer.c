/* libFuzzer target: the per-message handlers of the connection layer (the
 * handshake, ping, pong, getaddr, addr, unknown commands, rejections and
 * their verdicts), fed through a real struct p2p over a bufferevent pair.
 *
 * The input is a list of records, each framed by the target with a valid
 * checksum so that the fuzzer reaches the handlers behind it:
 *   u8 selector, u16le length, length bytes
 * selector % 17: 0..14 a command of enum p2p_cmd (0: "zz", unknown), 15 the
 * bytes sent as they are (no frame), 16 a frame with a broken checksum. If
 * the first input byte is odd, a valid version and verack open the stream,
 * so that the handlers after the handshake are reached.
 *
 * Properties: nothing crashes or leaks; a closed peer was closed for a
 * reason; a discouraged peer was closed; the address book never passes its
 * bound.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "crypto/crypto.h"
#include "fuzz.h"
#include "p2p/p2p_internal.h"

FUZZ_INITIALIZE_CRYPTO()

#define FUZZ_CHAIN "regtest-0a1b2c3d"

static void fuzz_frame(struct buf *out, const uint8_t magic[4], const char *cmd, const uint8_t *p,
		       size_t n, bool bad_sum)
{
	size_t at = out->len;
	if (!p2p_frame_encode(out, magic, cmd, p, n)) {
		/* Over the command's maximum: send the header's claim anyway. */
		out->failed = false;
		out->len = at;
		return;
	}
	if (bad_sum)
		out->data[at + 20] ^= 0x5a;
}

static void fuzz_version(struct buf *out, const uint8_t magic[4])
{
	struct p2p_msg m;
	struct buf pay = BUF_INIT;
	p2p_msg_init(&m, P2P_CMD_VERSION);
	m.u.version.version = P2P_PROTOCOL_VERSION;
	m.u.version.nonce = 7;
	if (!chain_id_parse(&m.u.version.chain_id, FUZZ_CHAIN))
		abort();
	memset(m.u.version.genesis.b, 0x47, 32);
	if (!p2p_msg_encode(&pay, &m))
		abort();
	fuzz_frame(out, magic, "version", pay.data, pay.len, false);
	fuzz_frame(out, magic, "verack", NULL, 0, false);
	buf_release(&pay);
}

/* Turn the records of the input into the bytes the peer sends. */
static void fuzz_stream(struct buf *out, const uint8_t magic[4], const uint8_t *data, size_t size)
{
	struct reader r;
	if (size > 0 && (data[0] & 1))
		fuzz_version(out, magic);
	reader_init(&r, data, size);
	uint8_t sel;
	uint16_t len;
	const uint8_t *p;
	while (fuzz_next_record(&r, &sel, &p, &len)) {
		sel %= 17;
		if (sel == 15)
			buf_put(out, p, len);
		else if (sel == 16)
			fuzz_frame(out, magic, "ping", p, len, true);
		else
			fuzz_frame(out, magic, sel == 0 ? "zz" : p2p_cmd_name((enum p2p_cmd)sel), p, len,
				   false);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_base *base = event_base_new();
	struct bufferevent *pair[2];
	struct p2p_options o;
	struct p2p *p2p;
	struct p2p_peer *peer;
	struct p2p_addr addr;
	struct p2p_stats st;
	struct buf stream = BUF_INIT;
	char err[256];

	if (base == NULL || !p2p_options_default(&o, "regtest") ||
	    !chain_id_parse(&o.chain_id, FUZZ_CHAIN) || !p2p_addr_parse(&addr, "10.0.0.1:5", 0))
		abort();
	memset(o.genesis.b, 0x47, 32);
	o.addrman.max_entries = 64;
	o.addrman.seed = 1;
	p2p = p2p_create(err, sizeof(err), base, &o, NULL, NULL, NULL);
	if (p2p == NULL || bufferevent_pair_new(base, 0, pair) != 0)
		abort();
	peer = p2p_peer_new(p2p, pair[0], &addr, P2P_CONN_INBOUND);
	if (peer == NULL)
		abort();
	fuzz_stream(&stream, o.magic, data, size);
	bufferevent_write(pair[1], stream.data, stream.len);
	for (int i = 0; i < 8; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	p2p_get_stats(p2p, &st);
	uint64_t closed = 0;
	for (int i = 0; i < P2P_ERR_COUNT_; i++)
		closed += st.closed[i];
	if (st.closed[P2P_ERR_OK] != 0 || closed > 1 || (st.discouraged > 0 && closed == 0) ||
	    p2p_addrman_count(p2p_get_addrman(p2p)) > 64)
		abort();
	p2p_destroy(p2p);
	bufferevent_free(pair[1]);
	event_base_free(base);
	buf_release(&stream);
	return 0;
}
