/* The server's configuration (credentials, allowed subnets, addresses)
 * and its lifecycle: start, interrupt, stop, destroy. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "rpc/auth.h"
#include "rpc/server.h"
#include "rpc/server_internal.h"
#include "util/log.h"
#include "util/parse.h"

void rpc_server_config_init(struct rpc_server_config *c)
{
	memset(c, 0, sizeof(*c));
	c->threads = RPC_DEFAULT_THREADS;
	c->http_threads = RPC_DEFAULT_HTTP_THREADS;
	c->workqueue = RPC_DEFAULT_WORKQUEUE;
	c->timeout_s = RPC_DEFAULT_TIMEOUT_S;
	c->max_header_bytes = RPC_DEFAULT_MAX_HEADER_BYTES;
	c->max_body_bytes = RPC_DEFAULT_MAX_BODY_BYTES;
	c->auth_delay_ms = RPC_DEFAULT_AUTH_DELAY_MS;
}

void rpc_block_signals(sigset_t *old)
{
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, old);
}

void rpc_restore_signals(const sigset_t *old)
{
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* "host", "host:port", "[v6]" or "[v6]:port"; a bare IPv6 address has
 * more than one ':'. */
static bool rpc_parse_endpoint(struct rpc_endpoint *e, const char *text, uint16_t defport)
{
	const char *host = text, *port = NULL;
	size_t hlen = strlen(text);
	memset(e, 0, sizeof(*e));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			return false;
		host = text + 1;
		hlen = (size_t)(close - host);
		port = close[1] == ':' ? close + 2 : NULL;
	} else {
		const char *colon = strchr(text, ':');
		if (colon && strchr(colon + 1, ':') == NULL) {
			hlen = (size_t)(colon - text);
			port = colon + 1;
		}
	}
	uint32_t p = defport;
	if (hlen == 0 || hlen >= sizeof(e->host) || (port && !parse_u32(&p, port, 1, 65535)))
		return false;
	memcpy(e->host, host, hlen);
	e->host[hlen] = '\0';
	e->port = (uint16_t)p;
	return true;
}

