/* prov_kprobe.c — kprobe:[MODULE:]FUNC[+OFFSET] (k:) and
 * kretprobe:[MODULE:]FUNC (kr:).
 *
 * Wildcards match the traceable kernel functions (also fentry's, so the
 * list is read here once for both: prov_kfuncs), less the kprobe
 * blacklist.  Programs are BPF_PROG_TYPE_KPROBE on struct pt_regs: arg0-
 * arg5 and func in a kprobe, retval in a kretprobe.  Attached as perf
 * events of the kprobe PMU.  The kernel adds each kprobe handler of one
 * address at the head of its list, so kprobes run the newest program
 * first; a kretprobe's entry handlers do too, but each pushes its return
 * instance on a stack, so the return handlers run in attach order. */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/bpf.h>

#include "btf.h"
#include "probes.h"

static int kprobe_parse(struct attach_point *ap, char **parts, int n)
{
	bool offset = ap->prov == PROV_KPROBE;
	if (n == 3) {
		ap->target = parts[1];
		return prov_parse_func_offset(ap, parts[2], offset);
	}
	if (n == 2)
		return prov_parse_func_offset(ap, parts[1], offset);
	return prov_nargs_error(ap, "1 argument");
}

static const char *kprobe_name(const struct attach_point *ap)
{
	if (!ap->func || !*ap->func)
		return ap->raw; /* an address */
	return tt_sprintf("%s:%s%s%s%s", probes_provider_name(ap->prov),
			  ap->target ? ap->target : "",
			  ap->target ? ":" : "", ap->func,
			  ap->offset ? tt_sprintf("+%llu",
				       (unsigned long long)ap->offset) : "");
}

/* ---- the traceable kernel functions --------------------------------------- */

static VEC(struct kfunc) kfuncs;
static bool kfuncs_read;

static int cmp_kfunc(const void *a, const void *b)
{
	const struct kfunc *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->module, y->module);
}

/* "name" or "name [module]" at s (one line, cut at the newline). */
static void kfunc_add(char *s)
{
	char *nl = strchr(s, '\n');
	if (nl)
		*nl = 0;
	char *sp = strpbrk(s, " \t");
	const char *mod = "vmlinux";
	if (sp) {
		*sp = 0;
		char *m = strchr(sp + 1, '[');
		if (m) {
			mod = m + 1;
			m[1 + strcspn(m + 1, "]")] = 0;
		}
	}
	/* what the kernel lists but no probe can use: the placeholder for
	 * dropped addresses, assembler labels, padding and CFI stubs,
	 * split-off cold and partial bodies */
	if (!*s || *s == '.' || !strncmp(s, "__ftrace_invalid_address__", 26) ||
	    !strncmp(s, "__pfx_", 6) || !strncmp(s, "__cfi_", 6) ||
	    strstr(s, ".cold") || strstr(s, ".part."))
		return;
	struct kfunc k = { prov_cache_strdup(s), prov_cache_strdup(mod) };
	vec_push(&kfuncs, k);
}

static const char *traceable_path; /* --traceable-functions */

void probes_set_traceable_functions(const char *path)
{
	traceable_path = path;
	kfuncs_read = false;
	kfuncs.n = 0;
}

/* <tracefs>/available_filter_functions: what ftrace, and so kprobes and
 * trampolines, can hook.  False when it cannot be read or is empty.  With
 * --traceable-functions that file instead, which may be empty. */
static bool read_filter_functions(void)
{
	const char *root = prov_tracefs();
	FILE *f = traceable_path ? fopen(traceable_path, "r") :
		  root ? fopen(tt_sprintf("%s/available_filter_functions",
					  root), "r")
		       : NULL;
	if (!f) {
		if (traceable_path)
			diag_warning(NULL, "cannot read %s: %s", traceable_path,
				     strerror(errno));
		return traceable_path != NULL;
	}
	char line[512];
	bool any = false;
	while (fgets(line, sizeof(line), f)) {
		kfunc_add(line);
		any = true;
	}
	bool ok = !ferror(f) && (any || traceable_path);
	fclose(f);
	if (!ok)
		kfuncs.n = 0;
	return ok;
}

