/* Loading the options: the command line (strictly, per program), the data
 * directory, rostra.conf (both programs' options), the network. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "node/node_config.h"
#include "util/args.h"
#include "util/buf.h"

static const struct node_chain node_chains[] = {
	{ "main", 7370, 7371, "" },
	{ "testnet", 17370, 17371, "testnet" },
	{ "regtest", 27370, 27371, "regtest" },
};

const struct node_chain *node_chain_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(node_chains) / sizeof(node_chains[0]); i++)
		if (strcmp(node_chains[i].name, name) == 0)
			return &node_chains[i];
	return NULL;
}

void node_config_init(struct node_config *c, enum node_program program)
{
	memset(c, 0, sizeof(*c));
	c->program = program;
}

void node_config_release(struct node_config *c)
{
	args_destroy(c->args);
	free(c->table);
	free(c->datadir);
	free(c->netdir);
	memset(c, 0, sizeof(*c));
}

static bool node_has_option(const struct args_option *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].name && strcmp(t[i].name, name) == 0)
			return true;
	return false;
}

/* The program's options, then the other program's that it lacks. */
static struct args_option *node_union_table(enum node_program p, size_t *n)
{
	bool daemon = p == NODE_PROGRAM_DAEMON;
	const struct args_option *own = daemon ? node_daemon_options : node_cli_options;
	size_t nown = daemon ? node_daemon_noptions : node_cli_noptions;
	const struct args_option *other = daemon ? node_cli_options : node_daemon_options;
	size_t nother = daemon ? node_cli_noptions : node_daemon_noptions;
	struct args_option *t = calloc(nown + nother, sizeof(*t));
	if (t == NULL)
		return NULL;
	memcpy(t, own, nown * sizeof(*t));
	*n = nown;
	for (size_t i = 0; i < nother; i++)
		if (other[i].name && !node_has_option(own, nown, other[i].name))
			t[(*n)++] = other[i];
	return t;
}

bool node_config_parse_argv(struct node_config *c, char *err, size_t errcap,
                            int argc, char *const *argv)
{
	bool daemon = c->program == NODE_PROGRAM_DAEMON;
	struct args *strict = args_create(daemon ? node_daemon_options : node_cli_options,
	                                  daemon ? node_daemon_noptions : node_cli_noptions);
	if (strict == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	bool ok = args_parse_argv(strict, argc, argv, err, errcap);
	args_destroy(strict);
	if (!ok)
		return false;
	size_t n = 0;
	c->table = node_union_table(c->program, &n);
	c->args = c->table ? args_create(c->table, n) : NULL;
	if (c->args == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	return args_parse_argv(c->args, argc, argv, err, errcap);
}

static bool node_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The data directory: -datadir (must exist) or ~/.rostra (made by rostrad). */
static bool node_find_datadir(struct node_config *c, char *err, size_t errcap)
{
	const char *given = args_get_str(c->args, "datadir");
	char buf[PATH_MAX];
	if (given == NULL) {
		const char *home = getenv("HOME");
		if (home == NULL || home[0] == '\0') {
			snprintf(err, errcap, "HOME is not set: give the data directory with -datadir");
			return false;
		}
		if ((size_t)snprintf(buf, sizeof(buf), "%s/.rostra", home) >= sizeof(buf)) {
			snprintf(err, errcap, "data directory path too long");
			return false;
		}
		if (c->program == NODE_PROGRAM_CLI && !node_is_dir(buf)) {
			/* No local node: rostra-cli may still reach a remote one
			 * with -rpcconnect and -rpcuser/-rpcpassword. */
			c->datadir = strdup(buf);
			if (c->datadir == NULL)
				snprintf(err, errcap, "out of memory");
			return c->datadir != NULL;
		}
		if (!node_is_dir(buf) && mkdir(buf, 0700) != 0) {
			snprintf(err, errcap, "cannot create the data directory %s: %s", buf, strerror(errno));
			return false;
		}
		given = buf;
	}
	if (given[0] == '\0' || !node_is_dir(given)) {
		snprintf(err, errcap, "data directory '%s' does not exist", given);
		return false;
	}
	c->datadir = realpath(given, NULL);
	if (c->datadir == NULL) {
		snprintf(err, errcap, "cannot resolve the data directory '%s': %s", given, strerror(errno));
		return false;
	}
	return true;
}

static char *node_join(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;
	if (name[0] == '/')
		buf_puts(&b, name);
	else if (name[0] == '\0')
		buf_puts(&b, dir);
	else
		buf_printf(&b, "%s/%s", dir, name);
	if (!buf_ok(&b)) {
		buf_release(&b);
		return NULL;
	}
	return (char *)buf_detach(&b, NULL);
}

static bool node_read_conf(struct node_config *c, char *err, size_t errcap)
{
	const char *name = args_get_str(c->args, "conf");
	char *path = node_join(c->datadir, name);
	if (path == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	bool ok = args_is_set(c->args, "conf") ? args_read_config(c->args, path, err, errcap)
	                                       : args_read_config_if_exists(c->args, path, err, errcap);
	free(path);
	return ok;
}

static bool node_find_netdir(struct node_config *c, char *err, size_t errcap)
{
	c->netdir = node_join(c->datadir, c->chain->subdir);
	if (c->netdir == NULL) {
		snprintf(err, errcap, "out of memory");
		return false;
	}
	if (c->program == NODE_PROGRAM_DAEMON && !node_is_dir(c->netdir) && mkdir(c->netdir, 0700) != 0) {
		snprintf(err, errcap, "cannot create %s: %s", c->netdir, strerror(errno));
		return false;
	}
	return true;
}

bool node_config_read(struct node_config *c, char *err, size_t errcap)
{
	const char *chain = NULL;
	if (!node_find_datadir(c, err, errcap) || !node_read_conf(c, err, errcap) ||
	    !args_select_chain(c->args, &chain, err, errcap))
		return false;
	c->chain = node_chain_find(chain);
	return c->chain != NULL && node_find_netdir(c, err, errcap);
}

char *node_config_path(const struct node_config *c, const char *name)
{
	return node_join(c->netdir, name);
}

uint16_t node_config_rpc_port(const struct node_config *c)
{
	if (args_is_set(c->args, "rpcport"))
		return (uint16_t)args_get_int(c->args, "rpcport");
	return c->chain->rpc_port;
}

bool node_config_help(struct buf *out, enum node_program program)
{
	if (program == NODE_PROGRAM_DAEMON) {
		buf_puts(out, "Usage: rostrad [options]\n\nStart the Rostra node.\n\n");
		return args_help(out, node_daemon_options, node_daemon_noptions);
	}
	buf_puts(out, "Usage: rostra-cli [options] <command> [params]\n"
	              "       rostra-cli [options] -named <command> [name=value]...\n"
	              "       rostra-cli [options] help [command]\n\n"
	              "Send a command to a running rostrad (doc/rpc.md).\n\n");
	return args_help(out, node_cli_options, node_cli_noptions);
}
