/* test_sema.c — sema's type rules (the typed AST dump, exact), the maps and
 * probes it collects, attach-point parsing and tracepoint formats, config,
 * and its diagnostics compared exactly (message, location, underline).
 *
 * Tracepoints come from a fake tracefs written by the fixture (format files
 * copied from a 6.x kernel), so these tests need neither root nor tracefs. */
#include <criterion/criterion.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "macro.h"
#include "parser.h"
#include "probes.h"
#include "prov_runtime.h"
#include "prog.h"
#include "sema.h"
#include "types.h"
#include "fake_tracefs.h"

static void setup(void)
{
	fake_tracefs_create("sema");
	unsetenv("BPFTRACE_MAX_STRLEN");
}

static void teardown(void)
{
	fake_tracefs_remove();
}

TestSuite(sema, .init = setup, .fini = teardown);

static struct source *src_of(const char *text)
{
	struct source *s = malloc(sizeof(*s));
	*s = (struct source){ "stdin", text, strlen(text) };
	return s;
}

static struct tt_config cfg;
static struct sema_result res;

/* Runs macro expansion (macro.c, as the driver does), config and sema on
 * text.  Returns the typed dump on success, or "FAILED\n" followed by the
 * diagnostics. */
static char *check(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_set_stream(f);
	diag_reset();
	config_defaults(&cfg);
	memset(&res, 0, sizeof(res));
	struct node *prog = parse_program(src_of(text));
	cr_assert_not_null(prog, "%s: does not parse", text);
	int rc = macro_expand(prog);
	if (rc == 0)
		rc = config_apply(prog, &cfg);
	if (rc == 0)
		rc = sema_run(prog, &cfg, &res);
	if (rc == 0)
		ast_dump(f, prog, true);
	diag_set_stream(NULL);
	fclose(f);
	if (rc == 0)
		return buf;
	char *r = malloc(len + 8);
	strcpy(r, "FAILED\n");
	strcat(r, buf);
	free(buf);
	return r;
}

/* The type sema gave to the first node whose dump line starts with
 * `line` (e.g. "Var $x"), as printed after " :: ". */
static char *type_of(const char *text, const char *line)
{
	char *d = check(text);
	cr_assert(strncmp(d, "FAILED", 6), "%s: %s", text, d);
	char *p = d;
	while ((p = strstr(p, line)) != NULL) {
		if (p == d || p[-1] == ' ') {
			char *t = strstr(p, " :: ");
			char *eol = strchr(p, '\n');
			cr_assert(t && (!eol || t < eol), "no type on %s", line);
			t += 4;
			return strndup(t, strcspn(t, "\n"));
		}
		p++;
	}
	cr_assert_fail("%s: no line %s in\n%s", text, line, d);
	return NULL;
}

#define TYPE(text, line, expect) cr_assert_str_eq(type_of(text, line), expect)
#define ERR(text, expect) cr_assert_str_eq(check(text), "FAILED\n" expect)

/* ---- type rules ---------------------------------------------------------- */

Test(sema, integer_literals_take_the_smallest_signed_type)
{
	TYPE("begin { $a = 1; }", "Var $a", "int8");
	TYPE("begin { $a = 127; }", "Var $a", "int8");
	TYPE("begin { $a = 128; }", "Var $a", "int16");
	TYPE("begin { $a = 1000; }", "Var $a", "int16");
	TYPE("begin { $a = 100000; }", "Var $a", "int32");
	TYPE("begin { $a = 5000000000; }", "Var $a", "int64");
	TYPE("begin { $a = 0xffffffffffffffff; }", "Var $a", "uint64");
	TYPE("begin { $a = -1; }", "Var $a", "int8");
	TYPE("begin { $a = -129; }", "Var $a", "int16");
	TYPE("begin { $a = \"ab\"; }", "Var $a", "string[3]");
	TYPE("begin { $a = true; }", "Var $a", "bool");
}

Test(sema, arithmetic_is_64_bit_unsigned_only_when_both_are)
{
	TYPE("begin { $a = (int8)1 + 2; }", "Binop +", "int64");
	TYPE("begin { $a = pid + 1; }", "Binop +", "int64");
	TYPE("begin { $a = pid + tid; }", "Binop +", "uint64");
	TYPE("begin { $a = nsecs - nsecs; }", "Binop -", "int64");
	TYPE("begin { $a = pid << 2; }", "Binop <<", "int64");
	TYPE("begin { $a = ~pid; }", "Unop ~", "int64");
	TYPE("begin { $a = -pid; }", "Unop -", "int64");
}

Test(sema, comparisons_and_logic_are_bool)
{
	TYPE("begin { $a = pid < 2; }", "Binop <", "bool");
	TYPE("begin { $a = comm == \"cat\"; }", "Binop ==", "bool");
	TYPE("begin { $a = 1 && pid; }", "Binop &&", "bool");
	TYPE("begin { $a = !pid; }", "Unop !", "bool");
}

Test(sema, builtin_types_are_bpftraces)
{
	TYPE("begin { $a = pid; }", "Var $a", "uint32");
	TYPE("begin { $a = tid; }", "Var $a", "uint32");
	TYPE("begin { $a = cpu; }", "Var $a", "uint32");
	TYPE("begin { $a = uid; }", "Var $a", "uint64");
	TYPE("begin { $a = nsecs; }", "Var $a", "uint64");
	TYPE("begin { $a = comm; }", "Var $a", "string[16]");
	TYPE("begin { $a = pid(); }", "Var $a", "uint32");
	TYPE("begin { $a = str(0); }", "Var $a", "string[1024]");
	TYPE("begin { $a = str(0, 8); }", "Var $a", "string[8]");
}

Test(sema, variables_widen_to_hold_every_assigned_value)
{
	/* a non-negative literal's sign adapts (type_resolution.md) */
	TYPE("begin { $x = 1; $x = pid; }", "Var $x", "uint32");
	TYPE("begin { $x = 0; $x = nsecs; }", "Var $x", "uint64");
	TYPE("begin { $x = (uint8)1; $x = (uint16)2; }", "Var $x", "uint16");
	/* every use sees the final type, also the ones before the widening */
	TYPE("begin { $s = \"test\"; $t = $s; $s = \"other\"; }", "Var $t",
	     "string[6]");
	TYPE("begin { $t = (1, \"a\"); $t = (1000, \"abc\"); }", "Var $t",
	     "(int16,string[4])");
}

/* type_resolution.md and language.md ("Data Types"): a non-negative
 * literal's sign adapts, a negative one pins it, a sign mismatch with
 * no type holding both is int64, `$a = $b` keeps $b's own type. */
