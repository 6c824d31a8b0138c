/* The node's P2P: the layer created on the main loop with the chain's
 * identity, its files in the network directory, the listeners and the
 * peers of -connect, -addnode and -seednode (doc/node.md, "Networking").
 * Block sync and transaction relay are driven from its callbacks. */
#include "config.h"

#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ledger/ledger.h"
#include "node/node_internal.h"
#include "p2p/p2p.h"
#include "util/args.h"
#include "util/log.h"

#define NODE_NET_MAX_OUTBOUND 8
#define NODE_NET_HOST_MAX 256

static uint64_t node_net_best_height(void *ctx)
{
	struct node *n = ctx;
	struct ledger_tip tip;
	if (n->ledger == NULL)
		return 0;
	ledger_get_tip(n->ledger, &tip);
	return tip.height;
}

static void node_net_on_handshake(void *ctx, struct p2p *p2p, struct p2p_peer *peer)
{
	struct node *n = ctx;
	struct p2p_peer_info info;
	struct node_peer *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		p2p_peer_disconnect(p2p, peer, P2P_ERR_NO_MEMORY);
		return;
	}
	p2p_peer_info(peer, &info);
	p->id = info.id;
	p->height = info.start_height;
	p->next = n->peers;
	if (n->peers)
		n->peers->prev = p;
	n->peers = p;
	p2p_peer_set_userdata(peer, p);
	node_sync_kick(n);
}

static void node_net_peer_free(struct node *n, struct node_peer *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		n->peers = p->next;
	if (p->next)
		p->next->prev = p->prev;
	free(p);
}

static void node_net_on_message(void *ctx, struct p2p *p2p, struct p2p_peer *peer,
				struct p2p_msg *msg)
{
	(void)p2p;
	if (!node_sync_on_message(ctx, peer, msg))
		node_relay_on_message(ctx, peer, msg);
}

static void node_net_on_disconnect(void *ctx, struct p2p *p2p, struct p2p_peer *peer,
				   enum p2p_err reason)
{
	struct node *n = ctx;
	struct node_peer *p = p2p_peer_userdata(peer);
	(void)p2p;
	LOG_INFO(n->log, LOG_CAT_NET, "peer %" PRIu64 " disconnected: %s", p2p_peer_id(peer),
		 p2p_err_name(reason));
	if (p == NULL)
		return;
	p2p_peer_set_userdata(peer, NULL);
	node_sync_peer_gone(n, p->id);
	node_net_peer_free(n, p);
}

/* Split "host", "host:port", "[v6]:port" into host and port. Returns false
 * on a malformed port or a host too long. */
static bool node_net_split(char *host, size_t hostcap, uint16_t *port, const char *s)
{
	const char *colon = strrchr(s, ':');
	size_t hlen = strlen(s);
	if (colon != NULL && strchr(s, ':') == colon) {
		char *end;
		unsigned long p = strtoul(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || p == 0 || p > 65535)
			return false;
		*port = (uint16_t)p;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= hostcap)
		return false;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	return true;
}

/* An IP literal, or a host name resolved with getaddrinfo (the first
 * address). Out: out, err. */
