/* loader.h — maps and programs into the kernel (loader.c).
 *
 * Takes: a compiled tt_prog (prog.h): maps described, each probe's
 * bpf_code emitted with map references as ld_imm64 src_reg ==
 * BPF_PSEUDO_MAP_FD, imm = index in tt_prog.maps.
 * Produces: a map fd in every tt_map.fd and a program fd in every
 * tt_probe.prog_fd.  0 or a negative errno; never exits the process. */
#ifndef LOADER_H
#define LOADER_H

#include "prog.h"

struct bpf_func_info;

/* Creates every map (fd in tt_map.fd), replaces each ld_imm64 with
 * src_reg == BPF_PSEUDO_MAP_FD (imm = index in p->maps) by the map's fd and
 * loads every program (tt_probe.prog_fd).  On a verifier rejection prints
 * the verifier's reason and the script line of the failing instruction.
 * On error everything created so far is released. */
int loader_load(struct tt_prog *p);
/* Closes program and map fds (safe to call twice, or after a failure). */
void loader_unload(struct tt_prog *p);
/* For code with subprograms (code->nfuncs > 1): loads a BTF describing
 * its functions and returns its fd (the caller closes it) with the
 * func_info records bpf_prog_load needs in *info (heap; the caller frees
 * it), or -errno. */
int loader_func_info(const struct bpf_code *code, struct bpf_func_info **info);
/* Runs a loaded BEGIN/END-style program once (BPF_PROG_TEST_RUN). */
int loader_run_once(const struct tt_probe *pr);
/* The same, and the program's return value in *retval (test: probes). */
int loader_run_once_ret(const struct tt_probe *pr, uint32_t *retval);

#endif
