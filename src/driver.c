/* driver.c — runs every stage in order, QBE-style: one function a reader
 * can follow from script text to a finished trace.
 *
 *   lex+parse -> config -> sema -> ir_build -> per program:
 *   [ir_cfg, ir_optimize, ir_check, liveness, stack_alloc, isel, regalloc,
 *   emit] -> load -> attach -> run (BEGIN, events, END, maps) */
#include <string.h>

#include "config.h"
#include "driver.h"
#include "emit.h"
#include "import.h"
#include "ir_build.h"
#include "isel.h"
#include "lexer.h"
#include "libc_lite.h"
#include "liveness.h"
#include "loader.h"
#include "macro.h"
#include "parser.h"
#include "probes.h"
#include "regalloc.h"
#include "runtime.h"
#include "sema.h"
#include "stackalloc.h"

unsigned driver_dump_flags(const char *arg)
{
	static const struct { const char *name; unsigned bits; } stages[] = {
		{ "tokens", DUMP_TOKENS }, { "ast", DUMP_AST },
		{ "types", DUMP_TYPES },   { "ir", DUMP_IR },
		{ "live", DUMP_LIVE },     { "stack", DUMP_STACK },
		{ "mir", DUMP_MIR },       { "asm", DUMP_ASM },
		{ "all", DUMP_AST | DUMP_TYPES | DUMP_IR | DUMP_ASM },
	};
	unsigned bits = 0;
	const char *p = arg;
	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned b = 0;
		for (size_t i = 0; i < ARRAY_SIZE(stages); i++)
			if (strlen(stages[i].name) == n && !strncmp(p, stages[i].name, n))
				b = stages[i].bits;
		if (!b)
			return 0;
		bits |= b;
		p += n + (p[n] == ',');
	}
	return bits;
}

/* The back end for one program: IR -> bpf_insn[].  Returns 0 or -1 after a
 * diagnostic. */
static int codegen(struct tt_probe *pr, unsigned dump, FILE *out)
{
	struct ir_func *f = pr->ir;

	ir_cfg(f);
	ir_optimize(f);
	if (ir_check(f) < 0) {
		diag_error(NULL, "internal error: bad IR for %s", pr->name);
		return -1;
	}
	if (dump & DUMP_IR)
		ir_dump(out, f);
	struct liveness *lv = live_compute(f);
	if (dump & DUMP_LIVE)
		live_dump(out, lv);
	int err = stack_alloc(f, lv);
	live_free(lv);
	if (err < 0)
		return -1;
	if (dump & DUMP_STACK)
		stack_dump(out, f);
	struct mfunc *mf = isel_run(f);
	if (!mf)
		return -1;
	err = ra_run(mf);
	if (!err && (dump & DUMP_MIR))
		mfunc_dump(out, mf);
	if (!err)
		err = emit_run(mf, &pr->code);
	mfunc_free(mf);
	ir_release(f);
	if (err < 0)
		return -1;
	if (dump & DUMP_ASM) {
		fprintf(out, "%s:\n", pr->name);
		emit_dump(out, &pr->code);
	}
	return 0;
}

/* Wildcards can expand to thousands of probes; past max_probes
 * (BPFTRACE_MAX_PROBES, config max_probes) refuse before compiling them
 * all, as bpftrace does.  BEGIN and END do not count. */
static int check_max_probes(const struct sema_result *sr,
			    const struct tt_config *cfg)
{
	int n = 0;
	for (int i = 0; i < sr->probes.n; i++) {
		const struct attach_point *ap = sr->probes.v[i].ap;
		if (!prov_has(ap, PF_SPECIAL))
			n++;
	}
	/* one BPF program per attach point: past max_bpf_progs bpftrace
	   points at the probe that goes over */
	for (int i = 0, progs = 0; i < sr->probes.n; i++) {
		if (++progs <= cfg->max_bpf_progs)
			continue;
		struct node *pn = sr->probes.v[i].probe;
		diag_error(pn->aps.n ? &pn->aps.v[0]->loc : &pn->loc,
			   "Your program is trying to generate more than %d "
			   "BPF programs, which exceeds the current limit of "
			   "%d", sr->probes.n, cfg->max_bpf_progs);
		diag_hint("You can increase the limit through the "
			  "BPFTRACE_MAX_BPF_PROGS environment variable.");
		return -1;
	}
	if (n <= cfg->max_probes)
		return 0;
	diag_error(NULL,
		   "Can't attach to %d probes because it exceeds the current "
		   "limit of %d probes.\nYou can increase the limit through "
		   "the BPFTRACE_MAX_PROBES environment variable, but BE "
		   "CAREFUL since a high number of probes attached can cause "
		   "your system to crash.", n, cfg->max_probes);
	return -1;
}

/* The probes that run: bench: ones only with --mode bench, test: ones
 * only with --test, and with
 * --probe-filter only those whose name it finds (begin and end always).
 * None left of a script that had some (missing ones dropped under config
 * missing_probes, a filter matching nothing) is an error. */
