/* The connection layer: creation, listening, dialling, addnode, bans,
 * statistics (p2p.h). */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "p2p/p2p_internal.h"
#include "util/clock.h"
#include "util/log.h"

#define P2P_MINUTE_MS ((int64_t)60 * 1000)

uint64_t p2p_mono_ms(void)
{
	return clock_mono_ns() / 1000000u;
}

uint64_t p2p_mono_us(void)
{
	return clock_mono_ns() / 1000u;
}

int64_t p2p_wall_ms(const struct p2p *p2p)
{
	return clock_now_ms(p2p->clock);
}

const char *p2p_conn_kind_name(enum p2p_conn_kind k)
{
	switch (k) {
	case P2P_CONN_INBOUND:
		return "inbound";
	case P2P_CONN_OUTBOUND:
		return "outbound";
	case P2P_CONN_MANUAL:
		return "manual";
	case P2P_CONN_SEED:
		return "seed";
	}
	return "?";
}

bool p2p_options_default(struct p2p_options *o, const char *network)
{
	memset(o, 0, sizeof(*o));
	o->services = P2P_SERVICE_NETWORK;
	o->max_outbound = 8;
	o->max_inbound = 117;
	o->recv_cap = P2P_MAX_FRAME + ((size_t)64 << 10);
	o->send_cap = (size_t)4 << 20;
	o->tick_ms = 1000;
	o->handshake_timeout_ms = 60 * 1000;
	o->ping_interval_ms = 2 * P2P_MINUTE_MS;
	o->ping_timeout_ms = P2P_MINUTE_MS;
	o->inactivity_timeout_ms = 20 * P2P_MINUTE_MS;
	o->connect_interval_ms = 5 * 1000;
	o->manual_retry_ms = 5 * 1000;
	o->discourage_ms = 24 * 60 * P2P_MINUTE_MS;
	o->save_interval_ms = 15 * P2P_MINUTE_MS;
	o->addr_rate_per_min = 6;
	o->unknown_burst = 20;
	p2p_addrman_options_default(&o->addrman);
	return p2p_network_magic(o->magic, network);
}

/* ------------------------------------------------------------ creation */

static bool p2p_options_check(char *err, size_t errlen, const struct p2p_options *o)
{
	const char *ua = o->user_agent;
	if (!chain_id_valid((const uint8_t *)o->chain_id.s, o->chain_id.len))
		snprintf(err, errlen, "p2p: the chain id is not set");
	else if (ua != NULL && (strlen(ua) > P2P_USER_AGENT_MAX || strspn(ua,
		 " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
		 "abcdefghijklmnopqrstuvwxyz{|}~") != strlen(ua)))
		snprintf(err, errlen, "p2p: the user agent must be at most 256 printable ASCII bytes");
	else if (o->recv_cap < P2P_HEADER_LEN + 1024 || o->send_cap < 1024)
		snprintf(err, errlen, "p2p: receive or send buffer limit too small");
	else if (o->tick_ms < 1 || o->handshake_timeout_ms < 1 || o->ping_interval_ms < 1 ||
		 o->ping_timeout_ms < 1 || o->inactivity_timeout_ms < 1 ||
		 o->connect_interval_ms < 1 || o->manual_retry_ms < 1 || o->discourage_ms < 1 ||
		 o->save_interval_ms < 1)
		snprintf(err, errlen, "p2p: every period and timeout must be positive");
	else if (o->max_inbound > 100000 || o->max_outbound > 1000)
		snprintf(err, errlen, "p2p: connection limits out of range");
	else
		return true;
	return false;
}

static char *p2p_strdup(const char *s)
{
	size_t n;
	char *c;
	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	c = malloc(n);
	if (c != NULL)
		memcpy(c, s, n);
	return c;
}

static void p2p_deferred_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	p2p_run_deferred(arg);
}

static void p2p_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	p2p_tick(arg);
}

