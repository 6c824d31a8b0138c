/* rostra-cli: send one command to a running rostrad over JSON-RPC and
 * print the answer (doc/rpc.md, "rostra-cli").
 *
 * Exit status: 0 on success; 1 when the server answered with an error
 * (its code and message go to stderr); 2 for a usage error (a bad option,
 * no command, a malformed -named argument, unreadable -stdin); 3 when no
 * usable answer came (cannot connect, no credentials, an HTTP error such
 * as 401). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "node/cli.h"
#include "node/node_config.h"
#include "rpc/auth.h"
#include "util/buf.h"
#include "util/clock.h"

enum { CLI_OK = 0, CLI_RPC_ERROR = 1, CLI_USAGE = 2, CLI_NO_ANSWER = 3 };

#define CLI_ERR_LEN 512

static int cli_fail(int status, const char *msg)
{
	fprintf(stderr, "error: %s\n", msg);
	return status;
}

/* -help or -version: print and return true. */
static bool cli_info(const struct args *a)
{
	if (args_get_bool(a, "version")) {
		printf("rostra-cli version %s\n", PACKAGE_VERSION);
		return true;
	}
	if (!args_get_bool(a, "help") && !args_get_bool(a, "h"))
		return false;
	struct buf b = BUF_INIT;
	node_config_help(&b, NODE_PROGRAM_CLI);
	if (b.data)
		fputs((const char *)b.data, stdout);
	buf_release(&b);
	return true;
}

/* The command and its arguments: the positional ones, then -stdin's. */
static bool cli_collect(struct node_cli_args *out, char *err, size_t errcap, const struct args *a)
{
	for (size_t i = 0; i < args_positional_count(a); i++) {
		const char *s = args_positional(a, i);
		if (!node_cli_args_add(out, s, strlen(s))) {
			snprintf(err, errcap, "out of memory");
			return false;
		}
	}
	if (args_get_bool(a, "stdin") && !node_cli_read_lines(out, err, errcap, stdin))
		return false;
	if (out->n == 0) {
		snprintf(err, errcap, "no command given (try rostra-cli help, or -help for the options)");
		return false;
	}
	return true;
}

static char *cli_body(char *err, size_t errcap, const struct node_cli_args *cmd, bool named)
{
	json_t *params = node_cli_params(err, errcap, (const char *const *)cmd->v + 1,
	                                 cmd->n - 1, named);
	char *body = params ? node_cli_request(cmd->v[0], params) : NULL;
	if (params && body == NULL)
		snprintf(err, errcap, "out of memory");
	return body;
}

/* The Authorization header: -rpcpassword, else the cookie. */
static char *cli_auth(char *err, size_t errcap, const struct node_config *cfg)
{
	const struct args *a = cfg->args;
	const char *user = args_get_str(a, "rpcuser"), *pass = args_get_str(a, "rpcpassword");
	struct buf up = BUF_INIT, h = BUF_INIT;
	bool ok;
	if (pass && pass[0]) {
		ok = buf_printf(&up, "%s:%s", user ? user : "", pass);
	} else {
		char *path = node_config_path(cfg, args_get_str(a, "rpccookiefile"));
		ok = path && rpc_cookie_read(&up, err, errcap, path);
		free(path);
	}
	if (ok)
		ok = buf_puts(&h, "Basic ") && rpc_base64_encode(&h, up.data, up.len);
	if (up.data)
		memset(up.data, 0, up.cap);
	buf_release(&up);
	if (!ok) {
		buf_release(&h);
		return NULL;
	}
	return (char *)buf_detach(&h, NULL);
}

/* Wait a second on an event loop (no sleeping call). */
static void cli_pause(void)
{
	struct event_base *base = event_base_new();
	struct timeval tv = { .tv_sec = 1, .tv_usec = 0 };
	if (base && event_base_loopexit(base, &tv) == 0)
		event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	if (base)
		event_base_free(base);
}

/* One attempt: credentials, then the POST. Returns true when an answer
 * came; *retry says whether -rpcwait may try again. */
