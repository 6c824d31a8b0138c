/* The work queue and its worker threads. A worker parses a request and
 * either runs it (every method RPC_RUN_WORKER) or hands it to the main
 * loop. Waiting for work is a condition variable, never a sleep. */
#include "config.h"

#include <stdlib.h>

#include "rpc/dispatch_internal.h"
#include "rpc/server_internal.h"
#include "util/log.h"

bool rpc_queue_init(struct rpc_queue *q)
{
	q->head = q->tail = NULL;
	q->closed = false;
	q->threads = NULL;
	q->nthreads = 0;
	if (pthread_mutex_init(&q->mu, NULL) != 0)
		return false;
	if (pthread_cond_init(&q->cv, NULL) != 0) {
		pthread_mutex_destroy(&q->mu);
		return false;
	}
	return true;
}

void rpc_queue_release(struct rpc_queue *q)
{
	free(q->threads);
	q->threads = NULL;
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
}

bool rpc_queue_push(struct rpc_queue *q, struct rpc_work *w)
{
	pthread_mutex_lock(&q->mu);
	bool ok = !q->closed;
	if (ok) {
		w->next = NULL;
		if (q->tail)
			q->tail->next = w;
		else
			q->head = w;
		q->tail = w;
		pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return ok;
}

/* The next work, or NULL once the queue is closed. */
static struct rpc_work *rpc_queue_pop(struct rpc_queue *q)
{
	pthread_mutex_lock(&q->mu);
	while (q->head == NULL && !q->closed)
		pthread_cond_wait(&q->cv, &q->mu);
	struct rpc_work *w = q->closed ? NULL : q->head;
	if (w) {
		q->head = w->next;
		if (q->head == NULL)
			q->tail = NULL;
		w->next = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	return w;
}

static void rpc_worker_run(struct rpc_work *w)
{
	if (!rpc_job_parse(w->job)) {
		rpc_work_fail(w, 500, "out of memory");
		return;
	}
	if (w->job->needs_main)
		rpc_inbox_push(&w->srv->inbox, w);
	else
		rpc_job_run(w->job);
}

static void *rpc_worker_main(void *arg)
{
	struct rpc_server *s = arg;
	struct rpc_work *w;
	while ((w = rpc_queue_pop(&s->queue)) != NULL)
		rpc_worker_run(w);
	return NULL;
}

bool rpc_queue_start(struct rpc_server *s, size_t n)
{
	struct rpc_queue *q = &s->queue;
	sigset_t old;
	q->threads = calloc(n, sizeof(*q->threads));
	if (q->threads == NULL)
		return false;
	rpc_block_signals(&old);
	for (; q->nthreads < n; q->nthreads++)
		if (pthread_create(&q->threads[q->nthreads], NULL, rpc_worker_main, s) != 0)
			break;
	rpc_restore_signals(&old);
	if (q->nthreads == n)
		return true;
	rpc_queue_shutdown(q);
	return false;
}

void rpc_queue_shutdown(struct rpc_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (size_t i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	q->nthreads = 0;
	/* The workers are gone: what is left is ours alone. */
	struct rpc_work *w = q->head;
	q->head = q->tail = NULL;
	while (w) {
		struct rpc_work *next = w->next;
		rpc_work_fail(w, 503, "server is shutting down");
		w = next;
	}
}
