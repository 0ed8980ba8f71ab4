/* builtins_lower.c — the lowering half of the builtins: one hook per
 * entry of builtin_names.h's list, in a table indexed by builtin id
 * (builtins_lower.h); ir_build calls it, sema never does.  The builtins
 * whose values userspace resolves are in builtins_lower_values.c.
 *
 * Takes: N_BUILTIN/N_CALL nodes that sema typed (builtins_type.c), and for
 * aggregations the N_MAP node assigned to.  Produces: their IR through the
 * IR builder (irb.h), and their value. */
#include "builtins_lower.h"

#include <elf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "arch.h"
#include "btf.h"
#include "builtins_lower_values.h"
#include "cdecl.h"
#include "builtins_type.h"
#include "probes.h"
#include "usdt.h"

static struct irval stack_len(struct irb *b, struct node *n);
static const char *probe_name(struct irb *b, struct node *n);

static struct irval lo_len(struct irb *b, struct node *n, struct node *m)
{
	struct node *map = n->args.v[0];
	if (map->kind != N_MAP)
		return stack_len(b, n);
	struct irval v = irb_map_len(b, irb_map_index(b, map), &n->loc);
	v.t = n->type;
	return v;
}

static struct irval scalar(struct type *t, int reg)
{
	struct irval v = { t, ref_reg(reg) };
	return v;
}

static struct irval void_val(void)
{
	struct irval v = { type_void(), { .kind = REF_NONE } };
	return v;
}

static struct irval op_imm(struct irb *b, enum ir_op op, int src, int64_t imm,
			   struct type *t, const struct srcloc *loc)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, op, loc);
	in->dst = d;
	in->arg[0] = ref_reg(src);
	in->arg[1] = ref_imm(imm);
	return scalar(t, d);
}

/* The PID namespace tinytrace runs in, when it is not the initial one
 * (whose inode is fixed, PROC_PID_INIT_INO): its device, in the kernel's
 * dev_t encoding, and inode, as bpf_get_ns_current_pid_tgid takes them.
 * False in the initial namespace (or without /proc): there pid(curr_ns)
 * is pid(init).  (/proc shows that namespace's pids, so ustack/usym
 * values carry them too: store_pid_probe.) */
static bool own_pidns(uint64_t *dev, uint64_t *ino)
{
	struct stat st;
	if (stat("/proc/self/ns/pid", &st) < 0 || st.st_ino == 0xEFFFFFFCu)
		return false;
	*dev = ((uint64_t)major(st.st_dev) << 20) | minor(st.st_dev);
	*ino = st.st_ino;
	return true;
}

/* pid/tid as seen from tinytrace's PID namespace (curr_ns, the default)
 * when that is not the initial one: bpf_get_ns_current_pid_tgid into a
 * zeroed struct bpf_pidns_info { u32 pid (the thread), u32 tgid }.
 * Returns false when the initial namespace's ids are the answer. */
static bool lo_ns_id(struct irb *b, struct node *n, int off,
		     struct irval *out)
{
	uint64_t dev, ino;
	if ((n->args.n && !strcmp(n->args.v[0]->name, "init")) ||
	    !own_pidns(&dev, &ino))
		return false;
	int s = irb_slot_sized(b, 8, 8, "pidns_info");
	irb_zero(b, ref_slot(s, 0), 0, 8, &n->loc);
	irb_call(b, BPF_FUNC_get_ns_current_pid_tgid, &n->loc, 4,
		 ref_imm((int64_t)dev), ref_imm((int64_t)ino), ref_slot(s, 0),
		 ref_imm(8));
	*out = irb_load(b, ref_slot(s, 0), off, n->type, &n->loc);
	return true;
}

static struct irval lo_pid(struct irb *b, struct node *n, struct node *m)
{
	struct irval v;
	if (lo_ns_id(b, n, 4, &v))
		return v;
	int r = irb_call(b, BPF_FUNC_get_current_pid_tgid, &n->loc, 0);
	return op_imm(b, IR_LSHR, r, 32, n->type, &n->loc);
}

static struct irval lo_tid(struct irb *b, struct node *n, struct node *m)
{
	struct irval v;
	if (lo_ns_id(b, n, 0, &v))
		return v;
	int r = irb_call(b, BPF_FUNC_get_current_pid_tgid, &n->loc, 0);
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ZEXT, &n->loc);
	in->dst = d;
	in->arg[0] = ref_reg(r);
	in->size = 4;
	return scalar(n->type, d);
}

static struct irval lo_uid(struct irb *b, struct node *n, struct node *m)
{
	int r = irb_call(b, BPF_FUNC_get_current_uid_gid, &n->loc, 0);
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ZEXT, &n->loc);
	in->dst = d;
	in->arg[0] = ref_reg(r);
	in->size = 4;
	return scalar(n->type, d);
}

static struct irval lo_gid(struct irb *b, struct node *n, struct node *m)
{
	int r = irb_call(b, BPF_FUNC_get_current_uid_gid, &n->loc, 0);
	return op_imm(b, IR_LSHR, r, 32, n->type, &n->loc);
}

/* Builtins that are one helper call returning the value. */
static struct irval lo_helper(struct irb *b, struct node *n, struct node *m)
{
	static const struct { const char *name; int helper; } h[] = {
		{ "nsecs", BPF_FUNC_ktime_get_boot_ns },
		{ "cpu", BPF_FUNC_get_smp_processor_id },
		{ "rand", BPF_FUNC_get_prandom_u32 },
		{ "cgroup", BPF_FUNC_get_current_cgroup_id },
		{ "curtask", BPF_FUNC_get_current_task },
		{ "jiffies", BPF_FUNC_jiffies64 },
		{ "numaid", BPF_FUNC_get_numa_node_id },
	};
	for (size_t i = 0; i < ARRAY_SIZE(h); i++)
		if (!strcmp(n->name, h[i].name))
			return scalar(n->type,
				      irb_call(b, h[i].helper, &n->loc, 0));
	return irb_unsupported(b, &n->loc, n->name);
}

static struct irval lo_comm_of(struct irb *b, struct node *n);

static struct irval lo_comm(struct irb *b, struct node *n, struct node *m)
{
	if (n->args.n)
		return lo_comm_of(b, n);
	struct ref s = irb_result(b, n, "comm");
	/* older kernels (Debian 12's 6.1) copy the name with strscpy(),
	 * not strscpy_pad(): the bytes after its NUL would be whatever the
	 * stack held, and a map keyed on comm would hold one key per
	 * process instead of one per name */
	irb_zero(b, s, 0, 16, &n->loc);
	irb_call(b, BPF_FUNC_get_current_comm, &n->loc, 2, s, ref_imm(16));
	struct irval v = { n->type, s };
	return v;
}

/* comm(pid): task = bpf_task_from_pid(pid); its comm read with
 * probe_read_kernel; bpf_task_release(task).  "" when there is none. */
static struct irval lo_comm_of(struct irb *b, struct node *n)
{
	struct type *task = btf_type_by_name("struct task_struct");
	const struct field *f = task ? type_field(task, "comm") : NULL;
	if (!f)
		return irb_error(b, &n->loc, "comm(pid): no comm in this "
					     "kernel's struct task_struct");
	struct irval pid = irb_expr(b, n->args.v[0]);
	struct ref s = irb_result(b, n, "comm");
	irb_zero(b, s, 0, 16, &n->loc);
	int t = irb_kcall(b, "bpf_task_from_pid",
			  btf_kfunc_id("bpf_task_from_pid"), &n->loc, 1,
			  irb_to_reg(b, pid, &n->loc));
	int have = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(t), ref_imm(0), done, have);
	irb_set_block(b, have);
	int p = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = p;
	in->arg[0] = ref_reg(t);
	in->arg[1] = ref_imm(f->offset);
	irb_call(b, BPF_FUNC_probe_read_kernel, &n->loc, 3, s, ref_imm(16),
		 ref_reg(p));
	irb_kcall(b, "bpf_task_release", btf_kfunc_id("bpf_task_release"),
		  &n->loc, 1, ref_reg(t));
	irb_jmp(b, done);
	irb_set_block(b, done);
	struct irval v = { n->type, s };
	return v;
}

static struct irval lo_ctx(struct irb *b, struct node *n, struct node *m)
{
	struct irval v = { n->type, ref_reg(irb_ctx(b)) };
	return v;
}

static int alu(struct irb *b, enum ir_op op, struct ref x, struct ref y,
	       const struct srcloc *loc);

/* This probe's `args` as a value of type t (probes_args_value) into
 * slot at byte off, whose gaps are zero: each argument (uprobe: from its
 * register; fentry, rawtracepoint: its slot; tracepoint: the record's
 * field). */
static void copy_args(struct irb *b, int slot, int off, const struct type *t,
		      const struct srcloc *loc)
{
	const struct type *c = irb_ap(b)->args_type;
	struct ref ctx = ref_reg(irb_ctx(b));
	for (int i = 0; i < t->fields.n; i++) {
		const struct field *f = &t->fields.v[i];
		const struct field *cf = type_field(c, f->name);
		int at = off + f->offset;
		if (cf->data_loc) {
			/* __data_loc: where the data is, as args.x gives it */
			int d = alu(b, IR_AND, irb_load(b, ctx, cf->offset,
							type_int(4, false),
							loc).r,
				    ref_imm(0xffff), loc);
			d = alu(b, IR_ADD, ctx, ref_reg(d), loc);
			irb_store(b, ref_slot(slot, 0), at, f->type,
				  scalar(f->type, d), loc);
		} else if (f->type->kind == TY_INT || f->type->kind == TY_BOOL ||
			   f->type->kind == TY_PTR) {
			irb_store(b, ref_slot(slot, 0), at, f->type,
				  irb_load(b, ctx, cf->offset, f->type, loc),
				  loc);
		} else { /* char[16] and other arrays of a tracepoint */
			irb_call(b, BPF_FUNC_probe_read_kernel, loc, 3,
				 ref_slot(slot, at), ref_imm(f->type->size),
				 ref_reg(alu(b, IR_ADD, ctx, ref_imm(cf->offset),
					     loc)));
		}
	}
}

/* args as a value (a map's value or key, a tuple's element): one type for
 * every probe of the block (print(args) takes each probe's own, see
 * lo_mapop). */
