/* JSON-RPC: method tables, the dispatcher, and the interface a method
 * handler sees (struct rpc_request).
 *
 * Each area of the RPC interface (control, chain, social, validators, net,
 * wallet, regtest) declares its methods in a static table of struct
 * rpc_method: name, handler, the thread it must run on, its parameters (name,
 * accepted JSON types, required or optional) and its result fields. Tables
 * are registered into a struct rpc_dispatcher with the context their
 * handlers receive (the ledger, the mempool, the node...). The dispatcher
 * owns nothing of them: tables are static, contexts outlive it.
 *
 * The dispatcher parses a request body (a JSON-RPC 1.1 or 2.0 request, or a
 * batch of them), checks each request and its parameters against the table
 * (so a handler only ever sees parameters of the declared types, named
 * arguments already mapped to their positions), runs the handlers, and
 * builds the reply body and its HTTP status. The rules are in doc/rpc.md.
 *
 * Threads. Registration happens at start-up, before the server starts; the
 * dispatcher is read-only afterwards and may be used from any thread. A
 * handler runs either on an RPC worker thread (RPC_RUN_WORKER: it reads
 * nothing but LevelDB, through the request's snapshot), on the HTTP thread
 * (RPC_RUN_HTTP: the same reads, cheap and bounded, so that a lone call
 * skips the queue) or on the node's main event loop (RPC_RUN_MAIN:
 * everything else). See rpc/server.h.
 *
 * Errors: a handler reports an expected failure (a bad value, an unknown
 * block) with rpc_respond_error and one of the codes below. Misuse (a
 * duplicate method name, a handler that answers twice) aborts.
 */
#ifndef ROSTRA_RPC_DISPATCH_H
#define ROSTRA_RPC_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct buf;

/* Error codes: JSON-RPC's own, then Bitcoin Core's application codes. */
enum rpc_code {
	RPC_PARSE_ERROR = -32700,      /* the body is not JSON */
	RPC_INVALID_REQUEST = -32600,  /* JSON, but not a request */
	RPC_METHOD_NOT_FOUND = -32601,
	RPC_INVALID_PARAMS = -32602,   /* count, types, names, missing ones */
	RPC_INTERNAL_ERROR = -32603,   /* out of memory, a broken handler */
	RPC_NOT_FOUND = -5,            /* no such block, account, post; bad address */
	RPC_INVALID_PARAMETER = -8,    /* a parameter of the right type but a bad value */
	RPC_DESERIALIZATION_ERROR = -22, /* hex or bytes that do not decode */
	RPC_VERIFY_ERROR = -25,        /* a transaction that fails a check */
	RPC_VERIFY_REJECTED = -26,     /* a transaction the mempool refuses */
};

/* The JSON types a parameter accepts, a bit mask. Numbers are integers
 * only: no typed parameter is ever a real (DESIGN.md: no floating point).
 * RPC_TYPE_ANY accepts every JSON value, reals included. */
enum rpc_type {
	RPC_TYPE_STRING = 1u << 0,
	RPC_TYPE_INT = 1u << 1,
	RPC_TYPE_BOOL = 1u << 2,
	RPC_TYPE_OBJECT = 1u << 3,
	RPC_TYPE_ARRAY = 1u << 4,
	RPC_TYPE_ANY = (1u << 5) - 1,
};

/* The most parameters a method may declare, and the most requests in one
 * batch. */
#define RPC_MAX_PARAMS 16
#define RPC_MAX_BATCH 1000
/* The longest error message a handler can give (longer ones are cut). */
#define RPC_MAX_MESSAGE 512

/* One parameter. A list of them ends with an entry whose name is NULL. */
struct rpc_param {
	const char *name;  /* [a-z0-9_]+, unique within the method */
	unsigned types;    /* enum rpc_type bits accepted */
	bool required;     /* required ones come first */
	const char *help;  /* for help METHOD: meaning, default, bounds */
};

/* One field of a result object, for help METHOD. A list ends with NULL. */
struct rpc_field {
	const char *name;
	const char *type;  /* "string", "number", "boolean", "object", "array" */
	const char *help;
};

/* Where a handler runs (see rpc/server.h). */
enum rpc_run {
	RPC_RUN_WORKER = 0, /* an RPC worker thread; reads only LevelDB */
	RPC_RUN_MAIN,       /* the main event loop */
	RPC_RUN_HTTP,       /* the HTTP thread itself, when it is the only call
	                       of a small request (else a worker, as
	                       RPC_RUN_WORKER): for cheap, bounded, read-only
	                       methods that read LevelDB and nothing else but
	                       thread-safe views (a few point reads; never a
	                       scan, never a wait) */
};

struct rpc_request;

/* A handler answers its request exactly once, with rpc_respond or
 * rpc_respond_error. A RPC_RUN_WORKER or RPC_RUN_HTTP handler answers
 * before it returns;
 * a RPC_RUN_MAIN handler may keep the request and answer later from the
 * main loop (every such request must be answered before the server
 * stops). In: ctx, the context given with the table. */
typedef void (*rpc_handler)(void *ctx, struct rpc_request *req);

