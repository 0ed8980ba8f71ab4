/* builtin_names.c — the list of builtins (builtin_names.h).
 *
 * Takes: a name or a builtin id.  Produces: its id, whether BUILTINS lists
 * it, its argument counts and flags. */
#include "builtin_names.h"

#include <string.h>

#include "tt.h"

static const struct builtin_info infos[BI_COUNT] = {
#define X(name, min, max, flags) [BI_##name] = { #name, min, max, flags },
	BUILTINS(X)
#undef X
};

enum builtin_id builtin_id_of(const char *name)
{
	for (int i = 0; i < BI_COUNT; i++)
		if (!strcmp(infos[i].name, name))
			return (enum builtin_id)i;
	return BI_NONE;
}

const struct builtin_info *builtin_info(enum builtin_id id)
{
	return &infos[id];
}

bool builtin_name_known(const char *name)
{
	return builtin_id_of(name) != BI_NONE;
}
