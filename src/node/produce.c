/* Block production by the node's validator (doc/consensus.md): on
 * demand (regtest's generate) and, on testnet/main, from a timer: a block
 * every -blockinterval ms while transactions wait, and an empty one when
 * none was made for -emptyblockinterval seconds. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "node/node_internal.h"
#include "util/args.h"
#include "util/hex.h"
#include "util/log.h"

bool node_produce(struct node *n, struct cons_produced *out, char *err, size_t errcap)
{
	char idhex[65];
	if (n->signer == NULL) {
		snprintf(err, errcap, "this node is not a validator of the active set");
		return false;
	}
	int64_t now = clock_now_ms(&n->clock);
	if (!cons_produce_block(n->ledger, out, err, errcap, n->mempool, n->signer, &n->valset,
				now > 0 ? (uint64_t)now : 0)) {
		LOG_ERROR(n->log, LOG_CAT_CONSENSUS, "block production failed: %s", err);
		return false;
	}
	n->last_block_ms = (uint64_t)clock_mono_ns() / 1000000;
	hex_encode(idhex, sizeof(idhex), out->block_id.b, 32);
	LOG_INFO(n->log, 0, "block %" PRIu64 " %s: %zu transactions, round %" PRIu32,
		 out->height, idhex, out->ntx, out->round);
	node_sync_announce(n, out->height, &out->block_id, 0);
	return true;
}

static void node_produce_tick(evutil_socket_t fd, short what, void *arg)
{
	struct node *n = arg;
	struct cons_produced out;
	char err[NODE_ERR_LEN];
	(void)fd;
	(void)what;
	uint64_t empty_ms = (uint64_t)args_get_int(n->cfg.args, "emptyblockinterval") * 1000;
	uint64_t now = (uint64_t)clock_mono_ns() / 1000000;
	bool waiting = mempool_count(n->mempool) > 0;
	if (waiting || (empty_ms > 0 && now - n->last_block_ms >= empty_ms))
		(void)node_produce(n, &out, err, sizeof(err)); /* logged; tried again next tick */
}

bool node_produce_start(struct node *n, char *err, size_t errcap)
{
	int64_t ms = args_get_int(n->cfg.args, "blockinterval");
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	if (n->signer == NULL || strcmp(n->cfg.chain->name, "regtest") == 0)
		return true; /* regtest makes blocks on demand (generate) */
	n->last_block_ms = (uint64_t)clock_mono_ns() / 1000000;
	n->produce_ev = event_new(n->base, -1, EV_PERSIST, node_produce_tick, n);
	if (n->produce_ev == NULL || event_add(n->produce_ev, &tv) != 0) {
		snprintf(err, errcap, "cannot start the block timer");
		return false;
	}
	return true;
}

void node_produce_stop(struct node *n)
{
	if (n->produce_ev) {
		event_free(n->produce_ev);
		n->produce_ev = NULL;
	}
}
