/* builtins_lower_values.c — the lowering of the builtins whose values
 * userspace resolves when it prints them, and of the ones that build
 * special records: strftime, nsecs(mode), elapsed, username, buf, ntop,
 * macaddr, bswap, cgroup_path, strerror, join, signal, kptr/uptr,
 * percpu_kaddr, debugf, usermode, signal_name, strstr/strcontains (their
 * typing is in builtins_type.c).
 *
 * Takes: N_CALL/N_BUILTIN nodes naming them (the table in
 * builtins_lower.c points here).  Produces: their IR.  Value layouts are
 * types.h's storage contract; fmt_values.c prints them.  Compile-time
 * strings a value refers to (strftime formats, cgroup_path filters) become
 * ACT_STRING actions whose index the value carries. */
#include "builtins_lower_values.h"

#include <linux/bpf.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "arch.h"
#include "probes.h"
#include "types.h"

/* ---- small helpers ---------------------------------------------------- */

static struct irval val(struct type *t, struct ref r)
{
	struct irval v = { t, r };
	return v;
}

static struct irval void_val(void)
{
	return val(type_void(), (struct ref){ .kind = REF_NONE });
}

static struct ref at(struct ref r, int off)
{
	r.off += off; /* irb_result() refs are slots */
	return r;
}

/* Stores an integer (register or immediate) of `size` bytes at dst+off. */
static void st(struct irb *b, struct ref dst, int off, int size, struct ref v,
	       const struct srcloc *loc)
{
	irb_store(b, dst, off, type_int(size, false),
		  val(type_int(8, false), v), loc);
}

/* d = a op x in a new register. */
static struct ref op2(struct irb *b, enum ir_op op, struct ref a, struct ref x,
		      const struct srcloc *loc)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, op, loc);
	in->dst = d;
	in->arg[0] = a;
	in->arg[1] = x;
	return ref_reg(d);
}

/* Where memory reached through a value of type t lives: a pointer's own
 * address space, else the probe's (user memory in uprobes and USDT). */
static bool user_memory(struct irb *b, const struct type *t)
{
	if (t && t->kind == TY_PTR && t->as != AS_NONE)
		return t->as == AS_USER;
	return prov_has(irb_ap(b), PF_USER);
}

/* A register holding min(v, max) (unsigned): a length the verifier can
 * bound. */
static struct ref clamp(struct irb *b, struct irval v, int max,
			const struct srcloc *loc)
{
	struct ref vr = irb_to_reg(b, v, loc);
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, loc);
	in->dst = d;
	in->arg[0] = vr;
	int big = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_UGT, ref_reg(d), ref_imm(max), big, done);
	irb_set_block(b, big);
	in = irb_emit(b, IR_MOV, loc);
	in->dst = d;
	in->arg[0] = ref_imm(max);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return ref_reg(d);
}

static struct type *bytes(int n)
{
	return type_array(type_int(1, false), n);
}

/* ---- nsecs(mode), strftime(), elapsed ------------------------------------ */

static int64_t clock_ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* sw_tai: the boot clock plus the TAI offset measured now (bpftrace's
 * "vdso sandwich"): for kernels without bpf_ktime_get_tai_ns. */
struct irval bv_lo_nsecs(struct irb *b, struct node *n, struct node *m)
{
	static const int helper[] = {
		[TS_BOOT] = BPF_FUNC_ktime_get_boot_ns,
		[TS_MONOTONIC] = BPF_FUNC_ktime_get_ns,
		[TS_TAI] = BPF_FUNC_ktime_get_tai_ns,
		[TS_SW_TAI] = BPF_FUNC_ktime_get_boot_ns,
	};
	int mode = (int)n->ival;
	int r = irb_call(b, helper[mode], &n->loc, 0);
	if (mode != TS_SW_TAI)
		return val(n->type, ref_reg(r));
	int64_t a = clock_ns(CLOCK_BOOTTIME), t = clock_ns(CLOCK_TAI),
		c = clock_ns(CLOCK_BOOTTIME);
	int64_t off = t - (a + (c - a) / 2);
	struct ref k = irb_to_reg(b, val(type_int(8, true), ref_imm(off)),
				  &n->loc);
	return val(n->type, op2(b, IR_ADD, ref_reg(r), k, &n->loc));
}

