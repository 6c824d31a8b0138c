/* What rostrad and rostra-cli share: the networks and their ports, the
 * option tables, and loading the options (command line, data directory,
 * rostra.conf, network selection).
 *
 * Each program accepts its own options on the command line, strictly. The
 * config file accepts the options of both programs, so that one
 * rostra.conf serves rostrad and rostra-cli alike (rpcconnect or rpcwait
 * there is read by rostra-cli and ignored by rostrad; port or listen by
 * the reverse). Every bad flag, value or config line is a one-line error.
 *
 * Data directory (doc/node.md): -datadir or ~/.rostra, holding rostra.conf;
 * the main network's files are in it, testnet's and regtest's in the
 * subfolders testnet/ and regtest/ (the network directory).
 */
#ifndef ROSTRA_NODE_NODE_CONFIG_H
#define ROSTRA_NODE_NODE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/args.h"

struct buf;

/* A network: its name, default ports and folder. */
struct node_chain {
	const char *name;     /* "main", "testnet", "regtest" */
	uint16_t p2p_port;
	uint16_t rpc_port;
	const char *subdir;   /* "" for main, else the name */
};

/* The network named name, or NULL. */
const struct node_chain *node_chain_find(const char *name);

enum node_program {
	NODE_PROGRAM_DAEMON = 0, /* rostrad */
	NODE_PROGRAM_CLI,        /* rostra-cli */
};

/* The options each program accepts on its command line (and lists in
 * -help). */
extern const struct args_option node_daemon_options[];
extern const size_t node_daemon_noptions;
extern const struct args_option node_cli_options[];
extern const size_t node_cli_noptions;

/* The options read, and where the files are. */
struct node_config {
	enum node_program program;
	struct args *args;            /* owned; over table */
	struct args_option *table;    /* both programs' options (owned) */
	char *datadir;                /* absolute, once read */
	char *netdir;                 /* absolute: the network's folder */
	const struct node_chain *chain;
};

/* Empty (every pointer NULL). Out: c. */
void node_config_init(struct node_config *c, enum node_program program);
/* Free everything. */
void node_config_release(struct node_config *c);

/* Parse the command line: first against the program's own options (so an
 * option of the other program is unknown here), then into c->args.
 * Out: err one line on failure. Returns false on failure. */
bool node_config_parse_argv(struct node_config *c, char *err, size_t errcap,
                            int argc, char *const *argv);

/* Find the data directory (-datadir, which must exist, else ~/.rostra,
 * created by rostrad when missing), read the config file (-conf, relative
 * to the data directory unless absolute; a missing default rostra.conf is
 * not an error, a missing -conf is), choose the network and its folder
 * (created by rostrad when missing). Out: err on failure. */
bool node_config_read(struct node_config *c, char *err, size_t errcap);

/* A path in the network directory: name itself when absolute, else
 * netdir/name. Returns a malloc'd string (NULL when out of memory). */
char *node_config_path(const struct node_config *c, const char *name);

/* The RPC port: -rpcport, else the network's default. */
uint16_t node_config_rpc_port(const struct node_config *c);

/* Append the program's usage and option help (for -help). Returns
 * buf_ok(out). */
bool node_config_help(struct buf *out, enum node_program program);

#endif
