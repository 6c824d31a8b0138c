/* A peer's connection: reading frames as bytes arrive, sending with
 * backpressure, pausing, closing, and the deferred event that frees
 * closed peers once the loop is idle (p2p_internal.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "p2p/p2p_internal.h"
#include "util/log.h"

/* The most that may wait in a send queue: twice the soft limit and one
 * largest frame, so a node that checks p2p_peer_send_blocked before each
 * optional message never hits it. */
static size_t p2p_send_hard_cap(const struct p2p *p2p)
{
	return p2p->opt.send_cap * 2 + P2P_MAX_FRAME;
}

void p2p_schedule(struct p2p *p2p)
{
	if (!p2p->deferred_pending) {
		p2p->deferred_pending = true;
		event_active(p2p->deferred, 0, 0);
	}
}

/* Read from the socket only while the peer's messages are being handled. */
static void p2p_peer_update_reading(struct p2p_peer *peer)
{
	bool want = !peer->closing && peer->pauses == 0 && !peer->send_blocked;
	if (want == peer->reading)
		return;
	peer->reading = want;
	if (!want) {
		bufferevent_disable(peer->bev, EV_READ);
		return;
	}
	bufferevent_enable(peer->bev, EV_READ);
	/* What arrived before the pause gets no new read event. */
	if (evbuffer_get_length(bufferevent_get_input(peer->bev)) > 0) {
		peer->needs_process = true;
		p2p_schedule(peer->p2p);
	}
}

/* Handle every complete frame in the input buffer, while the peer is open
 * and not paused. */
static void p2p_peer_process(struct p2p_peer *peer)
{
	struct p2p *p2p = peer->p2p;
	struct evbuffer *in = bufferevent_get_input(peer->bev);

	while (!peer->closing && peer->pauses == 0 && !peer->send_blocked) {
		size_t have = evbuffer_get_length(in), flen;
		uint8_t hdr[P2P_HEADER_LEN], *frame;
		struct p2p_frame_header h;
		enum p2p_err err;

		if (have < P2P_HEADER_LEN)
			return;
		evbuffer_copyout(in, hdr, sizeof(hdr));
		if (p2p_frame_header_decode(&h, &err, hdr, sizeof(hdr), p2p->opt.magic) != P2P_FRAME_READY) {
			p2p_reject(peer, err, PRIM_ERR_OK, NULL);
			return; /* every header error is fatal */
		}
		flen = P2P_HEADER_LEN + (size_t)h.length;
		if (flen > p2p->opt.recv_cap) {
			p2p_peer_disconnect(p2p, peer, P2P_ERR_RECV_BUFFER);
			return;
		}
		if (have < flen)
			return;
		frame = evbuffer_pullup(in, (ssize_t)flen);
		if (frame == NULL) {
			p2p_peer_disconnect(p2p, peer, P2P_ERR_NO_MEMORY);
			return;
		}
		peer->msgs_recv++;
		if (p2p_frame_checksum_ok(&h, frame + P2P_HEADER_LEN))
			p2p_handle(peer, &h, frame + P2P_HEADER_LEN);
		else
			p2p_reject(peer, P2P_ERR_BAD_CHECKSUM, PRIM_ERR_OK, h.command);
		evbuffer_drain(in, flen);
	}
}

static void p2p_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	p2p_peer_process(arg);
}

static void p2p_write_cb(struct bufferevent *bev, void *arg)
{
	struct p2p_peer *peer = arg;
	struct p2p *p2p = peer->p2p;

	if (!peer->send_blocked || peer->closing ||
	    evbuffer_get_length(bufferevent_get_output(bev)) > p2p->opt.send_cap / 2)
		return;
	peer->send_blocked = false;
	bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	p2p_peer_update_reading(peer);
	if (peer->announced && p2p->cb.on_send_ready != NULL)
		p2p->cb.on_send_ready(p2p->cb.ctx, p2p, peer);
}

static void p2p_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct p2p_peer *peer = arg;
	struct p2p *p2p = peer->p2p;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		peer->connected = true;
		peer->last_recv_mono = peer->last_send_mono = p2p_mono_ms();
		p2p_send_version(peer);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		p2p_peer_process(peer); /* what came before the end */
		p2p_peer_disconnect(p2p, peer, P2P_ERR_CLOSED);
	} else if (what & BEV_EVENT_ERROR) {
		p2p_peer_disconnect(p2p, peer, peer->connected ? P2P_ERR_SOCKET : P2P_ERR_CONNECT_FAILED);
	}
}

/* Byte counters and activity times, from the buffers' own accounting. */
static void p2p_in_cb(struct evbuffer *b, const struct evbuffer_cb_info *info, void *arg)
{
	struct p2p_peer *peer = arg;
	(void)b;
	if (info->n_added == 0)
		return;
	peer->bytes_recv += info->n_added;
	peer->p2p->stats.bytes_recv += info->n_added;
	peer->last_recv_mono = p2p_mono_ms();
	peer->last_recv_wall = p2p_wall_ms(peer->p2p);
}

