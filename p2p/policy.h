/* Why the P2P layer refuses bytes or ends a connection, and what happens
 * to the peer: the misbehaviour policy (doc/p2p.md, "Misbehaviour").
 *
 * One table, P2P_ERRORS, lists every reason with its stable name, its
 * verdict and whether it is fatal to the byte stream:
 *
 *   - P2P_VERDICT_DISCOURAGE: no honest node sends this (a malformed
 *     encoding, a bad checksum, a wrong chain id, a protocol violation):
 *     the peer is disconnected and its address discouraged;
 *   - P2P_VERDICT_DISCONNECT: the connection ends but nobody is blamed
 *     (timeouts, a full receive buffer, a connection to ourselves, an
 *     eviction, a request of the operator);
 *   - P2P_VERDICT_IGNORE: the message is dropped and the peer stays (an
 *     unknown command within its allowance).
 *
 * "fatal" says that the connection cannot go on even when the peer is
 * exempt from punishment: after a bad magic or an impossible length the
 * stream has lost its framing, and a peer on another chain is of no use.
 *
 * Rejections made above the P2P layer follow their own modules' verdicts,
 * mapped here so that the node applies one rule everywhere:
 *   - a primitive that fails to decode or check: prim_err_punishable;
 *   - a transaction the mempool refuses: mempool_reject.punishable (state
 *     races such as a used nonce or a full pool are not punished);
 *   - a block that fails verification: p2p_policy_ledger below.
 * Manual peers (-addnode, -connect) are never punished: see
 * p2p_policy_exempt.
 */
#ifndef ROSTRA_P2P_POLICY_H
#define ROSTRA_P2P_POLICY_H

#include <stdbool.h>

#include "ledger/ledger.h"
#include "primitives/prim_err.h"

struct mempool_reject;

enum p2p_verdict {
	P2P_VERDICT_OK = 0,     /* nothing was rejected */
	P2P_VERDICT_IGNORE,     /* drop the message, keep the peer */
	P2P_VERDICT_DISCONNECT, /* close the connection, no punishment */
	P2P_VERDICT_DISCOURAGE, /* close and discourage the peer's address */
};

/* X(ENUM_SUFFIX, "name", VERDICT_SUFFIX, fatal, "message"). The names are
 * an external interface (logs, getpeerinfo, doc/p2p.md): append only at the
 * end of a group. */
#define P2P_ERRORS(X) \
	X(OK, "ok", OK, false, "no error") \
	/* frames */ \
	X(BAD_MAGIC, "bad_magic", DISCOURAGE, true, "frame magic is not this network's") \
	X(BAD_COMMAND, "bad_command", DISCOURAGE, true, "command is not 1 to 12 printable ASCII bytes, NUL-padded") \
	X(TOO_LARGE, "too_large", DISCOURAGE, true, "payload length is above the command's maximum") \
	X(BAD_CHECKSUM, "bad_checksum", DISCOURAGE, false, "payload checksum does not match") \
	/* payloads */ \
	X(TRUNCATED, "truncated", DISCOURAGE, false, "payload ends in the middle of a field") \
	X(TRAILING, "trailing", DISCOURAGE, false, "unexpected bytes after the end of the payload") \
	X(VARINT, "varint", DISCOURAGE, false, "integer is not minimally encoded or does not fit in 64 bits") \
	X(LIST_LENGTH, "list_length", DISCOURAGE, false, "list is empty or longer than its maximum") \
	X(USER_AGENT, "user_agent", DISCOURAGE, false, "user agent is longer than 256 bytes or not printable ASCII") \
	X(INV_TYPE, "inv_type", DISCOURAGE, false, "inventory type must be 1 (tx) or 2 (block)") \
	X(GETBLOCKS_RANGE, "getblocks_range", DISCOURAGE, false, "getblocks must ask for 1 to 32 heights from height 1 up") \
	X(BLOCK_COMMIT, "block_commit", DISCOURAGE, false, "the commit is not for the block it travels with") \
	X(PRIM, "prim", DISCOURAGE, false, "an embedded transaction, block or commit is invalid (see prim)") \
	/* the handshake and the protocol */ \
	X(WRONG_CHAIN, "wrong_chain", DISCOURAGE, true, "peer is on another chain (chain id or genesis hash)") \
	X(OBSOLETE, "obsolete", DISCONNECT, true, "peer's protocol version is below the minimum") \
	X(SELF, "self", DISCONNECT, true, "connected to ourselves") \
	X(DUPLICATE_VERSION, "duplicate_version", DISCOURAGE, false, "a second version message") \
	X(UNEXPECTED, "unexpected", DISCOURAGE, false, "verack before version, or a second verack") \
	X(BEFORE_HANDSHAKE, "before_handshake", DISCOURAGE, false, "message before the handshake completed") \
	X(UNKNOWN_COMMAND, "unknown_command", IGNORE, false, "unknown command (ignored)") \
	X(UNKNOWN_FLOOD, "unknown_flood", DISCOURAGE, false, "too many unknown commands") \
	X(MISBEHAVING, "misbehaving", DISCOURAGE, false, "the node found a message of the peer invalid") \
	/* the connection ends, nobody is blamed */ \
	X(CLOSED, "closed", DISCONNECT, true, "the peer closed the connection") \
	X(SOCKET, "socket", DISCONNECT, true, "socket error") \
	X(CONNECT_FAILED, "connect_failed", DISCONNECT, true, "could not connect") \
	X(HANDSHAKE_TIMEOUT, "handshake_timeout", DISCONNECT, true, "no handshake in time") \
	X(PING_TIMEOUT, "ping_timeout", DISCONNECT, true, "no pong in time") \
	X(INACTIVITY, "inactivity", DISCONNECT, true, "nothing received or sent for too long") \
	X(RECV_BUFFER, "recv_buffer", DISCONNECT, true, "a frame does not fit in the receive buffer") \
	X(SEND_QUEUE, "send_queue", DISCONNECT, true, "the peer does not read what is sent to it") \
	X(EVICTED, "evicted", DISCONNECT, true, "evicted to make room for another inbound peer") \
	X(INBOUND_FULL, "inbound_full", DISCONNECT, true, "no room for another inbound peer") \
	X(BANNED, "banned", DISCONNECT, true, "address is banned") \
	X(DISCOURAGED, "discouraged", DISCONNECT, true, "address is discouraged") \
	X(REQUESTED, "requested", DISCONNECT, true, "disconnected on request") \
	X(NETWORK_INACTIVE, "network_inactive", DISCONNECT, true, "networking is switched off") \
	X(SHUTDOWN, "shutdown", DISCONNECT, true, "shutting down") \
	X(SEED_DONE, "seed_done", DISCONNECT, true, "addresses fetched from a seed node") \
	X(NO_MEMORY, "no_memory", DISCONNECT, true, "out of memory")

