/* The handshake and the messages the layer answers itself: version,
 * verack, ping, pong, getaddr, addr, unknown commands; everything else goes
 * to the node. And rejections: the policy applied to a peer
 * (p2p_internal.h, doc/p2p.md "Handshake" and "Address gossip"). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p2p/p2p_internal.h"
#include "util/hex.h"
#include "util/log.h"

#define P2P_UNIT 60000u /* token bucket units per token: ms per minute */
#define P2P_FRESH_MS ((int64_t)10 * 60 * 1000)

static void p2p_fmt(char s[P2P_ADDR_STRLEN], const struct p2p_peer *peer)
{
	p2p_addr_format(s, P2P_ADDR_STRLEN, &peer->addr);
}

/* ----------------------------------------------------------- rejections */

/* Carry out verdict v on peer for reason e; name and why describe it in
 * the log ("bad_magic", "frame magic is not this network's"), detail says
 * where (a command), if known. */
static enum p2p_verdict p2p_apply(struct p2p_peer *peer, enum p2p_verdict v, enum p2p_err e,
				  const char *name, const char *why, const char *detail)
{
	struct p2p *p2p = peer->p2p;
	char s[P2P_ADDR_STRLEN], where[P2P_COMMAND_LEN + 8] = "";

	p2p_fmt(s, peer);
	if (detail != NULL)
		snprintf(where, sizeof(where), " in %s", detail);
	switch (v) {
	case P2P_VERDICT_DISCOURAGE:
		p2p_banlist_discourage(p2p->banlist, &peer->addr,
				       p2p_wall_ms(p2p) + p2p->opt.discourage_ms);
		p2p->stats.discouraged++;
		LOG_INFO(p2p->log, LOG_CAT_NET,
			 "peer %llu (%s) misbehaved: %s%s (%s); disconnecting and discouraging it",
			 (unsigned long long)peer->id, s, name, where, why);
		p2p_peer_disconnect(p2p, peer, e);
		break;
	case P2P_VERDICT_DISCONNECT:
		LOG_DEBUG(p2p->log, LOG_CAT_NET, "peer %llu (%s): %s%s (%s)",
			  (unsigned long long)peer->id, s, name, where, why);
		p2p_peer_disconnect(p2p, peer, e);
		break;
	case P2P_VERDICT_IGNORE:
		LOG_DEBUG(p2p->log, LOG_CAT_NET, "peer %llu (%s): ignoring %s%s (%s)",
			  (unsigned long long)peer->id, s, name, where, why);
		break;
	case P2P_VERDICT_OK:
		break;
	}
	return v;
}

enum p2p_verdict p2p_reject(struct p2p_peer *peer, enum p2p_err e, enum prim_err prim,
			    const char *detail)
{
	struct p2p_reject r = { e, prim };
	enum p2p_verdict v = p2p_policy_verdict(e, prim);
	v = p2p_policy_exempt(v, p2p_err_fatal(e), peer->kind == P2P_CONN_MANUAL);
	return p2p_apply(peer, v, e, p2p_reject_name(&r),
			 e == P2P_ERR_PRIM ? prim_err_str(prim) : p2p_err_str(e), detail);
}

enum p2p_verdict p2p_peer_misbehaved(struct p2p *p2p, struct p2p_peer *peer, enum p2p_verdict v,
				     const char *why)
{
	(void)p2p;
	if (peer->closing)
		return v;
	v = p2p_policy_exempt(v, false, peer->kind == P2P_CONN_MANUAL);
	return p2p_apply(peer, v, P2P_ERR_MISBEHAVING, p2p_err_name(P2P_ERR_MISBEHAVING),
			 why ? why : p2p_err_str(P2P_ERR_MISBEHAVING), NULL);
}

/* ------------------------------------------------------------ handshake */

void p2p_send_version(struct p2p_peer *peer)
{
	struct p2p *p2p = peer->p2p;
	struct p2p_msg m;
	struct p2p_version *v = &m.u.version;

	p2p_msg_init(&m, P2P_CMD_VERSION);
	v->version = P2P_PROTOCOL_VERSION;
	v->services = p2p->opt.services;
	v->time_ms = (uint64_t)p2p_wall_ms(p2p);
	v->nonce = peer->local_nonce;
	v->chain_id = p2p->opt.chain_id;
	v->genesis = p2p->opt.genesis;
	v->best_height = p2p->cb.best_height ? p2p->cb.best_height(p2p->cb.ctx) : 0;
	v->addr_recv = peer->addr;
	v->listen_port = p2p->opt.listen_port;
	v->user_agent_len = strlen(p2p->user_agent);
	memcpy(v->user_agent, p2p->user_agent, v->user_agent_len);
	peer->version_sent = true;
	p2p_send(p2p, peer, &m);
}

