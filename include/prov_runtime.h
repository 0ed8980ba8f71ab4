/* prov_runtime.h — the runtime half of the providers (provider.h has the
 * front half and the list of providers, PROVIDERS).
 *
 * Each family of probe types has a runtime file, src/attach_NAME.c beside
 * its front file src/prov_NAME.c, that defines prov_NAME_rt for each of
 * its probe types: how the runtime runs them, the attach hook (which
 * calls hook.h, never the compiler) and the kernel's firing order on one
 * hook.  attach.c's table is generated from PROVIDERS, so a new probe
 * type is its front file, its runtime file, one line in PROVIDERS and
 * both names in Makefile.am.  Only attach.c and runtime.c read it; the
 * front half never points here, so nothing the compiler reaches can
 * attach anything (doc/design-notes.md, "Providers").
 *
 * Takes: a loaded probe (tt_probe.prog_fd, tt_probe.ap concrete).
 * Produces: the probe attached; 0 or -errno. */
#ifndef PROV_RUNTIME_H
#define PROV_RUNTIME_H

#include "prog.h"
#include "provider.h"

/* How the runtime runs a provider's probes. */
enum prov_run {
	RUN_ATTACHED, /* attached to a kernel hook (attach) */
	RUN_BEGIN,    /* run once before the others are attached... */
	RUN_END,      /* ...and once after they are detached
			 (BPF_PROG_TEST_RUN) */
	RUN_ITER,     /* attached as an iterator link, read once by the
			 runtime (attach_iter_fd) */
	RUN_SIGNAL,   /* run when the signal arrives (BPF_PROG_TEST_RUN) */
	RUN_BENCH,    /* --mode bench: run repeatedly and timed after BEGIN
			 (BPF_PROG_TEST_RUN) */
	RUN_TEST,     /* --test: run once each after BEGIN, its return value,
			 errorf() calls and exit() code judged (BPF_PROG_TEST_RUN) */
};

struct prov_runtime {
	enum prov_run run;
	/* Attaches the loaded program pr->prog_fd, keeping what holds it
	 * attached with hook_keep_fd() (closed by detach, which is the same
	 * for every provider).  0 or -errno; a provider explains its own
	 * special cases on stderr, attach_probe() says the rest.  NULL:
	 * nothing to attach. */
	int (*attach)(struct tt_prog *p, struct tt_probe *pr);
	/* The kernel runs the programs on one hook most recently attached
	 * first (doc/design-notes.md, "Invariant 2, measured"): attach_all()
	 * attaches these in reverse script order. */
	bool newest_first;
	/* Where it depends on the probe: newest_first for pr (NULL: the
	 * flag above). */
	bool (*newest_first_of)(const struct tt_probe *pr);
};

/* X(ENUM, name) of PROVIDERS: the runtime half prov_name_rt. */
#define PROV_RT_DECL_(E, n) extern const struct prov_runtime prov_##n##_rt;
PROVIDERS(PROV_RT_DECL_)
#undef PROV_RT_DECL_

/* The runtime half of a probe's provider (attach.c; NULL without one). */
const struct prov_runtime *prov_runtime_of(const struct tt_probe *pr);
/* How the runtime runs pr (a probe without an attach point, made by hand
 * in tests: RUN_BEGIN/RUN_END when named begin/end). */
enum prov_run prov_run_of(const struct tt_probe *pr);
/* The uprobe PMU attach of uprobe, uretprobe and usdt (attach_uprobe.c). */
int attach_uprobe_locs(struct tt_prog *p, struct tt_probe *pr);

#endif
