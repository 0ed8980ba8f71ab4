/* runtime.c — the event loop: from loaded programs to a finished trace.
 *
 * Takes: a loaded tt_prog (loader.c).
 * Produces: the trace on stdout (text or JSON), messages on stderr, the
 * process exit status.
 *
 * Order of events, as bpftrace:
 *   BEGIN (its records wait in the ring buffer, ahead of any event) ->
 *   attach all other probes -> "Attached N probes" (stderr, not with -q)
 *   -> the harness notification line (env
 *   __BPFTRACE_NOTIFY_PROBES_ATTACHED), systemd's READY=1 (env
 *   NOTIFY_SOCKET) -> poll the ring buffer (BEGIN's
 *   output first) until exit(), SIGINT/SIGTERM, or at once when the
 *   script has only BEGIN/END -> detach everything -> END -> every
 *   non-empty script map, sorted by name.
 * Ring buffer records start with a u64 action id (index in
 * tt_prog.actions); records that arrive after exit() are dropped, as
 * bpftrace drops them, except END's.
 *
 * Every record is either printed or counted lost: the probes never wait
 * for the output (a full ring buffer makes them count the record in the
 * per-CPU lost counter instead), the counter is read after the last drain,
 * and SIGINT/SIGTERM/SIGPIPE handlers restart interrupted writes instead
 * of dropping what stdio had buffered.  A reader that goes away (EPIPE,
 * `| head`) ends the trace quietly; any other failed write (-o to a full
 * disk) is reported once and the exit status is 1. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "attach.h"
#include "fmt_actions.h"
#include "fmt_values.h"
#include "loader.h"
#include "mapio.h"
#include "output.h"
#include "probes.h"
#include "prov_runtime.h"
#include "runtime.h"
#include "skbout.h"
#include "symbols.h"
#include "tracefs.h"
#include "types.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig) { got_signal = sig; }
static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { got_usr1 = 1; }


struct run {
	struct tt_prog *p;
	bool json;
	bool exiting;     /* exit() seen: drop further records */
	bool exit_seen;   /* an exit() record was handled */
	bool iterating;   /* iter: probes running: exit() drops nothing */
	bool draining;    /* probes stopped: empty the ring buffer */
	int exit_code;
	uint64_t lost;    /* already reported */
	uint64_t *full;   /* "Map full" counters already reported */
	bool warned_unsupported;
	int errors;       /* errorf() records handled (--test) */
	bool out_failed;  /* writing the output failed (said once) */
	struct timespec batch_end; /* see batch_over() */
	unsigned batch_n;
	uint8_t *unfold;  /* a payload with its constants put back */
	size_t unfold_cap;
	struct skbout *skb;  /* skboutput()'s buffers and files, or NULL */
	struct strbuf text, line; /* a printf record's text and JSON line,
				     kept from record to record */
	uint64_t rb_bytes;        /* ring bytes of the records handled */
	struct timespec pace_t;   /* see rb_pace() */
	uint64_t pace_bytes;
};

/* The first error writing the trace output (stdout, or -o FILE), 0: none. */
static int out_errno;

/* ---- map actions ---------------------------------------------------------- */

/* clear(@m) deletes every key; zero(@m), and clear() of an array, sets
 * every value to zero. */
static void map_clear(const struct tt_map *m, bool zero)
{
	const struct mapio_shape shape = { m->type, m->key_size,
					   m->value_size, m->max_entries };

	if (zero)
		mapio_zero(m->fd, &shape);
	else
		mapio_clear(m->fd, &shape);
}

/* ---- records ---------------------------------------------------------- */

static void note_out_error(void)
{
	if (!out_errno && ferror(stdout))
		out_errno = errno ? errno : EIO;
}

/* Writes sb out and empties it, keeping its memory (the next record's). */
static void write_keep(struct strbuf *sb)
{
	if (sb->len && fwrite(sb->s, 1, sb->len, stdout) != sb->len &&
	    !out_errno)
		out_errno = errno ? errno : EIO;
	sb->len = 0;
	if (sb->s)
		sb->s[0] = 0;
}

static void write_sb(struct strbuf *sb)
{
	write_keep(sb);
	sb_free(sb);
}

/* Flushes the trace output; false once writing it has failed.  A reader
 * that went away (EPIPE) is no error; any other failure is said once,
 * naming the file. */
static bool flush_output(struct run *r)
{
	if (fflush(stdout) == EOF && !out_errno)
		out_errno = errno ? errno : EIO;
	note_out_error();
	if (!out_errno)
		return true;
	if (!r->out_failed && out_errno != EPIPE) {
		const char *f = r->p->cfg.output_file;
		if (f)
			fprintf(stderr, "ERROR: failed to write to output file "
				"'%s': %s\n", f, strerror(out_errno));
		else
			fprintf(stderr, "ERROR: failed to write to stdout: "
				"%s\n", strerror(out_errno));
	}
	r->out_failed = true;
	return false;
}

/* ---- draining the ring buffer ------------------------------------------ */

/* ring_buffer__poll() and ring_buffer__consume() return only once the ring
 * is empty: with events arriving as fast as they are printed, never, and
 * then no signal, exit(), end of the -c command or lost count would be
 * seen.  A batch ends after BATCH_MS, on a signal or after exit():
 * on_record() then returns RB_YIELD after handling its record (which
 * libbpf has consumed), and the poll returns RB_YIELD.  Once the probes
 * are stopped (draining) the ring is emptied whatever it takes. */
