/* sema.c — attach points, scopes, types, builtins and maps.  Its helpers:
 * sema_types.c (type rules and type names), sema_fold.c (literal folding),
 * sema_format.c (printf formats); the builtins type their calls through
 * sema.h (builtins_type.c's table, builtins_type.h).
 *
 * Takes the N_PROGRAM from the parser, macros expanded (macro.c);
 * produces node->type on every expression, node->sym on VAR, MAP and
 * FIELD nodes, and a sema_result listing the concrete probes (attach
 * points expanded) and the script's maps, numbered and laid out.  Every
 * error is reported with its location; sema goes on after an error and
 * returns -1 at the end if there was any.
 *
 * Typing is a fixpoint (see sema.h): silent walks over the whole program
 * let variables and maps reach their final (widest) types — a map may be
 * read in one probe and assigned in a later one — and a last walk reports
 * errors.  Variables keep their identity across walks through the node
 * that declared them. */
#include "sema.h"

#include <ctype.h>
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>

#include "builtins_type.h"
#include "btf.h"
#include "cdecl.h"
#include "lexer.h"
#include "probes.h"
#include "sema_impl.h"
#include "types.h"

struct scope {
	struct scope *up;
	VEC(struct sema_var *) vars;
};

struct var_decl {               /* persists across walks */
	struct node *decl;
	struct sema_var *var;
};

struct sema {
	struct node *field_base;    /* the expression a field is read from */
	const struct tt_config *cfg;
	struct sema_result *res;
	bool quiet;                 /* fixpoint walk: no diagnostics */
	bool changed;               /* a variable or map type changed */
	int errors;                 /* errors reported in the loud walk */
	struct scope *scope;
	VEC(struct var_decl) decls;
	struct attach_point *ap;    /* typing the body for this one */
	struct node *probe;
	int loop_depth;
	bool direct_map_assign;
	struct node *silent_none;   /* `@m = e` where e has no type and no
				       error said why (`@m = @m`) */
	int dead;                   /* inside branches a literal condition
				       never takes (fail() is not visited) */
	bool comptime_pending;      /* an `if comptime` waits for types */
	bool comptime_ready;        /* types settled: decide those */
};

/* ---- helpers for builtins_type.c ------------------------------------- */

void sema_err(struct sema *s, const struct srcloc *loc, const char *fmt, ...)
{
	if (s->quiet)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_error(loc, "%s", buf);
	s->errors++;
}

/* A warning, reported in the loud walk only (as sema_err). */
void sema_warn(struct sema *s, const struct srcloc *loc, const char *fmt, ...)
{
	if (s->quiet)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_warning(loc, "%s", buf);
}

const char *sema_kind_name(const struct type *t)
{
	if (!t)
		return "none";
	switch (t->kind) {
	case TY_NONE: return "none";
	case TY_INT: return "int";
	case TY_BOOL: return "bool";
	case TY_STR: return "string";
	case TY_PTR: return "pointer";
	case TY_TUPLE: return "tuple";
	case TY_RECORD: case TY_STRUCT: return "record";
	case TY_ARRAY: return "array";
	case TY_BUFFER: return "buffer";
	case TY_VOID: return "void";
	default: return type_name(t);
	}
}

const struct tt_config *sema_cfg(struct sema *s) { return s->cfg; }
bool sema_dead_branch(struct sema *s) { return s->dead > 0; }
struct sema_result *sema_res(struct sema *s) { return s->res; }
struct attach_point *sema_ap(struct sema *s) { return s->ap; }
bool sema_is_field_base(struct sema *s, const struct node *n)
{
	return s->field_base == n;
}

int sema_probe_name_max(struct sema *s)
{
	int max = 0;
	for (int i = 0; i < s->res->probes.n; i++) {
		struct sema_probe *sp = &s->res->probes.v[i];
		int len = (int)strlen(probes_ap_name(sp->ap));
		if (sp->probe == s->probe && len > max)
			max = len;
	}
	return max;
}
bool sema_direct_map_assign(struct sema *s) { return s->direct_map_assign; }

static void set_var(struct node *n, struct sema_var *v)
{
	n->sym = (struct sym){ .kind = SYM_VAR, .var = v };
}

static void set_map(struct node *n, struct sema_map *m)
{
	n->sym = (struct sym){ .kind = SYM_MAP, .map = m };
}

/* The FIELD node n reads field f, offset bytes into the value read from. */
static const struct field *set_field(struct node *n, const struct field *f,
				     int offset)
{
	struct sema_field *sf = tt_alloc(sizeof(*sf));
	sf->f = f;
	sf->offset = offset;
	n->sym = (struct sym){ .kind = SYM_FIELD, .field = sf };
	return f;
}

/* Map values store integers in 8 bytes. */
static struct type *map_value_type(struct type *t)
{
	if (t && t->kind == TY_INT && !t->name)
		return t->is_lit ? type_int_lit(8) : type_int(8, t->is_signed);
	return t;
}

/* ---- scopes -------------------------------------------------------------- */

static void scope_push(struct sema *s)
{
	struct scope *sc = xcalloc(1, sizeof(*sc));
	sc->up = s->scope;
	s->scope = sc;
}

static void scope_pop(struct sema *s)
{
	struct scope *sc = s->scope;
	s->scope = sc->up;
	vec_free(&sc->vars);
	free(sc);
}

static struct sema_var *var_lookup(struct sema *s, const char *name)
{
	for (struct scope *sc = s->scope; sc; sc = sc->up)
		for (int i = sc->vars.n - 1; i >= 0; i--)
			if (!strcmp(sc->vars.v[i]->name, name))
				return sc->vars.v[i];
	return NULL;
}

/* Declares name in the current scope; decl is the node that declares it
 * (its identity persists across walks). */
static struct sema_var *var_declare(struct sema *s, struct node *decl,
				    const char *name, struct type *t)
{
	struct sema_var *v = NULL;
	for (int i = 0; i < s->decls.n; i++)
		if (s->decls.v[i].decl == decl) {
			v = s->decls.v[i].var;
			break;
		}
	if (!v) {
		v = tt_alloc(sizeof(*v));
		v->name = name;
		v->type = t;
		v->decl = decl->loc;
		struct var_decl d = { decl, v };
		vec_push(&s->decls, d);
		s->changed = true;
	}
	vec_push(&s->scope->vars, v);
	return v;
}

/* Whether a variable declared with type vt takes a value of type t:
 * integers convert (typed_int_fits checks them), shorter strings fit. */
static bool typed_accepts(const struct type *vt, const struct type *t)
{
	return (type_is_int(vt) && type_is_int(t)) ||
	       (vt->kind == TY_STR && t->kind == TY_STR &&
		t->size <= vt->size) ||
	       type_equal(vt, t);
}

void sema_locked_err(struct sema *s, const struct srcloc *loc,
		     const char *name, struct type *t, struct type *locked)
{
	sema_err(s, loc,
		 "Type mismatch for %s: this type has been locked because it "
		 "was used in another part of the type graph that was already "
		 "resolved (e.g. `sizeof`, `typeinfo`, etc.). The new type "
		 "'%s' doesn't fit into the locked type '%s'",
		 name, type_name(t), type_name(locked));
}

/* Whether promoting to p keeps a type locked at `locked`. */
static bool keeps_lock(const struct type *locked, const struct type *p)
{
	return !locked || (type_equal(p, locked) &&
			   !(p->kind == TY_INT && p->is_signed !=
						    locked->is_signed));
}

/* Widens v to hold t; reports a mismatch at loc. */
static void var_assign_type(struct sema *s, struct sema_var *v,
			    struct type *t, const struct srcloc *loc)
{
	if (is_none(t))
		return;
	if (is_none(v->type)) {
		v->type = t;
		s->changed = true;
		return;
	}
	if (v->typed) {
		if (typed_accepts(v->type, t))
			return;
		sema_err(s, loc,
			 "Type mismatch for %s: trying to assign value of type "
			 "'%s' when variable already contains a value of type "
			 "'%s'",
			 v->name, type_name(t), type_name(v->type));
		return;
	}
	struct type *p = sema_promote(v->type, t);
	if (!p) {
		sema_err(s, loc,
			 "Type mismatch for %s: trying to assign value of type "
			 "'%s' when variable already contains a value of type "
			 "'%s'",
			 v->name, type_name(t), type_name(v->type));
		return;
	}
	if (!keeps_lock(v->locked, p)) {
		sema_locked_err(s, loc, v->name, t, v->locked);
		return;
	}
	if (!type_equal(p, v->type) || sema_lit_differs(p, v->type)) {
		v->type = p;
		s->changed = true;
	}
}

/* ---- maps ---------------------------------------------------------------- */

static struct sema_map *map_get(struct sema *s, const char *name,
				const struct srcloc *loc)
{
	for (int i = 0; i < s->res->maps.n; i++)
		if (!strcmp(s->res->maps.v[i]->name, name))
			return s->res->maps.v[i];
	struct sema_map *m = tt_alloc(sizeof(*m));
	m->name = name;
	m->loc = *loc;
	m->id = -1;
	m->bpf_type = BPF_MAP_TYPE_HASH;
	vec_push(&s->res->maps, m);
	return m;
}

static const char *keys_name(struct type *k, int nkeys)
{
	if (nkeys == 0)
		return "";
	return type_name(k);
}

/* Types the keys of a MAP node and checks/widens the map's key type.
 * Returns the key type (NULL for scalar access). */