/* The other connection whose version carried nonce, if it is ours. */
static struct p2p_peer *p2p_self_peer(struct p2p *p2p, const struct p2p_peer *peer, uint64_t nonce)
{
	for (size_t i = 0; i < p2p->npeers; i++) {
		struct p2p_peer *q = p2p->peers[i];
		if (q != peer && !q->closing && q->version_sent && q->local_nonce == nonce)
			return q;
	}
	return NULL;
}

static bool p2p_check_chain(struct p2p_peer *peer, const struct p2p_version *v)
{
	struct p2p *p2p = peer->p2p;
	char s[P2P_ADDR_STRLEN], theirs[65], ours[65];

	if (chain_id_eq(&v->chain_id, &p2p->opt.chain_id) &&
	    memcmp(v->genesis.b, p2p->opt.genesis.b, sizeof(v->genesis.b)) == 0)
		return true;
	p2p_fmt(s, peer);
	hex_encode(theirs, sizeof(theirs), v->genesis.b, 8);
	hex_encode(ours, sizeof(ours), p2p->opt.genesis.b, 8);
	LOG_INFO(p2p->log, LOG_CAT_NET,
		 "peer %llu (%s) is on another chain: chain id %s, genesis %s..., ours %s, genesis %s...; "
		 "disconnecting",
		 (unsigned long long)peer->id, s, v->chain_id.s, theirs, p2p->opt.chain_id.s, ours);
	p2p_reject(peer, P2P_ERR_WRONG_CHAIN, PRIM_ERR_OK, "version");
	return false;
}

/* False (and the peer closed) if v is not acceptable. */
static bool p2p_check_version(struct p2p_peer *peer, const struct p2p_version *v)
{
	struct p2p *p2p = peer->p2p;
	struct p2p_peer *self;
	char s[P2P_ADDR_STRLEN];

	p2p_fmt(s, peer);
	if (peer->version_recv) {
		p2p_reject(peer, P2P_ERR_DUPLICATE_VERSION, PRIM_ERR_OK, NULL);
		return false;
	}
	if (v->version < P2P_MIN_PROTOCOL_VERSION) {
		LOG_INFO(p2p->log, LOG_CAT_NET,
			 "peer %llu (%s) speaks protocol version %u, below our minimum %u; disconnecting",
			 (unsigned long long)peer->id, s, (unsigned)v->version,
			 (unsigned)P2P_MIN_PROTOCOL_VERSION);
		p2p_reject(peer, P2P_ERR_OBSOLETE, PRIM_ERR_OK, NULL);
		return false;
	}
	if (!p2p_check_chain(peer, v))
		return false;
	self = p2p_self_peer(p2p, peer, v->nonce);
	if (self != NULL || v->nonce == peer->local_nonce) {
		LOG_INFO(p2p->log, LOG_CAT_NET, "connected to ourselves through %s; disconnecting", s);
		if (self != NULL) {
			if (self->kind != P2P_CONN_INBOUND)
				p2p_addrman_remove(p2p->addrman, &self->addr);
			p2p_peer_disconnect(p2p, self, P2P_ERR_SELF);
		}
		p2p_reject(peer, P2P_ERR_SELF, PRIM_ERR_OK, NULL);
		return false;
	}
	return true;
}

static void p2p_manual_handshake(struct p2p *p2p, const struct p2p_peer *peer)
{
	for (size_t i = 0; i < p2p->nmanual; i++)
		if (p2p->manual[i].peer_id == peer->id)
			p2p->manual[i].failures = 0;
}