static void p2p_out_cb(struct evbuffer *b, const struct evbuffer_cb_info *info, void *arg)
{
	struct p2p_peer *peer = arg;
	(void)b;
	if (info->n_deleted == 0)
		return;
	peer->bytes_sent += info->n_deleted;
	peer->p2p->stats.bytes_sent += info->n_deleted;
	peer->last_send_mono = p2p_mono_ms();
	peer->last_send_wall = p2p_wall_ms(peer->p2p);
}

static bool p2p_peers_grow(struct p2p *p2p)
{
	struct p2p_peer **v;
	size_t cap;
	if (p2p->npeers < p2p->peers_cap)
		return true;
	cap = p2p->peers_cap ? p2p->peers_cap * 2 : 16;
	v = realloc(p2p->peers, cap * sizeof(*v));
	if (v == NULL)
		return false;
	p2p->peers = v;
	p2p->peers_cap = cap;
	return true;
}

struct p2p_peer *p2p_peer_new(struct p2p *p2p, struct bufferevent *bev,
			      const struct p2p_addr *addr, enum p2p_conn_kind kind)
{
	struct p2p_peer *peer = calloc(1, sizeof(*peer));
	uint64_t now = p2p_mono_ms();

	if (peer == NULL || !p2p_peers_grow(p2p)) {
		free(peer);
		bufferevent_free(bev);
		return NULL;
	}
	peer->p2p = p2p;
	peer->id = p2p->next_id++;
	peer->bev = bev;
	peer->addr = *addr;
	peer->kind = kind;
	peer->connected = kind == P2P_CONN_INBOUND;
	peer->local_nonce = p2p_rng_next(&p2p->rng);
	peer->connected_mono = peer->last_recv_mono = peer->last_send_mono = now;
	peer->connected_wall = p2p_wall_ms(p2p);
	peer->ping_us = peer->min_ping_us = -1;
	peer->addr_units = 60000; /* one address, for a self-announcement */
	peer->unknown_units = (uint64_t)p2p->opt.unknown_burst * 60000;
	peer->addr_refill_mono = peer->unknown_refill_mono = now;
	peer->in_cb = evbuffer_add_cb(bufferevent_get_input(bev), p2p_in_cb, peer);
	peer->out_cb = evbuffer_add_cb(bufferevent_get_output(bev), p2p_out_cb, peer);
	bufferevent_setcb(bev, p2p_read_cb, p2p_write_cb, p2p_event_cb, peer);
	bufferevent_setwatermark(bev, EV_READ, 0, p2p->opt.recv_cap);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	peer->reading = true;
	p2p->peers[p2p->npeers++] = peer;
	return peer;
}

void p2p_peer_free(struct p2p_peer *peer)
{
	if (peer->bev != NULL) {
		if (peer->in_cb != NULL)
			evbuffer_remove_cb_entry(bufferevent_get_input(peer->bev), peer->in_cb);
		if (peer->out_cb != NULL)
			evbuffer_remove_cb_entry(bufferevent_get_output(peer->bev), peer->out_cb);
		bufferevent_free(peer->bev);
	}
	free(peer);
}

/* -------------------------------------------------------------- sending */

bool p2p_peer_queue(struct p2p_peer *peer, enum p2p_cmd cmd, const uint8_t *payload, size_t len)
{
	struct p2p *p2p = peer->p2p;
	struct evbuffer *out;
	size_t queued;

	if (peer->closing || cmd == P2P_CMD_UNKNOWN)
		return false;
	buf_reset(&p2p->scratch);
	if (!p2p_frame_encode(&p2p->scratch, p2p->opt.magic, p2p_cmd_name(cmd), payload, len))
		return false;
	out = bufferevent_get_output(peer->bev);
	queued = evbuffer_get_length(out);
	if (queued + p2p->scratch.len > p2p_send_hard_cap(p2p)) {
		p2p_peer_disconnect(p2p, peer, P2P_ERR_SEND_QUEUE);
		return false;
	}
	if (queued == 0)
		peer->last_send_mono = p2p_mono_ms(); /* stall timing starts now */
	if (bufferevent_write(peer->bev, p2p->scratch.data, p2p->scratch.len) != 0) {
		p2p_peer_disconnect(p2p, peer, P2P_ERR_NO_MEMORY);
		return false;
	}
	peer->msgs_sent++;
	if (!peer->send_blocked && queued + p2p->scratch.len > p2p->opt.send_cap) {
		peer->send_blocked = true;
		bufferevent_setwatermark(peer->bev, EV_WRITE, p2p->opt.send_cap / 2, 0);
		p2p_peer_update_reading(peer);
	}
	return true;
}

bool p2p_send_payload(struct p2p *p2p, struct p2p_peer *peer, enum p2p_cmd cmd,
		      const uint8_t *payload, size_t len)
{
	(void)p2p;
	return p2p_peer_queue(peer, cmd, payload, len);
}

