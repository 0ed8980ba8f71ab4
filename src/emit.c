/* emit.c — machine IR on physical registers -> struct bpf_insn[].
 *
 * Takes: a struct mfunc after ra_run.  Produces: a struct bpf_code (heap
 * arrays, owned by the caller): blocks laid out in order, jump offsets
 * resolved, ld_imm64 as two instructions (a map reference keeps
 * src_reg = BPF_PSEUDO_MAP_FD and imm = the map's index in tt_prog.maps for
 * the loader to patch), and per instruction the source location of the IR
 * instruction it came from.  emit_dump prints the `-d asm` listing.
 * requires: ra_run(). */
#include "emit.h"

#include <linux/bpf.h>
#include <string.h>

#include "mir.h"

static bool is_ld_imm64(uint8_t code)
{
	return code == (BPF_LD | BPF_DW | BPF_IMM);
}

static bool is_jump(const struct minsn *in)
{
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL &&
	       op != BPF_EXIT;
}

int emit_run(const struct mfunc *mf, struct bpf_code *out)
{
	int nb = mf->nblocks;
	int *start = xcalloc(nb + 1, sizeof(int));
	int pc = 0;
	for (int b = 0; b < nb; b++) {
		start[b] = pc;
		for (int i = 0; i < mf->blocks[b].n; i++)
			pc += is_ld_imm64(mf->blocks[b].v[i].code) ? 2 : 1;
	}
	start[nb] = pc;
	struct bpf_insn *code = xcalloc(pc + 1, sizeof(*code));
	struct srcloc *locs = xcalloc(pc + 1, sizeof(*locs));
	int rc = 0;
	pc = 0;
	for (int b = 0; b < nb; b++) {
		for (int i = 0; i < mf->blocks[b].n; i++) {
			const struct minsn *in = &mf->blocks[b].v[i];
			struct bpf_insn *o = &code[pc];
			o->code = in->code;
			o->dst_reg = in->dst >= 0 ? (uint8_t)in->dst : 0;
			o->src_reg = in->src >= 0 ? (uint8_t)in->src : 0;
			o->off = in->off;
			o->imm = (int32_t)in->imm;
			locs[pc] = in->loc;
			if (in->dst >= MIR_NPHYS || in->src >= MIR_NPHYS) {
				diag_error(&in->loc, "internal error: virtual "
					   "register left after allocation");
				rc = -1;
			}
			if (is_ld_imm64(in->code)) {
				o->src_reg = in->pseudo;
				o[1].imm = (int32_t)((uint64_t)in->imm >> 32);
				locs[pc + 1] = in->loc;
				pc += 2;
				continue;
			}
			if (is_jump(in)) {
				long off = (long)start[in->target] - (pc + 1);
				if (off < INT16_MIN || off > INT16_MAX) {
					diag_error(&in->loc,
						   "branch too far: %ld instructions "
						   "(limit is %d)", off, INT16_MAX);
					rc = -1;
				}
				o->off = (int16_t)off;
			}
			pc++;
		}
	}
	free(start);
	out->insns = code;
	out->ninsns = pc;
	out->locs = locs;
	return rc;
}

/* The text of a location's source line, without surrounding blanks. */
static void put_line(FILE *out, const struct srcloc *loc)
{
	const char *p = loc->src->text, *end = p + loc->src->len;
	for (int l = 1; l < loc->line && p < end; p++)
		if (*p == '\n')
			l++;
	const char *e = p;
	while (e < end && *e != '\n')
		e++;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	fprintf(out, "; %.*s\n", (int)(e - p), p);
}

void emit_dump(FILE *out, const struct bpf_code *code)
{
	struct strbuf sb = { 0 };
	const struct srcloc *last = NULL;
	for (int pc = 0; pc < code->ninsns; pc++) {
		const struct bpf_insn *b = &code->insns[pc];
		if (code->locs && code->locs[pc].src &&
		    (!last || last->src != code->locs[pc].src ||
		     last->line != code->locs[pc].line)) {
			last = &code->locs[pc];
			put_line(out, last);
		}
		struct minsn in = { .code = b->code, .dst = b->dst_reg,
				    .src = b->src_reg, .off = b->off,
				    .imm = b->imm };
		bool wide = is_ld_imm64(b->code) && pc + 1 < code->ninsns;
		if (wide) {
			in.pseudo = b->src_reg;
			in.imm = (int64_t)(((uint64_t)(uint32_t)code->insns[pc + 1].imm << 32) |
					   (uint32_t)b->imm);
		}
		sb.len = 0;
		mir_format(&sb, &in, true, b->off);
		fprintf(out, "%4d: (%02x) %.*s\n", pc, b->code, (int)sb.len, sb.s);
		if (wide)
			pc++;
	}
	sb_free(&sb);
}
