/* Frames: the command table, network magics, the 24-byte header and its
 * checksum (msg.h, doc/p2p.md "Frames"). */
#include "config.h"

#include <string.h>

#include "crypto/sha256.h"
#include "p2p/msg.h"

/* Upper bounds of each payload, from the limits of its fields. */
#define P2P_VARINT_LEN(v) ((v) < 128 ? 1 : (v) < 16384 ? 2 : (v) < 2097152 ? 3 : 4)
#define P2P_VERSION_MAX (4 + 8 + 8 + 8 + 1 + CHAIN_ID_MAX_LEN + 32 + 8 + 16 + 2 + 2 + \
			 P2P_VARINT_LEN(P2P_USER_AGENT_MAX) + P2P_USER_AGENT_MAX)
#define P2P_ADDR_MAX_PAYLOAD (P2P_VARINT_LEN(P2P_MAX_ADDR) + P2P_MAX_ADDR * P2P_ADDR_ENTRY_SIZE)
#define P2P_INV_MAX_PAYLOAD (P2P_VARINT_LEN(P2P_MAX_INV) + P2P_MAX_INV * P2P_INV_ENTRY_SIZE)
#define P2P_BLOCK_MAX_PAYLOAD (P2P_VARINT_LEN(BLOCK_MAX_SIZE) + BLOCK_MAX_SIZE + \
			       P2P_VARINT_LEN(P2P_COMMIT_MAX_SIZE) + P2P_COMMIT_MAX_SIZE)

struct p2p_cmd_row {
	const char *name;
	size_t max_payload;
};

static const struct p2p_cmd_row p2p_cmd_rows[P2P_CMD_COUNT_] = {
	[P2P_CMD_UNKNOWN] = { "", P2P_MAX_PAYLOAD },
	[P2P_CMD_VERSION] = { "version", P2P_VERSION_MAX },
	[P2P_CMD_VERACK] = { "verack", 0 },
	[P2P_CMD_PING] = { "ping", 8 },
	[P2P_CMD_PONG] = { "pong", 8 },
	[P2P_CMD_GETADDR] = { "getaddr", 0 },
	[P2P_CMD_ADDR] = { "addr", P2P_ADDR_MAX_PAYLOAD },
	[P2P_CMD_INV] = { "inv", P2P_INV_MAX_PAYLOAD },
	[P2P_CMD_GETDATA] = { "getdata", P2P_INV_MAX_PAYLOAD },
	[P2P_CMD_NOTFOUND] = { "notfound", P2P_INV_MAX_PAYLOAD },
	[P2P_CMD_TX] = { "tx", TX_MAX_SIZE },
	[P2P_CMD_GETBLOCKS] = { "getblocks", 12 },
	[P2P_CMD_BLOCK] = { "block", P2P_BLOCK_MAX_PAYLOAD },
	[P2P_CMD_PROPOSAL] = { "proposal", P2P_MAX_PAYLOAD },
	[P2P_CMD_VOTE] = { "vote", P2P_MAX_VOTE_PAYLOAD },
};

_Static_assert(P2P_BLOCK_MAX_PAYLOAD <= P2P_MAX_PAYLOAD, "a block message fits a frame");
_Static_assert(P2P_INV_MAX_PAYLOAD <= P2P_MAX_PAYLOAD, "an inv message fits a frame");

const char *p2p_cmd_name(enum p2p_cmd cmd)
{
	if ((unsigned)cmd >= (unsigned)P2P_CMD_COUNT_)
		return "";
	return p2p_cmd_rows[cmd].name;
}

enum p2p_cmd p2p_cmd_from_name(const char *name)
{
	for (int i = 1; name != NULL && name[0] != '\0' && i < P2P_CMD_COUNT_; i++)
		if (strcmp(p2p_cmd_rows[i].name, name) == 0)
			return (enum p2p_cmd)i;
	return P2P_CMD_UNKNOWN;
}

size_t p2p_cmd_max_payload(enum p2p_cmd cmd)
{
	if ((unsigned)cmd >= (unsigned)P2P_CMD_COUNT_)
		return P2P_MAX_PAYLOAD;
	return p2p_cmd_rows[cmd].max_payload;
}

struct p2p_network_row {
	const char *name;
	uint8_t magic[P2P_MAGIC_LEN];
};

/* A first byte above 0x7f that is never the first byte of UTF-8 text, then
 * "RO" and a letter per network. */
static const struct p2p_network_row p2p_networks[] = {
	{ "main", { 0xf9, 'R', 'O', 'M' } },
	{ "testnet", { 0xf9, 'R', 'O', 'T' } },
	{ "regtest", { 0xf9, 'R', 'O', 'R' } },
};

bool p2p_network_magic(uint8_t out[P2P_MAGIC_LEN], const char *network)
{
	for (size_t i = 0; network != NULL && i < sizeof(p2p_networks) / sizeof(p2p_networks[0]); i++) {
		if (strcmp(p2p_networks[i].name, network) == 0) {
			memcpy(out, p2p_networks[i].magic, P2P_MAGIC_LEN);
			return true;
		}
	}
	memset(out, 0, P2P_MAGIC_LEN);
	return false;
}