/* Load one of the files, logging what was found. */
static void p2p_load_files(struct p2p *p2p)
{
	char err[256] = "";
	int64_t now = p2p_wall_ms(p2p);

	p2p->stats.peers_file = P2P_FILE_MISSING;
	p2p->stats.banlist_file = P2P_FILE_MISSING;
	if (p2p->peers_path != NULL) {
		p2p->stats.peers_file = p2p_addrman_load(p2p->addrman, err, sizeof(err), p2p->peers_path);
		if (p2p->stats.peers_file == P2P_FILE_CORRUPT || p2p->stats.peers_file == P2P_FILE_ERROR)
			LOG_WARNING(p2p->log, LOG_CAT_NET, "ignoring %s: %s", p2p->peers_path, err);
		else
			LOG_INFO(p2p->log, LOG_CAT_NET, "address book: %zu addresses",
				 p2p_addrman_count(p2p->addrman));
	}
	if (p2p->banlist_path != NULL) {
		p2p->stats.banlist_file = p2p_banlist_load(p2p->banlist, err, sizeof(err),
							   p2p->banlist_path, now);
		if (p2p->stats.banlist_file == P2P_FILE_CORRUPT ||
		    p2p->stats.banlist_file == P2P_FILE_ERROR)
			LOG_WARNING(p2p->log, LOG_CAT_NET, "ignoring %s: %s", p2p->banlist_path, err);
	}
}

static bool p2p_alloc(struct p2p *p2p, const struct p2p_options *opt)
{
	p2p->user_agent = p2p_strdup(opt->user_agent ? opt->user_agent : "/rostra:" PACKAGE_VERSION "/");
	p2p->peers_path = p2p_strdup(opt->peers_path);
	p2p->banlist_path = p2p_strdup(opt->banlist_path);
	p2p->addrman = p2p_addrman_create(&opt->addrman);
	p2p->banlist = p2p_banlist_create();
	p2p->msg = calloc(1, sizeof(*p2p->msg));
	p2p->deferred = event_new(p2p->base, -1, 0, p2p_deferred_cb, p2p);
	p2p->tick = event_new(p2p->base, -1, EV_PERSIST, p2p_tick_cb, p2p);
	return p2p->user_agent != NULL && (opt->peers_path == NULL || p2p->peers_path != NULL) &&
	       (opt->banlist_path == NULL || p2p->banlist_path != NULL) && p2p->addrman != NULL &&
	       p2p->banlist != NULL && p2p->msg != NULL && p2p->deferred != NULL &&
	       p2p->tick != NULL && p2p_rng_seed(&p2p->rng, 0);
}

struct p2p *p2p_create(char *err, size_t errlen, struct event_base *base,
		       const struct p2p_options *opt, const struct p2p_callbacks *cb,
		       struct logger *log, const struct clock *clock)
{
	struct p2p *p2p;
	struct timeval tv;

	if (!p2p_options_check(err, errlen, opt))
		return NULL;
	p2p = calloc(1, sizeof(*p2p));
	if (p2p == NULL) {
		snprintf(err, errlen, "p2p: out of memory");
		return NULL;
	}
	p2p->base = base;
	p2p->opt = *opt;
	if (cb != NULL)
		p2p->cb = *cb;
	p2p->log = log;
	p2p->clock = clock;
	p2p->active = true;
	p2p->next_id = 1;
	buf_init(&p2p->scratch);
	if (!p2p_alloc(p2p, opt)) {
		snprintf(err, errlen, "p2p: out of memory, or no randomness for the address book");
		p2p_destroy(p2p);
		return NULL;
	}
	p2p->opt.user_agent = p2p->user_agent;
	p2p->opt.peers_path = p2p->peers_path;
	p2p->opt.banlist_path = p2p->banlist_path;
	p2p_load_files(p2p);
	p2p->loaded = true;
	tv.tv_sec = (time_t)(opt->tick_ms / 1000);
	tv.tv_usec = (suseconds_t)(opt->tick_ms % 1000) * 1000;
	event_add(p2p->tick, &tv);
	return p2p;
}

