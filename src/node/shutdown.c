/* node_run, node_request_shutdown, node_shutdown, node_destroy. */
#include "config.h"

#include <stdlib.h>

#include <event2/event.h>

#include "crypto/crypto.h"
#include "node/node_internal.h"
#include "util/log.h"

int node_run(struct node *n)
{
	/* Signal events keep the loop busy; NO_EXIT_ON_EMPTY makes sure. */
	event_base_loop(n->base, EVLOOP_NO_EXIT_ON_EMPTY);
	node_shutdown(n);
	return 0;
}

void node_request_shutdown(struct node *n)
{
	if (n->base)
		event_base_loopexit(n->base, NULL);
}

void node_shutdown(struct node *n)
{
	if (!n->started || n->shut_down)
		return;
	n->shut_down = true;
	LOG_INFO(n->log, 0, "shutdown: in progress");
	/* Reverse order of node_start: stop making blocks and taking
	 * requests, then P2P (peers.dat and banlist.dat saved), then the
	 * mempool (saved), the ledger and the database (closed). */
	node_produce_stop(n);
	node_rpc_stop(n);
	node_net_close(n);
	node_chain_close(n);
	node_remove_pid(n);
	node_signals_stop(n);
	LOG_INFO(n->log, 0, "shutdown: done");
}

void node_destroy(struct node *n)
{
	if (n == NULL)
		return;
	node_shutdown(n);
	node_rpc_free(n);
	node_signals_stop(n);
	if (n->base)
		event_base_free(n->base);
	if (n->crypto_ready)
		crypto_cleanup();
	node_daemon_report(n, "rostrad stopped during start-up (see debug.log)");
	log_destroy(n->log);
	node_unlock_datadir(n);
	node_config_release(&n->cfg);
	free(n);
}