struct irval bv_lo_elapsed(struct irb *b, struct node *n, struct node *m)
{
	static int64_t start;
	if (!start)
		start = clock_ns(CLOCK_BOOTTIME);
	int r = irb_call(b, BPF_FUNC_ktime_get_boot_ns, &n->loc, 0);
	struct ref k = irb_to_reg(b, val(type_int(8, true), ref_imm(start)),
				  &n->loc);
	return val(n->type, op2(b, IR_SUB, ref_reg(r), k, &n->loc));
}

struct irval bv_lo_strftime(struct irb *b, struct node *n, struct node *m)
{
	struct node *f = n->args.v[0];
	int id = irb_action(b, ACT_STRING, tt_strndup(f->str, f->slen), NULL,
			    -1, &n->loc);
	struct irval ns = irb_expr(b, n->args.v[1]);
	struct ref r = irb_result(b, n, "strftime");
	st(b, r, 0, 4, ref_imm(id), &n->loc);
	st(b, r, 4, 4, ref_imm((int64_t)n->ival), &n->loc);
	irb_store(b, r, 8, type_int(8, false), ns, &n->loc);
	return val(n->type, r);
}

/* ---- username, strerror, cgroup_path ---------------------------------- */

struct irval bv_lo_username(struct irb *b, struct node *n, struct node *m)
{
	int u = irb_call(b, BPF_FUNC_get_current_uid_gid, &n->loc, 0);
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ZEXT, &n->loc);
	in->dst = d;
	in->arg[0] = ref_reg(u);
	in->size = 4;
	struct ref r = irb_result(b, n, "username");
	st(b, r, 0, 8, ref_reg(d), &n->loc);
	return val(n->type, r);
}

struct irval bv_lo_signal_name(struct irb *b, struct node *n, struct node *m)
{
	return bv_lo_strerror(b, n, m);
}

struct irval bv_lo_strerror(struct irb *b, struct node *n, struct node *m)
{
	struct irval e = irb_expr(b, n->args.v[0]);
	struct ref r = irb_result(b, n, "strerror");
	irb_store(b, r, 0, type_int(8, true), e, &n->loc);
	return val(n->type, r);
}

struct irval bv_lo_cgroup_path(struct irb *b, struct node *n, struct node *m)
{
	int64_t filter = -1;
	if (n->args.n > 1) {
		struct node *f = n->args.v[1];
		filter = irb_action(b, ACT_STRING, tt_strndup(f->str, f->slen),
				    NULL, -1, &n->loc);
	}
	struct irval id = irb_expr(b, n->args.v[0]);
	struct ref r = irb_result(b, n, "cgroup_path");
	irb_store(b, r, 0, type_int(8, false), id, &n->loc);
	st(b, r, 8, 8, ref_imm(filter), &n->loc);
	return val(n->type, r);
}

/* ---- buf, ntop, macaddr ----------------------------------------------- */

struct irval bv_lo_buf(struct irb *b, struct node *n, struct node *m)
{
	const struct srcloc *loc = &n->loc;
	int cap = n->type->size - 4;
	struct node *ln = n->args.n > 1 ? n->args.v[1] : NULL;
	struct irval v = irb_expr(b, n->args.v[0]);
	struct ref len = ref_imm(cap);
	if (ln && ln->kind != N_INT)
		len = clamp(b, irb_expr(b, ln), cap, loc);
	bool printed = irb_result_printed(b, n);
	struct ref r = irb_result(b, n, "buf");
	st(b, r, 0, 4, len, loc);
	if (v.t->kind == TY_PTR || type_is_int(v.t)) {
		struct ref p = irb_to_reg(b, v, loc);
		/* a shorter read leaves the rest as it was: zero it first
		   unless the buffer is only printed */
		if (len.kind != REF_IMM && !printed)
			irb_zero(b, r, 4, cap, loc);
		irb_call(b, user_memory(b, v.t) ? BPF_FUNC_probe_read_user
						: BPF_FUNC_probe_read_kernel,
			 loc, 3, at(r, 4), len, p);
	} else {
		irb_store(b, r, 4, bytes(cap), v, loc);
	}
	return val(n->type, r);
}