void p2p_destroy(struct p2p *p2p)
{
	char err[256];
	if (p2p == NULL)
		return;
	for (size_t i = 0; i < p2p->npeers; i++)
		p2p_peer_free(p2p->peers[i]);
	free(p2p->peers);
	for (size_t i = 0; i < p2p->nlisteners; i++)
		evconnlistener_free(p2p->listeners[i]);
	/* Only what was loaded is saved back: a failed creation writes nothing. */
	if (p2p->loaded && !p2p_save(p2p, err, sizeof(err)))
		LOG_WARNING(p2p->log, LOG_CAT_NET, "%s", err);
	if (p2p->deferred != NULL)
		event_free(p2p->deferred);
	if (p2p->tick != NULL)
		event_free(p2p->tick);
	p2p_addrman_destroy(p2p->addrman);
	p2p_banlist_destroy(p2p->banlist);
	if (p2p->msg != NULL)
		p2p_msg_release(p2p->msg);
	free(p2p->msg);
	buf_release(&p2p->scratch);
	free(p2p->user_agent);
	free(p2p->peers_path);
	free(p2p->banlist_path);
	free(p2p);
}

/* ------------------------------------------------------------- lookups */

bool p2p_connected_to(const struct p2p *p2p, const struct p2p_addr *addr)
{
	for (size_t i = 0; i < p2p->npeers; i++)
		if (!p2p->peers[i]->closing && p2p_addr_eq(&p2p->peers[i]->addr, addr))
			return true;
	return false;
}

size_t p2p_count_kind(const struct p2p *p2p, enum p2p_conn_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < p2p->npeers; i++)
		n += !p2p->peers[i]->closing && p2p->peers[i]->kind == kind;
	return n;
}

size_t p2p_peers(struct p2p *p2p, struct p2p_peer **out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < p2p->npeers; i++) {
		struct p2p_peer *p = p2p->peers[i];
		if (p->closing || !p->announced)
			continue;
		if (n < cap)
			out[n] = p;
		n++;
	}
	return n;
}

struct p2p_peer *p2p_peer_find(struct p2p *p2p, uint64_t id)
{
	for (size_t i = 0; i < p2p->npeers; i++)
		if (p2p->peers[i]->id == id)
			return p2p->peers[i];
	return NULL;
}

struct p2p_banlist *p2p_get_banlist(struct p2p *p2p)
{
	return p2p->banlist;
}

struct p2p_addrman *p2p_get_addrman(struct p2p *p2p)
{
	return p2p->addrman;
}

void p2p_get_stats(const struct p2p *p2p, struct p2p_stats *out)
{
	*out = p2p->stats;
	out->peers = out->inbound = out->outbound = out->manual = out->seed = out->handshaked = 0;
	for (size_t i = 0; i < p2p->npeers; i++) {
		const struct p2p_peer *p = p2p->peers[i];
		if (p->closing)
			continue;
		out->peers++;
		out->handshaked += p->handshaked;
		out->inbound += p->kind == P2P_CONN_INBOUND;
		out->outbound += p->kind == P2P_CONN_OUTBOUND;
		out->manual += p->kind == P2P_CONN_MANUAL;
		out->seed += p->kind == P2P_CONN_SEED;
	}
}

/* ----------------------------------------------------------- listening */

static void p2p_set_nodelay(evutil_socket_t fd)
{
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Whether an inbound connection from addr is welcome; a reason if not. */
static enum p2p_err p2p_inbound_verdict(struct p2p *p2p, const struct p2p_addr *addr)
{
	int64_t now = p2p_wall_ms(p2p);
	if (!p2p->active)
		return P2P_ERR_NETWORK_INACTIVE;
	if (p2p_banlist_is_banned(p2p->banlist, addr, now)) {
		p2p->stats.refused_banned++;
		return P2P_ERR_BANNED;
	}
	if (p2p_banlist_is_discouraged(p2p->banlist, addr, now)) {
		p2p->stats.refused_discouraged++;
		return P2P_ERR_DISCOURAGED;
	}
	if (p2p_count_kind(p2p, P2P_CONN_INBOUND) >= p2p->opt.max_inbound &&
	    !p2p_evict_inbound(p2p)) {
		p2p->stats.refused_full++;
		return P2P_ERR_INBOUND_FULL;
	}
	return P2P_ERR_OK;
}

static void p2p_accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
			  int salen, void *arg)
{
	struct p2p *p2p = arg;
	struct p2p_addr addr;
	struct bufferevent *bev;
	enum p2p_err why;
	char s[P2P_ADDR_STRLEN];

	(void)l;
	if (!p2p_addr_from_sockaddr(&addr, sa, (socklen_t)salen)) {
		evutil_closesocket(fd);
		return;
	}
	p2p_addr_format(s, sizeof(s), &addr);
	why = p2p_inbound_verdict(p2p, &addr);
	if (why != P2P_ERR_OK) {
		p2p->stats.closed[why]++;
		LOG_DEBUG(p2p->log, LOG_CAT_NET, "refused connection from %s: %s", s,
			  p2p_err_str(why));
		evutil_closesocket(fd);
		return;
	}
	p2p_set_nodelay(fd);
	bev = bufferevent_socket_new(p2p->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		evutil_closesocket(fd);
		return;
	}
	if (p2p_peer_new(p2p, bev, &addr, P2P_CONN_INBOUND) != NULL)
		LOG_DEBUG(p2p->log, LOG_CAT_NET, "accepted connection from %s", s);
}