static struct type *map_keys(struct sema *s, struct node *n,
			     struct sema_map *m)
{
	int nk = n->args.n;
	struct type *kt = NULL;
	bool bad = false;
	if (nk > 0) {
		struct type **el = tt_alloc(sizeof(*el) * nk);
		for (int i = 0; i < nk; i++) {
			el[i] = sema_expr(s, n->args.v[i]);
			if (is_none(el[i]))
				bad = true;
			else if (el[i]->kind == TY_VOID || el[i]->kind == TY_AGG ||
				 el[i]->kind == TY_CTX ||
				 (el[i]->kind == TY_STRUCT && el[i]->is_ctx)) {
				sema_err(s, &n->args.v[i]->loc,
					 "%s cannot be used as a map key",
					 type_name(el[i]));
				bad = true;
			}
		}
		if (bad)
			return NULL;
		kt = nk == 1 ? el[0] : type_tuple(el, nk);
	}
	if (!m->key_known) {
		m->key_known = true;
		m->nkeys = nk;
		m->key = kt;
		s->changed = true;
		return kt;
	}
	struct type *p = NULL;
	if (nk == 0 && m->nkeys == 0)
		return NULL;
	if (nk && !m->nkeys) {
		sema_err(s, &n->loc,
			 "%s used as a map with an explicit key (non-scalar "
			 "map), previously used without an explicit key "
			 "(scalar map)",
			 m->name);
		return kt;
	}
	if (!nk && m->nkeys) {
		sema_err(s, &n->loc,
			 "%s used as a map without an explicit key (scalar "
			 "map), previously used with an explicit key "
			 "(non-scalar map)",
			 m->name);
		return kt;
	}
	if (!(p = sema_promote(m->key, kt))) {
		sema_err(s, nk == 1 ? &n->args.v[0]->loc : &n->loc,
			 "Argument mismatch for %s: trying to access with "
			 "arguments: '%s' when map expects arguments: '%s'",
			 m->name, keys_name(kt, nk),
			 keys_name(m->key, m->nkeys));
		return kt;
	}
	if (!type_equal(p, m->key) || sema_lit_differs(p, m->key)) {
		m->key = p;
		if (nk > 1 || m->nkeys > 1)
			m->nkeys = p->kind == TY_TUPLE ? p->fields.n : 1;
		s->changed = true;
	}
	return kt;
}

/* Records that value type t is assigned to map m. */
static void map_assign_type(struct sema *s, struct sema_map *m,
			    struct type *t, const struct srcloc *loc)
{
	if (is_none(t))
		return;
	t = map_value_type(t);
	if (is_none(m->value)) {
		m->value = t;
		s->changed = true;
		return;
	}
	struct type *p = NULL;
	if (t->kind == TY_AGG || m->value->kind == TY_AGG)
		p = (t->kind == TY_AGG && m->value->kind == TY_AGG &&
		     t->agg == m->value->agg) ? m->value : NULL;
	else
		p = sema_promote(m->value, t);
	if (p && t->kind == TY_AGG && t->is_signed && !p->is_signed) {
		p = type_agg(p->agg, t->elem);
	}
	/* hist/lhist parameters are the map's: one set per map */
	if (p && t->agg == AGG_HIST && t->hist_bits != p->hist_bits) {
		sema_err(s, loc, "Different bits in a single hist unsupported");
		return;
	}
	if (p && t->agg == AGG_LHIST &&
	    (t->lhist_min != p->lhist_min || t->lhist_max != p->lhist_max ||
	     t->lhist_step != p->lhist_step)) {
		sema_err(s, loc, "Different lhist bounds in a single map "
				 "unsupported");
		return;
	}
	if (p && t->agg == AGG_TSERIES &&
	    (t->tseries_interval != p->tseries_interval ||
	     t->tseries_n != p->tseries_n || t->tseries_agg != p->tseries_agg)) {
		sema_err(s, loc, "Different tseries bounds in a single map "
				 "unsupported");
		return;
	}
	if (!p) {
		sema_err(s, loc,
			 "Type mismatch for %s: trying to assign value of type "
			 "'%s' when map already contains a value of type '%s'",
			 m->name, type_name(t), type_name(m->value));
		return;
	}
	if (p && !keeps_lock(m->locked, p)) {
		sema_locked_err(s, loc, m->name, t, m->locked);
		return;
	}
	if (p != m->value && !type_equal(p, m->value)) {
		m->value = p;
		s->changed = true;
	} else if (p != m->value && (p->is_signed != m->value->is_signed ||
				     sema_lit_differs(p, m->value))) {
		m->value = p;
		s->changed = true;
	}
}

/* The map's key and value in BPF memory (struct map_layout, prog.h). */
static struct map_layout map_layout(const struct sema_map *m)
{
	struct type *v = m->value;
	struct map_layout l = { .key_size = m->key ? m->key->size : 8,
				.value_size = v->size, .bucket_off = -1 };
	if (v->kind == TY_AGG && (v->agg == AGG_HIST || v->agg == AGG_LHIST ||
				  v->agg == AGG_TSERIES)) {
		l.bucket_off = m->nkeys && m->key ? (m->key->size + 7) & ~7 : 0;
		l.key_size = (uint32_t)l.bucket_off + 8;
	}
	return l;
}

/* let @m = hash(N) / lruhash / percpuhash / percpulruhash, at top level. */
static void map_declare(struct sema *s, struct node *n)
{
	static const struct { const char *name; uint32_t type; } kinds[] = {
		{ "hash", BPF_MAP_TYPE_HASH },
		{ "lruhash", BPF_MAP_TYPE_LRU_HASH },
		{ "percpuhash", BPF_MAP_TYPE_PERCPU_HASH },
		{ "percpulruhash", BPF_MAP_TYPE_LRU_PERCPU_HASH },
	};
	uint32_t type = 0;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(n->str, kinds[i].name))
			type = kinds[i].type;
	if (!type) {
		sema_err(s, &n->loc, "Invalid bpf map type: %s", n->str);
		if (!s->quiet)
			diag_hint("Valid map types: percpulruhash, percpuhash, "
				  "lruhash, hash");
		return;
	}
	for (int i = 0; i < s->res->maps.n; i++)
		if (!strcmp(s->res->maps.v[i]->name, n->name)) {
			sema_err(s, &n->loc, "Redeclaration of map: %s", n->name);
			return;
		}
	if (n->ival == 0) {
		sema_err(s, &n->loc, "Max entries must be greater than 0");
		return;
	}
	struct sema_map *m = map_get(s, n->name, &n->loc);
	m->declared = true;
	m->bpf_type = type;
	m->max_entries = (int)n->ival;
}

/* `@x++` and `@x += n` on a map nothing assigned yet: it holds int64 0. */
static void map_implicit_int(struct sema *s, struct node *n)
{
	struct sema_map *m = map_get(s, n->name, &n->loc);
	if (is_none(m->value)) {
		m->value = type_int(8, true);
		s->changed = true;
	}
}

/* ---- expressions ----------------------------------------------------------- */

static void stmt(struct sema *s, struct node *n);

static const char *op_name(int op)
{
	static char buf[4][3];
	static int k;
	switch (op) {
	case OP_EQ: return "==";
	case OP_NE: return "!=";
	case OP_LE: return "<=";
	case OP_GE: return ">=";
	case OP_LAND: return "&&";
	case OP_LOR: return "||";
	case OP_SHL: return "<<";
	case OP_SHR: return ">>";
	case OP_INC: return "++";
	case OP_DEC: return "--";
	case OP_ADD_ASSIGN: return "+=";
	case OP_SUB_ASSIGN: return "-=";
	case OP_MUL_ASSIGN: return "*=";
	case OP_DIV_ASSIGN: return "/=";
	case OP_MOD_ASSIGN: return "%=";
	case OP_AND_ASSIGN: return "&=";
	case OP_OR_ASSIGN: return "|=";
	case OP_XOR_ASSIGN: return "^=";
	case OP_SHL_ASSIGN: return "<<=";
	case OP_SHR_ASSIGN: return ">>=";
	}
	k = (k + 1) % 4;
	buf[k][0] = (char)op;
	buf[k][1] = 0;
	return buf[k];
}

static bool is_cmp(int op)
{
	return op == OP_EQ || op == OP_NE || op == '<' || op == '>' ||
	       op == OP_LE || op == OP_GE;
}

/* Truthy: usable as a condition. */
static bool is_cond_type(const struct type *t)
{
	return t && (t->kind == TY_INT || t->kind == TY_BOOL ||
		     t->kind == TY_PTR);
}

/* + - * / % & | ^ << >> on integers: 64-bit, uint64 only when both sides
 * are unsigned and the operator is not a subtraction (bpftrace >= 0.24:
 * a - b may be negative, so it is int64). */
static struct type *arith_result(int op, struct type *a, struct type *b)
{
	bool au = a->kind == TY_BOOL || !a->is_signed;
	bool bu = b->kind == TY_BOOL || !b->is_signed;
	return type_int(8, !(au && bu) || op == '-');
}

/* A literal that is not negative: it fits an unsigned type as well. */
static bool nonneg_literal(const struct node *n)
{
	return (n->kind == N_INT && n->ival <= (uint64_t)INT64_MAX) ||
	       (n->sym.kind == SYM_CONSTANT && n->type && n->type->is_lit);
}

/* a - b of two unsigned integers: int64 here, but bpftrace's warnings
 * below see an unsigned value. */
static bool unsigned_difference(const struct node *n)
{
	return n->kind == N_BINOP && n->op == '-' && n->a->type &&
	       n->b->type && n->a->type->kind == TY_INT &&
	       n->b->type->kind == TY_INT && !n->a->type->is_signed &&
	       !n->b->type->is_signed;
}

/* bpftrace's warnings about mixing signed and unsigned integers, and
 * about signed division (BPF has no signed divide). */
static void sign_warnings(struct sema *s, struct node *n, struct type *a,
			  struct type *b)
{
	if (a->kind != TY_INT || b->kind != TY_INT)
		return;
	int op = n->op;
	bool as = a->is_signed && !nonneg_literal(n->a) &&
		  !unsigned_difference(n->a);
	bool bs = b->is_signed && !nonneg_literal(n->b) &&
		  !unsigned_difference(n->b);
	if (a->is_signed != b->is_signed && as != bs) {
		/* comparisons only: bpftrace dropped its warning about
		 * arithmetic on integers of different signs (PR #5139) */
		if (is_cmp(op))
			sema_warn(s, &n->loc,
				  "comparison of integers of different signs: "
				  "'%s' and '%s' can lead to undefined behavior",
				  type_name(a), type_name(b));
	}
	if ((op == '/' || op == '%') && (as || bs))
		sema_warn(s, &n->loc,
			  "signed operands for '%s' can lead to undefined "
			  "behavior (cast to unsigned to silence warning)",
			  op_name(op));
}

/* An operator with a pointer on either side, as C has it: pointer +/-
 * integer (the integer counts elements; a pointer is never subtracted
 * from an integer), comparisons of a pointer with a pointer (warning when
 * they point to different types) or an integer; nothing else. */
