/* The node: one context (struct node) that owns everything a running
 * rostrad has, and its lifecycle.
 *
 *     struct node *n = node_create();
 *     int status;
 *     if (n && node_init(n, &status, argc, argv))
 *             status = node_run(n);
 *     node_destroy(n);          (shuts down first if needed)
 *     return status;
 *
 * node_init reads the options and the config file, takes the data
 * directory's lock, opens debug.log, daemonizes with -daemon, and starts
 * the subsystems (today: the RPC server). node_run runs the main event
 * loop until a shutdown is asked for (SIGTERM, SIGINT, the stop RPC);
 * node_shutdown then stops everything in order and flushes what must be
 * flushed. No function here calls exit(): failures are reported up, with
 * their one-line reason on stderr (or sent to the waiting parent with
 * -daemon) and in debug.log. See doc/node.md.
 *
 * Threads: everything here runs on the main thread; the main event loop
 * owns the node's state (DESIGN.md, "Runtime model").
 */
#ifndef ROSTRA_NODE_NODE_H
#define ROSTRA_NODE_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "crypto/key.h"

struct node;

/* An empty node. Returns NULL when out of memory. */
struct node *node_create(void);
/* Shut down if running, then free. NULL is accepted. */
void node_destroy(struct node *n);

/* Read the options and start the node. Returns true when the node is
 * started and node_run should follow; false when the process should exit
 * now with *status: 0 after -help, -version, or in the parent of -daemon
 * once the daemon reported its start; 1 after an error (already printed).
 * In: argc, argv as main received them. */
bool node_init(struct node *n, int *status, int argc, char **argv);

/* Run the main event loop until a shutdown is asked for, then shut down.
 * Returns the exit status (0 after a clean shutdown). */
int node_run(struct node *n);

/* Ask the main loop to stop (it finishes the current callback first).
 * Main thread only: signal handlers and RPC methods call it from the loop. */
void node_request_shutdown(struct node *n);

/* Stop the subsystems in order (RPC, then later P2P, mempool, ledger),
 * remove the pid file and the cookie, close the log. Idempotent. */
void node_shutdown(struct node *n);

/* Key files (doc/node.md, "Data directory"): 64 hex digits of a BIP340
 * secret key and a newline, mode 0600.
 *
 * Read the key at path. Out: sk, pk (sk zeroed on failure), err.
 * Returns false when the file is missing, unreadable or malformed. */
bool node_keyfile_read(struct seckey *sk, struct pubkey *pk, char *err, size_t errcap,
		       const char *path);
/* Write sk to a new file at path (an existing file is an error), synced.
 * Out: err. */
bool node_keyfile_write(char *err, size_t errcap, const char *path, const struct seckey *sk);
/* Generate a fresh key and write it with node_keyfile_write. Out: sk, pk,
 * err. */
bool node_keyfile_generate(struct seckey *sk, struct pubkey *pk, char *err, size_t errcap,
			   const char *path);

#endif
