/* Test nodes and raw peers for the P2P connection tests (test_p2p_net.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "crypto/crypto.h"
#include "crypto/sha256.h"
#include "test_p2p_net.h"
#include "unit.h"
#include "util/clock.h"
#include "util/log.h"

struct event_base *tn_base;
static char tn_dir[64];
static int tn_counter;

void tn_setup(void)
{
	tn_base = event_base_new();
	if (tn_base == NULL)
		abort();
	if (tn_dir[0] == '\0') {
		snprintf(tn_dir, sizeof(tn_dir), "/tmp/rostra-p2pnet-XXXXXX");
		if (mkdtemp(tn_dir) == NULL)
			abort();
	}
}

void tn_cleanup(void)
{
	if (tn_dir[0] != '\0')
		rmdir(tn_dir);
}

void tn_teardown(void)
{
	event_base_free(tn_base);
	tn_base = NULL;
}

/* ----------------------------------------------------------------- loop */

struct tn_wait {
	bool (*pred)(void *);
	void *ctx;
	bool met;
};

static void tn_wait_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tn_wait *w = arg;
	(void)fd;
	(void)what;
	if (w->pred(w->ctx)) {
		w->met = true;
		event_base_loopbreak(tn_base);
	}
}

bool tn_run_until(bool (*pred)(void *ctx), void *ctx, int timeout_ms)
{
	struct tn_wait w = { pred, ctx, false };
	struct timeval tv = { 0, 5000 };
	uint64_t deadline = clock_mono_ns() + (uint64_t)timeout_ms * 1000000u;
	struct event *ev;

	if (pred(ctx))
		return true;
	ev = event_new(tn_base, -1, EV_PERSIST, tn_wait_cb, &w);
	event_add(ev, &tv);
	while (!w.met && clock_mono_ns() < deadline)
		event_base_loop(tn_base, EVLOOP_ONCE);
	event_free(ev);
	return w.met || pred(ctx);
}

static bool tn_never(void *ctx)
{
	(void)ctx;
	return false;
}

void tn_run_for(int ms)
{
	tn_run_until(tn_never, NULL, ms);
}

/* ------------------------------------------------------------ test nodes */

void tn_genesis(struct hash256 *out)
{
	memset(out->b, 0x47, sizeof(out->b));
}

static void tn_on_handshake(void *ctx, struct p2p *p2p, struct p2p_peer *peer)
{
	struct tnode *n = ctx;
	(void)p2p;
	n->handshakes++;
	n->last_peer = peer;
	for (size_t i = 0; i < TN_MAX_SEEN; i++) {
		if (n->seen[i] == 0) {
			n->seen[i] = p2p_peer_id(peer);
			break;
		}
	}
}

static void tn_on_message(void *ctx, struct p2p *p2p, struct p2p_peer *peer, struct p2p_msg *msg)
{
	struct tnode *n = ctx;
	if (n->pause_on_message && n->messages == 0)
		p2p_peer_pause(p2p, peer, true);
	n->messages++;
	n->last_cmd = msg->cmd;
	if (msg->cmd == P2P_CMD_INV || msg->cmd == P2P_CMD_GETDATA || msg->cmd == P2P_CMD_NOTFOUND)
		n->last_count = msg->u.inv.n;
}

static void tn_on_disconnect(void *ctx, struct p2p *p2p, struct p2p_peer *peer, enum p2p_err reason)
{
	struct tnode *n = ctx;
	(void)p2p;
	n->disconnects++;
	n->last_reason = reason;
	for (size_t i = 0; i < TN_MAX_SEEN; i++)
		if (n->seen[i] == p2p_peer_id(peer))
			n->seen[i] = 0;
	if (n->last_peer == peer)
		n->last_peer = NULL;
}

static void tn_on_send_ready(void *ctx, struct p2p *p2p, struct p2p_peer *peer)
{
	struct tnode *n = ctx;
	(void)p2p;
	(void)peer;
	n->send_ready++;
}

static uint64_t tn_best_height(void *ctx)
{
	return ((struct tnode *)ctx)->best_height;
}

void tn_options(struct p2p_options *o)
{
	if (!p2p_options_default(o, "regtest") || !chain_id_parse(&o->chain_id, TN_CHAIN))
		abort();
	tn_genesis(&o->genesis);
	o->user_agent = "/test:1/";
	o->max_outbound = 0;
	o->tick_ms = 20;
	o->handshake_timeout_ms = 3000;
	o->ping_interval_ms = 60000;
	o->ping_timeout_ms = 30000;
	o->connect_interval_ms = 50;
	o->manual_retry_ms = 50;
	o->addrman.accept_local = true;
}

