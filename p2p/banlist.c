/* Bans (persisted) and discouragement (in memory) (banlist.h).
 *
 * Both are short arrays searched linearly: a lookup happens once per
 * accepted connection and per dial, never per message.
 *
 * banlist.dat:
 *   "RBAN"  version u32le (1)  count u32le
 *   count x { ip 16, prefix bits u8, created u64le, until u64le }
 *   SHA-256 of every byte before it
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p2p/banlist.h"

static const uint8_t p2p_banlist_magic[P2P_FILE_MAGIC_LEN] = { 'R', 'B', 'A', 'N' };
#define P2P_BANLIST_FILE_VERSION 1
#define P2P_BANLIST_RECORD 33
#define P2P_BANLIST_FILE_MAX \
	(P2P_FILE_HEADER_LEN + 4 + (size_t)P2P_BANLIST_MAX * P2P_BANLIST_RECORD + \
	 P2P_FILE_CHECKSUM_LEN)

struct p2p_discouraged {
	uint8_t ip[P2P_IP_LEN];
	int64_t until_ms;
};

struct p2p_banlist {
	struct p2p_ban *ban;     /* P2P_BANLIST_MAX slots */
	size_t nban;
	struct p2p_discouraged *disc; /* P2P_DISCOURAGE_MAX slots */
	size_t ndisc;
};

struct p2p_banlist *p2p_banlist_create(void)
{
	struct p2p_banlist *bl = calloc(1, sizeof(*bl));
	if (bl == NULL)
		return NULL;
	bl->ban = calloc(P2P_BANLIST_MAX, sizeof(*bl->ban));
	bl->disc = calloc(P2P_DISCOURAGE_MAX, sizeof(*bl->disc));
	if (bl->ban == NULL || bl->disc == NULL) {
		p2p_banlist_destroy(bl);
		return NULL;
	}
	return bl;
}

void p2p_banlist_destroy(struct p2p_banlist *bl)
{
	if (bl == NULL)
		return;
	free(bl->ban);
	free(bl->disc);
	free(bl);
}

/* ----------------------------------------------------------------- bans */

static size_t p2p_banlist_find(const struct p2p_banlist *bl, const struct p2p_subnet *n)
{
	for (size_t i = 0; i < bl->nban; i++)
		if (p2p_subnet_eq(&bl->ban[i].subnet, n))
			return i;
	return SIZE_MAX;
}

static bool p2p_ban_valid(const struct p2p_ban *ban)
{
	return p2p_subnet_valid(&ban->subnet) && ban->created_ms >= 0 &&
	       ban->until_ms > ban->created_ms;
}

bool p2p_banlist_add(struct p2p_banlist *bl, const struct p2p_ban *ban)
{
	size_t i;
	if (!p2p_ban_valid(ban))
		return false;
	i = p2p_banlist_find(bl, &ban->subnet);
	if (i != SIZE_MAX) {
		bl->ban[i] = *ban;
		return true;
	}
	if (bl->nban == P2P_BANLIST_MAX)
		return false;
	bl->ban[bl->nban++] = *ban;
	return true;
}

/* Remove entry i, keeping the order of the rest. */
static void p2p_banlist_erase(struct p2p_banlist *bl, size_t i)
{
	memmove(&bl->ban[i], &bl->ban[i + 1], (bl->nban - i - 1) * sizeof(bl->ban[0]));
	bl->nban--;
}

bool p2p_banlist_remove(struct p2p_banlist *bl, const struct p2p_subnet *subnet)
{
	size_t i = p2p_banlist_find(bl, subnet);
	if (i == SIZE_MAX)
		return false;
	p2p_banlist_erase(bl, i);
	return true;
}

void p2p_banlist_clear(struct p2p_banlist *bl)
{
	bl->nban = 0;
}

size_t p2p_banlist_sweep(struct p2p_banlist *bl, int64_t now_ms)
{
	size_t removed = 0;
	for (size_t i = bl->nban; i-- > 0;) {
		if (bl->ban[i].until_ms <= now_ms) {
			p2p_banlist_erase(bl, i);
			removed++;
		}
	}
	return removed;
}

bool p2p_banlist_is_banned(const struct p2p_banlist *bl, const struct p2p_addr *a, int64_t now_ms)
{
	for (size_t i = 0; i < bl->nban; i++)
		if (now_ms < bl->ban[i].until_ms && p2p_subnet_contains(&bl->ban[i].subnet, a))
			return true;
	return false;
}

size_t p2p_banlist_count(const struct p2p_banlist *bl)
{
	return bl->nban;
}

size_t p2p_banlist_list(const struct p2p_banlist *bl, struct p2p_ban *out, size_t cap)
{
	for (size_t i = 0; i < bl->nban && i < cap; i++)
		out[i] = bl->ban[i];
	return bl->nban;
}

/* ------------------------------------------------------- discouragement */

void p2p_banlist_discourage(struct p2p_banlist *bl, const struct p2p_addr *a, int64_t until_ms)
{
	size_t slot = 0;
	for (size_t i = 0; i < bl->ndisc; i++) {
		if (memcmp(bl->disc[i].ip, a->ip, P2P_IP_LEN) == 0) {
			if (until_ms > bl->disc[i].until_ms)
				bl->disc[i].until_ms = until_ms;
			return;
		}
		if (bl->disc[i].until_ms < bl->disc[slot].until_ms)
			slot = i;
	}
	if (bl->ndisc < P2P_DISCOURAGE_MAX)
		slot = bl->ndisc++;
	memcpy(bl->disc[slot].ip, a->ip, P2P_IP_LEN);
	bl->disc[slot].until_ms = until_ms;
}