static struct type *ptr_binop(struct sema *s, struct node *n, struct type *a,
			      struct type *b)
{
	int op = n->op;
	struct type *p = a->kind == TY_PTR ? a : b;
	struct type *other = a->kind == TY_PTR ? b : a;
	if (other->kind == TY_PTR && is_cmp(op)) {
		struct type *ea = a->elem ? a->elem : type_void();
		struct type *eb = b->elem ? b->elem : type_void();
		if (!type_equal(ea, eb))
			sema_warn(s, &n->loc,
				  "comparison of distinct pointer types: %s, %s",
				  type_name(ea), type_name(eb));
		return type_bool();
	}
	if (type_is_int(other)) {
		if (is_cmp(op))
			return type_bool();
		if (op == '+' || (op == '-' && p == a))
			return p;
	}
	sema_err(s, &n->loc,
		 "The %s operator can not be used on expressions of types %s, %s",
		 op_name(op), type_name(a), type_name(b));
	return type_none();
}

static struct type *type_binop(struct sema *s, struct node *n)
{
	struct type *a = sema_expr(s, n->a), *b = sema_expr(s, n->b);
	if (is_none(a) || is_none(b))
		return type_none();
	bool ferr;
	if (fold_literal_binop(n, &ferr))
		return sema_expr(s, n);
	if (ferr) {
		sema_err(s, &n->loc, "unable to fold literals due to overflow "
				     "or underflow");
		return type_none();
	}
	int op = n->op;
	if (op == OP_LAND || op == OP_LOR) {
		if (!is_cond_type(a) || !is_cond_type(b)) {
			sema_err(s, &n->loc,
				 "The %s operator can not be used on expressions "
				 "of types %s, %s",
				 op_name(op), type_name(a), type_name(b));
			return type_none();
		}
		return type_bool();
	}
	if (a->kind == TY_STR && b->kind == TY_STR) {
		if (op == OP_EQ || op == OP_NE)
			return type_bool();
		sema_err(s, &n->loc,
			 "The %s operator can not be used on expressions of "
			 "types %s, %s",
			 op_name(op), type_name(a), type_name(b));
		return type_none();
	}
	if (type_is_int(a) && type_is_int(b)) {
		sign_warnings(s, n, a, b);
		if (is_cmp(op))
			return type_bool();
		return arith_result(op, a, b);
	}
	if (a->kind == TY_PTR || b->kind == TY_PTR)
		return ptr_binop(s, n, a, b);
	if (a->kind == TY_BUFFER && b->kind == TY_BUFFER &&
	    (op == OP_EQ || op == OP_NE))
		return type_bool(); /* same length and bytes */
	if (a->kind == b->kind && (op == OP_EQ || op == OP_NE) &&
	    (a->kind == TY_TUPLE || a->kind == TY_RECORD ||
	     a->kind == TY_ARRAY)) {
		/* element-wise; arrays must have the same type */
		if (!sema_promote(a, b) ||
		    (a->kind == TY_ARRAY && !type_equal(a, b))) {
			sema_err(s, &n->loc,
				 "Type mismatch for '%s': comparing '%s' with "
				 "'%s'",
				 op_name(op), type_name(a), type_name(b));
			return type_none();
		}
		return type_bool();
	}
	sema_err(s, &n->loc, "Type mismatch for '%s': comparing '%s' with '%s'",
		 op_name(op), type_name(a), type_name(b));
	return type_none();
}

/* Whether n (typed) names memory whose address `&n` can take, and which
 * memory: a scratch variable (which then lives in a slot: BPF stack or
 * scratch map, kernel memory), *p, p->f, p[i], and fields and elements of
 * those. */
static bool lvalue_space(struct node *n, enum addrspace *as)
{
	struct type *at = n->a ? n->a->type : NULL;
	switch (n->kind) {
	case N_VAR:
		if (!sema_var_of(n))
			return false;
		n->sym.var->addr_taken = true;
		*as = AS_KERNEL;
		return true;
	case N_MAP:
		/* &@m, &@m[k]: the value in the map (NULL when absent) */
		if (!sema_map_of(n) || !sema_map_of(n)->value ||
		    sema_map_of(n)->value->kind == TY_AGG)
			return false;
		*as = AS_KERNEL;
		return true;
	case N_UNOP:
		if (n->op != '*' || !at || at->kind != TY_PTR)
			return false;
		*as = at->as == AS_USER ? AS_USER : AS_KERNEL;
		return true;
	case N_FIELD:
	case N_INDEX:
		if (!at)
			return false;
		if (at->kind == TY_PTR) {
			*as = at->as == AS_USER ? AS_USER : AS_KERNEL;
			return true;
		}
		if ((at->kind == TY_STRUCT && !at->is_ctx) ||
		    at->kind == TY_ARRAY || at->kind == TY_STR ||
		    (n->kind == N_FIELD && (at->kind == TY_TUPLE ||
					    at->kind == TY_RECORD)))
			return lvalue_space(n->a, as);
		return false;
	default:
		return false;
	}
}

static struct type *type_unop(struct sema *s, struct node *n)
{
	if (n->op == '-' && n->a->kind == N_INT) {
		/* a negative literal: -1 is int8 */
		n->a->type = sema_int_literal_type(n->a->ival, false);
		if (n->a->ival > (uint64_t)INT64_MAX + 1) {
			sema_err(s, &n->loc, "Integer literal -%llu is too "
					     "small for int64",
				 (unsigned long long)n->a->ival);
			return type_none();
		}
		return sema_int_literal_type(n->a->ival, true);
	}
	struct type *a = sema_expr(s, n->a);
	if (is_none(a))
		return type_none();
	if (n->op == '-' && n->a->kind == N_INT)
		return type_unop(s, n); /* -(literal expression) */
	if (fold_literal_unop(n))
		return sema_expr(s, n);
	switch (n->op) {
	case '-':
	case '~':
		if (!type_is_int(a))
			break;
		return type_int(8, true); /* -x and ~x are int64 */
	case '!':
		if (!is_cond_type(a))
			break;
		return type_bool();
	case '*':
		if (a->kind == TY_PTR) {
			if (!a->elem || a->elem->kind == TY_VOID) {
				sema_err(s, &n->loc, "Can not dereference a void "
						     "pointer ('%s')", type_name(a));
				return type_none();
			}
			if (a->elem->kind == TY_STRUCT) {
				/* a struct known by name only gets its body */
				struct type *st = cdecl_complete(a->elem);
				if (!st) {
					sema_err(s, &n->loc, "Cannot resolve "
						 "unknown type \"%s\"",
						 type_name(a->elem));
					return type_none();
				}
				return st;
			}
			return sema_with_as(a->elem, a->as);
		}
		if (type_is_int(a)) /* *kaddr("avenrun"): 8 bytes there */
			return type_int(8, false);
		break;
	case '&': {
		enum addrspace as;
		if (!lvalue_space(n->a, &as)) {
			sema_err(s, &n->loc, "The & operator can only be used on "
					     "variables, maps, struct fields, "
					     "array elements and dereferences");
			return type_none();
		}
		return type_ptr(a, as);
	}
	}
	sema_err(s, &n->loc,
		 "The %s operator can not be used on expressions of type '%s'",
		 op_name(n->op), type_name(a));
	return type_none();
}

static struct type *expr(struct sema *s, struct node *n);

/* (T)e as the call f(e, size): (string[N])ptr reads like str(ptr, N),
 * (buffer[N])e like buf(e, N) (language.md, "Type Syntax"). */
static struct type *cast_as_call(struct sema *s, struct node *n,
				 const char *f, int size)
{
	struct node *len = ast_new(N_INT, &n->loc);
	len->ival = (uint64_t)size;
	struct node *a = n->a;
	n->kind = N_CALL;
	n->name = f;
	n->ctype = NULL;
	n->a = NULL;
	n->args = (struct node_vec){ 0 };
	vec_push(&n->args, a);
	vec_push(&n->args, len);
	return expr(s, n);
}

static struct type *type_cast(struct sema *s, struct node *n)
{
	struct type *to = sema_resolve_ctype(s, n->ctype);
	struct type *a = sema_expr(s, n->a);
	if (is_none(to) || is_none(a))
		return type_none();
	if (to->kind == TY_BUFFER)
		return cast_as_call(s, n, "buf", to->size - 4);
	if (to->kind == TY_STR && (type_is_int(a) || a->kind == TY_PTR))
		return cast_as_call(s, n, "str", to->size);
	if (to->kind == TY_STR &&
	    (a->kind == TY_STR || (a->kind == TY_ARRAY &&
				   a->elem->kind == TY_INT &&
				   a->elem->size == 1)))
		return to; /* the characters, cut or padded to T's size */
	if (to->kind == TY_PTR && (type_is_int(a) || a->kind == TY_PTR)) {
		/* a pointer cast keeps the source's address space */
		if (a->kind == TY_PTR && a->as != to->as)
			to = type_ptr(to->elem, a->as);
		return to;
	}
	if (to->kind == TY_ARRAY && type_is_int(to->elem) &&
	    (type_is_int(a) || a->kind == TY_STR || a->kind == TY_ARRAY)) {
		/* reinterpreting bytes: an integer (a literal as int64), a
		 * string or an array as an integer array; T[] takes the
		 * source's size */
		bool lit = n->a->kind == N_INT || (n->a->kind == N_UNOP &&
						   n->a->a->kind == N_INT);
		int size = type_is_int(a) && lit ? 8 : a->size;
		int esz = to->elem->size;
		if (!to->nelem && size % esz == 0)
			return type_array(to->elem, size / esz);
		if (to->nelem && (to->size == size ||
				  (type_is_int(a) && (size <= to->size || lit) &&
				   (to->size == 1 || to->size == 2 ||
				    to->size == 4 || to->size == 8))))
			return to;
	}
	if (to->kind == TY_BOOL && a->kind == TY_STR)
		return to; /* true unless the string is empty */
	if (type_is_int(to) && a->kind == TY_ARRAY && a->size == to->size &&
	    a->elem->kind == TY_INT)
		return to; /* an integer array's bytes as one integer */
	if (type_is_int(to) && (type_is_int(a) || a->kind == TY_PTR ||
				(a->kind == TY_AGG &&
				 (a->agg == AGG_COUNT || a->agg == AGG_SUM ||
				  a->agg == AGG_MIN || a->agg == AGG_MAX))))
		return to;
	sema_err(s, &n->loc, "Cannot cast from \"%s\" to \"%s\"", type_name(a),
		 type_name(to));
	return type_none();
}