struct irval bv_lo_ntop(struct irb *b, struct node *n, struct node *m)
{
	const struct srcloc *loc = &n->loc;
	int ai = n->args.n - 1;
	struct irval af = ai ? irb_expr(b, n->args.v[0])
			     : val(type_int(8, true), ref_imm(0));
	struct irval v = irb_expr(b, n->args.v[ai]);
	struct ref r = irb_result(b, n, "ntop");
	bool v6 = v.t->kind == TY_ARRAY && v.t->size == 16;
	if (!ai)
		af.r = ref_imm(v6 ? AF_INET6 : AF_INET);
	irb_store(b, r, 0, type_int(8, true), af, loc);
	if (type_is_int(v.t)) {
		st(b, r, 8, 4, irb_to_reg(b, v, loc), loc);
		st(b, r, 12, 4, ref_imm(0), loc);
		st(b, r, 16, 8, ref_imm(0), loc);
	} else {
		irb_store(b, r, 8, bytes(16), v, loc);
	}
	return val(n->type, r);
}

struct irval bv_lo_macaddr(struct irb *b, struct node *n, struct node *m)
{
	const struct srcloc *loc = &n->loc;
	struct irval v = irb_expr(b, n->args.v[0]);
	struct ref r = irb_result(b, n, "macaddr");
	if (v.t->kind == TY_PTR) {
		irb_call(b, user_memory(b, v.t) ? BPF_FUNC_probe_read_user
						: BPF_FUNC_probe_read_kernel,
			 loc, 3, r, ref_imm(6), irb_to_reg(b, v, loc));
	} else if (type_is_int(v.t)) {
		struct ref x = irb_to_reg(b, v, loc);
		st(b, r, 0, 4, x, loc);
		st(b, r, 4, 2, op2(b, IR_LSHR, x, ref_imm(32), loc), loc);
	} else {
		irb_store(b, r, 0, bytes(6), v, loc);
	}
	return val(n->type, r);
}

/* ---- bswap ---------------------------------------------------------------- */

/* Byte i of x moves to byte size-1-i. */
struct irval bv_lo_bswap(struct irb *b, struct node *n, struct node *m)
{
	const struct srcloc *loc = &n->loc;
	int size = n->type->size;
	struct ref x = irb_to_reg(b, irb_expr(b, n->args.v[0]), loc);
	if (size == 1) {
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_ZEXT, loc);
		in->dst = d;
		in->arg[0] = x;
		in->size = 1;
		return val(n->type, ref_reg(d));
	}
	struct ref acc = { .kind = REF_NONE };
	for (int i = 0; i < size; i++) {
		struct ref y = i ? op2(b, IR_LSHR, x, ref_imm(8 * i), loc) : x;
		if (i < size - 1 || size < 8) /* x may be sign-extended */
			y = op2(b, IR_AND, y, ref_imm(0xff), loc);
		int sh = 8 * (size - 1 - i);
		if (sh)
			y = op2(b, IR_SHL, y, ref_imm(sh), loc);
		acc = acc.kind == REF_NONE ? y : op2(b, IR_OR, acc, y, loc);
	}
	return val(n->type, acc);
}

/* ---- signal, kptr/uptr ---------------------------------------------------- */

struct irval bv_lo_signal(struct irb *b, struct node *n, struct node *m)
{
	struct node *a = n->args.v[0];
	struct ref sig = a->kind == N_STR ? ref_imm((int64_t)n->ival)
					  : irb_to_reg(b, irb_expr(b, a), &n->loc);
	irb_call(b, strcmp(n->name, "signal_thread") ? BPF_FUNC_send_signal
						     : BPF_FUNC_send_signal_thread,
		 &n->loc, 1, sig);
	return void_val();
}

struct irval bv_lo_addrspace(struct irb *b, struct node *n, struct node *m)
{
	struct irval v = irb_expr(b, n->args.v[0]);
	v.t = n->type;
	return v;
}

/* ---- percpu_kaddr --------------------------------------------------------- */

struct irval bv_lo_percpu_kaddr(struct irb *b, struct node *n, struct node *m)
{
	struct ref var = ref_ksym((int64_t)n->ival);
	int r;
	if (n->args.n > 1) {
		struct ref cpu = irb_to_reg(b, irb_expr(b, n->args.v[1]), &n->loc);
		r = irb_call(b, BPF_FUNC_per_cpu_ptr, &n->loc, 2, var, cpu);
	} else {
		r = irb_call(b, BPF_FUNC_this_cpu_ptr, &n->loc, 1, var);
	}
	return val(n->type, ref_reg(r));
}

