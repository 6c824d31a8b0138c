/* Connections: the P2P layer the node drives (doc/p2p.md, "Connections").
 *
 * A struct p2p owns the peers of one node on an event base it is given (the
 * node's main loop; DESIGN.md, Runtime model). It listens, dials, frames
 * and parses bytes as they arrive, runs the handshake (version, verack),
 * pings, timeouts, address gossip and the address book, bans and
 * discouragement, inbound eviction and the outbound target. Everything
 * else a peer sends (inventory, transactions, blocks, consensus messages)
 * is decoded and handed to the node through struct p2p_callbacks, and the
 * node answers with the send functions below: transaction relay, block
 * sync and consensus gossip are written against this interface.
 *
 * Threads: every function must be called from the thread running the
 * event base, and never after p2p_destroy.
 *
 * Peers: a struct p2p_peer is owned by the P2P layer. The node may keep a
 * pointer to one from on_handshake until on_disconnect returns for it (or
 * keep its id, which is never reused, and look it up with p2p_peer_find).
 * A peer is never freed inside one of its own callbacks: closing marks it,
 * and a deferred event frees it (and calls on_disconnect) once the loop is
 * idle, so a callback may disconnect the very peer it was called for.
 *
 * Misbehaviour (policy.h): what the layer decodes itself is judged by the
 * table; what the node finds invalid it reports with p2p_peer_misbehaved.
 * Manual peers are never punished.
 */
#ifndef ROSTRA_P2P_P2P_H
#define ROSTRA_P2P_P2P_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sha256.h"
#include "p2p/addr.h"
#include "p2p/addrman.h"
#include "p2p/banlist.h"
#include "p2p/msg.h"
#include "p2p/policy.h"
#include "primitives/chain_id.h"

struct event_base;
struct logger;
struct clock;
struct p2p;
struct p2p_peer;

/* How a connection came about. */
enum p2p_conn_kind {
	P2P_CONN_INBOUND = 0, /* they dialled us */
	P2P_CONN_OUTBOUND,    /* we dialled, to reach the outbound target */
	P2P_CONN_MANUAL,      /* we dialled: -connect, -addnode, the addnode RPC */
	P2P_CONN_SEED,        /* we dialled to fetch addresses, then leave */
};

/* The name of a kind ("inbound", "outbound", "manual", "seed"). */
const char *p2p_conn_kind_name(enum p2p_conn_kind k);

struct p2p_options {
	/* Who we are. */
	uint8_t magic[P2P_MAGIC_LEN];
	struct chain_id chain_id;
	struct hash256 genesis;
	uint64_t services;               /* default P2P_SERVICE_NETWORK */
	const char *user_agent;          /* printable ASCII, at most 256 bytes;
					  * copied; NULL: "/rostra:VERSION/" */
	/* Limits. */
	size_t max_outbound;             /* the outbound target; default 8 */
	size_t max_inbound;              /* default 117 (125 - 8) */
	size_t recv_cap;                 /* bytes buffered from one peer; a frame
					  * that cannot fit closes it. At least
					  * P2P_HEADER_LEN + 1024; default
					  * P2P_MAX_FRAME + 64 KiB */
	size_t send_cap;                 /* queued to one peer before it counts as
					  * blocked; at least 1024; default 4 MiB */
	/* Timing, ms. */
	int64_t tick_ms;                 /* timer period; default 1000 */
	int64_t handshake_timeout_ms;    /* default 60 s */
	int64_t ping_interval_ms;        /* default 2 min */
	int64_t ping_timeout_ms;         /* default 1 min */
	int64_t inactivity_timeout_ms;   /* nothing received, or a send queue that
					  * does not move; default 20 min */
	int64_t connect_interval_ms;     /* outbound top-up; default 5 s */
	int64_t manual_retry_ms;         /* first reconnection delay of a manual
					  * peer, doubling to 64 times; default 5 s */
	int64_t discourage_ms;           /* default 24 hours */
	int64_t save_interval_ms;        /* peers.dat; default 15 min */
	/* Gossip. */
	uint32_t addr_rate_per_min;      /* addresses accepted per peer per
					  * minute, refilling a bucket of
					  * P2P_MAX_ADDR; default 6 */
	uint32_t unknown_burst;          /* unknown commands allowed in a burst,
					  * refilled one per minute; default 20 */
	/* The address book and files in the data directory (NULL: none). */
	struct p2p_addrman_options addrman;
	const char *peers_path;          /* copied */
	const char *banlist_path;        /* copied */
	/* Our listening port, told to peers (0: not listening; p2p_listen sets
	 * it if still 0). */
	uint16_t listen_port;
};

/* Out: o, the defaults above, for network "main"/"testnet"/"regtest"
 * (magic; chain id and genesis are left zero for the caller). Returns
 * false for another network name. */
bool p2p_options_default(struct p2p_options *o, const char *network);

