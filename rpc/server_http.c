/* The HTTP threads: evhttp's request callback (peer, path, method,
 * credentials, queue depth), the delayed 401, and sending replies; the
 * listeners. Every evhttp call on a live request happens on the thread
 * whose loop took its connection. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "rpc/auth.h"
#include "rpc/dispatch_internal.h"
#include "rpc/server_internal.h"
#include "util/log.h"

/* How long a stop waits for the last replies before giving up on them. */
#define RPC_STOP_WAIT_S 10
/* The largest body the HTTP thread parses itself, to answer a lone
 * RPC_RUN_HTTP call (or a body rejected as a whole) without the queue:
 * parsing it costs a few microseconds at most. Larger bodies go to a
 * worker unparsed. */
#define RPC_INLINE_MAX_BODY 2048

static void rpc_http_maybe_exit(struct rpc_http_loop *l);

static void rpc_http_written(struct evhttp_request *req, void *arg)
{
	struct rpc_http_loop *l = arg;
	(void)req;
	l->writing--;
	rpc_http_maybe_exit(l);
}

/* Send a reply. evhttp writes it from this loop later; rpc_http_written
 * counts it done then, so that a stop waits for replies to be written. */
static void rpc_http_send(struct rpc_http_loop *l, struct evhttp_request *req, int status,
                          bool json, const void *body, size_t len)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	if (len > 0)
		evhttp_add_header(h, "Content-Type",
		                  json ? "application/json" : "text/plain; charset=utf-8");
	if (l->stopping)
		evhttp_add_header(h, "Connection", "close");
	if (len > 0)
		evbuffer_add(evhttp_request_get_output_buffer(req), body, len);
	/* A request whose client left has no connection: evhttp frees it at
	 * once, without calling back. */
	if (evhttp_request_get_connection(req) != NULL) {
		evhttp_request_set_on_complete_cb(req, rpc_http_written, l);
		l->writing++;
	}
	evhttp_send_reply(req, status, NULL, NULL);
}

static void rpc_http_plain(struct rpc_http_loop *l, struct evhttp_request *req, int status,
                           const char *text)
{
	rpc_http_send(l, req, status, false, text, strlen(text));
}

static void rpc_http_grace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_http_loop *l = arg;
	(void)fd;
	(void)what;
	event_base_loopexit(l->base, NULL);
}

/* End the loop once stopping and every request is answered and its reply
 * written. A reply whose client vanished mid-write is never reported
 * written; a short grace period bounds the wait for those. */
static void rpc_http_maybe_exit(struct rpc_http_loop *l)
{
	struct timeval grace = { .tv_sec = 1, .tv_usec = 0 };
	if (!l->stopping || l->busy != 0 || l->delayed != 0)
		return;
	if (l->writing == 0) {
		event_base_loopexit(l->base, NULL);
	} else if (l->grace_ev == NULL) {
		l->grace_ev = evtimer_new(l->base, rpc_http_grace_cb, l);
		if (l->grace_ev == NULL || evtimer_add(l->grace_ev, &grace) != 0)
			event_base_loopexit(l->base, NULL);
	}
}

static void rpc_work_free(struct rpc_work *w)
{
	rpc_job_destroy(w->job);
	if (w->reply_ev)
		event_free(w->reply_ev);
	buf_release(&w->body);
	free(w);
}

static void rpc_http_reply_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_work *w = arg;
	struct rpc_http_loop *l = w->loop;
	(void)fd;
	(void)what;
	rpc_http_send(l, w->req, w->status, w->json, w->body.data, w->body.len);
	rpc_work_free(w); /* frees the event whose callback this is: allowed
	                     for a non-persistent event on its own thread */
	__atomic_fetch_sub(&l->srv->inflight, 1, __ATOMIC_RELAXED);
	l->busy--;
	rpc_http_maybe_exit(l);
}

void rpc_work_post_reply(struct rpc_work *w)
{
	event_active(w->reply_ev, 0, 0);
}

void rpc_work_fail(struct rpc_work *w, int status, const char *text)
{
	buf_reset(&w->body);
	buf_puts(&w->body, text);
	buf_put_u8(&w->body, '\n');
	w->status = status;
	w->json = false;
	rpc_work_post_reply(w);
}