/* accept() failed (out of file descriptors, say): the listener goes on. */
static void p2p_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct p2p *p2p = arg;
	(void)l;
	LOG_WARNING(p2p->log, LOG_CAT_NET, "cannot accept a connection: %s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

bool p2p_listen(struct p2p *p2p, struct p2p_addr *bound, char *err, size_t errlen,
		const struct p2p_addr *bind)
{
	struct sockaddr_storage ss;
	socklen_t len = p2p_addr_to_sockaddr(&ss, bind);
	struct evconnlistener *l;
	char s[P2P_ADDR_STRLEN];

	p2p_addr_format(s, sizeof(s), bind);
	if (p2p->nlisteners == P2P_MAX_LISTENERS) {
		snprintf(err, errlen, "cannot listen on %s: too many listeners", s);
		return false;
	}
	l = evconnlistener_new_bind(p2p->base, p2p_accept_cb, p2p,
				    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
				    128, (struct sockaddr *)&ss, (int)len);
	if (l == NULL) {
		snprintf(err, errlen, "cannot listen on %s: %s", s, strerror(errno));
		return false;
	}
	evconnlistener_set_error_cb(l, p2p_accept_error_cb);
	len = sizeof(ss);
	struct p2p_addr got = *bind;
	if (getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss, &len) == 0)
		p2p_addr_from_sockaddr(&got, (struct sockaddr *)&ss, len);
	if (bound != NULL)
		*bound = got;
	if (p2p->opt.listen_port == 0)
		p2p->opt.listen_port = got.port;
	p2p->listeners[p2p->nlisteners++] = l;
	p2p_addr_format(s, sizeof(s), &got);
	LOG_INFO(p2p->log, LOG_CAT_NET, "listening for peers on %s", s);
	return true;
}

/* ------------------------------------------------------------ dialling */

bool p2p_connect(struct p2p *p2p, uint64_t *id, char *err, size_t errlen,
		 const struct p2p_addr *addr, enum p2p_conn_kind kind)
{
	struct sockaddr_storage ss;
	socklen_t len = p2p_addr_to_sockaddr(&ss, addr);
	int64_t now = p2p_wall_ms(p2p);
	struct bufferevent *bev;
	struct p2p_peer *peer;
	char s[P2P_ADDR_STRLEN];

	if (id != NULL)
		*id = 0;
	p2p_addr_format(s, sizeof(s), addr);
	if (kind == P2P_CONN_INBOUND || !p2p->active || p2p_connected_to(p2p, addr) ||
	    (kind != P2P_CONN_MANUAL && (p2p_banlist_is_banned(p2p->banlist, addr, now) ||
					 p2p_banlist_is_discouraged(p2p->banlist, addr, now)))) {
		snprintf(err, errlen, "not connecting to %s: %s", s,
			 !p2p->active ? "networking is off"
			 : p2p_connected_to(p2p, addr) ? "already connected"
			 : kind == P2P_CONN_INBOUND ? "not an outbound kind" : "banned or discouraged");
		return false;
	}
	bev = bufferevent_socket_new(p2p->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&ss, (int)len) != 0) {
		snprintf(err, errlen, "cannot connect to %s: %s", s, strerror(errno));
		bufferevent_free(bev);
		return false;
	}
	peer = p2p_peer_new(p2p, bev, addr, kind);
	if (peer == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	p2p_set_nodelay(bufferevent_getfd(bev));
	if (id != NULL)
		*id = peer->id;
	LOG_DEBUG(p2p->log, LOG_CAT_NET, "connecting to %s (%s, peer %llu)", s,
		  p2p_conn_kind_name(kind), (unsigned long long)peer->id);
	return true;
}

