/* Command-line arguments and rostra.conf, Bitcoin Core style, driven by a
 * table of the options a program accepts.
 *
 * The caller declares its options in a static table (struct args_option)
 * and creates a struct args over it. It then parses argv, reads the config
 * file, selects the network, and reads typed values:
 *
 *     struct args *a = args_create(opts, ARGS_COUNT(opts));
 *     if (!args_parse_argv(a, argc, argv, err, sizeof(err))
 *         || !args_read_config_if_exists(a, conf_path, err, sizeof(err))
 *         || !args_select_chain(a, &chain, err, sizeof(err)))
 *             fail with err (one line);
 *     int64_t port = args_is_set(a, "port") ? args_get_int(a, "port")
 *                                           : chain_default_port;
 *
 * Values are validated when they are read (an int against its range, a bool
 * as 0, 1, true or false, a string against its choices), so a bad value
 * stops start-up with one line and the getters never see one.
 *
 * Precedence, lowest to highest: the config file outside any section, the
 * config file's section for the selected network ([main], [testnet],
 * [regtest]), the command line. A single-valued option takes the last value
 * in the highest layer that sets it. A multi-string option collects the
 * values of every layer in that order; a negation (-noconnect, or
 * noconnect=1 in the file) drops the values collected before it.
 *
 * The full format is in doc/config.md. A struct args is filled by one thread
 * at start-up and read-only afterwards (any thread may then read it).
 */
#ifndef ROSTRA_UTIL_ARGS_H
#define ROSTRA_UTIL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct args;

enum args_kind {
	ARGS_HEADING = 0, /* not an option: a title line in -help ("help") */
	ARGS_BOOL,        /* -name, -noname, -name=0|1|true|false */
	ARGS_INT,         /* -name=N, a decimal integer in [min, max] */
	ARGS_STRING,      /* -name=TEXT (optionally one of choices) */
	ARGS_MULTI,       /* -name=TEXT, may repeat; -noname clears */
};

enum args_flags {
	ARGS_CLI_ONLY = 1u << 0,   /* an error in the config file (-conf, -datadir) */
	ARGS_NO_SECTION = 1u << 1, /* an error inside a [network] section */
	ARGS_HIDDEN = 1u << 2,     /* accepted but not listed by args_help */
};

struct args_option {
	const char *name;  /* without the dash: [a-z0-9]+; NULL for a heading */
	enum args_kind kind;
	unsigned flags;    /* enum args_flags */
	int64_t min, max;  /* ARGS_INT: the accepted range, min < max */
	const char *def;   /* the default as text ("7371", "1"), or NULL;
	                      never for ARGS_MULTI */
	const char *const *choices; /* ARGS_STRING/ARGS_MULTI: NULL-terminated
	                               list of the accepted values, or NULL */
	const char *meta;  /* help: the value's name in "-name=<meta>", or NULL */
	const char *help;  /* one or more sentences for -help */
};

#define ARGS_COUNT(table) (sizeof(table) / sizeof((table)[0]))

/* The longest config line (bytes, without its newline) and config file. */
#define ARGS_MAX_LINE 4096
#define ARGS_MAX_CONFIG ((size_t)1 << 20)

/* The network-selection options that args_select_chain reads; every table
 * given to a struct args on which args_select_chain is called includes them. */
extern const char *const args_chain_names[]; /* "main", "testnet", "regtest", NULL */
#define ARGS_CHAIN_OPTIONS                                                   \
	{ .name = "chain", .kind = ARGS_STRING, .flags = ARGS_NO_SECTION,    \
	  .choices = args_chain_names, .meta = "name",                       \
	  .help = "Use the named network: main, testnet or regtest." },      \
	{ .name = "testnet", .kind = ARGS_BOOL, .flags = ARGS_NO_SECTION,    \
	  .help = "Use the test network (as -chain=testnet)." },             \
	{ .name = "regtest", .kind = ARGS_BOOL, .flags = ARGS_NO_SECTION,    \
	  .help = "Use the local regression-test network, which makes "      \
	          "blocks on demand (as -chain=regtest)." }

