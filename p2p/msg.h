/* P2P frames and messages: the wire format of doc/p2p.md, byte by byte.
 *
 * A frame is a 24-byte header and a payload:
 *
 *   magic     4   one per network (p2p_network_magic)
 *   command  12   ASCII, 1 to 12 bytes of 0x21..0x7e, NUL-padded; no
 *                 byte after the first NUL may be non-zero
 *   length    4   u32le, the payload's length
 *   checksum  4   the first 4 bytes of SHA-256(payload)
 *
 * The header is checked (magic, command, length against the command's
 * maximum, p2p_cmd_max_payload) before anything of the payload is read or
 * allocated. Payloads use the encodings of util/buf.h (little-endian
 * integers, minimal LEB128 varints); each has exactly one valid encoding,
 * and a decoder refuses truncation, trailing bytes, over-long lists and
 * out-of-range fields, each with a reason (policy.h).
 *
 * Messages are plain values (struct p2p_msg). A decoded message owns what
 * it holds (lists, a transaction, a block) and p2p_msg_release frees it;
 * the opaque payloads of reserved and unknown commands are views into the
 * decoded input. A message built for sending points at the caller's lists
 * and owns nothing.
 */
#ifndef ROSTRA_P2P_MSG_H
#define ROSTRA_P2P_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sha256.h"
#include "p2p/addr.h"
#include "p2p/policy.h"
#include "primitives/block.h"
#include "primitives/chain_id.h"
#include "primitives/commit.h"
#include "primitives/tx.h"
#include "util/buf.h"

#define P2P_MAGIC_LEN 4
#define P2P_COMMAND_LEN 12
#define P2P_CHECKSUM_LEN 4
#define P2P_HEADER_LEN 24

/* The largest payload of any command: a 2 MiB block with its commit fits
 * with room for a proposal that carries a block. */
#define P2P_MAX_PAYLOAD ((size_t)4 << 20)
#define P2P_MAX_FRAME (P2P_HEADER_LEN + P2P_MAX_PAYLOAD)

#define P2P_PROTOCOL_VERSION 1
#define P2P_MIN_PROTOCOL_VERSION 1

/* Service bits of version and addr. */
#define P2P_SERVICE_NETWORK (UINT64_C(1) << 0) /* serves blocks and relays */

/* List and field limits. */
#define P2P_USER_AGENT_MAX 256
#define P2P_MAX_ADDR 1000
#define P2P_MAX_INV 16384
#define P2P_MAX_GETBLOCKS 32
/* An encoded commit of a full validator set: height, round, block id, a
 * 2-byte count and one flag + signature per member. */
#define P2P_COMMIT_MAX_SIZE (8 + 4 + 32 + 2 + MAX_VALIDATORS * (1 + SIG_LEN))
/* The reserved consensus commands' limits until the consensus issue fixes
 * their payloads. */
#define P2P_MAX_VOTE_PAYLOAD ((size_t)64 << 10)

#define P2P_ADDR_ENTRY_SIZE 34 /* ip 16, port 2, services 8, time 8 */
#define P2P_INV_ENTRY_SIZE 33  /* type 1, hash 32 */

enum p2p_cmd {
	P2P_CMD_UNKNOWN = 0,
	P2P_CMD_VERSION,
	P2P_CMD_VERACK,
	P2P_CMD_PING,
	P2P_CMD_PONG,
	P2P_CMD_GETADDR,
	P2P_CMD_ADDR,
	P2P_CMD_INV,
	P2P_CMD_GETDATA,
	P2P_CMD_NOTFOUND,
	P2P_CMD_TX,
	P2P_CMD_GETBLOCKS,
	P2P_CMD_BLOCK,
	P2P_CMD_PROPOSAL, /* reserved for consensus gossip: opaque payload */
	P2P_CMD_VOTE,     /* reserved for consensus gossip: opaque payload */
	P2P_CMD_COUNT_
};

