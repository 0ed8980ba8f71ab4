/* main.c — command line: bpftrace's flags, reading the script, then the
 * driver.  The only file that may exit(). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf.h"
#include "cdecl.h"
#include "config.h"
#include "driver.h"
#include "dwarf.h"
#include "kernel_features.h"
#include "libc_lite.h"
#include "list.h"
#include "probes.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0"
#endif

static void usage(FILE *f)
{
	fputs("USAGE:\n"
	      "    tinytrace [options] filename [args...]\n"
	      "    tinytrace [options] - <stdin input>\n"
	      "    tinytrace [options] -e 'program' [args...]\n"
	      "    args: positional parameters ($1, ...), and after `--` also\n"
	      "    named ones for getopt(): --name[=value]; `-- --help` lists\n"
	      "    the script's\n"
	      "\n"
	      "OPTIONS:\n"
	      "    -e 'program'   execute this program\n"
	      "    -f FORMAT      output format ('text', 'json')\n"
	      "    -o, --output FILE  redirect program output to FILE\n"
	      "    -q             keep messages quiet\n"
	      "    -v             verbose messages\n"
	      "    -k             warn when a bpf helper returns an error\n"
	      "    -p, --pid PID  trace PID (uprobes, USDT)\n"
	      "    -c, --cmd CMD  run CMD and trace it\n"
	      "    -l, --list [search]  list probes\n"
	      "    -I DIR         search DIR for #include'd headers\n"
	      "    --include FILE #include FILE before the script\n"
	      "    -d STAGE       (dry run) print a stage's result: tokens, ast,\n"
	      "                   types, ir, live, stack, mir, asm, all\n"
	      "    --dry-run      load and attach, then exit (nothing runs)\n"
	      "    --unsafe       allow unsafe builtin functions\n"
	      "    --debuginfo DIR  also look for separate debug info in DIR\n"
	      "    --no-warnings  disable all warning messages\n"
	      "    --probe-filter REGEX  attach only the probes whose name\n"
	      "                   matches REGEX (begin and end always run)\n"
	      "    --traceable-functions FILE  the traceable kernel functions\n"
	      "                   (default: tracefs available_filter_functions)\n"
	      "    --mode MODE    'run' the probes (default) or 'bench': run\n"
	      "                   each bench: probe repeatedly and time it\n"
	      "    --bench        the same as --mode bench\n"
	      "    --no-feature F[,F]  do not use uprobe_multi, kprobe_multi,\n"
	      "                   kprobe_session though the kernel has them\n"
	      "    --test         run the test: probes, each once, and say\n"
	      "                   which pass (return 0, no errorf, no exit(N))\n"
	      "    --info         print what this kernel supports\n"
	      "    -h, --help     show this help message\n"
	      "    -V, --version  print the version\n"
	      "    -B MODE, --usdt-file-activation, --verify-llvm-ir\n"
	      "                   accepted for bpftrace's command lines, ignored\n"
	      "\n"
	      "ENVIRONMENT:\n"
	      "    BPFTRACE_MAX_STRLEN, BPFTRACE_MAX_MAP_KEYS, BPFTRACE_LOG_SIZE, ...\n"
	      "    as in bpftrace; BPFTRACE_BTF=FILE: kernel types from this BTF\n"
	      "    file (for a kernel without /sys/kernel/btf/vmlinux)\n",
	      f);
}

/* Read all of a stream; NULL on error (errno set). */
static char *slurp(FILE *f, size_t *len)
{
	struct strbuf b = { 0 };
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_putn(&b, buf, n);
	if (ferror(f)) {
		sb_free(&b);
		return NULL;
	}
	if (!b.s)
		sb_puts(&b, "");
	*len = b.len;
	return b.s;
}

/* True when the first word of -c CMD names an executable file, directly
 * (with a '/') or through $PATH, as execvp() will look for it. */
static bool cmd_executable(const char *cmd)
{
	cmd += strspn(cmd, " ");
	size_t n = strcspn(cmd, " ");
	char *word = strndup(cmd, n);
	struct stat st;
	bool ok = false;

	if (strchr(word, '/')) {
		ok = !stat(word, &st) && S_ISREG(st.st_mode) &&
		     !access(word, X_OK);
	} else if (n) {
		const char *path = getenv("PATH");
		if (!path)
			path = "/usr/local/bin:/usr/bin:/bin";
		while (!ok && *path) {
			size_t dl = strcspn(path, ":");
			char *full = xmalloc(dl + n + 3);
			snprintf(full, dl + n + 3, "%.*s/%s", (int)dl,
				 dl ? path : ".", word);
			ok = !stat(full, &st) && S_ISREG(st.st_mode) &&
			     !access(full, X_OK);
			free(full);
			path += dl + (path[dl] == ':');
		}
	}
	free(word);
	return ok;
}

