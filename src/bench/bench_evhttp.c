/* bench_evhttp: the bound of the RPC throughput figures (doc/bench.md).
 *
 * A minimal libevent evhttp server that answers every request with the same
 * small JSON-RPC reply, with nothing else in the way: no peer check, no
 * credentials, no parsing, no queue, no worker. It runs evhttp on T threads
 * (-threads, default 1) as rostrad runs its -rpchttpthreads HTTP threads:
 * each thread its own event base and evhttp with the RPC server's settings
 * (timeout, header and body limits) and its own listening socket, the
 * sockets sharing the port with SO_REUSEPORT when T > 1. So rostrad's
 * requests per second over this server's, with as many HTTP threads and
 * the same load in the same run, is the share of the transport's best that
 * the node keeps.
 *
 *   bench_evhttp [-port=N] [-bind=ADDR] [-threads=T]
 *
 * It binds ADDR (default 127.0.0.1, a numeric address) on port N (default
 * 0: a free port), prints "port P" on stdout once listening, and serves
 * until SIGTERM or SIGINT. Exit status 0 after a signal, 1 on a bad
 * argument or a failed bind (one line on stderr). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>

/* A JSON-RPC 1.1 reply the size of the node's getblockcount reply. */
static const char bench_evhttp_reply[] = "{\"result\":0,\"error\":null,\"id\":1}\n";

/* The same limits as the RPC server's defaults (rpc/server.h). */
#define BENCH_EVHTTP_TIMEOUT_S 30
#define BENCH_EVHTTP_MAX_HEADER_BYTES 8192
#define BENCH_EVHTTP_MAX_BODY_BYTES ((size_t)4 << 20)
#define BENCH_EVHTTP_MAX_THREADS 64

struct bench_evhttp_opts {
	const char *bind;
	uint16_t port;
	unsigned threads;
};

/* One serving thread. */
struct bench_evhttp_loop {
	struct event_base *base;
	struct evhttp *http;
	pthread_t thread;
	bool running;
};

static void bench_evhttp_request_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "application/json");
	evbuffer_add(evhttp_request_get_output_buffer(req), bench_evhttp_reply,
	             sizeof(bench_evhttp_reply) - 1);
	evhttp_send_reply(req, 200, NULL, NULL);
}

/* The first signal ends every loop (the main thread's last). */
static void bench_evhttp_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct bench_evhttp_loop *loops = arg;
	(void)sig;
	(void)what;
	for (size_t i = 0; loops[i].base != NULL; i++)
		event_base_loopexit(loops[i].base, NULL);
}

/* *out = the decimal in text, within [lo, hi]; false if it is not. */
static bool bench_evhttp_uint(unsigned long *out, const char *text, unsigned long lo,
                              unsigned long hi)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Parse "-port=N", "-bind=ADDR" and "-threads=T"; false with a message on
 * stderr. */
static bool bench_evhttp_parse(struct bench_evhttp_opts *o, int argc, char **argv)
{
	o->bind = "127.0.0.1";
	o->port = 0;
	o->threads = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		unsigned long v;
		if (strncmp(a, "-port=", 6) == 0) {
			if (!bench_evhttp_uint(&v, a + 6, 0, 65535)) {
				fprintf(stderr, "Error: invalid value for -port: '%s'\n", a + 6);
				return false;
			}
			o->port = (uint16_t)v;
		} else if (strncmp(a, "-threads=", 9) == 0) {
			if (!bench_evhttp_uint(&v, a + 9, 1, BENCH_EVHTTP_MAX_THREADS)) {
				fprintf(stderr, "Error: invalid value for -threads: '%s' (1 to %d)\n", a + 9,
				        BENCH_EVHTTP_MAX_THREADS);
				return false;
			}
			o->threads = (unsigned)v;
		} else if (strncmp(a, "-bind=", 6) == 0 && a[6] != '\0') {
			o->bind = a + 6;
		} else {
			fprintf(stderr, "Error: unknown option %s (usage: bench_evhttp [-port=N] "
			        "[-bind=ADDR] [-threads=T])\n", a);
			return false;
		}
	}
	return true;
}

/* Listen on *ss for loop l with evhttp's settings. Returns the socket, or
 * -1 when it cannot. */
static evutil_socket_t bench_evhttp_listen(struct bench_evhttp_loop *l,
                                           const struct sockaddr_storage *ss, socklen_t sl,
                                           bool shared)
{
	unsigned flags = LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC;
	if (shared)
		flags |= LEV_OPT_REUSEABLE_PORT;
	evhttp_set_timeout(l->http, BENCH_EVHTTP_TIMEOUT_S);
	evhttp_set_max_headers_size(l->http, (ev_ssize_t)BENCH_EVHTTP_MAX_HEADER_BYTES);
	evhttp_set_max_body_size(l->http, (ev_ssize_t)BENCH_EVHTTP_MAX_BODY_BYTES);
	evhttp_set_gencb(l->http, bench_evhttp_request_cb, NULL);
	struct evconnlistener *lev = evconnlistener_new_bind(l->base, NULL, NULL, flags, -1,
	                                                     (const struct sockaddr *)ss, (int)sl);
	if (lev == NULL)
		return -1;
	if (evhttp_bind_listener(l->http, lev) == NULL) {
		evconnlistener_free(lev);
		return -1;
	}
	return evconnlistener_get_fd(lev);
}

