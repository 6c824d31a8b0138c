/* The timer: handshake, ping and inactivity timeouts, pings, the outbound
 * target, manual reconnection, periodic saves (p2p_internal.h, doc/p2p.md
 * "Timeouts" and "Outbound connections"). */
#include "config.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "p2p/p2p_internal.h"
#include "util/log.h"

/* The most doublings of a manual peer's reconnection delay. */
#define P2P_MANUAL_MAX_SHIFT 6

static void p2p_check_peer(struct p2p_peer *peer, uint64_t now)
{
	struct p2p *p2p = peer->p2p;
	const struct p2p_options *o = &p2p->opt;
	size_t queued = evbuffer_get_length(bufferevent_get_output(peer->bev));

	if (!peer->handshaked) {
		if (now - peer->connected_mono >= (uint64_t)o->handshake_timeout_ms)
			p2p_peer_disconnect(p2p, peer, P2P_ERR_HANDSHAKE_TIMEOUT);
		return;
	}
	if (peer->kind == P2P_CONN_SEED &&
	    now - peer->connected_mono >= 2 * (uint64_t)o->handshake_timeout_ms) {
		p2p_peer_disconnect(p2p, peer, P2P_ERR_SEED_DONE);
		return;
	}
	if (peer->ping_sent_us != 0) {
		if (p2p_mono_us() - peer->ping_sent_us >= (uint64_t)o->ping_timeout_ms * 1000) {
			p2p_peer_disconnect(p2p, peer, P2P_ERR_PING_TIMEOUT);
			return;
		}
	} else if (now >= peer->next_ping_mono) {
		p2p_send_ping(peer, now);
	}
	if (now - peer->last_recv_mono >= (uint64_t)o->inactivity_timeout_ms ||
	    (queued > 0 && now - peer->last_send_mono >= (uint64_t)o->inactivity_timeout_ms))
		p2p_peer_disconnect(p2p, peer, P2P_ERR_INACTIVITY);
}

static uint64_t p2p_manual_delay(const struct p2p *p2p, uint32_t failures)
{
	uint32_t shift = failures < P2P_MANUAL_MAX_SHIFT ? failures : P2P_MANUAL_MAX_SHIFT;
	return (uint64_t)p2p->opt.manual_retry_ms << shift;
}

void p2p_manual_closed(struct p2p *p2p, const struct p2p_peer *peer)
{
	for (size_t i = 0; i < p2p->nmanual; i++) {
		struct p2p_manual *m = &p2p->manual[i];
		if (m->peer_id != peer->id)
			continue;
		m->peer_id = 0;
		m->next_try_mono = p2p_mono_ms() + p2p_manual_delay(p2p, m->failures);
	}
}

static void p2p_dial_manual(struct p2p *p2p, uint64_t now)
{
	char err[256];
	for (size_t i = 0; i < p2p->nmanual; i++) {
		struct p2p_manual *m = &p2p->manual[i];
		uint64_t id;
		if (m->peer_id != 0 || now < m->next_try_mono || p2p_connected_to(p2p, &m->addr))
			continue;
		m->next_try_mono = now + p2p_manual_delay(p2p, m->failures);
		if (m->failures < UINT32_MAX)
			m->failures++;
		if (p2p_connect(p2p, &id, err, sizeof(err), &m->addr, P2P_CONN_MANUAL))
			m->peer_id = id;
		else
			LOG_DEBUG(p2p->log, LOG_CAT_NET, "%s", err);
	}
}

/* Addresses not to dial: open, banned or discouraged ones. */
static bool p2p_skip_addr(void *ctx, const struct p2p_addr *a)
{
	struct p2p *p2p = ctx;
	int64_t now = p2p_wall_ms(p2p);
	return p2p_connected_to(p2p, a) || p2p_banlist_is_banned(p2p->banlist, a, now) ||
	       p2p_banlist_is_discouraged(p2p->banlist, a, now);
}

static void p2p_fill_outbound(struct p2p *p2p)
{
	size_t have = p2p_count_kind(p2p, P2P_CONN_OUTBOUND);
	char err[256];

	for (size_t tries = 0; have < p2p->opt.max_outbound && tries < 2 * p2p->opt.max_outbound;
	     tries++) {
		struct p2p_addr a;
		int64_t now = p2p_wall_ms(p2p);
		if (!p2p_addrman_select(p2p->addrman, &a, now, p2p_skip_addr, p2p))
			return;
		p2p_addrman_attempt(p2p->addrman, &a, now);
		if (p2p_connect(p2p, NULL, err, sizeof(err), &a, P2P_CONN_OUTBOUND))
			have++;
		else
			LOG_DEBUG(p2p->log, LOG_CAT_NET, "%s", err);
	}
}

static void p2p_periodic(struct p2p *p2p, uint64_t now)
{
	char err[256];
	if (p2p->next_save_mono == 0) {
		p2p->next_save_mono = now + (uint64_t)p2p->opt.save_interval_ms;
	} else if (now >= p2p->next_save_mono) {
		p2p->next_save_mono = now + (uint64_t)p2p->opt.save_interval_ms;
		if (p2p->peers_path != NULL &&
		    !p2p_addrman_save(p2p->addrman, err, sizeof(err), p2p->peers_path))
			LOG_WARNING(p2p->log, LOG_CAT_NET, "%s", err);
	}
	if (p2p_banlist_sweep(p2p->banlist, p2p_wall_ms(p2p)) > 0)
		p2p_save_bans(p2p);
}

void p2p_tick(struct p2p *p2p)
{
	uint64_t now = p2p_mono_ms();

	for (size_t i = 0; i < p2p->npeers; i++)
		if (!p2p->peers[i]->closing)
			p2p_check_peer(p2p->peers[i], now);
	if (p2p->active) {
		p2p_dial_manual(p2p, now);
		if (now >= p2p->next_connect_mono) {
			p2p->next_connect_mono = now + (uint64_t)p2p->opt.connect_interval_ms;
			p2p_fill_outbound(p2p);
		}
	}
	p2p_periodic(p2p, now);
}