static int select_probes(struct sema_result *sr, const struct node *ast,
			 const struct driver_opts *o)
{
	int n = 0, kept = 0, had = 0;
	for (int i = 0; i < sr->probes.n; i++) {
		const struct attach_point *ap = sr->probes.v[i].ap;
		bool special = ap->prov == PROV_BEGIN || ap->prov == PROV_END;
		if ((ap->prov == PROV_BENCH && !o->cfg.bench) ||
		    (ap->prov == PROV_TEST && !o->cfg.test))
			continue;
		if (!special && o->probe_filter &&
		    !tt_regsearch(o->probe_filter, probes_ap_name(ap)))
			continue;
		kept += !special;
		sr->probes.v[n++] = sr->probes.v[i];
	}
	sr->probes.n = n;
	for (int i = 0; i < ast->args.n; i++)
		had += ast->args.v[i]->kind == N_PROBE;
	if ((had && !n) || (o->probe_filter && !kept)) {
		fputs("No probes to attach\n", stderr); /* bpftrace's words */
		return -1;
	}
	return 0;
}

/* --include FILE: an `#include "FILE"` before the script's definitions
 * (a relative FILE is looked for in the current directory first). */
static void add_includes(struct node *ast, const struct driver_opts *o)
{
	for (int i = o->nincludes - 1; i >= 0; i--) {
		struct source *src = tt_alloc(sizeof(*src));
		src->name = "--include";
		src->text = tt_sprintf("#include \"%s\"", o->includes[i]);
		src->len = strlen(src->text);
		struct node *n = ast_new(N_CDEFN, &(struct srcloc){ src, 1, 1,
								    (int)src->len });
		n->str = src->text;
		n->slen = src->len;
		vec_push(&ast->args, n);
		memmove(&ast->args.v[1], &ast->args.v[0],
			(size_t)(ast->args.n - 1) * sizeof(ast->args.v[0]));
		ast->args.v[0] = n;
	}
}

/* The kernel's limit on a per-CPU map value (PCPU_MIN_UNIT_SIZE). */
enum { PCPU_VALUE_MAX = 32768 };

struct codegen_arg {
	int dump;
	FILE *out;
};

static int codegen_each(struct tt_probe *pr, void *arg)
{
	const struct codegen_arg *a = arg;
	return codegen(pr, a->dump, a->out);
}

/* IR and code for every probe, one probe at a time (its IR is freed once
 * its code is there: a script of thousands of probes holds one probe's
 * IR at a time), dumps to out unless NULL; then the scratch frame: the
 * biggest of all programs'. */
static int build(struct node *ast, struct sema_result *sr, struct tt_prog *p,
		 const struct driver_opts *o, FILE *out)
{
	struct codegen_arg a = { out ? o->dump : 0, out };
	if (ir_build(ast, sr, p, codegen_each, &a) < 0)
		return -1;
	for (int i = 0; i < p->probes.n; i++)
		if ((uint32_t)p->probes.v[i].ir->scratch_size > p->scratch_size)
			p->scratch_size = p->probes.v[i].ir->scratch_size;
	return 0;
}

int driver_run(struct driver_opts *o)
{
	struct tt_prog p = { 0 };
	struct sema_result sr = { 0 };
	FILE *out = o->dump_out ? o->dump_out : stdout;
	int status = 1;

	p.cfg = o->cfg;
	if (o->dump & DUMP_TOKENS)
		lex_dump(out, o->src);
	struct node *ast = parse_program(o->src);
	if (ast)
		add_includes(ast, o);
	if (!ast || import_resolve(ast) < 0 || macro_expand(ast) < 0)
		goto out;
	if (o->dump & DUMP_AST)
		ast_dump(out, ast, false);
	if (o->cfg.verbose)
		fprintf(stderr, "AST node count: %d\n", ast_count(ast));
	if (config_apply(ast, &p.cfg) < 0 || sema_run(ast, &p.cfg, &sr) < 0)
		goto out;
	if (o->dump & DUMP_TYPES)
		ast_dump(out, ast, true);
	/* -- --help: the script's options; -- --nosuch: an error */
	if ((status = sema_options_check(&sr, &p.cfg, stdout)) != 0) {
		status = status > 0 ? 0 : 1;
		goto out;
	}
	status = 1;
	if (select_probes(&sr, ast, o) < 0 || check_max_probes(&sr, &p.cfg) < 0)
		goto out;
	/* -d dumps the build that loads: a second one where the first
	   cannot (and, to dump, a second one anyway) */
	if (build(ast, &sr, &p, o, o->dump ? NULL : out) < 0)
		goto out;
	if (p.scratch_size > PCPU_VALUE_MAX || o->dump) {
		/* per-CPU values are limited: then the scratch space is a
		   plain array with an entry per CPU */
		struct tt_prog again = { .cfg = o->cfg };
		again.scratch_by_cpu = p.scratch_size > PCPU_VALUE_MAX;
		if (build(ast, &sr, &again, o, out) < 0)
			goto out;
		p = again;
	}
	for (int i = 0; i < p.maps.n; i++)
		if (p.maps.v[i].kind == MAPK_SCRATCH)
			p.maps.v[i].value_size =
				p.scratch_size ? (p.scratch_size + 7) & ~7u : 8;
	if (o->dump) {
		status = 0;
		goto out;
	}

	if (loader_load(&p) < 0)
		goto out;
	status = p.cfg.dry_run ? runtime_dry_run(&p) : runtime_run(&p);
	loader_unload(&p);
out:
	arena_free_all();
	return status;
}
