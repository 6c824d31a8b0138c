/* Unit tests for src/node's configuration: networks and ports, the two
 * programs' option tables (each strict on its command line, both accepted
 * in rostra.conf), the data directory, rostra.conf and its sections, paths.
 * rostra-cli's argument handling is in test_node_cli.c; the running node is
 * tested end to end by test/functional/test_node_*.py. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "node/node_config.h"
#include "test_node.h"
#include "util/buf.h"

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static void test_chains(void)
{
	static const struct { const char *name; uint16_t p2p, rpc; const char *sub; } v[] = {
		{ "main", 7370, 7371, "" },
		{ "testnet", 17370, 17371, "testnet" },
		{ "regtest", 27370, 27371, "regtest" },
	};
	for (size_t i = 0; i < 3; i++) {
		const struct node_chain *c = node_chain_find(v[i].name);
		CHECK(c && c->p2p_port == v[i].p2p && c->rpc_port == v[i].rpc && streq(c->subdir, v[i].sub));
	}
	CHECK(node_chain_find("Main") == NULL);
	CHECK(node_chain_find("") == NULL);
	CHECK(node_chain_find(NULL) == NULL);
}

/* argv from a NULL-terminated list; argv[0] is the program. */
static int make_argv(char **argv, size_t cap, const char *const *list)
{
	int argc = 0;
	argv[argc++] = (char *)"prog";
	for (; list && *list && (size_t)argc + 1 < cap; list++)
		argv[argc++] = (char *)*list;
	argv[argc] = NULL;
	return argc;
}

static bool parse(struct node_config *c, enum node_program p, const char *const *list,
                  char *err, size_t errcap)
{
	char *argv[16];
	int argc = make_argv(argv, 16, list);
	node_config_init(c, p);
	err[0] = '\0';
	return node_config_parse_argv(c, err, errcap, argc, argv);
}