/* What the node provides. Every callback is optional (NULL) and is called
 * on the loop thread. p2p is the caller's struct p2p; the callbacks may
 * call any function here except p2p_destroy. */
struct p2p_callbacks {
	void *ctx;
	/* The handshake with peer completed (version and verack both ways,
	 * chain checked). From now until on_disconnect the node may send to it
	 * and will get its messages. */
	void (*on_handshake)(void *ctx, struct p2p *p2p, struct p2p_peer *peer);
	/* A message for the node: inv, getdata, notfound, tx, getblocks,
	 * block, proposal, vote. msg is decoded and valid for the call only;
	 * the callback may take what it owns by moving it out (for example
	 * `*mine = msg->u.block; block_init(&msg->u.block.block);`). Called
	 * only after on_handshake. */
	void (*on_message)(void *ctx, struct p2p *p2p, struct p2p_peer *peer, struct p2p_msg *msg);
	/* A peer that was announced by on_handshake is gone, for reason. The
	 * peer is freed when this returns. */
	void (*on_disconnect)(void *ctx, struct p2p *p2p, struct p2p_peer *peer, enum p2p_err reason);
	/* A peer whose send queue had passed send_cap has drained below half
	 * of it: the node may resume streaming to it (blocks for getblocks). */
	void (*on_send_ready)(void *ctx, struct p2p *p2p, struct p2p_peer *peer);
	/* Our best height, for the version message. NULL: 0. */
	uint64_t (*best_height)(void *ctx);
};

/* Create the layer on base (borrowed; must outlive it). opt and cb are
 * copied; log (may be NULL) and clock (may be NULL: the wall clock)
 * are borrowed. Loads the address book and bans from their paths (a
 * corrupt file is logged and ignored; see p2p_stats). Nothing is opened or
 * dialled yet. Out: err on failure. Returns NULL if an option is out of
 * range, randomness is missing or memory runs out. */
struct p2p *p2p_create(char *err, size_t errlen, struct event_base *base,
		       const struct p2p_options *opt, const struct p2p_callbacks *cb,
		       struct logger *log, const struct clock *clock);
/* Close every connection and listener without calling any callback, save
 * the address book and bans, and free everything. NULL is a no-op. */
void p2p_destroy(struct p2p *p2p);

/* Listen on bind (port 0: any free port). Out: *bound (may be NULL) the
 * address actually bound, err. Returns false if the socket cannot be
 * bound. Several listeners may be opened. */
bool p2p_listen(struct p2p *p2p, struct p2p_addr *bound, char *err, size_t errlen,
		const struct p2p_addr *bind);

/* Dial addr now as a connection of kind (not INBOUND). Refused (false, with
 * err) when networking is off, addr is banned or discouraged (except for
 * MANUAL), or a connection to addr exists. Out: *id (may be NULL) of the
 * new peer. The outcome arrives later: on_handshake, or nothing if it
 * fails before the handshake. */
bool p2p_connect(struct p2p *p2p, uint64_t *id, char *err, size_t errlen,
		 const struct p2p_addr *addr, enum p2p_conn_kind kind);

/* Keep a manual connection to addr (-addnode, addnode add): dialled now and
 * again with backoff whenever it is down. Returns false if addr is already
 * in the list or the list (64 entries) is full. */
bool p2p_addnode(struct p2p *p2p, const struct p2p_addr *addr);
/* Stop keeping addr (addnode remove); an open connection stays. Returns
 * false if it was not in the list. */
bool p2p_addnode_remove(struct p2p *p2p, const struct p2p_addr *addr);
/* The addnode list. Out: out[0..min(cap, n)). Returns n. */
size_t p2p_addnode_list(const struct p2p *p2p, struct p2p_addr *out, size_t cap);

/* Switch networking on or off (setnetworkactive): off closes every
 * connection and refuses new ones until switched on. */
void p2p_set_network_active(struct p2p *p2p, bool active);
bool p2p_network_active(const struct p2p *p2p);

/* Ban net until until_ms (setban add): every connected peer in it is
 * disconnected, and the list is saved. Out: err. Returns false if the ban
 * is not valid or the list is full (a failure to save is logged only). */
bool p2p_ban(struct p2p *p2p, char *err, size_t errlen, const struct p2p_subnet *net,
	     int64_t until_ms);
/* Lift the ban of net (setban remove); saved. Returns false if none. */
bool p2p_unban(struct p2p *p2p, const struct p2p_subnet *net);
/* Lift every ban (clearbanned); saved. */
void p2p_clear_bans(struct p2p *p2p);
/* The ban list and address book (borrowed, for listing: listbanned,
 * getnodeaddresses). */
struct p2p_banlist *p2p_get_banlist(struct p2p *p2p);
struct p2p_addrman *p2p_get_addrman(struct p2p *p2p);
/* Save the address book and the bans now. Out: err. Returns false if a
 * file could not be written. */
