/* Shared by the server's files: server.c (configuration, lifecycle),
 * server_http.c (the HTTP thread), server_queue.c (the workers) and
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

/* One HTTP request in progress, from its acceptance to its reply. */
struct rpc_work {
	struct rpc_server *srv;
	struct evhttp_request *req;
	struct rpc_job *job;
	struct event *reply_ev;  /* on the HTTP base: sends the reply */
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
	unsigned threads, workqueue, timeout_s, auth_delay_ms;
	size_t max_header_bytes, max_body_bytes;

	struct event_base *main_base;
	struct event_base *http_base;
	struct evhttp *http;
	struct evhttp_bound_socket **bound;
	size_t nbound;
	uint16_t first_port;
	struct event *stop_ev;   /* on the HTTP base: begins the stop */
	pthread_t http_thread;
	bool started, interrupted, stopped;

	/* Touched by the HTTP thread only (after start). */
	size_t busy;             /* works accepted and not yet replied */
	size_t delayed;          /* 401s waiting for their delay */
	size_t writing;          /* replies handed to evhttp, not yet written */
	bool stopping;
	struct event *force_ev;  /* the bound on the wait at stop */
	struct event *grace_ev;  /* the bound on the wait for writes */
	struct buf reply;        /* the body of a reply made on this thread */

	struct rpc_queue queue;
	struct rpc_inbox inbox;
};

/* server_http.c (HTTP thread unless said otherwise) */
/* Main thread, at start: the HTTP base and evhttp, the listeners. */
bool rpc_http_setup(struct rpc_server *s, char *err, size_t errcap);
/* Main thread: free evhttp and the HTTP base (after the thread ended). */
void rpc_http_teardown(struct rpc_server *s);
/* The HTTP thread's body. */
void *rpc_http_thread(void *arg);
/* Any thread: hand a finished work to the HTTP thread for its reply. */
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