/* The job's done callback: build the reply where the last answer came,
 * send it from the work's HTTP thread. */
static void rpc_work_done(struct rpc_job *job, void *arg)
{
	struct rpc_work *w = arg;
	w->json = true;
	if (!rpc_job_reply(job, &w->body, &w->status)) {
		rpc_work_fail(w, 500, "out of memory");
		return;
	}
	rpc_work_post_reply(w);
}

/* The request's body as a new job; its done callback is set when it is
 * queued (rpc_work_create). A body of at most RPC_INLINE_MAX_BODY bytes
 * is parsed here, straight from evhttp's buffer (no copy: the parsed
 * calls need no body); a larger one is copied for a worker to parse.
 * NULL when out of memory. */
static struct rpc_job *rpc_http_job(const struct rpc_server *s, struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	if (len <= RPC_INLINE_MAX_BODY) {
		struct rpc_job *job = rpc_job_create(s->d, NULL, 0, NULL, NULL);
		const char *text = len ? (const char *)evbuffer_pullup(in, (ev_ssize_t)len) : "";
		if (job != NULL && (text == NULL || !rpc_job_parse_borrowed(job, text, len))) {
			rpc_job_destroy(job);
			return NULL;
		}
		return job;
	}
	char *body = malloc(len);
	if (body == NULL || evbuffer_copyout(in, body, len) != (ev_ssize_t)len) {
		free(body);
		return NULL;
	}
	return rpc_job_create(s->d, body, len, NULL, NULL); /* owns body */
}

/* Wrap job (owned from now on, also on failure) for the queue. */
static struct rpc_work *rpc_work_create(struct rpc_http_loop *l, struct evhttp_request *req,
                                        struct rpc_job *job)
{
	struct rpc_work *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		rpc_job_destroy(job);
		return NULL;
	}
	w->srv = l->srv;
	w->loop = l;
	w->req = req;
	buf_init(&w->body);
	w->job = job;
	job->done = rpc_work_done;
	job->done_arg = w;
	w->reply_ev = event_new(l->base, -1, 0, rpc_http_reply_cb, w);
	if (w->reply_ev == NULL) {
		rpc_work_free(w);
		return NULL;
	}
	return w;
}

/* Run a job that rpc_job_inline accepts here and reply; frees it. */
static void rpc_http_run_inline(struct rpc_http_loop *l, struct evhttp_request *req,
                                struct rpc_job *job)
{
	int status;
	rpc_job_run(job);
	buf_reset(&l->reply);
	if (rpc_job_reply(job, &l->reply, &status))
		rpc_http_send(l, req, status, true, l->reply.data, l->reply.len);
	else
		rpc_http_plain(l, req, 500, "out of memory");
	rpc_job_destroy(job);
}

/* The delayed 401: the request and its loop, freed by the timer. */
struct rpc_delay {
	struct rpc_http_loop *loop;
	struct evhttp_request *req;
};

static void rpc_http_unauthorized_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_delay *d = arg;
	struct rpc_http_loop *l = d->loop;
	(void)fd;
	(void)what;
	evhttp_add_header(evhttp_request_get_output_headers(d->req), "WWW-Authenticate",
	                  "Basic realm=\"jsonrpc\"");
	rpc_http_plain(l, d->req, 401, "incorrect or missing RPC credentials");
	free(d);
	l->delayed--;
	rpc_http_maybe_exit(l);
}

/* Answer 401 after the delay, so that guessing passwords is slow. */
static void rpc_http_unauthorized(struct rpc_http_loop *l, struct evhttp_request *req,
                                  const char *peer)
{
	const struct rpc_server *s = l->srv;
	struct timeval tv = {
		.tv_sec = s->auth_delay_ms / 1000,
		.tv_usec = (s->auth_delay_ms % 1000) * 1000,
	};
	struct rpc_delay *d = malloc(sizeof(*d));
	LOG_WARNING(s->log, LOG_CAT_RPC, "RPC: incorrect or missing credentials from %s", peer);
	if (d != NULL) {
		d->loop = l;
		d->req = req;
		if (event_base_once(l->base, -1, EV_TIMEOUT, rpc_http_unauthorized_cb, d, &tv) == 0) {
			l->delayed++;
			return;
		}
		free(d);
	}
	rpc_http_plain(l, req, 401, "incorrect or missing RPC credentials");
}

