/* The HTTP thread: evhttp's request callback (peer, path, method,
 * credentials, queue depth), the delayed 401, and sending replies. Every
 * evhttp call on a live request happens on this thread. */
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

static void rpc_http_maybe_exit(struct rpc_server *s);

static void rpc_http_written(struct evhttp_request *req, void *arg)
{
	struct rpc_server *s = arg;
	(void)req;
	s->writing--;
	rpc_http_maybe_exit(s);
}

/* Send a reply. evhttp writes it from this loop later; rpc_http_written
 * counts it done then, so that a stop waits for replies to be written. */
static void rpc_http_send(struct rpc_server *s, struct evhttp_request *req, int status,
                          bool json, const void *body, size_t len)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	if (len > 0)
		evhttp_add_header(h, "Content-Type",
		                  json ? "application/json" : "text/plain; charset=utf-8");
	if (s->stopping)
		evhttp_add_header(h, "Connection", "close");
	if (len > 0)
		evbuffer_add(evhttp_request_get_output_buffer(req), body, len);
	/* A request whose client left has no connection: evhttp frees it at
	 * once, without calling back. */
	if (evhttp_request_get_connection(req) != NULL) {
		evhttp_request_set_on_complete_cb(req, rpc_http_written, s);
		s->writing++;
	}
	evhttp_send_reply(req, status, NULL, NULL);
}

static void rpc_http_plain(struct rpc_server *s, struct evhttp_request *req, int status,
                           const char *text)
{
	rpc_http_send(s, req, status, false, text, strlen(text));
}

static void rpc_http_grace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_server *s = arg;
	(void)fd;
	(void)what;
	event_base_loopexit(s->http_base, NULL);
}

/* End the loop once stopping and every request is answered and its reply
 * written. A reply whose client vanished mid-write is never reported
 * written; a short grace period bounds the wait for those. */
static void rpc_http_maybe_exit(struct rpc_server *s)
{
	struct timeval grace = { .tv_sec = 1, .tv_usec = 0 };
	if (!s->stopping || s->busy != 0 || s->delayed != 0)
		return;
	if (s->writing == 0) {
		event_base_loopexit(s->http_base, NULL);
	} else if (s->grace_ev == NULL) {
		s->grace_ev = evtimer_new(s->http_base, rpc_http_grace_cb, s);
		if (s->grace_ev == NULL || evtimer_add(s->grace_ev, &grace) != 0)
			event_base_loopexit(s->http_base, NULL);
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
	struct rpc_server *s = w->srv;
	(void)fd;
	(void)what;
	rpc_http_send(s, w->req, w->status, w->json, w->body.data, w->body.len);
	rpc_work_free(w); /* frees the event whose callback this is: allowed
	                     for a non-persistent event on its own thread */
	s->busy--;
	rpc_http_maybe_exit(s);
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
 * send it from the HTTP thread. */
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
static struct rpc_job *rpc_http_job(struct rpc_server *s, struct evhttp_request *req)
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
static struct rpc_work *rpc_work_create(struct rpc_server *s, struct evhttp_request *req,
                                        struct rpc_job *job)
{
	struct rpc_work *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		rpc_job_destroy(job);
		return NULL;
	}
	w->srv = s;
	w->req = req;
	buf_init(&w->body);
	w->job = job;
	job->done = rpc_work_done;
	job->done_arg = w;
	w->reply_ev = event_new(s->http_base, -1, 0, rpc_http_reply_cb, w);
	if (w->reply_ev == NULL) {
		rpc_work_free(w);
		return NULL;
	}
	return w;
}

/* Run a job that rpc_job_inline accepts here and reply; frees it. */
static void rpc_http_run_inline(struct rpc_server *s, struct evhttp_request *req,
                                struct rpc_job *job)
{
	int status;
	rpc_job_run(job);
	buf_reset(&s->reply);
	if (rpc_job_reply(job, &s->reply, &status))
		rpc_http_send(s, req, status, true, s->reply.data, s->reply.len);
	else
		rpc_http_plain(s, req, 500, "out of memory");
	rpc_job_destroy(job);
}

/* The delayed 401: the request and its server, freed by the timer. */
struct rpc_delay {
	struct rpc_server *srv;
	struct evhttp_request *req;
};

static void rpc_http_unauthorized_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_delay *d = arg;
	struct rpc_server *s = d->srv;
	(void)fd;
	(void)what;
	evhttp_add_header(evhttp_request_get_output_headers(d->req), "WWW-Authenticate",
	                  "Basic realm=\"jsonrpc\"");
	rpc_http_plain(s, d->req, 401, "incorrect or missing RPC credentials");
	free(d);
	s->delayed--;
	rpc_http_maybe_exit(s);
}