/* -p PID: a positive decimal number naming a live process. */
static int parse_pid(const char *arg, int *pid)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (end == arg || !isdigit((unsigned char)*arg)) {
		fprintf(stderr, "ERROR: Failed to parse pid: invalid integer: %s\n",
			arg);
		return -1;
	}
	if (*end) {
		fprintf(stderr, "ERROR: Failed to parse pid: invalid trailing "
				"bytes: %s\n", arg);
		return -1;
	}
	/* bpftrace's range: 1 .. /proc/sys/kernel/pid_max */
	long pid_max = 4194304;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	if (f) {
		if (fscanf(f, "%ld", &pid_max) != 1)
			pid_max = 4194304;
		fclose(f);
	}
	if (errno || v <= 0 || v > pid_max) {
		fprintf(stderr, "ERROR: Pid out of range: %s\n", arg);
		return -1;
	}
	if (kill((pid_t)v, 0) < 0 && errno == ESRCH) {
		fprintf(stderr, "ERROR: pid %ld: No such process\n", v);
		return -1;
	}
	*pid = (int)v;
	return 0;
}

enum {
	OPT_INFO = 256, OPT_UNSAFE, OPT_NO_WARNINGS, OPT_DRY_RUN, OPT_IGNORED,
	OPT_IGNORED_ARG, OPT_DEBUGINFO, OPT_INCLUDE, OPT_PROBE_FILTER, OPT_MODE,
	OPT_BENCH, OPT_TRACEABLE, OPT_NO_FEATURE, OPT_TEST,
};

/* --no-feature a,b: features not to use though the kernel has them.
   tinytrace attaches kprobes one link each, so kprobe_multi and
   kprobe_session are never used anyway. */
static int no_feature(const char *arg)
{
	static const char *const known[] = { "uprobe_multi", "kprobe_multi",
					     "kprobe_session" };
	while (*arg) {
		size_t n = strcspn(arg, ",");
		size_t k = 0;
		while (k < ARRAY_SIZE(known) &&
		       (strlen(known[k]) != n || strncmp(arg, known[k], n)))
			k++;
		if (k == ARRAY_SIZE(known)) {
			fprintf(stderr, "ERROR: Unknown feature: '%.*s'. Valid "
				"values are: uprobe_multi, kprobe_multi, "
				"kprobe_session\n", (int)n, arg);
			return -1;
		}
		if (k == 0)
			prov_uprobe_multi_disable();
		arg += n + (arg[n] == ',');
	}
	return 0;
}

/* What main keeps from the flags besides the driver's options. */
struct cmdline {
	const char *prog_text; /* -e */
	const char *out_path;  /* -o */
	int buffering;         /* -B: _IONBF, _IOLBF, _IOFBF; -1 unset */
	bool list;             /* -l */
};

/* Parses the flags into o and cl; -1 to go on, else the status to exit
 * with (-h, -V, --info, a bad flag).  As GNU getopt does, flags may
 * follow operands (`script.bt -p PID ARG`) until a `--`: the operands
 * are moved after the flags, tt_optind is the first of them. */
static int parse_flags_run(int argc, char **argv, struct driver_opts *o,
			   struct cmdline *cl);

static int parse_flags(int argc, char **argv, struct driver_opts *o,
		       struct cmdline *cl)
{
	char **v = xcalloc((size_t)argc + 1, sizeof(char *));
	char **ops = xcalloc((size_t)argc + 1, sizeof(char *));
	int nv = 1, nops = 0, st;
	bool dashdash = false;

	v[0] = argv[0];
	tt_optind = 1;
	for (;;) {
		int start = tt_optind;
		st = parse_flags_run(argc, argv, o, cl);
		int end = tt_optind;
		dashdash = st < 0 && end > start && !strcmp(argv[end - 1], "--");
		for (int i = start; i < end - dashdash; i++)
			v[nv++] = argv[i];
		if (st >= 0 || dashdash || tt_optind >= argc)
			break;
		ops[nops++] = argv[tt_optind++];
	}
	int first = nv;
	for (int i = 0; i < nops; i++)
		v[nv++] = ops[i];
	if (dashdash)
		v[nv++] = "--";
	if (!nops && dashdash)
		first = nv;
	while (nv < argc)
		v[nv++] = argv[tt_optind++];
	memcpy(argv, v, (size_t)argc * sizeof(char *));
	tt_optind = first;
	free(v);
	free(ops);
	return st;
}

