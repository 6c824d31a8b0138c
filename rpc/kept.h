/* JSON objects a thread keeps and fills again instead of building anew
 * (rpc/kept.c): getaccount's account object and the reply envelopes.
 * Not public. */
#ifndef ROSTRA_RPC_KEPT_H
#define ROSTRA_RPC_KEPT_H

#include <jansson.h>

enum rpc_kept_slot {
	RPC_KEPT_ACCOUNT,     /* getaccount's object (rpc/social_json.c) */
	RPC_KEPT_REPLY_1,     /* {"result", "error": null, "id"} (rpc/respond.c) */
	RPC_KEPT_REPLY_2,     /* {"jsonrpc": "2.0", "result", "id"} */
	RPC_KEPT_COUNT
};

/* This thread's object in slot, when nobody else holds a reference to it
 * (a new reference for the caller, who may then rewrite its values), else
 * NULL. The reference count is read with acquire order, matching
 * jansson's release-ordered decrement: whatever the last holder did with
 * the object, maybe on another thread, is over. */
json_t *rpc_kept_get(enum rpc_kept_slot slot);

/* Keep o (a reference is taken) in this thread's slot, in place of the
 * object kept there. Does nothing when the thread's slots cannot be had
 * (out of memory). Every kept object is released when its thread ends. */
void rpc_kept_set(enum rpc_kept_slot slot, json_t *o);

#endif