/* The client's address as text, for a log line. */
static void rpc_http_peer_name(struct evhttp_request *req, char *peer, size_t peercap)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	char *host = NULL;
	uint16_t port = 0;
	if (evcon)
		evhttp_connection_get_peer(evcon, &host, &port);
	snprintf(peer, peercap, "%s:%u", host ? host : "?", port);
}

static bool rpc_http_peer_allowed(const struct rpc_server *s, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	const struct sockaddr *sa = evcon ? evhttp_connection_get_addr(evcon) : NULL;
	struct rpc_netaddr a;
	if (!rpc_netaddr_from_sockaddr(&a, sa))
		return false;
	if (rpc_netaddr_is_loopback(&a))
		return true;
	for (size_t i = 0; i < s->nallow; i++)
		if (rpc_netmask_match(&s->allow[i], &a))
			return true;
	return false;
}

/* The checks before a request is queued; false when already answered. */
static bool rpc_http_admit(struct rpc_http_loop *l, struct evhttp_request *req)
{
	const struct rpc_server *s = l->srv;
	char peer[128];
	if (l->stopping) {
		rpc_http_plain(l, req, 503, "server is shutting down");
		return false;
	}
	if (!rpc_http_peer_allowed(s, req)) {
		rpc_http_peer_name(req, peer, sizeof(peer));
		LOG_WARNING(s->log, LOG_CAT_RPC, "RPC: refused connection from %s (not in -rpcallowip)", peer);
		rpc_http_plain(l, req, 403, "forbidden");
		return false;
	}
	if (strcmp(evhttp_request_get_uri(req), "/") != 0) {
		rpc_http_plain(l, req, 404, "not found: the JSON-RPC endpoint is /");
		return false;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "POST");
		rpc_http_plain(l, req, 405, "JSON-RPC requests are POSTs");
		return false;
	}
	const char *auth = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
	if (!rpc_auth_check_header(s->auth, auth)) {
		rpc_http_peer_name(req, peer, sizeof(peer));
		rpc_http_unauthorized(l, req, peer);
		return false;
	}
	return true;
}

/* Take a place among the works in progress of every HTTP thread; false
 * when -rpcthreads + -rpcworkqueue are taken. */
static bool rpc_http_take_place(struct rpc_server *s)
{
	size_t limit = (size_t)s->threads + s->workqueue;
	size_t n = __atomic_fetch_add(&s->inflight, 1, __ATOMIC_RELAXED);
	if (n < limit)
		return true;
	__atomic_fetch_sub(&s->inflight, 1, __ATOMIC_RELAXED);
	return false;
}

static void rpc_http_request_cb(struct evhttp_request *req, void *arg)
{
	struct rpc_http_loop *l = arg;
	struct rpc_server *s = l->srv;
	if (!rpc_http_admit(l, req))
		return;
	struct rpc_job *job = rpc_http_job(s, req);
	if (job != NULL && job->parsed && rpc_job_inline(job)) {
		rpc_http_run_inline(l, req, job);
		return;
	}
	if (job == NULL) {
		rpc_http_plain(l, req, 500, "out of memory");
		return;
	}
	if (!rpc_http_take_place(s)) {
		rpc_job_destroy(job);
		LOG_WARNING(s->log, LOG_CAT_RPC, "RPC: work queue depth exceeded");
		rpc_http_plain(l, req, 503, "work queue depth exceeded");
		return;
	}
	struct rpc_work *w = rpc_work_create(l, req, job);
	if (w == NULL) {
		__atomic_fetch_sub(&s->inflight, 1, __ATOMIC_RELAXED);
		rpc_http_plain(l, req, 500, "out of memory");
		return;
	}
	l->busy++;
	if (!rpc_queue_push(&s->queue, w))
		rpc_work_fail(w, 503, "server is shutting down");
}

static void rpc_http_force_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_http_loop *l = arg;
	(void)fd;
	(void)what;
	LOG_ERROR(l->srv->log, LOG_CAT_RPC, "RPC: %zu requests still unanswered after %d s; abandoning them",
	          l->busy + l->delayed, RPC_STOP_WAIT_S);
	event_base_loopbreak(l->base);
}

