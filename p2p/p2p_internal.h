/* Private to p2p/: the connection layer's objects and what its files
 * share (p2p.h is the public side).
 *
 *   net.c    creation, listening, dialling, addnode, bans, stats
 *   peer.c   a peer's bufferevent: reading frames, sending, pausing,
 *            closing, and the deferred event that frees closed peers
 *   proto.c  the handshake and the messages the layer answers itself
 *            (ping, pong, getaddr, addr), and rejections
 *   tick.c   the timer: timeouts, pings, the outbound target, manual
 *            reconnection, periodic saves
 *   evict.c  which inbound peer makes room for a new one
 *
 * Times: "mono" values are ms of the monotonic clock (timeouts), "wall"
 * values ms since the epoch from the caller's clock (version, addresses,
 * bans). */
#ifndef ROSTRA_P2P_P2P_INTERNAL_H
#define ROSTRA_P2P_P2P_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "p2p/p2p.h"
#include "p2p/rng_internal.h"
#include "util/buf.h"

struct bufferevent;
struct evbuffer;
struct evbuffer_cb_entry;
struct event;
struct evconnlistener;

#define P2P_MAX_MANUAL 64
#define P2P_MAX_LISTENERS 8
/* Addresses remembered per peer as already known to it (not sent back). */
#define P2P_KNOWN_ADDRS 64
/* An addr message of at most this many entries is someone announcing
 * itself: its fresh new addresses are relayed. */
#define P2P_ADDR_RELAY_MAX 10
#define P2P_ADDR_RELAY_PEERS 2
/* How long a useful peer stays protected from eviction. */
#define P2P_USEFUL_MS ((int64_t)10 * 60 * 1000)

struct p2p_peer {
	struct p2p *p2p;
	uint64_t id;
	struct bufferevent *bev;
	struct evbuffer_cb_entry *in_cb, *out_cb;
	struct p2p_addr addr;
	enum p2p_conn_kind kind;

	/* Handshake. */
	bool connected;          /* TCP is up */
	bool version_sent, version_recv, verack_recv;
	bool handshaked;         /* both version and verack received */
	bool announced;          /* on_handshake was called */
	uint64_t local_nonce;    /* in the version we sent */
	uint32_t version;
	uint64_t services, start_height;
	uint16_t listen_port;
	struct p2p_addr addr_recv; /* us, as they see us */
	char user_agent[P2P_USER_AGENT_MAX + 1];
	int64_t time_offset_ms;

	/* Closing. */
	bool closing;
	enum p2p_err close_reason;
	bool needs_process;      /* buffered input to handle when resumed */

	/* Flow control. */
	unsigned pauses;         /* p2p_peer_pause nesting */
	bool send_blocked;
	bool reading;            /* EV_READ enabled */

	/* Timing (mono ms unless said). */
	uint64_t connected_mono, last_recv_mono, last_send_mono, useful_mono;
	int64_t connected_wall, last_recv_wall, last_send_wall;
	uint64_t ping_nonce, ping_sent_us, next_ping_mono;
	int64_t ping_us, min_ping_us;

	/* Gossip. */
	bool getaddr_sent, getaddr_answered;
	uint64_t addr_units, addr_refill_mono;       /* token bucket, 60000 units a token */
	uint64_t unknown_units, unknown_refill_mono; /* likewise */
	uint64_t known_addr[P2P_KNOWN_ADDRS];        /* hashes, a ring */
	size_t known_next;

	/* Counters. */
	uint64_t bytes_sent, bytes_recv, msgs_sent, msgs_recv;

	void *userdata;
};

struct p2p_manual {
	struct p2p_addr addr;
	uint64_t peer_id;        /* the open connection, 0 if none */
	uint32_t failures;       /* dials since the last handshake */
	uint64_t next_try_mono;
};