void tn_start(struct tnode *n, const struct p2p_options *o, bool listen)
{
	struct p2p_options def;
	struct p2p_callbacks cb = { n, tn_on_handshake, tn_on_message, tn_on_disconnect,
				    tn_on_send_ready, tn_best_height };
	char err[256];

	memset(n, 0, sizeof(*n));
	if (o == NULL) {
		tn_options(&def);
		o = &def;
	}
	snprintf(n->log_path, sizeof(n->log_path), "%s/node-%d.log", tn_dir, ++tn_counter);
	n->log = log_create();
	if (n->log == NULL || !log_open_file(n->log, n->log_path, err, sizeof(err)))
		abort();
	log_enable_category(n->log, LOG_CAT_NET);
	n->p2p = p2p_create(err, sizeof(err), tn_base, o, &cb, n->log, NULL);
	if (n->p2p == NULL) {
		fprintf(stderr, "p2p_create: %s\n", err);
		abort();
	}
	if (listen) {
		struct p2p_addr bind;
		if (!p2p_addr_parse(&bind, "127.0.0.1", 0) ||
		    !p2p_listen(n->p2p, &n->addr, err, sizeof(err), &bind)) {
			fprintf(stderr, "p2p_listen: %s\n", err);
			abort();
		}
	}
}

void tn_stop(struct tnode *n)
{
	p2p_destroy(n->p2p);
	n->p2p = NULL;
	log_destroy(n->log);
	unlink(n->log_path);
}

const char *tn_log(struct tnode *n)
{
	static char text[1 << 20];
	FILE *f = fopen(n->log_path, "r");
	size_t len = 0;
	text[0] = '\0';
	if (f != NULL) {
		len = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[len] = '\0';
	return text;
}

uint64_t tn_connect(struct tnode *from, const struct tnode *to, enum p2p_conn_kind kind)
{
	uint64_t id;
	char err[256];
	if (!p2p_connect(from->p2p, &id, err, sizeof(err), &to->addr, kind)) {
		fprintf(stderr, "p2p_connect: %s\n", err);
		return 0;
	}
	return id;
}

struct p2p_peer *tn_peer(struct tnode *n, uint64_t id)
{
	return p2p_peer_find(n->p2p, id);
}

struct p2p_stats tn_stats(const struct tnode *n)
{
	struct p2p_stats s;
	p2p_get_stats(n->p2p, &s);
	return s;
}

struct tn_hs {
	struct tnode *n;
	int h;
};

static bool tn_hs_done(void *ctx)
{
	struct tn_hs *w = ctx;
	return w->n->handshakes >= w->h;
}

bool tn_wait_handshakes(struct tnode *n, int h)
{
	struct tn_hs w = { n, h };
	return tn_run_until(tn_hs_done, &w, 3000);
}

/* ------------------------------------------------------------- raw peers */

static void raw_on_frame(struct raw *r, const struct p2p_frame_header *h, const uint8_t *payload)
{
	static struct p2p_msg m;
	struct p2p_reject why;

	r->got[h->cmd]++;
	if (!p2p_msg_decode(&m, &why, h->cmd, payload, h->length)) {
		r->bad_input = true;
		return;
	}
	if (h->cmd == P2P_CMD_VERSION && r->act_as_node) {
		raw_version(r, TN_CHAIN, P2P_PROTOCOL_VERSION);
		raw_frame(r, "verack", NULL, 0, false);
	} else if (h->cmd == P2P_CMD_VERSION && r->auto_verack) {
		raw_frame(r, "verack", NULL, 0, false);
	} else if (h->cmd == P2P_CMD_PING && r->answer_pings) {
		struct p2p_msg pong;
		p2p_msg_init(&pong, P2P_CMD_PONG);
		pong.u.nonce = m.u.nonce;
		raw_msg(r, &pong);
	} else if (h->cmd == P2P_CMD_PONG) {
		r->last_pong = m.u.nonce;
	} else if (h->cmd == P2P_CMD_ADDR) {
		r->last_addr_count = m.u.addr.n;
	}
	p2p_msg_release(&m);
}

static void raw_read_cb(struct bufferevent *bev, void *arg)
{
	struct raw *r = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n = evbuffer_get_length(in);
	size_t off = 0;

	buf_reserve(&r->in, n);
	evbuffer_remove(in, r->in.data + r->in.len, n);
	r->in.len += n;
	for (;;) {
		struct p2p_frame_header h;
		const uint8_t *payload;
		size_t flen;
		enum p2p_err err;
		enum p2p_frame_status st = p2p_frame_next(&h, &payload, &flen, &err,
							  r->in.data + off, r->in.len - off, r->magic);
		if (st == P2P_FRAME_BAD)
			r->bad_input = true;
		if (st != P2P_FRAME_READY)
			break;
		raw_on_frame(r, &h, payload);
		off += flen;
	}
	memmove(r->in.data, r->in.data + off, r->in.len - off);
	r->in.len -= off;
}

static void raw_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct raw *r = arg;
	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		r->connected = true;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		r->closed = true;
}