#define RB_YIELD (-ECANCELED)
#define BATCH_MS 100

static void batch_start(struct run *r)
{
	clock_gettime(CLOCK_MONOTONIC, &r->batch_end);
	r->batch_end.tv_nsec += BATCH_MS * 1000000L;
	if (r->batch_end.tv_nsec >= 1000000000L) {
		r->batch_end.tv_sec++;
		r->batch_end.tv_nsec -= 1000000000L;
	}
	r->batch_n = 0;
}

static bool batch_over(struct run *r)
{
	struct timespec now;

	if (r->draining)
		return false;
	if (got_signal || r->exiting || r->out_failed)
		return true;
	if (++r->batch_n % 64)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > r->batch_end.tv_sec ||
	       (now.tv_sec == r->batch_end.tv_sec &&
		now.tv_nsec >= r->batch_end.tv_nsec);
}

static int rb_poll(struct run *r, struct ring_buffer *rb, int timeout_ms)
{
	batch_start(r);
	int k = ring_buffer__poll(rb, timeout_ms);
	return k == RB_YIELD ? 0 : k;
}

/* Pacing the drains.  A drain empties the ring, and then the next record
 * wakes us again (the kernel's ring buffer notifies a reader that has
 * caught up): under a high rate thousands of wakeups a second, each one
 * an interrupt in the probe that writes the record and a context switch
 * here, for a few dozen records.  After a drain of PACE_MIN records or
 * more, rb_pace() waits before the next one so that records gather: at
 * most PACE_NS, and at most a quarter of the time the ring would take to
 * fill at the rate that drain saw (runtime_pace_ns()), so waiting does not
 * make it overflow unless the rate quadruples.
 * A drain of fewer records (a low rate) never waits: such output is as
 * prompt as ever, and at a high rate it is at most PACE_NS later. */
#define PACE_MIN 16
#define PACE_NS 1000000L

int64_t runtime_pace_ns(int records, uint64_t bytes, int64_t span_ns,
			uint64_t ring_size)
{
	if (records < PACE_MIN || !bytes || span_ns <= 0)
		return 0;
	/* the ring fills in ring_size * span / bytes ns at this rate */
	double quarter = (double)ring_size * (double)span_ns / (double)bytes / 4;
	return quarter < PACE_NS ? (int64_t)quarter : PACE_NS;
}

/* Before the next poll, after one that handled k records. */
static void rb_pace(struct run *r, int k)
{
	struct timespec now;
	const struct tt_prog *p = r->p;

	clock_gettime(CLOCK_MONOTONIC, &now);
	/* this drain's records came in since the last one ended */
	int64_t wait = runtime_pace_ns(
		k, r->rb_bytes - r->pace_bytes,
		(int64_t)(now.tv_sec - r->pace_t.tv_sec) * 1000000000L +
			(now.tv_nsec - r->pace_t.tv_nsec),
		p->maps.v[p->ringbuf_map].max_entries);
	r->pace_bytes = r->rb_bytes;
	r->pace_t = now;
	if (wait > 0) {
		struct timespec ts = { 0, (long)wait };
		nanosleep(&ts, NULL); /* a signal ends it early: fine */
	}
}

/* Handles what is in the ring buffer now (a batch of it unless
 * draining). */
static void rb_consume(struct run *r, struct ring_buffer *rb)
{
	if (!rb)
		return;
	batch_start(r);
	while (ring_buffer__consume(rb) == RB_YIELD && r->draining)
		;
}

static void do_printf(struct run *r, const struct tt_action *a,
		      const uint8_t *payload)
{
	struct strbuf *text = &r->text, *line = &r->line;

	out_printf(text, a->fmt ? a->fmt : "", a->args, payload);
	if (!r->json) {
		write_keep(text);
		return;
	}
	sb_puts(line, "{\"type\": \"printf\", \"data\": ");
	out_json_string(line, text->s ? text->s : "", text->len);
	sb_puts(line, "}\n");
	text->len = 0;
	write_keep(line);
}

static void do_print_value(struct run *r, const struct tt_action *a,
			   const uint8_t *payload)
{
	struct strbuf sb = { 0 };
	const struct type *t = a->args;

	/* the payload is a tuple of the one argument */
	if (t && t->kind == TY_TUPLE && t->fields.n == 1) {
		payload += t->fields.v[0].offset;
		t = t->fields.v[0].type;
	}
	if (r->json) {
		sb_puts(&sb, "{\"type\": \"value\", \"data\": ");
		out_value(&sb, t, payload, true);
		sb_puts(&sb, "}\n");
	} else {
		out_value(&sb, t, payload, false);
		sb_putc(&sb, '\n');
	}
	write_sb(&sb);
}

