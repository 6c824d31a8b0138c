/* gen_vectors: write test/data/vectors.json, and optionally the fuzz seed
 * corpora, from the C code of src/primitives.
 *
 *   gen_vectors > test/data/vectors.json
 *   gen_vectors -corpus test/fuzz/corpus   (writes fuzz_{tx,block,vote,commit}/)
 *
 * The unit test test_primitives checks that the committed vectors.json is
 * byte for byte what this program writes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto/crypto.h"
#include "test_primitives_vectors.h"

/* Which sections seed which fuzz target. */
static const struct {
	const char *target;
	const char *section;
	const char *structure; /* for the "invalid" section */
} seeds[] = {
	{ "fuzz_tx", "transactions", "tx" },
	{ "fuzz_block", "blocks", "block" },
	{ "fuzz_block", "headers", "header" },
	{ "fuzz_vote", "votes", "vote" },
	{ "fuzz_vote", "proposals", "proposal" },
	{ "fuzz_commit", "commits", "commit" },
	{ "fuzz_commit", "evidence", "evidence" },
};

/* The invalid entries that make useful seeds (the rest are near copies). */
#define INVALID_SEEDS_PER_STRUCTURE 4

/* Write dir/target/[invalid_]structure_name. */
static int write_seed(const char *dir, const char *target, bool invalid,
		      const char *structure, const char *name, const char *hex)
{
	char path[4096];
	size_t len;
	uint8_t *p = vectors_unhex(hex, &len);
	int n = snprintf(path, sizeof(path), "%s/%s/%s%s_%s", dir, target,
			 invalid ? "invalid_" : "", structure, name);
	FILE *f = (p && n > 0 && (size_t)n < sizeof(path)) ? fopen(path, "wb") : NULL;
	int rc = 0;
	if (!f || fwrite(p, 1, len, f) != len) {
		fprintf(stderr, "gen_vectors: cannot write %s\n", path);
		rc = 1;
	}
	if (f && fclose(f) != 0)
		rc = 1;
	free(p);
	return rc;
}

static int write_corpus(const json_t *doc, const char *dir)
{
	const json_t *invalid = json_object_get(doc, "invalid");
	int rc = 0;
	for (size_t s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
		size_t i, used = 0;
		json_t *e;
		json_array_foreach(json_object_get(doc, seeds[s].section), i, e)
			rc |= write_seed(dir, seeds[s].target, false, seeds[s].structure,
					 json_string_value(json_object_get(e, "name")),
					 json_string_value(json_object_get(e, "hex")));
		json_array_foreach(invalid, i, e) {
			if (strcmp(json_string_value(json_object_get(e, "structure")), seeds[s].structure) != 0 ||
			    json_string_length(json_object_get(e, "hex")) > 4096 ||
			    used == INVALID_SEEDS_PER_STRUCTURE)
				continue;
			used++;
			rc |= write_seed(dir, seeds[s].target, true, seeds[s].structure,
					 json_string_value(json_object_get(e, "name")),
					 json_string_value(json_object_get(e, "hex")));
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	const char *corpus = NULL;
	if (argc == 3 && strcmp(argv[1], "-corpus") == 0) {
		corpus = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: gen_vectors [-corpus DIR]\n");
		return 2;
	}
	if (!crypto_init()) {
		fprintf(stderr, "gen_vectors: crypto_init failed\n");
		return 1;
	}
	json_t *doc = vectors_build();
	char *text = doc ? vectors_dump(doc) : NULL;
	int rc = 1;
	if (text && corpus)
		rc = write_corpus(doc, corpus);
	else if (text)
		rc = fputs(text, stdout) == EOF || fflush(stdout) != 0;
	free(text);
	json_decref(doc);
	crypto_cleanup();
	return rc;
}
