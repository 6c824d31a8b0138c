/* Per-thread kept JSON objects (rpc/kept.h): one pthread key whose value
 * is the thread's array of slots, released by the key's destructor. */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "rpc/kept.h"

static pthread_key_t rpc_kept_key;
static bool rpc_kept_key_ok;
static pthread_once_t rpc_kept_once = PTHREAD_ONCE_INIT;

static void rpc_kept_free(void *p)
{
	json_t **slots = p;
	for (size_t i = 0; i < RPC_KEPT_COUNT; i++)
		json_decref(slots[i]);
	free(slots);
}

static void rpc_kept_init(void)
{
	rpc_kept_key_ok = pthread_key_create(&rpc_kept_key, rpc_kept_free) == 0;
}

/* This thread's slots; with make, created when missing. NULL if none. */
static json_t **rpc_kept_slots(bool make)
{
	pthread_once(&rpc_kept_once, rpc_kept_init);
	if (!rpc_kept_key_ok)
		return NULL;
	json_t **slots = pthread_getspecific(rpc_kept_key);
	if (slots == NULL && make) {
		slots = calloc(RPC_KEPT_COUNT, sizeof(*slots));
		if (slots != NULL && pthread_setspecific(rpc_kept_key, slots) != 0) {
			free(slots);
			slots = NULL;
		}
	}
	return slots;
}

json_t *rpc_kept_get(enum rpc_kept_slot slot)
{
	json_t **slots = rpc_kept_slots(false);
	json_t *o = slots ? slots[slot] : NULL;
	if (o == NULL || __atomic_load_n(&o->refcount, __ATOMIC_ACQUIRE) != 1)
		return NULL;
	return json_incref(o);
}

void rpc_kept_set(enum rpc_kept_slot slot, json_t *o)
{
	json_t **slots = rpc_kept_slots(true);
	if (slots == NULL)
		return;
	json_t *old = slots[slot];
	slots[slot] = json_incref(o);
	json_decref(old);
}