/* print(@m[, top[, div]]): optional (top, div) integers in the payload. */
static void do_print_map(struct run *r, const struct tt_action *a,
			 const uint8_t *payload, size_t len)
{
	uint64_t top = 0, div = 0;
	const struct type *t = a->args;

	if (a->map < 0 || a->map >= r->p->maps.n)
		return;
	if (t && t->kind == TY_TUPLE) {
		for (int i = 0; i < t->fields.n && i < 2; i++) {
			const struct field *f = &t->fields.v[i];
			uint64_t v = 0;
			if ((size_t)f->offset + 8 <= len && f->type->size == 8)
				memcpy(&v, payload + f->offset, 8);
			if (i == 0)
				top = v;
			else
				div = v;
		}
	}
	struct out_mapdata md;
	struct strbuf sb = { 0 };
	if (out_mapdata_read(r->p, a->map, &md) < 0)
		return;
	/* print() of a scalar map never assigned shows its zero value
	   (bpftrace's print_empty_scalar_map); at exit it is skipped */
	if (!md.key_type && md.n == 0) {
		size_t vbytes = (size_t)md.ncpus * md.stride;
		md.keys = xrealloc(md.keys, md.key_size ? md.key_size : 1);
		md.values = xrealloc(md.values, vbytes ? vbytes : 1);
		memset(md.values, 0, vbytes);
		md.n = 1;
	}
	out_mapdata_print(&sb, &md, (uint32_t)top, (uint32_t)div, r->json);
	out_mapdata_free(&md);
	write_sb(&sb);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct run *r = ctx;
	uint64_t id;

	/* its length header and its data, 8-byte aligned */
	r->rb_bytes += 8 + ((size + 7) & ~(size_t)7);
	if (size < sizeof(id))
		return 0;
	memcpy(&id, data, sizeof(id));
	if (id >= (uint64_t)r->p->actions.n) {
		fprintf(stderr, "WARNING: unknown action %llu from BPF\n",
			(unsigned long long)id);
		return 0;
	}
	if (r->exiting && !r->iterating && !r->p->actions.v[id].after_exit)
		return batch_over(r) ? RB_YIELD : 0;
	const struct tt_action *a = &r->p->actions.v[id];
	const uint8_t *payload = (const uint8_t *)data + 8;
	size_t len = size - 8;

	if (a->konst && a->args) {
		/* the arguments that are compile-time constants were not
		 * sent: the payload the format reads has them in place */
		size_t n = (size_t)a->args->size;
		if (r->unfold_cap < n) {
			r->unfold = xrealloc(r->unfold, n);
			r->unfold_cap = n;
		}
		memcpy(r->unfold, a->konst, n);
		for (int i = 0; i < a->args->fields.n; i++) {
			const struct field *f = &a->args->fields.v[i];
			size_t from = (size_t)a->from[i], w = (size_t)f->type->size;
			if (a->from[i] >= 0 && from + w <= len)
				memcpy(r->unfold + f->offset, payload + from, w);
		}
		payload = r->unfold;
		len = n;
	}

	switch (a->kind) {
	case ACT_PRINTF:
		do_printf(r, a, payload);
		break;
	case ACT_PRINT_VALUE:
		do_print_value(r, a, payload);
		break;
	case ACT_PRINT_MAP:
		do_print_map(r, a, payload, len);
		break;
	case ACT_CLEAR:
	case ACT_ZERO:
		if (a->map >= 0 && a->map < r->p->maps.n)
			map_clear(&r->p->maps.v[a->map], a->kind == ACT_ZERO);
		break;
	case ACT_EXIT:
		if (len >= 8) {
			int64_t code;
			memcpy(&code, payload, 8);
			r->exit_code = (int)code;
		}
		r->exiting = true;
		r->exit_seen = true;
		break;
	case ACT_UNWATCH:
		if (len >= 8) {
			uint64_t addr;
			memcpy(&addr, payload, 8);
			attach_unwatch(r->p, addr);
		}
		break;
	case ACT_ERRORF:
		r->errors++;
		/* fall through */
	case ACT_TIME:
	case ACT_CAT:
	case ACT_SYSTEM:
	case ACT_JOIN:
	case ACT_WARNF:
	case ACT_HELPER_ERROR:
		fmt_action(a, payload, len, &r->p->cfg, r->json);
		break;
	default:
		if (!r->warned_unsupported)
			fprintf(stderr, "WARNING: this action is not supported "
				"yet; its output is dropped\n");
		r->warned_unsupported = true;
	}
	note_out_error(); /* fmt_action writes to stdout itself */
	return batch_over(r) ? RB_YIELD : 0;
}

/* Whether a probe called exit(), from the internal "exit" map it also
 * sets ([u64 1][int64 code], builtins_lower.c): its ring buffer record may have
 * been lost to a full buffer.  The code goes to *code. */
static bool exit_called(const struct tt_prog *p, int64_t *code)
{
	for (int i = 0; i < p->maps.n; i++) {
		const struct tt_map *m = &p->maps.v[i];
		uint64_t v[2] = { 0, 0 };
		uint32_t key = 0;
		if (m->kind != MAPK_INTERNAL || strcmp(m->name, "exit") ||
		    m->fd < 0 || m->value_size != sizeof(v) ||
		    bpf_map_lookup_elem(m->fd, &key, v) < 0 || !v[0])
			continue;
		memcpy(code, &v[1], sizeof(*code));
		return true;
	}
	return false;
}

/* The lost-record counter (one u64 the probes add to atomically);
 * reports what is new. */
static void check_lost(struct run *r)
{
	const struct tt_prog *p = r->p;

	if (p->lost_map < 0 || p->lost_map >= p->maps.n)
		return;
	const struct tt_map *m = &p->maps.v[p->lost_map];
	uint32_t zero = 0;
	uint64_t total = 0;
	if (m->fd < 0 || m->value_size != sizeof(total) ||
	    bpf_map_lookup_elem(m->fd, &zero, &total) < 0)
		return;
	if (total > r->lost) {
		struct strbuf sb = { 0 };
		out_lost(&sb, total - r->lost, r->json);
		r->lost = total;
		write_sb(&sb);
	}
}