static struct irval lo_args(struct irb *b, struct node *n, struct node *m)
{
	const struct type *c = irb_ap(b)->args_type;
	struct type *t = n->type;
	if (t->is_ctx || !c || !c->is_ctx)
		return irb_unsupported(b, &n->loc, "using args as a whole value");
	if (!type_equal(t, probes_args_value(irb_ap(b))))
		return irb_error(b, &n->loc, "args has different types in the "
					     "probes of this block");
	int slot = irb_slot(b, t, "args");
	irb_zero_gaps(b, ref_slot(slot, 0), 0, t, &n->loc);
	copy_args(b, slot, 0, t, &n->loc);
	struct irval v = { t, ref_slot(slot, 0) };
	return v;
}

/* str(p [, n]): zero the buffer, then probe_read_{user,kernel}_str. */
static struct irval lo_str(struct irb *b, struct node *n, struct node *m)
{
	struct irval p = irb_expr(b, n->args.v[0]);
	if (p.t->kind == TY_STR) {
		struct irval v = { n->type, p.r };
		if (p.t->size == n->type->size)
			return v;
		int s = irb_slot(b, n->type, "str");
		irb_store(b, ref_slot(s, 0), 0, n->type, p, &n->loc);
		v.r = ref_slot(s, 0);
		return v;
	}
	struct ref len = ref_imm(n->type->size);
	if (n->args.n > 1 && n->args.v[1]->kind != N_INT) {
		/* runtime length: min(len, size), at least 1 */
		struct irval l = irb_expr(b, n->args.v[1]);
		struct ref lr = irb_to_reg(b, l, &n->loc);
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
		in->dst = d;
		in->arg[0] = lr;
		int big = irb_new_block(b), done = irb_new_block(b);
		irb_br(b, CC_UGT, ref_reg(d), ref_imm(n->type->size), big, done);
		irb_set_block(b, big);
		in = irb_emit(b, IR_MOV, &n->loc);
		in->dst = d;
		in->arg[0] = ref_imm(n->type->size);
		irb_jmp(b, done);
		irb_set_block(b, done);
		len = ref_reg(d);
	}
	struct ref pr = irb_to_reg(b, p, &n->loc);
	/* zeroed first so that keys and comparisons see no stale bytes after
	 * the NUL; a string that is only printed from scratch space needs no
	 * zeroing (the verifier does not check scratch contents) */
	bool printed = irb_result_printed(b, n);
	struct ref s = irb_result(b, n, "str");
	if (!printed)
		irb_zero(b, s, 0, n->type->size, &n->loc);
	bool user = p.t->kind == TY_PTR ? p.t->as == AS_USER : false;
	struct attach_point *ap = irb_ap(b);
	if (p.t->kind != TY_PTR && prov_has(ap, PF_USER))
		user = true;
	/* a printed record's field followed by a byte of the same slot
	 * that nothing has written yet (a later field, padding, the spare
	 * byte lo_fmt leaves): the read is one byte longer, so a longer
	 * string fills the field and puts its NUL there, as the trailer
	 * read below would have left it */
	bool spare = false;
	if (printed && n->args.n == 1 && n->type->size > 1 &&
	    s.kind == REF_SLOT)
		spare = s.off + n->type->size + 1 <=
			irb_func(b)->slots[s.slot].size;
	if (spare)
		len = ref_imm(n->type->size + 1);
	int got = irb_call(b, user ? BPF_FUNC_probe_read_user_str
				   : BPF_FUNC_probe_read_kernel_str,
			   &n->loc, 3, s, len, pr);
	if (n->args.n == 1 && n->type->size > 1 && !spare) {
		/* str(p) holds up to max_strlen characters, as bpftrace's:
		 * when the read filled the buffer, its last byte becomes the
		 * string's next one, so a longer string keeps no NUL and
		 * prints with str_trunc_trailer (output.c) */
		int size = n->type->size;
		int more = irb_new_block(b), done = irb_new_block(b);
		irb_br(b, CC_EQ, ref_reg(got), ref_imm(size), more, done);
		irb_set_block(b, more);
		int src = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_ADD, &n->loc);
		in->dst = src;
		in->arg[0] = pr;
		in->arg[1] = ref_imm(size - 1);
		irb_call(b, user ? BPF_FUNC_probe_read_user
				 : BPF_FUNC_probe_read_kernel,
			 &n->loc, 3, ref_slot(s.slot, s.off + size - 1),
			 ref_imm(1),
			 ref_reg(src));
		irb_jmp(b, done);
		irb_set_block(b, done);
	}
	struct irval v = { n->type, s };
	return v;
}

/* r = min(max(r, lo), hi), signed: a range the verifier sees. */
static void clamp(struct irb *b, int r, int64_t lo, int64_t hi,
		  const struct srcloc *loc)
{
	int64_t bound[2] = { lo, hi };
	enum ir_cc cc[2] = { CC_SLT, CC_SGT };
	for (int i = 0; i < 2; i++) {
		int set = irb_new_block(b), done = irb_new_block(b);
		irb_br(b, cc[i], ref_reg(r), ref_imm(bound[i]), set, done);
		irb_set_block(b, set);
		struct ir_insn *in = irb_emit(b, IR_MOV, loc);
		in->dst = r;
		in->arg[0] = ref_imm(bound[i]);
		irb_jmp(b, done);
		irb_set_block(b, done);
	}
}

/* str_concat(a, b): a copied with probe_read_kernel_str, whose length
 * (clamped) places b right after a's last character. */
static struct irval lo_str_concat(struct irb *b, struct node *n,
				  struct node *m)
{
	struct irval x = irb_expr(b, n->args.v[0]);
	struct irval y = irb_expr(b, n->args.v[1]);
	struct ref r = irb_result(b, n, "str_concat");
	irb_zero(b, r, 0, n->type->size, &n->loc);
	int len = irb_call(b, BPF_FUNC_probe_read_kernel_str, &n->loc, 3, r,
			   ref_imm(x.t->size), x.r);
	clamp(b, len, 1, x.t->size, &n->loc);
	int p = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = p;
	in->arg[0] = r;
	in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = p;
	in->arg[0] = ref_reg(p);
	in->arg[1] = ref_reg(len);
	in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = p;
	in->arg[0] = ref_reg(p);
	in->arg[1] = ref_imm(-1);
	irb_call(b, BPF_FUNC_probe_read_kernel_str, &n->loc, 3, ref_reg(p),
		 ref_imm(y.t->size), y.r);
	struct irval v = { n->type, r };
	return v;
}

/* A pointer argument of a helper that wants it BTF-typed, as a pointer
 * register plus *off bytes (add them after the NULL test: the verifier
 * allows no arithmetic on a pointer that may be NULL).  `ctx.f` (cast or
 * not) of an iterator is loaded from the context itself, which the
 * verifier types (a probe_read copy would be a plain number); `p->s` of a
 * struct s held by value is p plus its offset; anything else (fentry's
 * args.x is such a load already) as it is. */
static struct ref btf_ptr_arg(struct irb *b, struct node *a, int *off)
{
	struct node *e = a;
	while (e->kind == N_CAST || (e->kind == N_UNOP && e->op == '&'))
		e = e->a;
	*off = 0;
	if (e->kind == N_FIELD && e->type->kind == TY_STRUCT &&
	    e->a->type->kind == TY_PTR &&
	    cdecl_field(e->a->type->elem, e->name, off)) {
		int inner;
		struct ref base = btf_ptr_arg(b, e->a, &inner);
		if (!inner)
			return base;
		*off = 0; /* a field of a field's address: not BTF-typed */
		return irb_to_reg(b, irb_expr(b, a), &a->loc);
	}
	struct type *ct = e->kind == N_FIELD ? e->a->type : NULL;
	const struct field *f = NULL;
	int at = 0;
	if (ct && e->a->kind == N_BUILTIN && !strcmp(e->a->name, "ctx") &&
	    ct->kind == TY_PTR && ct->elem && ct->elem->kind == TY_STRUCT)
		f = cdecl_field(ct->elem, e->name, &at);
	if (!f || f->type->kind != TY_PTR)
		return irb_to_reg(b, irb_expr(b, a), &a->loc);
	return irb_load(b, ref_reg(irb_ctx(b)), at, f->type, &a->loc).r;
}

/* Register r + off (a new register; r itself when off is 0). */
static struct ref ptr_plus(struct irb *b, struct ref r, int off,
			   const struct srcloc *loc)
{
	if (!off)
		return r;
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ADD, loc);
	in->dst = d;
	in->arg[0] = r;
	in->arg[1] = ref_imm(off);
	return ref_reg(d);
}

/* socket_cookie(sk): 0 for NULL, else bpf_get_socket_cookie(sk) (the
 * test also tells the verifier the pointer is not NULL). */
static struct irval lo_socket_cookie(struct irb *b, struct node *n,
				     struct node *m)
{
	int off;
	struct ref sk = btf_ptr_arg(b, n->args.v[0], &off);
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = d;
	in->arg[0] = ref_imm(0);
	int have = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_EQ, sk, ref_imm(0), done, have);
	irb_set_block(b, have);
	int c = irb_call(b, BPF_FUNC_get_socket_cookie, &n->loc, 1,
			 ptr_plus(b, sk, off, &n->loc));
	in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = d;
	in->arg[0] = ref_reg(c);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return scalar(n->type, d);
}

/* path(p [, size]): bpf_d_path into a max_strlen buffer, then its last
 * size bytes (a longer path loses its front, as stdlib.md says); "" when
 * d_path fails. */