static struct type *type_fieldexpr(struct sema *s, struct node *n)
{
	if (sema_config_field(s, n))
		return sema_expr(s, n);
	if (n->a->kind == N_CALL || n->a->kind == N_BUILTIN) {
		const char *nm = n->a->name;
		if (!strcmp(nm, "config") || !strcmp(nm, "__builtin_config"))
			return type_none(); /* an unknown setting */
	}
	struct node *base = s->field_base;
	s->field_base = n->a;
	struct type *a = sema_expr(s, n->a);
	s->field_base = base;
	if (is_none(a))
		return type_none();
	if (a->kind == TY_TUPLE) {
		char *end;
		long i = strtol(n->name, &end, 10);
		if (*end || !isdigit((unsigned char)n->name[0])) {
			sema_err(s, &n->loc, "Can not access field '%s' on "
					     "expression of type '%s'",
				 n->name, type_name(a));
			return type_none();
		}
		if (i < 0 || i >= a->fields.n) {
			sema_err(s, &n->loc,
				 "Invalid tuple index: %ld. Found %d elements "
				 "in tuple.",
				 i, a->fields.n);
			return type_none();
		}
		const struct field *f = &a->fields.v[i];
		return set_field(n, f, f->offset)->type;
	}
	if (a->kind == TY_STRUCT && !a->is_ctx) {
		int off;
		const struct field *f = cdecl_field(a, n->name, &off);
		if (!f) {
			sema_err(s, &n->loc,
				 "Struct/union of type '%s' does not contain a "
				 "field named '%s'",
				 type_name(a), n->name);
			return type_none();
		}
		set_field(n, f, off);
		return sema_with_as(f->type, sema_default_as(s));
	}
	if (a->kind == TY_RECORD || a->kind == TY_STRUCT) {
		const struct field *f = type_field(a, n->name);
		if (!f) {
			const struct prov_ops *p = prov_of(s->ap);
			if (a->is_ctx && p && p->args_ctype)
				sema_err(s, &n->loc,
					 "Struct/union of type '%s' does not "
					 "contain a field named '%s'",
					 tt_sprintf(p->args_ctype, s->ap->target,
						    s->ap->func),
					 n->name);
			else if (a->is_ctx)
				sema_err(s, &n->loc,
					 "Can't find function parameter %s",
					 n->name);
			else
				sema_err(s, &n->loc,
					 "Record does not contain a field named "
					 "'%s'",
					 n->name);
			return type_none();
		}
		if (a->kind == TY_RECORD)
			set_field(n, f, f->offset);
		return f->type;
	}
	if (a->kind == TY_PTR && a->elem && a->elem->kind == TY_STRUCT) {
		int off;
		const struct field *f = cdecl_field(a->elem, n->name, &off);
		if (!f) {
			sema_err(s, &n->loc,
				 "Struct/union of type '%s' does not contain a "
				 "field named '%s'",
				 type_name(a->elem), n->name);
			return type_none();
		}
		set_field(n, f, off);
		/* a pointer read from user memory points to user memory */
		return sema_with_as(f->type, a->as);
	}
	sema_err(s, &n->loc, "Can not access field '%s' on expression of type "
			     "'%s'",
		 n->name, type_name(a));
	return type_none();
}

static struct type *type_call(struct sema *s, struct node *n)
{
	if (!strncmp(n->name, "__builtin_", 10))
		n->name += 10;
	if (n->kind == N_CALL && !strcmp(n->name, "typeinfo"))
		return sema_typeinfo(s, n);
	enum builtin_id id = builtin_id_of(n->name);
	const struct builtin_info *bi = id != BI_NONE ? builtin_info(id) : NULL;
	int64_t cval;
	struct type *ctype = NULL;
	if (!bi && n->kind == N_BUILTIN &&
	    cdecl_constant(n->name, &cval, &ctype)) {
		/* an enumerator (script or kernel enum) or a #define'd
		 * constant, whose value ir_build takes from ival; an
		 * enumerator is a 64-bit integer of its enum's sign and
		 * keeps its enum, which names it in output; a #define'd
		 * number is the literal it expands to (`#define AF_INET 2`
		 * is an int8 literal, as `2` written in its place) */
		n->ival = (uint64_t)cval;
		n->sym.kind = SYM_CONSTANT;
		if (ctype && ctype->kind == TY_INT && ctype->name)
			return type_enum_as(ctype, 8, ctype->is_signed);
		if (!cdecl_macro(n->name))
			return type_int(8, true); /* of an anonymous enum */
		return sema_int_literal_type(cval < 0 ? -(uint64_t)cval
						      : (uint64_t)cval,
					     cval < 0);
	}
	if (!bi) {
		if (n->kind == N_BUILTIN && !btf_available())
			sema_err(s, &n->loc, "Unknown identifier: '%s' (this "
					     "kernel has no BTF, so its enum "
					     "values are unknown; define the "
					     "enum in the script)", n->name);
		else if (n->kind == N_BUILTIN)
			sema_err(s, &n->loc, "Unknown identifier: '%s'", n->name);
		else
			sema_err(s, &n->loc, "Unknown function: '%s'", n->name);
		return type_none();
	}
	if (n->kind == N_BUILTIN && !(bi->flags & BI_BARE) && bi->min_args > 0) {
		sema_err(s, &n->loc, "%s() must be called with arguments",
			 n->name);
		return type_none();
	}
	int na = n->args.n;
	if (na < bi->min_args || (bi->max_args >= 0 && na > bi->max_args)) {
		if (bi->max_args == 0)
			sema_err(s, &n->loc,
				 "%s() requires no arguments (%d provided)",
				 n->name, na);
		else if (bi->min_args == bi->max_args && bi->min_args == 1)
			sema_err(s, &n->loc,
				 "%s() requires one argument (%d provided)",
				 n->name, na);
		else if (bi->min_args == bi->max_args)
			sema_err(s, &n->loc,
				 "%s() requires %d arguments (%d provided)",
				 n->name, bi->min_args, na);
		else if (!strcmp(n->name, "delete"))
			sema_err(s, &n->loc,
				 "delete() requires 1 or 2 arguments (%d "
				 "provided)",
				 na);
		else if ((bi->max_args < 0 || na < bi->min_args) &&
			 bi->min_args == 1)
			sema_err(s, &n->loc,
				 "%s() requires at least one argument (%d "
				 "provided)",
				 n->name, na);
		else if (bi->max_args < 0 || na < bi->min_args)
			sema_err(s, &n->loc,
				 "%s() requires at least %d arguments (%d "
				 "provided)",
				 n->name, bi->min_args, na);
		else if (bi->max_args == 1)
			sema_err(s, &n->loc,
				 "%s() takes up to one argument (%d provided)",
				 n->name, na);
		else
			sema_err(s, &n->loc,
				 "%s() takes up to %d arguments (%d provided)",
				 n->name, bi->max_args, na);
		return type_none();
	}
	if ((bi->flags & BI_AGG) && !s->direct_map_assign) {
		sema_err(s, &n->loc, "%s() must be assigned directly to a map",
			 n->name);
		return type_none();
	}
	bool direct = s->direct_map_assign;
	s->direct_map_assign = false;
	struct type *t = builtin_typing_of(id)->type(s, n);
	s->direct_map_assign = direct;
	return t ? t : type_none();
}

static struct type *type_map(struct sema *s, struct node *n)
{
	struct sema_map *m = map_get(s, n->name, &n->loc);
	set_map(n, m);
	map_keys(s, n, m);
	if (is_none(m->value)) {
		if (!m->had_error)
			sema_err(s, &n->loc, "Undefined map: %s", n->name);
		return type_none();
	}
	/* reading count/sum/min/max/avg gives the merged integer */
	if (m->value->kind == TY_AGG && m->value->agg != AGG_STATS &&
	    m->value->agg != AGG_HIST && m->value->agg != AGG_LHIST &&
	    m->value->agg != AGG_TSERIES)
		return type_int(8, m->value->agg != AGG_COUNT &&
				       m->value->is_signed);
	return m->value;
}

struct type *sema_map_ref(struct sema *s, struct node *n)
{
	struct sema_map *m = map_get(s, n->name, &n->loc);
	set_map(n, m);
	if (is_none(m->value)) {
		if (!m->had_error)
			sema_err(s, &n->loc, "Undefined map: %s", n->name);
		n->type = type_none();
		return n->type;
	}
	n->type = m->value;
	return n->type;
}

static struct type *type_posparam(struct sema *s, struct node *n)
{
	const struct tt_config *c = s->cfg;
	if (n->ival == 0 || (int64_t)n->ival > c->npos_params) {
		if (n->ival)
			sema_warn(s, &n->loc,
				  "Positional parameter $%llu is empty or not "
				  "provided.",
				  (unsigned long long)n->ival);
		return type_int(8, true); /* missing: 0 / "" */
	}
	const char *p = c->pos_params[n->ival - 1];
	char *end;
	if (*p) {
		/* a number int64 holds; anything else (also a number out
		   of range) is the parameter's text */
		errno = 0;
		strtoll(p, &end, 0);
		if (!*end && errno != ERANGE)
			return type_int(8, true);
	}
	return type_str((int)strlen(p) + 1);
}

static struct type *expr(struct sema *s, struct node *n);

/* A variable's type; an error when it is undeclared or has none. */
static struct type *type_var(struct sema *s, struct node *n)
{
	struct sema_var *v = var_lookup(s, n->name);
	if (!v) {
		sema_err(s, &n->loc,
			 "Undefined or undeclared variable: %s", n->name);
		return type_none();
	}
	set_var(n, v);
	if (v->let_decl && v->typed && !v->assigned)
		sema_warn(s, &n->loc,
			  "Variable used before it was assigned: %s",
			  n->name);
	/* no type: its assignment failed (reported there), or a
	 * `let $x;` nothing assigns yet */
	if (is_none(v->type)) {
		if (v->let_decl)
			sema_err(s, &n->loc,
				 "Could not resolve the type of this "
				 "variable");
		return type_none();
	}
	return v->type;
}