/* The probes' "Map full" counters (the internal "mapfull" array, one u64
 * per probe that updates maps, which each failure's error is added to:
 * irb_map_err): one warning for each that changed since the last look,
 * at the update it names. */
static void check_map_full(struct run *r)
{
	const struct tt_prog *p = r->p;
	const struct tt_map *m = NULL;
	for (int i = 0; i < p->maps.n && !m; i++)
		if (p->maps.v[i].kind == MAPK_INTERNAL && p->maps.v[i].fd >= 0 &&
		    !strcmp(p->maps.v[i].name, "mapfull"))
			m = &p->maps.v[i];
	if (!m)
		return;
	uint32_t n = m->value_size / 8, zero = 0;
	uint64_t *v = xcalloc(n, 8);
	if (!r->full)
		r->full = xcalloc(n, 8);
	if (bpf_map_lookup_elem(m->fd, &zero, v) == 0)
		for (int i = 0; i < p->actions.n; i++) {
			const struct tt_action *a = &p->actions.v[i];
			uint32_t k = (uint32_t)a->counter - 1;
			if (a->kind != ACT_WARNF || !a->counter || k >= n ||
			    v[k] == r->full[k])
				continue;
			r->full[k] = v[k];
			fmt_action(a, NULL, 0, &p->cfg, r->json);
		}
	free(v);
}

/* ---- -c CMD: a child started once the probes are attached ---------------- */

struct child {
	pid_t pid;
	int go;          /* write end: one byte lets the child exec */
	bool exited;
};

/* Forks CMD (split on spaces, no quote removal, as bpftrace) held until
 * child_start(): tracing must be in place before it runs. */