static void test_strict_command_lines(void)
{
	static const struct {
		enum node_program p;
		const char *args[4];
		const char *err; /* NULL: accepted */
	} v[] = {
		{ NODE_PROGRAM_DAEMON, { "-rpcport=1", "-daemon", "-debug=rpc" }, NULL },
		{ NODE_PROGRAM_DAEMON, { "-rpcwait" }, "unknown option -rpcwait" },
		{ NODE_PROGRAM_DAEMON, { "-named" }, "unknown option -named" },
		{ NODE_PROGRAM_DAEMON, { "-rpcconnect=1.2.3.4" }, "unknown option -rpcconnect" },
		{ NODE_PROGRAM_DAEMON, { "uptime" }, NULL }, /* kept; node_init refuses it */
		{ NODE_PROGRAM_DAEMON, { "-debug=nope" }, "invalid value for -debug: 'nope'" },
		{ NODE_PROGRAM_DAEMON, { "-rpcthreads=65" }, "invalid value for -rpcthreads" },
		{ NODE_PROGRAM_CLI, { "-rpcwait", "-named", "help" }, NULL },
		{ NODE_PROGRAM_CLI, { "-daemon" }, "unknown option -daemon" },
		{ NODE_PROGRAM_CLI, { "-port=5" }, "unknown option -port" },
		{ NODE_PROGRAM_CLI, { "-rpcbind=x" }, "unknown option -rpcbind" },
		{ NODE_PROGRAM_CLI, { "-rpcwaittimeout=-1" }, "invalid value for -rpcwaittimeout" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct node_config c;
		char err[256];
		bool ok = parse(&c, v[i].p, v[i].args, err, sizeof(err));
		bool good = v[i].err ? !ok && strncmp(err, v[i].err, strlen(v[i].err)) == 0 : ok;
		if (!CHECK(good))
			unit_note("case %zu: %s", i, err);
		node_config_release(&c);
	}
}

/* ------------------------------------------------- data directory */

struct tmpdir {
	char path[64];
};

static bool tmp_make(struct tmpdir *t)
{
	snprintf(t->path, sizeof(t->path), "/tmp/rostra-test-node-XXXXXX");
	return mkdtemp(t->path) != NULL;
}

static void tmp_write(const struct tmpdir *t, const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", t->path, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void tmp_remove(const struct tmpdir *t)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->path);
	if (system(cmd) != 0)
		unit_note("could not remove %s", t->path);
}

static bool is_dir(const char *dir, const char *sub)
{
	char p[256];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Parse "-datadir=DIR" plus extra, then read. */
static bool load(struct node_config *c, enum node_program p, const struct tmpdir *t,
                 const char *extra1, const char *extra2, char *err, size_t errcap)
{
	char dd[128];
	snprintf(dd, sizeof(dd), "-datadir=%s", t->path);
	const char *list[] = { dd, extra1, extra2, NULL };
	return parse(c, p, list, err, errcap) && node_config_read(c, err, errcap);
}

static void test_datadir_and_conf(void)
{
	struct tmpdir t;
	struct node_config c;
	char err[512], want[256];
	if (!CHECK(tmp_make(&t)))
		return;
	/* No rostra.conf: fine; main lives in the data directory itself. */
	CHECK(load(&c, NODE_PROGRAM_DAEMON, &t, NULL, NULL, err, sizeof(err)));
	CHECK(streq(c.chain->name, "main") && streq(c.netdir, t.path) && streq(c.datadir, t.path));
	CHECK(node_config_rpc_port(&c) == 7371);
	node_config_release(&c);
	/* rostra-cli does not create the network folder; rostrad does. */
	CHECK(load(&c, NODE_PROGRAM_CLI, &t, "-testnet", NULL, err, sizeof(err)));
	CHECK(!is_dir(t.path, "testnet"));
	node_config_release(&c);
	CHECK(load(&c, NODE_PROGRAM_DAEMON, &t, "-testnet", NULL, err, sizeof(err)));
	CHECK(is_dir(t.path, "testnet") && node_config_rpc_port(&c) == 17371);
	snprintf(want, sizeof(want), "%s/testnet", t.path);
	CHECK(streq(c.netdir, want));
	node_config_release(&c);
	/* Sections, both programs' keys in one file, precedence. */
	tmp_write(&t, "rostra.conf", "rpcport=1000\nrpcwait=1\nnamed=1\nlisten=0\ndebug=rpc\n"
	                            "[regtest]\nrpcport=2000\n[testnet]\nrpcport=3000\n");
	CHECK(load(&c, NODE_PROGRAM_DAEMON, &t, "-regtest", NULL, err, sizeof(err)));
	CHECK(node_config_rpc_port(&c) == 2000 && !args_get_bool(c.args, "listen"));
	CHECK(args_get_bool(c.args, "rpcwait")); /* read, though rostrad ignores it */
	node_config_release(&c);
	CHECK(load(&c, NODE_PROGRAM_CLI, &t, "-chain=main", NULL, err, sizeof(err)));
	CHECK(node_config_rpc_port(&c) == 1000 && args_get_bool(c.args, "named"));
	node_config_release(&c);
	CHECK(load(&c, NODE_PROGRAM_CLI, &t, "-regtest", "-rpcport=4000", err, sizeof(err)));
	CHECK(node_config_rpc_port(&c) == 4000);
	node_config_release(&c);
	/* -conf: relative to the data directory, absolute as is, must exist. */
	tmp_write(&t, "other.conf", "regtest=1\n");
	CHECK(load(&c, NODE_PROGRAM_DAEMON, &t, "-conf=other.conf", NULL, err, sizeof(err)));
	CHECK(streq(c.chain->name, "regtest"));
	node_config_release(&c);
	snprintf(want, sizeof(want), "-conf=%s/other.conf", t.path);
	CHECK(load(&c, NODE_PROGRAM_DAEMON, &t, want, NULL, err, sizeof(err)));
	node_config_release(&c);
	CHECK(!load(&c, NODE_PROGRAM_DAEMON, &t, "-conf=missing.conf", NULL, err, sizeof(err)));
	CHECK(strstr(err, "cannot open config file") && strstr(err, "missing.conf"));
	node_config_release(&c);
	/* Bad files: one line naming the file, the line and the key. */
	tmp_write(&t, "rostra.conf", "rpcport=1\nrpcprot=2\n");
	CHECK(!load(&c, NODE_PROGRAM_DAEMON, &t, NULL, NULL, err, sizeof(err)));
	CHECK(strstr(err, "rostra.conf:2: unknown option 'rpcprot'") != NULL);
	node_config_release(&c);
	tmp_write(&t, "rostra.conf", "testnet=1\nregtest=1\n");
	CHECK(!load(&c, NODE_PROGRAM_DAEMON, &t, NULL, NULL, err, sizeof(err)));
	CHECK(strstr(err, "conflicting network options") != NULL);
	node_config_release(&c);
	tmp_remove(&t);
}

static void test_datadir_errors(void)
{
	struct node_config c;
	char err[512];
	const char *missing[] = { "-datadir=/nonexistent/rostra", NULL };
	CHECK(parse(&c, NODE_PROGRAM_DAEMON, missing, err, sizeof(err)));
	CHECK(!node_config_read(&c, err, sizeof(err)));
	CHECK(streq(err, "data directory '/nonexistent/rostra' does not exist"));
	node_config_release(&c);
	const char *empty[] = { "-datadir=", NULL };
	CHECK(parse(&c, NODE_PROGRAM_DAEMON, empty, err, sizeof(err)));
	CHECK(!node_config_read(&c, err, sizeof(err)) && strstr(err, "does not exist"));
	node_config_release(&c);
	/* Without -datadir the default needs HOME. */
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	unsetenv("HOME");
	CHECK(parse(&c, NODE_PROGRAM_DAEMON, NULL, err, sizeof(err)));
	CHECK(!node_config_read(&c, err, sizeof(err)) && strstr(err, "HOME is not set"));
	node_config_release(&c);
	/* rostra-cli with no ~/.rostra still runs (a remote node). */
	struct tmpdir t;
	if (CHECK(tmp_make(&t))) {
		setenv("HOME", t.path, 1);
		CHECK(parse(&c, NODE_PROGRAM_CLI, NULL, err, sizeof(err)));
		CHECK(node_config_read(&c, err, sizeof(err)));
		CHECK(!is_dir(t.path, ".rostra"));
		node_config_release(&c);
		CHECK(parse(&c, NODE_PROGRAM_DAEMON, NULL, err, sizeof(err)));
		CHECK(node_config_read(&c, err, sizeof(err)));
		CHECK(is_dir(t.path, ".rostra")); /* rostrad makes it */
		node_config_release(&c);
		tmp_remove(&t);
	}
	if (home)
		setenv("HOME", home, 1);
	free(home);
}

static void test_paths(void)
{
	struct node_config c;
	node_config_init(&c, NODE_PROGRAM_DAEMON);
	c.netdir = strdup("/data/regtest");
	char *p = node_config_path(&c, "debug.log");
	CHECK(streq(p, "/data/regtest/debug.log"));
	free(p);
	p = node_config_path(&c, "/var/run/rostrad.pid");
	CHECK(streq(p, "/var/run/rostrad.pid"));
	free(p);
	p = node_config_path(&c, "");
	CHECK(streq(p, "/data/regtest"));
	free(p);
	node_config_release(&c);
}

static void test_help(void)
{
	struct buf b = BUF_INIT;
	CHECK(node_config_help(&b, NODE_PROGRAM_DAEMON));
	const char *s = (const char *)b.data;
	CHECK(strncmp(s, "Usage: rostrad [options]", 24) == 0);
	CHECK(strstr(s, "  -rpcworkqueue=<n>") && strstr(s, "(default: 16)"));
	CHECK(strstr(s, "  -daemon") && !strstr(s, "-rpcwait") && !strstr(s, "  -h\n"));
	buf_reset(&b);
	CHECK(node_config_help(&b, NODE_PROGRAM_CLI));
	s = (const char *)b.data;
	CHECK(strncmp(s, "Usage: rostra-cli", 17) == 0);
	CHECK(strstr(s, "  -rpcwait") && strstr(s, "  -named") && !strstr(s, "-daemon"));
	buf_release(&b);
}

static const struct unit_case main_cases[] = {
	UNIT_CASE(test_chains),
	UNIT_CASE(test_strict_command_lines),
	UNIT_CASE(test_datadir_and_conf),
	UNIT_CASE(test_datadir_errors),
	UNIT_CASE(test_paths),
	UNIT_CASE(test_help),
};

int main(void)
{
	size_t nmain = UNIT_COUNT(main_cases);
	size_t n = nmain + node_cli_ncases;
	struct unit_case *all = malloc(n * sizeof(*all));
	if (all == NULL)
		return 1;
	memcpy(all, main_cases, sizeof(main_cases));
	memcpy(all + nmain, node_cli_cases, node_cli_ncases * sizeof(*all));
	int rc = unit_run(all, n);
	free(all);
	return rc;
}
