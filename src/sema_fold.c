/* sema_fold.c — literal folding, for sema.
 *
 * bpftrace folds operators whose operands are all literals before typing,
 * with its own rules (doc/integers.md): the value is the mathematical one
 * when it fits int64 or uint64, signed / % and >> when a side is negative,
 * and an error ("unable to fold literals due to overflow or underflow") when
 * it does not fit or a divisor is 0.  A literal mixed with one above
 * INT64_MAX is left to run time.  The node is rewritten into the literal
 * (Int, negative Int, Bool) and typed as one. */
#include "sema_impl.h"

#include "lexer.h"

struct lit {
	bool neg;               /* value is s (< 0), else u */
	uint64_t u;
	int64_t s;
};

enum fold_res { FOLD_OK, FOLD_NO, FOLD_ERR };

static bool is_cmp(int op)
{
	return op == OP_EQ || op == OP_NE || op == '<' || op == '>' ||
	       op == OP_LE || op == OP_GE;
}

static bool lit_of(const struct node *n, struct lit *l)
{
	*l = (struct lit){ 0 };
	if (n->kind == N_INT) {
		l->u = n->ival;
		return true;
	}
	if (n->kind == N_UNOP && n->op == '-' && n->a->kind == N_INT &&
	    n->a->ival <= (uint64_t)INT64_MAX + 1) {
		if (n->a->ival) {
			l->neg = true;
			l->s = -(int64_t)(n->a->ival - 1) - 1;
		}
		return true;
	}
	return false;
}

bool fold_literal_truth(const struct node *n, bool *v)
{
	struct lit l;
	if (n->kind == N_BOOL) {
		*v = n->ival != 0;
		return true;
	}
	if (!lit_of(n, &l))
		return false;
	*v = l.neg || l.u;
	return true;
}

static struct lit lit_u(uint64_t u)
{
	return (struct lit){ .u = u };
}

static struct lit lit_s(int64_t v)
{
	return v < 0 ? (struct lit){ .neg = true, .s = v } : lit_u((uint64_t)v);
}

static void make_lit(struct node *n, struct lit v)
{
	n->b = n->c = NULL;
	if (!v.neg) {
		n->kind = N_INT;
		n->ival = v.u;
		n->a = NULL;
		return;
	}
	struct node *k = ast_new(N_INT, &n->loc);
	k->ival = (uint64_t)0 - (uint64_t)v.s;
	n->kind = N_UNOP;
	n->op = '-';
	n->a = k;
}

static void make_bool(struct node *n, bool v)
{
	n->kind = N_BOOL;
	n->ival = v;
	n->a = n->b = n->c = NULL;
}

/* Both operands >= 0: uint64 arithmetic with overflow checks. */
static enum fold_res fold_u(int op, uint64_t l, uint64_t r, struct lit *o)
{
	uint64_t v;
	switch (op) {
	case '+':
		if (__builtin_add_overflow(l, r, &v))
			return FOLD_ERR;
		break;
	case '-':
		if (l >= r) {
			v = l - r;
			break;
		}
		if (r - l - 1 > (uint64_t)INT64_MAX)
			return FOLD_ERR;
		*o = lit_s(-(int64_t)(r - l - 1) - 1);
		return FOLD_OK;
	case '*':
		if (__builtin_mul_overflow(l, r, &v))
			return FOLD_ERR;
		break;
	case '/':
	case '%':
		if (!r)
			return FOLD_ERR;
		v = op == '/' ? l / r : l % r;
		break;
	case '&': v = l & r; break;
	case '|': v = l | r; break;
	case '^': v = l ^ r; break;
	case OP_SHL: v = l << (r & 63); break;
	case OP_SHR: v = l >> (r & 63); break;
	default:
		return FOLD_NO;
	}
	*o = lit_u(v);
	return FOLD_OK;
}