/* A canonical command: 1 to 12 bytes of 0x21..0x7e, then only NULs. */
static bool p2p_command_valid(const uint8_t c[P2P_COMMAND_LEN])
{
	size_t n = 0;
	while (n < P2P_COMMAND_LEN && c[n] != 0) {
		if (c[n] < 0x21 || c[n] > 0x7e)
			return false;
		n++;
	}
	if (n == 0)
		return false;
	for (size_t i = n; i < P2P_COMMAND_LEN; i++)
		if (c[i] != 0)
			return false;
	return true;
}

enum p2p_frame_status p2p_frame_header_decode(struct p2p_frame_header *out, enum p2p_err *err,
					      const uint8_t *data, size_t len,
					      const uint8_t magic[P2P_MAGIC_LEN])
{
	struct reader r;
	uint8_t command[P2P_COMMAND_LEN];

	memset(out, 0, sizeof(*out));
	*err = P2P_ERR_OK;
	if (len < P2P_HEADER_LEN)
		return P2P_FRAME_MORE;
	reader_init(&r, data, P2P_HEADER_LEN);
	reader_get(&r, out->magic, P2P_MAGIC_LEN);
	reader_get(&r, command, P2P_COMMAND_LEN);
	reader_get_u32le(&r, &out->length);
	reader_get(&r, out->checksum, P2P_CHECKSUM_LEN);
	if (memcmp(out->magic, magic, P2P_MAGIC_LEN) != 0)
		*err = P2P_ERR_BAD_MAGIC;
	else if (!p2p_command_valid(command))
		*err = P2P_ERR_BAD_COMMAND;
	if (*err != P2P_ERR_OK) {
		memset(out, 0, sizeof(*out));
		return P2P_FRAME_BAD;
	}
	memcpy(out->command, command, P2P_COMMAND_LEN);
	out->command[P2P_COMMAND_LEN] = '\0';
	out->cmd = p2p_cmd_from_name(out->command);
	if (out->length > p2p_cmd_max_payload(out->cmd)) {
		*err = P2P_ERR_TOO_LARGE;
		return P2P_FRAME_BAD;
	}
	return P2P_FRAME_READY;
}

static void p2p_checksum(uint8_t out[P2P_CHECKSUM_LEN], const uint8_t *payload, size_t len)
{
	uint8_t h[SHA256_LEN];
	sha256(h, payload, len);
	memcpy(out, h, P2P_CHECKSUM_LEN);
}

bool p2p_frame_checksum_ok(const struct p2p_frame_header *h, const uint8_t *payload)
{
	uint8_t sum[P2P_CHECKSUM_LEN];
	p2p_checksum(sum, payload, h->length);
	return memcmp(sum, h->checksum, P2P_CHECKSUM_LEN) == 0;
}

enum p2p_frame_status p2p_frame_next(struct p2p_frame_header *hdr, const uint8_t **payload,
				     size_t *frame_len, enum p2p_err *err, const uint8_t *data,
				     size_t len, const uint8_t magic[P2P_MAGIC_LEN])
{
	enum p2p_frame_status st = p2p_frame_header_decode(hdr, err, data, len, magic);

	*payload = NULL;
	*frame_len = 0;
	if (st != P2P_FRAME_READY)
		return st;
	if (len - P2P_HEADER_LEN < hdr->length) {
		memset(hdr, 0, sizeof(*hdr));
		return P2P_FRAME_MORE;
	}
	if (!p2p_frame_checksum_ok(hdr, data + P2P_HEADER_LEN)) {
		*err = P2P_ERR_BAD_CHECKSUM;
		return P2P_FRAME_BAD;
	}
	*payload = data + P2P_HEADER_LEN;
	*frame_len = P2P_HEADER_LEN + (size_t)hdr->length;
	return P2P_FRAME_READY;
}

bool p2p_frame_encode(struct buf *out, const uint8_t magic[P2P_MAGIC_LEN], const char *command,
		      const uint8_t *payload, size_t len)
{
	uint8_t cmd[P2P_COMMAND_LEN] = { 0 };
	uint8_t sum[P2P_CHECKSUM_LEN];
	size_t n = command ? strlen(command) : 0;

	if (n > P2P_COMMAND_LEN)
		n = 0; /* refused below */
	if (n > 0)
		memcpy(cmd, command, n);
	if (n == 0 || !p2p_command_valid(cmd) || len > p2p_cmd_max_payload(p2p_cmd_from_name(command)) ||
	    !buf_reserve(out, P2P_HEADER_LEN + len)) {
		out->failed = true;
		return false;
	}
	p2p_checksum(sum, payload, len);
	buf_put(out, magic, P2P_MAGIC_LEN);
	buf_put(out, cmd, P2P_COMMAND_LEN);
	buf_put_u32le(out, (uint32_t)len);
	buf_put(out, sum, P2P_CHECKSUM_LEN);
	buf_put(out, payload, len);
	return buf_ok(out);
}