/* x++, --x: on an integer (or pointer) variable or map. */
static struct type *type_incdec(struct sema *s, struct node *n)
{
	if (n->a->kind == N_MAP)
		map_implicit_int(s, n->a);
	struct type *a = sema_expr(s, n->a);
	if (is_none(a))
		return type_none();
	if (n->a->kind != N_VAR && n->a->kind != N_MAP) {
		sema_err(s, &n->loc, "The %s operator must be applied "
				     "to a map or variable",
			 op_name(n->op));
		return type_none();
	}
	if (!type_is_int(a) &&
	    !(a->kind == TY_PTR && n->a->kind == N_VAR)) {
		sema_err(s, &n->loc,
			 "The %s operator can not be used on "
			 "expressions of type '%s'",
			 op_name(n->op), type_name(a));
		return type_none();
	}
	/* bpftrace widens a variable without a declared type to
	   int64 when it is incremented: (uint8)255 + ++ is 256 */
	struct sema_var *v = sema_var_of(n->a);
	if (n->a->kind == N_VAR && v && type_is_int(a) && !v->typed) {
		var_assign_type(s, v, type_int(8, true), &n->loc);
		return v->type;
	}
	return a;
}

/* c ? a : b, and the elvis c ?: b; a literal condition folds. */
static struct type *type_ternary(struct sema *s, struct node *n)
{
	struct type *c = sema_expr(s, n->a);
	struct type *b = n->b ? sema_expr(s, n->b) : c;
	struct type *e = sema_expr(s, n->c);
	if (is_none(c) || is_none(b) || is_none(e))
		return type_none();
	bool lit_cond;
	if (n->b && fold_literal_truth(n->a, &lit_cond)) {
		/* bpftrace folds a literal condition: the branch
		   taken, with its own type */
		*n = *(lit_cond ? n->b : n->c);
		return expr(s, n);
	}
	if (!is_cond_type(c) && n->b) {
		sema_err(s, &n->a->loc, "Invalid condition in ternary: "
					"%s", sema_kind_name(c));
		return type_none();
	}
	struct type *t = sema_promote(b, e);
	if (n->b && b->kind == TY_VOID && e->kind == TY_VOID)
		t = b; /* both run for their effects: a void ?: */
	else if (b->kind == TY_VOID)
		t = NULL;
	if (!t) {
		sema_err(s, &n->loc,
			 "Ternary operator must return the same type: "
			 "have '%s' and '%s'",
			 type_name(b), type_name(e));
		return type_none();
	}
	if (!n->b && !is_cond_type(c)) {
		sema_err(s, &n->a->loc, "Invalid condition in ?:: %s",
			 type_name(c));
		return type_none();
	}
	return t;
}

/* (a, b, ...) */
static struct type *type_tuple_expr(struct sema *s, struct node *n)
{
	struct type **el = tt_alloc(sizeof(*el) * (n->args.n + 1));
	for (int i = 0; i < n->args.n; i++) {
		el[i] = sema_expr(s, n->args.v[i]);
		if (is_none(el[i]))
			return type_none();
		if (el[i]->kind == TY_VOID || el[i]->kind == TY_AGG ||
		    el[i]->kind == TY_CTX || el[i]->is_ctx) {
			sema_err(s, &n->args.v[i]->loc,
				 "%s cannot be part of a tuple",
				 type_name(el[i]));
			return type_none();
		}
	}
	return type_tuple(el, n->args.n);
}

/* a[i] on arrays, strings and pointers, bounds checked for literals. */
static struct type *type_index(struct sema *s, struct node *n)
{
	struct type *a = sema_expr(s, n->a), *i = sema_expr(s, n->b);
	if (is_none(a) || is_none(i))
		return type_none();
	if (!type_is_int(i)) {
		sema_err(s, &n->b->loc, "The array index operator [] "
					"needs an integer index (%s "
					"provided)", type_name(i));
		return type_none();
	}
	if (a->kind == TY_TUPLE) {
		/* $t[1 - 1]: a tuple element by a constant index
		   (language.md), the same as $t.0 */
		if (n->b->kind != N_INT) {
			sema_err(s, &n->b->loc,
				 "The index of a tuple must be an integer "
				 "literal (a constant expression)");
			return type_none();
		}
		n->kind = N_FIELD;
		n->name = tt_sprintf("%llu", (unsigned long long)n->b->ival);
		n->b = NULL;
		return type_fieldexpr(s, n);
	}
	/* (a flexible array member, arr[0], has no bound) */
	int nelem = a->kind == TY_ARRAY ? (a->nelem ? a->nelem : -1)
		    : a->kind == TY_STR ? a->size : -1;
	if (nelem >= 0 && n->b->kind == N_INT &&
	    n->b->ival >= (uint64_t)nelem) {
		sema_err(s, &n->loc,
			 "the index %llu is out of bounds for array of "
			 "size %d",
			 (unsigned long long)n->b->ival, nelem);
		return type_none();
	}
	if (nelem >= 0 && n->b->kind == N_UNOP && n->b->op == '-' &&
	    n->b->a->kind == N_INT && n->b->a->ival) {
		sema_err(s, &n->loc,
			 "the index -%llu is out of bounds for array of "
			 "size %d",
			 (unsigned long long)n->b->a->ival, nelem);
		return type_none();
	}
	if (a->kind == TY_ARRAY)
		return a->elem;
	if (a->kind == TY_STR)
		return type_int(1, true);
	if (a->kind == TY_PTR && a->elem && a->elem->kind == TY_STRUCT) {
		/* p[i] of a struct known by name only (a tracepoint's
		   "struct __kernel_timespec *"): its body, like *p */
		struct type *st = cdecl_complete(a->elem);
		if (!st) {
			sema_err(s, &n->loc, "Cannot resolve unknown type "
				 "\"%s\"", type_name(a->elem));
			return type_none();
		}
		return st;
	}
	if (a->kind == TY_PTR && a->elem && a->elem->kind != TY_VOID)
		return a->elem;
	sema_err(s, &n->loc, "The array index operator [] can only be "
			     "used on arrays and pointers, found %s.",
		 sema_kind_name(a));
	return type_none();
}

/* { stmts; value } as an expression (also macro expansions). */
static struct type *type_block(struct sema *s, struct node *n)
{
	scope_push(s);
	/* `@m = { ...; count() }`: only the value is assigned */
	bool direct = s->direct_map_assign;
	s->direct_map_assign = false;
	for (int i = 0; i < n->args.n; i++)
		stmt(s, n->args.v[i]);
	s->direct_map_assign = direct;
	struct type *t = n->a ? sema_expr(s, n->a) : type_void();
	scope_pop(s);
	return t;
}

/* (a=1, b="x"): names unique. */
static struct type *type_record_expr(struct sema *s, struct node *n)
{
	int k = n->args.n;
	const char **names = tt_alloc(sizeof(*names) * (k + 1));
	struct type **el = tt_alloc(sizeof(*el) * (k + 1));
	for (int i = 0; i < k; i++) {
		struct node *e = n->args.v[i];
		names[i] = e->name;
		for (int j = 0; j < i; j++)
			if (!strcmp(names[j], e->name)) {
				sema_err(s, &e->loc,
					 "Named argument list already "
					 "contains name: %s",
					 e->name);
				return type_none();
			}
		el[i] = sema_expr(s, e->a);
		e->type = el[i];
		if (is_none(el[i]))
			return type_none();
		if (el[i]->kind == TY_VOID || el[i]->kind == TY_AGG ||
		    el[i]->kind == TY_CTX || el[i]->is_ctx) {
			sema_err(s, &e->a->loc,
				 "%s cannot be part of a record",
				 type_name(el[i]));
			return type_none();
		}
	}
	return type_record(names, el, k);
}

/* sizeof(T) or sizeof(expr): a constant, the size in ival. */
static struct type *type_sizeof(struct sema *s, struct node *n)
{
	struct type *t = n->ctype ? sema_resolve_ctype(s, n->ctype)
				  : sema_expr(s, n->a);
	if (is_none(t))
		return type_none();
	if (t->kind == TY_VOID || t->kind == TY_CTX) {
		sema_err(s, &n->loc, "sizeof() of %s", type_name(t));
		return type_none();
	}
	n->ival = (uint64_t)t->size;
	return type_int(8, false);
}

/* offsetof(struct T, a.b) or offsetof(expr, a.b): a constant in ival. */
static struct type *type_offsetof(struct sema *s, struct node *n)
{
	struct type *t = n->ctype ? sema_resolve_ctype(s, n->ctype)
				  : sema_expr(s, n->a);
	if (is_none(t))
		return type_none();
	uint64_t total = 0;
	const char *p = n->name;
	while (*p) {
		const char *dot = strchr(p, '.');
		const char *fname = dot ? tt_strndup(p, dot - p) : p;
		int off;
		const struct field *f = t->kind == TY_STRUCT
			? cdecl_field(t, fname, &off) : NULL;
		if (!f) {
			sema_err(s, &n->loc, "'%s' has no field named "
					     "'%s'",
				 type_name(t), fname);
			return type_none();
		}
		total += (uint64_t)off;
		t = f->type;
		p = dot ? dot + 1 : p + strlen(p);
	}
	n->ival = total;
	return type_int(8, false);
}

static struct type *expr(struct sema *s, struct node *n)
{
	switch (n->kind) {
	case N_INT:
		return sema_int_literal_type(n->ival, false);
	case N_STR:
		return type_str((int)n->slen + 1);
	case N_BOOL:
		return type_bool();
	case N_BUILTIN:
	case N_CALL:
		return type_call(s, n);
	case N_VAR:
		return type_var(s, n);
	case N_MAP:
		return type_map(s, n);
	case N_POSPARAM:
		return type_posparam(s, n);
	case N_POSCOUNT:
		return type_int(8, true);
	case N_BINOP:
		return type_binop(s, n);
	case N_UNOP:
		return type_unop(s, n);
	case N_INCDEC:
		return type_incdec(s, n);
	case N_TERNARY:
		return type_ternary(s, n);
	case N_FIELD:
		return type_fieldexpr(s, n);
	case N_CAST:
		return type_cast(s, n);
	case N_TUPLE:
		return type_tuple_expr(s, n);
	case N_INDEX:
		return type_index(s, n);
	case N_BLOCK:
		return type_block(s, n);
	case N_RECORD:
		if (n->c) /* typeinfo(x), made again from x's type */
			return sema_typeinfo(s, n);
		return type_record_expr(s, n);
	case N_SIZEOF:
		return type_sizeof(s, n);
	case N_OFFSETOF:
		return type_offsetof(s, n);
	default:
		sema_err(s, &n->loc, "%s is not supported yet here",
			 ast_kind_name(n->kind));
		return type_none();
	}
}

struct type *sema_expr(struct sema *s, struct node *n)
{
	struct type *t = expr(s, n);
	n->type = t ? t : type_none();
	return n->type;
}

/* ---- statements ---------------------------------------------------------- */

