/* bpftest.h — shared by the back-end unit tests (test_backend, test_isel):
 * a FILE* that collects into a string, IR text -> checked ir_func, and
 * loading and running BPF code in the kernel (BPF_PROG_TEST_RUN) with the
 * loader's map and subprogram handling.  A test that cannot use bpf()
 * here is skipped loudly ("KERNEL TEST SKIPPED"). */
#ifndef TESTS_BPFTEST_H
#define TESTS_BPFTEST_H

#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit.h"
#include "ir.h"
#include "loader.h"

/* A FILE* that collects into a string: open with mem_open, read and close
 * with mem_close (arena copy). */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static inline FILE *mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f;
}

static inline char *mem_close(struct mem *m)
{
	fclose(m->f);
	char *s = tt_strdup(m->buf);
	free(m->buf);
	return s;
}

/* IR text -> a function with its CFG, which must pass ir_check. */
static inline struct ir_func *parse(const char *text)
{
	struct ir_func *f = ir_parse(text);
	cr_assert(f, "IR does not parse");
	ir_cfg(f);
	cr_assert_eq(ir_check(f), 0, "IR does not check");
	return f;
}

/* Load code as a raw tracepoint program, ld_imm64 map references patched
 * the loader's way (imm = map index -> fd), with the loader's BTF
 * func_info when there are subprograms.  Skips the test loudly when
 * bpf() is not allowed here; a verifier rejection fails with the listing
 * and the verifier's log. */
static inline int load(const struct bpf_code *code, const int *map_fds)
{
	struct bpf_insn *insns = xmalloc(code->ninsns * sizeof(*insns));
	memcpy(insns, code->insns, code->ninsns * sizeof(*insns));
	for (int i = 0; i < code->ninsns; i++)
		if (insns[i].code == (BPF_LD | BPF_DW | BPF_IMM)) {
			if (insns[i].src_reg == BPF_PSEUDO_MAP_FD ||
			    insns[i].src_reg == BPF_PSEUDO_MAP_VALUE)
				insns[i].imm = map_fds[insns[i].imm];
			i++;
		}
	static char log[1 << 20];
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log,
		    .log_size = sizeof(log), .log_level = 1);
	log[0] = 0;
	struct bpf_func_info *finfo = NULL;
	int btf_fd = -1;
	if (code->nfuncs > 1) {
		btf_fd = loader_func_info(code, &finfo);
		if (btf_fd == -EPERM)
			cr_skip_test("KERNEL TEST SKIPPED: loading BTF needs root");
		cr_assert(btf_fd >= 0, "func_info BTF: %s", strerror(-btf_fd));
		o.prog_btf_fd = btf_fd;
		o.func_info = finfo;
		o.func_info_cnt = code->nfuncs;
		o.func_info_rec_size = sizeof(*finfo);
	}
	int fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "tt_test", "GPL",
			       insns, code->ninsns, &o);
	int err = errno;
	free(insns);
	free(finfo);
	if (btf_fd >= 0)
		close(btf_fd);
	if (fd < 0 && (err == EPERM || err == ENOSYS))
		cr_skip_test("KERNEL TEST SKIPPED: bpf(BPF_PROG_LOAD) failed "
			     "with %s: needs root and a kernel with BPF",
			     strerror(err));
	if (fd < 0) {
		struct mem m;
		emit_dump(mem_open(&m), code);
		cr_assert_fail("verifier rejected the program (%s):\n%s\nlog:\n%s",
			 strerror(err), mem_close(&m), log);
	}
	return fd;
}

/* Run a loaded program once with the given u64 context (raw tracepoint
 * arguments); returns its 32-bit return value. */
static inline uint32_t run(int fd, const uint64_t *args, int nargs)
{
	LIBBPF_OPTS(bpf_test_run_opts, t, .ctx_in = args,
		    .ctx_size_in = nargs * sizeof(uint64_t));
	int rc = bpf_prog_test_run_opts(fd, &t);
	cr_assert_eq(rc, 0, "BPF_PROG_TEST_RUN: %s", strerror(errno));
	return t.retval;
}

#endif