/* ---- debugf ---------------------------------------------------------------- */

/* bpf_trace_printk with up to 3 arguments, else bpf_trace_vprintk with
 * the arguments as an array of uint64 (strings by address). */
struct irval bv_lo_debugf(struct irb *b, struct node *n, struct node *m)
{
	const struct srcloc *loc = &n->loc;
	struct node *f = n->args.v[0];
	int na = n->args.n - 1, flen = (int)f->slen + 1;
	int fs = irb_slot_sized(b, (flen + 7) & ~7, 8, "debugf_fmt");
	irb_store_bytes(b, ref_slot(fs, 0), 0, f->str, (int)f->slen, loc);
	st(b, ref_slot(fs, 0), (int)f->slen, 1, ref_imm(0), loc);
	struct ref a[12];
	for (int i = 0; i < na; i++) {
		struct irval v = irb_expr(b, n->args.v[i + 1]);
		a[i] = v.t->kind == TY_STR ? v.r : irb_to_reg(b, v, loc);
	}
	if (na <= 3) {
		irb_call(b, BPF_FUNC_trace_printk, loc, 2 + na, ref_slot(fs, 0),
			 ref_imm(flen), na > 0 ? a[0] : ref_imm(0),
			 na > 1 ? a[1] : ref_imm(0), na > 2 ? a[2] : ref_imm(0));
		return void_val();
	}
	int as = irb_slot_sized(b, 8 * na, 8, "debugf_args");
	for (int i = 0; i < na; i++) {
		struct ref v = a[i];
		if (v.kind == REF_SLOT) { /* a string: its address */
			int d = irb_reg(b, NULL);
			struct ir_insn *in = irb_emit(b, IR_MOV, loc);
			in->dst = d;
			in->arg[0] = v;
			v = ref_reg(d);
		}
		st(b, ref_slot(as, 0), 8 * i, 8, v, loc);
	}
	irb_call(b, BPF_FUNC_trace_vprintk, loc, 4, ref_slot(fs, 0),
		 ref_imm(flen), ref_slot(as, 0), ref_imm(8 * na));
	/* the kernel reads the strings through the addresses in the array:
	   they live until the call, so no later slot (the array itself)
	   shares their bytes */
	for (int i = 0; i < na; i++)
		if (a[i].kind == REF_SLOT)
			irb_emit(b, IR_USE, loc)->arg[0] = a[i];
	return void_val();
}

/* ---- usermode ------------------------------------------------------------ */

struct irval bv_lo_usermode(struct irb *b, struct node *n, struct node *m)
{
	if (prov_has(irb_ap(b), PF_SPECIAL))
		return val(n->type, ref_imm(1));
	if (!prov_has(irb_ap(b), PF_PTREGS))
		return val(n->type, ref_imm(0));
	/* pt_regs (also first in bpf_perf_event_data): x86-64's cs holds
	   the privilege level, aarch64's pstate the exception level */
	const struct arch *A = arch_current();
	int cs = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = cs;
	in->arg[0] = ref_reg(irb_ctx(b));
	in->off = A->mode_off;
	in->size = 8;
	struct ref pl = op2(b, IR_AND, ref_reg(cs),
			    ref_imm((int64_t)A->mode_mask), &n->loc);
	int d = irb_reg(b, NULL);
	in = irb_emit(b, IR_SETCC, &n->loc);
	in->dst = d;
	in->cc = CC_EQ;
	in->arg[0] = pl;
	in->arg[1] = ref_imm((int64_t)A->mode_user);
	return val(n->type, ref_reg(d));
}

/* ---- strstr, strcontains --------------------------------------------------- */

/* The needle's characters when it is a literal (else NULL). */
static struct node *literal_needle(struct node *n)
{
	struct node *k = n->args.v[1];
	return k->kind == N_STR ? k : NULL;
}

/* d = *(u8 *)(base + off) in the current block. */
static struct ref sub_byte(struct irb *b, struct ref base, int off)
{
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, NULL);
	in->dst = r;
	in->arg[0] = base;
	in->off = off;
	in->size = 1;
	return ref_reg(r);
}

