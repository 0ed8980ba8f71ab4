/* emit.h — machine instructions (physical registers) -> struct bpf_insn[],
 * jump offsets, ld_imm64 map references (src_reg = BPF_PSEUDO_MAP_FD,
 * imm = map index into tt_prog.maps; the loader patches in the fd), and a
 * source location per instruction. */
#ifndef EMIT_H
#define EMIT_H

#include "prog.h"

struct mfunc;

int emit_run(const struct mfunc *mf, struct bpf_code *out);
/* `-d asm`: bpftool-like listing, each source construct's first insn
 * preceded by "; <source line text>" */
void emit_dump(FILE *out, const struct bpf_code *code);

#endif