static int parse_flags_run(int argc, char **argv, struct driver_opts *o,
			   struct cmdline *cl)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "info", no_argument, NULL, OPT_INFO },
		{ "unsafe", no_argument, NULL, OPT_UNSAFE },
		{ "debuginfo", required_argument, NULL, OPT_DEBUGINFO },
		{ "no-warnings", no_argument, NULL, OPT_NO_WARNINGS },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "pid", required_argument, NULL, 'p' },
		{ "cmd", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "list", no_argument, NULL, 'l' },
		{ "verify-llvm-ir", no_argument, NULL, OPT_IGNORED },
		{ "usdt-file-activation", no_argument, NULL, OPT_IGNORED },
		{ "include", required_argument, NULL, OPT_INCLUDE },
		{ "probe-filter", required_argument, NULL, OPT_PROBE_FILTER },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "bench", no_argument, NULL, OPT_BENCH },
		{ "test", no_argument, NULL, OPT_TEST },
		{ "traceable-functions", required_argument, NULL, OPT_TRACEABLE },
		{ "no-feature", required_argument, NULL, OPT_NO_FEATURE },
		{ 0 },
	};
	int c;

	while ((c = tt_getopt_long(argc, argv, "+e:f:o:qvkp:c:ld:hVB:I:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'e': cl->prog_text = tt_optarg; break;
		case 'f':
			if (strcmp(tt_optarg, "text") && strcmp(tt_optarg, "json")) {
				fprintf(stderr, "ERROR: Invalid output format \"%s\"\n"
					"Valid formats: 'text', 'json'\n", tt_optarg);
				return 1;
			}
			o->cfg.output_format = tt_optarg;
			break;
		case 'o': cl->out_path = tt_optarg; break;
		case 'q': o->cfg.quiet = true; break;
		case 'v': o->cfg.verbose++; break;
		case 'k': o->cfg.helper_check_level++; break;
		case 'p':
			if (parse_pid(tt_optarg, &o->cfg.pid) < 0)
				return 1;
			break;
		case 'c':
			if (!cmd_executable(tt_optarg)) {
				fprintf(stderr, "ERROR: Failed to fork child: path "
					"'%.*s' does not exist or is not "
					"executable\n",
					(int)strcspn(tt_optarg + strspn(tt_optarg, " "),
						     " "),
					tt_optarg + strspn(tt_optarg, " "));
				return 1;
			}
			o->cfg.cmd = tt_optarg;
			break;
		case 'l': cl->list = true; break;
		case 'd': {
			unsigned d = driver_dump_flags(tt_optarg);
			if (!d) {
				fprintf(stderr, "ERROR: unknown -d stage '%s'\n", tt_optarg);
				usage(stderr);
				return 1;
			}
			o->dump |= d;
			break;
		}
		case 'h': usage(stdout); return 0;
		case 'V': printf("bpftrace v0.24.0 (tinytrace %s)\n", PACKAGE_VERSION); return 0;
		case OPT_INFO: features_print(stdout); return 0;
		case OPT_UNSAFE: o->cfg.unsafe = true; break;
		case OPT_INCLUDE:
			if (o->nincludes < (int)ARRAY_SIZE(o->includes))
				o->includes[o->nincludes++] = tt_optarg;
			break;
		case OPT_DEBUGINFO: dwarf_add_debuginfo_path(tt_optarg); break;
		case OPT_NO_WARNINGS: diag_no_warnings = true; break;
		case OPT_DRY_RUN: o->cfg.dry_run = true; break;
		case OPT_PROBE_FILTER: {
			const char *err;
			tt_regfree(o->probe_filter);
			o->probe_filter = tt_regcomp(tt_optarg, &err);
			if (!o->probe_filter) {
				fprintf(stderr, "ERROR: Invalid --probe-filter "
					"regex '%s': %s\n", tt_optarg, err);
				return 1;
			}
			break;
		}
		case OPT_MODE:
			if (strcmp(tt_optarg, "run") && strcmp(tt_optarg, "bench")) {
				fprintf(stderr, "ERROR: Invalid mode \"%s\"\n"
					"Valid modes: 'run', 'bench'\n",
					tt_optarg);
				return 1;
			}
			o->cfg.bench = !strcmp(tt_optarg, "bench");
			break;
		case OPT_BENCH: o->cfg.bench = true; break;
		case OPT_TEST: o->cfg.test = true; break;
		case OPT_TRACEABLE: probes_set_traceable_functions(tt_optarg); break;
		case OPT_NO_FEATURE:
			if (no_feature(tt_optarg) < 0)
				return 1;
			break;
		case 'I': cdecl_add_include_dir(tt_optarg); break;
		case 'B':
			if (!strcmp(tt_optarg, "none"))
				cl->buffering = _IONBF;
			else if (!strcmp(tt_optarg, "line"))
				cl->buffering = _IOLBF;
			else if (!strcmp(tt_optarg, "full"))
				cl->buffering = _IOFBF;
			else {
				fprintf(stderr, "ERROR: Invalid buffer mode \"%s\"\n"
					"Valid modes: 'none', 'line', 'full'\n",
					tt_optarg);
				return 1;
			}
			o->cfg.buffering_set = true;
			break;
		case OPT_IGNORED: case OPT_IGNORED_ARG: break;
		default:
			usage(stderr);
			return 1;
		}
	}
	return -1;
}

