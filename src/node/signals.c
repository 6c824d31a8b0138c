/* Signals as events on the main base (libevent's signal events): the
 * handlers run in the loop, never in signal context, so they may log,
 * reopen files and ask for a shutdown. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "node/node_internal.h"
#include "util/log.h"

static void node_on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct node *n = arg;
	(void)what;
	LOG_INFO(n->log, 0, "received %s, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	node_request_shutdown(n);
}

static void node_on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct node *n = arg;
	(void)sig;
	(void)what;
	if (log_reopen(n->log))
		LOG_INFO(n->log, 0, "received SIGHUP, reopened debug.log");
	else
		LOG_ERROR(n->log, 0, "received SIGHUP, but cannot reopen debug.log; still writing the old file");
}

bool node_signals_start(struct node *n, char *err, size_t errcap)
{
	/* A peer closing its socket must not kill the node (evhttp writes
	 * to sockets); write errors are handled where they happen. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	n->sig_term = evsignal_new(n->base, SIGTERM, node_on_stop_signal, n);
	n->sig_int = evsignal_new(n->base, SIGINT, node_on_stop_signal, n);
	n->sig_hup = evsignal_new(n->base, SIGHUP, node_on_hup, n);
	if (sigaction(SIGPIPE, &sa, NULL) != 0 || !n->sig_term || !n->sig_int || !n->sig_hup ||
	    evsignal_add(n->sig_term, NULL) != 0 || evsignal_add(n->sig_int, NULL) != 0 ||
	    evsignal_add(n->sig_hup, NULL) != 0) {
		snprintf(err, errcap, "cannot set up the signal handlers");
		return false;
	}
	return true;
}

void node_signals_stop(struct node *n)
{
	struct event **evs[] = { &n->sig_term, &n->sig_int, &n->sig_hup };
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		if (*evs[i])
			event_free(*evs[i]);
		*evs[i] = NULL;
	}
}