static void stmt(struct sema *s, struct node *n);

static void block(struct sema *s, struct node *n)
{
	scope_push(s);
	if (n->kind == N_BLOCK) {
		for (int i = 0; i < n->args.n; i++)
			stmt(s, n->args.v[i]);
		if (n->a)
			sema_expr(s, n->a);
	} else {
		stmt(s, n);
	}
	scope_pop(s);
}

/* The expression whose value a block expression ends with ({ s; { t; e } }
 * -> e); n itself when it is not a block. */
static struct node *block_value(struct node *n)
{
	while (n && n->kind == N_BLOCK && n->a)
		n = n->a;
	return n;
}

/* True when e is arithmetic whose operands (through nested binary
 * operators) read map `name` itself: `@m = @m + 1`, `@m[k] = @m[k] * 2`.
 * As in bpftrace, such a map with no other assignment is an integer. */
static bool binop_reads_map(const struct node *e, const char *name)
{
	if (e->kind == N_MAP)
		return !strcmp(e->name, name);
	if (e->kind != N_BINOP || e->op == OP_LAND || e->op == OP_LOR)
		return false;
	return binop_reads_map(e->a, name) || binop_reads_map(e->b, name);
}

static bool is_agg_call(struct node *n)
{
	n = block_value(n);
	if (n->kind != N_CALL && n->kind != N_BUILTIN)
		return false;
	enum builtin_id id = builtin_id_of(n->name);
	return id != BI_NONE && (builtin_info(id)->flags & BI_AGG);
}

/* Assigning rhs (of type t) to a variable declared with a type
 * (let $x: uint8): a literal must fit, other integers must have the
 * variable's signedness and be no larger.  Reports and returns false
 * when not. */
static bool typed_int_fits(struct sema *s, struct sema_var *v,
			   struct node *rhs, struct type *t,
			   const struct srcloc *loc)
{
	struct type *vt = v->type;
	if (!v->typed || is_none(t) || is_none(vt) || t->kind != TY_INT ||
	    vt->kind != TY_INT || vt->name)
		return true;
	bool neg = rhs->kind == N_UNOP && rhs->op == '-' &&
		   rhs->a->kind == N_INT;
	if (rhs->kind == N_INT || (neg && vt->is_signed)) {
		uint64_t val = neg ? rhs->a->ival : rhs->ival;
		int bits = vt->size * 8;
		uint64_t max = bits == 64 ? UINT64_MAX
					  : (UINT64_C(1) << bits) - 1;
		if (vt->is_signed)
			max >>= 1;
		if (val <= max + (neg ? 1 : 0))
			return true;
		sema_err(s, loc,
			 "Type mismatch for %s: trying to assign value '%s%llu' "
			 "which does not fit into the variable of type '%s'",
			 v->name, neg ? "-" : "", (unsigned long long)val,
			 type_name(vt));
		return false;
	}
	if (neg) {
		/* a negative literal never fits an unsigned type */
		sema_err(s, loc,
			 "Type mismatch for %s: trying to assign value of type "
			 "'%s' when variable %s '%s'",
			 v->name, type_name(t),
			 v->assigned ? "already contains a value of type"
				     : "already has a type",
			 type_name(vt));
		return false;
	}
	if (t->is_lit && t->size <= vt->size)
		return true; /* only non-negative literals reach it */
	if (t->size > vt->size) {
		sema_err(s, loc,
			 "Integer size mismatch. Assignment type '%s' is larger "
			 "than the variable type '%s'.",
			 type_name(t), type_name(vt));
		return false;
	}
	if (t->is_signed != vt->is_signed) {
		/* language.md: `$b = -1; let $a: uint16 = $b;` only warns */
		sema_warn(s, loc,
			  "Implicit conversion of '%s' to '%s' for %s may "
			  "change the value's sign",
			  type_name(t), type_name(vt), v->name);
	}
	return true;
}

/* a op= b: a must already hold an integer; a map starts at 0. */
static void assign_compound(struct sema *s, struct node *n)
{
	struct node *lhs = n->a, *rhs = n->b;
	if (lhs->kind == N_MAP)
		map_implicit_int(s, lhs);
	struct type *a = sema_expr(s, lhs), *b = sema_expr(s, rhs);
	if (is_none(a) || is_none(b))
		return;
	int op = lex_compound_binop(n->op);
	if (a->kind == TY_PTR) {
		/* $p += n, $p -= n: the pointer moves by n elements */
		if ((op == '+' || op == '-') && type_is_int(b))
			return;
		sema_err(s, &n->loc,
			 "The %s operator can not be used on expressions of "
			 "types %s, %s",
			 op_name(op), type_name(a), type_name(b));
		return;
	}
	if (!type_is_int(a) || !type_is_int(b)) {
		sema_err(s, &n->loc,
			 "Type mismatch for '%s': comparing '%s' with "
			 "'%s'",
			 op_name(lex_compound_binop(n->op)), type_name(a),
			 type_name(b));
		return;
	}
	struct type *r = arith_result(lex_compound_binop(n->op), a, b);
	if (lhs->kind == N_VAR && sema_var_of(lhs))
		var_assign_type(s, lhs->sym.var, r, &n->loc);
	else if (lhs->kind == N_MAP && sema_map_of(lhs))
		map_assign_type(s, lhs->sym.map, r, &n->loc);
}

/* @m[k] = e: the map's key and value widen to hold them; an aggregation
 * (count(), hist(), ...) must be the whole right-hand side. */
static void assign_map(struct sema *s, struct node *n)
{
	struct node *lhs = n->a, *rhs = n->b;
	struct sema_map *m = map_get(s, lhs->name, &lhs->loc);
	set_map(lhs, m);
	map_keys(s, lhs, m);
	if (rhs->kind == N_BINOP && binop_reads_map(rhs, lhs->name) &&
	    !m->had_error)
		map_implicit_int(s, lhs);
	s->direct_map_assign = is_agg_call(rhs);
	int errors = s->errors;
	struct type *t = sema_expr(s, rhs);
	s->direct_map_assign = false;
	if (is_none(t)) {
		if (!s->quiet && s->errors == errors && !s->silent_none)
			s->silent_none = n;
		m->had_error = true;
		return;
	}
	if (t->kind == TY_VOID || t->kind == TY_CTX || t->is_ctx) {
		sema_err(s, &rhs->loc, "Value of type %s cannot be "
				       "assigned to a map",
			 type_name(t));
		return;
	}
	if (t->kind == TY_AGG && rhs->kind == N_MAP) {
		/* stats/hist/lhist maps (the others read as
		   integers) */
		sema_err(s, &n->loc,
			 "Map value '%s' cannot be assigned from one "
			 "map to another. The function that returns "
			 "this type must be called directly e.g. "
			 "`%s = %s;`.",
			 type_name(t), lhs->name,
			 t->agg == AGG_STATS ? "stats(arg2)"
			 : t->agg == AGG_LHIST
				 ? "lhist(rand %10, 0, 10, 1)"
				 : "hist(retval)");
		m->had_error = true;
		return;
	}
	if (m->declared && (t->kind == TY_AGG) !=
			       (m->bpf_type == BPF_MAP_TYPE_PERCPU_HASH ||
				m->bpf_type ==
					BPF_MAP_TYPE_LRU_PERCPU_HASH)) {
		const char *decl =
			m->bpf_type == BPF_MAP_TYPE_HASH ? "hash"
			: m->bpf_type == BPF_MAP_TYPE_LRU_HASH ? "lruhash"
			: m->bpf_type == BPF_MAP_TYPE_PERCPU_HASH
				? "percpuhash" : "percpulruhash";
		sema_err(s, &lhs->loc,
			 "Incompatible map types. Type from "
			 "declaration: %s. Type from value/key type: "
			 "%s",
			 decl, t->kind == TY_AGG ? "percpuhash" : "hash");
	}
	map_assign_type(s, m, t, &n->loc);
	lhs->type = m->value;
}

/* $x = e: declares $x (block scope) on its first assignment, or widens
 * it. */
static void assign_var(struct sema *s, struct node *n)
{
	struct node *lhs = n->a, *rhs = n->b;
	struct type *t = sema_expr(s, rhs);
	struct sema_var *v = var_lookup(s, lhs->name);
	if (!is_none(t) && (t->kind == TY_VOID || t->kind == TY_AGG)) {
		sema_err(s, &n->loc, "Value '%s' cannot be assigned to "
				     "a scratch variable.",
			 type_name(t));
		t = type_none();
	}
	if (!is_none(t) && (t->kind == TY_CTX || t->is_ctx)) {
		sema_err(s, &rhs->loc, "Value of type %s cannot be "
				       "assigned to a variable",
			 type_name(t));
		t = type_none();
	}
	if (!v)
		v = var_declare(s, lhs, lhs->name, t);
	if (!typed_int_fits(s, v, rhs, t, &n->loc))
		t = type_none();
	var_assign_type(s, v, t, &n->loc);
	if (!is_none(t))
		v->assigned = true;
	set_var(lhs, v);
	lhs->type = v->type;
}

static void assign(struct sema *s, struct node *n)
{
	struct node *lhs = n->a, *rhs = n->b;
	if (n->op != '=') {
		assign_compound(s, n);
		return;
	}
	if (lhs->kind == N_MAP) {
		assign_map(s, n);
		return;
	}
	if (lhs->kind == N_VAR) {
		assign_var(s, n);
		return;
	}
	if (lhs->kind == N_BUILTIN && !strcmp(lhs->name, "_")) {
		/* `_ = e`: e is evaluated and its value discarded */
		sema_expr(s, rhs);
		lhs->type = type_void();
		return;
	}
	sema_expr(s, rhs);
	sema_err(s, &lhs->loc, "assignment to %s is not supported yet",
		 ast_kind_name(lhs->kind));
}

void sema_assign(struct sema *s, struct node *n) { assign(s, n); }

static void cond(struct sema *s, struct node *c, const char *what)
{
	struct type *t = sema_expr(s, c);
	if (is_none(t) || is_cond_type(t))
		return;
	if (!strcmp(what, "predicate"))
		sema_err(s, &c->loc, "Invalid type for predicate: %s",
			 sema_kind_name(t));
	else
		sema_err(s, &c->loc, "Invalid condition in %s: %s", what,
			 sema_kind_name(t));
}

/* Functions whose value is their only effect (bpftrace warns when a
 * statement drops it). */
