/* struct node and what the files of src/node share; not public.
 *
 * How later work plugs in (doc/node.md, "Adding a subsystem"): a subsystem
 * gets a slot below, is opened in node_init's start sequence (init.c) after
 * the RPC dispatcher exists and before the RPC server starts, registers its
 * method table with rpc_dispatcher_add (handing its own context), and is
 * closed in node_shutdown (shutdown.c) after the RPC server has stopped,
 * in the reverse order of opening.
 */
#ifndef ROSTRA_NODE_NODE_INTERNAL_H
#define ROSTRA_NODE_NODE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/consensus.h"
#include "ledger/genesis.h"
#include "node/node_config.h"
#include "node/node.h"
#include "rpc/chain.h"
#include "rpc/control.h"
#include "rpc/net.h"
#include "rpc/social.h"
#include "rpc/wallet.h"
#include "util/clock.h"

struct event;
struct event_base;
struct logger;
struct rpc_dispatcher;
struct rpc_server;
struct node_test_rpc;
struct node_sync;
struct node_peer;
struct p2p_peer;
struct p2p_msg;
struct p2p_callbacks;

/* Subsystems that later work fills in (NULL until then). */
struct db;
struct ledger;
struct mempool;
struct p2p;
struct wallet;

#define NODE_ERR_LEN 512

/* Files in the network directory (doc/node.md, "Data directory"). */
#define NODE_GENESIS_FILE "genesis.json"
#define NODE_FUNDED_KEY_FILE "funded_key"   /* regtest: the funded account */
#define NODE_SIGNER_FILE "signer_state"
#define NODE_CHAINSTATE_DIR "chainstate"

struct node {
	struct node_config cfg;        /* options, data directory, network */
	struct logger *log;
	struct clock clock;            /* wall clock, mockable (setmocktime) */
	uint64_t start_ns;             /* clock_mono_ns() at start */
	/* Block sync's state, published by the main loop for RPC workers
	 * (getblockchaininfo): whether a peer is ahead, and the best height
	 * a peer has shown. */
	atomic_bool sync_active;
	_Atomic uint64_t sync_best_peer;
	struct event_base *base;       /* the main event loop */
	struct event *sig_term, *sig_int, *sig_hup;

	struct rpc_dispatcher *dispatcher;
	struct rpc_control rpc_control;
	struct rpc_server *rpc;
	struct node_test_rpc *test_rpc; /* regtest's test-only methods */

	int lock_fd;                   /* the data directory's .lock, or -1 */
	char *pid_path;                /* set once the pid file is written */
	int parent_fd;                 /* -daemon: the pipe to the waiting parent */
	bool console;                  /* the log is also on stderr */
	bool crypto_ready;
	bool started;                  /* this process runs the node */
	bool shut_down;

	/* Slots for later work. */
	struct db *db;
	struct ledger *ledger;
	struct mempool *mempool;
	struct p2p *p2p;
	struct wallet *wallet;

	/* The chain (chain.c): genesis, the active set, the validator. */
	bool have_chain;               /* genesis known, db and ledger open */
	struct ledger_genesis genesis;
	struct cons_valset valset;
	struct cons_signer *signer;    /* NULL unless this node validates */
	struct rpc_chain rpc_chain;    /* the chain RPC areas' context */
	struct rpc_social rpc_social;  /* the social area's context */
	struct rpc_wallet rpc_wallet;  /* the wallet area's (n->wallet is its wallet) */
	struct event *produce_ev;      /* testnet/main: the block timer */
	struct rpc_net rpc_net;        /* the net area's context */
	struct node_sync *sync;        /* block sync (sync.c), with P2P */
	struct node_peer *peers;       /* every peer's node state (net.c) */
	struct event *relay_ev;        /* the relay timer (relay.c) */
	uint64_t last_block_ms;        /* clock time of the last block made */
};

/* init.c: print (or send to the -daemon parent) and log one error line. */
void node_report_error(struct node *n, const char *msg);

/* files.c: the lock, the pid file. Out: err on failure. */
bool node_lock_datadir(struct node *n, char *err, size_t errcap);
void node_unlock_datadir(struct node *n);
bool node_write_pid(struct node *n, char *err, size_t errcap);
void node_remove_pid(struct node *n);

/* daemon.c: fork into the background. Returns true in the process that
 * goes on to run the node (the child); false in the parent, with *status
 * what the child reported. Out: err when fork itself fails (then true is
 * never returned). */
bool node_daemonize(struct node *n, int *status, char *err, size_t errcap);
/* Tell the waiting parent that start-up succeeded (msg NULL) or failed
 * (msg, one line); then detach from it. No-op without -daemon. */
void node_daemon_report(struct node *n, const char *msg);