/* Answer 401 after the delay, so that guessing passwords is slow. */
static void rpc_http_unauthorized(struct rpc_server *s, struct evhttp_request *req,
                                  const char *peer)
{
	struct timeval tv = {
		.tv_sec = s->auth_delay_ms / 1000,
		.tv_usec = (s->auth_delay_ms % 1000) * 1000,
	};
	struct rpc_delay *d = malloc(sizeof(*d));
	LOG_WARNING(s->log, LOG_CAT_RPC, "RPC: incorrect or missing credentials from %s", peer);
	if (d != NULL) {
		d->srv = s;
		d->req = req;
		if (event_base_once(s->http_base, -1, EV_TIMEOUT, rpc_http_unauthorized_cb, d, &tv) == 0) {
			s->delayed++;
			return;
		}
		free(d);
	}
	rpc_http_plain(s, req, 401, "incorrect or missing RPC credentials");
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
static bool rpc_http_admit(struct rpc_server *s, struct evhttp_request *req)
{
	char peer[128];
	if (s->stopping) {
		rpc_http_plain(s, req, 503, "server is shutting down");
		return false;
	}
	if (!rpc_http_peer_allowed(s, req)) {
		rpc_http_peer_name(req, peer, sizeof(peer));
		LOG_WARNING(s->log, LOG_CAT_RPC, "RPC: refused connection from %s (not in -rpcallowip)", peer);
		rpc_http_plain(s, req, 403, "forbidden");
		return false;
	}
	if (strcmp(evhttp_request_get_uri(req), "/") != 0) {
		rpc_http_plain(s, req, 404, "not found: the JSON-RPC endpoint is /");
		return false;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "POST");
		rpc_http_plain(s, req, 405, "JSON-RPC requests are POSTs");
		return false;
	}
	const char *auth = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
	if (!rpc_auth_check_header(s->auth, auth)) {
		rpc_http_peer_name(req, peer, sizeof(peer));
		rpc_http_unauthorized(s, req, peer);
		return false;
	}
	return true;
}

static void rpc_http_request_cb(struct evhttp_request *req, void *arg)
{
	struct rpc_server *s = arg;
	if (!rpc_http_admit(s, req))
		return;
	struct rpc_job *job = rpc_http_job(s, req);
	if (job != NULL && job->parsed && rpc_job_inline(job)) {
		rpc_http_run_inline(s, req, job);
		return;
	}
	if (job == NULL) {
		rpc_http_plain(s, req, 500, "out of memory");
		return;
	}
	if (s->busy >= (size_t)s->threads + s->workqueue) {
		rpc_job_destroy(job);
		LOG_WARNING(s->log, LOG_CAT_RPC, "RPC: work queue depth exceeded");
		rpc_http_plain(s, req, 503, "work queue depth exceeded");
		return;
	}
	struct rpc_work *w = rpc_work_create(s, req, job);
	if (w == NULL) {
		rpc_http_plain(s, req, 500, "out of memory");
		return;
	}
	s->busy++;
	if (!rpc_queue_push(&s->queue, w))
		rpc_work_fail(w, 503, "server is shutting down");
}

static void rpc_http_force_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_server *s = arg;
	(void)fd;
	(void)what;
	LOG_ERROR(s->log, LOG_CAT_RPC, "RPC: %zu requests still unanswered after %d s; abandoning them",
	          s->busy + s->delayed, RPC_STOP_WAIT_S);
	event_base_loopbreak(s->http_base);
}

