/* node_create and node_init: options, data directory, lock, log,
 * -daemon, then the start sequence of the subsystems. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <jansson.h>

#include "crypto/crypto.h"
#include "node/node_internal.h"
#include "util/buf.h"
#include "util/log.h"

struct node *node_create(void)
{
	struct node *n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	node_config_init(&n->cfg, NODE_PROGRAM_DAEMON);
	clock_init(&n->clock);
	n->lock_fd = -1;
	n->parent_fd = -1;
	return n;
}

void node_report_error(struct node *n, const char *msg)
{
	LOG_ERROR(n->log, 0, "%s", msg);
	if (n->parent_fd >= 0)
		node_daemon_report(n, msg);
	else if (!n->console)
		fprintf(stderr, "Error: %s\n", msg); /* else the log line was on stderr */
}

/* -help and -version: print and stop. Returns true when one was given. */
static bool node_info_requested(struct node *n)
{
	const struct args *a = n->cfg.args;
	if (args_get_bool(a, "version")) {
		printf("rostrad version %s\n", PACKAGE_VERSION);
		return true;
	}
	if (!args_get_bool(a, "help") && !args_get_bool(a, "h"))
		return false;
	struct buf b = BUF_INIT;
	node_config_help(&b, NODE_PROGRAM_DAEMON);
	if (b.data)
		fputs((const char *)b.data, stdout);
	buf_release(&b);
	return true;
}

/* The -debug categories, in order ("none" clears those before it). */
static uint32_t node_debug_mask(const struct args *a)
{
	uint32_t mask = 0, m;
	for (size_t i = 0; i < args_get_multi_count(a, "debug"); i++) {
		if (!log_category_parse(&m, args_get_multi(a, "debug", i)))
			continue; /* cannot happen: the table's choices were checked */
		mask = m == 0 ? 0 : mask | m;
	}
	return mask;
}

static bool node_open_log(struct node *n, char *err, size_t errcap)
{
	const struct args *a = n->cfg.args;
	char *path = node_config_path(&n->cfg, "debug.log");
	n->log = log_create();
	if (path == NULL || n->log == NULL) {
		free(path);
		snprintf(err, errcap, "out of memory");
		return false;
	}
	n->console = args_get_bool(a, "printtoconsole") && !args_get_bool(a, "daemon");
	log_set_console(n->log, n->console);
	log_enable_category(n->log, node_debug_mask(a));
	bool ok = log_open_file(n->log, path, err, errcap);
	free(path);
	if (ok) {
		LOG_INFO(n->log, 0, "Rostra version %s starting", PACKAGE_VERSION);
		LOG_INFO(n->log, 0, "network %s, data directory %s", n->cfg.chain->name, n->cfg.netdir);
	}
	return ok;
}

/* Process-wide set-up, before any thread: libevent's locking, jansson's
 * hash seed, crypto. */
static bool node_process_setup(struct node *n, char *err, size_t errcap)
{
	if (evthread_use_pthreads() != 0) {
		snprintf(err, errcap, "libevent has no pthreads support");
		return false;
	}
	json_object_seed(0);
	if (!crypto_init()) {
		snprintf(err, errcap, "cannot initialise the crypto libraries");
		return false;
	}
	n->crypto_ready = true;
	return true;
}

/* The start sequence. A subsystem opened here is closed in reverse order
 * by node_shutdown. */
static bool node_start(struct node *n, char *err, size_t errcap)
{
	n->start_ns = clock_mono_ns();
	if (!node_process_setup(n, err, errcap))
		return false;
	n->base = event_base_new();
	if (n->base == NULL) {
		snprintf(err, errcap, "cannot create the main event loop");
		return false;
	}
	if (!node_signals_start(n, err, errcap) || !node_write_pid(n, err, errcap) ||
	    !node_chain_open(n, err, errcap) || !node_net_open(n, err, errcap) ||
	    !node_rpc_setup(n, err, errcap) ||
	    !node_rpc_start(n, err, errcap) || !node_produce_start(n, err, errcap))
		return false;
	LOG_INFO(n->log, 0, "rostrad started (pid %ld)", (long)getpid());
	return true;
}

static bool node_prepare(struct node *n, char *err, size_t errcap)
{
	return node_config_read(&n->cfg, err, errcap) && node_lock_datadir(n, err, errcap) &&
	       node_open_log(n, err, errcap);
}

bool node_init(struct node *n, int *status, int argc, char **argv)
{
	char err[NODE_ERR_LEN] = "";
	*status = 1;
	if (!node_config_parse_argv(&n->cfg, err, sizeof(err), argc, argv)) {
		node_report_error(n, err);
		return false;
	}
	if (node_info_requested(n)) {
		*status = 0;
		return false;
	}
	if (args_positional_count(n->cfg.args) > 0) {
		snprintf(err, sizeof(err), "unexpected argument '%.64s' (rostrad takes options only; "
		         "commands go to rostra-cli)", args_positional(n->cfg.args, 0));
		node_report_error(n, err);
		return false;
	}
	if (!node_prepare(n, err, sizeof(err))) {
		node_report_error(n, err);
		return false;
	}
	if (args_get_bool(n->cfg.args, "daemon") && !node_daemonize(n, status, err, sizeof(err))) {
		if (err[0])
			node_report_error(n, err);
		return false;
	}
	n->started = true;
	if (!node_start(n, err, sizeof(err))) {
		node_report_error(n, err);
		node_shutdown(n);
		*status = 1;
		return false;
	}
	node_daemon_report(n, NULL);
	*status = 0;
	return true;
}