Test(sema, variable_types_as_type_resolution_md_has_them)
{
	const char *doc = "begin { $a = 1; $b = 1; $a = $b; $a = (uint32)2; }";
	TYPE(doc, "Var $a", "uint32");
	TYPE(doc, "Var $b", "int8");
	TYPE("begin { $a = 1; $a = (uint64)2; }", "Var $a", "uint64");
	TYPE("begin { $a = 1; $a = 2; $a = (uint64)3; }", "Var $a", "uint64");
	TYPE("begin { $a = 1; $a = -1; $a = (int32)3; }", "Var $a", "int32");
	TYPE("begin { $a = -1; $a = (uint64)2; }", "Var $a", "int64");
	TYPE("begin { $a = (int8)1; $a = (uint8)2; }", "Var $a", "int16");
	TYPE("begin { $a = (uint32)1; $a = (int32)2; }", "Var $a", "int64");
	TYPE("begin { $a = (int64)1; $a = (uint64)2; }", "Var $a", "int64");
	/* language.md's upcast example */
	const char *up = "begin { $a = 1; $b = -1000; $a = $b; "
			 "$c = (uint64)1; $d = (int64)-1; $c = $d; }";
	TYPE(up, "Var $a", "int16");
	TYPE(up, "Var $c", "int64");
	TYPE("begin { let $v; $a = $v; $v = 10; }", "Var $a", "int8");
	TYPE("begin { let $a; $a = $a + 1; $a = 1; }", "Var $a", "int64");
	TYPE("begin { $a = ((uint32)1, \"str\"); $a = (1, \"longer\"); }",
	     "Var $a", "(uint32,string[7])");
	/* (map values hold integers in 8 bytes) */
	TYPE("begin { @a = 1; @a = (uint32)2; }", "Map @a", "uint64");
	TYPE("begin { @a[1] = 1; @a[(uint64)2] = 1; }", "Map @a", "int64");
	ERR("begin { $a = 1; $a = \"str\"; }",
	    "stdin:1:17-27: ERROR: Type mismatch for $a: trying to assign value "
	    "of type 'string[4]' when variable already contains a value of "
	    "type 'int8'\n"
	    "begin { $a = 1; $a = \"str\"; }\n"
	    "                ~~~~~~~~~~\n");
}

/* language.md ("Records"): a record assigned with its fields in another
 * order is the same record; the first order stays. */
Test(sema, records_assigned_in_another_field_order)
{
	TYPE("begin { $a = (color=\"green\", size=2); "
	     "$a = (size=10, color=\"blue\"); }",
	     "Var $a", "(color=string[6],size=int8)");
	TYPE("begin { $a = (x = (uint32)1, y = \"str\"); "
	     "$a = (y = \"longer\", x = (int32)1); }",
	     "Var $a", "(x=int64,y=string[7])");
	TYPE("begin { @m = (a=1, b=\"x\"); @m = (b=\"yy\", a=2); }", "Map @m",
	     "(a=int8,b=string[3])");
	ERR("begin { $a = (x=1, y=2); $a = (x=1, z=2); }",
	    "stdin:1:26-41: ERROR: Type mismatch for $a: trying to assign value "
	    "of type '(x=int8,z=int8)' when variable already contains a value "
	    "of type '(x=int8,y=int8)'\n"
	    "begin { $a = (x=1, y=2); $a = (x=1, z=2); }\n"
	    "                         ~~~~~~~~~~~~~~~\n");
}

/* language.md: `let $a: uint16 = -1` is an error, `$b = -1; let $a:
 * uint16 = $b;` only a warning; a declared type does not grow. */