/* Ends block blk with `if (a cc x) goto t else goto e`. */
static void sub_br(struct irb *b, int blk, enum ir_cc cc, struct ref a,
		   struct ref x, int t, int e)
{
	irb_set_block(b, blk);
	irb_br(b, cc, a, x, t, e);
}

/* Ends block blk with `return v`. */
static void sub_ret(struct irb *b, int blk, int64_t v)
{
	irb_set_block(b, blk);
	irb_emit(b, IR_RET, NULL)->arg[0] = ref_imm(v);
}

/* d = *(u64 *)(base + off) in the current block. */
static struct ref sub_load8(struct irb *b, struct ref base, int off)
{
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, NULL);
	in->dst = r;
	in->arg[0] = base;
	in->off = off;
	in->size = 8;
	return ref_reg(r);
}

/* *(u64 *)(base + off) = v in the current block. */
static void sub_store8(struct irb *b, struct ref base, int off, struct ref v)
{
	struct ir_insn *in = irb_emit(b, IR_STORE, NULL);
	in->arg[0] = base;
	in->arg[1] = v;
	in->off = off;
	in->size = 8;
}

/* ctx = { haystack, needle, result, start i, match state } (offsets of
 * the last two; 0 while comparing, STRSTR_MATCH, STRSTR_END). */
#define STRSTR_I 24
#define STRSTR_STATE 32
#define STRSTR_CTX 40
enum { STRSTR_MATCH = 1, STRSTR_END = 2 };

/* The callback of bv_lo_strstr for a literal needle, a subprogram of the
 * current function (returns its index): body(i, ctx) for start positions
 * below starts, the needle's ks bytes compared as immediates with the
 * haystack of hs bytes. */
static int strstr_callback(struct irb *b, const struct srcloc *loc,
			   const struct node *lit, int ks, int starts)
{
	struct irb_sub *sub = irb_sub_begin(b, "strstr", loc, NULL, NULL);
	int e = irb_cur(b);
	int i = irb_sub_arg(b, 0, "i", NULL), c = irb_sub_arg(b, 1, "ctx", NULL);
	int body = irb_new_block(b), stop = irb_new_block(b),
	    cont = irb_new_block(b), found = irb_new_block(b);
	sub_br(b, e, CC_UGE, ref_reg(i), ref_imm(starts), stop, body);
	sub_ret(b, stop, 1);
	sub_ret(b, cont, 0);
	irb_set_block(b, body);
	struct ref hb = sub_load8(b, ref_reg(c), 0);
	int p = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ADD, NULL);
	in->dst = p;
	in->arg[0] = hb;
	in->arg[1] = ref_reg(i);
	struct ref c0 = sub_byte(b, ref_reg(p), 0);
	int blk = irb_new_block(b);
	sub_br(b, body, CC_EQ, c0, ref_imm(0), stop, blk);
	irb_set_block(b, blk);
	for (int j = 0; j < ks; j++) {
		struct ref nj = ref_imm((unsigned char)lit->str[j]);
		struct ref cj = j ? sub_byte(b, ref_reg(p), j) : c0;
		int go = irb_new_block(b);
		sub_br(b, blk, CC_NE, cj, nj, cont, go);
		blk = go;
		irb_set_block(b, blk);
	}
	irb_jmp(b, found);
	irb_set_block(b, found);
	sub_store8(b, ref_reg(c), 16, ref_reg(i));
	irb_emit(b, IR_RET, NULL)->arg[0] = ref_imm(1);
	return irb_sub_end(b, sub);
}

/* For a run-time needle (ks characters at most, a string of ks + 1
 * bytes): the inner callback, body(j, ctx) for j <= ks, compares needle
 * byte j with haystack byte i + j (i = ctx's start): the needle's NUL is
 * a match, the haystack's (or its end) ends the whole search, a
 * difference ends this start.  Both indexes come from bpf_loop, so the
 * verifier checks each body once whatever the string sizes. */
