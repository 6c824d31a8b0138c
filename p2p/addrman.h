/* The address book: addresses of peers we know of, where they came from
 * (gossip, a connection that worked), when each was last seen, last tried
 * and last reached, and how many attempts failed since (doc/p2p.md,
 * "Address book").
 *
 * A struct p2p_addrman is an opaque object owned by the P2P layer (one per
 * node; not thread-safe: the main loop owns it). It holds at most
 * max_entries addresses; a new one that finds it full replaces the worst
 * of a few drawn at random (an unreachable or long-unseen one), so no
 * amount of gossip grows it.
 *
 * Selection for an outbound connection skips "terrible" entries (see
 * doc/p2p.md), backs off each address exponentially with its failed
 * attempts, and draws at random, weighted towards addresses with fewer
 * failures.
 *
 * Times are ms since the epoch from the caller's clock; the book never
 * reads a clock itself.
 */
#ifndef ROSTRA_P2P_ADDRMAN_H
#define ROSTRA_P2P_ADDRMAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "p2p/addr.h"
#include "p2p/file.h"
#include "p2p/msg.h"
#include "util/buf.h"

#define P2P_ADDRMAN_FILE_NAME "peers.dat"
/* The most entries any book holds, and so the most a file may carry. */
#define P2P_ADDRMAN_MAX_ENTRIES 65536

struct p2p_addrman;

struct p2p_addrman_options {
	size_t max_entries;      /* 1..P2P_ADDRMAN_MAX_ENTRIES; default 4096 */
	bool accept_local;       /* keep loopback and private addresses
				  * (regtest and tests); default false */
	int64_t retry_base_ms;   /* first backoff after a failure; default 1 min */
	int64_t retry_max_ms;    /* longest backoff; default 1 hour */
	uint64_t seed;           /* random choices; 0: from the OS */
};

/* One address as the book knows it. */
struct p2p_addrman_entry {
	struct p2p_addr addr;
	uint64_t services;
	int64_t last_seen_ms;    /* from gossip or our own connection */
	int64_t last_try_ms;     /* 0: never tried */
	int64_t last_success_ms; /* 0: never reached */
	uint32_t attempts;       /* failed attempts since the last success */
};

/* What p2p_addrman_add_one did with an address. */
enum p2p_addrman_result {
	P2P_ADDRMAN_IGNORED = 0, /* not an address we keep (unroutable, port 0) */
	P2P_ADDRMAN_KNOWN,       /* already known, no fresher than before */
	P2P_ADDRMAN_UPDATED,     /* known, and now seen more recently */
	P2P_ADDRMAN_ADDED,       /* new */
};

/* Out: o, the defaults above. */
void p2p_addrman_options_default(struct p2p_addrman_options *o);

/* A new, empty book. opt is copied; its max_entries must be 1 to
 * P2P_ADDRMAN_MAX_ENTRIES and its backoffs positive with base <= max.
 * Returns NULL if the options are unusable, no randomness is available
 * (seed 0) or memory runs out. */
struct p2p_addrman *p2p_addrman_create(const struct p2p_addrman_options *opt);
/* Free the book. NULL is a no-op. */
void p2p_addrman_destroy(struct p2p_addrman *am);

/* The number of addresses held. */
size_t p2p_addrman_count(const struct p2p_addrman *am);

/* True when the book keeps a (routable, or any address but the
 * unspecified one with accept_local; never port 0). */
bool p2p_addrman_acceptable(const struct p2p_addrman *am, const struct p2p_addr *a);

/* Learn an address from gossip at now_ms. A time more than 10 minutes
 * ahead of now, or 0, counts as 5 days ago (so that no peer can make an
 * address look fresher than it is). A known address gains e's services
 * and, if e is newer, its time. Returns what was done. */
enum p2p_addrman_result p2p_addrman_add_one(struct p2p_addrman *am, const struct p2p_addr_entry *e,
					    int64_t now_ms);
/* p2p_addrman_add_one for each of e[0..n). Returns how many were added or
 * updated. */