/* -------------------------------------------------------------- addnode */

static size_t p2p_manual_find(const struct p2p *p2p, const struct p2p_addr *addr)
{
	for (size_t i = 0; i < p2p->nmanual; i++)
		if (p2p_addr_eq(&p2p->manual[i].addr, addr))
			return i;
	return SIZE_MAX;
}

bool p2p_addnode(struct p2p *p2p, const struct p2p_addr *addr)
{
	if (p2p_manual_find(p2p, addr) != SIZE_MAX || p2p->nmanual == P2P_MAX_MANUAL)
		return false;
	struct p2p_manual *m = &p2p->manual[p2p->nmanual++];
	memset(m, 0, sizeof(*m));
	m->addr = *addr;
	m->next_try_mono = 0; /* at the next tick */
	event_active(p2p->tick, 0, 0);
	return true;
}

bool p2p_addnode_remove(struct p2p *p2p, const struct p2p_addr *addr)
{
	size_t i = p2p_manual_find(p2p, addr);
	if (i == SIZE_MAX)
		return false;
	memmove(&p2p->manual[i], &p2p->manual[i + 1], (p2p->nmanual - i - 1) * sizeof(p2p->manual[0]));
	p2p->nmanual--;
	return true;
}

size_t p2p_addnode_list(const struct p2p *p2p, struct p2p_addr *out, size_t cap)
{
	for (size_t i = 0; i < p2p->nmanual && i < cap; i++)
		out[i] = p2p->manual[i].addr;
	return p2p->nmanual;
}

void p2p_set_network_active(struct p2p *p2p, bool active)
{
	if (p2p->active == active)
		return;
	p2p->active = active;
	LOG_INFO(p2p->log, LOG_CAT_NET, "networking %s", active ? "on" : "off");
	if (!active)
		for (size_t i = 0; i < p2p->npeers; i++)
			p2p_peer_disconnect(p2p, p2p->peers[i], P2P_ERR_NETWORK_INACTIVE);
}

bool p2p_network_active(const struct p2p *p2p)
{
	return p2p->active;
}

/* ----------------------------------------------------------------- bans */

void p2p_save_bans(struct p2p *p2p)
{
	char err[256];
	if (p2p->banlist_path != NULL &&
	    !p2p_banlist_save(p2p->banlist, err, sizeof(err), p2p->banlist_path))
		LOG_WARNING(p2p->log, LOG_CAT_NET, "%s", err);
}

bool p2p_ban(struct p2p *p2p, char *err, size_t errlen, const struct p2p_subnet *net,
	     int64_t until_ms)
{
	struct p2p_ban b = { *net, p2p_wall_ms(p2p), until_ms };
	char s[P2P_ADDR_STRLEN];

	if (!p2p_banlist_add(p2p->banlist, &b)) {
		snprintf(err, errlen, "invalid subnet or expiry, or the ban list is full");
		return false;
	}
	p2p_subnet_format(s, sizeof(s), net);
	LOG_INFO(p2p->log, LOG_CAT_NET, "banned %s", s);
	for (size_t i = 0; i < p2p->npeers; i++)
		if (p2p_subnet_contains(net, &p2p->peers[i]->addr))
			p2p_peer_disconnect(p2p, p2p->peers[i], P2P_ERR_BANNED);
	p2p_save_bans(p2p);
	return true;
}

bool p2p_unban(struct p2p *p2p, const struct p2p_subnet *net)
{
	if (!p2p_banlist_remove(p2p->banlist, net))
		return false;
	p2p_save_bans(p2p);
	return true;
}

void p2p_clear_bans(struct p2p *p2p)
{
	p2p_banlist_clear(p2p->banlist);
	p2p_save_bans(p2p);
}

bool p2p_save(struct p2p *p2p, char *err, size_t errlen)
{
	bool ok = true;
	if (p2p->peers_path != NULL)
		ok = p2p_addrman_save(p2p->addrman, err, errlen, p2p->peers_path);
	if (ok && p2p->banlist_path != NULL)
		ok = p2p_banlist_save(p2p->banlist, err, errlen, p2p->banlist_path);
	return ok;
}