/* Close the listeners and answer no more; exit once all is answered. */
static void rpc_http_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_http_loop *l = arg;
	struct timeval tv = { .tv_sec = RPC_STOP_WAIT_S, .tv_usec = 0 };
	(void)fd;
	(void)what;
	for (size_t i = 0; i < l->nbound; i++)
		evhttp_del_accept_socket(l->http, l->bound[i]);
	l->nbound = 0;
	l->stopping = true;
	l->force_ev = evtimer_new(l->base, rpc_http_force_cb, l);
	if (l->force_ev)
		evtimer_add(l->force_ev, &tv);
	rpc_http_maybe_exit(l);
}

void rpc_http_interrupt(struct rpc_http_loop *l)
{
	event_active(l->stop_ev, 0, 0);
}

void *rpc_http_thread(void *arg)
{
	struct rpc_http_loop *l = arg;
	event_base_loop(l->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}


/* Listen on sa for loop l, with a socket of its own; with more than one
 * HTTP thread the socket is SO_REUSEPORT, so that every loop's socket on
 * this address shares its port. NULL when it cannot (errno-style error in
 * EVUTIL_SOCKET_ERROR()). */
static struct evhttp_bound_socket *rpc_http_listen(struct rpc_http_loop *l,
                                                   const struct sockaddr *sa, socklen_t salen)
{
	unsigned flags = LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC;
	if (l->srv->http_threads > 1)
		flags |= LEV_OPT_REUSEABLE_PORT;
	/* No callback yet: evhttp_bind_listener sets evhttp's. */
	struct evconnlistener *lev = evconnlistener_new_bind(l->base, NULL, NULL, flags, -1, sa,
	                                                     (int)salen);
	if (lev == NULL)
		return NULL;
	struct evhttp_bound_socket *h = evhttp_bind_listener(l->http, lev);
	if (h == NULL)
		evconnlistener_free(lev);
	else
		l->bound[l->nbound++] = h;
	return h;
}

/* With SO_REUSEPORT, another process of this user that also sets it
 * (another rostrad given the same port) could bind the port beside us and
 * take part of our connections. So the address is first bound without
 * it, which fails while any listener holds the port; the probe is closed
 * and the address it got (the port the system chose, for port 0) is the
 * one every loop binds. (With one HTTP thread the probe is not needed,
 * and costs one bind at start-up: one path for both.) Out: *ss, *sl.
 * False with errno-style error set. */
static bool rpc_http_probe(const struct sockaddr *sa, socklen_t salen,
                           struct sockaddr_storage *ss, socklen_t *sl)
{
	evutil_socket_t fd = socket(sa->sa_family, SOCK_STREAM, 0);
	if (fd < 0)
		return false;
	*sl = sizeof(*ss);
	bool ok = evutil_make_listen_socket_reuseable(fd) == 0 && bind(fd, sa, salen) == 0 &&
	          getsockname(fd, (struct sockaddr *)ss, sl) == 0;
	int e = EVUTIL_SOCKET_ERROR();
	evutil_closesocket(fd);
	EVUTIL_SET_SOCKET_ERROR(e);
	return ok;
}

/* Bind endpoint e on the first loop: its address resolved as evhttp
 * would (the first answer of a passive lookup). Out: *ss and *sl, the
 * address bound, port included (the one the system chose for port 0).
 * False with err set when it cannot. */
static bool rpc_http_bind_first(struct rpc_http_loop *l, const struct rpc_endpoint *e,
                                struct sockaddr_storage *ss, socklen_t *sl,
                                char *err, size_t errcap)
{
	struct evutil_addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_protocol = IPPROTO_TCP,
		.ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG,
	};
	struct evutil_addrinfo *ai = NULL;
	char port[8];
	snprintf(port, sizeof(port), "%u", e->port);
	int rc = evutil_getaddrinfo(e->host, port, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errcap, "cannot bind RPC to %s port %u: %s", e->host, e->port,
		         evutil_gai_strerror(rc));
		return false;
	}
	struct evhttp_bound_socket *h = NULL;
	if (rpc_http_probe(ai->ai_addr, ai->ai_addrlen, ss, sl))
		h = rpc_http_listen(l, (const struct sockaddr *)ss, *sl);
	evutil_freeaddrinfo(ai);
	*sl = sizeof(*ss);
	if (h == NULL || getsockname(evhttp_bound_socket_get_fd(h), (struct sockaddr *)ss, sl) != 0) {
		snprintf(err, errcap, "cannot bind RPC to %s port %u: %s", e->host, e->port,
		         evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		return false;
	}
	return true;
}