bool p2p_save(struct p2p *p2p, char *err, size_t errlen);

/* ------------------------------------------------------------ peers */

/* The peers whose handshake completed and that are not closing. Out:
 * out[0..min(cap, n)). Returns n. */
size_t p2p_peers(struct p2p *p2p, struct p2p_peer **out, size_t cap);
/* The peer with id (handshake done or not), or NULL. */
struct p2p_peer *p2p_peer_find(struct p2p *p2p, uint64_t id);

/* A peer's id (from 1, never reused by this struct p2p). */
uint64_t p2p_peer_id(const struct p2p_peer *peer);
/* The node's own per-peer state (NULL until set). */
void *p2p_peer_userdata(const struct p2p_peer *peer);
void p2p_peer_set_userdata(struct p2p_peer *peer, void *data);

/* What getpeerinfo shows. */
struct p2p_peer_info {
	uint64_t id;
	struct p2p_addr addr;
	enum p2p_conn_kind kind;
	bool handshaked;
	bool closing;
	uint32_t version;            /* theirs, once known */
	uint64_t services;
	uint64_t start_height;       /* their best height in version */
	char user_agent[P2P_USER_AGENT_MAX + 1];
	int64_t connected_ms;        /* wall clock */
	int64_t time_offset_ms;      /* their clock minus ours, from version */
	int64_t last_send_ms, last_recv_ms; /* wall clock, 0: never */
	int64_t ping_us, min_ping_us; /* -1: none yet */
	uint64_t bytes_sent, bytes_recv;
	uint64_t msgs_sent, msgs_recv;
	size_t send_queued, recv_queued; /* bytes */
	bool send_blocked;           /* the send queue passed send_cap */
	bool recv_paused;            /* p2p_peer_pause or send_blocked */
};
/* Out: *out. */
void p2p_peer_info(const struct p2p_peer *peer, struct p2p_peer_info *out);

/* Send m to peer. Returns false (nothing queued) if the peer is closing, m
 * cannot be encoded, or the send queue would pass its hard limit (then the
 * peer is disconnected with SEND_QUEUE: it does not read). */
bool p2p_send(struct p2p *p2p, struct p2p_peer *peer, const struct p2p_msg *m);
/* Send an already encoded payload of cmd (relaying stored transactions and
 * blocks without decoding them). As p2p_send; false also when len is above
 * the command's maximum. */
bool p2p_send_payload(struct p2p *p2p, struct p2p_peer *peer, enum p2p_cmd cmd,
		      const uint8_t *payload, size_t len);
/* True when peer's send queue passed send_cap and has not drained yet:
 * the node should hold back what can wait (see on_send_ready). */
bool p2p_peer_send_blocked(const struct p2p_peer *peer);

/* Stop (paused) or resume reading and handling peer's messages, e.g.
 * while a block from it is verified. Pauses nest. While paused, at most
 * recv_cap bytes are buffered and then the socket is not read. */
void p2p_peer_pause(struct p2p *p2p, struct p2p_peer *peer, bool paused);

/* Close peer for reason (REQUESTED for disconnectnode). Safe inside its
 * callbacks; a second call keeps the first reason. */
void p2p_peer_disconnect(struct p2p *p2p, struct p2p_peer *peer, enum p2p_err reason);

/* The node found something peer sent invalid, with verdict v (from
 * p2p_policy_mempool, p2p_policy_ledger, p2p_policy_prim) and a reason for
 * the log. DISCOURAGE closes the peer and discourages its address,
 * DISCONNECT closes it, IGNORE and OK do nothing; a manual peer is only
 * ever closed for a fatal reason, which node verdicts are not. Returns the
 * verdict applied. */
enum p2p_verdict p2p_peer_misbehaved(struct p2p *p2p, struct p2p_peer *peer, enum p2p_verdict v,
				     const char *why);

/* Mark peer as having just sent something useful (a new block or
 * transaction): such peers are protected from inbound eviction for a
 * while. */
void p2p_peer_note_useful(struct p2p *p2p, struct p2p_peer *peer);

/* ------------------------------------------------------------ stats */

struct p2p_stats {
	size_t peers;                 /* open, not closing */
	size_t inbound, outbound, manual, seed;
	size_t handshaked;
	uint64_t bytes_sent, bytes_recv;  /* since creation */
	uint64_t refused_banned, refused_discouraged, refused_full;
	uint64_t evicted, discouraged;
	uint64_t addr_rate_limited;   /* addresses dropped by the token bucket */
	uint64_t closed[P2P_ERR_COUNT_]; /* connections closed, by reason */
	enum p2p_file_status peers_file, banlist_file; /* as loaded */
};
/* Out: *out. */
void p2p_get_stats(const struct p2p *p2p, struct p2p_stats *out);

#endif