static struct irval lo_path(struct irb *b, struct node *n, struct node *m)
{
	int size = n->type->size, max = irb_cfg(b)->max_strlen;
	int off;
	struct ref p = btf_ptr_arg(b, n->args.v[0], &off);
	struct ref s = irb_result(b, n, "path");
	irb_zero(b, s, 0, size, &n->loc);
	int buf = irb_slot_sized(b, max, 8, "d_path");
	int call = irb_new_block(b), ok = irb_new_block(b),
	    done = irb_new_block(b);
	irb_br(b, CC_EQ, p, ref_imm(0), done, call);
	irb_set_block(b, call);
	int len = irb_call(b, BPF_FUNC_d_path, &n->loc, 3,
			   ptr_plus(b, p, off, &n->loc), ref_slot(buf, 0),
			   ref_imm(max));
	irb_br(b, CC_SLT, ref_reg(len), ref_imm(1), done, ok);
	irb_set_block(b, ok);
	/* from max(len - size, 0), at most max - size */
	struct ir_insn *in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = len;
	in->arg[0] = ref_reg(len);
	in->arg[1] = ref_imm(-size);
	clamp(b, len, 0, max - size, &n->loc);
	int src = irb_reg(b, NULL);
	in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = src;
	in->arg[0] = ref_slot(buf, 0);
	in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = src;
	in->arg[0] = ref_reg(src);
	in->arg[1] = ref_reg(len);
	irb_call(b, BPF_FUNC_probe_read_kernel_str, &n->loc, 3, s,
		 ref_imm(size), ref_reg(src));
	irb_jmp(b, done);
	irb_set_block(b, done);
	struct irval v = { n->type, s };
	return v;
}

/* unwatch(addr): an ACT_UNWATCH record with the address; userspace
 * disables the watchpoints there (runtime.c). */
static struct irval lo_unwatch(struct irb *b, struct node *n, struct node *m)
{
	struct irval a = irb_expr(b, n->args.v[0]);
	int id = irb_action(b, ACT_UNWATCH, NULL, NULL, -1, &n->loc);
	int s = irb_slot_sized(b, 16, 8, tt_sprintf("unwatch#%d", id));
	irb_store_int(b, ref_slot(s, 0), 0, 8, ref_imm(id), &n->loc);
	irb_store_int(b, ref_slot(s, 0), 8, 8, irb_to_reg(b, a, &n->loc),
		      &n->loc);
	irb_output(b, s, 16, &n->loc);
	return void_val();
}

/* override(rc): the probed function returns rc without running. */
static struct irval lo_override(struct irb *b, struct node *n, struct node *m)
{
	struct irval rc = irb_expr(b, n->args.v[0]);
	irb_call(b, BPF_FUNC_override_return, &n->loc, 2,
		 ref_reg(irb_ctx(b)), irb_to_reg(b, rc, &n->loc));
	return void_val();
}

/* dw_ustack: sema reports it (builtins_type.c), so a program that uses
 * it never gets here. */
static struct irval lo_unsupported(struct irb *b, struct node *n,
				   struct node *m)
{
	return irb_unsupported(b, &n->loc, n->name);
}

/* write_user(dst, src, len): src's bytes (a value in a slot, or a pointer's
 * target) to user memory; len is clamped to 1..size of src, as the verifier
 * wants a bounded, non-zero size. */
static struct irval lo_write_user(struct irb *b, struct node *n,
				  struct node *m)
{
	struct ref dst = irb_to_reg(b, irb_expr(b, n->args.v[0]), &n->loc);
	struct irval v = irb_expr(b, n->args.v[1]);
	struct ref src;
	int size;
	if (v.t->kind == TY_PTR) {
		src = irb_to_reg(b, v, &n->loc);
		size = v.t->elem && v.t->elem->size > 0 ? v.t->elem->size
							: 1 << 16;
	} else {
		src = v.r;
		size = v.t->size;
		if (v.r.kind != REF_SLOT) {
			int sl = irb_slot(b, v.t, "write_user");
			irb_store(b, ref_slot(sl, 0), 0, v.t, v, &n->loc);
			src = ref_slot(sl, 0);
		}
	}
	struct node *ln = n->args.v[2];
	struct ref len;
	int res = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = res;
	in->arg[0] = ref_imm(0);
	int done = irb_new_block(b);
	if (ln->kind == N_INT) {
		len = ref_imm(ln->ival < (uint64_t)size ? (int64_t)ln->ival
							: size);
	} else {
		struct ref lr = irb_to_reg(b, irb_expr(b, ln), &n->loc);
		int d = irb_reg(b, NULL);
		in = irb_emit(b, IR_MOV, &n->loc);
		in->dst = d;
		in->arg[0] = lr;
		int big = irb_new_block(b), ok = irb_new_block(b);
		int call = irb_new_block(b);
		irb_br(b, CC_UGT, ref_reg(d), ref_imm(size), big, ok);
		irb_set_block(b, big);
		in = irb_emit(b, IR_MOV, &n->loc);
		in->dst = d;
		in->arg[0] = ref_imm(size);
		irb_jmp(b, ok);
		irb_set_block(b, ok);
		irb_br(b, CC_EQ, ref_reg(d), ref_imm(0), done, call);
		irb_set_block(b, call);
		len = ref_reg(d);
	}
	int r = irb_call(b, BPF_FUNC_probe_write_user, &n->loc, 3, dst, src,
			 len);
	in = irb_emit(b, IR_SETCC, &n->loc);
	in->dst = res;
	in->cc = CC_EQ;
	in->arg[0] = ref_reg(r);
	in->arg[1] = ref_imm(0);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return scalar(n->type, res);
}

/* A record that is only an action id. */
static void id_record(struct irb *b, int id, const struct srcloc *loc)
{
	int s = irb_slot_sized(b, 8, 8, tt_sprintf("action#%d", id));
	struct ir_insn *in = irb_emit(b, IR_STORE, loc);
	in->arg[0] = ref_slot(s, 0);
	in->arg[1] = ref_imm(id);
	in->size = 8;
	irb_output(b, s, 8, loc);
}

/* exit() also sets the internal "exit" map ([u64 1][int64 code]): its ring
 * buffer record is lost when the buffer is full, and the run must end all
 * the same (runtime.c reads the map).  After the record, so that the
 * record is in the buffer by the time the map says exit. */
static void exit_flag(struct irb *b, struct type *ct, const struct irval *code,
		      const struct srcloc *loc)
{
	int map = irb_internal_map(b, "exit", BPF_MAP_TYPE_ARRAY, 4, 16, 1);
	/* the map's one value, addressed directly: the code, then the flag */
	int v = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, loc);
	in->dst = v;
	in->arg[0] = ref_mapval(map, 0);
	if (code)
		irb_store(b, ref_reg(v), 8, ct, *code, loc);
	else
		irb_store_int(b, ref_reg(v), 8, 8, ref_imm(0), loc);
	irb_store_int(b, ref_reg(v), 0, 8, ref_imm(1), loc);
}

static struct irval lo_exit(struct irb *b, struct node *n, struct node *m)
{
	if (n->args.n) {
		/* [id][int64 code] */
		struct type *ct = type_int(8, true);
		struct type *tup = type_tuple(&ct, 1);
		struct irval c = irb_expr(b, n->args.v[0]);
		int id = irb_action(b, ACT_EXIT, NULL, tup, -1, &n->loc);
		int s = irb_slot_sized(b, 16, 8, tt_sprintf("exit#%d", id));
		struct ir_insn *in = irb_emit(b, IR_STORE, &n->loc);
		in->arg[0] = ref_slot(s, 0);
		in->arg[1] = ref_imm(id);
		in->size = 8;
		irb_store(b, ref_slot(s, 0), 8, ct, c, &n->loc);
		irb_output(b, s, 16, &n->loc);
		exit_flag(b, ct, &c, &n->loc);
	} else {
		int id = irb_action(b, ACT_EXIT, NULL, NULL, -1, &n->loc);
		id_record(b, id, &n->loc);
		exit_flag(b, NULL, NULL, &n->loc);
	}
	irb_return(b, &n->loc);
	return void_val();
}

static struct irval lo_mapop(struct irb *b, struct node *n, struct node *m)
{
	struct node *a = n->args.v[0];
	enum action_kind k = !strcmp(n->name, "clear") ? ACT_CLEAR
			     : !strcmp(n->name, "zero") ? ACT_ZERO
							: ACT_PRINT_MAP;
	if (k == ACT_PRINT_MAP && (a->kind != N_MAP || a->args.n)) {
		/* print(value); print(args): each probe's own args, copied
		   straight into the record */
		struct type *vt = a->type;
		bool args = a->kind == N_BUILTIN && !strcmp(a->name, "args") &&
			    !vt->is_ctx && irb_ap(b)->args_type;
		if (args)
			vt = probes_args_value(irb_ap(b));
		struct type *tup = type_tuple(&vt, 1);
		int id = irb_action(b, ACT_PRINT_VALUE, NULL, tup, -1, &n->loc);
		int size = 8 + tup->size;
		int s = irb_slot_sized(b, size, 8, tt_sprintf("print#%d", id));
		irb_zero_gaps(b, ref_slot(s, 0), 8, tup, &n->loc);
		struct ir_insn *in = irb_emit(b, IR_STORE, &n->loc);
		in->arg[0] = ref_slot(s, 0);
		in->arg[1] = ref_imm(id);
		in->size = 8;
		if (args)
			copy_args(b, s, 8, vt, &n->loc);
		else
			irb_store_printed(b, ref_slot(s, 0), 8, vt, a);
		irb_output(b, s, size, &n->loc);
		return void_val();
	}
	if (n->args.n > 1) {
		/* print(@m, top[, div]): [id][uint64 top][uint64 div] */
		struct type *u = type_int(8, false);
		struct type *el[2] = { u, u };
		struct type *tup = type_tuple(el, n->args.n - 1);
		int id = irb_action(b, k, NULL, tup, irb_map_index(b, a),
				    &n->loc);
		int size = 8 + tup->size;
		int s = irb_slot_sized(b, size, 8, tt_sprintf("print#%d", id));
		struct ir_insn *in = irb_emit(b, IR_STORE, &n->loc);
		in->arg[0] = ref_slot(s, 0);
		in->arg[1] = ref_imm(id);
		in->size = 8;
		for (int i = 1; i < n->args.n; i++)
			irb_store_expr(b, ref_slot(s, 0), 8 * i, u, n->args.v[i]);
		irb_output(b, s, size, &n->loc);
		return void_val();
	}
	int id = irb_action(b, k, NULL, NULL, irb_map_index(b, a), &n->loc);
	id_record(b, id, &n->loc);
	return void_val();
}

