/* Private to p2p/addrman*.c: the address book's layout.
 *
 * Entries sit densely in v[0..n). A hash table of nslot slots (a power of
 * two, at least twice max_entries, linear probing, backward-shift deletion)
 * maps an address to its index; slot value 0 is empty, i + 1 is v[i].
 * Addresses are placed by a salted SHA-256, so that a peer cannot choose
 * addresses that pile up in one run of slots. */
#ifndef ROSTRA_P2P_ADDRMAN_INTERNAL_H
#define ROSTRA_P2P_ADDRMAN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "p2p/addrman.h"
#include "p2p/rng_internal.h"

struct p2p_addrman {
	struct p2p_addrman_options opt;
	struct p2p_addrman_entry *v;
	size_t n;
	uint32_t *slot;
	size_t nslot;
	uint8_t salt[32];
	struct p2p_rng rng;
};

/* Exchange the contents (entries, table, salt) of a and b; their options
 * and generators stay. */
void p2p_addrman_swap(struct p2p_addrman *a, struct p2p_addrman *b);
/* Insert e, whose address must be absent, making room if full. */
void p2p_addrman_insert(struct p2p_addrman *am, const struct p2p_addrman_entry *e, int64_t now_ms);

#endif