struct p2p {
	struct event_base *base;
	struct p2p_options opt;
	char *user_agent, *peers_path, *banlist_path; /* owned copies */
	struct p2p_callbacks cb;
	struct logger *log;
	const struct clock *clock;
	struct p2p_addrman *addrman;
	struct p2p_banlist *banlist;
	struct p2p_rng rng;
	bool active;
	bool loaded;             /* the files were read: save them at the end */

	struct evconnlistener *listeners[P2P_MAX_LISTENERS];
	size_t nlisteners;

	struct p2p_peer **peers;
	size_t npeers, peers_cap;
	uint64_t next_id;

	struct event *deferred;  /* frees closed peers, resumes paused ones */
	bool deferred_pending;
	struct event *tick;
	uint64_t next_connect_mono, next_save_mono;

	struct p2p_manual manual[P2P_MAX_MANUAL];
	size_t nmanual;

	struct buf scratch;      /* frames being encoded */
	struct p2p_msg *msg;     /* the message being decoded (large) */
	struct p2p_stats stats;
};

/* Clocks. */
uint64_t p2p_mono_ms(void);
uint64_t p2p_mono_us(void);
int64_t p2p_wall_ms(const struct p2p *p2p);

/* net.c */
/* True when a connection to addr (same IP and port) is open. */
bool p2p_connected_to(const struct p2p *p2p, const struct p2p_addr *addr);
/* Count open (not closing) peers of kind. */
size_t p2p_count_kind(const struct p2p *p2p, enum p2p_conn_kind kind);
/* Save the ban list, logging a failure. */
void p2p_save_bans(struct p2p *p2p);

/* peer.c */
/* A new peer on bev (owned from now on). Returns NULL (bev freed) when out
 * of memory. */
struct p2p_peer *p2p_peer_new(struct p2p *p2p, struct bufferevent *bev,
			      const struct p2p_addr *addr, enum p2p_conn_kind kind);
/* Queue a frame of cmd and payload. Returns false as p2p_send. */
bool p2p_peer_queue(struct p2p_peer *peer, enum p2p_cmd cmd, const uint8_t *payload, size_t len);
/* Schedule the deferred event. */
void p2p_schedule(struct p2p *p2p);
/* Free a peer now, without callbacks (p2p_destroy). */
void p2p_peer_free(struct p2p_peer *peer);
/* The deferred work: handle input of resumed peers, free closed ones. */
void p2p_run_deferred(struct p2p *p2p);

/* proto.c */
/* Send our version to peer. */
void p2p_send_version(struct p2p_peer *peer);
/* Handle one decoded frame of peer. */
void p2p_handle(struct p2p_peer *peer, const struct p2p_frame_header *h, const uint8_t *payload);
/* Apply the policy to a rejection of something peer sent: log, discourage,
 * close as the verdict says. Returns the verdict applied. */
enum p2p_verdict p2p_reject(struct p2p_peer *peer, enum p2p_err e, enum prim_err prim,
			    const char *detail);
/* Send a ping now. */
void p2p_send_ping(struct p2p_peer *peer, uint64_t now_mono);

/* tick.c */
void p2p_tick(struct p2p *p2p);
/* A manual peer's connection closed (or failed): plan the next dial. */
void p2p_manual_closed(struct p2p *p2p, const struct p2p_peer *peer);

/* evict.c */
/* Close one inbound peer to make room for a new one, if any may go.
 * Returns true if one was closed. */
bool p2p_evict_inbound(struct p2p *p2p);

struct p2p_evict_candidate {
	uint64_t id;
	uint64_t connected_mono;
	int64_t min_ping_us;     /* -1: none */
	uint64_t useful_mono;    /* 0: never */
	uint64_t netgroup;
};
/* Choose the peer to evict among c[0..n) (reordered): protect the lowest
 * pings, the most recently useful, and the older half of the rest; from the
 * remaining, the network group with most peers loses its youngest. Out:
 * *victim. Returns false if everyone is protected. */
bool p2p_evict_select(uint64_t *victim, struct p2p_evict_candidate *c, size_t n);

#endif