static bool rpc_set_endpoints(struct rpc_server *s, char *err, size_t errcap,
                              const struct rpc_server_config *c)
{
	bool explicit = c->nbind > 0 && c->nallowip > 0;
	size_t n = explicit ? c->nbind : 2;
	s->endpoints = calloc(n, sizeof(*s->endpoints));
	if (s->endpoints == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	s->nendpoints = n;
	if (!explicit) {
		if (c->nbind > 0)
			LOG_WARNING(s->log, LOG_CAT_RPC,
			            "-rpcbind ignored: it needs -rpcallowip too; binding to loopback only");
		else if (c->nallowip > 0)
			LOG_WARNING(s->log, LOG_CAT_RPC, "-rpcallowip without -rpcbind: binding to loopback only");
		const char *const loopback[2] = { "127.0.0.1", "::1" };
		for (size_t i = 0; i < 2; i++) {
			snprintf(s->endpoints[i].host, sizeof(s->endpoints[i].host), "%s", loopback[i]);
			s->endpoints[i].port = c->port;
			/* Only ::1 may be missing (no IPv6). If 127.0.0.1 is taken,
			 * rostra-cli would send the cookie to whoever holds it. */
			s->endpoints[i].optional = i == 1;
		}
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		if (!rpc_parse_endpoint(&s->endpoints[i], c->bind[i], c->port)) {
			snprintf(err, errcap, "invalid -rpcbind: '%.64s' (expected host, host:port or [ipv6]:port)",
			         c->bind[i]);
			return false;
		}
	}
	return true;
}

static bool rpc_set_allow(struct rpc_server *s, char *err, size_t errcap,
                          const struct rpc_server_config *c)
{
	s->allow = calloc(c->nallowip ? c->nallowip : 1, sizeof(*s->allow));
	if (s->allow == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	for (size_t i = 0; i < c->nallowip; i++) {
		if (!rpc_netmask_parse(&s->allow[i], c->allowip[i])) {
			snprintf(err, errcap, "invalid -rpcallowip: '%.64s' (expected an IP address or IP/prefix)",
			         c->allowip[i]);
			return false;
		}
	}
	s->nallow = c->nallowip;
	return true;
}

static bool rpc_set_auth(struct rpc_server *s, char *err, size_t errcap,
                         const struct rpc_server_config *c)
{
	s->auth = rpc_auth_create();
	if (s->auth == NULL) {
		snprintf(err, errcap, "cannot set up RPC authentication (no memory or entropy)");
		return false;
	}
	if ((c->user != NULL) != (c->password != NULL)) {
		snprintf(err, errcap, "%s", c->user ? "-rpcuser needs -rpcpassword"
		                                    : "-rpcpassword needs -rpcuser");
		return false;
	}
	if (c->user && !rpc_auth_add_password(s->auth, err, errcap, c->user, c->password))
		return false;
	for (size_t i = 0; i < c->nrpcauth; i++)
		if (!rpc_auth_add_rpcauth(s->auth, err, errcap, c->rpcauth[i]))
			return false;
	if (c->cookie_path && !(s->cookie_want = strdup(c->cookie_path))) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	if (rpc_auth_count(s->auth) == 0 && s->cookie_want == NULL) {
		snprintf(err, errcap, "no RPC credentials: give -rpcuser/-rpcpassword, -rpcauth, or a cookie");
		return false;
	}
	return true;
}

struct rpc_server *rpc_server_create(char *err, size_t errcap,
                                     const struct rpc_server_config *c,
                                     const struct rpc_dispatcher *d, struct logger *log)
{
	struct rpc_server *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	s->d = d;
	s->log = log;
	s->threads = c->threads ? c->threads : 1;
	s->http_threads = c->http_threads ? c->http_threads : 1;
	s->workqueue = c->workqueue ? c->workqueue : 1;
	s->timeout_s = c->timeout_s ? c->timeout_s : 1;
	s->auth_delay_ms = c->auth_delay_ms;
	s->max_header_bytes = c->max_header_bytes;
	s->max_body_bytes = c->max_body_bytes;
	if (!rpc_set_allow(s, err, errcap, c) || !rpc_set_endpoints(s, err, errcap, c) ||
	    !rpc_set_auth(s, err, errcap, c)) {
		rpc_server_destroy(s);
		return NULL;
	}
	return s;
}

/* Free every loop, once none holds a request. */
static void rpc_server_free_loops(struct rpc_server *s)
{
	for (size_t i = 0; i < s->nloops; i++)
		rpc_http_teardown(&s->loops[i]);
	free(s->loops);
	s->loops = NULL;
	s->nloops = 0;
}

/* Undo a start that failed half way (nothing is running). */
static void rpc_server_unstart(struct rpc_server *s)
{
	rpc_server_free_loops(s);
	rpc_inbox_release(&s->inbox);
	rpc_queue_release(&s->queue);
	if (s->cookie_path) {
		unlink(s->cookie_path);
		free(s->cookie_path);
		s->cookie_path = NULL;
	}
}

static bool rpc_server_threads(struct rpc_server *s, char *err, size_t errcap)
{
	sigset_t old;
	bool ok = true;
	rpc_block_signals(&old);
	for (size_t i = 0; i < s->nloops && ok; i++) {
		struct rpc_http_loop *l = &s->loops[i];
		ok = pthread_create(&l->thread, NULL, rpc_http_thread, l) == 0;
		l->running = ok;
	}
	rpc_restore_signals(&old);
	/* From here rpc_server_stop undoes the start, threads or not. */
	s->started = true;
	if (!ok) {
		snprintf(err, errcap, "cannot start the RPC HTTP threads");
		rpc_server_stop(s);
		return false;
	}
	if (!rpc_queue_start(s, s->threads)) {
		snprintf(err, errcap, "cannot start the RPC worker threads");
		rpc_server_stop(s);
		return false;
	}
	LOG_INFO(s->log, LOG_CAT_RPC, "RPC server: %u HTTP threads, %u worker threads",
	         s->http_threads, s->threads);
	return true;
}

bool rpc_server_start(struct rpc_server *s, char *err, size_t errcap,
                      struct event_base *main_base)
{
	s->main_base = main_base;
	if (!rpc_queue_init(&s->queue)) {
		snprintf(err, errcap, "cannot create the RPC work queue");
		return false;
	}
	if (!rpc_inbox_init(&s->inbox, s)) {
		rpc_queue_release(&s->queue);
		snprintf(err, errcap, "cannot create the RPC main-loop inbox");
		return false;
	}
	bool ok = rpc_http_setup(s, err, errcap);
	if (ok && s->cookie_want) {
		ok = rpc_cookie_create(s->auth, err, errcap, s->cookie_want);
		if (ok) {
			s->cookie_path = s->cookie_want;
			s->cookie_want = NULL;
		}
	}
	if (!ok) {
		rpc_server_unstart(s);
		return false;
	}
	return rpc_server_threads(s, err, errcap);
}

uint16_t rpc_server_port(const struct rpc_server *s)
{
	return s->first_port;
}

void rpc_server_interrupt(struct rpc_server *s)
{
	if (!s->started || s->interrupted)
		return;
	s->interrupted = true;
	LOG_INFO(s->log, LOG_CAT_RPC, "RPC server stopping");
	for (size_t i = 0; i < s->nloops; i++)
		rpc_http_interrupt(&s->loops[i]);
	rpc_queue_shutdown(&s->queue);
	rpc_inbox_shutdown(&s->inbox);
}

void rpc_server_stop(struct rpc_server *s)
{
	if (!s->started || s->stopped)
		return;
	rpc_server_interrupt(s);
	size_t left = 0;
	for (size_t i = 0; i < s->nloops; i++) {
		struct rpc_http_loop *l = &s->loops[i];
		if (l->running)
			pthread_join(l->thread, NULL);
		l->running = false;
		left += l->busy + l->delayed;
	}
	s->stopped = true;
	if (left == 0) {
		rpc_server_free_loops(s);
	} else {
		/* Someone still holds those requests: freeing evhttp under
		 * them would be worse than leaving them. */
		LOG_ERROR(s->log, LOG_CAT_RPC, "RPC: leaving %zu unanswered requests behind", left);
	}
	if (s->cookie_path && unlink(s->cookie_path) != 0)
		LOG_WARNING(s->log, LOG_CAT_RPC, "cannot delete the RPC cookie %s", s->cookie_path);
	LOG_INFO(s->log, LOG_CAT_RPC, "RPC server stopped");
}

void rpc_server_destroy(struct rpc_server *s)
{
	if (s == NULL)
		return;
	if (s->started) {
		rpc_server_stop(s);
		rpc_inbox_release(&s->inbox);
		rpc_queue_release(&s->queue);
	}
	rpc_auth_destroy(s->auth);
	free(s->allow);
	free(s->endpoints);
	free(s->cookie_path);
	free(s->cookie_want);
	free(s);
}