/* Close the listeners and answer no more; exit once all is answered. */
static void rpc_http_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_server *s = arg;
	struct timeval tv = { .tv_sec = RPC_STOP_WAIT_S, .tv_usec = 0 };
	(void)fd;
	(void)what;
	for (size_t i = 0; i < s->nbound; i++)
		evhttp_del_accept_socket(s->http, s->bound[i]);
	s->nbound = 0;
	s->stopping = true;
	s->force_ev = evtimer_new(s->http_base, rpc_http_force_cb, s);
	if (s->force_ev)
		evtimer_add(s->force_ev, &tv);
	rpc_http_maybe_exit(s);
}

void *rpc_http_thread(void *arg)
{
	struct rpc_server *s = arg;
	event_base_loop(s->http_base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

/* Bind one endpoint; false with err set when it cannot. */
static bool rpc_http_bind(struct rpc_server *s, const struct rpc_endpoint *e,
                          char *err, size_t errcap)
{
	struct evhttp_bound_socket *h = evhttp_bind_socket_with_handle(s->http, e->host, e->port);
	if (h == NULL) {
		snprintf(err, errcap, "cannot bind RPC to %s port %u: %s", e->host, e->port,
		         evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		return false;
	}
	s->bound[s->nbound++] = h;
	if (s->first_port == 0) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		if (getsockname(evhttp_bound_socket_get_fd(h), (struct sockaddr *)&ss, &sl) == 0)
			s->first_port = ntohs(ss.ss_family == AF_INET6
			                      ? ((struct sockaddr_in6 *)&ss)->sin6_port
			                      : ((struct sockaddr_in *)&ss)->sin_port);
	}
	LOG_INFO(s->log, LOG_CAT_RPC, "RPC server listening on %s port %u", e->host, e->port);
	return true;
}

static bool rpc_http_bind_all(struct rpc_server *s, char *err, size_t errcap)
{
	char msg[256];
	s->bound = calloc(s->nendpoints, sizeof(*s->bound));
	if (s->bound == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	for (size_t i = 0; i < s->nendpoints; i++) {
		const struct rpc_endpoint *e = &s->endpoints[i];
		if (rpc_http_bind(s, e, msg, sizeof(msg)))
			continue;
		if (!e->optional) {
			snprintf(err, errcap, "%s", msg);
			return false;
		}
		/* A default ::1 may be missing (no IPv6). */
		LOG_WARNING(s->log, LOG_CAT_RPC, "%s", msg);
	}
	return true;
}

bool rpc_http_setup(struct rpc_server *s, char *err, size_t errcap)
{
	s->http_base = event_base_new();
	s->http = s->http_base ? evhttp_new(s->http_base) : NULL;
	s->stop_ev = s->http_base ? event_new(s->http_base, -1, 0, rpc_http_stop_cb, s) : NULL;
	if (s->http == NULL || s->stop_ev == NULL) {
		snprintf(err, errcap, "cannot create the RPC event base");
		return false;
	}
	evhttp_set_timeout(s->http, (int)s->timeout_s);
	evhttp_set_max_headers_size(s->http, (ev_ssize_t)s->max_header_bytes);
	evhttp_set_max_body_size(s->http, (ev_ssize_t)s->max_body_bytes);
	evhttp_set_gencb(s->http, rpc_http_request_cb, s);
	return rpc_http_bind_all(s, err, errcap);
}

void rpc_http_teardown(struct rpc_server *s)
{
	if (s->force_ev)
		event_free(s->force_ev);
	if (s->grace_ev)
		event_free(s->grace_ev);
	s->grace_ev = NULL;
	if (s->stop_ev)
		event_free(s->stop_ev);
	if (s->http)
		evhttp_free(s->http);
	if (s->http_base)
		event_base_free(s->http_base);
	free(s->bound);
	buf_release(&s->reply);
	s->force_ev = s->stop_ev = NULL;
	s->http = NULL;
	s->http_base = NULL;
	s->bound = NULL;
	s->nbound = 0;
}
