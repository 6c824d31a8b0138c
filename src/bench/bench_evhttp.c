/* bench_evhttp: the bound of the RPC throughput figures (doc/bench.md).
 *
 * A minimal libevent evhttp server that answers every request with the same
 * small JSON-RPC reply, with nothing else in the way: no peer check, no
 * credentials, no parsing, no queue, no worker. It runs evhttp on one thread
 * with the RPC server's evhttp settings (timeout, header and body limits),
 * which is how rostrad's HTTP thread runs it, so that
 * rostrad's requests per second over this server's, measured with the same
 * load in the same run, is the share of the transport's best that the node
 * keeps.
 *
 *   bench_evhttp [-port=N] [-bind=ADDR]
 *
 * It binds ADDR (default 127.0.0.1) on port N (default 0: a free port),
 * prints "port P" on stdout once listening, and serves until SIGTERM or
 * SIGINT. Exit status 0 after a signal, 1 on a bad argument or a failed
 * bind (one line on stderr). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
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

/* A JSON-RPC 1.1 reply the size of the node's getblockcount reply. */
static const char bench_evhttp_reply[] = "{\"result\":0,\"error\":null,\"id\":1}\n";

/* The same limits as the RPC server's defaults (rpc/server.h). */
#define BENCH_EVHTTP_TIMEOUT_S 30
#define BENCH_EVHTTP_MAX_HEADER_BYTES 8192
#define BENCH_EVHTTP_MAX_BODY_BYTES ((size_t)4 << 20)

struct bench_evhttp_opts {
	const char *bind;
	uint16_t port;
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

static void bench_evhttp_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct event_base *base = arg;
	(void)sig;
	(void)what;
	event_base_loopexit(base, NULL);
}

/* Parse "-port=N" and "-bind=ADDR"; false with a message on stderr. */
static bool bench_evhttp_parse(struct bench_evhttp_opts *o, int argc, char **argv)
{
	o->bind = "127.0.0.1";
	o->port = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "-port=", 6) == 0) {
			char *end = NULL;
			errno = 0;
			unsigned long v = strtoul(a + 6, &end, 10);
			if (errno != 0 || end == a + 6 || *end != '\0' || v > 65535) {
				fprintf(stderr, "Error: invalid value for -port: '%s'\n", a + 6);
				return false;
			}
			o->port = (uint16_t)v;
		} else if (strncmp(a, "-bind=", 6) == 0 && a[6] != '\0') {
			o->bind = a + 6;
		} else {
			fprintf(stderr, "Error: unknown option %s (usage: bench_evhttp [-port=N] [-bind=ADDR])\n", a);
			return false;
		}
	}
	return true;
}

/* The port a bound socket got, or 0. */
static uint16_t bench_evhttp_bound_port(struct evhttp_bound_socket *h)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (getsockname(evhttp_bound_socket_get_fd(h), (struct sockaddr *)&ss, &sl) != 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Set up evhttp on base, bind, print the port; false with a message. */
static bool bench_evhttp_listen(struct evhttp *http, const struct bench_evhttp_opts *o)
{
	evhttp_set_timeout(http, BENCH_EVHTTP_TIMEOUT_S);
	evhttp_set_max_headers_size(http, (ev_ssize_t)BENCH_EVHTTP_MAX_HEADER_BYTES);
	evhttp_set_max_body_size(http, (ev_ssize_t)BENCH_EVHTTP_MAX_BODY_BYTES);
	evhttp_set_gencb(http, bench_evhttp_request_cb, NULL);
	struct evhttp_bound_socket *h = evhttp_bind_socket_with_handle(http, o->bind, o->port);
	if (h == NULL) {
		fprintf(stderr, "Error: cannot bind %s port %u: %s\n", o->bind, o->port,
		        evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		return false;
	}
	printf("port %u\n", bench_evhttp_bound_port(h));
	fflush(stdout);
	return true;
}

/* Serve on base until a signal; false when setting up failed. */
static bool bench_evhttp_serve(struct event_base *base, const struct bench_evhttp_opts *o)
{
	struct evhttp *http = evhttp_new(base);
	struct event *term = evsignal_new(base, SIGTERM, bench_evhttp_signal_cb, base);
	struct event *intr = evsignal_new(base, SIGINT, bench_evhttp_signal_cb, base);
	bool ok = http != NULL && term != NULL && intr != NULL && evsignal_add(term, NULL) == 0 &&
	          evsignal_add(intr, NULL) == 0;
	if (!ok)
		fprintf(stderr, "Error: cannot set up the event loop\n");
	else
		ok = bench_evhttp_listen(http, o);
	if (ok)
		event_base_dispatch(base);
	if (intr)
		event_free(intr);
	if (term)
		event_free(term);
	if (http)
		evhttp_free(http);
	return ok;
}

int main(int argc, char **argv)
{
	struct bench_evhttp_opts o;
	if (!bench_evhttp_parse(&o, argc, argv))
		return 1;
	/* A client that leaves mid-reply must not kill the server. */
	signal(SIGPIPE, SIG_IGN);
	struct event_base *base = event_base_new();
	if (base == NULL) {
		fprintf(stderr, "Error: cannot create the event base\n");
		return 1;
	}
	bool ok = bench_evhttp_serve(base, &o);
	event_base_free(base);
	return ok ? 0 : 1;
}