static bool cli_attempt(struct node_cli_reply *reply, char *err, size_t errcap, bool *retry,
                        const struct node_config *cfg, const char *body)
{
	const struct args *a = cfg->args;
	*retry = true; /* the cookie appears once rostrad has started */
	char *auth = cli_auth(err, errcap, cfg);
	if (auth == NULL)
		return false;
	bool ok = node_cli_post(reply, err, errcap, args_get_str(a, "rpcconnect"),
	                        node_config_rpc_port(cfg), auth, body, strlen(body),
	                        (unsigned)args_get_int(a, "rpcclienttimeout"));
	free(auth);
	return ok;
}

/* POST body, retrying once a second with -rpcwait. */
static bool cli_send(struct node_cli_reply *reply, char *err, size_t errcap,
                     const struct node_config *cfg, const char *body)
{
	const struct args *a = cfg->args;
	bool wait = args_get_bool(a, "rpcwait"), retry;
	uint64_t limit_ns = (uint64_t)args_get_int(a, "rpcwaittimeout") * 1000000000u;
	uint64_t start = clock_mono_ns();
	for (;;) {
		if (cli_attempt(reply, err, errcap, &retry, cfg, body))
			return true;
		if (!wait || !retry || (limit_ns && clock_mono_ns() - start >= limit_ns))
			return false;
		cli_pause();
	}
}

static int cli_print_error(const json_t *error)
{
	const json_t *code = json_object_get(error, "code");
	const json_t *msg = json_object_get(error, "message");
	if (json_is_integer(code))
		fprintf(stderr, "error code: %lld\n", (long long)json_integer_value(code));
	fprintf(stderr, "error message:\n%s\n", json_is_string(msg) ? json_string_value(msg) : "(none)");
	return CLI_RPC_ERROR;
}

static int cli_print_reply(const struct node_cli_reply *reply)
{
	if (reply->status == 401)
		return cli_fail(CLI_NO_ANSWER, "incorrect rpcuser or rpcpassword (authorization failed)");
	json_t *r = reply->body.len
	          ? json_loadb((const char *)reply->body.data, reply->body.len, 0, NULL) : NULL;
	const json_t *error = json_object_get(r, "error");
	int status;
	if (!json_is_object(r)) {
		fprintf(stderr, "error: server returned HTTP status %d: %.200s\n", reply->status,
		        reply->body.len ? (const char *)reply->body.data : "(no body)");
		status = CLI_NO_ANSWER;
	} else if (error && !json_is_null(error)) {
		status = cli_print_error(error);
	} else {
		struct buf out = BUF_INIT;
		node_cli_format_result(&out, json_object_get(r, "result"));
		if (out.len)
			fwrite(out.data, 1, out.len, stdout);
		buf_release(&out);
		status = CLI_OK;
	}
	json_decref(r);
	return status;
}

static int cli_run(struct node_config *cfg, int argc, char **argv)
{
	char err[CLI_ERR_LEN] = "";
	struct node_cli_args cmd = { 0 };
	struct node_cli_reply reply = { 0, BUF_INIT };
	int status;
	if (!node_config_parse_argv(cfg, err, sizeof(err), argc, argv))
		return cli_fail(CLI_USAGE, err);
	if (cli_info(cfg->args))
		return CLI_OK;
	if (!node_config_read(cfg, err, sizeof(err)))
		return cli_fail(CLI_USAGE, err);
	if (!cli_collect(&cmd, err, sizeof(err), cfg->args)) {
		node_cli_args_release(&cmd);
		return cli_fail(CLI_USAGE, err);
	}
	char *body = cli_body(err, sizeof(err), &cmd, args_get_bool(cfg->args, "named"));
	if (body == NULL)
		status = cli_fail(CLI_USAGE, err);
	else if (!cli_send(&reply, err, sizeof(err), cfg, body))
		status = cli_fail(CLI_NO_ANSWER, err);
	else
		status = cli_print_reply(&reply);
	free(body);
	buf_release(&reply.body);
	node_cli_args_release(&cmd);
	return status;
}

int main(int argc, char **argv)
{
	struct node_config cfg;
	node_config_init(&cfg, NODE_PROGRAM_CLI);
	int status = cli_run(&cfg, argc, argv);
	node_config_release(&cfg);
	libevent_global_shutdown();
	return status;
}