/* Tell an outbound peer where we listen, as it sees our address. */
static void p2p_advertise_self(struct p2p_peer *peer)
{
	struct p2p *p2p = peer->p2p;
	struct p2p_addr_entry e;
	struct p2p_msg m;

	if (p2p->opt.listen_port == 0)
		return;
	e.addr = peer->addr_recv;
	e.addr.port = p2p->opt.listen_port;
	e.services = p2p->opt.services;
	e.time_ms = (uint64_t)p2p_wall_ms(p2p);
	if (!p2p_addrman_acceptable(p2p->addrman, &e.addr))
		return;
	p2p_msg_init(&m, P2P_CMD_ADDR);
	m.u.addr.n = 1;
	m.u.addr.v = &e;
	p2p_send(p2p, peer, &m);
}

static void p2p_handshake_done(struct p2p_peer *peer)
{
	struct p2p *p2p = peer->p2p;
	char s[P2P_ADDR_STRLEN];
	struct p2p_msg m;

	peer->handshaked = true;
	peer->next_ping_mono = p2p_mono_ms();
	p2p_fmt(s, peer);
	LOG_INFO(p2p->log, LOG_CAT_NET, "peer %llu connected (%s, %s): %s, protocol %u, height %llu",
		 (unsigned long long)peer->id, p2p_conn_kind_name(peer->kind), s, peer->user_agent,
		 (unsigned)peer->version, (unsigned long long)peer->start_height);
	if (peer->kind != P2P_CONN_INBOUND) {
		p2p_addrman_good(p2p->addrman, &peer->addr, peer->services, p2p_wall_ms(p2p));
		p2p_manual_handshake(p2p, peer);
		p2p_msg_init(&m, P2P_CMD_GETADDR);
		peer->getaddr_sent = true;
		peer->addr_units += (uint64_t)P2P_MAX_ADDR * P2P_UNIT; /* room for the answer */
		p2p_send(p2p, peer, &m);
		if (peer->kind != P2P_CONN_SEED)
			p2p_advertise_self(peer);
	}
	if (peer->kind == P2P_CONN_SEED || peer->closing)
		return;
	peer->announced = true;
	if (p2p->cb.on_handshake != NULL)
		p2p->cb.on_handshake(p2p->cb.ctx, p2p, peer);
}

static void p2p_on_version(struct p2p_peer *peer, const struct p2p_version *v)
{
	struct p2p *p2p = peer->p2p;
	struct p2p_msg m;

	if (!p2p_check_version(peer, v))
		return;
	peer->version_recv = true;
	peer->version = v->version;
	peer->services = v->services;
	peer->start_height = v->best_height;
	peer->listen_port = v->listen_port;
	peer->addr_recv = v->addr_recv;
	memcpy(peer->user_agent, v->user_agent, sizeof(peer->user_agent));
	peer->time_offset_ms = (int64_t)(v->time_ms & (uint64_t)INT64_MAX) - p2p_wall_ms(p2p);
	if (peer->kind == P2P_CONN_INBOUND)
		p2p_send_version(peer);
	p2p_msg_init(&m, P2P_CMD_VERACK);
	p2p_send(p2p, peer, &m);
}

static void p2p_on_verack(struct p2p_peer *peer)
{
	if (!peer->version_recv || peer->verack_recv) {
		p2p_reject(peer, P2P_ERR_UNEXPECTED, PRIM_ERR_OK, "verack");
		return;
	}
	peer->verack_recv = true;
	p2p_handshake_done(peer);
}

/* ------------------------------------------------------------ ping, pong */

void p2p_send_ping(struct p2p_peer *peer, uint64_t now_mono)
{
	struct p2p_msg m;
	(void)now_mono;
	p2p_msg_init(&m, P2P_CMD_PING);
	m.u.nonce = p2p_rng_next(&peer->p2p->rng);
	peer->ping_nonce = m.u.nonce;
	peer->ping_sent_us = p2p_mono_us();
	p2p_send(peer->p2p, peer, &m);
}

static void p2p_on_ping(struct p2p_peer *peer, uint64_t nonce)
{
	struct p2p_msg m;
	p2p_msg_init(&m, P2P_CMD_PONG);
	m.u.nonce = nonce;
	p2p_send(peer->p2p, peer, &m);
}