/* Aggregations on a per-CPU hash (value layouts in types.h):
 *   p = lookup(map, key)
 *   if (p) update *p in place, else map_update_elem(map, key, &first, ANY)
 * count/sum: *p += x; min/max: store x (and is_set) when *p is unset or x
 * beats it; avg/stats: total += x, count += 1. */
static void st8(struct irb *b, struct ref base, int off, struct ref v,
		const struct srcloc *loc)
{
	struct ir_insn *in = irb_emit(b, IR_STORE, loc);
	in->arg[0] = base;
	in->arg[1] = v;
	in->off = off;
	in->size = 8;
}

static int ld8(struct irb *b, struct ref base, int off,
	       const struct srcloc *loc)
{
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, loc);
	in->dst = r;
	in->arg[0] = base;
	in->off = off;
	in->size = 8;
	return r;
}

static int add_to(struct irb *b, int r, struct ref x, const struct srcloc *loc)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ADD, loc);
	in->dst = d;
	in->arg[0] = ref_reg(r);
	in->arg[1] = x;
	return d;
}

/* A min/max slot at pr: { u64 value; u64 set }.  Stores x (and set = 1)
 * when the slot is unset or x beats the value by cc; then jumps to
 * block done, or with done < 0 to a new block that becomes current. */
static void minmax_store(struct irb *b, struct ref pr, struct ref x,
			 enum ir_cc cc, int done, const struct srcloc *loc)
{
	int st = irb_new_block(b), cmp = irb_new_block(b);
	int next = done < 0 ? irb_new_block(b) : done;
	int set = ld8(b, pr, 8, loc);
	irb_br(b, CC_EQ, ref_reg(set), ref_imm(0), st, cmp);
	irb_set_block(b, cmp);
	int old = ld8(b, pr, 0, loc);
	irb_br(b, cc, x, ref_reg(old), st, next);
	irb_set_block(b, st);
	st8(b, pr, 0, x, loc);
	st8(b, pr, 8, ref_imm(1), loc);
	irb_jmp(b, next);
	if (done < 0)
		irb_set_block(b, next);
}

static struct irval lo_agg(struct irb *b, struct node *n, struct node *map)
{
	enum agg_kind agg = builtin_typing_of(builtin_id_of(n->name))->agg;
	const struct srcloc *loc = &n->loc;
	struct ref x = ref_imm(1);
	if (agg != AGG_COUNT) {
		struct irval v = irb_expr(b, n->args.v[0]);
		x = irb_to_reg(b, v, loc);
	}
	struct ref key = irb_map_key(b, map);
	int mi = irb_map_index(b, map);
	int p = irb_call(b, BPF_FUNC_map_lookup_elem, loc, 2, ref_map(mi), key);
	int have = irb_new_block(b), fresh = irb_new_block(b),
	    done = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), fresh, have);
	struct ref pr = ref_reg(p);

	irb_set_block(b, have);
	switch (agg) {
	case AGG_COUNT:
	case AGG_SUM:
		st8(b, pr, 0, ref_reg(add_to(b, ld8(b, pr, 0, loc), x, loc)), loc);
		irb_jmp(b, done);
		break;
	case AGG_AVG:
	case AGG_STATS:
		st8(b, pr, 0, ref_reg(add_to(b, ld8(b, pr, 0, loc), x, loc)), loc);
		st8(b, pr, 8, ref_reg(add_to(b, ld8(b, pr, 8, loc), ref_imm(1),
					      loc)), loc);
		irb_jmp(b, done);
		break;
	default: {
		/* min/max: store when this CPU has no value yet or x wins */
		bool sign = n->args.v[0]->type->kind == TY_INT &&
			    n->args.v[0]->type->is_signed;
		enum ir_cc cc = agg == AGG_MAX ? (sign ? CC_SGT : CC_UGT)
						   : (sign ? CC_SLT : CC_ULT);
		minmax_store(b, pr, x, cc, done, loc);
	}
	}

	irb_set_block(b, fresh);
	int size = map->type && map->type->kind == TY_AGG ? map->type->size : 8;
	int vs = irb_slot_sized(b, size, 8, tt_sprintf("val%s", map->name));
	st8(b, ref_slot(vs, 0), 0, x, loc);
	if (size == 16)
		st8(b, ref_slot(vs, 0), 8, ref_imm(1), loc);
	irb_map_update_rare(b, mi, key, ref_slot(vs, 0), loc);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return void_val();
}

/* ---- hist() and lhist() ---------------------------------------------------
 * A per-CPU hash keyed by (script key padded to 8 bytes, uint64 bucket)
 * holding one count per bucket (types.h):
 *   bucket = f(x); p = lookup(map, key + bucket)
 *   if (p) *p += 1 else map_update_elem(map, key + bucket, &1, ANY)
 * Only buckets that saw a value exist; output.c gathers a key's buckets. */

/* d = x op y in a new register (y may be an immediate). */
static int alu(struct irb *b, enum ir_op op, struct ref x, struct ref y,
	       const struct srcloc *loc)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, op, loc);
	in->dst = d;
	in->arg[0] = x;
	in->arg[1] = y;
	return d;
}

static void mov(struct irb *b, int d, struct ref x, const struct srcloc *loc)
{
	struct ir_insn *in = irb_emit(b, IR_MOV, loc);
	in->dst = d;
	in->arg[0] = x;
}

/* The bucket of constant x in hist(x, k) / lhist(x, min, max, step). */
static uint64_t hist_bucket_of(int64_t x, int k)
{
	if (x < 0)
		return 0;
	if (x < (2 << k))
		return (uint64_t)x + 1;
	int p = 63 - __builtin_clzll((uint64_t)x), sh = p - k;
	return ((uint64_t)sh << k) + (1u << k) + 1 +
	       (((uint64_t)x >> sh) & ((1u << k) - 1));
}

static uint64_t lhist_bucket_of(int64_t x, const struct type *t)
{
	if (x < t->lhist_min)
		return 0;
	if (x > t->lhist_max)
		return 1 + (uint64_t)(t->lhist_max - t->lhist_min) /
				   (uint64_t)t->lhist_step;
	return 1 + (uint64_t)(x - t->lhist_min) / (uint64_t)t->lhist_step;
}

/* How many low bytes register x can have set, as the instruction that
 * just defined it in the current block says: a load or a zero extension
 * of n < 8 bytes leaves a value in [0, 2^(8n)) (*nonneg), a sign
 * extension one in [-2^(8n-1), 2^(8n-1)); 8 when nothing is known. */
static int reg_width(struct irb *b, struct ref x, bool *nonneg)
{
	*nonneg = false;
	struct ir_block *bl = irb_func(b)->blocks[irb_cur(b)];
	if (x.kind != REF_REG || !bl->ninsns)
		return 8;
	const struct ir_insn *in = &bl->insns[bl->ninsns - 1];
	if (in->dst != x.reg || in->size < 1 || in->size > 4)
		return 8;
	if (in->op == IR_LOAD || in->op == IR_ZEXT) {
		*nonneg = true;
		return in->size;
	}
	return in->op == IR_SEXT ? in->size : 8;
}

/* hist(x, k) in registers: two branches (x < 0, x < 2^(k+1)) and a
 * branch-free floor(log2 x) by halving: each step shifts v right by S
 * when v > 2^S - 1, with (2^S - 1 - v) >> 63 as the condition (v < 2^63,
 * so the difference cannot overflow).  For x of `width` bytes (reg_width)
 * the steps that cannot shift (2^S - 1 >= 2^(8 width) - 1) are left
 * out, and so is the x < 0 test for one that cannot be negative. */
static struct ref hist_bucket(struct irb *b, struct ref x, int k, int width,
			      bool nonneg, const struct srcloc *loc)
{
	static const int steps[] = { 32, 16, 8, 4, 2 };
	int r = irb_reg(b, "bucket");
	int pos = irb_new_block(b), big = irb_new_block(b),
	    done = irb_new_block(b);
	mov(b, r, ref_imm(0), loc);
	if (nonneg)
		irb_jmp(b, pos);
	else
		irb_br(b, CC_SLT, x, ref_imm(0), done, pos);
	irb_set_block(b, pos);
	struct ir_insn *in = irb_emit(b, IR_ADD, loc);
	in->dst = r;
	in->arg[0] = x;
	in->arg[1] = ref_imm(1);
	irb_br(b, CC_SLT, x, ref_imm(2 << k), done, big);

	irb_set_block(b, big);
	int v = irb_reg(b, NULL), p = irb_reg(b, NULL);
	mov(b, v, x, loc);
	mov(b, p, ref_imm(0), loc);
	for (int i = 0; i < 5; i++) {
		if (steps[i] >= 8 * width)
			continue;
		int t = irb_reg(b, NULL);
		mov(b, t, ref_imm(((int64_t)1 << steps[i]) - 1), loc);
		in = irb_emit(b, IR_SUB, loc);
		in->dst = t;
		in->arg[0] = ref_reg(t);
		in->arg[1] = ref_reg(v);
		t = alu(b, IR_LSHR, ref_reg(t), ref_imm(63), loc);
		t = alu(b, IR_SHL, ref_reg(t), ref_imm(__builtin_ctz(steps[i])),
			loc);
		v = alu(b, IR_LSHR, ref_reg(v), ref_reg(t), loc);
		p = alu(b, IR_OR, ref_reg(p), ref_reg(t), loc);
	}
	/* v is 1, 2 or 3 now */
	p = alu(b, IR_OR, ref_reg(p), ref_reg(alu(b, IR_LSHR, ref_reg(v),
						   ref_imm(1), loc)), loc);
	/* bucket = ((p - k) << k) + 2^k + 1 + ((x >> (p - k)) & (2^k - 1)) */
	int sh = k ? alu(b, IR_SUB, ref_reg(p), ref_imm(k), loc) : p;
	int hi = k ? alu(b, IR_SHL, ref_reg(sh), ref_imm(k), loc) : sh;
	if (k) {
		int lo = alu(b, IR_LSHR, x, ref_reg(sh), loc);
		lo = alu(b, IR_AND, ref_reg(lo), ref_imm((1 << k) - 1), loc);
		hi = alu(b, IR_ADD, ref_reg(hi), ref_reg(lo), loc);
	}
	in = irb_emit(b, IR_ADD, loc);
	in->dst = r;
	in->arg[0] = ref_reg(hi);
	in->arg[1] = ref_imm((1 << k) + 1);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return ref_reg(r);
}

