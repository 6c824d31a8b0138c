/* The signer-state guard (doc/consensus.md, "Signer state"): a file that
 * records the last (height, round, step, block id) signed, written and
 * fsync'd before a signature is handed out, so that a validator never
 * signs two different things for the same step, even across a crash. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/consensus.h"
#include "util/file.h"
#include "util/hex.h"

/* The file: one line "rostra-signer 1 HEIGHT ROUND STEP BLOCKID\n". */
#define CONS_SIGNER_MAX_FILE 256

struct cons_signer {
	char *path;
	struct seckey sk;
	struct pubkey pk;
	struct cons_sign_state last;
};

bool cons_sign_allowed(const struct cons_sign_state *last, uint64_t height, uint32_t round,
		       uint8_t step, const struct hash256 *id)
{
	if (height != last->height)
		return height > last->height;
	if (round != last->round)
		return round > last->round;
	if (step != last->step)
		return step > last->step;
	return memcmp(id->b, last->block_id.b, 32) == 0;
}

static bool cons_signer_parse(struct cons_sign_state *st, const char *text)
{
	char idhex[65];
	unsigned version, step;
	uint64_t h;
	uint32_t r;
	int used = 0;
	memset(st, 0, sizeof(*st));
	if (sscanf(text, "rostra-signer %u %" SCNu64 " %" SCNu32 " %u %64[0-9a-f]%n", &version, &h,
		   &r, &step, idhex, &used) != 5 || version != 1 || step > CONS_STEP_PRECOMMIT ||
	    strlen(idhex) != 64 || strcmp(text + used, "\n") != 0)
		return false;
	st->height = h;
	st->round = r;
	st->step = (uint8_t)step;
	return hex_decode_exact(st->block_id.b, 32, idhex);
}

static bool cons_signer_read(struct cons_signer *s, bool *missing, char *err, size_t errcap)
{
	struct buf b = BUF_INIT;
	bool ok;

	/* Anything longer than the longest line is malformed, not unreadable. */
	if (!file_read_all(err, errcap, &b, missing, s->path, CONS_SIGNER_MAX_FILE - 1)) {
		if (errno == EFBIG)
			snprintf(err, errcap, "the signer state %s is malformed (refusing to sign)",
				 s->path);
		else
			snprintf(err, errcap, "cannot read the signer state %s: %s", s->path,
				 strerror(errno));
		buf_release(&b);
		return false;
	}
	ok = *missing || cons_signer_parse(&s->last, (const char *)b.data);
	buf_release(&b);
	if (!ok)
		snprintf(err, errcap, "the signer state %s is malformed (refusing to sign)", s->path);
	return ok;
}

/* Write st to path atomically and durably (util/file.h). */
static bool cons_signer_write(const char *path, const struct cons_sign_state *st, char *err,
			      size_t errcap)
{
	char line[CONS_SIGNER_MAX_FILE], idhex[65];
	hex_encode(idhex, sizeof(idhex), st->block_id.b, 32);
	int len = snprintf(line, sizeof(line), "rostra-signer 1 %" PRIu64 " %" PRIu32 " %u %s\n",
			   st->height, st->round, (unsigned)st->step, idhex);
	if (file_write_atomic(err, errcap, path, line, (size_t)len, 0600))
		return true;
	snprintf(err, errcap, "cannot write the signer state %s: %s", path, strerror(errno));
	return false;
}

struct cons_signer *cons_signer_open(char *err, size_t errcap, const char *path,
				     const struct seckey *sk)
{
	struct cons_signer *s = calloc(1, sizeof(*s));
	bool missing;
	if (s == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	s->sk = *sk;
	if (!key_pubkey(&s->pk, &s->sk)) {
		snprintf(err, errcap, "the validator key is not a valid secret key");
		cons_signer_close(s);
		return NULL;
	}
	if (!cons_signer_read(s, &missing, err, errcap) ||
	    (missing && !cons_signer_write(s->path, &s->last, err, errcap))) {
		cons_signer_close(s);
		return NULL;
	}
	return s;
}

void cons_signer_close(struct cons_signer *s)
{
	if (s == NULL)
		return;
	key_wipe(&s->sk);
	free(s->path);
	free(s);
}

const struct pubkey *cons_signer_pubkey(const struct cons_signer *s)
{
	return &s->pk;
}

void cons_signer_last(const struct cons_signer *s, struct cons_sign_state *out)
{
	*out = s->last;
}

/* The guard, then the state on disk, before any signature is made. */
static bool cons_signer_advance(struct cons_signer *s, char *err, size_t errcap, uint64_t height,
				uint32_t round, uint8_t step, const struct hash256 *id)
{
	struct cons_sign_state st = { height, round, step, *id };
	if (!cons_sign_allowed(&s->last, height, round, step, id)) {
		snprintf(err, errcap, "signer state refuses height %" PRIu64 " round %" PRIu32
			 " step %u: it conflicts with the last signed (height %" PRIu64
			 " round %" PRIu32 " step %u)", height, round, (unsigned)step,
			 s->last.height, s->last.round, (unsigned)s->last.step);
		return false;
	}
	if (!cons_signer_write(s->path, &st, err, errcap))
		return false;
	s->last = st;
	return true;
}

bool cons_sign_proposal(struct cons_signer *s, char *err, size_t errcap, struct proposal *p,
			const struct chain_id *chain)
{
	p->proposer = s->pk;
	if (!cons_signer_advance(s, err, errcap, p->height, p->round, CONS_STEP_PROPOSE, &p->block_id))
		return false;
	if (!proposal_sign(p, chain, &s->sk, NULL)) {
		snprintf(err, errcap, "cannot sign the proposal");
		return false;
	}
	return true;
}

bool cons_sign_vote(struct cons_signer *s, char *err, size_t errcap, struct vote *v,
		    const struct chain_id *chain)
{
	uint8_t step = v->type == VOTE_PREVOTE ? CONS_STEP_PREVOTE : CONS_STEP_PRECOMMIT;
	v->validator = s->pk;
	if (!cons_signer_advance(s, err, errcap, v->height, v->round, step, &v->block_id))
		return false;
	if (!vote_sign(v, chain, &s->sk, NULL)) {
		snprintf(err, errcap, "cannot sign the vote");
		return false;
	}
	return true;
}
