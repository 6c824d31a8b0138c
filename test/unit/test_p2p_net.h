/* Shared by the P2P connection tests (test_p2p_net.c, test_p2p_misbehave.c):
 * test nodes (a struct p2p with recording callbacks) and raw peers (a
 * bufferevent the test drives byte by byte), all on 127.0.0.1 in one event
 * loop. */
#ifndef ROSTRA_TEST_P2P_NET_H
#define ROSTRA_TEST_P2P_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "p2p/p2p.h"
#include "util/clock.h"
#include "util/buf.h"

struct event_base;
struct bufferevent;
struct evconnlistener;
struct logger;

#define TN_CHAIN "regtest-0a1b2c3d"
#define TN_MAX_SEEN 16

/* The loop every test node and raw peer runs on (tn_setup/tn_teardown). */
extern struct event_base *tn_base;

void tn_setup(void);
void tn_teardown(void);
/* Remove the folder of the nodes' logs (at the end of a test program). */
void tn_cleanup(void);

/* Run the loop until pred(ctx) holds or timeout_ms pass. Returns whether
 * it held. */
bool tn_run_until(bool (*pred)(void *ctx), void *ctx, int timeout_ms);
/* Run the loop for ms. */
void tn_run_for(int ms);
/* Run the loop until cond holds, for at most ms. */
#define TN_WAIT(cond, ms)                                                        \
	do {                                                                     \
		uint64_t tn_end_ = clock_mono_ns() + (uint64_t)(ms) * 1000000u;  \
		while (!(cond) && clock_mono_ns() < tn_end_)                     \
			tn_run_for(5);                                           \
	} while (0)

/* A test node: a struct p2p listening on 127.0.0.1 with callbacks that
 * record what happens. */
struct tnode {
	struct p2p *p2p;
	struct p2p_addr addr;         /* where it listens */
	struct logger *log;
	char log_path[96];
	uint64_t best_height;
	int handshakes, disconnects, messages, send_ready;
	enum p2p_err last_reason;
	enum p2p_cmd last_cmd;
	size_t last_count;            /* entries of the last inv/addr-like message */
	struct p2p_peer *last_peer;   /* of the last on_handshake */
	bool pause_on_message;        /* pause the peer at its first message */
	uint64_t seen[TN_MAX_SEEN];   /* ids announced and not yet gone */
};

/* Options for a test node: regtest, TN_CHAIN, a fixed genesis, short
 * periods (tick 20 ms), accept_local, no outbound target. */
void tn_options(struct p2p_options *o);
/* Create n with o (NULL: tn_options), listening (unless listen is false),
 * logging to a file of its own. Aborts on failure. */
void tn_start(struct tnode *n, const struct p2p_options *o, bool listen);
void tn_stop(struct tnode *n);
/* The text of n's log so far (static buffer). */
const char *tn_log(struct tnode *n);
/* Dial to as kind; returns the peer id. */
uint64_t tn_connect(struct tnode *from, const struct tnode *to, enum p2p_conn_kind kind);
/* The peer of n with id, or NULL. */
struct p2p_peer *tn_peer(struct tnode *n, uint64_t id);
/* n's stats. */
struct p2p_stats tn_stats(const struct tnode *n);
/* Wait until n has made h handshakes in total. */
bool tn_wait_handshakes(struct tnode *n, int h);

/* A raw peer: bytes in, bytes out, frames counted by command. */
struct raw {
	struct bufferevent *bev;
	uint8_t magic[P2P_MAGIC_LEN];
	bool connected, closed;
	bool answer_pings;            /* pong every ping */
	bool auto_verack;             /* verack their version */
	bool act_as_node;             /* answer a version with version + verack */
	struct buf in;                /* unparsed bytes */
	int got[P2P_CMD_COUNT_];
	size_t last_addr_count;
	uint64_t last_pong;
	bool bad_input;               /* the node sent something we could not parse */
};

/* Connect a raw peer to n. */
void raw_connect(struct raw *r, const struct tnode *n);
/* Wrap an accepted socket as a raw peer. */
void raw_accept(struct raw *r, int fd);
void raw_close(struct raw *r);
/* Send bytes / a frame of command (any bytes, even invalid ones: written
 * as given, NUL-padded) with a correct or broken checksum / a message. */
void raw_send(struct raw *r, const void *p, size_t n);
void raw_frame(struct raw *r, const char *command, const uint8_t *payload, size_t len, bool bad_sum);
void raw_msg(struct raw *r, const struct p2p_msg *m);
/* Send a version for TN_CHAIN (or chain) and the test genesis. */
void raw_version(struct raw *r, const char *chain, uint32_t version);
/* Connect, send version, await version and verack, send verack: the node
 * counts one more handshake. Returns false if it did not happen. */
bool raw_handshake(struct raw *r, struct tnode *n);
/* Send a ping and wait for its pong: everything sent before was handled.
 * Returns false if the peer closed or did not answer. */
bool raw_barrier(struct raw *r);
bool raw_wait_closed(struct raw *r, int timeout_ms);

/* The test genesis hash. */
void tn_genesis(struct hash256 *out);

#endif
