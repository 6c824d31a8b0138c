/* The node's RPC: the dispatcher with its method tables, and the server
 * configured from the options (doc/rpc.md). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/node_internal.h"
#include "rpc/control.h"
#include "rpc/dispatch.h"
#include "rpc/server.h"
#include "util/args.h"
#include "util/log.h"

/* The stop RPC's callback: it runs on the main loop. */
static void node_rpc_on_stop(void *arg)
{
	struct node *n = arg;
	LOG_INFO(n->log, LOG_CAT_RPC, "stop requested over RPC, shutting down");
	node_request_shutdown(n);
}

/* generate's callback: make one block on the main loop. */
/* getblockchaininfo's view of block sync, from what the sync loop
 * published (it runs on an RPC worker, so never reads the peers). */
static bool node_rpc_sync_status(void *arg, uint64_t *best_peer)
{
	struct node *n = arg;
	*best_peer = atomic_load(&n->sync_best_peer);
	return atomic_load(&n->sync_active);
}

static bool node_rpc_produce(void *arg, struct cons_produced *out, char *err, size_t errcap)
{
	return node_produce(arg, out, err, errcap);
}

static bool node_rpc_tables(struct node *n)
{
	n->rpc_control.start_ns = n->start_ns;
	n->rpc_control.stop = node_rpc_on_stop;
	n->rpc_control.stop_arg = n;
	if (!rpc_dispatcher_add(n->dispatcher, "control", rpc_control_methods,
	                        RPC_CONTROL_COUNT, &n->rpc_control))
		return false;
	/* The chain and validators areas; then the wallet and P2P register
	 * their areas here (social, wallet, net). */
	n->rpc_chain.clock = &n->clock;
	n->rpc_chain.produce = node_rpc_produce;
	n->rpc_chain.produce_arg = n;
	n->rpc_chain.sync_status = node_rpc_sync_status;
	n->rpc_chain.sync_arg = n;
	if (!rpc_chain_register(n->dispatcher, &n->rpc_chain))
		return false;
	if (n->have_chain) {
		const char *hrp = ledger_network_hrp(n->cfg.chain->name);
		n->rpc_social = (struct rpc_social){ .db = n->db, .hrp = hrp ? hrp : "ro",
						     .snapshot_is_query = true, .mempool = n->mempool };
		if (!rpc_social_register(n->dispatcher, &n->rpc_social))
			return false;
	}
	if (n->wallet != NULL && !rpc_wallet_register(n->dispatcher, &n->rpc_wallet))
		return false;
	if (!rpc_net_register(n->dispatcher, &n->rpc_net))
		return false;
	if (strcmp(n->cfg.chain->name, "regtest") == 0 &&
	    (!rpc_regtest_register(n->dispatcher, &n->rpc_chain) || !node_test_rpc_register(n)))
		return false;
	return true;
}

/* The values of a list option as an array of borrowed strings (owned by
 * the args); *count 0 gives NULL. Returns false when out of memory. */
static bool node_multi(const struct args *a, const char *name, const char ***out, size_t *count)
{
	*count = args_get_multi_count(a, name);
	*out = NULL;
	if (*count == 0)
		return true;
	*out = calloc(*count, sizeof(**out));
	if (*out == NULL)
		return false;
	for (size_t i = 0; i < *count; i++)
		(*out)[i] = args_get_multi(a, name, i);
	return true;
}

static const char *node_nonempty(const struct args *a, const char *name)
{
	const char *v = args_get_str(a, name);
	return v && v[0] ? v : NULL;
}

/* A cookie unless a password is given, as Bitcoin Core does. */
static bool node_rpc_credentials(struct node *n, struct rpc_server_config *c, char **cookie,
                                 char *err, size_t errcap)
{
	const struct args *a = n->cfg.args;
	c->user = node_nonempty(a, "rpcuser");
	c->password = node_nonempty(a, "rpcpassword");
	*cookie = NULL;
	if (c->password == NULL) {
		if (c->user != NULL) {
			snprintf(err, errcap, "-rpcuser needs -rpcpassword (or leave both out to use the cookie)");
			return false;
		}
		*cookie = node_config_path(&n->cfg, args_get_str(a, "rpccookiefile"));
		if (*cookie == NULL) {
			snprintf(err, errcap, "out of memory");
			return false;
		}
		c->cookie_path = *cookie;
	}
	return true;
}

static bool node_rpc_server(struct node *n, char *err, size_t errcap)
{
	const struct args *a = n->cfg.args;
	struct rpc_server_config c;
	char *cookie = NULL;
	const char **bind = NULL, **allow = NULL, **auth = NULL;
	rpc_server_config_init(&c);
	c.port = node_config_rpc_port(&n->cfg);
	c.threads = (unsigned)args_get_int(a, "rpcthreads");
	c.http_threads = (unsigned)args_get_int(a, "rpchttpthreads");
	c.workqueue = (unsigned)args_get_int(a, "rpcworkqueue");
	c.timeout_s = (unsigned)args_get_int(a, "rpcservertimeout");
	bool ok = node_multi(a, "rpcbind", &bind, &c.nbind) &&
	          node_multi(a, "rpcallowip", &allow, &c.nallowip) &&
	          node_multi(a, "rpcauth", &auth, &c.nrpcauth);
	if (!ok)
		snprintf(err, errcap, "out of memory");
	c.bind = bind;
	c.allowip = allow;
	c.rpcauth = auth;
	if (ok)
		ok = node_rpc_credentials(n, &c, &cookie, err, errcap);
	if (ok)
		n->rpc = rpc_server_create(err, errcap, &c, n->dispatcher, n->log);
	free(bind);
	free(allow);
	free(auth);
	free(cookie);
	return ok && n->rpc != NULL;
}

bool node_rpc_setup(struct node *n, char *err, size_t errcap)
{
	n->dispatcher = rpc_dispatcher_create();
	if (n->dispatcher == NULL || !node_rpc_tables(n)) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	return node_rpc_server(n, err, errcap);
}

bool node_rpc_start(struct node *n, char *err, size_t errcap)
{
	return rpc_server_start(n->rpc, err, errcap, n->base);
}

void node_rpc_stop(struct node *n)
{
	if (n->rpc == NULL)
		return;
	rpc_server_interrupt(n->rpc);
	node_test_rpc_cancel(n);
	rpc_server_stop(n->rpc);
}

void node_rpc_free(struct node *n)
{
	node_test_rpc_free(n); /* answers what it holds while the server runs */
	rpc_server_destroy(n->rpc);
	n->rpc = NULL;
	rpc_dispatcher_destroy(n->dispatcher);
	n->dispatcher = NULL;
}