/* -l without -e: list the probes the operands search for. */
static int list_operands(int argc, char **argv, struct driver_opts *o)
{
	/* -l [search|file]: the search is the first operand;
	   --debuginfo may follow it (bpftrace -lv 'uprobe:..'
	   --debuginfo=DIR) */
	int k = tt_optind;
	for (int i = tt_optind; i < argc; i++) {
		if (!strncmp(argv[i], "--debuginfo=", 12))
			dwarf_add_debuginfo_path(argv[i] + 12);
		else if (!strcmp(argv[i], "--debuginfo") && i + 1 < argc)
			dwarf_add_debuginfo_path(argv[++i]);
		else
			argv[k++] = argv[i];
	}
	return list_main(k - tt_optind, argv + tt_optind, &o->cfg);
}

/* The script: -e's text, a file's or stdin's ("-"); sets *first_pos to
 * the first positional parameter. 0, or the status to exit with. */
static int read_source(int argc, char **argv, const struct cmdline *cl,
		       struct source *src, int *first_pos)
{
	*first_pos = tt_optind;
	if (cl->prog_text) {
		src->name = "stdin";
		src->text = cl->prog_text;
		src->len = strlen(cl->prog_text);
	} else if (tt_optind < argc) {
		const char *path = argv[tt_optind++];
		*first_pos = tt_optind;
		FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
		if (!f) {
			fprintf(stderr, "ERROR: failed to open file '%s': %s\n", path,
				strerror(errno));
			return 1;
		}
		size_t len;
		char *text = slurp(f, &len);
		if (f != stdin)
			fclose(f);
		if (!text) {
			fprintf(stderr, "ERROR: failed to read file '%s': %s\n", path,
				strerror(errno));
			return 1;
		}
		src->name = f == stdin ? "stdin" : path;
		src->text = text;
		src->len = len;
	} else if (!cl->list) {
		fputs("ERROR: No program specified\n", stderr);
		usage(stderr);
		return 1;
	}
	return 0;
}

/* The script's parameters, argv[first..]: positional ones ($1..) anywhere,
 * named ones (`--name`, `--name=value`, read by getopt()) only after a
 * `--`, which getopt may have taken already (`-e 'prog' -- --aa=1`). */
static void split_params(int argc, char **argv, int first,
			 struct tt_config *c)
{
	bool named = first > 1 && !strcmp(argv[first - 1], "--");
	c->pos_params = xcalloc((size_t)argc + 1, sizeof(char *));
	c->named_params = xcalloc((size_t)argc + 1, sizeof(char *));
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		if (!named && !strcmp(a, "--"))
			named = true;
		else if (named && a[0] == '-' && a[1] == '-' && a[2])
			c->named_params[c->nnamed_params++] = argv[i] + 2;
		else
			c->pos_params[c->npos_params++] = argv[i];
	}
}

/* BPFTRACE_BTF: kernel types from this BTF (or vmlinux ELF) file instead
 * of /sys/kernel/btf/vmlinux, e.g. on a kernel built without BTF. */
static void use_btf_env(void)
{
	const char *path = getenv("BPFTRACE_BTF");
	if (!path || !*path)
		return;
	if (access(path, R_OK) < 0)
		fprintf(stderr, "WARNING: BPFTRACE_BTF=%s: %s; kernel types "
				"are unknown\n", path, strerror(errno));
	btf_set_vmlinux_path(path);
}

int main(int argc, char **argv)
{
	struct driver_opts o = { 0 };
	config_defaults(&o.cfg);
	struct cmdline cl = { .buffering = -1 };
	struct source src = { 0 };
	int first_pos, st;

	if ((st = parse_flags(argc, argv, &o, &cl)) >= 0)
		return st;
	use_btf_env();
	if (cl.list && !cl.prog_text)
		return list_operands(argc, argv, &o);
	if ((st = read_source(argc, argv, &cl, &src, &first_pos)))
		return st;
	split_params(argc, argv, first_pos, &o.cfg);

	if (cl.list)
		return list_program(&src, &o.cfg);
	if (cl.out_path && !freopen(cl.out_path, "w", stdout)) {
		fprintf(stderr, "ERROR: failed to open output file '%s': %s\n",
			cl.out_path, strerror(errno));
		return 1;
	}
	o.cfg.output_file = cl.out_path;
	/* -B: how the trace output (stdout or the -o file) is buffered */
	if (cl.buffering >= 0)
		setvbuf(stdout, NULL, cl.buffering, cl.buffering == _IONBF ? 0 : BUFSIZ);
	o.src = &src;
	return driver_run(&o);
}