/* Returns the wire name of cmd ("version"); "" for P2P_CMD_UNKNOWN and out
 * of range. Static. */
const char *p2p_cmd_name(enum p2p_cmd cmd);
/* Returns the command named name, or P2P_CMD_UNKNOWN. */
enum p2p_cmd p2p_cmd_from_name(const char *name);
/* Returns the largest payload cmd may carry (P2P_MAX_PAYLOAD for
 * P2P_CMD_UNKNOWN). */
size_t p2p_cmd_max_payload(enum p2p_cmd cmd);

/* The magic of network "main", "testnet" or "regtest". Out: out (zeroed
 * for another name). Returns false for another name. */
bool p2p_network_magic(uint8_t out[P2P_MAGIC_LEN], const char *network);

/* --------------------------------------------------------------- frames */

struct p2p_frame_header {
	uint8_t magic[P2P_MAGIC_LEN];
	char command[P2P_COMMAND_LEN + 1]; /* NUL-terminated */
	enum p2p_cmd cmd;                  /* P2P_CMD_UNKNOWN if not ours */
	uint32_t length;
	uint8_t checksum[P2P_CHECKSUM_LEN];
};

enum p2p_frame_status {
	P2P_FRAME_MORE = 0, /* not enough bytes yet */
	P2P_FRAME_READY,    /* a header (or a whole frame) was decoded */
	P2P_FRAME_BAD,      /* rejected: see the error */
};

/* Decode the header at data[0..len) (only the first 24 bytes are read), in
 * this order: magic (BAD_MAGIC), command (BAD_COMMAND), length against the
 * command's maximum (TOO_LARGE). Out: out (zeroed unless READY), *err
 * (P2P_ERR_OK unless BAD). Returns MORE when len < P2P_HEADER_LEN. */
enum p2p_frame_status p2p_frame_header_decode(struct p2p_frame_header *out, enum p2p_err *err,
					      const uint8_t *data, size_t len,
					      const uint8_t magic[P2P_MAGIC_LEN]);
/* True when payload[0..h->length) matches h's checksum. */
bool p2p_frame_checksum_ok(const struct p2p_frame_header *h, const uint8_t *payload);
/* Split one whole frame off the start of data[0..len): the header as
 * p2p_frame_header_decode, then, once the payload is complete, its
 * checksum (BAD_CHECKSUM). Out: *hdr, *payload (a view into data),
 * *frame_len (header + payload), *err. Returns MORE until the frame is
 * complete; the outputs are zero/NULL unless READY (hdr and err are also
 * set when BAD). */
enum p2p_frame_status p2p_frame_next(struct p2p_frame_header *hdr, const uint8_t **payload,
				     size_t *frame_len, enum p2p_err *err, const uint8_t *data,
				     size_t len, const uint8_t magic[P2P_MAGIC_LEN]);
/* Append a frame of command (1 to 12 bytes of 0x21..0x7e) and
 * payload[0..len) to out. Returns false (out unchanged but failed) if the
 * command is not valid, len is above the command's maximum, or out
 * cannot grow. */
bool p2p_frame_encode(struct buf *out, const uint8_t magic[P2P_MAGIC_LEN], const char *command,
		      const uint8_t *payload, size_t len);

/* ------------------------------------------------------------- payloads */

/* version: the first message each side sends. */
struct p2p_version {
	uint32_t version;            /* protocol version */
	uint64_t services;           /* P2P_SERVICE_* bits */
	uint64_t time_ms;            /* sender's clock, ms since the epoch */
	uint64_t nonce;              /* random per connection: detects self */
	struct chain_id chain_id;
	struct hash256 genesis;      /* genesis block id */
	uint64_t best_height;
	struct p2p_addr addr_recv;   /* the receiver's address as the sender sees it */
	uint16_t listen_port;        /* the sender's listening port, 0 if none */
	size_t user_agent_len;
	char user_agent[P2P_USER_AGENT_MAX + 1]; /* printable ASCII, NUL-terminated */
};

