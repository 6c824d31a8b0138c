/* A request body from parse to reply: single requests and batches, the
 * count of unanswered calls, and the reply's body and HTTP status
 * (doc/rpc.md, "HTTP status codes"). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/dispatch.h"
#include "rpc/dispatch_internal.h"
#include "util/buf.h"

struct rpc_job *rpc_job_create(const struct rpc_dispatcher *d, char *body, size_t len,
                               rpc_job_done_fn done, void *arg)
{
	struct rpc_job *job = calloc(1, sizeof(*job));
	if (job == NULL) {
		free(body);
		return NULL;
	}
	atomic_store(&((struct rpc_dispatcher *)d)->frozen, true);
	job->d = d;
	job->body = body;
	job->len = len;
	job->done = done;
	job->done_arg = arg;
	atomic_init(&job->pending, 1); /* the job's own hold until parsed and run */
	return job;
}

void rpc_job_destroy(struct rpc_job *job)
{
	if (job == NULL)
		return;
	for (size_t i = 0; i < job->nreqs; i++)
		rpc_reply_release(&job->reqs[i]);
	if (job->reqs != &job->one)
		free(job->reqs);
	json_decref(job->whole);
	json_decref(job->doc);
	free(job->body);
	free(job);
}

/* The reply to the body as a whole, in 1.1 form (its version is unknown):
 * {"result": null, "error": {...}, "id": null}. */
static bool rpc_job_whole(struct rpc_job *job, int code, const char *message, int status)
{
	json_t *err = rpc_error_object(code, message);
	job->whole = err ? json_pack("{s:n, s:o, s:n}", "result", "error", err, "id") : NULL;
	job->whole_status = status;
	return job->whole != NULL;
}

static bool rpc_job_alloc(struct rpc_job *job, size_t n)
{
	/* A single request lives in the job (the common case: no second
	 * allocation); a batch gets an array. */
	job->reqs = n == 1 && !job->batch ? &job->one : calloc(n, sizeof(*job->reqs));
	if (job->reqs == NULL)
		return false;
	job->nreqs = n;
	atomic_fetch_add(&job->pending, n);
	return true;
}

static void rpc_job_setup_calls(struct rpc_job *job)
{
	for (size_t i = 0; i < job->nreqs; i++) {
		const json_t *v = job->batch ? json_array_get(job->doc, i) : job->doc;
		rpc_request_setup(&job->reqs[i], job, v, job->batch);
		const struct rpc_entry *e = job->reqs[i].entry;
		if (e != NULL && e->m->run == RPC_RUN_MAIN)
			job->needs_main = true;
	}
}

static bool rpc_job_parse_text(struct rpc_job *job, const char *text, size_t len)
{
	json_error_t jerr;
	if (job->parsed)
		return true;
	job->parsed = true;
	job->doc = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (job->doc == NULL) {
		char msg[200];
		snprintf(msg, sizeof(msg), "parse error: %s", jerr.text);
		return rpc_job_whole(job, RPC_PARSE_ERROR, msg, 500);
	}
	if (json_is_array(job->doc)) {
		size_t n = json_array_size(job->doc);
		if (n == 0)
			return rpc_job_whole(job, RPC_INVALID_REQUEST, "empty batch", 400);
		if (n > RPC_MAX_BATCH)
			return rpc_job_whole(job, RPC_INVALID_REQUEST,
			                     "batch too large (more than 1000 requests)", 400);
		job->batch = true;
		if (!rpc_job_alloc(job, n))
			return false;
	} else if (json_is_object(job->doc)) {
		if (!rpc_job_alloc(job, 1))
			return false;
	} else {
		return rpc_job_whole(job, RPC_INVALID_REQUEST,
		                     "request must be a JSON object or an array of them", 400);
	}
	rpc_job_setup_calls(job);
	return true;
}

bool rpc_job_parse(struct rpc_job *job)
{
	return rpc_job_parse_text(job, job->body ? job->body : "", job->len);
}

bool rpc_job_parse_borrowed(struct rpc_job *job, const char *body, size_t len)
{
	return rpc_job_parse_text(job, len ? body : "", len);
}

static void rpc_job_release(struct rpc_job *job)
{
	if (atomic_fetch_sub(&job->pending, 1) != 1)
		return;
	if (job->snap_opened && job->d->snap_close && job->snapshot)
		job->d->snap_close(job->d->snap_arg, job->snapshot);
	job->snapshot = NULL;
	if (job->done)
		job->done(job, job->done_arg);
}

