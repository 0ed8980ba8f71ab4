/* builtin_names.c — is a name a builtin? (builtin_names.h)
 *
 * Takes: a name.  Produces: whether BUILTIN_NAMES lists it. */
#include "builtin_names.h"

#include <string.h>

#include "tt.h"

static const char *const names[] = {
#define X(name) #name,
	BUILTIN_NAMES(X)
#undef X
};

bool builtin_name_known(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}
