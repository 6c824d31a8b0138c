/* The handler's side of a request: parameters, answers, the snapshot. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "rpc/dispatch.h"
#include "rpc/dispatch_internal.h"
#include "rpc/kept.h"
#include "util/buf.h"

json_t *rpc_error_object(int code, const char *message)
{
	return json_pack("{s:i, s:s}", "code", code, "message", message);
}

const char *rpc_json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	default: return "null";
	}
}

void rpc_quote(struct buf *out, const char *s)
{
	size_t i = 0;
	buf_put_u8(out, '\'');
	for (; s[i] && i < 64; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf_put_u8(out, c);
		else
			buf_printf(out, "\\x%02x", c);
	}
	if (s[i])
		buf_puts(out, "...");
	buf_put_u8(out, '\'');
}

/* The reply object of req's version around result or error (one of them
 * NULL) and id (all three references taken). The id is shared with the
 * request's document (jansson's reference counts are atomic), which
 * outlives the reply: both belong to the job. NULL when out of memory. */
static json_t *rpc_reply_build(const struct rpc_request *req, json_t *result, json_t *error,
			       json_t *id)
{
	json_t *o = json_object();
	bool ok = true;
	if (o == NULL) {
		json_decref(result);
		json_decref(error);
		json_decref(id);
		return NULL;
	}
	/* json_object_set_new_nocheck (the keys are literals) takes its value
	 * also when it fails: each call is made (&, not &&), so that every
	 * reference is taken. */
	if (req->v2) {
		ok &= json_object_set_new_nocheck(o, "jsonrpc", json_string("2.0")) == 0;
		ok &= json_object_set_new_nocheck(o, error ? "error" : "result", error ? error : result) == 0;
	} else {
		ok &= json_object_set_new_nocheck(o, "result", error ? json_null() : result) == 0;
		ok &= json_object_set_new_nocheck(o, "error", error ? error : json_null()) == 0;
	}
	ok &= json_object_set_new_nocheck(o, "id", id) == 0;
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The reply to req. A success reply is this thread's kept envelope of
 * its version (rpc/kept.h) with result and id put in place, when no job
 * holds it any more; else a new envelope, then kept (*kept set either
 * way: rpc_reply_release lets go of its values). */
static json_t *rpc_reply_object(const struct rpc_request *req, bool *kept, json_t *result,
				json_t *error)
{
	json_t *id = req->id ? json_incref((json_t *)req->id) : json_null();
	enum rpc_kept_slot slot = req->v2 ? RPC_KEPT_REPLY_2 : RPC_KEPT_REPLY_1;
	*kept = false;
	if (error != NULL)
		return rpc_reply_build(req, NULL, error, id);
	json_t *o = rpc_kept_get(slot);
	if (o == NULL) {
		o = rpc_reply_build(req, result, NULL, id);
		if (o != NULL) {
			rpc_kept_set(slot, o);
			*kept = true;
		}
		return o;
	}
	/* Both calls take their value, also on failure (which cannot come:
	 * the keys exist). */
	int rc = json_object_iter_set_new(o, json_object_iter_at(o, "result"), result);
	rc |= json_object_iter_set_new(o, json_object_iter_at(o, "id"), id);
	*kept = rc == 0;
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void rpc_reply_release(struct rpc_request *req)
{
	/* A kept envelope lets go of the result and id now, so that the
	 * result (maybe a kept object itself) is free for its thread. No
	 * thread fills it meanwhile: this reference is still held. */
	if (req->response_kept) {
		json_object_set_new_nocheck(req->response, "result", json_null());
		json_object_set_new_nocheck(req->response, "id", json_null());
	}
	json_decref(req->response);
	req->response = NULL;
	req->response_kept = false;
}

static void rpc_bug_twice(const struct rpc_request *req)
{
	fprintf(stderr, "rpc: BUG: request to '%s' answered twice\n",
	        req->entry ? req->entry->m->name : "?");
	abort();
}

/* The reply when building the real one ran out of memory. */
static json_t *rpc_reply_oom(const struct rpc_request *req)
{
	json_t *err = rpc_error_object(RPC_INTERNAL_ERROR, "out of memory");
	bool kept;
	return err ? rpc_reply_object(req, &kept, NULL, err) : NULL;
}

static void rpc_answer(struct rpc_request *req, json_t *result, json_t *error)
{
	if (req->answered)
		rpc_bug_twice(req);
	req->answered = true;
	if (req->notification) {
		json_decref(result);
		json_decref(error);
	} else {
		req->response = rpc_reply_object(req, &req->response_kept, result, error);
		if (req->response == NULL)
			req->response = rpc_reply_oom(req);
	}
	rpc_job_answered(req->job);
}

void rpc_answer_error(struct rpc_request *req, int code, const char *message)
{
	json_t *err = rpc_error_object(code, message);
	if (err == NULL)
		err = rpc_error_object(RPC_INTERNAL_ERROR, "out of memory");
	rpc_answer(req, NULL, err);
}

void rpc_respond(struct rpc_request *req, json_t *result)
{
	if (result == NULL)
		rpc_answer_error(req, RPC_INTERNAL_ERROR, "out of memory");
	else
		rpc_answer(req, result, NULL);
}

void rpc_respond_error(struct rpc_request *req, int code, const char *fmt, ...)
{
	char msg[RPC_MAX_MESSAGE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rpc_answer_error(req, code, msg);
}

const json_t *rpc_param(const struct rpc_request *req, size_t i)
{
	if (i >= req->entry->nparams) {
		fprintf(stderr, "rpc: BUG: '%s' reads parameter %zu of %zu\n",
		        req->entry->m->name, i, req->entry->nparams);
		abort();
	}
	return req->params[i];
}

bool rpc_param_int(struct rpc_request *req, int64_t *out, size_t i,
                   int64_t def, int64_t min, int64_t max)
{
	const json_t *v = rpc_param(req, i);
	*out = def;
	if (v == NULL)
		return true;
	json_int_t x = json_integer_value(v);
	if (x < min || x > max) {
		rpc_respond_error(req, RPC_INVALID_PARAMETER,
		                  "%s must be from %lld to %lld", req->entry->m->params[i].name,
		                  (long long)min, (long long)max);
		return false;
	}
	*out = x;
	return true;
}

const char *rpc_param_str(const struct rpc_request *req, size_t i, const char *def)
{
	const json_t *v = rpc_param(req, i);
	return json_is_string(v) ? json_string_value(v) : def;
}

bool rpc_param_bool(const struct rpc_request *req, size_t i, bool def)
{
	const json_t *v = rpc_param(req, i);
	return json_is_boolean(v) ? json_is_true(v) : def;
}

const char *rpc_request_method(const struct rpc_request *req)
{
	return req->entry ? req->entry->m->name : NULL;
}

const struct rpc_dispatcher *rpc_request_dispatcher(const struct rpc_request *req)
{
	return req->job->d;
}

void *rpc_request_snapshot(struct rpc_request *req)
{
	struct rpc_job *job = req->job;
	if (!job->snap_opened && job->d->snap_open) {
		job->snap_opened = true;
		job->snapshot = job->d->snap_open(job->d->snap_arg);
	}
	return job->snapshot;
}