static int strstr_inner(struct irb *b, const struct srcloc *loc, int hs,
			int ks)
{
	struct irb_sub *sub = irb_sub_begin(b, "strstr_cmp", loc, NULL, NULL);
	int e = irb_cur(b);
	int j = irb_sub_arg(b, 0, "j", NULL), c = irb_sub_arg(b, 1, "ctx", NULL);
	int body = irb_new_block(b), stop = irb_new_block(b),
	    match = irb_new_block(b), end = irb_new_block(b),
	    hay = irb_new_block(b), cmp = irb_new_block(b),
	    next = irb_new_block(b), inrange = irb_new_block(b);
	sub_br(b, e, CC_UGT, ref_reg(j), ref_imm(ks), stop, body);
	sub_ret(b, stop, 1);
	irb_set_block(b, match);
	sub_store8(b, ref_reg(c), STRSTR_STATE, ref_imm(STRSTR_MATCH));
	irb_emit(b, IR_RET, NULL)->arg[0] = ref_imm(1);
	irb_set_block(b, end);
	sub_store8(b, ref_reg(c), STRSTR_STATE, ref_imm(STRSTR_END));
	irb_emit(b, IR_RET, NULL)->arg[0] = ref_imm(1);
	sub_ret(b, next, 0);
	irb_set_block(b, body);
	struct ref kp = sub_load8(b, ref_reg(c), 8);
	int kq = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ADD, NULL);
	in->dst = kq;
	in->arg[0] = kp;
	in->arg[1] = ref_reg(j);
	struct ref nj = sub_byte(b, ref_reg(kq), 0);
	sub_br(b, body, CC_EQ, nj, ref_imm(0), match, hay);
	irb_set_block(b, hay);
	struct ref i = sub_load8(b, ref_reg(c), STRSTR_I);
	int t = irb_reg(b, NULL);
	in = irb_emit(b, IR_ADD, NULL);
	in->dst = t;
	in->arg[0] = i;
	in->arg[1] = ref_reg(j);
	sub_br(b, hay, CC_UGE, ref_reg(t), ref_imm(hs), end, inrange);
	irb_set_block(b, inrange);
	struct ref hb = sub_load8(b, ref_reg(c), 0);
	int hq = irb_reg(b, NULL);
	in = irb_emit(b, IR_ADD, NULL);
	in->dst = hq;
	in->arg[0] = hb;
	in->arg[1] = ref_reg(t);
	struct ref cj = sub_byte(b, ref_reg(hq), 0);
	sub_br(b, inrange, CC_EQ, cj, ref_imm(0), end, cmp);
	sub_br(b, cmp, CC_NE, cj, nj, stop, next);
	return irb_sub_end(b, sub);
}

/* The outer callback for a run-time needle: body(i, ctx) for i below
 * starts runs the inner one over the needle from start i; a match
 * stores i and stops, the haystack's end stops. */
static int strstr_callback_rt(struct irb *b, const struct srcloc *loc,
			      int hs, int ks, int starts)
{
	struct irb_sub *sub = irb_sub_begin(b, "strstr", loc, NULL, NULL);
	int e = irb_cur(b);
	int i = irb_sub_arg(b, 0, "i", NULL), c = irb_sub_arg(b, 1, "ctx", NULL);
	int body = irb_new_block(b), stop = irb_new_block(b),
	    cont = irb_new_block(b), found = irb_new_block(b),
	    notfound = irb_new_block(b);
	sub_br(b, e, CC_UGE, ref_reg(i), ref_imm(starts), stop, body);
	sub_ret(b, stop, 1);
	sub_ret(b, cont, 0);
	irb_set_block(b, body);
	sub_store8(b, ref_reg(c), STRSTR_I, ref_reg(i));
	sub_store8(b, ref_reg(c), STRSTR_STATE, ref_imm(0));
	int inner = strstr_inner(b, loc, hs, ks);
	irb_call(b, BPF_FUNC_loop, loc, 4, ref_imm(ks + 1), ref_func(inner),
		 ref_reg(c), ref_imm(0));
	struct ref st8 = sub_load8(b, ref_reg(c), STRSTR_STATE);
	body = irb_cur(b);
	sub_br(b, body, CC_EQ, st8, ref_imm(STRSTR_MATCH), found, notfound);
	sub_br(b, notfound, CC_EQ, st8, ref_imm(STRSTR_END), stop, cont);
	irb_set_block(b, found);
	sub_store8(b, ref_reg(c), 16, ref_reg(i));
	irb_emit(b, IR_RET, NULL)->arg[0] = ref_imm(1);
	return irb_sub_end(b, sub);
}

