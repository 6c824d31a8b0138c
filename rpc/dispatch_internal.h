/* Shared by the dispatcher's files (dispatcher.c, request.c, job.c,
 * respond.c, help.c) and the HTTP server (server*.c); not public.
 *
 * A job is one HTTP request body on its way to a reply: the parsed JSON,
 * one struct rpc_request per call (one, or one per element of a batch),
 * and a count of the calls not yet answered. The job is created by the
 * server (or rpc_dispatch_sync), parsed and run on one thread at a time;
 * each answer decrements the count, and the answer that brings it to zero
 * calls the job's done callback, from whichever thread gave it.
 */
#ifndef ROSTRA_RPC_DISPATCH_INTERNAL_H
#define ROSTRA_RPC_DISPATCH_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "rpc/dispatch.h"

struct buf;

/* A registered method. */
struct rpc_entry {
	const struct rpc_method *m;
	const char *area;
	void *ctx;
	size_t nparams;
};

struct rpc_dispatcher {
	struct rpc_entry *e;     /* sorted by method name */
	size_t n, cap;
	const char **areas;      /* in registration order, for help */
	size_t nareas, areacap;
	rpc_snapshot_open_fn snap_open;
	rpc_snapshot_close_fn snap_close;
	void *snap_arg;
	atomic_bool frozen;      /* set at first use: no more registration */
};

struct rpc_job;

struct rpc_request {
	struct rpc_job *job;
	const struct rpc_entry *entry; /* NULL when answered while parsing */
	const json_t *id;      /* borrowed from the job's document; NULL: none */
	bool v2;               /* JSON-RPC 2.0 (else 1.1) */
	bool notification;     /* 2.0 without an id: no reply */
	bool answered;
	const json_t *params[RPC_MAX_PARAMS]; /* by position; NULL: absent */
	json_t *response;      /* the whole reply object once answered */
	bool response_kept;    /* response is a thread's kept envelope */
};

typedef void (*rpc_job_done_fn)(struct rpc_job *job, void *arg);

struct rpc_job {
	const struct rpc_dispatcher *d;
	char *body;            /* owned */
	size_t len;
	json_t *doc;
	bool parsed;           /* rpc_job_parse ran */
	bool batch;
	bool needs_main;       /* a call must run on the main loop */
	bool sync;             /* rpc_dispatch_sync: every handler answers at once */
	json_t *whole;         /* the reply to the body as a whole, or NULL */
	int whole_status;
	struct rpc_request *reqs;  /* &one for a single request */
	size_t nreqs;
	struct rpc_request one;
	atomic_size_t pending; /* calls not yet answered, +1 while running */
	bool snap_opened;
	void *snapshot;
	rpc_job_done_fn done;
	void *done_arg;
};

/* Drop req's response (rpc_job_destroy). A kept envelope first lets go
 * of its result and id. */
void rpc_reply_release(struct rpc_request *req);

/* Take the body (malloc'd, len bytes; owned by the job from now on, also
 * on failure; NULL and 0 for a job parsed with rpc_job_parse_borrowed).
 * Returns NULL when out of memory. Marks d as in use. */
struct rpc_job *rpc_job_create(const struct rpc_dispatcher *d, char *body, size_t len,
                               rpc_job_done_fn done, void *arg);
/* Parse and check the body: build the calls, answer the invalid ones, set
 * needs_main. A second call does nothing (the HTTP thread parses small
 * bodies, a worker whatever it gets). Returns false when out of memory
 * (the job is then unusable: destroy it and answer HTTP 500). */
bool rpc_job_parse(struct rpc_job *job);
/* rpc_job_parse of a body the caller keeps (a job made with no body):
 * parsing copies what the calls need, so the body may go once this
 * returns. */
bool rpc_job_parse_borrowed(struct rpc_job *job, const char *body, size_t len);
/* After rpc_job_parse: true when the HTTP thread may finish the job
 * itself: the body was answered as a whole, or it is one call that was
 * answered while parsing or whose method is RPC_RUN_HTTP. */
bool rpc_job_inline(const struct rpc_job *job);
/* Run every call that is still unanswered on this thread, then release
 * the job's own hold; done fires once every call is answered (possibly
 * inside this call). */
void rpc_job_run(struct rpc_job *job);
/* After done: the reply body (appended to out; nothing when there is
 * none) and the HTTP status. Returns false when out of memory. */
bool rpc_job_reply(const struct rpc_job *job, struct buf *out, int *status);
void rpc_job_destroy(struct rpc_job *job);

/* Parse one request object (v, borrowed from the job's document) into req.
 * When it is to be run, req->entry is set; otherwise it was answered here
 * (an invalid request, an unknown method, bad parameters) and req->entry
 * is NULL. In: in_batch, whether v is an element of a batch. */
void rpc_request_setup(struct rpc_request *req, struct rpc_job *job,
                       const json_t *v, bool in_batch);

/* Count one answer of the job; the last one fires its done callback. */
void rpc_job_answered(struct rpc_job *job);

/* Answer req with code and message (no formatting). */
void rpc_answer_error(struct rpc_request *req, int code, const char *message);

/* The dispatcher's entry for name, or NULL. */
const struct rpc_entry *rpc_dispatcher_entry(const struct rpc_dispatcher *d,
                                             const char *name);

/* An error object {"code": code, "message": message}, or NULL when out of
 * memory. */
json_t *rpc_error_object(int code, const char *message);

/* Append a quoted copy of s for a message: printable ASCII kept, other
 * bytes as \xNN, cut at 64 bytes with "...". */
void rpc_quote(struct buf *out, const char *s);

#endif
