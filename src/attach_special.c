/* attach_special.c — the runtime half of begin, end and self
 * (prov_special.c is the front half).  Nothing is attached: the runtime
 * runs BEGIN once before the other probes are attached and END once after
 * they are detached, with BPF_PROG_TEST_RUN, and a self:signal probe the
 * same way whenever the signal arrives, and with --mode bench each bench
 * probe many times after BEGIN (runtime.c times them), with --test each
 * test probe once (runtime.c judges them). */
#include "prov_runtime.h"

const struct prov_runtime prov_begin_rt = { .run = RUN_BEGIN };
const struct prov_runtime prov_end_rt = { .run = RUN_END };
const struct prov_runtime prov_self_rt = { .run = RUN_SIGNAL };
const struct prov_runtime prov_bench_rt = { .run = RUN_BENCH };
const struct prov_runtime prov_test_rt = { .run = RUN_TEST };
