/* The chain, validators and regtest areas of the RPC interface
 * (doc/rpc.md): their method tables and the context they share.
 *
 * Methods that read only LevelDB run on an RPC worker through the
 * request's snapshot (a struct ledger_query, installed by
 * rpc_chain_register); those that touch the mempool, the ledger object,
 * the signer or the clock run on the main loop. */
#ifndef ROSTRA_RPC_CHAIN_H
#define ROSTRA_RPC_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "consensus/consensus.h"
#include "ledger/ledger.h"
#include "mempool/mempool.h"
#include "util/clock.h"

struct rpc_dispatcher;

/* What the methods read and call; owned by the node, which keeps it alive
 * while the server runs. Every pointer may be NULL when the node runs
 * without a chain (then the methods answer RPC_NO_CHAIN). */
struct rpc_chain {
	struct ledger *ledger;            /* main loop only (but ledger_tip_height_shared) */
	struct mempool *mempool;          /* main loop only */
	struct db *db;                    /* any thread, through snapshots */
	const struct cons_valset *valset; /* the active set */
	struct cons_signer *signer;       /* NULL when this node is no validator */
	struct clock *clock;              /* the node's (setmocktime) */
	/* Make one block now (generate). Out: *out, err. */
	bool (*produce)(void *arg, struct cons_produced *out, char *err, size_t errcap);
	void *produce_arg;
	/* Optional: whether the node is catching up, and the best height its
	 * peers have shown. Called from RPC worker threads: it must read only
	 * state published for them (atomics), never the main loop's. */
	bool (*sync_status)(void *arg, uint64_t *best_peer);
	void *sync_arg;
};

/* The error of a chain method on a node without a chain. */
#define RPC_NO_CHAIN (-1)

/* Register the chain and validators areas with ctx (and the snapshot
 * hooks when ctx->db is set). Returns false when out of memory. */
bool rpc_chain_register(struct rpc_dispatcher *d, struct rpc_chain *ctx);
/* Register the regtest area (generate, setmocktime). */
bool rpc_regtest_register(struct rpc_dispatcher *d, struct rpc_chain *ctx);

#endif
