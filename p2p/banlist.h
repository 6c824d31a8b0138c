/* Bans and discouragement (doc/p2p.md, "Bans and discouragement").
 *
 * A ban is the operator's: a subnet (or one address) refused until an
 * expiry time, set and lifted with setban / clearbanned, listed with
 * listbanned, and kept across restarts in banlist.dat. A banned address is
 * never dialled and its connections are refused.
 *
 * Discouragement is the node's own, for a peer that misbehaved
 * (policy.h): the IP is remembered, in memory only, for a while (24 hours
 * by default); its inbound connections are refused and it is not dialled.
 * The list is bounded: when full, the entry that expires first is dropped.
 *
 * A struct p2p_banlist is an opaque object owned by the P2P layer; not
 * thread-safe. Times are ms since the epoch from the caller's clock.
 */
#ifndef ROSTRA_P2P_BANLIST_H
#define ROSTRA_P2P_BANLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "p2p/addr.h"
#include "p2p/file.h"
#include "util/buf.h"

#define P2P_BANLIST_FILE_NAME "banlist.dat"
#define P2P_BANLIST_MAX 10000      /* bans */
#define P2P_DISCOURAGE_MAX 4096    /* discouraged IPs */

struct p2p_banlist;

struct p2p_ban {
	struct p2p_subnet subnet;
	int64_t created_ms;
	int64_t until_ms;            /* banned while now < until */
};

/* A new, empty list. Returns NULL when out of memory. */
struct p2p_banlist *p2p_banlist_create(void);
/* Free the list. NULL is a no-op. */
void p2p_banlist_destroy(struct p2p_banlist *bl);

/* Ban ban->subnet (valid: p2p_subnet_valid) until ban->until_ms; an
 * existing ban of the same subnet is replaced. Returns false if the subnet
 * is not valid, until is not after created, or the list holds
 * P2P_BANLIST_MAX other bans. */
bool p2p_banlist_add(struct p2p_banlist *bl, const struct p2p_ban *ban);
/* Lift the ban of exactly subnet. Returns false if there is none. */
bool p2p_banlist_remove(struct p2p_banlist *bl, const struct p2p_subnet *subnet);
/* Lift every ban. */
void p2p_banlist_clear(struct p2p_banlist *bl);
/* Drop the bans that expired at now_ms. Returns how many. */
size_t p2p_banlist_sweep(struct p2p_banlist *bl, int64_t now_ms);
/* True when a's IP lies in a subnet banned at now_ms. */
bool p2p_banlist_is_banned(const struct p2p_banlist *bl, const struct p2p_addr *a, int64_t now_ms);
/* The number of bans (expired ones included until swept). */
size_t p2p_banlist_count(const struct p2p_banlist *bl);
/* The bans in the order they were set. Out: out[0..min(cap, count)).
 * Returns the count. */
size_t p2p_banlist_list(const struct p2p_banlist *bl, struct p2p_ban *out, size_t cap);

/* Discourage a's IP until until_ms (a later time extends it). */
void p2p_banlist_discourage(struct p2p_banlist *bl, const struct p2p_addr *a, int64_t until_ms);
/* True when a's IP is discouraged at now_ms. */
bool p2p_banlist_is_discouraged(const struct p2p_banlist *bl, const struct p2p_addr *a,
				int64_t now_ms);
/* Forget every discouragement. */
void p2p_banlist_clear_discouraged(struct p2p_banlist *bl);
/* The number of IPs discouraged at now_ms. */
size_t p2p_banlist_discouraged_count(const struct p2p_banlist *bl, int64_t now_ms);

/* Append the file form of the bans (doc/p2p.md, "banlist.dat"). Returns
 * buf_ok(out). */
bool p2p_banlist_encode(const struct p2p_banlist *bl, struct buf *out);
/* Replace the bans by the file data[0..len), dropping those expired at
 * now_ms. The whole file is checked first (envelope, count, every record:
 * a valid subnet, until after created, no subnet twice); if anything is
 * wrong the bans are left unchanged. Out: err unless OK. Returns
 * P2P_FILE_OK or P2P_FILE_CORRUPT. */
enum p2p_file_status p2p_banlist_decode(struct p2p_banlist *bl, char *err, size_t errlen,
					const uint8_t *data, size_t len, int64_t now_ms);
/* Write the bans to path atomically. Out: err. Returns false on failure. */
bool p2p_banlist_save(const struct p2p_banlist *bl, char *err, size_t errlen, const char *path);
/* Read the bans from path (p2p_banlist_decode). A missing file leaves the
 * list as it is (MISSING); a corrupt or unreadable one too, with err. */
enum p2p_file_status p2p_banlist_load(struct p2p_banlist *bl, char *err, size_t errlen,
				      const char *path, int64_t now_ms);

#endif
