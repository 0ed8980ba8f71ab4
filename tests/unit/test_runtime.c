/* test_runtime.c — loader, attach and runtime on this machine's kernel,
 * with small hand-written BPF programs (no compiler involved).
 *
 * Needs root (BPF, perf events, tracefs); skips loudly otherwise. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <dirent.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "attach.h"
#include "config.h"
#include "loader.h"
#include "output.h"
#include "probes.h"
#include "runtime.h"
#include "tracefs.h"
#include "types.h"

/* ---- instruction macros ------------------------------------------------ */
#define I(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), \
	.src_reg = (s), .off = (o), .imm = (i) })
#define MOV_IMM(d, i) I(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV_REG(d, s) I(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD_IMM(d, i) I(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define RSH_IMM(d, i) I(BPF_ALU64 | BPF_RSH | BPF_K, d, 0, 0, i)
/* two slots: use as LD_MAP(v, n, reg, map index) */
#define LD_MAP(v, n, d, idx) \
	((v)[(n)++] = I(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, idx), \
	 (v)[(n)++] = I(0, 0, 0, 0, 0))
#define ST_DW(d, o, i) I(BPF_ST | BPF_MEM | BPF_DW, d, 0, o, i)
#define STX_DW(d, s, o) I(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define LDX_DW(d, s, o) I(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define JNE_IMM(d, i, o) I(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JEQ_IMM(d, i, o) I(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JNE_REG(d, s, o) I(BPF_JMP | BPF_JNE | BPF_X, d, s, o, 0)
#define CALL(f) I(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT() I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("test_runtime needs root (BPF programs, perf "
			     "events, tracefs): run as root");
	if (!tracefs_path())
		cr_skip_test("tracefs is not available on this machine");
}

/* ---- types by hand (test_output.c does the same) ----------------------- */
static struct type *ity(int size, bool sgn)
{
	struct type *t = calloc(1, sizeof(*t));
	t->kind = TY_INT;
	t->size = t->align = size;
	t->is_signed = sgn;
	return t;
}

static struct type *tuple1(struct type *e)
{
	struct type *t = calloc(1, sizeof(*t));
	t->kind = TY_TUPLE;
	t->size = e->size;
	t->align = e->align;
	t->fields.v = calloc(1, sizeof(struct field));
	t->fields.v[0] = (struct field){ .type = e, .offset = 0 };
	t->fields.n = t->fields.cap = 1;
	return t;
}

/* ---- a program with a ring buffer, a hash map and one action ------------ */

enum { RB, MAP, LOST };

static void add_maps(struct tt_prog *p)
{
	struct tt_map rb = { .name = "ringbuf", .kind = MAPK_RINGBUF,
			     .type = BPF_MAP_TYPE_RINGBUF,
			     .max_entries = 1 << 16, .fd = -1 };
	struct tt_map m = { .name = "@c", .kind = MAPK_USER,
			    .type = BPF_MAP_TYPE_HASH, .key_size = 8,
			    .value_size = 8, .max_entries = 16,
			    .value_type = ity(8, true), .fd = -1 };
	struct tt_map lost = { .name = "lost", .kind = MAPK_LOST,
			       .type = BPF_MAP_TYPE_PERCPU_ARRAY, .key_size = 4,
			       .value_size = 8, .max_entries = 1, .fd = -1 };
	vec_push(&p->maps, rb);
	vec_push(&p->maps, m);
	vec_push(&p->maps, lost);
	p->ringbuf_map = RB;
	p->scratch_map = -1;
	p->lost_map = LOST;
	struct tt_action a = { .kind = ACT_PRINTF, .fmt = "tag %d\n",
			       .args = tuple1(ity(8, true)), .map = -1 };
	vec_push(&p->actions, a);
}

/* Emits record { action 0, tag } when the current tgid is `pid` (0: any)
 * and, for a raw sys_enter tracepoint (nr >= 0), the syscall is nr; then
 * sets @c = 42, and if `exit_after` emits an exit record (action 1). */
static struct bpf_code tag_prog_nr(int tag, int pid, bool exit_after, int nr)
{
	static struct bpf_insn buf[8][64];
	static int nbuf;
	struct bpf_insn *v = buf[nbuf++ % 8];
	int n = 0, nr_skip = -1;