static void raw_init(struct raw *r, struct bufferevent *bev)
{
	memset(r, 0, sizeof(*r));
	r->bev = bev;
	r->answer_pings = true;
	r->auto_verack = true;
	buf_init(&r->in);
	if (!p2p_network_magic(r->magic, "regtest"))
		abort();
	bufferevent_setcb(bev, raw_read_cb, NULL, raw_event_cb, r);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static bool raw_is_connected(void *ctx)
{
	struct raw *r = ctx;
	return r->connected || r->closed;
}

void raw_connect(struct raw *r, const struct tnode *n)
{
	struct sockaddr_storage ss;
	socklen_t len = p2p_addr_to_sockaddr(&ss, &n->addr);
	struct bufferevent *bev = bufferevent_socket_new(tn_base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		abort();
	raw_init(r, bev);
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&ss, (int)len) != 0)
		r->closed = true;
	tn_run_until(raw_is_connected, r, 2000);
}

void raw_accept(struct raw *r, int fd)
{
	struct bufferevent *bev = bufferevent_socket_new(tn_base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		abort();
	raw_init(r, bev);
	r->connected = true;
}

void raw_close(struct raw *r)
{
	if (r->bev != NULL)
		bufferevent_free(r->bev);
	r->bev = NULL;
	buf_release(&r->in);
}

void raw_send(struct raw *r, const void *p, size_t n)
{
	bufferevent_write(r->bev, p, n);
}

void raw_frame(struct raw *r, const char *command, const uint8_t *payload, size_t len, bool bad_sum)
{
	uint8_t hdr[P2P_HEADER_LEN] = { 0 };
	uint8_t sum[32];
	size_t n = strlen(command);

	memcpy(hdr, r->magic, 4);
	memcpy(hdr + 4, command, n > 12 ? 12 : n);
	hdr[16] = (uint8_t)len;
	hdr[17] = (uint8_t)(len >> 8);
	hdr[18] = (uint8_t)(len >> 16);
	hdr[19] = (uint8_t)(len >> 24);
	sha256(sum, payload, len);
	memcpy(hdr + 20, sum, 4);
	if (bad_sum)
		hdr[20] ^= 0xff;
	raw_send(r, hdr, sizeof(hdr));
	if (len > 0)
		raw_send(r, payload, len);
}

void raw_msg(struct raw *r, const struct p2p_msg *m)
{
	struct buf b = BUF_INIT;
	if (!p2p_msg_frame(&b, r->magic, m))
		abort();
	raw_send(r, b.data, b.len);
	buf_release(&b);
}

void raw_version(struct raw *r, const char *chain, uint32_t version)
{
	struct p2p_msg m;
	struct p2p_version *v = &m.u.version;
	p2p_msg_init(&m, P2P_CMD_VERSION);
	v->version = version;
	v->services = P2P_SERVICE_NETWORK;
	v->time_ms = (uint64_t)clock_now_ms(NULL);
	v->nonce = unit_rand();
	if (!chain_id_parse(&v->chain_id, chain))
		abort();
	tn_genesis(&v->genesis);
	v->user_agent_len = 4;
	memcpy(v->user_agent, "/raw", 4);
	raw_msg(r, &m);
}

struct raw_hs {
	struct raw *r;
	struct tnode *n;
	int want;
};

static bool raw_hs_done(void *ctx)
{
	struct raw_hs *w = ctx;
	return w->r->closed || (w->r->got[P2P_CMD_VERACK] > 0 && w->n->handshakes >= w->want);
}

bool raw_handshake(struct raw *r, struct tnode *n)
{
	struct raw_hs w = { r, n, n->handshakes + 1 };
	raw_connect(r, n);
	if (r->closed)
		return false;
	raw_version(r, TN_CHAIN, P2P_PROTOCOL_VERSION);
	return tn_run_until(raw_hs_done, &w, 3000) && !r->closed;
}

struct raw_ping {
	struct raw *r;
	uint64_t nonce;
};

static bool raw_ping_done(void *ctx)
{
	struct raw_ping *w = ctx;
	return w->r->closed || w->r->last_pong == w->nonce;
}

bool raw_barrier(struct raw *r)
{
	struct raw_ping w = { r, unit_rand() | 1 };
	struct p2p_msg m;
	p2p_msg_init(&m, P2P_CMD_PING);
	m.u.nonce = w.nonce;
	raw_msg(r, &m);
	return tn_run_until(raw_ping_done, &w, 3000) && !r->closed;
}

static bool raw_is_closed(void *ctx)
{
	return ((struct raw *)ctx)->closed;
}

bool raw_wait_closed(struct raw *r, int timeout_ms)
{
	return tn_run_until(raw_is_closed, r, timeout_ms);
}