/* Create the parser over table[0..n-1]; the table must outlive it. A
 * malformed table (a bad name, a duplicate, a default that its own option
 * rejects, min >= max) is a programmer error and aborts.
 * Returns NULL when out of memory. */
struct args *args_create(const struct args_option *table, size_t n);
/* Free everything, including the strings the getters returned. */
void args_destroy(struct args *a);

/* Parse argv[1..argc-1]: -name=value, -name (a bool: true; other kinds
 * need a value), -noname (a bool: false; a multi: clear), --name=value as
 * -name=value. "--" ends the options; the first argument that is not an
 * option (does not start with '-', or is "-" alone) and everything after it
 * are kept as positional arguments.
 * Out: err (errcap bytes) one line on failure, such as "unknown option -foo"
 * or "invalid value for -rpcport: 'abc' (expected an integer from 1 to
 * 65535)". On failure nothing from this call is kept. */
bool args_parse_argv(struct args *a, int argc, char *const *argv,
                     char *err, size_t errcap);

/* Read a config file (format in doc/config.md). The file is read whole, at
 * most ARGS_MAX_CONFIG bytes. Out: err one line on failure, naming the
 * file (as path was given), the line and the key:
 *   "rostra.conf:3: unknown option 'rpcprot'". On failure nothing from
 * this file is kept. A missing file is an error. */
bool args_read_config(struct args *a, const char *path, char *err, size_t errcap);
/* As args_read_config, but a file that does not exist is read as empty
 * (for the default rostra.conf; an explicit -conf uses args_read_config). */
bool args_read_config_if_exists(struct args *a, const char *path,
                                char *err, size_t errcap);
/* Parse config text from memory. In: name (used in error messages in place
 * of the path), data (len bytes, not necessarily NUL-terminated; a NUL byte
 * is an error). Out and failure as args_read_config. */
bool args_read_config_string(struct args *a, const char *name,
                             const char *data, size_t len,
                             char *err, size_t errcap);

/* Choose the network from -chain, -testnet and -regtest (command line and
 * config file outside sections); main when none is given. From then on the
 * getters see that network's config section. Out: *chain "main", "testnet"
 * or "regtest" (static strings; NULL on failure); err on failure. Returns
 * false when the options name different networks. */
bool args_select_chain(struct args *a, const char **chain, char *err, size_t errcap);
/* The selected network, or NULL before args_select_chain succeeded. */
const char *args_chain(const struct args *a);

/* The getters below take the name of an option in the table; an unknown
 * name, or a getter of the wrong kind, is a programmer error and aborts.
 * Until a network is selected, they see no config section. */

/* True when the option was given on the command line or in a config layer
 * that applies (a negation counts as given). */
bool args_is_set(const struct args *a, const char *name);
/* ARGS_STRING: the value, else the default (NULL if none). The string is
 * owned by a (or the table) and lives until args_destroy. */
const char *args_get_str(const struct args *a, const char *name);
/* ARGS_INT: the value, else the default (0 if none); always in [min, max]
 * when given or defaulted. */
int64_t args_get_int(const struct args *a, const char *name);
/* ARGS_BOOL: the value, else the default (false if none). */
bool args_get_bool(const struct args *a, const char *name);
/* ARGS_MULTI: the number of values, and the i-th (i < count; owned by a). */
size_t args_get_multi_count(const struct args *a, const char *name);
const char *args_get_multi(const struct args *a, const char *name, size_t i);

/* The positional arguments (for rostra-cli METHOD ARGS...), owned by a. */
size_t args_positional_count(const struct args *a);
const char *args_positional(const struct args *a, size_t i);

/* Append the -help text for table[0..n-1]: each option not ARGS_HIDDEN as
 * "  -name=<meta>" and its help indented and wrapped at 79 columns, with
 * "(default: X)"; headings as title lines. Returns buf_ok(out). */
bool args_help(struct buf *out, const struct args_option *table, size_t n);

#endif