/* lhist: 0 below min, the last bucket above max, else 1 + (x - min) /
 * step (x - min is then in [0, max - min]: an unsigned divide). */
static struct ref lhist_bucket(struct irb *b, struct ref x,
			       const struct type *t, const struct srcloc *loc)
{
	int r = irb_reg(b, "bucket");
	int ge = irb_new_block(b), in_range = irb_new_block(b),
	    done = irb_new_block(b);
	mov(b, r, ref_imm(0), loc);
	irb_br(b, CC_SLT, x, ref_imm(t->lhist_min), done, ge);
	irb_set_block(b, ge);
	mov(b, r, ref_imm((int64_t)lhist_bucket_of(t->lhist_max + 1, t)), loc);
	irb_br(b, CC_SGT, x, ref_imm(t->lhist_max), done, in_range);
	irb_set_block(b, in_range);
	int d = t->lhist_min ? alu(b, IR_SUB, x, ref_imm(t->lhist_min), loc)
			     : -1;
	struct ref off = d >= 0 ? ref_reg(d) : x;
	if (t->lhist_step > 1)
		off = ref_reg(alu(b, IR_UDIV, off, ref_imm(t->lhist_step), loc));
	struct ir_insn *in = irb_emit(b, IR_ADD, loc);
	in->dst = r;
	in->arg[0] = off;
	in->arg[1] = ref_imm(1);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return ref_reg(r);
}

/* The key of a hist/lhist/tseries map as its layout says (prog.h): the
 * script key (none for a scalar map), zero-padded, then the bucket. */
static struct ref hist_key(struct irb *b, struct node *map, struct ref bucket,
			   const struct srcloc *loc)
{
	struct sema_map *m = sema_map_of(map);
	struct type *kt = m->nkeys ? m->key : NULL;
	int ks = m->layout.bucket_off;
	int s = irb_slot_sized(b, (int)m->layout.key_size, 8,
			       tt_sprintf("key%s", m->name));
	struct ref k = ref_slot(s, 0);
	if (kt && map->args.n == 1) {
		irb_store_expr(b, k, 0, kt, map->args.v[0]);
	} else if (kt) {
		irb_zero_gaps(b, k, 0, kt, loc);
		for (int i = 0; i < map->args.n && i < kt->fields.n; i++)
			irb_store_expr(b, k, kt->fields.v[i].offset,
				       kt->fields.v[i].type, map->args.v[i]);
	}
	if (kt && ks > kt->size)
		irb_zero(b, k, kt->size, ks - kt->size, loc);
	st8(b, k, ks, bucket, loc);
	return k;
}

static struct irval lo_hist(struct irb *b, struct node *n, struct node *map)
{
	const struct srcloc *loc = &n->loc;
	struct type *t = sema_map_of(map) ? map->sym.map->value : NULL;
	if (!t || t->kind != TY_AGG)
		return void_val();
	bool lin = t->agg == AGG_LHIST;
	struct irval v = irb_expr(b, n->args.v[0]);
	struct ref bucket;
	if (v.r.kind == REF_IMM)
		bucket = ref_imm((int64_t)(lin ? lhist_bucket_of(v.r.imm, t)
					       : hist_bucket_of(v.r.imm,
								t->hist_bits)));
	else if (lin)
		bucket = lhist_bucket(b, irb_to_reg(b, v, loc), t, loc);
	else {
		struct ref x = irb_to_reg(b, v, loc);
		bool nonneg;
		int width = reg_width(b, x, &nonneg);
		bucket = hist_bucket(b, x, t->hist_bits, width, nonneg, loc);
	}
	struct ref key = hist_key(b, map, bucket, loc);
	int mi = irb_map_index(b, map);
	int p = irb_call(b, BPF_FUNC_map_lookup_elem, loc, 2, ref_map(mi), key);
	int have = irb_new_block(b), fresh = irb_new_block(b),
	    done = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), fresh, have);
	irb_set_block(b, have);
	st8(b, ref_reg(p), 0,
	    ref_reg(add_to(b, ld8(b, ref_reg(p), 0, loc), ref_imm(1), loc)), loc);
	irb_jmp(b, done);
	irb_set_block(b, fresh);
	int vs = irb_slot_sized(b, 8, 8, tt_sprintf("val%s", map->name));
	st8(b, ref_slot(vs, 0), 0, ref_imm(1), loc);
	irb_call(b, BPF_FUNC_map_update_elem, loc, 4, ref_map(mi), key,
		 ref_slot(vs, 0), ref_imm(BPF_ANY));
	irb_jmp(b, done);
	irb_set_block(b, done);
	return void_val();
}

/* tseries: "now" in TAI nanoseconds is the boot clock plus TAI - BOOTTIME
 * measured when the program is built (bpftrace's software TAI, for kernels
 * without bpf_ktime_get_tai_ns), or the dummy map's value.
 *   epoch = now / interval; key = (key, epoch % n); p = lookup(key)
 *   p: when agg and p->epoch != epoch, start over (value = meta = 0);
 *      update value/meta; p->epoch = epoch
 *   !p: map_update_elem(key, { first value, first meta, epoch })
 * value/meta: none: x / now; sum: += x / 0; avg: += x / += 1;
 * min/max: x when meta is 0 or x wins / 1. */
static struct ref tseries_now(struct irb *b, struct node *n,
			      const struct srcloc *loc)
{
	int r = irb_reg(b, "now");
	if (sema_map_of(n->c)) {
		int p = irb_call(b, BPF_FUNC_map_lookup_elem, loc, 2,
				 ref_map(irb_map_index(b, n->c)),
				 irb_map_key(b, n->c));
		int have = irb_new_block(b), done = irb_new_block(b);
		mov(b, r, ref_imm(0), loc);
		irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), done, have);
		irb_set_block(b, have);
		mov(b, r, ref_reg(ld8(b, ref_reg(p), 0, loc)), loc);
		irb_jmp(b, done);
		irb_set_block(b, done);
		return ref_reg(r);
	}
	struct timespec tai, boot;
	clock_gettime(CLOCK_TAI, &tai);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	int64_t delta = (int64_t)(tai.tv_sec - boot.tv_sec) * 1000000000 +
			(tai.tv_nsec - boot.tv_nsec);
	int t = irb_call(b, BPF_FUNC_ktime_get_boot_ns, loc, 0);
	struct ir_insn *in = irb_emit(b, IR_ADD, loc);
	in->dst = r;
	in->arg[0] = ref_reg(t);
	in->arg[1] = ref_imm(delta);
	return ref_reg(r);
}

static struct irval lo_tseries(struct irb *b, struct node *n, struct node *map)
{
	const struct srcloc *loc = &n->loc;
	struct type *t = sema_map_of(map) ? map->sym.map->value : NULL;
	if (!t || t->kind != TY_AGG || t->agg != AGG_TSERIES)
		return void_val();
	enum agg_kind agg = t->tseries_agg;
	struct ref now = tseries_now(b, n, loc);
	int epoch = alu(b, IR_UDIV, now, ref_imm(t->tseries_interval), loc);
	int bucket = alu(b, IR_UMOD, ref_reg(epoch), ref_imm(t->tseries_n),
			 loc);
	struct ref x = irb_to_reg(b, irb_expr(b, n->args.v[0]), loc);
	struct ref key = hist_key(b, map, ref_reg(bucket), loc);
	int mi = irb_map_index(b, map);
	int p = irb_call(b, BPF_FUNC_map_lookup_elem, loc, 2, ref_map(mi), key);
	int have = irb_new_block(b), fresh = irb_new_block(b),
	    update = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), fresh, have);
	struct ref pr = ref_reg(p);

	irb_set_block(b, have);
	if (agg != AGG_NONE) {
		int clear = irb_new_block(b);
		int old = ld8(b, pr, 16, loc);
		irb_br(b, CC_NE, ref_reg(old), ref_reg(epoch), clear, update);
		irb_set_block(b, clear);
		st8(b, pr, 0, ref_imm(0), loc);
		st8(b, pr, 8, ref_imm(0), loc);
		irb_jmp(b, update);
	} else {
		irb_jmp(b, update);
	}
	irb_set_block(b, update);
	switch (agg) {
	case AGG_NONE:
		st8(b, pr, 0, x, loc);
		st8(b, pr, 8, now, loc);
		break;
	case AGG_AVG:
		st8(b, pr, 8, ref_reg(add_to(b, ld8(b, pr, 8, loc), ref_imm(1),
					      loc)), loc);
		/* fall through */
	case AGG_SUM:
		st8(b, pr, 0, ref_reg(add_to(b, ld8(b, pr, 0, loc), x, loc)), loc);
		break;
	default: {
		bool sign = t->elem && t->elem->is_signed;
		enum ir_cc cc = agg == AGG_MAX ? (sign ? CC_SGT : CC_UGT)
					       : (sign ? CC_SLT : CC_ULT);
		minmax_store(b, pr, x, cc, -1, loc);
	}
	}
	st8(b, pr, 16, ref_reg(epoch), loc);
	irb_jmp(b, done);

	irb_set_block(b, fresh);
	int vs = irb_slot_sized(b, 24, 8, tt_sprintf("val%s", map->name));
	st8(b, ref_slot(vs, 0), 0, agg == AGG_SUM || agg == AGG_AVG ||
					   agg == AGG_NONE || agg == AGG_MIN ||
					   agg == AGG_MAX ? x : ref_imm(0), loc);
	st8(b, ref_slot(vs, 0), 8, agg == AGG_NONE ? now
				   : agg == AGG_SUM ? ref_imm(0) : ref_imm(1),
	    loc);
	st8(b, ref_slot(vs, 0), 16, ref_reg(epoch), loc);
	irb_call(b, BPF_FUNC_map_update_elem, loc, 4, ref_map(mi), key,
		 ref_slot(vs, 0), ref_imm(BPF_ANY));
	irb_jmp(b, done);
	irb_set_block(b, done);
	return void_val();
}