bool p2p_banlist_is_discouraged(const struct p2p_banlist *bl, const struct p2p_addr *a,
				int64_t now_ms)
{
	for (size_t i = 0; i < bl->ndisc; i++)
		if (now_ms < bl->disc[i].until_ms && memcmp(bl->disc[i].ip, a->ip, P2P_IP_LEN) == 0)
			return true;
	return false;
}

void p2p_banlist_clear_discouraged(struct p2p_banlist *bl)
{
	bl->ndisc = 0;
}

size_t p2p_banlist_discouraged_count(const struct p2p_banlist *bl, int64_t now_ms)
{
	size_t n = 0;
	for (size_t i = 0; i < bl->ndisc; i++)
		n += now_ms < bl->disc[i].until_ms;
	return n;
}

/* ---------------------------------------------------------------- files */

bool p2p_banlist_encode(const struct p2p_banlist *bl, struct buf *out)
{
	p2p_file_begin(out, p2p_banlist_magic, P2P_BANLIST_FILE_VERSION);
	buf_put_u32le(out, (uint32_t)bl->nban);
	for (size_t i = 0; i < bl->nban; i++) {
		buf_put(out, bl->ban[i].subnet.ip, P2P_IP_LEN);
		buf_put_u8(out, bl->ban[i].subnet.bits);
		buf_put_u64le(out, (uint64_t)bl->ban[i].created_ms);
		buf_put_u64le(out, (uint64_t)bl->ban[i].until_ms);
	}
	return p2p_file_end(out);
}

static bool p2p_ban_record(struct p2p_ban *b, struct reader *r)
{
	uint64_t created, until;
	reader_get(r, b->subnet.ip, P2P_IP_LEN);
	reader_get_u8(r, &b->subnet.bits);
	reader_get_u64le(r, &created);
	reader_get_u64le(r, &until);
	if (!reader_ok(r) || created > (uint64_t)INT64_MAX || until > (uint64_t)INT64_MAX)
		return false;
	b->created_ms = (int64_t)created;
	b->until_ms = (int64_t)until;
	return p2p_ban_valid(b);
}

/* Check the body. Out: v[0..*count) (malloc'd). */
static bool p2p_banlist_parse(struct p2p_ban **v, uint32_t *count, char *err, size_t errlen,
			      const uint8_t *body, size_t len)
{
	struct reader r;
	reader_init(&r, body, len);
	reader_get_u32le(&r, count);
	*v = NULL;
	if (!reader_ok(&r) || *count > P2P_BANLIST_MAX ||
	    reader_remaining(&r) != (size_t)*count * P2P_BANLIST_RECORD) {
		snprintf(err, errlen, "record count does not match the length");
		return false;
	}
	*v = calloc(*count ? *count : 1, sizeof(**v));
	if (*v == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	for (uint32_t i = 0; i < *count; i++) {
		bool ok = p2p_ban_record(&(*v)[i], &r);
		for (uint32_t j = 0; j < i && ok; j++)
			ok = !p2p_subnet_eq(&(*v)[j].subnet, &(*v)[i].subnet);
		if (!ok) {
			snprintf(err, errlen, "record %u is invalid", (unsigned)i);
			free(*v);
			*v = NULL;
			return false;
		}
	}
	return true;
}

enum p2p_file_status p2p_banlist_decode(struct p2p_banlist *bl, char *err, size_t errlen,
					const uint8_t *data, size_t len, int64_t now_ms)
{
	const uint8_t *body;
	size_t body_len;
	struct p2p_ban *v;
	uint32_t count;

	if (!p2p_file_open(&body, &body_len, err, errlen, data, len, p2p_banlist_magic,
			   P2P_BANLIST_FILE_VERSION) ||
	    !p2p_banlist_parse(&v, &count, err, errlen, body, body_len))
		return P2P_FILE_CORRUPT;
	bl->nban = 0;
	for (uint32_t i = 0; i < count; i++)
		if (v[i].until_ms > now_ms)
			bl->ban[bl->nban++] = v[i];
	free(v);
	return P2P_FILE_OK;
}

bool p2p_banlist_save(const struct p2p_banlist *bl, char *err, size_t errlen, const char *path)
{
	struct buf b = BUF_INIT;
	bool ok = p2p_banlist_encode(bl, &b);
	if (!ok)
		snprintf(err, errlen, "out of memory encoding the ban list");
	else
		ok = p2p_file_write(err, errlen, path, b.data, b.len);
	buf_release(&b);
	return ok;
}

enum p2p_file_status p2p_banlist_load(struct p2p_banlist *bl, char *err, size_t errlen,
				      const char *path, int64_t now_ms)
{
	uint8_t *data;
	size_t len;
	enum p2p_file_status st = p2p_file_read(&data, &len, err, errlen, path, P2P_BANLIST_FILE_MAX);
	if (st == P2P_FILE_OK)
		st = p2p_banlist_decode(bl, err, errlen, data, len, now_ms);
	free(data);
	return st;
}