/* A side is negative: int64 arithmetic (signed / % >>), overflow checks. */
static enum fold_res fold_s(int op, int64_t l, int64_t r, struct lit *o)
{
	int64_t v;
	switch (op) {
	case '+':
		if (l > 0 && r > 0) {
			*o = lit_u((uint64_t)l + (uint64_t)r);
			return FOLD_OK;
		}
		if (__builtin_add_overflow(l, r, &v))
			return FOLD_ERR;
		break;
	case '-':
		if (__builtin_sub_overflow(l, r, &v))
			return FOLD_ERR;
		break;
	case '*':
		if (l < 0 && r < 0)
			return fold_u('*', (uint64_t)-(l + 1) + 1,
				      (uint64_t)-(r + 1) + 1, o);
		if (__builtin_mul_overflow(l, r, &v))
			return FOLD_ERR;
		break;
	case '/':
		if (!r)
			return FOLD_ERR;
		if (l == INT64_MIN && r == -1) {
			*o = lit_u((uint64_t)1 << 63);
			return FOLD_OK;
		}
		v = l / r;
		break;
	case '%':
		if (!r)
			return FOLD_ERR;
		v = r == -1 ? 0 : l % r;
		break;
	case '&': v = l & r; break;
	case '|': v = l | r; break;
	case '^': v = l ^ r; break;
	case OP_SHL: v = (int64_t)((uint64_t)l << (r & 63)); break;
	case OP_SHR: v = l >> (r & 63); break;
	default:
		return FOLD_NO;
	}
	*o = lit_s(v);
	return FOLD_OK;
}

/* Folds `a op b` of two literals: FOLD_OK with *o (arithmetic) or *cmp
 * (comparisons: -1, 0, 1), FOLD_NO to leave it to run time. */
static enum fold_res fold_binop(int op, struct lit a, struct lit b,
				struct lit *o, int *cmp)
{
	if (!a.neg && !b.neg) {
		*cmp = a.u < b.u ? -1 : a.u > b.u;
		return fold_u(op, a.u, b.u, o);
	}
	if (!a.neg) {
		if (a.u > (uint64_t)INT64_MAX)
			return FOLD_NO;
		a.s = (int64_t)a.u;
	}
	if (!b.neg) {
		if (b.u > (uint64_t)INT64_MAX)
			return FOLD_NO;
		b.s = (int64_t)b.u;
	}
	*cmp = a.s < b.s ? -1 : a.s > b.s;
	return fold_s(op, a.s, b.s, o);
}

bool fold_literal_binop(struct node *n, bool *err)
{
	int op = n->op;
	bool x, y;
	*err = false;
	if (op == OP_LAND || op == OP_LOR) {
		if (!fold_literal_truth(n->a, &x) || !fold_literal_truth(n->b, &y))
			return false;
		make_bool(n, op == OP_LAND ? x && y : x || y);
		return true;
	}
	struct lit a, b, v;
	int c = 2; /* stays 2 when the operands do not compare here */
	if (!lit_of(n->a, &a) || !lit_of(n->b, &b))
		return false;
	enum fold_res r = fold_binop(op, a, b, &v, &c);
	if (is_cmp(op)) {
		if (c == 2)
			return false;
		switch (op) {
		case OP_EQ: x = c == 0; break;
		case OP_NE: x = c != 0; break;
		case '<': x = c < 0; break;
		case '>': x = c > 0; break;
		case OP_LE: x = c <= 0; break;
		default: x = c >= 0; break;
		}
		make_bool(n, x);
		return true;
	}
	if (r == FOLD_ERR)
		*err = true;
	if (r != FOLD_OK)
		return false;
	make_lit(n, v);
	return true;
}

bool fold_literal_unop(struct node *n)
{
	struct lit l;
	bool t;
	if (n->op == '!' && fold_literal_truth(n->a, &t)) {
		make_bool(n, !t);
		return true;
	}
	if (!lit_of(n->a, &l))
		return false;
	if (n->op == '-' && l.neg) {
		make_lit(n, lit_u((uint64_t)0 - (uint64_t)l.s));
		return true;
	}
	if (n->op == '~') {
		make_lit(n, lit_u(l.neg ? (uint64_t)~l.s : ~l.u));
		return true;
	}
	return false;
}
