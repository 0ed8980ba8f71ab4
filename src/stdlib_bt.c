/* stdlib_bt.c — the text of "stdlib/base.bt" (stdlib_bt.h).
 *
 * Takes: a macro name and argument count.  Produces: whether the library
 * defines it, and the library as a source for the parser.
 *
 * One C line per line of the library, so that line N of the string is
 * line N in diagnostics (stdlib/base.bt:N:C).  assert's errorf must stay
 * at line 6, column 5: bpftrace's runtime test stdlib.assert_macro expects
 * "stdlib/base.bt:6:5-37: ERROR: assert failed: ...". */
#include "stdlib_bt.h"

#include <ctype.h>
#include <string.h>

static const char text[] =
"// stdlib/base.bt: tinytrace's standard library macros (stdlib.md),\n"
"// parsed when a script uses one of their names.\n"
"macro assert(cond, msg) {\n"
"  assert_str(msg);\n"
"  if (!(cond)) {\n"
"    errorf(\"assert failed: %s\", msg);\n"
"    exit(1);\n"
"  }\n"
"}\n"
"\n"
"// A value that is string-like: a string, a char array or a pointer.\n"
"macro assert_str(exp) {\n"
"  static_assert(is_str(exp) || is_array(exp) || is_ptr(exp),\n"
"                \"assert_str: expected a string-like value\")\n"
"}\n"
"\n"
"// The parent process and the thread group leader of a task (curtask\n"
"// when none is passed): task.real_parent and task.group_leader.\n"
"macro ppid(task) { (uint32)task->real_parent->pid }\n"
"macro ppid() { ppid(curtask) }\n"
"macro pcomm(task) { task->real_parent->comm }\n"
"macro pcomm() { pcomm(curtask) }\n"
"macro leader_tid(task) { (uint32)task->group_leader->pid }\n"
"macro leader_tid() { leader_tid(curtask) }\n"
"macro leader_comm(task) { task->group_leader->comm }\n"
"macro leader_comm() { leader_comm(curtask) }\n"
"\n"
"// A pointer that encodes a kernel error code (ERR_PTR): the last 4095\n"
"// values of the address space, as the kernel's IS_ERR().\n"
"macro is_err(ptr) { (uint64)ptr >= (uint64)-4095 }\n"
"\n"
"// The object of type `type` whose field `member` ptr points at.\n"
"macro container_of(ptr, type, member) {\n"
"  (type *)((uint64)ptr - offsetof(type, member))\n"
"}\n";

static const struct source src = { "stdlib/base.bt", text, sizeof(text) - 1 };

const struct source *stdlib_bt_source(void)
{
	return &src;
}

bool stdlib_bt_defines(const char *name, int nargs)
{
	size_t n = strlen(name);
	for (const char *p = text; (p = strstr(p, "macro ")); p++) {
		if (p != text && p[-1] != '\n')
			continue;
		const char *q = p + 6;
		if (strncmp(q, name, n) != 0 || q[n] != '(')
			continue;
		q += n + 1;
		while (*q == ' ')
			q++;
		int k = *q == ')' ? 0 : 1;
		for (; *q && *q != ')'; q++)
			k += *q == ',';
		if (k == nargs)
			return true;
	}
	return false;
}