size_t p2p_addrman_add(struct p2p_addrman *am, const struct p2p_addr_entry *e, size_t n,
		       int64_t now_ms);

/* We are about to connect to a: count a failed attempt until
 * p2p_addrman_good says otherwise. Returns false if a is not in the book. */
bool p2p_addrman_attempt(struct p2p_addrman *am, const struct p2p_addr *a, int64_t now_ms);
/* A connection to a completed its handshake: reached and seen now, no
 * failed attempts, services as the peer said. Adds a if missing (and
 * acceptable). Returns false if a is not (and cannot be) in the book. */
bool p2p_addrman_good(struct p2p_addrman *am, const struct p2p_addr *a, uint64_t services,
		      int64_t now_ms);
/* Forget a (a connection to ourselves, say). Returns false if absent. */
bool p2p_addrman_remove(struct p2p_addrman *am, const struct p2p_addr *a);
/* Out: *out, the entry of a (zeroed if absent). Returns false if absent. */
bool p2p_addrman_find(const struct p2p_addrman *am, struct p2p_addrman_entry *out,
		      const struct p2p_addr *a);

/* True when e is not worth trying or telling others about at now_ms: seen
 * more than 10 minutes in the future or over 30 days ago, never reached
 * after 3 attempts, or not reached for 7 days after 10 (an entry tried
 * within the last minute is never terrible). */
bool p2p_addrman_terrible(const struct p2p_addrman_entry *e, int64_t now_ms);
/* The earliest time e may be tried again: last try plus a backoff that
 * doubles with each failed attempt (0 for an entry without failures). */
int64_t p2p_addrman_next_try(const struct p2p_addrman *am, const struct p2p_addrman_entry *e);

/* Choose an address to connect to at now_ms among the entries that are not
 * terrible, are due (p2p_addrman_next_try <= now), and that skip (may be
 * NULL) does not refuse; at random, an entry with k failed attempts
 * weighing 2^-min(k, 8) as much as one with none. Out: *out (zeroed if
 * none). Returns false when no entry qualifies. */
bool p2p_addrman_select(struct p2p_addrman *am, struct p2p_addr *out, int64_t now_ms,
			bool (*skip)(void *ctx, const struct p2p_addr *a), void *ctx);

/* Up to cap entries that are not terrible, drawn uniformly at random, as
 * addr message entries (for a getaddr answer). Out: out[0..result).
 * Returns how many were written. */
size_t p2p_addrman_sample(struct p2p_addrman *am, struct p2p_addr_entry *out, size_t cap,
			  int64_t now_ms);

/* Every entry, in no particular order. Out: out[0..min(cap, count)).
 * Returns the count. */
size_t p2p_addrman_list(const struct p2p_addrman *am, struct p2p_addrman_entry *out, size_t cap);

/* Append the file form of the book (doc/p2p.md, "peers.dat") to out.
 * Returns buf_ok(out). */
bool p2p_addrman_encode(const struct p2p_addrman *am, struct buf *out);
/* Replace the book's contents by the file data[0..len). The whole file is
 * checked first (envelope, record count against the length, every record,
 * no repeated address); if anything is wrong the book is left unchanged.
 * Only the first max_entries records are kept. Out: err (a one-line
 * reason) unless OK. Returns P2P_FILE_OK, P2P_FILE_CORRUPT, or
 * P2P_FILE_ERROR when memory runs out. */
enum p2p_file_status p2p_addrman_decode(struct p2p_addrman *am, char *err, size_t errlen,
					const uint8_t *data, size_t len);
/* Write the book to path atomically (file.h). Out: err on failure.
 * Returns false if it could not be written. */
bool p2p_addrman_save(const struct p2p_addrman *am, char *err, size_t errlen, const char *path);
/* Read the book from path (p2p_addrman_decode). A missing file leaves the
 * book as it is (MISSING); a corrupt or unreadable one too, with err. */
enum p2p_file_status p2p_addrman_load(struct p2p_addrman *am, char *err, size_t errlen,
				      const char *path);

#endif