/* The address to bind: o->bind (numeric) and o->port; false if not one. */
static bool bench_evhttp_addr(struct sockaddr_storage *ss, socklen_t *sl,
                              const struct bench_evhttp_opts *o)
{
	int len = (int)sizeof(*ss);
	memset(ss, 0, sizeof(*ss));
	/* Without a port (libevent refuses port 0 in the text); set after. */
	if (evutil_parse_sockaddr_port(o->bind, (struct sockaddr *)ss, &len) != 0)
		return false;
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(o->port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(o->port);
	*sl = (socklen_t)len;
	return true;
}

static uint16_t bench_evhttp_port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* Make every loop and bind its socket: the first on the port asked for,
 * the others on the port the first got. Prints "port P". False with a
 * message on stderr. */
static bool bench_evhttp_setup(struct bench_evhttp_loop *loops, const struct bench_evhttp_opts *o)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (!bench_evhttp_addr(&ss, &sl, o)) {
		fprintf(stderr, "Error: invalid value for -bind: '%s' (a numeric address)\n", o->bind);
		return false;
	}
	for (unsigned i = 0; i < o->threads; i++) {
		struct bench_evhttp_loop *l = &loops[i];
		l->base = event_base_new();
		l->http = l->base ? evhttp_new(l->base) : NULL;
		if (l->http == NULL) {
			fprintf(stderr, "Error: cannot set up the event loop\n");
			return false;
		}
		evutil_socket_t fd = bench_evhttp_listen(l, &ss, sl, o->threads > 1);
		if (fd < 0) {
			fprintf(stderr, "Error: cannot bind %s port %u: %s\n", o->bind,
			        bench_evhttp_port_of(&ss), evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
			return false;
		}
		sl = sizeof(ss);
		if (i == 0 && getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
			fprintf(stderr, "Error: cannot read the bound port\n");
			return false;
		}
	}
	printf("port %u\n", bench_evhttp_port_of(&ss));
	fflush(stdout);
	return true;
}

static void *bench_evhttp_thread(void *arg)
{
	struct bench_evhttp_loop *l = arg;
	event_base_loop(l->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

/* Run loops 1.. on threads of their own and loop 0 here, until a signal;
 * false when setting up failed. */
static bool bench_evhttp_serve(struct bench_evhttp_loop *loops, const struct bench_evhttp_opts *o)
{
	struct event_base *base = loops[0].base;
	struct event *term = evsignal_new(base, SIGTERM, bench_evhttp_signal_cb, loops);
	struct event *intr = evsignal_new(base, SIGINT, bench_evhttp_signal_cb, loops);
	bool ok = term != NULL && intr != NULL && evsignal_add(term, NULL) == 0 &&
	          evsignal_add(intr, NULL) == 0;
	if (!ok)
		fprintf(stderr, "Error: cannot set up the event loop\n");
	for (unsigned i = 1; ok && i < o->threads; i++) {
		loops[i].running = pthread_create(&loops[i].thread, NULL, bench_evhttp_thread,
		                                  &loops[i]) == 0;
		if (!loops[i].running) {
			fprintf(stderr, "Error: cannot start thread %u\n", i + 1);
			ok = false;
		}
	}
	if (ok)
		event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	else
		bench_evhttp_signal_cb(-1, 0, loops);
	for (unsigned i = 1; i < o->threads; i++)
		if (loops[i].running)
			pthread_join(loops[i].thread, NULL);
	if (intr)
		event_free(intr);
	if (term)
		event_free(term);
	return ok;
}

int main(int argc, char **argv)
{
	struct bench_evhttp_opts o;
	if (!bench_evhttp_parse(&o, argc, argv))
		return 1;
	/* A client that leaves mid-reply must not kill the server. */
	signal(SIGPIPE, SIG_IGN);
	/* More than one thread: the first signal ends the other loops from
	 * this one, which needs libevent's locking (as in rostrad, which
	 * always has it). One thread runs without it. */
	if (o.threads > 1 && evthread_use_pthreads() != 0) {
		fprintf(stderr, "Error: cannot set up libevent's threads\n");
		return 1;
	}
	/* One more, zeroed: the end of the list for the signal callback. */
	struct bench_evhttp_loop *loops = calloc(o.threads + 1, sizeof(*loops));
	if (loops == NULL) {
		fprintf(stderr, "Error: out of memory\n");
		return 1;
	}
	bool ok = bench_evhttp_setup(loops, &o) && bench_evhttp_serve(loops, &o);
	for (unsigned i = 0; i < o.threads; i++) {
		if (loops[i].http)
			evhttp_free(loops[i].http);
		if (loops[i].base)
			event_base_free(loops[i].base);
	}
	free(loops);
	return ok ? 0 : 1;
}