void rpc_job_run(struct rpc_job *job)
{
	for (size_t i = 0; i < job->nreqs; i++) {
		struct rpc_request *req = &job->reqs[i];
		if (req->answered || req->entry == NULL)
			continue;
		req->entry->m->fn(req->entry->ctx, req);
		/* The job's hold keeps req alive here even if it was the last
		 * call answered. */
		if (!req->answered && (job->sync || req->entry->m->run != RPC_RUN_MAIN)) {
			fprintf(stderr, "rpc: BUG: method '%s' returned without answering\n",
			        req->entry->m->name);
			abort();
		}
	}
	rpc_job_release(job);
}

bool rpc_job_inline(const struct rpc_job *job)
{
	if (job->whole != NULL)
		return true;
	if (job->batch || job->nreqs != 1)
		return false;
	const struct rpc_entry *e = job->reqs[0].entry;
	return e == NULL || e->m->run == RPC_RUN_HTTP;
}

void rpc_job_answered(struct rpc_job *job)
{
	rpc_job_release(job);
}

static int rpc_single_status(const struct rpc_request *req)
{
	if (req->v2)
		return 200;
	const json_t *err = json_object_get(req->response, "error");
	if (!json_is_object(err))
		return 200;
	json_int_t code = json_integer_value(json_object_get(err, "code"));
	if (code == RPC_INVALID_REQUEST)
		return 400;
	if (code == RPC_METHOD_NOT_FOUND)
		return 404;
	return 500;
}

/* The reply's compact text (jansson's json_dumpb, straight into out's
 * free space: no copy) and its final newline; on failure out is left as
 * it was (its sticky failure flag aside). */
static bool rpc_dump(struct buf *out, const json_t *v)
{
	size_t len = out->len;
	for (int pass = 0; pass < 2; pass++) {
		size_t room = out->cap - out->len;
		char *at = out->data != NULL ? (char *)out->data + out->len : NULL;
		size_t need = json_dumpb(v, at, room, JSON_COMPACT);
		if (need == 0)
			break;
		if (need < room) { /* room for the newline too */
			out->len += need;
			return buf_put_u8(out, '\n');
		}
		if (!buf_reserve(out, need + 1))
			break;
	}
	out->len = len;
	return false;
}

static bool rpc_batch_reply(const struct rpc_job *job, struct buf *out, int *status)
{
	json_t *arr = json_array();
	if (arr == NULL)
		return false;
	bool ok = true;
	for (size_t i = 0; i < job->nreqs && ok; i++)
		if (job->reqs[i].response)
			ok = json_array_append(arr, job->reqs[i].response) == 0;
	*status = json_array_size(arr) == 0 ? 204 : 200;
	if (ok && *status == 200)
		ok = rpc_dump(out, arr);
	json_decref(arr);
	return ok;
}

bool rpc_job_reply(const struct rpc_job *job, struct buf *out, int *status)
{
	*status = 500;
	if (job->whole) {
		*status = job->whole_status;
		return rpc_dump(out, job->whole);
	}
	if (job->batch)
		return rpc_batch_reply(job, out, status);
	const struct rpc_request *req = &job->reqs[0];
	if (req->response == NULL) {
		*status = 204; /* a 2.0 notification */
		return true;
	}
	*status = rpc_single_status(req);
	return rpc_dump(out, req->response);
}

static const char rpc_oom_reply[] =
	"{\"result\":null,\"error\":{\"code\":-32603,\"message\":\"out of memory\"},\"id\":null}\n";

bool rpc_dispatch_sync(const struct rpc_dispatcher *d, struct buf *reply, int *status,
                       const void *body, size_t len)
{
	buf_reset(reply);
	char *copy = malloc(len ? len : 1);
	if (copy != NULL && len)
		memcpy(copy, body, len);
	struct rpc_job *job = copy ? rpc_job_create(d, copy, len, NULL, NULL) : NULL;
	bool ok = job != NULL && rpc_job_parse(job);
	if (ok) {
		job->sync = true;
		rpc_job_run(job);
		ok = rpc_job_reply(job, reply, status);
	}
	rpc_job_destroy(job);
	if (!ok) {
		buf_reset(reply);
		buf_puts(reply, rpc_oom_reply);
		*status = 500;
	}
	return ok;
}