Test(sema, declared_types_take_what_fits)
{
	ERR("begin { let $a: uint16 = -1; }",
	    "stdin:1:9-28: ERROR: Type mismatch for $a: trying to assign value "
	    "of type 'int8' when variable already has a type 'uint16'\n"
	    "begin { let $a: uint16 = -1; }\n"
	    "        ~~~~~~~~~~~~~~~~~~~\n");
	char *d = check("begin { $b = -1; let $a: uint16 = $b; }");
	cr_assert(strncmp(d, "FAILED", 6) && strstr(d, "WARNING: "), "%s", d);
	TYPE("begin { $b = -1; let $a: uint16 = $b; }", "Let $a", "uint16");
	TYPE("begin { $b = 1; let $a: uint8 = $b; }", "Let $a", "uint8");
	ERR("begin { let $a: uint32 = (uint64)1; }",
	    "stdin:1:9-35: ERROR: Integer size mismatch. Assignment type "
	    "'uint64' is larger than the variable type 'uint32'.\n"
	    "begin { let $a: uint32 = (uint64)1; }\n"
	    "        ~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
	ERR("begin { let $a: string[2] = \"muchlongerstr\"; }",
	    "stdin:1:9-44: ERROR: Type mismatch for $a: trying to assign value "
	    "of type 'string[14]' when variable already has a type "
	    "'string[2]'\n"
	    "begin { let $a: string[2] = \"muchlongerstr\"; }\n"
	    "        ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
	ERR("begin { $b = 1; let $a: typeof($b) = \"str\"; }",
	    "stdin:1:17-43: ERROR: Type mismatch for $a: trying to assign value "
	    "of type 'string[4]' when variable already has a type 'int8'\n"
	    "begin { $b = 1; let $a: typeof($b) = \"str\"; }\n"
	    "                ~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
}

/* language.md ("Ternary"): both branches void runs one for its
 * effects; a void branch beside a value is an error. */
Test(sema, ternary_with_void_branches)
{
	TYPE("begin { $a = 1; $a == 1 ? print(\"true\") : print(\"false\"); }",
	     "Ternary", "void");
	ERR("begin { $a = 1; $x = $a == 1 ? print(1) : print(2); }",
	    "stdin:1:17-51: ERROR: Value 'void' cannot be assigned to a scratch "
	    "variable.\n"
	    "begin { $a = 1; $x = $a == 1 ? print(1) : print(2); }\n"
	    "                ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
	ERR("begin { $a = 1; $a == 1 ? 3 : print(2); }",
	    "stdin:1:17-39: ERROR: Ternary operator must return the same type: "
	    "have 'int8' and 'void'\n"
	    "begin { $a = 1; $a == 1 ? 3 : print(2); }\n"
	    "                ~~~~~~~~~~~~~~~~~~~~~~\n");
}

/* language.md: positional parameters in attach points; a `$` that no
 * parameter number follows is an error (quote it to keep it). */
Test(sema, positional_parameters_in_attach_points)
{
	ERR("interval:ms:$0 { }",
	    "stdin:1:1-15: ERROR: invalid trailing character for positional "
	    "param: 0. Try quoting this entire part if this is intentional "
	    "e.g. \"$0\".\n"
	    "interval:ms:$0 { }\n"
	    "~~~~~~~~~~~~~~\n");
	ERR("interval:ms:$x { }",
	    "stdin:1:1-15: ERROR: invalid trailing character for positional "
	    "param: x. Try quoting this entire part if this is intentional "
	    "e.g. \"$x\".\n"
	    "interval:ms:$x { }\n"
	    "~~~~~~~~~~~~~~\n");
	/* not given: the empty text */
	ERR("interval:ms:$1 { }",
	    "stdin:1:1-15: ERROR: Found trailing non-numeric characters: \n"
	    "interval:ms:$1 { }\n"
	    "~~~~~~~~~~~~~~\n");
}

/* language.md "Type Syntax" and "Array Casts": postfix modifiers read
 * left to right, string[N]/buffer[N] casts, integer to bool array, &@m,
 * a macro call where a type may stand. */
Test(sema, type_syntax_and_casts)
{
	TYPE("begin { $p = (int32[4]*)0; }", "Var $p", "int32[4] *");
	TYPE("begin { $p = (int32*[4]*)0; }", "Var $p", "int32 *[4] *");
	TYPE("begin { $s = (string[4])\"hello\"; }", "Var $s", "string[4]");
	TYPE("begin { $s = (string[8])(uint64)0; }", "Call str", "string[8]");
	TYPE("begin { $b = (buffer[2])\"hello\"; }", "Call buf", "buffer[6]");
	TYPE("begin { $a = (bool[2])(uint16)1; }", "Var $a", "bool[2]");
	TYPE("begin { @m = 1; $p = &@m; }", "Var $p", "int64 *");
	TYPE("macro uint64_t() { 1 } begin { $x = sizeof(uint64_t()); }",
	     "Var $x", "uint64");
	TYPE("macro uint64_t() { 1 } begin { $y = (typeof(uint64_t()))300; }",
	     "Var $y", "int8");
	ERR("begin { @c = count(); $p = &@c; }",
	    "stdin:1:28-31: ERROR: The & operator can only be used on "
	    "variables, maps, struct fields, array elements and "
	    "dereferences\n"
	    "begin { @c = count(); $p = &@c; }\n"
	    "                           ~~~\n");
	ERR("iter:task,begin { }",
	    "stdin:1:1-10: ERROR: Only single iter attach point is allowed.\n"
	    "iter:task,begin { }\n"
	    "~~~~~~~~~\n");
}

/* type_resolution.md "Comptime branches": the condition is decided once
 * the types outside the undecided branches are settled; only the branch
 * taken is typed. */
Test(sema, comptime_branches_and_typeinfo)
{
	const char *doc = "begin { $a = 1; if comptime (typeinfo($a).full_type "
			  "== \"uint64\") { @map = 1; } else { @map = \"str\"; "
			  "} $a = (uint64)2; }";
	TYPE(doc, "Map @map", "int64");
	TYPE("begin { let $c; $a = 1; if comptime (typeinfo($a).full_type == "
	     "\"int64\") { $c = (int64)2; } $a = (int64)2; }", "Var $c",
	     "int64");
	TYPE("begin { @x = 1; if comptime (typeinfo(@x).full_type != "
	     "\"uint64\") { @y = (int32)2; } }", "Map @y", "int64");
	TYPE("begin { $t = typeinfo((uint16)1); }", "Var $t",
	     "(btf_id=int8,base_type=string[4],full_type=string[7])");
	ERR("begin { let $c; if comptime (typeinfo($c).base_type == \"int\") "
	    "{ 1 } }",
	    "stdin:1:39-41: ERROR: Could not resolve the type of this "
	    "variable\n"
	    "begin { let $c; if comptime (typeinfo($c).base_type == \"int\") "
	    "{ 1 } }\n"
	    "                                      ~~\n"
	    "stdin:1:30-61: ERROR: Unable to resolve comptime expression\n"
	    "begin { let $c; if comptime (typeinfo($c).base_type == \"int\") "
	    "{ 1 } }\n"
	    "                             ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
}

/* type_resolution.md "Locked TypeVariables": a type an `if comptime`
 * read may not change in the branch it picked. */
Test(sema, comptime_locks_the_types_it_read)
{
	ERR("begin { $a = 1; if comptime (typeinfo($a).full_type == "
	    "\"uint32\") { $a = (uint64)3; } $a = (uint32)2; }",
	    "stdin:1:68-82: ERROR: Type mismatch for $a: this type has been "
	    "locked because it was used in another part of the type graph "
	    "that was already resolved (e.g. `sizeof`, `typeinfo`, etc.). The "
	    "new type 'uint64' doesn't fit into the locked type 'uint32'\n"
	    "begin { $a = 1; if comptime (typeinfo($a).full_type == "
	    "\"uint32\") { $a = (uint64)3; } $a = (uint32)2; }\n"
	    "                                                               "
	    "    ~~~~~~~~~~~~~~\n");
	/* a narrower value fits; a signed one of the same type too */
	TYPE("begin { let $c; if comptime (typeinfo($c).full_type == "
	     "\"uint32\") { $c = (uint16)2; } $c = (uint32)1; }", "Var $c",
	     "uint32");
	TYPE("begin { let $c; if comptime (typeinfo($c).full_type == "
	     "\"int64\") { $c = (uint64)2; } $c = (int64)1; }", "Var $c",
	     "int64");
}

Test(sema, map_values_store_integers_in_8_bytes)
{
	TYPE("begin { @x = 1; }", "Map @x", "int64");
	TYPE("begin { @x = pid; }", "Map @x", "uint64");
	TYPE("begin { @x[comm] = count(); }", "Map @x", "count_t");
	TYPE("begin { @x = sum(-1); }", "Map @x", "sum_t");
	TYPE("begin { @x = \"a\"; @x = \"abc\"; }", "Map @x", "string[4]");
	/* a map read before the probe that assigns it */
	TYPE("begin { $v = @late; } end { @late = 3; }", "Var $v", "int64");
}

Test(sema, maps_are_collected_with_key_and_value_types)
{
	char *d = check("begin { @c[comm] = count(); @t[tid, \"ab\"] = nsecs; "
			"@s = 1; @k[1] = 1; @k[pid] = 2; }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	cr_assert_eq(res.maps.n, 4);
	struct sema_map *c = res.maps.v[0], *t = res.maps.v[1],
			*s = res.maps.v[2], *k = res.maps.v[3];
	cr_assert_str_eq(c->name, "@c");
	cr_assert_eq(c->bpf_type, BPF_MAP_TYPE_PERCPU_HASH);
	cr_assert_str_eq(type_name(c->key), "string[16]");
	cr_assert_eq(c->nkeys, 1);
	cr_assert_eq(c->max_entries, 4096);
	cr_assert_eq(t->bpf_type, BPF_MAP_TYPE_HASH);
	cr_assert_str_eq(type_name(t->key), "(uint32,string[3])");
	cr_assert_eq(t->nkeys, 2);
	cr_assert_eq(t->key->size, 8);
	cr_assert_str_eq(type_name(t->value), "uint64");
	cr_assert_null(s->key);
	cr_assert_eq(s->nkeys, 0);
	cr_assert_str_eq(type_name(k->key), "uint32");
}

Test(sema, variables_are_block_scoped)
{
	ERR("begin { if (1) { $x = 1; } print($x); }",
	    "stdin:1:34-36: ERROR: Undefined or undeclared variable: $x\n"
	    "begin { if (1) { $x = 1; } print($x); }\n"
	    "                                 ~~\n");
	TYPE("begin { $x = 1; if (1) { $x = 2000; } print($x); }", "Var $x",
	     "int16");
	TYPE("begin { let $x: uint16; $x = 1; }", "Var $x", "uint16");
	TYPE("begin { let $x = comm; }", "Let $x", "string[16]");
}

Test(sema, tracepoint_args_come_from_the_format_file)
{
	const char *p = "tracepoint:syscalls:sys_enter_openat { $f = args.filename; "
			"$d = args.dfd; $m = args->mode; $n = args.__syscall_nr; }";
	TYPE(p, "Var $f", "int8 *");
	TYPE(p, "Var $d", "int64");
	TYPE(p, "Var $m", "uint64");
	TYPE(p, "Var $n", "int32");
	const char *q = "t:sched:sched_switch { $c = args.prev_comm; "
			"$p = args.next_pid; $s = args.prev_state; }";
	TYPE(q, "Var $c", "string[16]");
	TYPE(q, "Var $p", "int32");
	TYPE(q, "Var $s", "int64");
	TYPE("t:sched:sched_process_exec { $f = str(args.filename); }",
	     "Var $f", "string[1024]");
}

Test(sema, tracepoint_format_details)
{
	struct type *t = probes_tp_parse_format(openat_enter, "syscalls",
						"sys_enter_openat");
	cr_assert(t->is_ctx);
	const struct field *f = type_field(t, "filename");
	cr_assert_not_null(f);
	cr_assert_eq(f->offset, 24);
	cr_assert_eq(f->type->kind, TY_PTR);
	cr_assert_eq(f->type->as, AS_USER);
	cr_assert_null(type_field(t, "common_pid"));
	t = probes_tp_parse_format(process_exec, "sched", "sched_process_exec");
	f = type_field(t, "filename");
	cr_assert(f->data_loc);
	cr_assert_eq(f->offset, 8);
	t = probes_tp_parse_format(sched_switch, "sched", "sched_switch");
	f = type_field(t, "next_comm");
	cr_assert_eq(f->offset, 40);
	cr_assert_eq(f->type->kind, TY_STR);
	cr_assert_eq(f->type->size, 16);
}

Test(sema, probes_are_expanded_in_script_order)
{
	char *d = check("t:syscalls:sys_*_openat { @[probe] = 1; }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	cr_assert_eq(res.probes.n, 2);
	cr_assert_str_eq(type_name(res.maps.v[0]->key), "string[64]");
	d = check("begin { } t:syscalls:sys_*_openat { } interval:s:1 { } end { }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	cr_assert_eq(res.probes.n, 5);
	cr_assert_str_eq(probes_ap_name(res.probes.v[0].ap), "begin");
	cr_assert_str_eq(probes_ap_name(res.probes.v[1].ap),
			 "tracepoint:syscalls:sys_enter_openat");
	cr_assert_str_eq(probes_ap_name(res.probes.v[2].ap),
			 "tracepoint:syscalls:sys_exit_openat");
	cr_assert_str_eq(probes_ap_name(res.probes.v[3].ap), "interval:s:1");
	cr_assert_str_eq(probes_ap_name(res.probes.v[4].ap), "end");
	for (int i = 0; i < 5; i++)
		cr_assert_eq(res.probes.v[i].index, i);
	cr_assert_not_null(res.probes.v[2].ap->args_type);
	cr_assert_not_null(type_field(res.probes.v[2].ap->args_type, "ret"));
}

static struct attach_point *ap_of(const char *raw)
{
	struct attach_point *ap = calloc(1, sizeof(*ap));
	ap->raw = raw;
	diag_set_stream(fopen("/dev/null", "w"));
	int rc = probes_parse(ap);
	diag_set_stream(NULL);
	return rc == 0 ? ap : NULL;
}

Test(sema, attach_point_spellings)
{
	struct attach_point *ap;
	ap = ap_of("BEGIN");
	cr_assert_eq(ap->prov, PROV_BEGIN);
	cr_assert_eq(ap_of("end")->prov, PROV_END);
	ap = ap_of("t:syscalls:sys_enter_openat");
	cr_assert_eq(ap->prov, PROV_TRACEPOINT);
	cr_assert_str_eq(ap->target, "syscalls");
	cr_assert_str_eq(ap->func, "sys_enter_openat");
	cr_assert(!ap->wildcard);
	cr_assert(ap_of("tracepoint:syscalls:sys_*")->wildcard);
	ap = ap_of("TRACEPOINT:sched:sched_switch");
	cr_assert_eq(ap->prov, PROV_TRACEPOINT);
	ap = ap_of("i:ms:100");
	cr_assert_eq(ap->prov, PROV_INTERVAL);
	cr_assert_str_eq(ap->target, "ms");
	cr_assert_eq(ap->freq, 100);
	ap = ap_of("interval:1s");
	cr_assert_str_eq(ap->target, "s");
	cr_assert_eq(ap->freq, 1);
	ap = ap_of("profile:hz:99");
	cr_assert_eq(ap->prov, PROV_PROFILE);
	ap = ap_of("kprobe:vfs_read+16");
	cr_assert_eq(ap->prov, PROV_KPROBE);
	cr_assert_str_eq(ap->func, "vfs_read");
	cr_assert_eq(ap->offset, 16);
	ap = ap_of("uprobe:/bin/bash:readline");
	cr_assert_str_eq(ap->target, "/bin/bash");
	cr_assert_str_eq(ap->func, "readline");
	ap = ap_of("U:/usr/lib/libc.so.6:libc:setjmp");
	cr_assert_eq(ap->prov, PROV_USDT);
	cr_assert_str_eq(ap->ns, "libc");
	ap = ap_of("u:./a.out:\"foo::bar\"");
	cr_assert_eq(ap->prov, PROV_UPROBE);
	cr_assert_str_eq(ap->func, "foo::bar");
	cr_assert_eq(ap_of("kfunc:vfs_read")->prov, PROV_FENTRY);
	cr_assert_eq(ap_of("fr:vfs_read")->prov, PROV_FEXIT);
	cr_assert_eq(ap_of("rt:sys_enter")->prov, PROV_RAWTRACEPOINT);
	cr_assert_null(ap_of("kretprobe:vfs_read+4"));
	cr_assert_null(ap_of("nonsense:x"));
}

Test(sema, provider_program_types)
{
	cr_assert_eq(probes_prog_type(PROV_BEGIN), BPF_PROG_TYPE_RAW_TRACEPOINT);
	cr_assert_eq(probes_prog_type(PROV_END), BPF_PROG_TYPE_RAW_TRACEPOINT);
	cr_assert_eq(probes_prog_type(PROV_TRACEPOINT), BPF_PROG_TYPE_TRACEPOINT);
	cr_assert_eq(probes_prog_type(PROV_INTERVAL), BPF_PROG_TYPE_PERF_EVENT);
	cr_assert_eq(probes_prog_type(PROV_PROFILE), BPF_PROG_TYPE_PERF_EVENT);
	cr_assert_eq(probes_prog_type(PROV_KPROBE), BPF_PROG_TYPE_KPROBE);
	cr_assert_eq(probes_prog_type(PROV_USDT), BPF_PROG_TYPE_KPROBE);
	cr_assert_eq(probes_prog_type(PROV_RAWTRACEPOINT),
		     BPF_PROG_TYPE_RAW_TRACEPOINT);
}

/* The provider table (provider.h): every probe type is there under its
 * own id, found by each of its spellings, parses, has a program type and
 * a runtime half. */
Test(sema, provider_table)
{
	for (int i = PROV_NONE + 1; i < PROV__COUNT; i++) {
		const struct prov_ops *p = prov_get(i);
		cr_assert_not_null(p, "provider %d", i);
		cr_assert_eq(p->id, i, "%s", p->name);
		cr_assert_not_null(p->parse, "%s", p->name);
		cr_assert_neq(p->prog_type, BPF_PROG_TYPE_UNSPEC, "%s", p->name);
		cr_assert_eq(prov_lookup(p->name), p, "%s", p->name);
		cr_assert_str_eq(probes_provider_name(i), p->name);
		for (const char *a = p->aliases; *a;) {
			size_t n = strcspn(a, " ");
			const char *alias = strndup(a, n);
			cr_assert_eq(prov_lookup(alias), p, "%s", alias);
			a += n + strspn(a + n, " ");
		}
		struct attach_point ap = { .prov = i };
		struct tt_probe pr = { .ap = &ap };
		cr_assert_not_null(prov_runtime_of(&pr), "%s", p->name);
	}
	cr_assert_null(prov_get(PROV_NONE));
	cr_assert_null(prov_lookup("nonsense"));
	cr_assert_eq(prov_lookup("u"), &prov_uprobe);
	cr_assert_eq(prov_lookup("U"), &prov_usdt);
	cr_assert_eq(prov_lookup("Kprobe"), &prov_kprobe);
}

Test(sema, config_blocks_and_environment)
{
	TYPE("config = { max_strlen = 32 } begin { $a = str(0); }", "Var $a",
	     "string[32]");
	TYPE("config = { BPFTRACE_MAX_STRLEN = 16 } begin { $a = str(0); }",
	     "Var $a", "string[16]");
	setenv("BPFTRACE_MAX_STRLEN", "8", 1);
	TYPE("config = { max_strlen = 32 } begin { $a = str(0); }", "Var $a",
	     "string[8]");
	unsetenv("BPFTRACE_MAX_STRLEN");
	check("config = { print_maps_on_exit = 0; stack_mode = raw } begin { }");
	cr_assert_eq(cfg.print_maps_on_exit, false);
	cr_assert_str_eq(cfg.stack_mode, "raw");
}

/* ---- diagnostics ---------------------------------------------------------- */

Test(sema, error_unknown_function)
{
	ERR("begin { foo(); }",
	    "stdin:1:9-14: ERROR: Unknown function: 'foo'\n"
	    "begin { foo(); }\n"
	    "        ~~~~~\n");
}

Test(sema, error_unknown_identifier)
{
	ERR("begin { $x = foo; }",
	    "stdin:1:14-17: ERROR: Unknown identifier: 'foo'\n"
	    "begin { $x = foo; }\n"
	    "             ~~~\n");
}

Test(sema, error_invalid_probe_type)
{
	ERR("bogus:x { }",
	    "stdin:1:1-8: ERROR: Invalid probe type: bogus\n"
	    "bogus:x { }\n"
	    "~~~~~~~\n");
}

Test(sema, error_unknown_tracepoint)
{
	ERR("tracepoint:syscalls:nonsense { }",
	    "stdin:1:1-29: ERROR: No matches for tracepoint syscalls:nonsense.\n"
	    "tracepoint:syscalls:nonsense { }\n"
	    "~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
	ERR("t:nosuch:sys_* { }",
	    "stdin:1:1-15: ERROR: No matches for tracepoint nosuch:sys_*.\n"
	    "t:nosuch:sys_* { }\n"
	    "~~~~~~~~~~~~~~\n");
}

Test(sema, error_tracepoint_arguments)
{
	ERR("tracepoint:nonsense { }",
	    "stdin:1:1-20: ERROR: tracepoint probe type requires 2 arguments\n"
	    "tracepoint:nonsense { }\n"
	    "~~~~~~~~~~~~~~~~~~~\n");
}

Test(sema, error_interval_unit)
{
	ERR("interval:xx:1 { }",
	    "stdin:1:1-14: ERROR: xx is not an accepted unit of time\n"
	    "interval:xx:1 { }\n"
	    "~~~~~~~~~~~~~\n");
	ERR("interval:s { }",
	    "stdin:1:1-11: ERROR: interval probe type requires 2 arguments\n"
	    "interval:s { }\n"
	    "~~~~~~~~~~\n");
}

Test(sema, error_begin_takes_no_arguments)
{
	ERR("BEGIN:x { }",
	    "stdin:1:1-8: ERROR: begin probe type requires 0 arguments\n"
	    "BEGIN:x { }\n"
	    "~~~~~~~\n");
}

Test(sema, error_printf_argument_count)
{
	ERR("begin { printf(\"%d\\n\"); }",
	    "stdin:1:9-23: ERROR: printf: Not enough arguments for format "
	    "string (0 supplied, 1 expected)\n"
	    "begin { printf(\"%d\\n\"); }\n"
	    "        ~~~~~~~~~~~~~~\n");
	ERR("begin { printf(\"x\", 1); }",
	    "stdin:1:9-23: ERROR: printf: Too many arguments for format string "
	    "(1 supplied, 0 expected)\n"
	    "begin { printf(\"x\", 1); }\n"
	    "        ~~~~~~~~~~~~~~\n");
}

Test(sema, error_printf_argument_types)
{
	ERR("begin { printf(\"%d\\n\", \"a\"); }",
	    "stdin:1:9-28: ERROR: printf: %d specifier expects a value of type "
	    "int (string supplied)\n"
	    "begin { printf(\"%d\\n\", \"a\"); }\n"
	    "        ~~~~~~~~~~~~~~~~~~~\n");
	ERR("begin { printf(\"%s\\n\", 1); }",
	    "stdin:1:9-26: ERROR: printf: %s specifier expects a value of type "
	    "string (int supplied)\n"
	    "begin { printf(\"%s\\n\", 1); }\n"
	    "        ~~~~~~~~~~~~~~~~~\n");
}

Test(sema, error_printf_needs_a_literal_format)
{
	ERR("begin { printf(1); }",
	    "stdin:1:9-18: ERROR: printf() expects a string literal (int "
	    "provided)\n"
	    "begin { printf(1); }\n"
	    "        ~~~~~~~~~\n");
}

Test(sema, error_argument_counts)
{
	ERR("begin { @x = count(1); }",
	    "stdin:1:14-22: ERROR: count() requires no arguments (1 provided)\n"
	    "begin { @x = count(1); }\n"
	    "             ~~~~~~~~\n");
	ERR("begin { @x = sum(); }",
	    "stdin:1:14-19: ERROR: sum() requires one argument (0 provided)\n"
	    "begin { @x = sum(); }\n"
	    "             ~~~~~\n");
	ERR("begin { $x = str(1,2,3); }",
	    "stdin:1:14-24: ERROR: str() takes up to 2 arguments (3 provided)\n"
	    "begin { $x = str(1,2,3); }\n"
	    "             ~~~~~~~~~~\n");
	ERR("begin { exit(1, 2); }",
	    "stdin:1:9-19: ERROR: exit() takes up to one argument (2 provided)\n"
	    "begin { exit(1, 2); }\n"
	    "        ~~~~~~~~~~\n");
}

Test(sema, error_aggregation_argument_type)
{
	ERR("begin { @x = sum(\"a\"); }",
	    "stdin:1:14-22: ERROR: sum() only supports int arguments "
	    "(string provided)\n"
	    "begin { @x = sum(\"a\"); }\n"
	    "             ~~~~~~~~\n");
}

Test(sema, error_aggregation_not_assigned_to_a_map)
{
	ERR("begin { $x = count(); }",
	    "stdin:1:14-21: ERROR: count() must be assigned directly to a "
	    "map\n"
	    "begin { $x = count(); }\n"
	    "             ~~~~~~~\n");
}

Test(sema, error_variable_type_mismatch)
{
	ERR("begin { $x = 1; $x = \"a\"; }",
	    "stdin:1:17-25: ERROR: Type mismatch for $x: trying to assign value "
	    "of type 'string[2]' when variable already contains a value of "
	    "type 'int8'\n"
	    "begin { $x = 1; $x = \"a\"; }\n"
	    "                ~~~~~~~~\n");
}

Test(sema, error_map_value_type_mismatch)
{
	ERR("begin { @x = 1; @x = \"a\"; }",
	    "stdin:1:17-25: ERROR: Type mismatch for @x: trying to assign value "
	    "of type 'string[2]' when map already contains a value of type "
	    "'int64'\n"
	    "begin { @x = 1; @x = \"a\"; }\n"
	    "                ~~~~~~~~\n");
	ERR("begin { @x = count(); @x = 1; }",
	    "stdin:1:23-29: ERROR: Type mismatch for @x: trying to assign value "
	    "of type 'int64' when map already contains a value of type "
	    "'count_t'\n"
	    "begin { @x = count(); @x = 1; }\n"
	    "                      ~~~~~~\n");
}

Test(sema, error_map_key_mismatch)
{
	ERR("begin { @x[1] = 1; @x[\"a\"] = 1; }",
	    "stdin:1:23-26: ERROR: Argument mismatch for @x: trying to access "
	    "with arguments: 'string[2]' when map expects arguments: 'int8'\n"
	    "begin { @x[1] = 1; @x[\"a\"] = 1; }\n"
	    "                      ~~~\n");
	ERR("begin { @g[1, \"hi\"] = 2; @g[1, 2] = 3; }",
	    "stdin:1:26-34: ERROR: Argument mismatch for @g: trying to access "
	    "with arguments: '(int8,int8)' when map expects arguments: "
	    "'(int8,string[3])'\n"
	    "begin { @g[1, \"hi\"] = 2; @g[1, 2] = 3; }\n"
	    "                         ~~~~~~~~\n");
}

Test(sema, error_undefined_variable_and_map)
{
	ERR("begin { print($y); }",
	    "stdin:1:15-17: ERROR: Undefined or undeclared variable: $y\n"
	    "begin { print($y); }\n"
	    "              ~~\n");
	ERR("begin { print(@nope); }",
	    "stdin:1:15-20: ERROR: Undefined map: @nope\n"
	    "begin { print(@nope); }\n"
	    "              ~~~~~\n");
}

/* language.md "Arithmetic Operators": pointers take + and - (the pointer
 * on the left of -) and compare with pointers and integers. */
Test(sema, pointer_arithmetic)
{
	TYPE("begin { $p = (int32 *)8; $q = $p + 1; }", "Var $q", "int32 *");
	TYPE("begin { $p = (int32 *)8; $q = 2 + $p; }", "Var $q", "int32 *");
	TYPE("begin { $p = (int32 *)8; $q = $p - 2; }", "Var $q", "int32 *");
	TYPE("begin { $p = (int32 *)8; $p += 3; $q = $p; }", "Var $q",
	     "int32 *");
	TYPE("begin { $p = (int32 *)8; $q = $p < $p + 1; }", "Var $q", "bool");
	TYPE("begin { $p = (int32 *)8; $q = $p != 0; }", "Var $q", "bool");
	/* * of an integer address (kaddr) reads a uint64 */
	TYPE("begin { $a = (int16)8; $q = *($a + 8); }", "Var $q", "uint64");
	ERR("begin { $p = (int32 *)8; $q = 1 - $p; }",
	    "stdin:1:31-37: ERROR: The - operator can not be used on "
	    "expressions of types int8, int32 *\n"
	    "begin { $p = (int32 *)8; $q = 1 - $p; }\n"
	    "                              ~~~~~~\n");
	ERR("begin { $p = (int32 *)8; $q = $p - $p; }",
	    "stdin:1:31-38: ERROR: The - operator can not be used on "
	    "expressions of types int32 *, int32 *\n"
	    "begin { $p = (int32 *)8; $q = $p - $p; }\n"
	    "                              ~~~~~~~\n");
	ERR("begin { $p = (int32 *)8; $p *= 2; }",
	    "stdin:1:26-33: ERROR: The * operator can not be used on "
	    "expressions of types int32 *, int8\n"
	    "begin { $p = (int32 *)8; $p *= 2; }\n"
	    "                         ~~~~~~~\n");
	cr_assert(strstr(check("begin { $p = (int32 *)8; $q = (int64 *)8; "
			       "$r = $p == $q; }"),
			 "WARNING: comparison of distinct pointer types: "
			 "int32, int64"));
}

Test(sema, memcmp_arguments)
{
	TYPE("begin { $r = memcmp(\"ab\", \"ac\", 2); }", "Var $r", "int64");
	ERR("begin { print(memcmp(1, \"a\", 1)); }",
	    "stdin:1:15-32: ERROR: memcmp() expects strings, arrays, tuples "
	    "or records (int8 provided)\n"
	    "begin { print(memcmp(1, \"a\", 1)); }\n"
	    "              ~~~~~~~~~~~~~~~~~\n");
	ERR("begin { $n = 1; print(memcmp(\"a\", \"a\", $n)); }",
	    "stdin:1:23-43: ERROR: memcmp() expects an integer literal as its "
	    "count (int provided)\n"
	    "begin { $n = 1; print(memcmp(\"a\", \"a\", $n)); }\n"
	    "                      ~~~~~~~~~~~~~~~~~~~~\n");
}

Test(sema, error_operator_types)
{
	ERR("begin { $x = 1 + \"a\"; }",
	    "stdin:1:14-21: ERROR: Type mismatch for '+': comparing 'int8' with "
	    "'string[2]'\n"
	    "begin { $x = 1 + \"a\"; }\n"
	    "             ~~~~~~~\n");
	ERR("begin { $x = \"a\" < \"b\"; }",
	    "stdin:1:14-23: ERROR: The < operator can not be used on "
	    "expressions of types string[2], string[2]\n"
	    "begin { $x = \"a\" < \"b\"; }\n"
	    "             ~~~~~~~~~\n");
	ERR("begin { $x = -\"a\"; }",
	    "stdin:1:14-18: ERROR: The - operator can not be used on "
	    "expressions of type 'string[2]'\n"
	    "begin { $x = -\"a\"; }\n"
	    "             ~~~~\n");
}

Test(sema, error_args_outside_tracepoints)
{
	ERR("begin { $x = args.foo; }",
	    "stdin:1:14-18: ERROR: The args builtin can only be used with "
	    "tracepoint/fentry/uprobe probes (begin used here)\n"
	    "begin { $x = args.foo; }\n"
	    "             ~~~~\n");
}

Test(sema, error_unknown_tracepoint_field)
{
	ERR("tracepoint:syscalls:sys_enter_openat { $x = args.foo; }",
	    "stdin:1:45-53: ERROR: Struct/union of type "
	    "'struct _tracepoint_syscalls_sys_enter_openat' does not contain a "
	    "field named 'foo'\n"
	    "tracepoint:syscalls:sys_enter_openat { $x = args.foo; }\n"
	    "                                            ~~~~~~~~\n");
}

Test(sema, error_condition_types)
{
	ERR("begin { if (\"a\") { } }",
	    "stdin:1:13-16: ERROR: Invalid condition in if(): string\n"
	    "begin { if (\"a\") { } }\n"
	    "            ~~~\n");
	ERR("begin /comm/ { }",
	    "stdin:1:8-12: ERROR: Invalid type for predicate: string\n"
	    "begin /comm/ { }\n"
	    "       ~~~~\n");
}

Test(sema, error_tuple_index)
{
	ERR("begin { $x = (1, 2); $y = $x.3; }",
	    "stdin:1:27-31: ERROR: Invalid tuple index: 3. Found 2 elements in "
	    "tuple.\n"
	    "begin { $x = (1, 2); $y = $x.3; }\n"
	    "                          ~~~~\n");
}

Test(sema, error_break_outside_loop)
{
	ERR("begin { break; }",
	    "stdin:1:9-14: ERROR: break used outside of a loop\n"
	    "begin { break; }\n"
	    "        ~~~~~\n");
}

/* fail(): a compile-time error with the formatted message where it is
 * visited (stdlib.md); a branch a literal condition never takes is not
 * visited. */
Test(sema, fail_is_a_compile_time_error_where_visited)
{
	ERR("begin { fail(\"Got %d, %s %x%%\", 3, \"x\", 255); }",
	    "stdin:1:9-45: ERROR: Got 3, x ff%\n"
	    "begin { fail(\"Got %d, %s %x%%\", 3, \"x\", 255); }\n"
	    "        ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
	ERR("begin { if (2 > 1) { fail(\"%d<0\", -2); } }",
	    "stdin:1:22-38: ERROR: -2<0\n"
	    "begin { if (2 > 1) { fail(\"%d<0\", -2); } }\n"
	    "                     ~~~~~~~~~~~~~~~~\n");
	ERR("begin { if (0) { } else { fail(\"no\"); } }",
	    "stdin:1:27-37: ERROR: no\n"
	    "begin { if (0) { } else { fail(\"no\"); } }\n"
	    "                          ~~~~~~~~~~\n");
	char *d = check("begin { if (1 < 0) { fail(\"no\"); } "
			"if (1) { } else { fail(\"no\"); } }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	ERR("begin { fail(pid); }",
	    "stdin:1:9-18: ERROR: fail() arguments need to be literals\n"
	    "begin { fail(pid); }\n"
	    "        ~~~~~~~~~\n");
	ERR("begin { fail(1); }",
	    "stdin:1:9-16: ERROR: first argument to fail() must be a string "
	    "literal\n"
	    "begin { fail(1); }\n"
	    "        ~~~~~~~\n");
}

/* find(@m, key, $v): a map with keys and a scratch variable, whose type
 * the map's value gives (stdlib.md). */
Test(sema, find_needs_a_keyed_map_and_a_variable)
{
	TYPE("begin { @m[1] = (1, \"ab\"); let $v; if (find(@m, 1, $v)) { } }",
	     "Let $v", "(int8,string[3])");
	ERR("begin { @x = 1; let $v; find(@x, 1, $v); }",
	    "stdin:1:30-32: ERROR: call to find() expects a map with explicit "
	    "keys (non-scalar map)\n"
	    "begin { @x = 1; let $v; find(@x, 1, $v); }\n"
	    "                             ~~\n");
	ERR("begin { @x[1] = 1; find(@x, 1, 5); }",
	    "stdin:1:32-33: ERROR: find() expects a scratch variable as its "
	    "third argument (the result)\n"
	    "begin { @x[1] = 1; find(@x, 1, 5); }\n"
	    "                               ~\n");
}

Test(sema, error_bad_config)
{
	ERR("config = { bad_config=raw } begin {}",
	    "stdin:1:12-26: ERROR: bad_config: not a known configuration "
	    "option\n"
	    "config = { bad_config=raw } begin {}\n"
	    "           ~~~~~~~~~~~~~~\n");
}

Test(sema, error_not_supported_yet_is_an_error_not_a_crash)
{
	ERR("import \"x.bt\"; begin { }",
	    "stdin:1:1-15: ERROR: import is not supported yet\n"
	    "import \"x.bt\"; begin { }\n"
	    "~~~~~~~~~~~~~~\n");
}

/* Macros are expanded by macro.c before sema (as the driver does): sema
 * types the expansion. */
Test(sema, macros_expand_with_their_own_variables)
{
	TYPE("macro add_one(x) { x + 1 } begin { $a = add_one(pid); }",
	     "Var $a", "int64");
	/* $x aliases the caller's variable; $y is the macro's own */
	const char *p = "macro inc($x) { $y = 5; $x += 1; $x } "
			"begin { $y = \"s\"; $a = 1; $b = inc($a); }";
	char *d = check(p);
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	TYPE(p, "Var $b", "int64");
	TYPE("macro get(@m) { @m[1] } begin { @a[1] = \"x\"; $v = get(@a); }",
	     "Var $v", "string[2]");
	TYPE("macro cpu(x) { x } begin { $a = cpu(\"hi\"); $b = cpu(); }",
	     "Var $b", "uint32");
	/* wrong arguments are macro.c's errors (test_macro.c) */
}

Test(sema, error_map_declarations)
{
	ERR("let @a = foo(1); begin { @a = 1; }",
	    "stdin:1:1-16: ERROR: Invalid bpf map type: foo\n"
	    "let @a = foo(1); begin { @a = 1; }\n"
	    "~~~~~~~~~~~~~~~\n"
	    "HINT: Valid map types: percpulruhash, percpuhash, lruhash, hash\n");
}

Test(sema, error_record_duplicate_name)
{
	ERR("begin { $r = (a=1, a=2); }",
	    "stdin:1:20-23: ERROR: Named argument list already contains name: "
	    "a\n"
	    "begin { $r = (a=1, a=2); }\n"
	    "                   ~~~\n");
}

Test(sema, error_for_loops)
{
	ERR("begin { for ($i : 1..\"a\") { } }",
	    "stdin:1:22-25: ERROR: Loop range requires an integer for the end "
	    "value\n"
	    "begin { for ($i : 1..\"a\") { } }\n"
	    "                     ~~~\n");
	ERR("begin { @s = 1; for ($kv : @s) { } }",
	    "stdin:1:28-30: ERROR: @s has no explicit keys (scalar map), and "
	    "cannot be used for iteration\n"
	    "begin { @s = 1; for ($kv : @s) { } }\n"
	    "                           ~~\n");
}

Test(sema, records_for_loops_and_map_declarations)
{
	TYPE("begin { $r = (a=1, b=\"x\"); }", "Var $r", "(a=int8,b=string[2])");
	TYPE("begin { $r = (a=1, b=\"x\"); $v = $r.b; }", "Var $v", "string[2]");
	TYPE("begin { for ($i : 0..5) { print($i); } }", "Var $i", "int8");
	TYPE("begin { for ($i : 0..pid) { print($i); } }", "Var $i", "uint32");
	TYPE("begin { @m[1, \"a\"] = 2; for ($kv : @m) { print($kv); } }",
	     "Var $kv", "((int8,string[2]),int64)");
	TYPE("begin { @m[comm] = count(); for ($kv : @m) { print($kv); } }",
	     "Var $kv", "(string[16],uint64)");
	char *d = check("let @a = lruhash(2); begin { @a[0] = 1; }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	cr_assert_eq(res.maps.v[0]->bpf_type, BPF_MAP_TYPE_LRU_HASH);
	cr_assert_eq(res.maps.v[0]->max_entries, 2);
	d = check("let @a = percpuhash(8); begin { @a[0] = count(); }");
	cr_assert_eq(res.maps.v[0]->bpf_type, BPF_MAP_TYPE_PERCPU_HASH);
}

Test(sema, error_indexing_and_dereferencing)
{
	ERR("begin { $s = \"hello\"; print($s[7]); }",
	    "stdin:1:29-34: ERROR: the index 7 is out of bounds for array of "
	    "size 6\n"
	    "begin { $s = \"hello\"; print($s[7]); }\n"
	    "                            ~~~~~\n");
	ERR("begin { $v = 1; print($v[0]); }",
	    "stdin:1:23-28: ERROR: The array index operator [] can only be "
	    "used on arrays and pointers, found int.\n"
	    "begin { $v = 1; print($v[0]); }\n"
	    "                      ~~~~~\n");
	ERR("begin { $x = *(void *)0; }",
	    "stdin:1:14-24: ERROR: Can not dereference a void pointer "
	    "('void *')\n"
	    "begin { $x = *(void *)0; }\n"
	    "             ~~~~~~~~~~\n");
}

Test(sema, pointers_and_indexing)
{
	TYPE("begin { $p = (int16 *)0; $v = *$p; }", "Var $v", "int16");
	TYPE("begin { $p = (uint32 *)0; $v = $p[3]; }", "Var $v", "uint32");
	TYPE("begin { $p = (int8 *)0; }", "Var $p", "int8 *");
	TYPE("begin { $s = \"abc\"; $c = $s[1]; }", "Var $c", "int8");
	TYPE("t:syscalls:sys_enter_openat { $c = args.filename[0]; }", "Var $c",
	     "int8");
}

Test(sema, address_of_and_byte_array_casts)
{
	/* &$x is a pointer to the variable's type, in kernel memory; the
	 * variable is marked to live in memory */
	TYPE("begin { $a = 1; $b = &$a; }", "Var $b", "int8 *");
	TYPE("begin { $t = (1, \"ab\"); $p = &$t.1; }", "Var $p",
	     "string[3] *");
	TYPE("begin { $p = (int16 *)0; $q = &$p[2]; }", "Var $q", "int16 *");
	TYPE("begin { $a = \"x\"; $b = (int8 *)&$a; $c = *++$b; }", "Var $c",
	     "int8");
	/* integers, strings and arrays reinterpret as integer arrays */
	TYPE("begin { $a = (int8[8])12345; }", "Var $a", "int8[8]");
	TYPE("begin { $a = (int8[])12345; }", "Var $a", "int8[8]");
	TYPE("begin { $a = (uint8[])\"hello\"; }", "Var $a", "uint8[6]");
	TYPE("begin { $a = (int16[])(uint32)1; }", "Var $a", "int16[2]");
	TYPE("begin { $a = (uint32)(uint8[4])1; }", "Var $a", "uint32");
	TYPE("begin { $a = pton(\"::1\"); }", "Var $a", "int8[16]");
	ERR("begin { $a = (int8[4])\"hello\"; }",
	    "stdin:1:14-30: ERROR: Cannot cast from \"string[6]\" to "
	    "\"int8[4]\"\n"
	    "begin { $a = (int8[4])\"hello\"; }\n"
	    "             ~~~~~~~~~~~~~~~~\n");
	ERR("begin { $a = &1; }",
	    "stdin:1:14-16: ERROR: The & operator can only be used on "
	    "variables, maps, struct fields, array elements and "
	    "dereferences\n"
	    "begin { $a = &1; }\n"
	    "             ~~\n");
}

Test(sema, aggregates_compare_element_by_element)
{
	TYPE("begin { $a = (1, \"a\") == (2, \"bc\"); }", "Binop ==", "bool");
	TYPE("begin { $a = (x=1) != (x=2); }", "Binop !=", "bool");
	TYPE("begin { $a = (int8[2])1 == (int8[2])2; }", "Binop ==", "bool");
	ERR("begin { $a = (int8[2])1 == (int8[4])2; }",
	    "stdin:1:14-38: ERROR: Type mismatch for '==': comparing "
	    "'int8[2]' with 'int8[4]'\n"
	    "begin { $a = (int8[2])1 == (int8[4])2; }\n"
	    "             ~~~~~~~~~~~~~~~~~~~~~~~~\n");
}

Test(sema, script_types_offsetof_and_constants)
{
	TYPE("struct Foo { int x; struct Bar { int x; } bar; } "
	     "begin { $a = offsetof(struct Foo, bar.x); }", "Var $a", "uint64");
	TYPE("struct Foo { int x; char c[8]; } begin { $p = (struct Foo *)0; "
	     "$c = $p->c; }", "Var $c", "string[8]");
	TYPE("enum E { A = -3, B } begin { $a = B; }", "Var $a", "enum E");
	TYPE("#define TEN 10\nbegin { $a = TEN; }", "Var $a", "int8"); /* the literal 10 */
	/* a script struct's pointer field points to user memory in uprobes */
	char *d = check("struct N { struct N *next; int v; } "
			"begin { $a = ((struct N *)0)->next; }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	ERR("begin { $a = offsetof(struct nosuch_xyz, a); }",
	    "stdin:1:23-40: ERROR: Cannot resolve unknown type \"struct "
	    "nosuch_xyz\"\n"
	    "begin { $a = offsetof(struct nosuch_xyz, a); }\n"
	    "                      ~~~~~~~~~~~~~~~~~\n");
}

Test(sema, kernel_structs_from_btf)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		cr_skip_test("this kernel has no BTF (/sys/kernel/btf/vmlinux)");
	TYPE("begin { $t = curtask; }", "Var $t", "struct task_struct *");
	TYPE("begin { $p = curtask->pid; }", "Var $p", "int32");
	TYPE("begin { $c = curtask->comm; }", "Var $c", "string[16]");
	TYPE("begin { $p = curtask->real_parent->tgid; }", "Var $p", "int32");
	TYPE("begin { $t = (struct task_struct *)curtask; $m = $t->mm; }",
	     "Var $m", "struct mm_struct *");
	ERR("begin { $t = curtask; print($t->nosuch); }",
	    "stdin:1:29-39: ERROR: Struct/union of type 'struct task_struct' "
	    "does not contain a field named 'nosuch'\n"
	    "begin { $t = curtask; print($t->nosuch); }\n"
	    "                            ~~~~~~~~~~\n");
	ERR("begin { $x = (struct nosuch *)0; }",
	    "stdin:1:15-30: ERROR: Cannot resolve unknown type \"struct "
	    "nosuch\"\n"
	    "begin { $x = (struct nosuch *)0; }\n"
	    "              ~~~~~~~~~~~~~~~\n");
}

Test(sema, every_error_is_reported)
{
	char *d = check("begin { foo(); $x = bar; @y = sum(\"a\"); }");
	cr_assert_eq(diag_error_count(), 3, "%s", d);
}