/* The caller's half: ctx = { h, k (not for a literal), -1 } on the
 * stack, bpf_loop(starts, the callback, &ctx), then the result (for
 * strcontains: result != -1). */
static struct irval strstr_call(struct irb *b, struct node *n,
				struct irval h, struct irval k, bool lit,
				int fn, int starts, bool contains)
{
	const struct srcloc *loc = &n->loc;
	struct ir_insn *in;
	int ctx = irb_slot_sized(b, STRSTR_CTX, 8, "strstr_ctx");
	struct ref addr[2] = { h.r, k.r };
	for (int a = 0; a < (lit ? 1 : 2); a++) {
		int r = irb_reg(b, NULL);
		in = irb_emit(b, IR_MOV, loc);
		in->dst = r;
		in->arg[0] = addr[a];
		st(b, ref_slot(ctx, 0), 8 * a, 8, ref_reg(r), loc);
	}
	st(b, ref_slot(ctx, 0), 16, 8, ref_imm(-1), loc);
	/* the callback reads the strings: live across the call */
	for (int a = 0; a < 2; a++)
		if (addr[a].kind == REF_SLOT)
			irb_emit(b, IR_USE, loc)->arg[0] = addr[a];
	irb_call(b, BPF_FUNC_loop, loc, 4, ref_imm(starts),
		 ref_func(fn), ref_slot(ctx, 0), ref_imm(0));
	for (int a = 0; a < 2; a++)
		if (addr[a].kind == REF_SLOT)
			irb_emit(b, IR_USE, loc)->arg[0] = addr[a];
	int r = irb_reg(b, NULL);
	in = irb_emit(b, IR_LOAD, loc);
	in->dst = r;
	in->arg[0] = ref_slot(ctx, 0);
	in->off = 16;
	in->size = 8;
	if (!contains)
		return val(n->type, ref_reg(r));
	int d = irb_reg(b, NULL);
	in = irb_emit(b, IR_SETCC, loc);
	in->dst = d;
	in->cc = CC_NE;
	in->arg[0] = ref_reg(r);
	in->arg[1] = ref_imm(-1);
	return val(n->type, ref_reg(d));
}

/* The search runs as a bpf_loop callback over the start positions (one
 * body for the verifier, whatever the string sizes):
 *   ctx = { haystack address, needle address, result, i, state }
 *   body(i, ctx): i past the last start: stop; haystack[i] is its NUL:
 *   stop (result -1); compare the needle (a literal's bytes as
 *   immediates, else a nested bpf_loop up to its NUL); all equal:
 *   result = i, stop. */
struct irval bv_lo_strstr(struct irb *b, struct node *n, struct node *m)
{
	const struct srcloc *loc = &n->loc;
	bool contains = !strcmp(n->name, "strcontains");
	struct node *lit = literal_needle(n);
	struct irval h = irb_expr(b, n->args.v[0]);
	struct irval k = lit ? void_val() : irb_expr(b, n->args.v[1]);
	int hs = h.t->size, ks = lit ? (int)lit->slen : k.t->size - 1;
	if (ks == 0) /* an empty needle (string[1]) is found at 0 */
		return val(n->type, ref_imm(contains ? 1 : 0));
	/* start positions: a literal needs ks bytes from i on (the last
	   one ends at the haystack's last byte: a string without a NUL,
	   cut at max_strlen or a full char array, ends there) */
	int starts = lit ? hs - ks + 1 : hs;
	if (starts <= 0)
		return val(n->type, ref_imm(contains ? 0 : -1));

	int fn = lit ? strstr_callback(b, loc, lit, ks, starts)
		     : strstr_callback_rt(b, loc, hs, ks, starts);
	return strstr_call(b, n, h, k, lit != NULL, fn, starts, contains);
}

/* ---- join ----------------------------------------------------------------- */

/* The callback of bv_lo_join, a subprogram of the current function
 * (returns its index): body(i, ctx), ctx = { the array's address, the
 * record's first string }.  String i gets its terminator, then pointer i
 * is read; a NULL pointer stops the loop, leaving an empty string (the
 * end), else string i is read through it. */
