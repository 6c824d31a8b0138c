/* One JSON-RPC request object: its version, id, method and parameters,
 * checked against the method table (doc/rpc.md, "Requests"). */
#include "config.h"

#include <string.h>

#include "rpc/dispatch.h"
#include "rpc/dispatch_internal.h"
#include "util/buf.h"

/* Answer req with code and a message built in b (or a fixed text when b
 * could not be built). */
static void rpc_fail(struct rpc_request *req, int code, struct buf *b)
{
	rpc_answer_error(req, code, buf_ok(b) && b->data ? (const char *)b->data
	                                                 : "invalid request");
	buf_release(b);
}

/* The version: absent or "1.0"/"1.1" is 1.1, "2.0" is 2.0. Returns false
 * for anything else. */
static bool rpc_parse_version(bool *v2, const json_t *ver)
{
	*v2 = false;
	if (ver == NULL)
		return true;
	if (!json_is_string(ver))
		return false;
	const char *s = json_string_value(ver);
	if (strcmp(s, "2.0") == 0) {
		*v2 = true;
		return true;
	}
	return strcmp(s, "1.0") == 0 || strcmp(s, "1.1") == 0;
}

/* The id: 2.0 allows a string, a number or null, and its absence makes a
 * notification; 1.1 echoes any value (absent is null). */
static bool rpc_parse_id(struct rpc_request *req, const json_t *id)
{
	if (req->v2 && id == NULL) {
		req->notification = true;
		return true;
	}
	if (req->v2 && !(json_is_string(id) || json_is_number(id) || json_is_null(id)))
		return false;
	req->id = id;
	return true;
}

static void rpc_types_text(struct buf *b, unsigned types)
{
	static const char *const names[] = {
		"a string", "an integer", "a boolean", "an object", "an array",
	};
	size_t count = 0, total = 0;
	for (unsigned t = types; t; t &= t - 1)
		total++;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(types & (1u << i)))
			continue;
		if (count > 0)
			buf_puts(b, count + 1 == total ? " or " : ", ");
		buf_puts(b, names[i]);
		count++;
	}
}

static bool rpc_type_ok(unsigned types, const json_t *v)
{
	if (types == RPC_TYPE_ANY)
		return true; /* any value, reals included (echo) */
	switch (json_typeof(v)) {
	case JSON_STRING: return types & RPC_TYPE_STRING;
	case JSON_INTEGER: return types & RPC_TYPE_INT;
	case JSON_TRUE:
	case JSON_FALSE: return types & RPC_TYPE_BOOL;
	case JSON_OBJECT: return types & RPC_TYPE_OBJECT;
	case JSON_ARRAY: return types & RPC_TYPE_ARRAY;
	default: return false; /* reals; null never reaches here */
	}
}

/* Place value v at position i, checking its type. Null means absent. */
static bool rpc_set_param(struct rpc_request *req, size_t i, const json_t *v)
{
	const struct rpc_param *p = &req->entry->m->params[i];
	if (json_is_null(v))
		return true;
	if (!rpc_type_ok(p->types, v)) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "parameter '%s' of '%s' must be ", p->name, req->entry->m->name);
		rpc_types_text(&b, p->types);
		buf_printf(&b, ", not %s %s", json_is_integer(v) || json_is_array(v) ||
		           json_is_object(v) ? "an" : "a", rpc_json_type_name(v));
		rpc_fail(req, RPC_INVALID_PARAMS, &b);
		return false;
	}
	req->params[i] = v;
	return true;
}

static bool rpc_map_positional(struct rpc_request *req, const json_t *arr)
{
	size_t n = json_array_size(arr);
	if (n > req->entry->nparams) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "too many parameters for '%s': %zu given, it takes at most %zu",
		           req->entry->m->name, n, req->entry->nparams);
		rpc_fail(req, RPC_INVALID_PARAMS, &b);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!rpc_set_param(req, i, json_array_get(arr, i)))
			return false;
	return true;
}

static bool rpc_map_named(struct rpc_request *req, const json_t *obj)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		size_t i = 0;
		while (i < req->entry->nparams && strcmp(req->entry->m->params[i].name, key) != 0)
			i++;
		if (i == req->entry->nparams) {
			struct buf b = BUF_INIT;
			buf_puts(&b, "unknown parameter ");
			rpc_quote(&b, key);
			buf_printf(&b, " for '%s'", req->entry->m->name);
			rpc_fail(req, RPC_INVALID_PARAMS, &b);
			return false;
		}
		if (!rpc_set_param(req, i, v))
			return false;
	}
	return true;
}

static bool rpc_check_required(struct rpc_request *req)
{
	for (size_t i = 0; i < req->entry->nparams; i++) {
		const struct rpc_param *p = &req->entry->m->params[i];
		if (p->required && req->params[i] == NULL) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "missing required parameter '%s' of '%s'",
			           p->name, req->entry->m->name);
			rpc_fail(req, RPC_INVALID_PARAMS, &b);
			return false;
		}
	}
	return true;
}

static bool rpc_find_method(struct rpc_request *req, const char *name)
{
	req->entry = rpc_dispatcher_entry(req->job->d, name);
	if (req->entry != NULL)
		return true;
	struct buf b = BUF_INIT;
	buf_puts(&b, "method not found: ");
	rpc_quote(&b, name);
	rpc_fail(req, RPC_METHOD_NOT_FOUND, &b);
	return false;
}

/* An invalid request is always answered, even without an id (JSON-RPC
 * 2.0, section 5), with the id when it was read before the fault. */
static void rpc_invalid(struct rpc_request *req, const char *message)
{
	req->notification = false;
	rpc_answer_error(req, RPC_INVALID_REQUEST, message);
}

void rpc_request_setup(struct rpc_request *req, struct rpc_job *job,
                       const json_t *v, bool in_batch)
{
	memset(req, 0, sizeof(*req));
	req->job = job;
	/* The version decides the reply's form; when it cannot be known, a
	 * batch element is answered in 2.0 form (batches are 2.0's). */
	req->v2 = in_batch;
	if (!json_is_object(v))
		return rpc_invalid(req, "request must be a JSON object");
	if (!rpc_parse_version(&req->v2, json_object_get(v, "jsonrpc"))) {
		req->v2 = in_batch;
		return rpc_invalid(req, "jsonrpc must be \"2.0\" (or \"1.1\", \"1.0\")");
	}
	if (!rpc_parse_id(req, json_object_get(v, "id")))
		return rpc_invalid(req, "id must be a string, a number or null");
	const json_t *method = json_object_get(v, "method");
	if (method == NULL)
		return rpc_invalid(req, "missing method");
	if (!json_is_string(method))
		return rpc_invalid(req, "method must be a string");
	const json_t *params = json_object_get(v, "params");
	if (params != NULL && !json_is_null(params) && !json_is_array(params) &&
	    !json_is_object(params))
		return rpc_invalid(req, "params must be an array or an object");
	if (!rpc_find_method(req, json_string_value(method)))
		return;
	bool ok = params == NULL || json_is_null(params) ||
	          (json_is_array(params) ? rpc_map_positional(req, params)
	                                 : rpc_map_named(req, params));
	if (ok && rpc_check_required(req))
		return;
	req->entry = NULL; /* answered above */
}