static struct irval lo_delete(struct irb *b, struct node *n, struct node *m)
{
	struct node *k = n->c;
	struct ref key = irb_map_key(b, k);
	int mi = irb_map_index(b, k);
	bool del = !strcmp(n->name, "delete");
	int r = irb_call(b, del ? BPF_FUNC_map_delete_elem
				: BPF_FUNC_map_lookup_elem,
			 &n->loc, 2, ref_map(mi), key);
	/* stdlib.md: a delete whose result is discarded warns when it fails
	 * (the key is not there) */
	if (del && n->discarded)
		irb_helper_error(b, "map_delete_elem", r, &n->loc);
	/* delete: 0 on success; has_key: a non-NULL pointer */
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_SETCC, &n->loc);
	in->dst = d;
	in->cc = del ? CC_EQ : CC_NE;
	in->arg[0] = ref_reg(r);
	in->arg[1] = ref_imm(0);
	return scalar(n->type, d);
}

/* find(@m, key, $v): true when the key is there, and then $v is
 * assigned its value (sema's hidden `$v = @m[key]`, n->b). */
static struct irval lo_find(struct irb *b, struct node *n, struct node *m)
{
	struct node *k = n->c;
	int p = irb_call(b, BPF_FUNC_map_lookup_elem, &n->loc, 2,
			 ref_map(irb_map_index(b, k)), irb_map_key(b, k));
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = d;
	in->arg[0] = ref_imm(0);
	int have = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), done, have);
	irb_set_block(b, have);
	irb_stmts(b, n->b);
	in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = d;
	in->arg[0] = ref_imm(1);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return scalar(n->type, d);
}

/* The bytes a printed argument of type t has in a record when it is a
 * compile-time constant (a literal, an enumerator, probe or probetype),
 * into buf (t->size bytes, zeroed); false if it is not one. */
static bool const_arg(struct irb *b, struct node *n, struct type *t,
		      uint8_t *buf)
{
	const char *s = NULL;
	size_t slen = 0;
	if (t->kind == TY_INT || t->kind == TY_BOOL) {
		uint64_t v;
		if (n->kind == N_INT || (n->kind == N_BUILTIN &&
					 n->sym.kind == SYM_CONSTANT))
			v = n->ival;
		else if (n->kind == N_BOOL)
			v = n->ival != 0;
		else
			return false;
		for (int i = 0; i < t->size && i < 8; i++)
			buf[i] = (uint8_t)(v >> (8 * i));
		return true;
	}
	if (t->kind != TY_STR || t->size < 1)
		return false;
	if (n->kind == N_STR) {
		s = n->str;
		slen = n->slen;
	} else if (n->kind == N_BUILTIN && n->sym.kind != SYM_CONSTANT &&
		   (builtin_id_of(n->name) == BI_probe ||
		    builtin_id_of(n->name) == BI_probetype) &&
		   type_equal(n->type, t)) {
		s = probe_name(b, n);
		slen = strlen(s);
	} else {
		return false;
	}
	/* NUL-padded, truncated keeping a final NUL (irb_store_str) */
	for (size_t k = 0; k < slen && (int)k < t->size - 1; k++)
		buf[k] = (uint8_t)s[k];
	return true;
}

/* printf/cat/system/errorf/warnf/time(fmt, args...): a record [u64 id]
 * [the arguments as a tuple] to the ring buffer.  Arguments that are
 * compile-time constants are left out of it: the action keeps their
 * bytes (tt_action.konst), and userspace puts them back before it
 * formats. */
static struct irval lo_fmt(struct irb *b, struct node *n, struct node *m)
{
	static const struct { const char *name; enum action_kind k; } acts[] = {
		{ "printf", ACT_PRINTF }, { "cat", ACT_CAT },
		{ "system", ACT_SYSTEM }, { "errorf", ACT_ERRORF },
		{ "warnf", ACT_WARNF }, { "time", ACT_TIME },
	};
	enum action_kind k = ACT_PRINTF;
	for (size_t i = 0; i < ARRAY_SIZE(acts); i++)
		if (!strcmp(n->name, acts[i].name))
			k = acts[i].k;
	int na = n->args.n - 1;
	struct type **el = tt_alloc(sizeof(*el) * (na + 1));
	for (int i = 0; i < na; i++)
		el[i] = n->args.v[i + 1]->type;
	struct type *tup = na ? type_tuple(el, na) : NULL;
	struct node *f = n->args.v[0];
	int id = irb_action(b, k, tt_strndup(f->str, f->slen), tup, -1, &n->loc);

	/* the arguments sent: sel[0..nsent) of el, the others constant */
	uint8_t *konst = tup ? tt_alloc(tup->size) : NULL;
	struct type **sel = tt_alloc(sizeof(*sel) * (na + 1));
	int *which = tt_alloc(sizeof(*which) * (na + 1)), nsent = 0;
	if (konst)
		memset(konst, 0, tup->size);
	for (int i = 0; i < na; i++) {
		if (const_arg(b, n->args.v[i + 1], el[i],
			      konst + tup->fields.v[i].offset))
			continue;
		which[nsent] = i;
		sel[nsent++] = el[i];
	}
	struct type *sent = tup;
	if (nsent < na) {
		int *from = tt_alloc(sizeof(*from) * na);
		sent = nsent ? type_tuple(sel, nsent) : NULL;
		for (int i = 0; i < na; i++)
			from[i] = -1;
		for (int j = 0; j < nsent; j++)
			from[which[j]] = sent->fields.v[j].offset;
		irb_action_konst(b, id, konst, from);
	}

	int size = 8 + (sent ? sent->size : 0);
	/* a last string field in scratch space gets a spare byte after it
	 * (lo_str: a str() read there needs no second read for its
	 * truncation) */
	int extra = nsent && sel[nsent - 1]->kind == TY_STR &&
		    size > irb_cfg(b)->on_stack_limit;
	int s = irb_slot_sized(b, size + extra, 8,
			       tt_sprintf("%s#%d", n->name, id));
	if (sent)
		irb_zero_gaps(b, ref_slot(s, 0), 8, sent, &n->loc);
	struct ir_insn *in = irb_emit(b, IR_STORE, &n->loc);
	in->arg[0] = ref_slot(s, 0);
	in->arg[1] = ref_imm(id);
	in->size = 8;
	for (int j = 0; j < nsent; j++)
		irb_store_printed(b, ref_slot(s, 0),
				  8 + sent->fields.v[j].offset, sel[j],
				  n->args.v[which[j] + 1]);
	irb_output(b, s, size, &n->loc);
	return void_val();
}

/* strlen(s): bytes before the first NUL (at most size - 1). */
static struct irval lo_strlen(struct irb *b, struct node *n, struct node *m)
{
	struct irval v = irb_expr(b, n->args.v[0]);
	int size = v.t->size;
	int i = irb_reg(b, NULL), c = irb_reg(b, NULL), p = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = i;
	in->arg[0] = ref_imm(0);
	int head = irb_new_block(b), body = irb_new_block(b),
	    next = irb_new_block(b), done = irb_new_block(b);
	irb_jmp(b, head);
	irb_set_block(b, head);
	irb_br(b, CC_UGE, ref_reg(i), ref_imm(size), done, body);
	irb_set_block(b, body);
	in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = p;
	in->arg[0] = v.r;
	in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = p;
	in->arg[0] = ref_reg(p);
	in->arg[1] = ref_reg(i);
	in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = c;
	in->arg[0] = ref_reg(p);
	in->size = 1;
	irb_br(b, CC_EQ, ref_reg(c), ref_imm(0), done, next);
	irb_set_block(b, next);
	in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = i;
	in->arg[0] = ref_reg(i);
	in->arg[1] = ref_imm(1);
	irb_jmp(b, head);
	irb_set_block(b, done);
	return scalar(n->type, i);
}

/* A register holding the byte at p + off (zero-extended). */
static int load_byte(struct irb *b, struct ref p, int off,
		     const struct srcloc *loc)
{
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, loc);
	in->dst = r;
	in->arg[0] = p;
	in->off = off;
	in->size = 1;
	return r;
}

/* strncmp(a, b, n): 0 when the first n bytes (up to a common NUL) are
 * equal, else 1. */
static struct irval lo_strncmp(struct irb *b, struct node *n, struct node *m)
{
	struct irval x = irb_expr(b, n->args.v[0]);
	struct irval y = irb_expr(b, n->args.v[1]);
	int lim = (int)n->args.v[2]->ival;
	if (lim > x.t->size)
		lim = x.t->size;
	if (lim > y.t->size)
		lim = y.t->size;
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = r;
	in->arg[0] = ref_imm(1);
	int done = irb_new_block(b), eq = irb_new_block(b);
	for (int i = 0; i < lim; i++) {
		int ca = load_byte(b, x.r, i, &n->loc);
		int cb = load_byte(b, y.r, i, &n->loc);
		int same = irb_new_block(b), next = irb_new_block(b);
		irb_br(b, CC_NE, ref_reg(ca), ref_reg(cb), done, same);
		irb_set_block(b, same);
		irb_br(b, CC_EQ, ref_reg(ca), ref_imm(0), eq, next);
		irb_set_block(b, next);
	}
	irb_jmp(b, eq);
	irb_set_block(b, eq);
	in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = r;
	in->arg[0] = ref_imm(0);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return scalar(n->type, r);
}

/* memcmp(a, b, n): the difference of the first differing bytes (as
 * unsigned chars), 0 when the first n are equal; unrolled. */
static struct irval lo_memcmp(struct irb *b, struct node *n, struct node *m)
{
	struct irval x = irb_expr(b, n->args.v[0]);
	struct irval y = irb_expr(b, n->args.v[1]);
	int lim = (int)n->args.v[2]->ival;
	if (lim > x.t->size)
		lim = x.t->size;
	if (lim > y.t->size)
		lim = y.t->size;
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = r;
	in->arg[0] = ref_imm(0);
	int done = irb_new_block(b);
	for (int i = 0; i < lim; i++) {
		int ca = load_byte(b, x.r, i, &n->loc);
		int cb = load_byte(b, y.r, i, &n->loc);
		int diff = irb_new_block(b), next = irb_new_block(b);
		irb_br(b, CC_NE, ref_reg(ca), ref_reg(cb), diff, next);
		irb_set_block(b, diff);
		in = irb_emit(b, IR_SUB, &n->loc);
		in->dst = r;
		in->arg[0] = ref_reg(ca);
		in->arg[1] = ref_reg(cb);
		irb_jmp(b, done);
		irb_set_block(b, next);
	}
	irb_jmp(b, done);
	irb_set_block(b, done);
	return scalar(n->type, r);
}