static int child_spawn(struct child *c, const char *cmd)
{
	int fds[2];
	char *copy = xmalloc(strlen(cmd) + 1), *save = NULL;
	char **argv = xcalloc(strlen(cmd) / 2 + 2, sizeof(char *));
	int argc = 0;

	strcpy(copy, cmd);
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	if (argc == 0 || pipe2(fds, O_CLOEXEC) < 0) {
		fprintf(stderr, "ERROR: cannot run '%s': %s\n", cmd,
			argc ? strerror(errno) : "empty command");
		free(copy);
		free(argv);
		return -EINVAL;
	}
	c->pid = fork();
	if (c->pid == 0) {
		char b;
		/* never outlive the tracer, even one killed by SIGKILL (it
		   forks from its main thread, which lives as long as it); if
		   it died before this, the read below sees end-of-file (no
		   getppid(): the command's system calls are traced) */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fds[1]);
		if (read(fds[0], &b, 1) != 1)
			_exit(0); /* the tracer gave up before attaching */
		execvp(argv[0], argv);
		fprintf(stderr, "ERROR: failed to exec '%s': %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	int err = c->pid < 0 ? -errno : 0;
	close(fds[0]);
	c->go = fds[1];
	free(copy);
	free(argv);
	return err;
}

static void child_start(struct child *c)
{
	if (c->go >= 0) {
		if (write(c->go, "x", 1) != 1)
			perror("ERROR: starting the -c command");
		close(c->go);
		c->go = -1;
	}
}

static bool child_done(struct child *c)
{
	if (c->pid > 0 && !c->exited && waitpid(c->pid, NULL, WNOHANG) == c->pid)
		c->exited = true;
	return c->exited;
}

/* Stops a child still running when tracing ends (exit(), a signal):
 * SIGTERM, and SIGKILL if it is still there a second later (a command
 * that ignores SIGTERM must not keep the tracer from exiting). */
static void child_reap(struct child *c)
{
	if (c->go >= 0) {
		close(c->go); /* never started: it exits by itself */
		c->go = -1;
	} else if (c->pid > 0 && !child_done(c)) {
		kill(c->pid, SIGTERM);
		for (int i = 0; i < 100 && !child_done(c); i++)
			poll(NULL, 0, 10);
		if (!c->exited)
			kill(c->pid, SIGKILL);
	}
	if (c->pid > 0 && !c->exited)
		waitpid(c->pid, NULL, 0);
	c->exited = true;
}

/* ---- the run ------------------------------------------------------------ */

/* Runs the probes of kind run in script order; each one's records are
   handled after it unless rb is NULL. */
static int run_special(struct run *r, enum prov_run run, struct ring_buffer *rb)
{
	for (int i = 0; i < r->p->probes.n; i++) {
		struct tt_probe *pr = &r->p->probes.v[i];
		if (prov_run_of(pr) != run)
			continue;
		if (loader_run_once(pr) < 0)
			return -1;
		rb_consume(r, rb);
	}
	return 0;
}

static int map_name_cmp(const void *a, const void *b)
{
	const struct tt_map *x = *(const struct tt_map *const *)a;
	const struct tt_map *y = *(const struct tt_map *const *)b;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* At exit: two blank lines (text; bpftrace prints them even when no map
 * has entries), then every non-empty script map, sorted by name. */
static void print_maps(struct run *r)
{
	const struct tt_prog *p = r->p;
	const struct tt_map **maps = xcalloc(p->maps.n + 1, sizeof(*maps));
	int n = 0;

	if (!r->json)
		fputs("\n\n", stdout);
	for (int i = 0; i < p->maps.n; i++)
		if (p->maps.v[i].kind == MAPK_USER && p->maps.v[i].fd >= 0)
			maps[n++] = &p->maps.v[i];
	qsort(maps, n, sizeof(*maps), map_name_cmp);
	for (int i = 0; i < n; i++) {
		struct out_mapdata md;
		struct strbuf sb = { 0 };
		int idx = (int)(maps[i] - p->maps.v);
		if (out_mapdata_read(p, idx, &md) < 0)
			continue;
		if (md.n > 0)
			out_mapdata_print(&sb, &md, 0, 0, r->json);
		out_mapdata_free(&md);
		write_sb(&sb);
	}
	free(maps);
}

/* iter:NAME:PIN: pinned for others to read, not run here. */
static bool iter_pinned(const struct tt_probe *pr)
{
	return pr->ap && pr->ap->target; /* iter:NAME:PIN */
}

/* iter: probes run in a child process (fork), one read() loop per
 * iterator to its end, while this process drains the ring buffer (one
 * read() can run the program over every task's every vma: more output
 * than the buffer holds).  A process, not a thread: pthread_create brings
 * about 100 KB of glibc into the static binary.  The iterators' `pid` is
 * the child's.  Its exit status: 0, or the errno of what failed. */
static int iter_child(struct tt_prog *p)
{
	char buf[4096];

	/* in script order (tt_probe.index): DESIGN.md invariant 2 */
	for (int last = -1;;) {
		struct tt_probe *pr = NULL;
		for (int i = 0; i < p->probes.n; i++) {
			struct tt_probe *q = &p->probes.v[i];
			if (prov_run_of(q) == RUN_ITER && !iter_pinned(q) &&
			    q->index > last && (!pr || q->index < pr->index))
				pr = q;
		}
		if (!pr)
			return 0;
		last = pr->index;
		int fd = attach_iter_fd(pr);
		if (fd < 0)
			return fd;
		ssize_t k;
		while ((k = read(fd, buf, sizeof(buf))) > 0 ||
		       (k < 0 && errno == EINTR))
			;
		if (k < 0)
			return -errno;
		close(fd);
	}
}

/* Runs the iterators once; 0 or -errno. */
static int run_iters(struct run *r, struct ring_buffer *rb)
{
	int status = 0, err = 0;
	pid_t pid = fork();

	if (pid < 0)
		return -EAGAIN;
	if (pid == 0) {
		/* not outliving the tracer (see child_spawn) */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(-iter_child(r->p));
	}
	r->iterating = true;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		if (rb)
			rb_poll(r, rb, 20);
		else
			poll(NULL, 0, 20);
	}
	if (!err)
		err = WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR;
	/* all of the iterators' output, even after an exit() */
	r->draining = true;
	rb_consume(r, rb);
	r->draining = false;
	r->iterating = false;
	if (err)
		fprintf(stderr, "ERROR: running the iterator: %s\n",
			strerror(-err));
	return err;
}

/* self:signal:SIGUSR1 probes, in script order, after a SIGUSR1. */
static int run_self(struct run *r, struct ring_buffer *rb)
{
	for (int last = -1;;) {
		struct tt_probe *pr = NULL;
		for (int i = 0; i < r->p->probes.n; i++) {
			struct tt_probe *q = &r->p->probes.v[i];
			if (prov_run_of(q) == RUN_SIGNAL &&
			    q->index > last && (!pr || q->index < pr->index))
				pr = q;
		}
		if (!pr)
			return 0;
		last = pr->index;
		if (loader_run_once(pr) < 0)
			return -1;
		rb_consume(r, rb);
	}
}

/* --mode bench: each bench probe, in script order, runs over and over
   (100 ms' worth, at most a million times) and is timed; then the table.
   The time per run includes the BPF_PROG_TEST_RUN call. */
static int run_benches(struct run *r, struct ring_buffer *rb)
{
	struct tt_prog *p = r->p;
	const char **names = xcalloc(p->probes.n + 1, sizeof(*names));
	uint64_t *avg = xcalloc(p->probes.n + 1, sizeof(*avg));
	uint64_t *iters = xcalloc(p->probes.n + 1, sizeof(*iters));
	int n = 0, err = 0;
	int64_t code;

	for (int i = 0; i < p->probes.n && !err; i++) {
		struct tt_probe *pr = &p->probes.v[i];
		struct timespec t0, t1;
		uint64_t ns = 0, k = 0;
		if (prov_run_of(pr) != RUN_BENCH)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (ns < 100000000 && k < 1000000 && !got_signal) {
			if ((err = loader_run_once(pr)) < 0)
				break;
			if (++k % 256 == 0 || k < 256) {
				rb_consume(r, rb);
				clock_gettime(CLOCK_MONOTONIC, &t1);
				ns = (uint64_t)(t1.tv_sec - t0.tv_sec) *
				     1000000000u + (uint64_t)t1.tv_nsec -
				     (uint64_t)t0.tv_nsec;
			}
		}
		rb_consume(r, rb);
		names[n] = pr->ap && pr->ap->func ? pr->ap->func : pr->name;
		avg[n] = k ? ns / k : 0;
		iters[n++] = k;
		if (r->exiting || exit_called(p, &code))
			break;
	}
	struct strbuf sb = { 0 };
	out_bench(&sb, n, names, avg, iters, r->json);
	write_sb(&sb);
	free(names);
	free(avg);
	free(iters);
	return err;
}

/* --test: the "exit" map back to "not called" before the next test. */
static void exit_reset(const struct tt_prog *p)
{
	for (int i = 0; i < p->maps.n; i++) {
		const struct tt_map *m = &p->maps.v[i];
		uint64_t v[2] = { 0, 0 };
		uint32_t key = 0;
		if (m->kind == MAPK_INTERNAL && !strcmp(m->name, "exit") &&
		    m->fd >= 0 && m->value_size == sizeof(v))
			bpf_map_update_elem(m->fd, &key, v, BPF_ANY);
	}
}

/* A test's duration as bpftrace words it: "(N unit)". */
static void put_duration(FILE *f, uint64_t ns)
{
	if (ns < 1000)
		fprintf(f, " (%" PRIu64 " ns)\n", ns);
	else if (ns < 1000000)
		fprintf(f, " (%" PRIu64 " us)\n", ns / 1000);
	else if (ns < 1000000000)
		fprintf(f, " (%" PRIu64 " ms)\n", ns / 1000000);
	else
		fprintf(f, " (%" PRIu64 " s)\n", ns / 1000000000);
}

/* Runs one test probe with its output (stdout and stderr: printf,
 * errorf, ...) caught in *out; true when it passed: it returned 0,
 * called no errorf() and no exit() with a code other than 0. */
static bool run_test(struct run *r, struct ring_buffer *rb,
		     const struct tt_probe *pr, struct strbuf *out,
		     uint64_t *ns)
{
	struct timespec t0, t1;
	uint32_t ret = 0;
	int64_t code = 0;
	FILE *tmp = tmpfile();
	int so = dup(1), se = dup(2);

	fflush(stdout);
	fflush(stderr);
	if (tmp && so >= 0 && se >= 0) {
		dup2(fileno(tmp), 1);
		dup2(fileno(tmp), 2);
	}
	r->errors = 0;
	r->exit_code = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int err = loader_run_once_ret(pr, &ret);
	rb_consume(r, rb);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	bool exited = exit_called(r->p, &code);
	fflush(stdout);
	fflush(stderr);
	if (so >= 0 && se >= 0) {
		dup2(so, 1);
		dup2(se, 2);
	}
	if (so >= 0)
		close(so);
	if (se >= 0)
		close(se);
	if (tmp) {
		char buf[4096];
		size_t n;
		rewind(tmp);
		while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
			sb_putn(out, buf, n);
		fclose(tmp);
	}
	*ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u +
	      (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
	bool passed = !err && ret == 0 && !r->errors && !(exited && code);
	/* an exit() ends its test only */
	exit_reset(r->p);
	r->exiting = r->exit_seen = false;
	r->exit_code = 0;
	return passed;
}

/* --test: each test probe, in script order, once after BEGIN; what
 * bpftrace prints (gtest's layout): RUN, then OK, or the test's output
 * and FAILED, then the counts and the failed tests.  Returns how many
 * failed. */
static int run_tests(struct run *r, struct ring_buffer *rb)
{
	struct tt_prog *p = r->p;
	int *order = xcalloc(p->probes.n + 1, sizeof(int));
	bool *ok = xcalloc(p->probes.n + 1, sizeof(bool));
	int n = 0, failed = 0;
	bool tty = isatty(fileno(stdout));
	const char *green = tty ? "\033[32m" : "", *red = tty ? "\033[31m" : "";
	const char *off = tty ? "\033[0m" : "";

	for (int i = 0; i < p->probes.n; i++)
		if (prov_run_of(&p->probes.v[i]) == RUN_TEST)
			order[n++] = i;
	for (int i = 1; i < n; i++) /* script order: insertion sort */
		for (int j = i; j > 0 && p->probes.v[order[j - 1]].index >
					 p->probes.v[order[j]].index; j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (int k = 0; k < n; k++) {
		const struct tt_probe *pr = &p->probes.v[order[k]];
		const char *name = pr->ap && pr->ap->func ? pr->ap->func
							  : pr->name;
		struct strbuf out = { 0 };
		uint64_t ns;
		if (k == 0)
			printf("%s[==========]%s Running %d test%s.\n", green,
			       off, n, n == 1 ? "" : "s");
		printf("%s[ RUN      ]%s %s\n", green, off, name);
		ok[k] = run_test(r, rb, pr, &out, &ns);
		failed += !ok[k];
		for (const char *s = out.s; !ok[k] && s && *s;) {
			size_t l = strcspn(s, "\n");
			if (l)
				printf("%.*s\n", (int)l, s);
			s += l + (s[l] == '\n');
		}
		sb_free(&out);
		printf("%s[%s]%s %s", ok[k] ? green : red,
		       ok[k] ? "       OK " : "  FAILED  ", off, name);
		put_duration(stdout, ns);
	}
	if (n) {
		printf("%s[==========]%s %d test%s ran.\n", green, off, n,
		       n == 1 ? "" : "s");
		printf("%s[  PASSED  ]%s %d test%s.\n", green, off, n - failed,
		       n - failed == 1 ? "" : "s");
	}
	if (failed)
		printf("%s[  FAILED  ]%s %d test%s, listed below:\n", red, off,
		       failed, failed == 1 ? "" : "s");
	for (int k = 0; k < n && failed; k++)
		if (!ok[k])
			printf("%s[  FAILED  ]%s %s\n", red, off,
			       p->probes.v[order[k]].ap->func);
	fflush(stdout);
	free(order);
	free(ok);
	return failed;
}

/* Sets up the output ring buffer (*rbp), the -c command (paused) and the
   cpid map, runs BEGIN (status 1 in *status if it failed), then attaches
   every other probe; 0 or -1 (with a message). */
static int run_setup(struct run *r, struct child *child,
		     struct ring_buffer **rbp, int *status)
{
	struct tt_prog *p = r->p;

	if (p->ringbuf_map >= 0 && p->ringbuf_map < p->maps.n) {
		*rbp = ring_buffer__new(p->maps.v[p->ringbuf_map].fd,
					on_record, r, NULL);
		if (!*rbp) {
			fprintf(stderr, "ERROR: cannot set up the output ring "
				"buffer: %s\n", strerror(errno));
			return -1;
		}
	}
	int err;
	r->skb = skbout_open(p, &err);
	if (err < 0)
		return -1;
	if (p->cfg.cmd && child_spawn(child, p->cfg.cmd) < 0)
		return -1;
	p->child_pid = p->cfg.cmd ? child->pid : 0;
	for (int i = 0; p->cfg.cmd && i < p->maps.n; i++) {
		/* the cpid builtin reads the command's pid from here */
		const struct tt_map *m = &p->maps.v[i];
		uint32_t key = 0;
		uint64_t pid = (uint64_t)child->pid;
		if (m->kind == MAPK_INTERNAL && !strcmp(m->name, "cpid"))
			bpf_map_update_elem(m->fd, &key, &pid, BPF_ANY);
	}
	/* BEGIN before the other probes are attached (language.md), so
	   nothing precedes its output; the output is read once they are */
	if (run_special(r, RUN_BEGIN, NULL) < 0)
		*status = 1;
	return attach_all(p) < 0 ? -1 : 0;
}

/* systemd's readiness protocol without libsystemd (language.md "Systemd
 * support", Type=notify): one datagram with `state` ("READY=1") to the
 * unix socket NOTIFY_SOCKET names (a leading '@': the abstract
 * namespace).  Nothing without NOTIFY_SOCKET; a failure only warns. */
static void notify_systemd(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = path ? strlen(path) : 0;

	if (!n || (path[0] != '/' && path[0] != '@') ||
	    n >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0)
		fprintf(stderr, "WARNING: could not notify systemd through "
			"%s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* "Attaching N probes..." (unless -q) and the test harness's notice. */
static void announce_attached(struct run *r)
{
	struct tt_prog *p = r->p;

	if (!p->cfg.quiet) {
		struct strbuf sb = { 0 };
		out_attached(&sb, p->probes.n, r->json);
		if (sb.len)
			fwrite(sb.s, 1, sb.len, r->json ? stdout : stderr);
		sb_free(&sb);
	}
	fflush(stderr);
	if (getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED"))
		printf("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n");
	fflush(stdout);
	notify_systemd("READY=1");
}

/* Polls the ring buffer until exit(), a signal, the end of the -c command
   or of the -p process, or an error; runs self probes on SIGUSR1. Takes
   and returns the run's status. */
static int run_loop(struct run *r, struct ring_buffer *rb,
		    struct child *child, int status)
{
	struct tt_prog *p = r->p;
	int64_t exit_code;
	int drained = 0; /* records the last poll handled */

	clock_gettime(CLOCK_MONOTONIC, &r->pace_t);
	while (status == 0 && !r->exiting && !got_signal &&
	       flush_output(r)) {
		if (rb)
			rb_pace(r, drained); /* the output is out: wait? */
		if (got_usr1) {
			got_usr1 = 0;
			if (run_self(r, rb) < 0)
				status = 1;
			fflush(stdout);
			if (r->exiting)
				break;
		}
		if (p->cfg.cmd && child_done(child))
			break;
		if (p->cfg.pid > 0 && kill(p->cfg.pid, 0) < 0 && errno == ESRCH)
			break;
		int k = rb ? rb_poll(r, rb, 200) : poll(NULL, 0, 200);
		skbout_drain(r->skb); /* every 200 ms at least */
		if (k < 0 && k != -EINTR && errno != EINTR) {
			fprintf(stderr, "ERROR: reading the ring buffer: %s\n",
				strerror(k < 0 ? -k : errno));
			status = 1;
		}
		drained = rb && k >= 0 ? k : 0;
		check_lost(r);
		check_map_full(r);
		/* exit() whose record is behind others, or lost: stop; the
		   drain below shows what came before it */
		if (exit_called(p, &exit_code))
			break;
	}
	return status;
}

/* After the run: stops the probes, drains, runs END, prints the maps (-m
   or print_maps_on_exit) and flushes; takes and returns the status. */
static int run_finish(struct run *r, struct ring_buffer *rb,
		      struct child *child, int status)
{
	struct tt_prog *p = r->p;
	int64_t exit_code;

	/* stop the probes, drop what came after exit(), then END; closing
	   the perf events (slow) waits until the output is out */
	attach_stop_all(p);
	child_reap(child);
	r->draining = true; /* nothing adds records but END now */
	rb_consume(r, rb);
	r->exiting = false;
	if (!r->exit_seen && exit_called(p, &exit_code))
		r->exit_code = (int)exit_code; /* its record was lost */
	if (run_special(r, RUN_END, rb) < 0)
		status = 1;
	/* after the last record: every lost one is in the counter */
	check_lost(r);
	check_map_full(r);
	if (p->cfg.print_maps_on_exit)
		print_maps(r);
	if (!flush_output(r) && out_errno != EPIPE)
		status = 1;
	if (status == 0)
		status = r->exit_code;
	return status;
}

/* The trace's stdio buffer when stdout is not a terminal: 64 KiB rather
 * than glibc's st_blksize (4 KiB), a write(2) per 64 KiB of a printf per
 * event.  Output is no later for it: the run loop flushes after every
 * batch (flush_output).  A terminal keeps glibc's line buffering, and -B
 * MODE (main.c) what it asked for. */
static char out_buf[64 * 1024];

/* Does a program of p call helper fn? */
static bool calls_helper(const struct tt_prog *p, int fn)
{
	for (int i = 0; i < p->probes.n; i++) {
		const struct bpf_code *c = &p->probes.v[i].code;
		for (int k = 0; k < c->ninsns; k++)
			if (c->insns[k].code == (BPF_JMP | BPF_CALL) &&
			    c->insns[k].src_reg == 0 && c->insns[k].imm == fn)
				return true;
	}
	return false;
}

int runtime_dry_run(struct tt_prog *p)
{
	struct run r = { .p = p };

	r.json = p->cfg.output_format && !strcmp(p->cfg.output_format, "json");
	if (attach_all(p) < 0)
		return 1;
	announce_attached(&r);
	detach_all_behind(p);
	return 0;
}

int runtime_run(struct tt_prog *p)
{
	struct run r = { .p = p };
	struct child child = { .pid = -1, .go = -1 };
	struct ring_buffer *rb = NULL;
	/* SA_RESTART: a signal must not cut a write to a slow reader short
	   (stdio would drop what it had buffered, uncounted) */
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	struct sigaction old_int, old_term, old_pipe;
	bool only_special = true;
	int status = 0;

	r.json = p->cfg.output_format && !strcmp(p->cfg.output_format, "json");
	out_init(&p->cfg);
	fmt_set_prog(p);
	sym_init(p);
	if (calls_helper(p, BPF_FUNC_trace_printk) ||
	    calls_helper(p, BPF_FUNC_trace_vprintk))
		tracefs_mount_debugfs();
	for (int i = 0; i < p->probes.n; i++)
		if (!probe_is_special(&p->probes.v[i]))
			only_special = false;

	got_signal = 0;
	out_errno = 0;
	if (!p->cfg.buffering_set && !isatty(fileno(stdout))) {
		fflush(stdout);
		setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	/* the reader of the output went away: stop like SIGINT, quietly (the
	   write fails with EPIPE, see flush_output) */
	sigaction(SIGPIPE, &sa, &old_pipe);

	if (run_setup(&r, &child, &rb, &status) < 0) {
		status = 1;
		goto out;
	}
	announce_attached(&r);
	rb_consume(&r, rb); /* BEGIN's output */
	fflush(stdout);
	child_start(&child);

	/* with -c the run lasts as long as the command, even for BEGIN/END
	   only scripts; with -p as long as that process */
	if (p->cfg.cmd)
		only_special = false;
	for (int i = 0; i < p->probes.n; i++)
		if (prov_run_of(&p->probes.v[i]) == RUN_ITER) {
			/* bpftrace: the iterators run once, then the run ends */
			if (status == 0 && run_iters(&r, rb) < 0)
				status = 1;
			only_special = true;
			break;
		}
	bool has_self = false;
	struct sigaction usr1 = { .sa_handler = on_usr1,
				  .sa_flags = SA_RESTART }, old_usr1;
	for (int i = 0; i < p->probes.n; i++)
		if (prov_run_of(&p->probes.v[i]) == RUN_SIGNAL)
			has_self = true;
	if (has_self) {
		got_usr1 = 0;
		sigemptyset(&usr1.sa_mask);
		sigaction(SIGUSR1, &usr1, &old_usr1);
	}
	if (p->cfg.bench && status == 0 && run_benches(&r, rb) < 0)
		status = 1;
	if (p->cfg.test && status == 0 && run_tests(&r, rb) != 0)
		status = 1;
	if (!only_special && !p->cfg.bench && !p->cfg.test)
		status = run_loop(&r, rb, &child, status);
	if (has_self)
		sigaction(SIGUSR1, &old_usr1, NULL);
	status = run_finish(&r, rb, &child, status);
out:
	fflush(stdout);
	fflush(stderr);
	detach_all_behind(p);
	skbout_drain(r.skb); /* the programs have stopped: the last packets */
	if (skbout_lost(r.skb))
		fprintf(stderr, "WARNING: skboutput: %llu packets lost: a perf "
			"event buffer was full (raise perf_rb_pages)\n",
			(unsigned long long)skbout_lost(r.skb));
	skbout_close(r.skb);
	child_reap(&child);
	ring_buffer__free(rb);
	free(r.full);
	free(r.unfold);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	sym_reset(); /* the symbol caches */
	sb_free(&r.text);
	sb_free(&r.line);
	return status;
}
