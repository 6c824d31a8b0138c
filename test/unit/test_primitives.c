/* Unit tests of src/primitives. This file: the vectors file, hash tags and
 * error names; test_primitives_decode.c: decoders (vectors, every
 * rejection, random input, limits); test_primitives_util.c: signatures,
 * commits, evidence, Merkle roots, chain ids, builders. */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "primitives/prim_err.h"
#include "primitives/tags.h"
#include "test_primitives.h"
#include "test_primitives_vectors.h"

/* The committed test/data/vectors.json is exactly what the code makes now,
 * so code and vectors cannot drift apart. Regenerate with
 * `test/unit/gen_vectors > ../test/data/vectors.json` after a deliberate
 * format change. */
static void test_vectors_file_is_current(void)
{
	size_t len = 0;
	char *file = unit_read_data("vectors.json", &len);
	json_t *doc = vectors_build();
	char *now = doc ? vectors_dump(doc) : NULL;
	bool have_file = CHECK(file != NULL), have_now = CHECK(now != NULL);
	if (!have_file || !have_now)
		goto out;
	CHECK(strlen(now) == len);
	if (!CHECK(strcmp(file, now) == 0)) {
		size_t i = 0;
		while (file[i] && file[i] == now[i])
			i++;
		unit_note("vectors.json differs from the code at byte %zu: regenerate it", i);
	}
out:
	free(file);
	free(now);
	json_decref(doc);
}

/* The precomputed tag prefixes are SHA-256(name) twice. */
static void test_tags_match_hash_tag_init(void)
{
	CHECK(tag_table_len == 10);
	for (size_t i = 0; i < tag_table_len; i++) {
		struct hash_tag t;
		hash_tag_init(&t, tag_table[i].name);
		CHECK(memcmp(t.prefix, tag_table[i].tag->prefix, sizeof(t.prefix)) == 0);
		for (size_t j = 0; j < i; j++)
			CHECK(memcmp(tag_table[j].tag->prefix, tag_table[i].tag->prefix, 32) != 0);
	}
}

static void test_error_names(void)
{
	for (unsigned i = 0; i < PRIM_ERR_COUNT_; i++) {
		enum prim_err e = (enum prim_err)i;
		CHECK(prim_err_from_name(prim_err_name(e)) == e);
		CHECK(strlen(prim_err_str(e)) > 0);
		CHECK(prim_err_punishable(e) ==
		      (e != PRIM_ERR_OK && e != PRIM_ERR_UNKNOWN_TYPE && e != PRIM_ERR_UPGRADE_REQUIRED));
	}
	CHECK(strcmp(prim_err_name(PRIM_ERR_UNKNOWN_TYPE), "unknown_type") == 0);
	CHECK(strcmp(prim_err_str(PRIM_ERR_TAG_ORDER), "tags must be strictly ascending") == 0);
	CHECK(strcmp(prim_err_name(PRIM_ERR_COUNT_), "?") == 0);
	CHECK(prim_err_from_name("no_such_error") == PRIM_ERR_COUNT_);
}

static const struct unit_case main_cases[] = {
	UNIT_CASE(test_vectors_file_is_current),
	UNIT_CASE(test_tags_match_hash_tag_init),
	UNIT_CASE(test_error_names),
};

int main(void)
{
	size_t nmain = UNIT_COUNT(main_cases);
	size_t n = nmain + prim_decode_ncases + prim_util_ncases;
	struct unit_case *all = calloc(n, sizeof(*all));
	if (!all || !crypto_init())
		return 1;
	memcpy(all, main_cases, sizeof(main_cases));
	memcpy(all + nmain, prim_decode_cases, prim_decode_ncases * sizeof(*all));
	memcpy(all + nmain + prim_decode_ncases, prim_util_cases, prim_util_ncases * sizeof(*all));
	int rc = unit_run(all, n);
	free(all);
	crypto_cleanup();
	return rc;
}
