/* The handoff of requests to the main loop: an inbox guarded by a mutex
 * and one event on the main base, activated for each arrival; its
 * callback runs the requests in arrival order on the main thread. */
#include "config.h"

#include <event2/event.h>

#include "rpc/dispatch_internal.h"
#include "rpc/server_internal.h"

static void rpc_inbox_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_inbox *in = arg;
	(void)fd;
	(void)what;
	pthread_mutex_lock(&in->mu);
	struct rpc_work *w = in->head;
	in->head = in->tail = NULL;
	pthread_mutex_unlock(&in->mu);
	while (w) {
		struct rpc_work *next = w->next;
		w->next = NULL;
		rpc_job_run(w->job); /* w may be gone once its job is answered */
		w = next;
	}
}

bool rpc_inbox_init(struct rpc_inbox *in, struct rpc_server *s)
{
	in->head = in->tail = NULL;
	in->closed = false;
	if (pthread_mutex_init(&in->mu, NULL) != 0)
		return false;
	in->ev = event_new(s->main_base, -1, 0, rpc_inbox_cb, in);
	if (in->ev == NULL) {
		pthread_mutex_destroy(&in->mu);
		return false;
	}
	return true;
}

void rpc_inbox_release(struct rpc_inbox *in)
{
	if (in->ev)
		event_free(in->ev);
	in->ev = NULL;
	pthread_mutex_destroy(&in->mu);
}

void rpc_inbox_push(struct rpc_inbox *in, struct rpc_work *w)
{
	pthread_mutex_lock(&in->mu);
	bool ok = !in->closed;
	if (ok) {
		w->next = NULL;
		if (in->tail)
			in->tail->next = w;
		else
			in->head = w;
		in->tail = w;
		event_active(in->ev, 0, 0);
	}
	pthread_mutex_unlock(&in->mu);
	if (!ok)
		rpc_work_fail(w, 503, "server is shutting down");
}

void rpc_inbox_shutdown(struct rpc_inbox *in)
{
	pthread_mutex_lock(&in->mu);
	in->closed = true;
	struct rpc_work *w = in->head;
	in->head = in->tail = NULL;
	pthread_mutex_unlock(&in->mu);
	while (w) {
		struct rpc_work *next = w->next;
		rpc_work_fail(w, 503, "server is shutting down");
		w = next;
	}
}