static int join_callback(struct irb *b, const struct srcloc *loc, bool user,
			 int sz, int nargs)
{
	struct irb_sub *sub = irb_sub_begin(b, "join", loc, NULL, NULL);
	int e = irb_cur(b);
	int i = irb_sub_arg(b, 0, "i", NULL), c = irb_sub_arg(b, 1, "ctx", NULL);
	int body = irb_new_block(b), stop = irb_new_block(b),
	    more = irb_new_block(b);
	sub_br(b, e, CC_UGE, ref_reg(i), ref_imm(nargs), stop, body);
	sub_ret(b, stop, 1);
	irb_set_block(b, body);
	int base = irb_reg(b, "array"), rec = irb_reg(b, "strings");
	struct ir_insn *in = irb_emit(b, IR_LOAD, NULL);
	in->dst = base;
	in->arg[0] = ref_reg(c);
	in->size = 8;
	in = irb_emit(b, IR_LOAD, NULL);
	in->dst = rec;
	in->arg[0] = ref_reg(c);
	in->off = 8;
	in->size = 8;
	/* bounded by the test above: the verifier checks string i inside
	   the record */
	struct ref dst = op2(b, IR_ADD, ref_reg(rec),
			     op2(b, IR_MUL, ref_reg(i), ref_imm(sz), loc), loc);
	struct ref addr = op2(b, IR_ADD, ref_reg(base),
			      op2(b, IR_SHL, ref_reg(i), ref_imm(3), loc), loc);
	st(b, dst, 0, 1, ref_imm(0), loc);
	int ps = irb_slot_sized(b, 8, 8, "join_ptr");
	irb_call(b, user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel,
		 loc, 3, ref_slot(ps, 0), ref_imm(8), addr);
	int p = irb_reg(b, NULL);
	in = irb_emit(b, IR_LOAD, loc);
	in->dst = p;
	in->arg[0] = ref_slot(ps, 0);
	in->size = 8;
	irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), stop, more);
	irb_set_block(b, more);
	irb_call(b, user ? BPF_FUNC_probe_read_user_str
			 : BPF_FUNC_probe_read_kernel_str,
		 loc, 3, dst, ref_imm(sz), ref_reg(p));
	irb_emit(b, IR_RET, NULL)->arg[0] = ref_imm(0);
	return irb_sub_end(b, sub);
}

/* [id][16 x char[S]]: element i read with probe_read_str until a NULL
 * pointer, which leaves an empty string (the end) in its place; the
 * elements run as a bpf_loop callback (one body for the verifier). */
struct irval bv_lo_join(struct irb *b, struct node *n, struct node *m)
{
	const struct srcloc *loc = &n->loc;
	int sz = irb_cfg(b)->max_strlen, nargs = FMT_JOIN_MAX_ARGS;
	struct type *args = type_array(type_str(sz), nargs);
	const char *sep = " ";
	if (n->args.n > 1)
		sep = tt_strndup(n->args.v[1]->str, n->args.v[1]->slen);
	struct irval arr = irb_expr(b, n->args.v[0]);
	bool user = user_memory(b, arr.t);
	struct ref base = irb_to_reg(b, arr, loc);
	int id = irb_action(b, ACT_JOIN, sep, args, -1, loc);
	int rec = irb_slot_sized(b, 8 + args->size, 8, tt_sprintf("join#%d", id));
	int fn = join_callback(b, loc, user, sz, nargs);
	st(b, ref_slot(rec, 0), 0, 8, ref_imm(id), loc);
	int ctx = irb_slot_sized(b, 16, 8, "join_ctx");
	st(b, ref_slot(ctx, 0), 0, 8, base, loc);
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, loc);
	in->dst = r;
	in->arg[0] = ref_slot(rec, 8);
	st(b, ref_slot(ctx, 0), 8, 8, ref_reg(r), loc);
	/* the callback writes the strings: live across the call */
	irb_emit(b, IR_USE, loc)->arg[0] = ref_slot(rec, 8);
	irb_call(b, BPF_FUNC_loop, loc, 4, ref_imm(nargs), ref_func(fn),
		 ref_slot(ctx, 0), ref_imm(0));
	irb_emit(b, IR_USE, loc)->arg[0] = ref_slot(rec, 8);
	irb_output(b, rec, 8 + args->size, loc);
	return void_val();
}