	if (nr >= 0) {
		v[n++] = LDX_DW(2, 1, 8); /* ctx->args[1]: the syscall id */
		v[n++] = JNE_IMM(2, nr, 0);
		nr_skip = n - 1;
	}
	if (pid) {
		v[n++] = CALL(BPF_FUNC_get_current_pid_tgid);
		v[n++] = RSH_IMM(0, 32);
		v[n++] = MOV_IMM(1, pid);
		v[n++] = JNE_REG(0, 1, 0); /* patched below */
	}
	int skip = n - 1;
	LD_MAP(v, n, 1, RB);
	v[n++] = MOV_IMM(2, 16);
	v[n++] = MOV_IMM(3, 0);
	v[n++] = CALL(BPF_FUNC_ringbuf_reserve);
	v[n++] = JEQ_IMM(0, 0, 0); /* patched below */
	int null = n - 1;
	v[n++] = ST_DW(0, 0, 0);   /* action 0: printf */
	v[n++] = ST_DW(0, 8, tag);
	v[n++] = MOV_REG(1, 0);
	v[n++] = MOV_IMM(2, 0);
	v[n++] = CALL(BPF_FUNC_ringbuf_submit);
	if (exit_after) {
		LD_MAP(v, n, 1, RB);
		v[n++] = MOV_IMM(2, 8);
		v[n++] = MOV_IMM(3, 0);
		v[n++] = CALL(BPF_FUNC_ringbuf_reserve);
		v[n++] = JEQ_IMM(0, 0, 4);
		v[n++] = ST_DW(0, 0, 1); /* action 1: exit */
		v[n++] = MOV_REG(1, 0);
		v[n++] = MOV_IMM(2, 0);
		v[n++] = CALL(BPF_FUNC_ringbuf_submit);
	}
	v[null].off = n - null - 1;
	v[n++] = ST_DW(10, -8, 0);
	v[n++] = ST_DW(10, -16, 42);
	LD_MAP(v, n, 1, MAP);
	v[n++] = MOV_REG(2, 10);
	v[n++] = ADD_IMM(2, -8);
	v[n++] = MOV_REG(3, 10);
	v[n++] = ADD_IMM(3, -16);
	v[n++] = MOV_IMM(4, 0);
	v[n++] = CALL(BPF_FUNC_map_update_elem);
	if (pid)
		v[skip].off = n - skip - 1;
	if (nr_skip >= 0)
		v[nr_skip].off = n - nr_skip - 1;
	v[n++] = MOV_IMM(0, 0);
	v[n++] = EXIT();
	return (struct bpf_code){ .insns = v, .ninsns = n };
}

static struct bpf_code tag_prog(int tag, int pid, bool exit_after)
{
	return tag_prog_nr(tag, pid, exit_after, -1);
}

static struct attach_point *ap_new(enum provider prov, const char *target,
				   const char *func)
{
	struct attach_point *ap = calloc(1, sizeof(*ap));
	ap->prov = prov;
	ap->target = target;
	ap->func = func;
	return ap;
}

static void add_probe(struct tt_prog *p, const char *name,
		      struct attach_point *ap, int index, struct bpf_code code,
		      uint32_t prog_type)
{
	struct tt_probe pr = { .name = name, .ap = ap, .index = index,
			       .code = code, .prog_type = prog_type,
			       .prog_fd = -1 };
	vec_push(&p->probes, pr);
}

static struct tt_prog new_prog(void)
{
	struct tt_prog p = { 0 };
	config_defaults(&p.cfg);
	p.cfg.quiet = true;
	add_maps(&p);
	return p;
}

/* Number of open perf events and BPF links of this process. */
static int count_attach_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;
	char path[300], target[128];

	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		ssize_t k = readlink(path, target, sizeof(target) - 1);
		if (k <= 0)
			continue;
		target[k] = '\0';
		if (strstr(target, "perf_event") || strstr(target, "bpf_link") ||
		    strstr(target, "bpf-link"))
			n++;
	}
	closedir(d);
	return n;
}

struct seen { int tags[16]; int n; };

static int collect(void *ctx, void *data, size_t size)
{
	struct seen *s = ctx;
	int64_t rec[2];
	if (size >= 16 && s->n < 16) {
		memcpy(rec, data, 16);
		s->tags[s->n++] = (int)rec[1];
	}
	return 0;
}

