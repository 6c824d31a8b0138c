/* The social area of the RPC interface (doc/rpc.md, "Social"): accounts,
 * posts, replies, feeds, votes, reputation, endorsements, follows, read from
 * the ledger's committed state and indexes (ledger/query.h).
 *
 * Every method but getaccount reads nothing but LevelDB and runs on an RPC
 * worker (RPC_RUN_WORKER). getaccount also shows `pendingnonce`, which only
 * the mempool knows, and the mempool belongs to the main loop (DESIGN.md,
 * "Runtime model"): getaccount therefore runs on the main loop
 * (RPC_RUN_MAIN), where it reads both the state and the mempool.
 *
 * The state is read through the request's snapshot when the dispatcher has
 * snapshot hooks whose snapshot is a struct ledger_query (install them with
 * rpc_social_snapshot_hooks, or hooks that open the same kind of object);
 * without hooks each call opens its own struct ledger_query on db.
 *
 * The owner (the node) fills a struct rpc_social and registers it:
 *     rpc_social_register(dispatcher, &social);
 * The context is borrowed and must outlive the dispatcher.
 */
#ifndef ROSTRA_RPC_SOCIAL_H
#define ROSTRA_RPC_SOCIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "rpc/dispatch.h"

struct db;
struct mempool;
struct ledger_query;

/* Default and largest page sizes of the list methods (`count`). */
#define RPC_SOCIAL_PAGE_DEFAULT 20

struct rpc_social {
	struct db *db;             /* the node's database (queries without hooks) */
	const char *hrp;           /* address HRP of the network: ro, tro, rro */
	bool snapshot_is_query;    /* rpc_request_snapshot gives a ledger_query */
	struct mempool *mempool;   /* for pendingnonce (its shared view, from the
	                              HTTP thread); NULL: none */
};

#define RPC_SOCIAL_COUNT 12
extern const struct rpc_method rpc_social_methods[RPC_SOCIAL_COUNT];

/* Register the social methods under area "social" with ctx s.
 * Returns false when out of memory. */
bool rpc_social_register(struct rpc_dispatcher *d, struct rpc_social *s);

/* Snapshot hooks for rpc_dispatcher_set_snapshot whose snapshot is a
 * struct ledger_query on the struct db given as arg (then set
 * s->snapshot_is_query). open returns NULL when out of memory. */
void *rpc_social_snapshot_open(void *db);
void rpc_social_snapshot_close(void *db, void *snapshot);

#endif