static uint16_t rpc_http_port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
	                                        : ((const struct sockaddr_in *)ss)->sin_port);
}

/* Bind endpoint e on every loop; false with err set when it cannot. */
static bool rpc_http_bind(struct rpc_server *s, const struct rpc_endpoint *e,
                          char *err, size_t errcap)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (!rpc_http_bind_first(&s->loops[0], e, &ss, &sl, err, errcap))
		return false;
	uint16_t port = rpc_http_port_of(&ss);
	for (size_t i = 1; i < s->nloops; i++) {
		if (rpc_http_listen(&s->loops[i], (const struct sockaddr *)&ss, sl) == NULL) {
			snprintf(err, errcap, "cannot bind RPC to %s port %u for HTTP thread %zu: %s",
			         e->host, port, i + 1, evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
			return false;
		}
	}
	if (s->first_port == 0)
		s->first_port = port;
	LOG_INFO(s->log, LOG_CAT_RPC, "RPC server listening on %s port %u", e->host, port);
	return true;
}

/* An endpoint that fails to bind on the first loop may be optional (a
 * default ::1: no IPv6); once bound there, it must bind on every loop. */
static bool rpc_http_bind_all(struct rpc_server *s, char *err, size_t errcap)
{
	char msg[256];
	for (size_t i = 0; i < s->nendpoints; i++) {
		const struct rpc_endpoint *e = &s->endpoints[i];
		size_t before = s->loops[0].nbound;
		if (rpc_http_bind(s, e, msg, sizeof(msg)))
			continue;
		if (!e->optional || s->loops[0].nbound != before) {
			snprintf(err, errcap, "%s", msg);
			return false;
		}
		LOG_WARNING(s->log, LOG_CAT_RPC, "%s", msg);
	}
	return true;
}

static bool rpc_http_loop_setup(struct rpc_server *s, struct rpc_http_loop *l)
{
	l->srv = s;
	buf_init(&l->reply);
	l->base = event_base_new();
	l->http = l->base ? evhttp_new(l->base) : NULL;
	l->stop_ev = l->base ? event_new(l->base, -1, 0, rpc_http_stop_cb, l) : NULL;
	l->bound = calloc(s->nendpoints ? s->nendpoints : 1, sizeof(*l->bound));
	if (l->http == NULL || l->stop_ev == NULL || l->bound == NULL)
		return false;
	evhttp_set_timeout(l->http, (int)s->timeout_s);
	evhttp_set_max_headers_size(l->http, (ev_ssize_t)s->max_header_bytes);
	evhttp_set_max_body_size(l->http, (ev_ssize_t)s->max_body_bytes);
	evhttp_set_gencb(l->http, rpc_http_request_cb, l);
	return true;
}

bool rpc_http_setup(struct rpc_server *s, char *err, size_t errcap)
{
	s->loops = calloc(s->http_threads, sizeof(*s->loops));
	if (s->loops == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	s->nloops = s->http_threads;
	for (size_t i = 0; i < s->nloops; i++) {
		if (!rpc_http_loop_setup(s, &s->loops[i])) {
			snprintf(err, errcap, "cannot create the RPC event base");
			return false;
		}
	}
	return rpc_http_bind_all(s, err, errcap);
}

void rpc_http_teardown(struct rpc_http_loop *l)
{
	if (l->force_ev)
		event_free(l->force_ev);
	if (l->grace_ev)
		event_free(l->grace_ev);
	if (l->stop_ev)
		event_free(l->stop_ev);
	if (l->http)
		evhttp_free(l->http); /* closes its listeners */
	if (l->base)
		event_base_free(l->base);
	free(l->bound);
	buf_release(&l->reply);
	l->force_ev = l->grace_ev = l->stop_ev = NULL;
	l->http = NULL;
	l->base = NULL;
	l->bound = NULL;
	l->nbound = 0;
}
