#include "primitives/prim_err.h"

#include <string.h>

static const char *const err_names[] = {
#define PRIM_ERR_NAME(e, name, msg) name,
	PRIM_ERRORS(PRIM_ERR_NAME)
#undef PRIM_ERR_NAME
};

static const char *const err_msgs[] = {
#define PRIM_ERR_MSG(e, name, msg) msg,
	PRIM_ERRORS(PRIM_ERR_MSG)
#undef PRIM_ERR_MSG
};

const char *prim_err_name(enum prim_err e)
{
	if ((unsigned)e >= PRIM_ERR_COUNT_)
		return "?";
	return err_names[e];
}

const char *prim_err_str(enum prim_err e)
{
	if ((unsigned)e >= PRIM_ERR_COUNT_)
		return "unknown error";
	return err_msgs[e];
}

enum prim_err prim_err_from_name(const char *name)
{
	for (unsigned i = 0; i < PRIM_ERR_COUNT_; i++)
		if (strcmp(err_names[i], name) == 0)
			return (enum prim_err)i;
	return PRIM_ERR_COUNT_;
}

bool prim_err_punishable(enum prim_err e)
{
	return e != PRIM_ERR_OK && e != PRIM_ERR_UNKNOWN_TYPE &&
	       e != PRIM_ERR_UPGRADE_REQUIRED;
}