static bool value_matters(const char *f)
{
	static const char *const names[] = {
		"bswap", "buf", "cgroupid", "cgroup_path", "has_key", "kaddr",
		"kptr", "kstack", "ksym", "len", "macaddr", "nsecs", "ntop",
		"offsetof", "path", "percpu_kaddr", "pton", "reg", "sizeof",
		"str", "strerror", "strftime", "strcontains", "strncmp",
		"uaddr", "uptr", "ustack", "usym", "pid", "tid", "strlen",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(f, names[i]))
			return true;
	return false;
}

/* The location of a loop's variable: `$i` in `for ($i : ...)`. */
static struct srcloc loop_var_loc(const struct node *n)
{
	struct srcloc l = n->loc;
	const struct source *src = l.src;
	if (!src || !l.line)
		return l;
	const char *p = src->text;
	for (int line = 1; line < l.line && (p = strchr(p, '\n')); line++)
		p++;
	if (!p)
		return l;
	const char *start = p + l.col - 1;
	const char *v = strstr(start, n->name);
	const char *eol = strchr(start, '\n');
	if (!v || (eol && v > eol))
		return l;
	l.col += (int)(v - start);
	l.len = (int)strlen(n->name);
	return l;
}

/* An expression as a statement: bpftrace warns when a function whose value
 * is its only effect has it dropped. */
static void expr_stmt(struct sema *s, struct node *n)
{
	struct node *e = n->a;
	struct type *t = sema_expr(s, e);
	if (e->kind == N_CALL)
		e->discarded = true;
	if (!is_none(t) && (e->kind == N_CALL || e->kind == N_BUILTIN) &&
	    e->name && value_matters(e->name))
		sema_warn(s, &e->loc,
			  "Return value discarded for %s. It should be "
			  "used.",
			  e->name);
}

/* let $x [: T] [= e]: declares $x in this scope (no shadowing); a declared
 * type never widens. */
static void let_stmt(struct sema *s, struct node *n)
{
	struct type *t = type_none();
	static const char *const not_for_vars[] = {
		"count_t", "sum_t", "min_t", "max_t", "avg_t",
		"stats_t", "hist_t", "lhist_t", "tseries_t", "void",
	};
	bool bad_type = false;
	for (size_t i = 0; n->ctype && i < ARRAY_SIZE(not_for_vars); i++)
		if (!strcmp(n->ctype->text, not_for_vars[i])) {
			sema_err(s, &n->loc,
				 "Invalid variable declaration type: %s",
				 n->ctype->text);
			bad_type = true;
		}
	if (n->ctype && !bad_type)
		t = sema_resolve_ctype(s, n->ctype);
	if (n->b) {
		struct type *bt = sema_expr(s, n->b);
		struct sema_var tmp = { .name = n->name, .type = t,
					.typed = true };
		if (n->ctype && !is_none(t) &&
		    !typed_int_fits(s, &tmp, n->b, bt, &n->loc)) {
			/* reported */
		} else if (n->ctype && !is_none(t) && !is_none(bt) &&
			   !typed_accepts(t, bt)) {
			sema_err(s, &n->loc,
				 "Type mismatch for %s: trying to assign "
				 "value of type '%s' when variable "
				 "already has a type '%s'",
				 n->name, type_name(bt), type_name(t));
		} else if (!n->ctype) {
			t = bt;
		}
	}
	struct sema_var *prev = var_lookup(s, n->name);
	if (prev && prev->let_decl) {
		sema_err(s, &n->loc,
			 "Variable %s was already declared. Variable "
			 "shadowing is not allowed.",
			 n->name);
		sema_warn(s, &prev->decl,
			  "This is the initial declaration.");
	} else if (prev) {
		sema_err(s, &n->loc,
			 "Variable declarations need to occur before "
			 "variable usage or assignment. Variable: %s",
			 n->name);
	}
	struct sema_var *v = var_declare(s, n, n->name, t);
	v->let_decl = true;
	v->assigned = n->b != NULL;
	if (n->ctype && !is_none(t)) {
		v->type = t;
		v->typed = true;
	}
	else if (!is_none(t))
		var_assign_type(s, v, t, &n->loc);
	set_var(n, v);
	n->type = v->type;
}

/* unroll(N) { ... }: N an integer literal from 1 to 100. */
static void unroll_stmt(struct sema *s, struct node *n)
{
	struct type *t = sema_expr(s, n->a);
	if (n->a->kind == N_POSPARAM && type_is_int(t)) {
		/* unroll($1): the parameter's number, a literal */
		const struct tt_config *c = s->cfg;
		int64_t i = (int64_t)n->a->ival;
		n->a->kind = N_INT;
		n->a->ival = i >= 1 && i <= c->npos_params
				     ? (uint64_t)strtoll(c->pos_params[i - 1],
							 NULL, 0)
				     : 0;
	}
	struct srcloc ul = n->loc;
	if (n->a->loc.line == ul.line && n->a->loc.col > ul.col)
		ul.len = n->a->loc.col + n->a->loc.len + 1 - ul.col;
	if (!is_none(t) && n->a->kind != N_INT)
		sema_err(s, &ul, "invalid unroll value");
	else if (n->a->kind == N_INT && n->a->ival > 100)
		sema_err(s, &ul, "unroll maximum value is 100");
	else if (n->a->kind == N_INT && n->a->ival < 1)
		sema_err(s, &ul, "unroll minimum value is 1");
	block(s, n->b);
}

/* for ($i : a..b) { ... }: $i takes the integer type holding both
 * ends. */
static void for_range_stmt(struct sema *s, struct node *n)
{
	struct type *a = sema_expr(s, n->a), *c = sema_expr(s, n->c);
	struct type *t = type_none();
	if (!is_none(a) && !type_is_int(a))
		sema_err(s, &n->a->loc, "Loop range requires an integer "
					"for the start value");
	else if (!is_none(c) && !type_is_int(c))
		sema_err(s, &n->c->loc, "Loop range requires an integer "
					"for the end value");
	else if (!is_none(a) && !is_none(c))
		t = sema_promote(a, c);
	if (var_lookup(s, n->name)) {
		struct srcloc vl = loop_var_loc(n);
		sema_err(s, &vl, "Loop declaration shadows existing "
				 "variable: %s",
			 n->name);
	}
	scope_push(s);
	struct sema_var *v = var_declare(s, n, n->name, t);
	if (t && !is_none(t))
		var_assign_type(s, v, t, &n->loc);
	set_var(n, v);
	s->loop_depth++;
	block(s, n->b);
	s->loop_depth--;
	scope_pop(s);
}

/* for ($kv : @m) { ... }: $kv is the tuple (key, value) of a keyed map. */
static void for_map_stmt(struct sema *s, struct node *n)
{
	struct node *m = n->a;
	struct type *t = type_none();
	if (m->kind != N_MAP || m->args.n) {
		sema_err(s, &m->loc, "for loops iterate over a map "
				     "(for ($kv : @map))");
	} else {
		sema_map_ref(s, m);
		struct sema_map *sm = sema_map_of(m);
		if (sm && !is_none(sm->value)) {
			struct type *mv = sm->value;
			if (mv->kind == TY_AGG &&
			    (mv->agg == AGG_STATS || mv->agg == AGG_HIST ||
			     mv->agg == AGG_LHIST || mv->agg == AGG_TSERIES)) {
				sema_err(s, &m->loc, "Loop expression does "
						     "not support type: %s",
					 type_name(mv));
			} else if (!sm->nkeys && sm->key_known) {
				sema_err(s, &m->loc,
					 "%s has no explicit keys "
					 "(scalar map), and cannot be "
					 "used for iteration",
					 m->name);
			} else if (sm->key) {   /* NULL: its key had an error */
				struct type *vt = sm->value;
				if (vt->kind == TY_AGG)
					vt = type_int(8, vt->agg != AGG_COUNT &&
							     vt->is_signed);
				struct type *el[2] = { sm->key, vt };
				t = type_tuple(el, 2);
			}
		}
	}
	if (var_lookup(s, n->name)) {
		struct srcloc vl = loop_var_loc(n);
		sema_err(s, &vl, "Loop declaration shadows existing "
				 "variable: %s",
			 n->name);
	}
	scope_push(s);
	struct sema_var *v = var_declare(s, n, n->name, t);
	if (!is_none(t))
		var_assign_type(s, v, t, &n->loc);
	set_var(n, v);
	s->loop_depth++;
	block(s, n->b);
	s->loop_depth--;
	scope_pop(s);
}

/* if comptime (c) a else b: only the branch c picks is typed (and
 * built).  A c that depends on types (typeinfo, sizeof) is decided once
 * the walks have settled every type outside the undecided branches
 * (type_resolution.md, "Comptime branches"); n->ival keeps the choice:
 * 1 the first branch, 2 the other. */
static void comptime_if(struct sema *s, struct node *n)
{
	if (!n->ival) {
		bool types;
		sema_expr(s, n->a);
		int v = sema_comptime_truth(s, n->a, &types);
		if (v >= 0 && (!types || s->comptime_ready)) {
			n->ival = v ? 1 : 2;
			s->changed = true;
			sema_comptime_lock(n->a);
		} else if (v < 0 || !s->quiet) {
			sema_err(s, &n->a->loc,
				 "Unable to resolve comptime expression");
		} else {
			s->comptime_pending = true;
		}
	}
	if (n->ival == 1)
		block(s, n->b);
	else if (n->ival == 2 && n->c)
		block(s, n->c);
}

static void stmt(struct sema *s, struct node *n)
{
	switch (n->kind) {
	case N_EXPR_STMT:
		expr_stmt(s, n);
		break;
	case N_ASSIGN:
		assign(s, n);
		break;
	case N_LET:
		let_stmt(s, n);
		break;
	case N_IF: {
		/* a branch a literal condition never takes is typed, but
		   fail() in it is not "visited" (stdlib.md) */
		bool lit, taken;
		if (n->name && !strcmp(n->name, "comptime")) {
			comptime_if(s, n);
			break;
		}
		cond(s, n->a, "if()");
		lit = sema_const_truth(s, n->a, &taken);
		s->dead += lit && !taken;
		block(s, n->b);
		s->dead -= lit && !taken;
		s->dead += lit && taken;
		if (n->c)
			block(s, n->c);
		s->dead -= lit && taken;
		break;
	}
	case N_WHILE:
		cond(s, n->a, "while()");
		s->loop_depth++;
		block(s, n->b);
		s->loop_depth--;
		break;
	case N_UNROLL:
		unroll_stmt(s, n);
		break;
	case N_BREAK:
	case N_CONTINUE:
		if (!s->loop_depth)
			sema_err(s, &n->loc, "%s used outside of a loop",
				 n->kind == N_BREAK ? "break" : "continue");
		break;
	case N_RETURN:
		if (n->a)
			sema_expr(s, n->a);
		break;
	case N_BLOCK:
		block(s, n);
		break;
	case N_FOR_RANGE:
		for_range_stmt(s, n);
		break;
	case N_FOR_MAP:
		for_map_stmt(s, n);
		break;
	case N_MAPDECL:
		sema_err(s, &n->loc, "map declarations are only allowed at the "
				     "top level");
		break;
	default:
		sema_expr(s, n);
		break;
	}
}