static void p2p_on_pong(struct p2p_peer *peer, uint64_t nonce)
{
	uint64_t now = p2p_mono_us();
	/* A pong to an older ping, or to none, is ignored: pings cross. */
	if (peer->ping_sent_us == 0 || nonce != peer->ping_nonce)
		return;
	peer->ping_us = (int64_t)(now - peer->ping_sent_us);
	if (peer->min_ping_us < 0 || peer->ping_us < peer->min_ping_us)
		peer->min_ping_us = peer->ping_us;
	peer->ping_sent_us = 0;
	peer->next_ping_mono = now / 1000 + (uint64_t)peer->p2p->opt.ping_interval_ms;
}

/* -------------------------------------------------------- address gossip */

/* Refill a token bucket of cap tokens at rate tokens per minute. */
static void p2p_refill(uint64_t *units, uint64_t *last_mono, uint64_t rate, uint64_t cap)
{
	uint64_t now = p2p_mono_ms(), add = (now - *last_mono) * rate;
	*last_mono = now;
	if (*units < cap * P2P_UNIT)
		*units = *units + add > cap * P2P_UNIT ? cap * P2P_UNIT : *units + add;
}

static uint64_t p2p_addr_hash(const struct p2p_addr *a)
{
	uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a */
	for (size_t i = 0; i < P2P_IP_LEN; i++)
		h = (h ^ a->ip[i]) * UINT64_C(1099511628211);
	h = (h ^ (a->port & 0xff)) * UINT64_C(1099511628211);
	return (h ^ (a->port >> 8)) * UINT64_C(1099511628211);
}

static bool p2p_peer_knows(const struct p2p_peer *peer, uint64_t h)
{
	for (size_t i = 0; i < P2P_KNOWN_ADDRS; i++)
		if (peer->known_addr[i] == h)
			return true;
	return false;
}

static void p2p_peer_learn(struct p2p_peer *peer, uint64_t h)
{
	peer->known_addr[peer->known_next] = h;
	peer->known_next = (peer->known_next + 1) % P2P_KNOWN_ADDRS;
}

/* Send e[0..n) to target, but only what it does not know yet. */
static void p2p_relay_to(struct p2p_peer *target, const struct p2p_addr_entry *e, size_t n)
{
	struct p2p_addr_entry out[P2P_ADDR_RELAY_MAX];
	struct p2p_msg m;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t h = p2p_addr_hash(&e[i].addr);
		if (!p2p_peer_knows(target, h)) {
			p2p_peer_learn(target, h);
			out[k++] = e[i];
		}
	}
	if (k == 0)
		return;
	p2p_msg_init(&m, P2P_CMD_ADDR);
	m.u.addr.n = k;
	m.u.addr.v = out;
	p2p_send(target->p2p, target, &m);
}

/* Relay fresh addresses to up to P2P_ADDR_RELAY_PEERS others, at random. */
static void p2p_relay_addrs(struct p2p_peer *from, const struct p2p_addr_entry *e, size_t n)
{
	struct p2p *p2p = from->p2p;
	struct p2p_peer *pick[P2P_ADDR_RELAY_PEERS];
	size_t k = 0, seen = 0;

	for (size_t i = 0; i < p2p->npeers; i++) {
		struct p2p_peer *q = p2p->peers[i];
		size_t at;
		if (q == from || q->closing || !q->announced)
			continue;
		seen++;
		if (k < P2P_ADDR_RELAY_PEERS)
			at = k++;
		else if ((at = (size_t)p2p_rng_below(&p2p->rng, seen)) >= P2P_ADDR_RELAY_PEERS)
			continue;
		pick[at] = q;
	}
	for (size_t i = 0; i < k; i++)
		p2p_relay_to(pick[i], e, n);
}

static void p2p_on_addr(struct p2p_peer *peer, const struct p2p_addr_list *l)
{
	struct p2p *p2p = peer->p2p;
	struct p2p_addr_entry relay[P2P_ADDR_RELAY_MAX];
	int64_t now = p2p_wall_ms(p2p);
	size_t nrelay = 0;

	p2p_refill(&peer->addr_units, &peer->addr_refill_mono, p2p->opt.addr_rate_per_min,
		   P2P_MAX_ADDR);
	for (size_t i = 0; i < l->n; i++) {
		const struct p2p_addr_entry *e = &l->v[i];
		enum p2p_addrman_result r;
		int64_t t = (int64_t)(e->time_ms & (uint64_t)INT64_MAX);
		if (peer->addr_units < P2P_UNIT) {
			p2p->stats.addr_rate_limited++;
			continue;
		}
		peer->addr_units -= P2P_UNIT;
		p2p_peer_learn(peer, p2p_addr_hash(&e->addr));
		r = p2p_addrman_add_one(p2p->addrman, e, now);
		if ((r == P2P_ADDRMAN_ADDED || r == P2P_ADDRMAN_UPDATED) && l->n <= P2P_ADDR_RELAY_MAX &&
		    t >= now - P2P_FRESH_MS && t <= now + P2P_FRESH_MS)
			relay[nrelay++] = *e;
	}
	if (nrelay > 0)
		p2p_relay_addrs(peer, relay, nrelay);
	if (peer->kind == P2P_CONN_SEED)
		p2p_peer_disconnect(p2p, peer, P2P_ERR_SEED_DONE);
}