/* One address of an addr message. */
struct p2p_addr_entry {
	struct p2p_addr addr;
	uint64_t services;
	uint64_t time_ms;            /* last seen, ms since the epoch */
};

struct p2p_addr_list {
	size_t n;                    /* 1..P2P_MAX_ADDR */
	struct p2p_addr_entry *v;
	bool owned;                  /* v is freed by p2p_msg_release */
};

enum p2p_inv_type {
	P2P_INV_TX = 1,              /* hash: a txid */
	P2P_INV_BLOCK = 2,           /* hash: a block id */
};

struct p2p_inv {
	uint8_t type;                /* enum p2p_inv_type */
	struct hash256 hash;
};

struct p2p_inv_list {
	size_t n;                    /* 1..P2P_MAX_INV */
	struct p2p_inv *v;
	bool owned;
};

/* getblocks: the blocks at heights from_height .. from_height + count - 1,
 * each answered by a block message, in height order, as far as the
 * receiver's chain goes. */
struct p2p_getblocks {
	uint64_t from_height;        /* >= 1 */
	uint32_t count;              /* 1..P2P_MAX_GETBLOCKS */
};

/* block: a block and the commit that finalised it (so the tip travels with
 * its own commit; the commit of height h - 1 also travels inside block h as
 * its last commit). */
struct p2p_block_msg {
	struct block block;
	struct commit commit;
};

/* The payload of a reserved or unknown command, not interpreted. */
struct p2p_opaque {
	const uint8_t *p;
	size_t len;
};

struct p2p_msg {
	enum p2p_cmd cmd;
	union {
		struct p2p_version version;       /* VERSION */
		uint64_t nonce;                   /* PING, PONG */
		struct p2p_addr_list addr;        /* ADDR */
		struct p2p_inv_list inv;          /* INV, GETDATA, NOTFOUND */
		struct tx tx;                     /* TX */
		struct p2p_getblocks getblocks;   /* GETBLOCKS */
		struct p2p_block_msg block;       /* BLOCK */
		struct p2p_opaque opaque;         /* PROPOSAL, VOTE, UNKNOWN */
	} u;
};

/* Zero m as an empty message of command cmd (VERACK and GETADDR need
 * nothing more). Out: m. */
void p2p_msg_init(struct p2p_msg *m, enum p2p_cmd cmd);
/* Free what m owns and zero it (its cmd becomes P2P_CMD_UNKNOWN). */
void p2p_msg_release(struct p2p_msg *m);

/* Decode the payload data[0..len) of a frame of command cmd. Out: out
 * (zeroed, cmd P2P_CMD_UNKNOWN, on failure; owning its lists, tx or block
 * on success; opaque payloads are views into data), *why (code P2P_ERR_OK
 * on success). Returns true on success; then p2p_msg_encode(out) == data
 * (for a block, its encoding and its commit's). See doc/p2p.md for each
 * payload's rules and their order. */
bool p2p_msg_decode(struct p2p_msg *out, struct p2p_reject *why, enum p2p_cmd cmd,
		    const uint8_t *data, size_t len);
/* Append the payload of m to out. Returns false (a failed out) when m
 * breaks a rule of its encoding (an over-long list or user agent, an
 * inventory type, a getblocks range) or out cannot grow. */
bool p2p_msg_encode(struct buf *out, const struct p2p_msg *m);
/* Append the whole frame of m (not of P2P_CMD_UNKNOWN) to out. Returns
 * false when p2p_msg_encode or p2p_frame_encode fails. */
bool p2p_msg_frame(struct buf *out, const uint8_t magic[P2P_MAGIC_LEN], const struct p2p_msg *m);

/* Append a block payload built from stored encodings (a block and its
 * commit, as the block store keeps them) without decoding them. Returns
 * false if a length is above its limit or out cannot grow. */
bool p2p_msg_block_payload(struct buf *out, const uint8_t *block, size_t block_len,
			   const uint8_t *commit, size_t commit_len);

#endif