enum p2p_err {
#define P2P_ERR_ENUM(e, name, verdict, fatal, msg) P2P_ERR_##e,
	P2P_ERRORS(P2P_ERR_ENUM)
#undef P2P_ERR_ENUM
	P2P_ERR_COUNT_
};

/* A rejection: the reason and, for P2P_ERR_PRIM, the primitives' reason
 * (PRIM_ERR_OK otherwise). */
struct p2p_reject {
	enum p2p_err code;
	enum prim_err prim;
};

/* The stable name of e ("bad_magic"); "?" when out of range. Static. */
const char *p2p_err_name(enum p2p_err e);
/* A message a person understands; static. */
const char *p2p_err_str(enum p2p_err e);
/* The error named name, or P2P_ERR_COUNT_. */
enum p2p_err p2p_err_from_name(const char *name);
/* True when e ends the connection even for a peer exempt from
 * punishment. */
bool p2p_err_fatal(enum p2p_err e);
/* The name of a verdict ("discourage"); "?" when out of range. */
const char *p2p_verdict_name(enum p2p_verdict v);

/* The name of a rejection: the prim_err name for P2P_ERR_PRIM ("truncated"
 * of a transaction), else p2p_err_name. Static. */
const char *p2p_reject_name(const struct p2p_reject *r);

/* The verdict of the table for a P2P reason. For P2P_ERR_PRIM it is
 * p2p_policy_prim(prim); prim is ignored otherwise. */
enum p2p_verdict p2p_policy_verdict(enum p2p_err e, enum prim_err prim);
/* A primitive that failed to decode or to pass its stateless checks:
 * DISCOURAGE when prim_err_punishable(e), IGNORE otherwise (an unknown
 * transaction type, a block version newer than ours), OK for PRIM_ERR_OK. */
enum p2p_verdict p2p_policy_prim(enum prim_err e);
/* A transaction the mempool refused: DISCOURAGE when r->punishable, else
 * IGNORE (a nonce already used, a full pool, a low fee); OK when r->code is
 * MEMPOOL_OK. */
enum p2p_verdict p2p_policy_mempool(const struct mempool_reject *r);
/* A block that failed verification by the ledger with code (prim for
 * LEDGER_ERR_PRIM): DISCOURAGE when the block
 * itself is invalid; IGNORE when the failure depends on our state (a block
 * that is not the next one: a parent not seen yet, or one we already have)
 * or is a local problem (storage, a stale execution). */
enum p2p_verdict p2p_policy_ledger(enum ledger_err code, enum prim_err prim);

/* Apply the exemption of manual peers to verdict v for a reason that is
 * (fatal) or is not fatal to the stream: a manual peer is never
 * discouraged; DISCOURAGE becomes DISCONNECT when fatal, else IGNORE.
 * Other verdicts, and every verdict of a peer that is not manual, are
 * returned unchanged. */
enum p2p_verdict p2p_policy_exempt(enum p2p_verdict v, bool fatal, bool manual);

#endif
