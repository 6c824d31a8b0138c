/* libFuzzer target: the two files the P2P layer reads from the data
 * directory, peers.dat (p2p_addrman_decode) and banlist.dat
 * (p2p_banlist_decode).
 *
 * The first input byte chooses the file (even: peers.dat, odd:
 * banlist.dat); the rest is the file without its trailing checksum, which
 * the target appends, so that the fuzzer explores the records behind it.
 * Properties: a rejected file gives a reason and leaves the contents as
 * they were (one known entry); an accepted file encodes back to exactly
 * its bytes (the book is large enough for any file, and no ban is expired
 * at time 0).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "fuzz.h"
#include "p2p/addrman.h"
#include "p2p/banlist.h"

FUZZ_INITIALIZE_CRYPTO()

static void fuzz_same(const struct buf *b, const struct buf *file)
{
	if (!buf_ok(b) || b->len != file->len || memcmp(b->data, file->data, b->len) != 0)
		abort();
}

static void fuzz_peers(const struct buf *file)
{
	struct p2p_addrman_options o;
	struct p2p_addrman *am;
	struct p2p_addr_entry keep = { { { [10] = 0xff, [11] = 0xff, 8, 8, 8, 8 }, 1 }, 1, 1 };
	struct buf b = BUF_INIT;
	char err[256] = "";

	p2p_addrman_options_default(&o);
	o.max_entries = P2P_ADDRMAN_MAX_ENTRIES;
	o.seed = 1;
	am = p2p_addrman_create(&o);
	if (am == NULL || p2p_addrman_add_one(am, &keep, 1) != P2P_ADDRMAN_ADDED)
		abort();
	if (p2p_addrman_decode(am, err, sizeof(err), file->data, file->len) == P2P_FILE_OK) {
		p2p_addrman_encode(am, &b);
		fuzz_same(&b, file);
	} else {
		struct p2p_addrman_entry e;
		if (err[0] == '\0' || p2p_addrman_count(am) != 1 ||
		    !p2p_addrman_find(am, &e, &keep.addr))
			abort();
	}
	buf_release(&b);
	p2p_addrman_destroy(am);
}

static void fuzz_bans(const struct buf *file)
{
	struct p2p_banlist *bl = p2p_banlist_create();
	struct p2p_ban keep = { { { 0 }, 0 }, 0, 1 };
	struct buf b = BUF_INIT;
	char err[256] = "";

	if (bl == NULL || !p2p_banlist_add(bl, &keep))
		abort();
	if (p2p_banlist_decode(bl, err, sizeof(err), file->data, file->len, 0) == P2P_FILE_OK) {
		p2p_banlist_encode(bl, &b);
		fuzz_same(&b, file);
	} else if (err[0] == '\0' || p2p_banlist_count(bl) != 1) {
		abort();
	}
	buf_release(&b);
	p2p_banlist_destroy(bl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf file = BUF_INIT;

	if (size == 0)
		return 0;
	buf_put(&file, data + 1, size - 1);
	if (!p2p_file_end(&file))
		abort();
	if (data[0] % 2 == 0)
		fuzz_peers(&file);
	else
		fuzz_bans(&file);
	buf_release(&file);
	return 0;
}