/* ---- probes ----------------------------------------------------------------- */

/* Does n use one of names (builtins and calls)?  Such a body tells the
 * attach points of its probe apart, which then keep one program each. */
static bool uses_name(const struct node *n, const char *const *names)
{
	if (!n)
		return false;
	if ((n->kind == N_BUILTIN || n->kind == N_CALL) && n->name)
		for (int i = 0; names[i]; i++)
			if (!strcmp(n->name, names[i]))
				return true;
	for (int i = 0; i < n->args.n; i++)
		if (uses_name(n->args.v[i], names))
			return true;
	return uses_name(n->a, names) || uses_name(n->b, names) ||
	       uses_name(n->c, names);
}

/* Parses and expands the attach points of every probe (once). */
/* An attach point's $N outside quotes becomes the N-th positional
 * parameter's text ("" when not given), as language.md allows
 * (interval:ms:$1, uprobe:$1:func, uprobe:/$1/bash:readline); a quoted
 * "$1" stays as written.  False after reporting a `$` no number
 * follows. */
static bool ap_positional(struct sema *s, struct attach_point *ap)
{
	if (!strchr(ap->raw, '$'))
		return true;
	const struct tt_config *c = s->cfg;
	struct strbuf b = { 0 };
	sb_puts(&b, "");
	bool inq = false, ok = true;
	for (const char *p = ap->raw; *p; p++) {
		if (*p == '"')
			inq = !inq;
		if (inq && *p == '\\' && p[1]) {
			sb_putn(&b, p, 2);
			p++;
			continue;
		} else if (!inq && *p == '$') {
			const char *d = p + 1;
			uint64_t n = 0;
			bool over = false;
			for (; isdigit((unsigned char)*d); d++) {
				over |= n > (UINT64_MAX - 9) / 10;
				n = n * 10 + (uint64_t)(*d - '0');
			}
			if (d == p + 1 || n == 0) {
				char bad = d == p + 1 ? p[1] : '0';
				diag_error(&ap->loc,
					   "invalid trailing character for "
					   "positional param: %c. Try quoting "
					   "this entire part if this is "
					   "intentional e.g. \"$%c\".",
					   bad, bad);
				ok = false;
				break;
			}
			if (over) {
				diag_error(&ap->loc,
					   "positional parameter is not valid: "
					   "overflow error, maximum value is "
					   "18446744073709551615: %.*s",
					   (int)(d - p - 1), p + 1);
				ok = false;
				break;
			}
			if (n <= (uint64_t)c->npos_params)
				sb_puts(&b, c->pos_params[n - 1]);
			p = d - 1;
			continue;
		}
		sb_putc(&b, *p);
	}
	if (ok)
		ap->raw = tt_strdup(b.s);
	sb_free(&b);
	return ok;
}

static void collect_probes(struct sema *s, struct node *prog)
{
	int index = 0;
	for (int i = 0; i < prog->args.n; i++) {
		struct node *p = prog->args.v[i];
		if (p->kind != N_PROBE)
			continue;
		p->id = -1;
		int errors = s->errors;
		for (int k = 0; k < p->aps.n; k++) {
			struct attach_point *ap = p->aps.v[k];
			if (!ap_positional(s, ap) || probes_parse(ap) < 0) {
				s->errors++;
				continue;
			}
			if (ap->prov == PROV_ITER && p->aps.n > 1) {
				/* language.md: an iterator is a probe of
				   its own */
				sema_err(s, &ap->loc, "Only single iter attach "
						      "point is allowed.");
				continue;
			}
			static const char *const args[] = { "args", NULL };
			ap->no_args = !uses_name(p->a, args) &&
				      !uses_name(p->b, args);
			struct ap_vec out = { 0 };
			if (probes_expand(ap, &out) < 0) {
				s->errors++;
				vec_free(&out);
				continue;
			}
			static const char *const apart[] = {
				"probe", "func", "args", "uaddr", NULL
			};
			if (out.n > 1 && !uses_name(p->a, apart) &&
			    !uses_name(p->b, apart))
				probes_merge(ap, &out);
			for (int j = 0; j < out.n; j++) {
				struct sema_probe sp = { p, out.v[j], index++ };
				if (p->id < 0)
					p->id = s->res->probes.n;
				vec_push(&s->res->probes, sp);
			}
			vec_free(&out);
		}
		/* config missing_probes warn/ignore dropped every attach
		   point: the probe goes, with a word under "warn" */
		if (p->id < 0 && s->errors == errors && p->aps.n &&
		    s->cfg->missing_probes &&
		    !strcmp(s->cfg->missing_probes, "warn"))
			diag_warning(&p->aps.v[0]->loc,
				     "Probe has no valid attach points. It is "
				     "being removed which may cause issues "
				     "with program behavior.");
	}
}

/* An iterator's program also runs once after the last object, with a
 * NULL object (ctx->task of iter:task...): the probe body is skipped then
 * (the predicate gains `ctx.<the field after meta> &&`). */
static void iter_guard(struct node *p, struct attach_point *ap)
{
	const struct prov_ops *pv = prov_of(ap);
	if (!pv || !pv->ctx_struct || !ap->func)
		return;
	struct type *t = cdecl_lookup(tt_sprintf(pv->ctx_struct, ap->func));
	if (!t || t->kind != TY_STRUCT || t->fields.n < 2)
		return;
	const struct field *obj = &t->fields.v[1];
	if (!obj->name && obj->type->kind == TY_STRUCT) {
		/* __bpf_md_ptr(struct task_struct *, task): a union */
		struct type *u = btf_complete(obj->type);
		if (!u || !u->fields.n)
			return;
		obj = &u->fields.v[0];
	}
	if (!obj->name || obj->type->kind != TY_PTR)
		return;
	struct node *ctx = ast_new(N_BUILTIN, &p->loc);
	ctx->name = "ctx";
	struct node *f = ast_new(N_FIELD, &p->loc);
	f->a = ctx;
	f->name = obj->name;
	if (!p->a) {
		p->a = f;
		return;
	}
	struct node *and = ast_new(N_BINOP, &p->loc);
	and->op = OP_LAND;
	and->a = f;
	and->b = p->a;
	p->a = and;
}

static void walk(struct sema *s, struct node *prog)
{
	for (int i = 0; i < prog->args.n; i++) {
		struct node *p = prog->args.v[i];
		if (p->kind != N_PROBE || p->id < 0)
			continue;
		s->probe = p;
		s->ap = s->res->probes.v[p->id].ap;
		iter_guard(p, s->ap);
		scope_push(s);
		if (p->a)
			cond(s, p->a, "predicate");
		if (p->b)
			block(s, p->b);
		scope_pop(s);
		s->ap = NULL;
	}
}

int sema_run(struct node *program, const struct tt_config *cfg,
	     struct sema_result *res)
{
	struct sema s = { .cfg = cfg, .res = res };
	/* C definitions first: probes and casts may name their types */
	cdecl_reset();
	int kept = 0;
	for (int i = 0; i < program->args.n; i++) {
		struct node *n = program->args.v[i];
		if (n->kind == N_CDEFN)
			cdecl_parse_defs(n->str, &n->loc);
		else if (cdecl_skipping())
			continue; /* inside an #if group not taken */
		program->args.v[kept++] = n;
	}
	program->args.n = kept;
	/* errors in the C definitions end the compilation, as clang's end
	   bpftrace's (no cascade of unknown names they would define) */
	if (cdecl_finish() < 0)
		return -1;
	for (int i = 0; i < program->args.n; i++) {
		struct node *n = program->args.v[i];
		switch (n->kind) {
		case N_PROBE:
		case N_CONFIG:
		case N_CDEFN:
			break;
		case N_MAPDECL:
			map_declare(&s, n);
			break;
		case N_MACRO:
			break;
		case N_IMPORT:
			sema_err(&s, &n->loc, "import is not supported yet");
			break;
		default:
			sema_err(&s, &n->loc, "%s is not supported yet here",
				 ast_kind_name(n->kind));
		}
	}
	probes_set_config(cfg); /* -p and --unsafe for uprobe/usdt targets */
	collect_probes(&s, program);

	/* fixpoint: walk silently until no type changes, then once loudly */
	s.quiet = true;
	for (int round = 0; round < 32; round++) {
		s.changed = false;
		s.comptime_pending = false;
		walk(&s, program);
		if (s.changed) {
			s.comptime_ready = false;
			continue;
		}
		if (!s.comptime_pending || s.comptime_ready)
			break;
		s.comptime_ready = true; /* types settled: decide */
	}
	s.comptime_ready = true;
	s.quiet = false;
	walk(&s, program);
	vec_free(&s.decls);
	if (s.silent_none && !s.errors) {
		/* nothing gave the value a type, nor said why */
		struct node *n = s.silent_none;
		sema_err(&s, &n->a->loc, "Undefined map: %s", n->a->name);
		sema_err(&s, &n->b->loc, "Invalid expression for assignment: "
					  "none");
	}

	int id = 0;
	for (int i = 0; i < res->maps.n; i++) {
		struct sema_map *m = res->maps.v[i];
		if (m->declared && !m->key_known && !m->value)
			diag_warning(&m->loc, "Unused map: %s", m->name);
		if (m->value && m->value->kind == TY_AGG && !m->declared)
			m->bpf_type = BPF_MAP_TYPE_PERCPU_HASH;
		if (!m->max_entries)
			m->max_entries = cfg->max_map_keys;
		m->id = m->value ? id++ : -1;
		if (m->value)
			m->layout = map_layout(m);
	}
	return s.errors || diag_error_count() ? -1 : 0;
}