Test(runtime, tracepoint_record_arrives_and_detach_leaves_nothing)
{
	need_root();
	struct tt_prog p = new_prog();
	add_probe(&p, "tracepoint:syscalls:sys_enter_getpid",
		  ap_new(PROV_TRACEPOINT, "syscalls", "sys_enter_getpid"), 0,
		  tag_prog(7, getpid(), false), BPF_PROG_TYPE_TRACEPOINT);

	int before = count_attach_fds();
	cr_assert_eq(loader_load(&p), 0);
	cr_assert_eq(attach_all(&p), 0);
	cr_assert_gt(count_attach_fds(), before);

	struct seen s = { .n = 0 };
	struct ring_buffer *rb = ring_buffer__new(p.maps.v[RB].fd, collect, &s, NULL);
	cr_assert_not_null(rb);
	syscall(SYS_getpid);
	ring_buffer__consume(rb);
	cr_assert_eq(s.n, 1, "expected one record from our getpid, got %d", s.n);
	cr_assert_eq(s.tags[0], 7);

	detach_all(&p);
	cr_assert_eq(count_attach_fds(), before, "detach left a perf event or link open");
	syscall(SYS_getpid);
	ring_buffer__consume(rb);
	cr_assert_eq(s.n, 1, "a detached probe still fired");
	detach_all(&p); /* twice is harmless */

	/* the map the program wrote reads back through output.c */
	struct out_mapdata md;
	cr_assert_eq(out_mapdata_read(&p, MAP, &md), 0);
	struct strbuf sb = { 0 };
	out_mapdata_print(&sb, &md, 0, 0, false);
	cr_assert_str_eq(sb.s, "@c: 42\n");
	ring_buffer__free(rb);
	loader_unload(&p);
}

/* Invariant 2: probes on one hook fire in script order, whatever the order
 * they appear in tt_prog.probes. */
static void check_order(enum provider prov, const char *target,
			const char *func, uint32_t type, int nr)
{
	struct tt_prog p = new_prog();
	int me = getpid();
	add_probe(&p, "second", ap_new(prov, target, func), 2,
		  tag_prog_nr(2, me, false, nr), type);
	add_probe(&p, "first", ap_new(prov, target, func), 1,
		  tag_prog_nr(1, me, false, nr), type);
	add_probe(&p, "third", ap_new(prov, target, func), 3,
		  tag_prog_nr(3, me, false, nr), type);
	cr_assert_eq(loader_load(&p), 0);
	cr_assert_eq(attach_all(&p), 0);
	struct seen s = { .n = 0 };
	struct ring_buffer *rb = ring_buffer__new(p.maps.v[RB].fd, collect, &s, NULL);
	syscall(SYS_getpid);
	detach_all(&p);
	ring_buffer__consume(rb);
	cr_assert_eq(s.n, 3, "expected 3 records, got %d", s.n);
	cr_assert(s.tags[0] == 1 && s.tags[1] == 2 && s.tags[2] == 3,
		  "fired in order %d %d %d", s.tags[0], s.tags[1], s.tags[2]);
	ring_buffer__free(rb);
	loader_unload(&p);
}

Test(runtime, tracepoint_probes_fire_in_script_order)
{
	need_root();
	check_order(PROV_TRACEPOINT, "syscalls", "sys_enter_getpid",
		    BPF_PROG_TYPE_TRACEPOINT, -1);
}

Test(runtime, rawtracepoint_probes_fire_in_script_order)
{
	need_root();
	check_order(PROV_RAWTRACEPOINT, NULL, "sys_enter",
		    BPF_PROG_TYPE_RAW_TRACEPOINT, SYS_getpid);
}

Test(runtime, begin_output_follows_notification_then_maps, .init = cr_redirect_stdout)
{
	need_root();
	struct tt_prog p = new_prog();
	add_probe(&p, "begin", ap_new(PROV_BEGIN, NULL, NULL), 0,
		  tag_prog(5, 0, false), BPF_PROG_TYPE_RAW_TRACEPOINT);
	setenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED", "1", 1);
	cr_assert_eq(loader_load(&p), 0);
	int status = runtime_run(&p);
	loader_unload(&p);
	unsetenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED");
	cr_assert_eq(status, 0);
	fflush(stdout);
	cr_assert_stdout_eq_str("__BPFTRACE_NOTIFY_PROBES_ATTACHED\ntag 5\n\n\n@c: 42\n");
}

static void *getpid_loop(void *arg)
{
	volatile bool *stop = arg;
	while (!*stop) {
		syscall(SYS_getpid);
		usleep(10000);
	}
	return NULL;
}