/* The text symbols of /proc/kallsyms: "ADDR T name [module]". */
static void read_kallsyms(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, ' ');
		if (!name || !name[1] || name[2] != ' ')
			continue;
		if (name[1] != 't' && name[1] != 'T')
			continue;
		kfunc_add(name + 3);
	}
	fclose(f);
}

int prov_kfuncs(const struct kfunc **out)
{
	if (!kfuncs_read) {
		kfuncs_read = true;
		if (!read_filter_functions())
			read_kallsyms();
		if (kfuncs.n) {
			qsort(kfuncs.v, kfuncs.n, sizeof(*kfuncs.v), cmp_kfunc);
			int n = 1;
			for (int i = 1; i < kfuncs.n; i++)
				if (cmp_kfunc(&kfuncs.v[i], &kfuncs.v[n - 1]))
					kfuncs.v[n++] = kfuncs.v[i];
			kfuncs.n = n;
		}
	}
	*out = kfuncs.v;
	return kfuncs.n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Functions kprobes refuse (the kernel's NOKPROBE list, in debugfs when
 * it is mounted): sorted names, read once. */
static VEC(char *) kp_blacklist;
static bool kp_blacklist_read;

static bool kprobe_blacklisted(const char *name)
{
	if (!kp_blacklist_read) {
		kp_blacklist_read = true;
		FILE *f = fopen("/sys/kernel/debug/kprobes/blacklist", "r");
		char line[512];
		/* "0xADDR-0xADDR\tname [module]" */
		while (f && fgets(line, sizeof(line), f)) {
			char *t = strchr(line, '\t');
			if (!t)
				continue;
			t++;
			t[strcspn(t, " \n")] = 0;
			vec_push(&kp_blacklist, prov_cache_strdup(t));
		}
		if (f)
			fclose(f);
		if (kp_blacklist.n)
			qsort(kp_blacklist.v, kp_blacklist.n, sizeof(char *),
			      cmp_str);
	}
	return kp_blacklist.n &&
	       bsearch(&name, kp_blacklist.v, kp_blacklist.n, sizeof(char *),
		       cmp_str);
}

const char *prov_kernel_what(const struct attach_point *ap)
{
	bool mod = ap->target && *ap->target;
	return tt_sprintf("%s %s%s%s", probes_provider_name(ap->prov),
			  mod ? ap->target : "", mod ? ":" : "", ap->func);
}

int prov_kernel_module_check(struct attach_point *ap,
			     const char *(*name)(const struct attach_point *))
{
	const char *mod = ap->target && *ap->target ? ap->target : NULL;
	struct stat st;

	if (mod && !prov_has_wildcard(mod) && strcmp(mod, "vmlinux") &&
	    stat(tt_sprintf("/sys/module/%s", mod), &st)) {
		diag_error(&ap->loc, "specified module %s in probe %s is not "
				     "loaded.", mod, name(ap));
		return -1;
	}
	return 0;
}

/* [module:]func[+offset]: wildcards over the traceable functions less the
 * kprobe blacklist; one attach point each. */
static int kprobe_expand(struct attach_point *ap, struct ap_vec *out)
{
	const char *mod = ap->target && *ap->target ? ap->target : NULL;

	if (prov_kernel_module_check(ap, kprobe_name) < 0)
		return -1;
	const struct kfunc *kf;
	int nkf = prov_kfuncs(&kf), found = 0;
	if (!ap->wildcard) {
		/* a function this kernel lacks (swapin.bt's swap_read_folio
		   on 6.1): with missing_probes warn or ignore it is dropped
		   here, like a wildcard matching nothing; else attaching
		   says why */
		bool known = (!nkf && !traceable_path) || !ap->func ||
			     !*ap->func;
		for (int i = 0; !known && i < nkf; i++)
			known = !strcmp(kf[i].name, ap->func) &&
				(!mod || !strcmp(kf[i].module, mod));
		/* bpftrace's words; --unsafe tries it all the same */
		if (!known)
			diag_warning(&ap->loc, "%s is not traceable (either "
				     "non-existing, inlined, or marked as "
				     "\"notrace\"); attaching to it will "
				     "likely fail", ap->func);
		if (!known && !prov_cfg_unsafe())
			return prov_no_match(ap, prov_kernel_what(ap));
		vec_push(out, ap);
		return 0;
	}
	for (int i = 0; i < nkf; i++) {
		const struct kfunc *k = &kf[i];
		if (fnmatch(ap->func, k->name, 0) ||
		    (mod && fnmatch(mod, k->module, 0)))
			continue;
		if (kprobe_blacklisted(k->name))
			continue;
		struct attach_point *c = prov_ap_copy(ap);
		c->func = k->name;
		/* kprobe:vfs_read, kprobe:MOD:func for a module's (as -l) */
		c->target = mod || strcmp(k->module, "vmlinux") ? k->module
								: NULL;
		c->raw = kprobe_name(c);
		vec_push(out, c);
		found++;
	}
	if (!found)
		return prov_no_match(ap, prov_kernel_what(ap));
	return 0;
}

/* ---- -l ------------------------------------------------------------------------ */

/* kprobe:FUNC, kprobe:MOD:FUNC: one part is a function of any module,
 * two are module and function. */
static void kprobe_list(const struct prov_query *q, const struct prov_ops *p,
			prov_entry_vec *out)
{
	const char *mod = q->n >= 2 ? q->p[0] : NULL;
	const char *fn = q->n >= 2 ? q->p[1] : prov_query_part(q, 0);
	const struct kfunc *kf;
	int nkf = prov_kfuncs(&kf);
	for (int i = 0; i < nkf; i++) {
		const struct kfunc *k = &kf[i];
		bool vmlinux = !strcmp(k->module, "vmlinux");
		if (mod && fnmatch(mod, k->module, 0))
			continue;
		if (fnmatch(fn, k->name, 0))
			continue;
		prov_list_add(out, q, p->id,
			      vmlinux ? tt_sprintf("%s:%s", p->name, k->name)
				      : tt_sprintf("%s:%s:%s", p->name,
						   k->module, k->name),
			      vmlinux ? NULL : k->module, k->name);
	}
}

/* -lv: BTF argument types; kprobes read arguments as arg0, arg1, ... */
static void kprobe_list_args(const struct prov_entry *e, FILE *out)
{
	struct btf_fn f;
	if (btf_func_args(e->mod, e->fn, &f) == 0)
		for (int i = 0; i < f.nargs; i++)
			fprintf(out, "    %s arg%d\n", f.args[i].ctext, i);
}

const struct prov_ops prov_kprobe = {
	.id = PROV_KPROBE,
	.name = "kprobe",
	.aliases = "kprobe k",
	.flags = PF_PTREGS | PF_REG | PF_IP_AT_PROBE | PF_PID_FILTER,
	.parse = kprobe_parse,
	.expand = kprobe_expand,
	.ap_name = kprobe_name,
	.list = kprobe_list,
	.kernel_need = NEED_KPROBE_PMU,
	.listed = true,
	.list_args = kprobe_list_args,
	.list_parts = prov_list_parts_modfunc,
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.args = ARGS_PTREGS,
	.func = FUNC_KSYM,
};

const struct prov_ops prov_kretprobe = {
	.id = PROV_KRETPROBE,
	.name = "kretprobe",
	.aliases = "kretprobe kr",
	.flags = PF_PTREGS | PF_REG | PF_PID_FILTER,
	.parse = kprobe_parse,
	.expand = kprobe_expand,
	.ap_name = kprobe_name,
	.list = kprobe_list,
	.kernel_need = NEED_KPROBE_PMU,
	.list_args = kprobe_list_args,
	.list_parts = prov_list_parts_modfunc,
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.retval = RETVAL_PTREGS,
	.func = FUNC_KSYM,
};