bool p2p_send(struct p2p *p2p, struct p2p_peer *peer, const struct p2p_msg *m)
{
	struct buf payload = BUF_INIT;
	bool ok;
	(void)p2p;
	if (peer->closing)
		return false;
	ok = p2p_msg_encode(&payload, m) && p2p_peer_queue(peer, m->cmd, payload.data, payload.len);
	buf_release(&payload);
	return ok;
}

bool p2p_peer_send_blocked(const struct p2p_peer *peer)
{
	return peer->send_blocked;
}

/* ------------------------------------------------------ pausing, closing */

void p2p_peer_pause(struct p2p *p2p, struct p2p_peer *peer, bool paused)
{
	(void)p2p;
	if (paused)
		peer->pauses++;
	else if (peer->pauses > 0)
		peer->pauses--;
	if (!peer->closing)
		p2p_peer_update_reading(peer);
}

void p2p_peer_disconnect(struct p2p *p2p, struct p2p_peer *peer, enum p2p_err reason)
{
	char s[P2P_ADDR_STRLEN];
	if (peer->closing)
		return;
	peer->closing = true;
	peer->close_reason = reason;
	if ((unsigned)reason < (unsigned)P2P_ERR_COUNT_)
		p2p->stats.closed[reason]++;
	bufferevent_disable(peer->bev, EV_READ | EV_WRITE);
	p2p_addr_format(s, sizeof(s), &peer->addr);
	LOG_DEBUG(p2p->log, LOG_CAT_NET, "disconnecting peer %llu (%s, %s): %s",
		  (unsigned long long)peer->id, s, p2p_conn_kind_name(peer->kind),
		  p2p_err_str(reason));
	p2p_schedule(p2p);
}

/* Take peer i out of the list, tell the node, free it. */
static void p2p_reap(struct p2p *p2p, size_t i)
{
	struct p2p_peer *peer = p2p->peers[i];
	memmove(&p2p->peers[i], &p2p->peers[i + 1], (p2p->npeers - i - 1) * sizeof(p2p->peers[0]));
	p2p->npeers--;
	if (peer->kind == P2P_CONN_MANUAL)
		p2p_manual_closed(p2p, peer);
	if (peer->announced && p2p->cb.on_disconnect != NULL)
		p2p->cb.on_disconnect(p2p->cb.ctx, p2p, peer, peer->close_reason);
	p2p_peer_free(peer);
}

void p2p_run_deferred(struct p2p *p2p)
{
	bool again = false;

	p2p->deferred_pending = false;
	for (size_t i = 0; i < p2p->npeers; i++) {
		struct p2p_peer *peer = p2p->peers[i];
		if (peer->needs_process && !peer->closing) {
			peer->needs_process = false;
			p2p_peer_process(peer);
		}
	}
	for (size_t i = 0; i < p2p->npeers;) {
		if (p2p->peers[i]->closing)
			p2p_reap(p2p, i);
		else
			i++;
	}
	/* on_disconnect may have closed peers we had passed. */
	for (size_t i = 0; i < p2p->npeers; i++)
		again = again || p2p->peers[i]->closing || p2p->peers[i]->needs_process;
	if (again)
		p2p_schedule(p2p);
}

/* ---------------------------------------------------------------- info */

uint64_t p2p_peer_id(const struct p2p_peer *peer)
{
	return peer->id;
}

void *p2p_peer_userdata(const struct p2p_peer *peer)
{
	return peer->userdata;
}

void p2p_peer_set_userdata(struct p2p_peer *peer, void *data)
{
	peer->userdata = data;
}

void p2p_peer_note_useful(struct p2p *p2p, struct p2p_peer *peer)
{
	(void)p2p;
	peer->useful_mono = p2p_mono_ms();
}

void p2p_peer_info(const struct p2p_peer *peer, struct p2p_peer_info *out)
{
	memset(out, 0, sizeof(*out));
	out->id = peer->id;
	out->addr = peer->addr;
	out->kind = peer->kind;
	out->handshaked = peer->handshaked;
	out->closing = peer->closing;
	out->version = peer->version;
	out->services = peer->services;
	out->start_height = peer->start_height;
	memcpy(out->user_agent, peer->user_agent, sizeof(out->user_agent));
	out->connected_ms = peer->connected_wall;
	out->time_offset_ms = peer->time_offset_ms;
	out->last_send_ms = peer->last_send_wall;
	out->last_recv_ms = peer->last_recv_wall;
	out->ping_us = peer->ping_us;
	out->min_ping_us = peer->min_ping_us;
	out->bytes_sent = peer->bytes_sent;
	out->bytes_recv = peer->bytes_recv;
	out->msgs_sent = peer->msgs_sent;
	out->msgs_recv = peer->msgs_recv;
	out->send_queued = evbuffer_get_length(bufferevent_get_output(peer->bev));
	out->recv_queued = evbuffer_get_length(bufferevent_get_input(peer->bev));
	out->send_blocked = peer->send_blocked;
	out->recv_paused = peer->pauses > 0 || peer->send_blocked;
}
