/* peers.dat: the address book on disk (addrman.h, doc/p2p.md "peers.dat").
 *
 *   "RPEE"  version u32le (1)  count u32le
 *   count x { ip 16, port u16le, services u64le, last_seen u64le,
 *             last_try u64le, last_success u64le, attempts u32le }
 *   SHA-256 of every byte before it
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p2p/addrman_internal.h"

static const uint8_t p2p_addrman_magic[P2P_FILE_MAGIC_LEN] = { 'R', 'P', 'E', 'E' };
#define P2P_ADDRMAN_FILE_VERSION 1
#define P2P_ADDRMAN_RECORD 54
#define P2P_ADDRMAN_FILE_MAX \
	(P2P_FILE_HEADER_LEN + 4 + (size_t)P2P_ADDRMAN_MAX_ENTRIES * P2P_ADDRMAN_RECORD + \
	 P2P_FILE_CHECKSUM_LEN)

bool p2p_addrman_encode(const struct p2p_addrman *am, struct buf *out)
{
	p2p_file_begin(out, p2p_addrman_magic, P2P_ADDRMAN_FILE_VERSION);
	buf_put_u32le(out, (uint32_t)am->n);
	for (size_t i = 0; i < am->n; i++) {
		const struct p2p_addrman_entry *e = &am->v[i];
		buf_put(out, e->addr.ip, P2P_IP_LEN);
		buf_put_u16le(out, e->addr.port);
		buf_put_u64le(out, e->services);
		buf_put_u64le(out, (uint64_t)e->last_seen_ms);
		buf_put_u64le(out, (uint64_t)e->last_try_ms);
		buf_put_u64le(out, (uint64_t)e->last_success_ms);
		buf_put_u32le(out, e->attempts);
	}
	return p2p_file_end(out);
}

static bool p2p_time_field(int64_t *out, struct reader *r)
{
	uint64_t v;
	reader_get_u64le(r, &v);
	*out = (int64_t)(v & (uint64_t)INT64_MAX);
	return v <= (uint64_t)INT64_MAX;
}

/* Read record i into e. Out: err. */
static bool p2p_addrman_record(struct p2p_addrman_entry *e, char *err, size_t errlen,
			       struct reader *r, uint32_t i)
{
	bool times;
	reader_get(r, e->addr.ip, P2P_IP_LEN);
	reader_get_u16le(r, &e->addr.port);
	reader_get_u64le(r, &e->services);
	times = p2p_time_field(&e->last_seen_ms, r);
	times = p2p_time_field(&e->last_try_ms, r) && times;
	times = p2p_time_field(&e->last_success_ms, r) && times;
	reader_get_u32le(r, &e->attempts);
	if (!reader_ok(r)) {
		snprintf(err, errlen, "record %u is truncated", (unsigned)i);
		return false;
	}
	if (!times || e->addr.port == 0) {
		snprintf(err, errlen, "record %u is out of range", (unsigned)i);
		return false;
	}
	return true;
}

/* Check every record of the body and that no address repeats. Out: *v
 * (malloc'd, count records), *count. */
static bool p2p_addrman_parse(struct p2p_addrman_entry **v, uint32_t *count, char *err,
			      size_t errlen, const uint8_t *body, size_t len)
{
	struct reader r;

	*v = NULL;
	reader_init(&r, body, len);
	reader_get_u32le(&r, count);
	if (!reader_ok(&r) || *count > P2P_ADDRMAN_MAX_ENTRIES ||
	    reader_remaining(&r) != (size_t)*count * P2P_ADDRMAN_RECORD) {
		snprintf(err, errlen, "record count does not match the length");
		return false;
	}
	*v = calloc(*count ? *count : 1, sizeof(**v));
	if (*v == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	for (uint32_t i = 0; i < *count; i++) {
		if (!p2p_addrman_record(&(*v)[i], err, errlen, &r, i)) {
			free(*v);
			*v = NULL;
			return false;
		}
	}
	return true;
}

enum p2p_file_status p2p_addrman_decode(struct p2p_addrman *am, char *err, size_t errlen,
					const uint8_t *data, size_t len)
{
	const uint8_t *body;
	size_t body_len;
	struct p2p_addrman_entry *v;
	uint32_t count;

	if (!p2p_file_open(&body, &body_len, err, errlen, data, len, p2p_addrman_magic,
			   P2P_ADDRMAN_FILE_VERSION) ||
	    !p2p_addrman_parse(&v, &count, err, errlen, body, body_len))
		return P2P_FILE_CORRUPT;
	/* Fill a fresh book, so that a repeat found late leaves am as it was. */
	struct p2p_addrman_options o = am->opt;
	struct p2p_addrman *fresh;
	o.seed = p2p_rng_next(&am->rng) | 1;
	fresh = p2p_addrman_create(&o);
	if (fresh == NULL) {
		snprintf(err, errlen, "out of memory");
		free(v);
		return P2P_FILE_ERROR;
	}
	for (uint32_t i = 0; i < count && fresh->n < o.max_entries; i++) {
		struct p2p_addrman_entry cur;
		if (p2p_addrman_find(fresh, &cur, &v[i].addr)) {
			snprintf(err, errlen, "record %u repeats an address", (unsigned)i);
			p2p_addrman_destroy(fresh);
			free(v);
			return P2P_FILE_CORRUPT;
		}
		p2p_addrman_insert(fresh, &v[i], 0);
	}
	free(v);
	p2p_addrman_swap(am, fresh);
	p2p_addrman_destroy(fresh);
	return P2P_FILE_OK;
}

bool p2p_addrman_save(const struct p2p_addrman *am, char *err, size_t errlen, const char *path)
{
	struct buf b = BUF_INIT;
	bool ok = p2p_addrman_encode(am, &b);
	if (!ok)
		snprintf(err, errlen, "out of memory encoding the address book");
	else
		ok = p2p_file_write(err, errlen, path, b.data, b.len);
	buf_release(&b);
	return ok;
}

enum p2p_file_status p2p_addrman_load(struct p2p_addrman *am, char *err, size_t errlen,
				      const char *path)
{
	uint8_t *data;
	size_t len;
	enum p2p_file_status st = p2p_file_read(&data, &len, err, errlen, path, P2P_ADDRMAN_FILE_MAX);
	if (st == P2P_FILE_OK)
		st = p2p_addrman_decode(am, err, errlen, data, len);
	free(data);
	return st;
}
