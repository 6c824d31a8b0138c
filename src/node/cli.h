/* rostra-cli's parts that are not main(): turning command-line arguments
 * into a JSON-RPC request, reading -stdin, printing a result, and one
 * HTTP POST through libevent's evhttp client (doc/rpc.md, "rostra-cli").
 *
 * The argument rule: an argument that is exactly one JSON value (an
 * object, array, string in double quotes, number, true, false or null,
 * with optional surrounding whitespace) is sent as that value; any other
 * argument is sent as a JSON string holding its text unchanged. So
 * `getblock 5` sends the integer 5, `getaccount alice` the string "alice",
 * and '"5"' the string "5".
 */
#ifndef ROSTRA_NODE_CLI_H
#define ROSTRA_NODE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "util/buf.h"

/* Limits on -stdin: the longest line and the most arguments in all. */
#define NODE_CLI_MAX_LINE ((size_t)1 << 20)
#define NODE_CLI_MAX_ARGS 1000

/* The JSON value an argument stands for (the rule above). Returns a new
 * reference, NULL only when out of memory. */
json_t *node_cli_arg_value(const char *text);

/* The params of a request from args[0..n-1]: an array of their values,
 * or with named, an object from "name=value" arguments (the value by the
 * same rule). Out: err on failure: an argument without '=' or with an
 * empty name, a name given twice. Returns a new reference or NULL. */
json_t *node_cli_params(char *err, size_t errcap, const char *const *args, size_t n, bool named);

/* The request body: {"jsonrpc":"2.0","id":1,"method":...,"params":...}
 * (params' reference is taken). Returns a malloc'd string or NULL. */
char *node_cli_request(const char *method, json_t *params);

/* A growable list of strings (the arguments). */
struct node_cli_args {
	char **v;
	size_t n, cap;
};
void node_cli_args_release(struct node_cli_args *a);
/* Append a copy of s. Returns false when out of memory. */
bool node_cli_args_add(struct node_cli_args *a, const char *s, size_t len);
/* Append every line of f (without its "\n" or "\r\n"; a last line without
 * a newline counts; an empty input adds nothing). Out: err on failure: a
 * line longer than NODE_CLI_MAX_LINE, more than NODE_CLI_MAX_ARGS in all,
 * a NUL byte, a read error. */
bool node_cli_read_lines(struct node_cli_args *a, char *err, size_t errcap, FILE *f);

/* Append a result as rostra-cli prints it: a string as its raw text, null
 * as nothing, anything else as JSON indented by 2 spaces; then a newline
 * unless nothing was printed. Returns buf_ok(out). */
bool node_cli_format_result(struct buf *out, const json_t *result);

/* One HTTP exchange. */
struct node_cli_reply {
	int status;        /* the HTTP status; 0 when no answer came */
	struct buf body;
};
/* POST body to http://host:port/ with the Authorization header value auth
 * (NULL: none), waiting at most timeout_s seconds (0: no limit).
 * Out: reply (its body reset first), err when no answer came ("cannot
 * connect to 127.0.0.1:7371"). Returns true when an HTTP answer came,
 * whatever its status. */
bool node_cli_post(struct node_cli_reply *reply, char *err, size_t errcap,
                   const char *host, uint16_t port, const char *auth,
                   const char *body, size_t len, unsigned timeout_s);

#endif
