/* rostra-cli: arguments to a request, -stdin, printing results. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/cli.h"
#include "util/buf.h"

json_t *node_cli_arg_value(const char *text)
{
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
	return v ? v : json_string(text);
}

static json_t *node_cli_named(char *err, size_t errcap, const char *const *args, size_t n)
{
	json_t *obj = json_object();
	for (size_t i = 0; obj && i < n; i++) {
		const char *eq = strchr(args[i], '=');
		if (eq == NULL || eq == args[i]) {
			snprintf(err, errcap, "-named: expected name=value, found '%.64s'", args[i]);
			json_decref(obj);
			return NULL;
		}
		char name[256];
		size_t len = (size_t)(eq - args[i]);
		if (len >= sizeof(name)) {
			snprintf(err, errcap, "-named: parameter name too long in '%.64s'", args[i]);
			json_decref(obj);
			return NULL;
		}
		memcpy(name, args[i], len);
		name[len] = '\0';
		if (json_object_get(obj, name)) {
			snprintf(err, errcap, "-named: parameter '%s' given twice", name);
			json_decref(obj);
			return NULL;
		}
		if (json_object_set_new(obj, name, node_cli_arg_value(eq + 1)) != 0) {
			json_decref(obj);
			obj = NULL;
		}
	}
	if (obj == NULL)
		snprintf(err, errcap, "out of memory");
	return obj;
}

json_t *node_cli_params(char *err, size_t errcap, const char *const *args, size_t n, bool named)
{
	if (named)
		return node_cli_named(err, errcap, args, n);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		if (json_array_append_new(arr, node_cli_arg_value(args[i])) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (arr == NULL)
		snprintf(err, errcap, "out of memory");
	return arr;
}

char *node_cli_request(const char *method, json_t *params)
{
	json_t *req = json_pack("{s:s, s:i, s:s, s:o}", "jsonrpc", "2.0", "id", 1,
	                        "method", method, "params", params);
	char *s = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	return s;
}

void node_cli_args_release(struct node_cli_args *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

bool node_cli_args_add(struct node_cli_args *a, const char *s, size_t len)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		char **v = realloc(a->v, cap * sizeof(*v));
		if (v == NULL)
			return false;
		a->v = v;
		a->cap = cap;
	}
	char *copy = malloc(len + 1);
	if (copy == NULL)
		return false;
	memcpy(copy, s, len);
	copy[len] = '\0';
	a->v[a->n++] = copy;
	return true;
}

/* Add the line in b (without its newline) to a. */
static bool node_cli_add_line(struct node_cli_args *a, char *err, size_t errcap, struct buf *b)
{
	size_t len = b->len;
	if (len > 0 && b->data[len - 1] == '\r')
		len--;
	if (b->len > 0 && memchr(b->data, '\0', b->len) != NULL) {
		snprintf(err, errcap, "-stdin: NUL byte in argument %zu", a->n + 1);
		return false;
	}
	if (a->n >= NODE_CLI_MAX_ARGS) {
		snprintf(err, errcap, "-stdin: more than %d arguments", NODE_CLI_MAX_ARGS);
		return false;
	}
	if (!node_cli_args_add(a, b->data ? (const char *)b->data : "", len)) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	buf_reset(b);
	return true;
}

bool node_cli_read_lines(struct node_cli_args *a, char *err, size_t errcap, FILE *f)
{
	struct buf line = BUF_INIT;
	bool ok = true, pending = false;
	int c;
	while (ok && (c = getc(f)) != EOF) {
		if (c == '\n') {
			ok = node_cli_add_line(a, err, errcap, &line);
			pending = false;
		} else if (line.len >= NODE_CLI_MAX_LINE) {
			snprintf(err, errcap, "-stdin: line %zu longer than %zu bytes", a->n + 1, NODE_CLI_MAX_LINE);
			ok = false;
		} else if (!buf_put_u8(&line, (uint8_t)c)) {
			snprintf(err, errcap, "out of memory");
			ok = false;
		} else {
			pending = true;
		}
	}
	if (ok && ferror(f)) {
		snprintf(err, errcap, "-stdin: read error");
		ok = false;
	}
	if (ok && pending)
		ok = node_cli_add_line(a, err, errcap, &line);
	buf_release(&line);
	return ok;
}

bool node_cli_format_result(struct buf *out, const json_t *result)
{
	if (result == NULL || json_is_null(result))
		return buf_ok(out);
	if (json_is_string(result)) {
		buf_put(out, json_string_value(result), json_string_length(result));
	} else {
		char *s = json_dumps(result, JSON_INDENT(2) | JSON_ENCODE_ANY);
		if (s == NULL)
			return false;
		buf_puts(out, s);
		free(s);
	}
	buf_put_u8(out, '\n');
	return buf_ok(out);
}
