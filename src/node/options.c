/* The option tables of rostrad and rostra-cli (doc/node.md lists them with
 * what each does today; -help prints them). */
#include "config.h"

#include "node/node_config.h"
#include "rpc/server.h"

/* Stringify a numeric default. */
#define NODE_STR_(x) #x
#define NODE_STR(x) NODE_STR_(x)

static const char *const node_debug_choices[] = {
	"net", "p2p", "rpc", "mempool", "ledger", "store", "consensus", "validation",
	"wallet", "bench", "1", "all", "0", "none", NULL,
};

#define NODE_COMMON_GENERAL                                                  \
	{ .name = "help", .kind = ARGS_BOOL, .help = "Print this help and exit." }, \
	{ .name = "h", .kind = ARGS_BOOL, .flags = ARGS_HIDDEN, .help = "As -help." }, \
	{ .name = "version", .kind = ARGS_BOOL, .help = "Print the version and exit." }, \
	{ .name = "conf", .kind = ARGS_STRING, .flags = ARGS_CLI_ONLY,           \
	  .def = "rostra.conf", .meta = "file",                                  \
	  .help = "Read options from this file, relative to the data directory " \
	          "unless absolute. A missing default file is not an error." },  \
	{ .name = "datadir", .kind = ARGS_STRING, .flags = ARGS_CLI_ONLY,        \
	  .meta = "dir",                                                         \
	  .help = "The data directory (default: ~/.rostra). It must exist. "     \
	          "testnet and regtest keep their files in a subfolder of it." }, \
	ARGS_CHAIN_OPTIONS

#define NODE_COMMON_RPC_CLIENT                                               \
	{ .name = "rpcport", .kind = ARGS_INT, .min = 1, .max = 65535,           \
	  .meta = "port",                                                        \
	  .help = "The JSON-RPC port (default: 7371, testnet 17371, regtest "    \
	          "27371)." },                                                   \
	{ .name = "rpcuser", .kind = ARGS_STRING, .meta = "user",                \
	  .help = "The user name for JSON-RPC logins (with -rpcpassword)." },    \
	{ .name = "rpcpassword", .kind = ARGS_STRING, .meta = "pw",              \
	  .help = "The password for JSON-RPC logins. Without it the cookie "     \
	          "file is used." },                                             \
	{ .name = "rpccookiefile", .kind = ARGS_STRING, .def = ".cookie",        \
	  .meta = "file",                                                        \
	  .help = "The cookie file, relative to the network directory unless "   \
	          "absolute." }