Test(runtime, exit_action_ends_the_run_and_json_output, .init = cr_redirect_stdout)
{
	need_root();
	struct tt_prog p = new_prog();
	struct tt_action ex = { .kind = ACT_EXIT, .map = -1 };
	vec_push(&p.actions, ex);
	p.cfg.output_format = "json";
	add_probe(&p, "tracepoint:syscalls:sys_enter_getpid",
		  ap_new(PROV_TRACEPOINT, "syscalls", "sys_enter_getpid"), 0,
		  tag_prog(9, getpid(), true), BPF_PROG_TYPE_TRACEPOINT);
	cr_assert_eq(loader_load(&p), 0);
	volatile bool stop = false;
	pthread_t t;
	pthread_create(&t, NULL, getpid_loop, (void *)&stop);
	int status = runtime_run(&p);
	stop = true;
	pthread_join(t, NULL);
	loader_unload(&p);
	cr_assert_eq(status, 0);
	fflush(stdout);
	cr_assert_stdout_eq_str("{\"type\": \"printf\", \"data\": \"tag 9\\n\"}\n"
				"{\"type\": \"map\", \"data\": {\"@c\": 42}}\n");
}

Test(runtime, verifier_failure_names_reason_and_script_line)
{
	need_root();
	static struct source src = { .name = "stdin",
				     .text = "begin { $x = foo; }\n" };
	src.len = strlen(src.text);
	static struct bpf_insn bad[] = {
		MOV_REG(0, 2), /* r2 is not initialised */
		EXIT(),
	};
	static struct srcloc locs[2] = { { &src, 1, 14, 3 }, { &src, 1, 14, 3 } };
	struct tt_prog p = new_prog();
	add_probe(&p, "begin", ap_new(PROV_BEGIN, NULL, NULL), 0,
		  (struct bpf_code){ .insns = bad, .ninsns = 2, .locs = locs },
		  BPF_PROG_TYPE_RAW_TRACEPOINT);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_set_stream(f);
	int err = loader_load(&p);
	diag_set_stream(stderr);
	fclose(f);
	cr_assert_lt(err, 0);
	cr_assert(strstr(buf, "R2 !read_ok"), "no verifier reason in:\n%s", buf);
	cr_assert(strstr(buf, "stdin:1:14"), "no script location in:\n%s", buf);
	cr_assert(strstr(buf, "begin { $x = foo; }"), "no source line in:\n%s", buf);
	for (int i = 0; i < p.maps.n; i++)
		cr_assert_eq(p.maps.v[i].fd, -1, "maps not released after failure");
	free(buf);
}

Test(runtime, unsupported_provider_is_an_error_not_a_crash)
{
	need_root();
	struct tt_prog p = new_prog();
	/* watchpoints have no attach hook (yet): attach must fail cleanly */
	add_probe(&p, "watchpoint:0x1000:8:rw", ap_new(PROV_WATCHPOINT, NULL, NULL),
		  0, tag_prog(1, 0, false), BPF_PROG_TYPE_PERF_EVENT);
	cr_redirect_stderr();
	cr_assert_eq(loader_load(&p), 0);
	int before = count_attach_fds();
	cr_assert_lt(attach_all(&p), 0);
	cr_assert_eq(count_attach_fds(), before);
	loader_unload(&p);
}

/* Records with tag `tag` seen within ~ms milliseconds of polling. */
static int poll_tags(struct tt_prog *p, int ms)
{
	struct seen s = { .n = 0 };
	struct ring_buffer *rb = ring_buffer__new(p->maps.v[RB].fd, collect, &s, NULL);
	for (int i = 0; i < ms / 10 && s.n < 3; i++)
		ring_buffer__poll(rb, 10);
	ring_buffer__free(rb);
	return s.n;
}

Test(runtime, interval_and_profile_fire)
{
	need_root();
	struct tt_prog p = new_prog();
	struct attach_point *iv = ap_new(PROV_INTERVAL, "ms", NULL);
	iv->freq = 10;
	add_probe(&p, "interval:ms:10", iv, 0, tag_prog(1, 0, false),
		  BPF_PROG_TYPE_PERF_EVENT);
	cr_assert_eq(loader_load(&p), 0);
	int before = count_attach_fds();
	cr_assert_eq(attach_all(&p), 0);
	cr_assert_eq(count_attach_fds(), before + 2, "one perf event and its link");
	cr_assert_geq(poll_tags(&p, 1000), 3, "interval:ms:10 did not fire");
	detach_all(&p);
	cr_assert_eq(count_attach_fds(), before);
	loader_unload(&p);

	struct tt_prog q = new_prog();
	struct attach_point *pf = ap_new(PROV_PROFILE, "hz", NULL);
	pf->freq = 997;
	add_probe(&q, "profile:hz:997", pf, 0, tag_prog(2, 0, false),
		  BPF_PROG_TYPE_PERF_EVENT);
	cr_assert_eq(loader_load(&q), 0);
	cr_assert_eq(attach_all(&q), 0);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cr_assert_eq(count_attach_fds(), before + 2 * ncpu, "one perf event per CPU");
	volatile unsigned long spin = 0;
	for (unsigned long i = 0; i < 50000000; i++) /* be on a CPU */
		spin += i;
	cr_assert_geq(poll_tags(&q, 1000), 1, "profile:hz:997 did not fire");
	detach_all(&q);
	cr_assert_eq(count_attach_fds(), before);
	loader_unload(&q);
}

