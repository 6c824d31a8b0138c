/* Shared by the server's files: server.c (configuration, lifecycle),
 * server_http.c (the HTTP threads), server_queue.c (the workers) and
 * server_main.c (the main-loop inbox). Not public. */
#ifndef ROSTRA_RPC_SERVER_INTERNAL_H
#define ROSTRA_RPC_SERVER_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/netmask.h"
#include "rpc/server.h"
#include "util/buf.h"

struct event;
struct evhttp;
struct evhttp_bound_socket;
struct evhttp_request;
struct rpc_job;

struct rpc_http_loop;

/* One HTTP request in progress, from its acceptance to its reply. */
struct rpc_work {
	struct rpc_server *srv;
	struct rpc_http_loop *loop; /* the HTTP thread that took it */
	struct evhttp_request *req;
	struct rpc_job *job;
	struct event *reply_ev;  /* on loop's base: sends the reply */
	struct rpc_work *next;   /* in the queue or the inbox */
	int status;              /* the reply's HTTP status */
	bool json;               /* the body is JSON (else plain text) */
	struct buf body;
};

/* Where a listening socket goes. */
struct rpc_endpoint {
	char host[RPC_NETMASK_MAX_TEXT];
	uint16_t port;
	bool optional;           /* a default loopback address that may be missing */
};

/* Requests waiting for a worker. */
struct rpc_queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rpc_work *head, *tail;
	bool closed;
	pthread_t *threads;
	size_t nthreads;
};

/* Requests waiting for the main loop. */
struct rpc_inbox {
	pthread_mutex_t mu;
	struct rpc_work *head, *tail;
	bool closed;
	struct event *ev;        /* on the main base: runs them */
};

/* One HTTP thread: its event base and evhttp, with a listening socket of
 * its own on every endpoint. With more than one thread the sockets of an
 * endpoint share its port (SO_REUSEPORT), and the kernel spreads new
 * connections over them; a connection stays on the thread that took it. */
struct rpc_http_loop {
	struct rpc_server *srv;
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket **bound;
	size_t nbound;
	struct event *stop_ev;   /* begins this loop's stop */
	pthread_t thread;
	bool running;            /* the thread was started */

	/* Touched by this loop's thread only (after start). */
	size_t busy;             /* works accepted and not yet replied */
	size_t delayed;          /* 401s waiting for their delay */
	size_t writing;          /* replies handed to evhttp, not yet written */
	bool stopping;
	struct event *force_ev;  /* the bound on the wait at stop */
	struct event *grace_ev;  /* the bound on the wait for writes */
	struct buf reply;        /* the body of a reply made on this thread */
};

struct rpc_server {
	const struct rpc_dispatcher *d;
	struct logger *log;
	struct rpc_auth *auth;
	struct rpc_netmask *allow;
	size_t nallow;
	struct rpc_endpoint *endpoints;
	size_t nendpoints;
	char *cookie_path;       /* set once the cookie is written */
	char *cookie_want;       /* where to write it */
	unsigned threads, workqueue, timeout_s, auth_delay_ms, http_threads;
	size_t max_header_bytes, max_body_bytes;

	struct event_base *main_base;
	struct rpc_http_loop *loops;  /* http_threads of them */
	size_t nloops;                /* set up so far */
	uint16_t first_port;
	bool started, interrupted, stopped;
	/* Works queued or running, over every HTTP thread (the 503 limit). */
	size_t inflight;              /* atomic (__atomic builtins) */

	struct rpc_queue queue;
	struct rpc_inbox inbox;
};

/* server_http.c (an HTTP thread unless said otherwise) */
/* Main thread, at start: every loop's base and evhttp, the listeners. */
bool rpc_http_setup(struct rpc_server *s, char *err, size_t errcap);
/* Main thread: free what loop l holds (after its thread ended, or before
 * it started). */
void rpc_http_teardown(struct rpc_http_loop *l);
/* An HTTP thread's body; arg is its struct rpc_http_loop. */
void *rpc_http_thread(void *arg);
/* Main thread: ask loop l to stop (rpc_server_interrupt). */
void rpc_http_interrupt(struct rpc_http_loop *l);
/* Any thread: hand a finished work to its HTTP thread for its reply. */
void rpc_work_post_reply(struct rpc_work *w);
/* Any thread: make w's reply a plain HTTP error and post it. */
void rpc_work_fail(struct rpc_work *w, int status, const char *text);

/* server_queue.c */
bool rpc_queue_init(struct rpc_queue *q);
void rpc_queue_release(struct rpc_queue *q);
/* Start n workers; false (none left running) on failure. */
bool rpc_queue_start(struct rpc_server *s, size_t n);
/* HTTP thread: queue w; false when the queue is closed. */
bool rpc_queue_push(struct rpc_queue *q, struct rpc_work *w);
/* Main thread: close, join the workers, fail what is left with 503. */
void rpc_queue_shutdown(struct rpc_queue *q);

/* server_main.c */
bool rpc_inbox_init(struct rpc_inbox *in, struct rpc_server *s);
void rpc_inbox_release(struct rpc_inbox *in);
/* Worker thread: hand w to the main loop (or fail it if closed). */
void rpc_inbox_push(struct rpc_inbox *in, struct rpc_work *w);
/* Main thread: close and fail what the main loop has not taken. */
void rpc_inbox_shutdown(struct rpc_inbox *in);

/* Block every signal in the calling thread's new threads: the main loop
 * handles signals. Out: *old, the mask to restore. */
void rpc_block_signals(sigset_t *old);
void rpc_restore_signals(const sigset_t *old);

#endif