const struct args_option node_daemon_options[] = {
	{ .kind = ARGS_HEADING, .help = "General options:" },
	NODE_COMMON_GENERAL,
	{ .name = "daemon", .kind = ARGS_BOOL,
	  .help = "Run in the background: rostrad returns once the node has "
	          "started (status 0) or failed to (status 1, with the reason)." },
	{ .name = "pid", .kind = ARGS_STRING, .def = "rostrad.pid", .meta = "file",
	  .help = "The pid file, relative to the network directory unless absolute; "
	          "removed at exit." },
	{ .name = "printtoconsole", .kind = ARGS_BOOL,
	  .help = "Write the log to stderr as well as to debug.log." },
	{ .name = "debug", .kind = ARGS_MULTI, .choices = node_debug_choices,
	  .meta = "category",
	  .help = "Log debug messages of a category: net, p2p, rpc, mempool, ledger, "
	          "store, consensus, validation, wallet, bench; 1 or all for every "
	          "one, 0 or none for none. May be given several times." },

	{ .kind = ARGS_HEADING,
	  .help = "Connection options (a node without a chain does not network):" },
	{ .name = "port", .kind = ARGS_INT, .min = 1, .max = 65535, .meta = "port",
	  .help = "Listen for peers on this port (default: 7370, testnet 17370, "
	          "regtest 27370)." },
	{ .name = "bind", .kind = ARGS_MULTI, .meta = "addr[:port]",
	  .help = "Listen for peers on this address (default: 0.0.0.0). May be given "
	          "several times." },
	{ .name = "listen", .kind = ARGS_BOOL, .def = "1",
	  .help = "Accept connections from peers." },
	{ .name = "connect", .kind = ARGS_MULTI, .meta = "host[:port]",
	  .help = "Connect only to this node (kept connected; no other outbound "
	          "peers). May be given several times." },
	{ .name = "addnode", .kind = ARGS_MULTI, .meta = "host[:port]",
	  .help = "Connect to this node as well as to others, and keep it "
	          "connected. May be given several times." },
	{ .name = "seednode", .kind = ARGS_MULTI, .meta = "host[:port]",
	  .help = "Ask this node for addresses of peers, then disconnect." },
	{ .name = "maxconnections", .kind = ARGS_INT, .min = 0, .max = 10000,
	  .def = "125", .meta = "n", .help = "Keep at most this many peers (up to 8 "
	  "outbound, the rest inbound)." },

	{ .kind = ARGS_HEADING,
	  .help = "Chain, validator and wallet options:" },
	{ .name = "dbcache", .kind = ARGS_INT, .min = 4, .max = 16384, .def = "32",
	  .meta = "MiB", .help = "The database cache size in MiB." },
	{ .name = "reindex", .kind = ARGS_BOOL,
	  .help = "Rebuild the state and the indexes from the stored blocks." },
	{ .name = "validatorkey", .kind = ARGS_STRING, .meta = "file", .def = "validator_key",
	  .help = "Sign proposals and votes with the key in this file (relative to the network "
	          "directory; regtest creates it at first start). A node whose key is in the "
	          "active validator set makes the blocks." },
	{ .name = "blockinterval", .kind = ARGS_INT, .min = 100, .max = 3600000, .def = "1000",
	  .meta = "ms", .help = "Validator on testnet/main: make a block this often while "
	          "transactions wait." },
	{ .name = "emptyblockinterval", .kind = ARGS_INT, .min = 0, .max = 86400, .def = "60",
	  .meta = "s", .help = "Validator on testnet/main: make an empty block when none was made "
	          "for this many seconds (0: never)." },
	{ .name = "wallet", .kind = ARGS_BOOL, .def = "1",
	  .help = "Keep the node-side wallet (-wallet=0 turns it off)." },

	{ .kind = ARGS_HEADING, .help = "RPC server options:" },
	NODE_COMMON_RPC_CLIENT,
	{ .name = "rpcbind", .kind = ARGS_MULTI, .meta = "addr[:port]",
	  .help = "Listen for JSON-RPC on this address. Honoured only together "
	          "with -rpcallowip; otherwise the server binds to 127.0.0.1 and "
	          "::1 only." },
	{ .name = "rpcallowip", .kind = ARGS_MULTI, .meta = "ip[/prefix]",
	  .help = "Accept JSON-RPC from this address or subnet (loopback is always "
	          "accepted); others get HTTP 403." },
	{ .name = "rpcauth", .kind = ARGS_MULTI, .meta = "user:salt$hmac",
	  .help = "Accept a login given as a salted HMAC-SHA256 (Bitcoin Core's "
	          "share/rpcauth format). May be given several times." },
	{ .name = "rpchttpthreads", .kind = ARGS_INT, .min = 1, .max = 64,
	  .def = NODE_STR(RPC_DEFAULT_HTTP_THREADS), .meta = "n",
	  .help = "Threads that run the HTTP server: each takes connections "
	          "and answers the cheap read-only calls itself." },
	{ .name = "rpcthreads", .kind = ARGS_INT, .min = 1, .max = 64,
	  .def = NODE_STR(RPC_DEFAULT_THREADS), .meta = "n",
	  .help = "Worker threads serving JSON-RPC requests." },
	{ .name = "rpcworkqueue", .kind = ARGS_INT, .min = 1, .max = 65536,
	  .def = NODE_STR(RPC_DEFAULT_WORKQUEUE), .meta = "n",
	  .help = "Requests that may wait beyond those being served; more are "
	          "answered HTTP 503." },
	{ .name = "rpcservertimeout", .kind = ARGS_INT, .min = 1, .max = 3600,
	  .def = NODE_STR(RPC_DEFAULT_TIMEOUT_S), .meta = "seconds",
	  .help = "Close an HTTP connection idle or stalled for this long." },
};
const size_t node_daemon_noptions = ARGS_COUNT(node_daemon_options);

const struct args_option node_cli_options[] = {
	{ .kind = ARGS_HEADING, .help = "Options:" },
	NODE_COMMON_GENERAL,
	NODE_COMMON_RPC_CLIENT,
	{ .name = "rpcconnect", .kind = ARGS_STRING, .def = "127.0.0.1", .meta = "ip",
	  .help = "Send commands to the node at this address." },
	{ .name = "rpcclienttimeout", .kind = ARGS_INT, .min = 0, .max = 86400,
	  .def = "900", .meta = "seconds",
	  .help = "Give up on an answer after this long (0: never)." },
	{ .name = "rpcwait", .kind = ARGS_BOOL,
	  .help = "Wait for the server to start (retrying once a second) instead "
	          "of failing when it cannot be reached." },
	{ .name = "rpcwaittimeout", .kind = ARGS_INT, .min = 0, .max = 86400,
	  .def = "0", .meta = "seconds",
	  .help = "With -rpcwait, give up after this long (0: never)." },
	{ .name = "named", .kind = ARGS_BOOL,
	  .help = "Pass the arguments by name: name=value." },
	{ .name = "stdin", .kind = ARGS_BOOL,
	  .help = "Read more arguments from standard input, one per line, after "
	          "those on the command line." },
};
const size_t node_cli_noptions = ARGS_COUNT(node_cli_options);
