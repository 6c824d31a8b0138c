/* The JSON-RPC HTTP server: evhttp on its own threads, a bounded work
 * queue served by worker threads, and the handoff of main-loop methods.
 *
 * Threads (DESIGN.md, "Runtime model"):
 *   - http_threads (-rpchttpthreads) HTTP threads, each its own event_base
 *     and evhttp with its own listening socket on every address (the
 *     sockets of an address share its port with SO_REUSEPORT; the kernel
 *     spreads connections over them). "The HTTP thread" below is the one
 *     whose socket took the connection; it accepts
 *     connections, checks the peer (-rpcallowip: others get 403), the
 *     credentials (401 after a delay done with a timer, never a sleep), the
 *     size limits (evhttp answers 413), and queues the request; every HTTP
 *     reply is sent from this thread. It parses a small body itself and,
 *     when it is one call of an RPC_RUN_HTTP method (or is answered while
 *     parsing: malformed, invalid, unknown method, bad parameters), runs
 *     it there and replies at once, without the queue;
 *   - -rpcthreads worker threads take requests from the queue, parse them
 *     and run RPC_RUN_WORKER methods;
 *   - a request with any RPC_RUN_MAIN method is posted, whole, to the main
 *     event loop (the base given to rpc_server_start), which runs its
 *     calls in order; their answers may come later, from the main loop.
 *   When the last call of a request is answered, its reply is handed to the
 *   HTTP thread (an event activated on the HTTP base) and sent there.
 *
 * Limits: at most -rpcthreads + -rpcworkqueue queued requests are in
 * progress at once over every HTTP thread (waiting for a worker, running, or waiting for the main
 * loop); one more is answered 503. Requests answered on the HTTP thread
 * take no place. Headers above max_header_bytes and bodies above
 * max_body_bytes get 413 from evhttp; a connection idle or stalled for
 * timeout_s seconds is closed.
 *
 * Lifecycle (all on the main thread):
 *   rpc_server_create  check the configuration (no sockets, no threads);
 *   rpc_server_start   bind, write the cookie, start the threads;
 *   rpc_server_interrupt  stop accepting: close the listening sockets,
 *                      answer 503 to new requests and to queued ones,
 *                      stop the workers, fail main-loop requests that the
 *                      main loop has not taken (the main loop must not run
 *                      again before rpc_server_stop);
 *   (the owner answers any main-loop request it still holds)
 *   rpc_server_stop    wait until every request is answered, stop the HTTP
 *                      thread, delete the cookie;
 *   rpc_server_destroy free.
 */
#ifndef ROSTRA_RPC_SERVER_H
#define ROSTRA_RPC_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct logger;
struct rpc_dispatcher;
struct rpc_server;

#define RPC_DEFAULT_THREADS 4
#define RPC_DEFAULT_HTTP_THREADS 2
#define RPC_DEFAULT_WORKQUEUE 16
#define RPC_DEFAULT_TIMEOUT_S 30
#define RPC_DEFAULT_MAX_HEADER_BYTES 8192
#define RPC_DEFAULT_MAX_BODY_BYTES ((size_t)4 << 20)
#define RPC_DEFAULT_AUTH_DELAY_MS 250

struct rpc_server_config {
	uint16_t port;                  /* -rpcport, for addresses without one */
	const char *const *bind;        /* -rpcbind values: host or host:port,
	                                   [ipv6]:port; used only with allowip */
	size_t nbind;
	const char *const *allowip;     /* -rpcallowip values: IP or IP/prefix */
	size_t nallowip;
	const char *user, *password;    /* -rpcuser/-rpcpassword, or NULL */
	const char *const *rpcauth;     /* -rpcauth values */
	size_t nrpcauth;
	const char *cookie_path;        /* write a cookie there, or NULL */
	unsigned threads;               /* -rpcthreads, >= 1 */
	unsigned http_threads;          /* -rpchttpthreads, >= 1 */
	unsigned workqueue;             /* -rpcworkqueue, >= 1 */
	unsigned timeout_s;             /* -rpcservertimeout, >= 1 */
	size_t max_header_bytes;
	size_t max_body_bytes;
	unsigned auth_delay_ms;         /* the wait before a 401 */
};

/* Fill c with the defaults above: no bind, allowip, user or rpcauth, no
 * cookie, port 0. Out: c. */
void rpc_server_config_init(struct rpc_server_config *c);

/* Check c and make a server that is not yet running. The strings of c are
 * copied. Out: err (one line naming the flag: "invalid -rpcallowip:
 * '10.0.0.0/33'") on failure. In: d (must outlive the server; complete
 * before rpc_server_start), log (may be NULL). Returns NULL on failure;
 * needs crypto_init(). */
struct rpc_server *rpc_server_create(char *err, size_t errcap,
                                     const struct rpc_server_config *c,
                                     const struct rpc_dispatcher *d, struct logger *log);

/* Bind (127.0.0.1, and ::1 if it can, unless both -rpcbind and -rpcallowip
 * were given, when every one of those must bind), write
 * the cookie, start the HTTP and worker threads. main_base is the main
 * loop's event base, where main-loop methods run. The process must have
 * called evthread_use_pthreads() before creating main_base (the server's
 * own base is created here), since other threads activate events on both
 * bases. Out: err on failure ("cannot bind RPC to 127.0.0.1 port
 * 7371: Address already in use"), and then nothing is left running. */
bool rpc_server_start(struct rpc_server *s, char *err, size_t errcap,
                      struct event_base *main_base);

/* The first port actually bound (for logs and tests), or 0. */
uint16_t rpc_server_port(const struct rpc_server *s);

/* Stop taking requests (see above). Idempotent; a no-op if not started. */
void rpc_server_interrupt(struct rpc_server *s);
/* Interrupt if needed, wait for every request to be answered (at most a
 * bounded time, after which what is left is logged and abandoned), join
 * the threads and delete the cookie. Idempotent. */
void rpc_server_stop(struct rpc_server *s);
/* Stop if needed, then free. NULL is accepted. */
void rpc_server_destroy(struct rpc_server *s);

#endif