__attribute__((noinline)) int tt_uprobe_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

/* File offset of tt_uprobe_target in our own executable. */
static uint64_t self_offset(void *fn, char *path, size_t n)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	uint64_t a = (uint64_t)(uintptr_t)fn, off = 0;

	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, foff;
		char perms[8], file[400] = "";
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %399s", &lo, &hi, perms,
			   &foff, file) >= 4 && a >= lo && a < hi) {
			off = a - lo + foff;
			snprintf(path, n, "%s", file);
		}
	}
	fclose(f);
	return off;
}

Test(runtime, uprobe_and_uretprobe_fire)
{
	need_root();
	static char path[400];
	uint64_t off = self_offset((void *)tt_uprobe_target, path, sizeof(path));
	cr_assert_gt(off, 0);
	struct tt_prog p = new_prog();
	struct attach_point *u = ap_new(PROV_UPROBE, path, "tt_uprobe_target");
	struct attach_point *ur = ap_new(PROV_URETPROBE, path, "tt_uprobe_target");
	u->offset = ur->offset = off;
	add_probe(&p, "uprobe", u, 0, tag_prog(1, getpid(), false), BPF_PROG_TYPE_KPROBE);
	add_probe(&p, "uretprobe", ur, 1, tag_prog(2, getpid(), false), BPF_PROG_TYPE_KPROBE);
	cr_assert_eq(loader_load(&p), 0);
	int before = count_attach_fds();
	cr_assert_eq(attach_all(&p), 0);
	struct seen s = { .n = 0 };
	struct ring_buffer *rb = ring_buffer__new(p.maps.v[RB].fd, collect, &s, NULL);
	cr_assert_eq(tt_uprobe_target(1), 2);
	ring_buffer__consume(rb);
	cr_assert_eq(s.n, 2, "expected entry and return records, got %d", s.n);
	cr_assert(s.tags[0] == 1 && s.tags[1] == 2);
	detach_all(&p);
	cr_assert_eq(count_attach_fds(), before);
	ring_buffer__free(rb);
	loader_unload(&p);
}

/* Pacing the drains (no BPF): a poll of few records never waits; one of
 * many waits a quarter of the ring's fill time at that rate, at most 1 ms. */
Test(pace, waits_a_quarter_of_the_fill_time_at_most_1ms)
{
	/* 15 records: a low rate, never a wait */
	cr_assert_eq(runtime_pace_ns(15, 15 * 48, 1000000, 512 * 1024), 0);
	cr_assert_eq(runtime_pace_ns(0, 0, 1000000, 512 * 1024), 0);
	/* 64 KiB in 1 ms fills 256 KiB in 4 ms: waits 1 ms */
	cr_assert_eq(runtime_pace_ns(1000, 65536, 1000000, 262144), 1000000);
	/* 64 KiB in 100 us fills 256 KiB in 400 us: waits 100 us */
	cr_assert_eq(runtime_pace_ns(1000, 65536, 100000, 262144), 100000);
	/* a 4 KiB ring at 48 MB/s fills in 85 us: waits 21 us */
	int64_t w = runtime_pace_ns(100, 4800, 100000, 4096);
	cr_assert(w >= 21000 && w <= 21400, "waited %lld ns", (long long)w);
	/* a slow trickle of big records: 1 ms at most */
	cr_assert_eq(runtime_pace_ns(16, 16 * 48, 1000000000, 1 << 20),
		     1000000);
	/* no time went by, or no bytes (clock steps): no wait */
	cr_assert_eq(runtime_pace_ns(100, 4800, 0, 4096), 0);
	cr_assert_eq(runtime_pace_ns(100, 0, 1000, 4096), 0);
}
