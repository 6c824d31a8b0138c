/* Transaction relay (doc/p2p.md, "Transaction relay"): what the mempool
 * holds is announced by inv to each peer that is not known to have it,
 * every NODE_RELAY_TICK_MS; an announced transaction we lack is asked by
 * getdata; a tx message goes through mempool_add, the same admission as a
 * local one, and its refusal is judged by the policy (p2p_policy_mempool:
 * a used nonce, a full pool or a low fee are dropped without punishment).
 * Since only the mempool is announced, only admitted transactions are
 * relayed, whoever sent them (a peer, sendrawtransaction, the wallet).
 *
 * Each peer has a set of the transactions it is known to have (it
 * announced or sent them, or we announced them to it): a table of
 * NODE_RELAY_KNOWN ids indexed by the id's first bytes, where a newer id
 * takes the place of an older one. Forgetting only costs a repeated
 * announcement, which the peer ignores. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "node/node_internal.h"
#include "p2p/p2p.h"
#include "util/log.h"

#define NODE_RELAY_TICK_MS 500
#define NODE_RELAY_MAX_PEERS 256

static size_t node_relay_slot(const struct hash256 *id)
{
	uint32_t k = (uint32_t)id->b[0] | (uint32_t)id->b[1] << 8 | (uint32_t)id->b[2] << 16;
	return k % NODE_RELAY_KNOWN;
}

static bool node_relay_known(const struct node_peer *p, const struct hash256 *id)
{
	return memcmp(p->known[node_relay_slot(id)].b, id->b, sizeof(id->b)) == 0;
}

static void node_relay_learn(struct node_peer *p, const struct hash256 *id)
{
	p->known[node_relay_slot(id)] = *id;
}

/* Announce to one peer what it does not know of ids[0..n). */
static void node_relay_announce_peer(struct node *n, struct p2p_peer *peer,
				     const struct hash256 *ids, size_t n_ids, struct p2p_inv *inv)
{
	struct node_peer *p = p2p_peer_userdata(peer);
	struct p2p_msg m;
	size_t k = 0;
	if (p == NULL || p2p_peer_send_blocked(peer))
		return;
	for (size_t i = 0; i < n_ids && k < P2P_MAX_INV; i++) {
		if (node_relay_known(p, &ids[i]))
			continue;
		node_relay_learn(p, &ids[i]);
		inv[k].type = P2P_INV_TX;
		inv[k++].hash = ids[i];
	}
	if (k == 0)
		return;
	p2p_msg_init(&m, P2P_CMD_INV);
	m.u.inv.n = k;
	m.u.inv.v = inv;
	(void)p2p_send(n->p2p, peer, &m);
}

static void node_relay_tick(evutil_socket_t fd, short what, void *arg)
{
	struct node *n = arg;
	struct p2p_peer *peers[NODE_RELAY_MAX_PEERS];
	size_t n_ids = 0, cap = mempool_count(n->mempool);
	(void)fd;
	(void)what;
	size_t np = p2p_peers(n->p2p, peers, NODE_RELAY_MAX_PEERS);
	if (cap == 0 || np == 0)
		return;
	struct hash256 *ids = calloc(cap, sizeof(*ids));
	struct p2p_inv *inv = calloc(cap < P2P_MAX_INV ? cap : P2P_MAX_INV, sizeof(*inv));
	if (ids && inv && mempool_list(n->mempool, ids, &n_ids, cap))
		for (size_t i = 0; i < np && i < NODE_RELAY_MAX_PEERS; i++)
			node_relay_announce_peer(n, peers[i], ids, n_ids, inv);
	free(ids);
	free(inv);
}

/* inv of transactions: ask for those we lack. getdata: send those we
 * have, notfound for the others. */
static void node_relay_on_inv(struct node *n, struct p2p_peer *peer, struct node_peer *p,
			      const struct p2p_msg *msg)
{
	struct p2p_msg m;
	for (size_t i = 0; i < msg->u.inv.n; i++) {
		const struct p2p_inv *v = &msg->u.inv.v[i];
		if (v->type != P2P_INV_TX)
			continue;
		const struct tx *tx = mempool_get(n->mempool, NULL, &v->hash);
		if (msg->cmd == P2P_CMD_INV) {
			node_relay_learn(p, &v->hash);
			if (tx != NULL)
				continue;
			p2p_msg_init(&m, P2P_CMD_GETDATA);
		} else if (tx != NULL) {
			p2p_msg_init(&m, P2P_CMD_TX);
			m.u.tx = *tx; /* a view: m owns nothing and is not released */
			node_relay_learn(p, &v->hash);
			(void)p2p_send(n->p2p, peer, &m);
			continue;
		} else {
			p2p_msg_init(&m, P2P_CMD_NOTFOUND);
		}
		m.u.inv.n = 1;
		m.u.inv.v = (struct p2p_inv *)v;
		(void)p2p_send(n->p2p, peer, &m);
	}
}

static void node_relay_on_tx(struct node *n, struct p2p_peer *peer, struct node_peer *p,
			     const struct tx *tx)
{
	struct mempool_reject why;
	char msg[NODE_ERR_LEN];
	node_relay_learn(p, tx_id(tx));
	enum mempool_err e = mempool_add(n->mempool, &why, NULL, tx);
	if (e == MEMPOOL_OK) {
		p2p_peer_note_useful(n->p2p, peer);
		return;
	}
	enum p2p_verdict v = p2p_policy_mempool(&why);
	LOG_DEBUG(n->log, LOG_CAT_MEMPOOL, "tx from peer %" PRIu64 " refused: %s (%s)", p->id,
		  why.name, p2p_verdict_name(v));
	if (v == P2P_VERDICT_DISCOURAGE || v == P2P_VERDICT_DISCONNECT) {
		snprintf(msg, sizeof(msg), "tx: %s: %.400s", why.name, why.msg);
		p2p_peer_misbehaved(n->p2p, peer, v, msg);
	}
}

void node_relay_on_message(struct node *n, struct p2p_peer *peer, struct p2p_msg *msg)
{
	struct node_peer *p = p2p_peer_userdata(peer);
	if (p == NULL || n->mempool == NULL)
		return;
	if (msg->cmd == P2P_CMD_INV || msg->cmd == P2P_CMD_GETDATA)
		node_relay_on_inv(n, peer, p, msg);
	else if (msg->cmd == P2P_CMD_TX)
		node_relay_on_tx(n, peer, p, &msg->u.tx);
}

/* The wallet's hook: a transaction it just admitted is announced now
 * rather than at the next tick. */
static void node_relay_wallet_tx(void *arg, const struct tx *tx)
{
	(void)tx;
	node_relay_tick(-1, 0, arg);
}

bool node_relay_start(struct node *n, char *err, size_t errcap)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = NODE_RELAY_TICK_MS * 1000 };
	n->relay_ev = event_new(n->base, -1, EV_PERSIST, node_relay_tick, n);
	if (n->relay_ev == NULL || event_add(n->relay_ev, &tv) != 0) {
		snprintf(err, errcap, "cannot start the relay timer");
		return false;
	}
	n->rpc_wallet.relay = node_relay_wallet_tx;
	n->rpc_wallet.relay_arg = n;
	return true;
}

void node_relay_stop(struct node *n)
{
	if (n->relay_ev)
		event_free(n->relay_ev);
	n->relay_ev = NULL;
	n->rpc_wallet.relay = NULL;
	n->rpc_wallet.relay_arg = NULL;
}