/* argN, retval: the architecture's argument and return registers in
 * pt_regs (arch.h); USDT arguments and fentry/raw tracepoint slots. */
static struct irval lo_reg_arg(struct irb *b, struct node *n, struct node *m)
{
	const struct arch *A = arch_current();
	int off = A->ret_off;
	const struct prov_ops *p = prov_of(irb_ap(b));
	bool ret = !strcmp(n->name, "retval");
	if (!ret && p->args == ARGS_USDT)
		return usdt_lower_arg(b, n, atoi(n->name + 3));
	if (ret && p->retval == RETVAL_SLOT) {
		/* the ctx is the arguments' u64 slots, then the return value */
		struct type *t = n->type;
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
		in->dst = d;
		in->arg[0] = ref_reg(irb_ctx(b));
		in->off = irb_ap(b)->args_type ? irb_ap(b)->args_type->size : 0;
		in->size = t->size < 8 ? t->size : 8;
		if (t->kind == TY_INT && t->is_signed && t->size < 8) {
			in = irb_emit(b, IR_SEXT, &n->loc);
			in->dst = d;
			in->arg[0] = ref_reg(d);
			in->size = t->size;
		}
		return scalar(t, d);
	}
	if (!ret && p->args == ARGS_SLOTS)
		off = atoi(n->name + 3) * 8;
	else if (!ret)
		off = A->arg_off[atoi(n->name + 3)];
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = d;
	in->arg[0] = ref_reg(irb_ctx(b));
	in->off = off;
	in->size = 8;
	return scalar(n->type, d);
}

/* probe or probetype: the program's one attach point's name, or its
 * provider's. */
static const char *probe_name(struct irb *b, struct node *n)
{
	if (!strcmp(n->name, "probetype"))
		return prov_has(irb_ap(b), PF_SPECIAL)
			? "special" : probes_provider_name(irb_ap(b)->prov);
	return probes_ap_name(irb_ap(b));
}

static struct irval lo_probe(struct irb *b, struct node *n, struct node *m)
{
	const char *name = probe_name(b, n);
	struct node lit = *n;
	lit.kind = N_STR;
	lit.str = name;
	lit.slen = strlen(name);
	struct ref r = irb_result(b, n, "probe");
	irb_store_expr(b, r, 0, n->type, &lit);
	struct irval v = { n->type, r };
	return v;
}

static struct irval lo_ncpus(struct irb *b, struct node *n, struct node *m)
{
	int c = libbpf_num_possible_cpus();
	struct irval v = { n->type, ref_imm(c > 0 ? c : 1) };
	return v;
}

static struct irval lo_time(struct irb *b, struct node *n, struct node *m)
{
	const char *fmt = n->args.n ? tt_strndup(n->args.v[0]->str,
						 n->args.v[0]->slen)
				    : "%H:%M:%S\n";
	int id = irb_action(b, ACT_TIME, fmt, NULL, -1, &n->loc);
	int s = irb_slot_sized(b, 8, 8, tt_sprintf("time#%d", id));
	struct ir_insn *in = irb_emit(b, IR_STORE, &n->loc);
	in->arg[0] = ref_slot(s, 0);
	in->arg[1] = ref_imm(id);
	in->size = 8;
	irb_output(b, s, 8, &n->loc);
	return void_val();
}

static struct irval lo_pton(struct irb *b, struct node *n, struct node *m)
{
	unsigned char buf[16];
	int len = 0;
	builtin_pton(n->args.v[0]->str, buf, &len);
	struct ref r = irb_result(b, n, "pton");
	irb_store_bytes(b, r, 0, buf, len, &n->loc);
	struct irval v = { n->type, r };
	return v;
}

static struct irval lo_kaddr(struct irb *b, struct node *n, struct node *m)
{
	struct irval v = { n->type, ref_imm((int64_t)n->ival) };
	return v;
}

/* ---- stacks and symbols ------------------------------------------------
 * kstack/ustack (bare, or (N), (mode), (mode, N)), ksym(x), usym(x), func,
 * uaddr("sym").  Values are laid out as types.h says; symbols.c names
 * them when they are printed.  Stacks are bpf_get_stack's frames stored
 * in the value itself (as current bpftrace does), so a stack is an
 * ordinary map key and len() reads its frame count. */

static void store_at(struct irb *b, struct ref dst, int off, int size,
		     struct ref v, const struct srcloc *loc)
{
	struct ir_insn *in = irb_emit(b, IR_STORE, loc);
	in->arg[0] = dst;
	in->arg[1] = v;
	in->off = off;
	in->size = size;
}

/* ustack/usym values carry the process (its tgid, as this namespace's
 * /proc numbers it) and the probe. */
static void store_pid_probe(struct irb *b, struct ref dst, int off,
			    const struct srcloc *loc)
{
	uint64_t dev, ino;
	int r;
	if (own_pidns(&dev, &ino)) {
		/* struct bpf_pidns_info { u32 pid; u32 tgid; } */
		int s = irb_slot_sized(b, 8, 8, "pidns");
		irb_call(b, BPF_FUNC_get_ns_current_pid_tgid, loc, 4,
			 ref_imm((int64_t)dev), ref_imm((int64_t)ino),
			 ref_slot(s, 0), ref_imm(8));
		r = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_LOAD, loc);
		in->dst = r;
		in->arg[0] = ref_slot(s, 0);
		in->off = 4;
		in->size = 4;
	} else {
		r = irb_call(b, BPF_FUNC_get_current_pid_tgid, loc, 0);
		struct ir_insn *in = irb_emit(b, IR_LSHR, loc);
		in->dst = r;
		in->arg[0] = ref_reg(r);
		in->arg[1] = ref_imm(32);
	}
	store_at(b, dst, off, 4, ref_reg(r), loc);
	store_at(b, dst, off + 4, 4, ref_imm(irb_probe_id(b)), loc);
}

/* bpf_get_stack straight into the value's frames (it zero-fills what it
 * does not use), then the frame count: bytes / frame size, 0 on error. */
static struct irval lo_stack(struct irb *b, struct node *n, struct node *m)
{
	struct type *t = n->type;
	bool user = t->kind == TY_USTACK;
	int esize = builtin_stack_frame_size(user, t->stack_mode);
	int hdr = user ? 8 : 0;
	uint64_t flags = user ? BPF_F_USER_STACK : 0;
	if (user && t->stack_mode == STACK_MODE_BUILD_ID)
		flags |= BPF_F_USER_BUILD_ID;
	struct ref r = irb_result(b, n, user ? "ustack" : "kstack");
	if (!t->nelem) { /* kstack(0): no frames to ask for */
		store_at(b, r, hdr, 8, ref_imm(0), &n->loc);
		if (user)
			store_pid_probe(b, r, 0, &n->loc);
		struct irval v = { t, r };
		return v;
	}
	struct ref frames = r;
	frames.off += hdr + 8;
	int ret = irb_call(b, BPF_FUNC_get_stack, &n->loc, 4,
			   ref_reg(irb_ctx(b)), frames,
			   ref_imm((int64_t)t->nelem * esize),
			   ref_imm((int64_t)flags));
	int ok = irb_new_block(b), fail = irb_new_block(b),
	    done = irb_new_block(b);
	irb_br(b, CC_SLT, ref_reg(ret), ref_imm(0), fail, ok);
	irb_set_block(b, fail);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = ret;
	in->arg[0] = ref_imm(0);
	irb_jmp(b, done);
	irb_set_block(b, ok);
	irb_jmp(b, done);
	irb_set_block(b, done);
	in = irb_emit(b, IR_LSHR, &n->loc);
	in->dst = ret;
	in->arg[0] = ref_reg(ret);
	in->arg[1] = ref_imm(esize == 8 ? 3 : 5);
	store_at(b, r, hdr, 8, ref_reg(ret), &n->loc);
	if (user)
		store_pid_probe(b, r, 0, &n->loc);
	struct irval v = { t, r };
	return v;
}

/* len(kstack), len($ustack): the frame count stored in the value. */
static struct irval stack_len(struct irb *b, struct node *n)
{
	struct irval s = irb_expr(b, n->args.v[0]);
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = d;
	in->arg[0] = s.r;
	in->off = s.t->kind == TY_USTACK ? 8 : 0;
	in->size = 8;
	return scalar(n->type, d);
}

/* An address into a ksym/usym value. */
static struct irval sym_value(struct irb *b, struct node *n, struct ref addr)
{
	struct ref r = irb_result(b, n, n->type->kind == TY_KSYM ? "ksym"
								 : "usym");
	store_at(b, r, 0, 8, addr, &n->loc);
	if (n->type->kind == TY_USYM)
		store_pid_probe(b, r, 8, &n->loc);
	struct irval v = { n->type, r };
	return v;
}

static struct irval lo_sym(struct irb *b, struct node *n, struct node *m)
{
	struct irval a = irb_expr(b, n->args.v[0]);
	return sym_value(b, n, irb_to_reg(b, a, &n->loc));
}

/* kprobe/uprobe: the instruction pointer (pt_regs ip/pc) is the probed
 * address; after a return or in fentry/fexit, bpf_get_func_ip. */
static struct irval lo_func(struct irb *b, struct node *n, struct node *m)
{
	int r;
	if (prov_has(irb_ap(b), PF_IP_AT_PROBE)) {
		r = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
		in->dst = r;
		in->arg[0] = ref_reg(irb_ctx(b));
		in->off = arch_current()->ip_off;
		in->size = 8;
	} else {
		r = irb_call(b, BPF_FUNC_get_func_ip, &n->loc, 1,
			     ref_reg(irb_ctx(b)));
	}
	struct irval v = sym_value(b, n, ref_reg(r));
	enum provider pv = irb_ap(b)->prov;
	if (pv == PROV_UPROBE || pv == PROV_URETPROBE)
		store_at(b, v.r, 12, 4,
			 ref_imm(irb_probe_id(b) | USYM_AT_PROBE), &n->loc);
	return v;
}