struct rpc_method {
	const char *name;  /* [a-z0-9]+ */
	rpc_handler fn;
	enum rpc_run run;
	bool hidden;       /* callable, but not listed by help */
	const char *help;  /* what the method does, one paragraph */
	const struct rpc_param *params; /* NULL-name-terminated, or NULL */
	const char *result;             /* the result's type and meaning */
	const struct rpc_field *fields; /* an object result's fields, or NULL */
};

struct rpc_dispatcher;

/* A dispatcher with no methods. Returns NULL when out of memory. */
struct rpc_dispatcher *rpc_dispatcher_create(void);
/* Free it (not the tables or contexts). NULL is accepted. */
void rpc_dispatcher_destroy(struct rpc_dispatcher *d);

/* Register methods[0..n-1] under area (a static string such as "chain",
 * which help shows as a title), with ctx handed to their handlers. Areas
 * are listed by help in registration order. A method name registered
 * twice, a malformed table (bad names, more than RPC_MAX_PARAMS
 * parameters, a required parameter after an optional one, no accepted
 * type), or registering after the dispatcher was first used, is a
 * programmer error and aborts. Returns false when out of memory. */
bool rpc_dispatcher_add(struct rpc_dispatcher *d, const char *area,
                        const struct rpc_method *methods, size_t n, void *ctx);

/* The method registered under name, or NULL. Out: *area its area, if
 * area is not NULL. */
const struct rpc_method *rpc_dispatcher_find(const struct rpc_dispatcher *d,
                                             const char **area, const char *name);

/* Per-request snapshot hooks: open is called, on the thread running the
 * request, the first time a handler asks for rpc_request_snapshot; close
 * when the whole HTTP request (every call of a batch) is answered. The
 * ledger sets these so that a request reads one consistent state. Without
 * hooks rpc_request_snapshot returns NULL. Set them before first use. */
typedef void *(*rpc_snapshot_open_fn)(void *arg);
typedef void (*rpc_snapshot_close_fn)(void *arg, void *snapshot);
void rpc_dispatcher_set_snapshot(struct rpc_dispatcher *d, rpc_snapshot_open_fn open,
                                 rpc_snapshot_close_fn close, void *arg);

/* Append the method list: per area (in registration order), a title line
 * "== Area ==" and one line per visible method with its parameters, as
 * `name "required" ( "optional" )`; areas separated by a blank line.
 * Returns buf_ok(out). */
bool rpc_help_list(const struct rpc_dispatcher *d, struct buf *out);
/* Append the help of one method: its usage line, what it does, its
 * arguments with their types, its result and the result's fields.
 * Returns false (out unchanged) when no method has that name, else
 * buf_ok(out). */
bool rpc_help_method(const struct rpc_dispatcher *d, struct buf *out, const char *name);

/* Dispatch a request body on the calling thread, running every handler
 * there whatever its enum rpc_run (for tests, fuzzing and tools; every
 * handler must answer before it returns, else this aborts).
 * Out: reply (reset, then the reply body; left empty when there is no
 * body, as for a 2.0 notification), *status the HTTP status.
 * In: body[0..len). Returns false only when out of memory (then *status
 * is 500 and reply holds a minimal error). */
bool rpc_dispatch_sync(const struct rpc_dispatcher *d, struct buf *reply, int *status,
                       const void *body, size_t len);

/* ------------------------------------------------- for method handlers */

/* The i-th parameter (i < the method's parameter count), or NULL when it
 * was not given (or given as null). Its type is one the table accepts.
 * Borrowed: valid until the request is answered. */
const json_t *rpc_param(const struct rpc_request *req, size_t i);

/* Parameter helpers. Each reads parameter i, or def when it is absent. On a
 * value outside its bounds they answer the request with
 * RPC_INVALID_PARAMETER naming the parameter and return false; the handler
 * then returns at once. Out: *out. */
bool rpc_param_int(struct rpc_request *req, int64_t *out, size_t i,
                   int64_t def, int64_t min, int64_t max);
/* A string parameter (borrowed as rpc_param), or def. */
const char *rpc_param_str(const struct rpc_request *req, size_t i, const char *def);
bool rpc_param_bool(const struct rpc_request *req, size_t i, bool def);

/* Answer with result, whose reference is taken (stolen). NULL (what a
 * jansson constructor returns when out of memory) answers
 * RPC_INTERNAL_ERROR; use json_null() for a null result. */
void rpc_respond(struct rpc_request *req, json_t *result);
/* Answer with an error: code (enum rpc_code) and a printf message, cut
 * at RPC_MAX_MESSAGE bytes. */
void rpc_respond_error(struct rpc_request *req, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The method's name, and the dispatcher it came through (for help). */
const char *rpc_request_method(const struct rpc_request *req);
const struct rpc_dispatcher *rpc_request_dispatcher(const struct rpc_request *req);
/* The snapshot of this HTTP request (see rpc_dispatcher_set_snapshot),
 * opened on first use; NULL without hooks or when open failed. */
void *rpc_request_snapshot(struct rpc_request *req);

/* The name of a JSON value's type as messages give it ("string",
 * "integer", "number" for a real, "boolean", "object", "array", "null"). */
const char *rpc_json_type_name(const json_t *v);

#endif