static void p2p_on_getaddr(struct p2p_peer *peer)
{
	struct p2p *p2p = peer->p2p;
	struct p2p_addr_entry *e;
	struct p2p_msg m;
	size_t n;

	/* Answered once per connection, and only to inbound peers, so that no
	 * one can map our address book through the connections we make. */
	if (peer->kind != P2P_CONN_INBOUND || peer->getaddr_answered)
		return;
	peer->getaddr_answered = true;
	e = calloc(P2P_MAX_ADDR, sizeof(*e));
	if (e == NULL)
		return;
	n = p2p_addrman_sample(p2p->addrman, e, P2P_MAX_ADDR, p2p_wall_ms(p2p));
	for (size_t i = 0; i < n; i++)
		p2p_peer_learn(peer, p2p_addr_hash(&e[i].addr));
	if (n > 0) {
		p2p_msg_init(&m, P2P_CMD_ADDR);
		m.u.addr.n = n;
		m.u.addr.v = e;
		p2p_send(p2p, peer, &m);
	}
	free(e);
}

static void p2p_on_unknown(struct p2p_peer *peer, const char *command)
{
	struct p2p *p2p = peer->p2p;
	p2p_refill(&peer->unknown_units, &peer->unknown_refill_mono, 1, p2p->opt.unknown_burst);
	if (peer->unknown_units < P2P_UNIT) {
		p2p_reject(peer, P2P_ERR_UNKNOWN_FLOOD, PRIM_ERR_OK, command);
		return;
	}
	peer->unknown_units -= P2P_UNIT;
	p2p_reject(peer, P2P_ERR_UNKNOWN_COMMAND, PRIM_ERR_OK, command);
}

/* ------------------------------------------------------------- dispatch */

static void p2p_dispatch(struct p2p_peer *peer, const struct p2p_frame_header *h, struct p2p_msg *m)
{
	struct p2p *p2p = peer->p2p;

	switch (m->cmd) {
	case P2P_CMD_VERSION:
		p2p_on_version(peer, &m->u.version);
		return;
	case P2P_CMD_VERACK:
		p2p_on_verack(peer);
		return;
	default:
		break;
	}
	if (!peer->handshaked) {
		p2p_reject(peer, P2P_ERR_BEFORE_HANDSHAKE, PRIM_ERR_OK, h->command);
		return;
	}
	switch (m->cmd) {
	case P2P_CMD_PING:
		p2p_on_ping(peer, m->u.nonce);
		break;
	case P2P_CMD_PONG:
		p2p_on_pong(peer, m->u.nonce);
		break;
	case P2P_CMD_GETADDR:
		p2p_on_getaddr(peer);
		break;
	case P2P_CMD_ADDR:
		p2p_on_addr(peer, &m->u.addr);
		break;
	case P2P_CMD_UNKNOWN:
		p2p_on_unknown(peer, h->command);
		break;
	default:
		if (peer->announced && p2p->cb.on_message != NULL)
			p2p->cb.on_message(p2p->cb.ctx, p2p, peer, m);
		break;
	}
}

void p2p_handle(struct p2p_peer *peer, const struct p2p_frame_header *h, const uint8_t *payload)
{
	struct p2p *p2p = peer->p2p;
	struct p2p_reject why;

	if (!p2p_msg_decode(p2p->msg, &why, h->cmd, payload, h->length)) {
		p2p_reject(peer, why.code, why.prim, h->command);
		return;
	}
	p2p_dispatch(peer, h, p2p->msg);
	p2p_msg_release(p2p->msg);
}