static bool node_net_resolve(struct p2p_addr *out, char *err, size_t errcap, const char *s,
			     uint16_t port)
{
	char host[NODE_NET_HOST_MAX];
	struct addrinfo hints, *res = NULL;
	if (p2p_addr_parse(out, s, port))
		return true;
	if (!node_net_split(host, sizeof(host), &port, s)) {
		snprintf(err, errcap, "invalid address '%.128s'", s);
		return false;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	bool ok = rc == 0 && res != NULL &&
		  p2p_addr_from_sockaddr(out, res->ai_addr, res->ai_addrlen);
	if (res)
		freeaddrinfo(res);
	if (!ok) {
		snprintf(err, errcap, "cannot resolve '%.128s': %s", s,
			 rc ? gai_strerror(rc) : "no usable address");
		return false;
	}
	out->port = port;
	return true;
}

static uint16_t node_net_port(const struct node *n)
{
	if (args_is_set(n->cfg.args, "port"))
		return (uint16_t)args_get_int(n->cfg.args, "port");
	return n->cfg.chain->p2p_port;
}

static bool node_net_options(struct node *n, struct p2p_options *o, char *err, size_t errcap)
{
	int64_t maxconn = args_get_int(n->cfg.args, "maxconnections");
	if (!p2p_options_default(o, n->cfg.chain->name)) {
		snprintf(err, errcap, "no P2P magic for network %s", n->cfg.chain->name);
		return false;
	}
	o->chain_id = *ledger_chain_id(n->ledger);
	o->genesis = *ledger_genesis_hash(n->ledger);
	o->max_outbound = maxconn < NODE_NET_MAX_OUTBOUND ? (size_t)maxconn : NODE_NET_MAX_OUTBOUND;
	o->max_inbound = (size_t)maxconn - o->max_outbound;
	if (args_get_multi_count(n->cfg.args, "connect") > 0)
		o->max_outbound = 0; /* only the -connect peers */
	o->addrman.accept_local = strcmp(n->cfg.chain->name, "regtest") == 0;
	return true;
}

static bool node_net_listen(struct node *n, char *err, size_t errcap)
{
	const struct args *a = n->cfg.args;
	uint16_t port = node_net_port(n);
	struct p2p_addr bind;
	char lerr[NODE_ERR_LEN];
	size_t nb = args_get_multi_count(a, "bind");
	if (!args_get_bool(a, "listen"))
		return true;
	if (port == node_config_rpc_port(&n->cfg)) {
		snprintf(err, errcap, "cannot bind P2P and RPC to the same port %u: set -port and -rpcport apart",
		         port);
		return false;
	}
	for (size_t i = 0; i < (nb ? nb : 1); i++) {
		const char *b = nb ? args_get_multi(a, "bind", i) : "0.0.0.0";
		if (!p2p_addr_parse(&bind, b, port)) {
			snprintf(err, errcap, "invalid -bind address '%.128s'", b);
			return false;
		}
		if (!p2p_listen(n->p2p, NULL, lerr, sizeof(lerr), &bind)) {
			snprintf(err, errcap, "cannot bind P2P: %s", lerr);
			return false;
		}
	}
	n->rpc_net.listening = true;
	return true;
}

/* Dial the peers of one list option: kept (-connect, -addnode) or asked for
 * addresses once (-seednode). */
static bool node_net_dial(struct node *n, const char *option, bool seed, char *err, size_t errcap)
{
	const struct args *a = n->cfg.args;
	struct p2p_addr addr;
	char cerr[NODE_ERR_LEN];
	for (size_t i = 0; i < args_get_multi_count(a, option); i++) {
		const char *s = args_get_multi(a, option, i);
		if (!node_net_resolve(&addr, err, errcap, s, n->cfg.chain->p2p_port)) {
			size_t len = strlen(err);
			snprintf(err + len, errcap - len, " (-%s)", option);
			return false;
		}
		if (seed ? !p2p_connect(n->p2p, NULL, cerr, sizeof(cerr), &addr, P2P_CONN_SEED)
			 : !p2p_addnode(n->p2p, &addr))
			LOG_WARNING(n->log, LOG_CAT_NET, "-%s=%s: %s", option, s,
				    seed ? cerr : "already given");
	}
	return true;
}

void node_net_callbacks(struct node *n, struct p2p_callbacks *cb)
{
	memset(cb, 0, sizeof(*cb));
	cb->ctx = n;
	cb->on_handshake = node_net_on_handshake;
	cb->on_message = node_net_on_message;
	cb->on_disconnect = node_net_on_disconnect;
	cb->best_height = node_net_best_height;
}

static bool node_net_create(struct node *n, char *err, size_t errcap)
{
	struct p2p_options o;
	struct p2p_callbacks cb;
	node_net_callbacks(n, &cb);
	char *peers = node_config_path(&n->cfg, P2P_ADDRMAN_FILE_NAME);
	char *bans = node_config_path(&n->cfg, P2P_BANLIST_FILE_NAME);
	bool ok = peers != NULL && bans != NULL;
	if (!ok)
		snprintf(err, errcap, "out of memory");
	if (ok && (ok = node_net_options(n, &o, err, errcap))) {
		o.peers_path = peers;
		o.banlist_path = bans;
		n->p2p = p2p_create(err, errcap, n->base, &o, &cb, n->log, NULL);
		ok = n->p2p != NULL;
	}
	free(peers);
	free(bans);
	return ok;
}

static bool node_net_sync_status(void *arg, uint64_t *best_peer)
{
	return node_sync_status(arg, best_peer);
}

bool node_net_open(struct node *n, char *err, size_t errcap)
{
	n->rpc_net.default_port = n->cfg.chain->p2p_port;
	n->rpc_net.sync_status = node_net_sync_status;
	n->rpc_net.sync_arg = n;
	if (!n->have_chain)
		return true;
	if (!node_net_create(n, err, errcap))
		return false;
	n->rpc_net.p2p = n->p2p;
	return node_sync_start(n, err, errcap) && node_relay_start(n, err, errcap) &&
	       node_net_listen(n, err, errcap) && node_net_dial(n, "connect", false, err, errcap) &&
	       node_net_dial(n, "addnode", false, err, errcap) &&
	       node_net_dial(n, "seednode", true, err, errcap);
}

void node_net_close(struct node *n)
{
	node_relay_stop(n);
	node_sync_stop(n);
	p2p_destroy(n->p2p); /* calls no callback: the peers' state is freed below */
	while (n->peers)
		node_net_peer_free(n, n->peers);
	n->p2p = NULL;
	n->rpc_net.p2p = NULL;
	n->rpc_net.listening = false;
}