/* signals.c: SIGTERM/SIGINT shut down, SIGHUP reopens debug.log, as
 * events on the main base; SIGPIPE ignored. */
bool node_signals_start(struct node *n, char *err, size_t errcap);
void node_signals_stop(struct node *n);

/* node_rpc.c: the dispatcher and its tables, the server. */
bool node_rpc_setup(struct node *n, char *err, size_t errcap);
bool node_rpc_start(struct node *n, char *err, size_t errcap);
/* Stop the server: interrupt, answer what the node still holds, stop. */
void node_rpc_stop(struct node *n);
void node_rpc_free(struct node *n);

/* chain.c: open the database, the ledger (genesis, -reindex), the
 * mempool (mempool.dat) and the validator; and close them. Out: err. */
bool node_chain_open(struct node *n, char *err, size_t errcap);
void node_chain_close(struct node *n);
/* genesis.c: the genesis of the network: regtest creates it (and its
 * keys) at first start; other networks read genesis.json. Out: n->genesis,
 * *found (false: no genesis.json on testnet/main), err. */
bool node_genesis_load(struct node *n, bool *found, char *err, size_t errcap);
/* The regtest genesis that first start writes: the funded key's balance and
 * the validator's stake (doc/social.md §13), at time_ms, finalized. Out: g
 * (ledger_genesis_release it), err. */
bool node_regtest_make(struct ledger_genesis *g, char *err, size_t errcap,
		       const struct pubkey *validator, const struct pubkey *funded, uint64_t time_ms);
/* produce.c: make one block now (the validator only). Out: *out, err. */
bool node_produce(struct node *n, struct cons_produced *out, char *err, size_t errcap);
/* Start the block timer of testnet/main validators (-blockinterval). */
bool node_produce_start(struct node *n, char *err, size_t errcap);
void node_produce_stop(struct node *n);

/* The node's state of one peer (the P2P peer's user data), from its
 * handshake until it is gone; listed in n->peers so that shutdown frees
 * them all. */
#define NODE_RELAY_KNOWN 2048
struct node_peer {
	uint64_t id;                   /* p2p_peer_id */
	uint64_t height;               /* its best height as far as we know */
	uint64_t last_block_ms;        /* monotonic ms of the last block it sent
					* that sync kept (sync.c), 0: none */
	struct hash256 known[NODE_RELAY_KNOWN]; /* txids it has (relay.c) */
	struct node_peer *prev, *next;
};

/* relay.c: transaction relay (doc/p2p.md, "Transaction relay"). Start
 * and stop its timer (with P2P). */
bool node_relay_start(struct node *n, char *err, size_t errcap);
void node_relay_stop(struct node *n);
/* inv, getdata and tx of peer. */
void node_relay_on_message(struct node *n, struct p2p_peer *peer, struct p2p_msg *msg);

/* sync.c: block sync (doc/p2p.md, "Block sync"). Start and stop its
 * timer (after P2P is created, before it is destroyed). */
bool node_sync_start(struct node *n, char *err, size_t errcap);
void node_sync_stop(struct node *n);
/* A message of peer: returns true when sync consumed it (block,
 * getblocks); inv and getdata are read and left for relay too. */
bool node_sync_on_message(struct node *n, struct p2p_peer *peer, struct p2p_msg *msg);
/* Peer id is gone: its requests are asked elsewhere. */
void node_sync_peer_gone(struct node *n, uint64_t id);
/* Look for work now (a peer came, a height grew). */
void node_sync_kick(struct node *n);
/* Announce block id at height to the peers not known to have it, except
 * peer skip (0: none); nothing while catching up. */
void node_sync_announce(struct node *n, uint64_t height, const struct hash256 *id, uint64_t skip);
/* Out: *best_peer, the highest height a peer showed. Returns true while
 * catching up (getnetworkinfo's initialsync). */
bool node_sync_status(struct node *n, uint64_t *best_peer);

/* net.c: create P2P (peers.dat, banlist.dat), listen, dial -connect,
 * -addnode and -seednode; and destroy it. A node without a chain does not
 * network. Out: err. */
bool node_net_open(struct node *n, char *err, size_t errcap);
void node_net_close(struct node *n);
/* The callbacks node_net_open gives P2P (handshake, message, disconnect,
 * best height), with n as their context. Also the test seam of
 * test/fuzz/fuzz_node_sync.c, which drives a P2P layer of its own through
 * them (then node_sync_start, and node_net_close at the end). Out: cb. */
void node_net_callbacks(struct node *n, struct p2p_callbacks *cb);

/* rpc_test.c: hidden regtest methods for tests (echo, delay). */
bool node_test_rpc_register(struct node *n);
/* Answer every delayed call still pending ("shutting down"). */
void node_test_rpc_cancel(struct node *n);
void node_test_rpc_free(struct node *n);

#endif