static struct irval lo_reg(struct irb *b, struct node *n, struct node *m)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = d;
	in->arg[0] = ref_reg(irb_ctx(b));
	in->off = arch_reg_off(n->args.v[0]->str);
	in->size = 8;
	return scalar(n->type, d);
}

static struct irval lo_uaddr(struct irb *b, struct node *n, struct node *m)
{
	struct attach_point *ap = irb_ap(b);
	const char *path = ap->path ? ap->path : ap->target;
	const struct elf_bin *bin = path ? builtin_uaddr_bin(path) : NULL;
	uint64_t probe_vaddr = 0;
	bool pie = bin && bin->type == ET_DYN && ap->nlocs > 0 &&
		   prov_has(ap, PF_IP_AT_PROBE);
	if (pie) {
		/* the probed instruction's virtual address */
		uint64_t off = ap->locs[0].offset;
		pie = false;
		for (int i = 0; i < bin->nsegs; i++) {
			const struct elf_seg *sg = &bin->segs[i];
			if (off >= sg->offset && off - sg->offset < sg->filesz) {
				probe_vaddr = off - sg->offset + sg->vaddr;
				pie = true;
				break;
			}
		}
	}
	if (!pie) {
		struct irval v = { n->type, ref_imm((int64_t)n->ival) };
		return v;
	}
	struct irval delta = { type_int(8, false),
			       ref_imm((int64_t)(n->ival - probe_vaddr)) };
	struct ref d = irb_to_reg(b, delta, &n->loc);
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = r;
	in->arg[0] = ref_reg(irb_ctx(b));
	in->off = arch_current()->ip_off; /* where the probe is, in this
					     process */
	in->size = 8;
	in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = r;
	in->arg[0] = ref_reg(r);
	in->arg[1] = d;
	return scalar(n->type, r);
}

static struct irval lo_cpid(struct irb *b, struct node *n, struct node *m)
{
	if (!irb_cfg(b)->cmd) {
		/* a warnf() record without arguments */
		int id = irb_action(b, ACT_WARNF,
				    "cpid used without a child command (-c): "
				    "its value is 0 (check has_cpid first)",
				    NULL, -1, &n->loc);
		int s = irb_slot_sized(b, 8, 8, tt_sprintf("cpid#%d", id));
		store_at(b, ref_slot(s, 0), 0, 8, ref_imm(id), &n->loc);
		irb_output(b, s, 8, &n->loc);
		return (struct irval){ n->type, ref_imm(0) };
	}
	int map = irb_internal_map(b, "cpid", BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	int k = irb_slot_sized(b, 4, 4, "cpid_key");
	store_at(b, ref_slot(k, 0), 0, 4, ref_imm(0), &n->loc);
	int v = irb_call(b, BPF_FUNC_map_lookup_elem, &n->loc, 2, ref_map(map),
			 ref_slot(k, 0));
	int r = irb_reg(b, "cpid");
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = r;
	in->arg[0] = ref_imm(0);
	int found = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(v), ref_imm(0), done, found);
	irb_set_block(b, found);
	in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = r;
	in->arg[0] = ref_reg(v);
	in->size = 4;
	irb_jmp(b, done);
	irb_set_block(b, done);
	return scalar(n->type, r);
}

/* skboutput(path, skb, len, offset): bpf_skb_output(skb, the "skbout"
 * perf event array, BPF_F_CURRENT_CPU | len << 32, &meta, sizeof(meta)):
 * a struct skbout_meta (prog.h), then the packet's first len bytes, which
 * userspace writes less the first offset bytes to the pcap file
 * (skbout.c).  The result is the helper's (0, or a negative error). */
static struct irval lo_skboutput(struct irb *b, struct node *n,
				 struct node *m)
{
	struct node **a = n->args.v;
	const struct srcloc *loc = &n->loc;
	int id = irb_action(b, ACT_SKB_OUTPUT, tt_strndup(a[0]->str, a[0]->slen),
			    NULL, -1, loc);
	irb_action_at(b, id)->skb_offset = (uint32_t)a[3]->ival;
	int mi = irb_internal_map(b, "skbout", BPF_MAP_TYPE_PERF_EVENT_ARRAY,
				  4, 4, (uint32_t)libbpf_num_possible_cpus());
	int off;
	struct ref skb = btf_ptr_arg(b, a[1], &off);
	struct ref len = irb_to_reg(b, irb_expr(b, a[2]), loc);
	int meta = irb_slot_sized(b, sizeof(struct skbout_meta), 8, "skbout");
	st8(b, ref_slot(meta, 0), 0, ref_imm(id), loc);
	st8(b, ref_slot(meta, 0), 8,
	    ref_reg(irb_call(b, BPF_FUNC_ktime_get_boot_ns, loc, 0)), loc);
	st8(b, ref_slot(meta, 0), 16, len, loc);
	struct irval cpu = { type_int(8, false), ref_imm(0xffffffffLL) };
	int flags = alu(b, IR_OR, ref_reg(alu(b, IR_SHL, len, ref_imm(32), loc)),
			irb_to_reg(b, cpu, loc), loc);
	int r = irb_call(b, BPF_FUNC_skb_output, loc, 5,
			 ptr_plus(b, skb, off, loc), ref_map(mi), ref_reg(flags),
			 ref_slot(meta, 0), ref_imm(sizeof(struct skbout_meta)));
	return scalar(n->type, r);
}

/* ---- the table ----------------------------------------------------------
 * One entry per BUILTINS name (builtin_names.h); test_macro checks that
 * none is missing. */

static builtin_lower_fn *const lowerings[BI_COUNT] = {
	[BI_pid] = lo_pid,
	[BI_tid] = lo_tid,
	[BI_uid] = lo_uid,
	[BI_gid] = lo_gid,
	[BI_nsecs] = bv_lo_nsecs,
	[BI_cpu] = lo_helper,
	[BI_rand] = lo_helper,
	[BI_cgroup] = lo_helper,
	[BI_curtask] = lo_helper,
	[BI_jiffies] = lo_helper,
	[BI_numaid] = lo_helper,
	[BI_comm] = lo_comm,
	[BI_args] = lo_args,
	[BI_ctx] = lo_ctx,
	[BI_printf] = lo_fmt,
	[BI_cat] = lo_fmt,
	[BI_system] = lo_fmt,
	[BI_errorf] = lo_fmt,
	[BI_warnf] = lo_fmt,
	[BI_time] = lo_time,
	[BI_delete] = lo_delete,
	[BI_has_key] = lo_delete,
	[BI_find] = lo_find,
	[BI_strlen] = lo_strlen,
	[BI_len] = lo_len,
	[BI_strncmp] = lo_strncmp,
	[BI_memcmp] = lo_memcmp,
	[BI_strftime] = bv_lo_strftime,
	[BI_elapsed] = bv_lo_elapsed,
	[BI_username] = bv_lo_username,
	[BI_buf] = bv_lo_buf,
	[BI_ntop] = bv_lo_ntop,
	[BI_macaddr] = bv_lo_macaddr,
	[BI_bswap] = bv_lo_bswap,
	[BI_cgroup_path] = bv_lo_cgroup_path,
	[BI_strerror] = bv_lo_strerror,
	[BI_join] = bv_lo_join,
	[BI_signal] = bv_lo_signal,
	[BI_kptr] = bv_lo_addrspace,
	[BI_uptr] = bv_lo_addrspace,
	[BI_percpu_kaddr] = bv_lo_percpu_kaddr,
	[BI_debugf] = bv_lo_debugf,
	[BI_usermode] = bv_lo_usermode,
	[BI_signal_name] = bv_lo_signal_name,
	[BI_signal_thread] = bv_lo_signal,
	[BI_write_user] = lo_write_user,
	[BI_syscall_name] = bv_lo_strerror,
	[BI_strstr] = bv_lo_strstr,
	[BI_strcontains] = bv_lo_strstr,
	[BI_str_concat] = lo_str_concat,
	[BI_socket_cookie] = lo_socket_cookie,
	[BI_path] = lo_path,
	[BI_override] = lo_override,
	[BI_unwatch] = lo_unwatch,
	[BI_skboutput] = lo_skboutput,
	[BI_dw_ustack] = lo_unsupported,
	[BI_arg0] = lo_reg_arg,
	[BI_arg1] = lo_reg_arg,
	[BI_arg2] = lo_reg_arg,
	[BI_arg3] = lo_reg_arg,
	[BI_arg4] = lo_reg_arg,
	[BI_arg5] = lo_reg_arg,
	[BI_arg6] = lo_reg_arg,
	[BI_arg7] = lo_reg_arg,
	[BI_arg8] = lo_reg_arg,
	[BI_arg9] = lo_reg_arg,
	[BI_arg10] = lo_reg_arg,
	[BI_arg11] = lo_reg_arg,
	[BI_retval] = lo_reg_arg,
	[BI_probe] = lo_probe,
	[BI_probetype] = lo_probe,
	[BI_ncpus] = lo_ncpus,
	[BI_exit] = lo_exit,
	[BI_str] = lo_str,
	[BI_pton] = lo_pton,
	[BI_kaddr] = lo_kaddr,
	/* getopt, config and the compile-time helpers (is_array, ...):
	   BI_FOLDED, no lowering */
	[BI_uaddr] = lo_uaddr,
	[BI_reg] = lo_reg,
	[BI_kstack] = lo_stack,
	[BI_ustack] = lo_stack,
	[BI_ksym] = lo_sym,
	[BI_usym] = lo_sym,
	[BI_func] = lo_func,
	[BI_cpid] = lo_cpid,
	[BI_print] = lo_mapop,
	[BI_clear] = lo_mapop,
	[BI_zero] = lo_mapop,
	[BI_count] = lo_agg,
	[BI_sum] = lo_agg,
	[BI_min] = lo_agg,
	[BI_max] = lo_agg,
	[BI_avg] = lo_agg,
	[BI_stats] = lo_agg,
	[BI_hist] = lo_hist,
	[BI_lhist] = lo_hist,
	[BI_tseries] = lo_tseries,
};

builtin_lower_fn *builtin_lowering(enum builtin_id id)
{
	return lowerings[id];
}
