/* ast.c — syntax tree nodes and the `-d ast` dump (ast.h).
 *
 * Takes nothing but the arena; produces nodes for the parser, kind names,
 * and a stable indented text dump (one node per line, one space of indent
 * per level) that the golden and unit tests compare. */
#include "ast.h"

#include <string.h>

#include "lexer.h"
#include "probes.h"
#include "types.h"

struct node *ast_new(enum node_kind k, const struct srcloc *loc)
{
	struct node *n = tt_alloc(sizeof(*n));
	n->kind = k;
	if (loc)
		n->loc = *loc;
	return n;
}

const char *ast_kind_name(enum node_kind k)
{
	static const char *const names[] = {
#define X(k) #k,
		AST_KINDS(X)
#undef X
	};
	if ((int)k < 0 || k >= N__COUNT)
		return "?";
	return names[k];
}

static void put_escaped(FILE *out, const char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		case '\\': fputs("\\\\", out); break;
		case '"': fputs("\\\"", out); break;
		default:
			if (c < 32 || c >= 127)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static void indent(FILE *out, int depth)
{
	for (int i = 0; i < depth; i++)
		fputc(' ', out);
}

static void dump(FILE *out, const struct node *n, int depth, bool types);

static void dump_children(FILE *out, const struct node_vec *v, int depth,
			  bool types)
{
	for (int i = 0; i < v->n; i++)
		dump(out, v->v[i], depth, types);
}

/* A label line ("Else", "Value", "Predicate") with one child under it. */
static void dump_labelled(FILE *out, const char *label, const struct node *n,
			  int depth, bool types)
{
	indent(out, depth);
	fprintf(out, "%s\n", label);
	dump(out, n, depth + 1, types);
}

/* The text of one node's line, without indent and type. */
static void head(FILE *out, const struct node *n)
{
	switch (n->kind) {
	case N_INT:
		if (n->type && n->type->kind == TY_INT && n->type->is_signed)
			fprintf(out, "Int %lld", (long long)n->ival);
		else
			fprintf(out, "Int %llu", (unsigned long long)n->ival);
		break;
	case N_STR:
		fputs("Str ", out);
		put_escaped(out, n->str, n->slen);
		break;
	case N_BOOL: fprintf(out, "Bool %s", n->ival ? "true" : "false"); break;
	case N_BUILTIN: fprintf(out, "Builtin %s", n->name); break;
	case N_VAR: fprintf(out, "Var %s", n->name); break;
	case N_MAP: fprintf(out, "Map %s", n->name); break;
	case N_POSPARAM: fprintf(out, "PosParam $%llu", (unsigned long long)n->ival); break;
	case N_POSCOUNT: fputs("PosCount $#", out); break;
	case N_CALL: fprintf(out, "Call %s", n->name); break;
	case N_BINOP: fprintf(out, "Binop %s", lex_op_str(n->op)); break;
	case N_UNOP: fprintf(out, "Unop %s", lex_op_str(n->op)); break;
	case N_INCDEC:
		fprintf(out, "IncDec %s %s", lex_op_str(n->op),
			n->is_post ? "post" : "pre");
		break;
	case N_TERNARY: fputs(n->b ? "Ternary" : "Ternary ?:", out); break;
	case N_FIELD:
		fprintf(out, "Field %s%s", n->is_arrow ? "->" : ".", n->name);
		break;
	case N_INDEX: fputs("Index", out); break;
	case N_CAST: fprintf(out, "Cast (%s)", n->ctype->text); break;
	case N_TUPLE: fputs("Tuple", out); break;
	case N_RECORD: fputs("Record", out); break;
	case N_NAMED: fprintf(out, "Named %s", n->name); break;
	case N_SIZEOF:
		fputs("Sizeof", out);
		if (n->ctype)
			fprintf(out, " %s", n->ctype->text);
		break;
	case N_OFFSETOF:
		fputs("Offsetof", out);
		if (n->ctype)
			fprintf(out, " %s", n->ctype->text);
		fprintf(out, " %s", n->name);
		break;
	case N_TYPEID: fprintf(out, "TypeId %s", n->ctype->text); break;
	case N_MAPDECL_REF: fputs("MapDeclRef", out); break;
	case N_EXPR_STMT: fputs("ExprStmt", out); break;
	case N_ASSIGN: fprintf(out, "Assign %s", lex_op_str(n->op)); break;
	case N_LET:
		fprintf(out, "Let %s", n->name);
		if (n->ctype)
			fprintf(out, " : %s", n->ctype->text);
		break;
	case N_MAPDECL:
		fprintf(out, "MapDecl %s %s %llu", n->name, n->str,
			(unsigned long long)n->ival);
		break;
	case N_IF: fputs(n->name ? "If comptime" : "If", out); break;
	case N_WHILE: fputs("While", out); break;
	case N_UNROLL: fputs("Unroll", out); break;
	case N_FOR_MAP: fprintf(out, "For %s", n->name); break;
	case N_FOR_RANGE: fprintf(out, "For %s range", n->name); break;
	case N_BREAK: fputs("Break", out); break;
	case N_CONTINUE: fputs("Continue", out); break;
	case N_RETURN: fputs("Return", out); break;
	case N_BLOCK: fputs("Block", out); break;
	case N_PROBE:
		fputs("Probe", out);
		for (int i = 0; i < n->aps.n; i++)
			fprintf(out, "%s%s", i ? ", " : " ", n->aps.v[i]->raw);
		break;
	case N_CONFIG: fputs("Config", out); break;
	case N_MACRO:
		fprintf(out, "Macro %s(", n->name);
		for (int i = 0; i < n->args.n; i++)
			fprintf(out, "%s%s", i ? ", " : "", n->args.v[i]->name);
		fputc(')', out);
		break;
	case N_CDEFN:
		fputs("CDefn ", out);
		put_escaped(out, n->str, n->slen);
		break;
	case N_IMPORT:
		fputs("Import ", out);
		put_escaped(out, n->str, n->slen);
		break;
	case N_PROGRAM: fputs("Program", out); break;
	case N__COUNT: fputs("?", out); break;
	}
}

static void dump(FILE *out, const struct node *n, int depth, bool types)
{
	if (!n)
		return;
	/* an expression statement is shown as its expression */
	if (n->kind == N_EXPR_STMT && !(types && n->type)) {
		dump(out, n->a, depth, types);
		return;
	}
	indent(out, depth);
	head(out, n);
	if (types && n->type)
		fprintf(out, " :: %s", type_name(n->type));
	fputc('\n', out);
	int d = depth + 1;
	if (n->ctype && n->ctype->expr)
		dump_labelled(out, "Typeof", n->ctype->expr, d, types);
	switch (n->kind) {
	case N_MACRO:
		dump(out, n->b, d, types);
		return;
	case N_PROBE:
		if (n->a)
			dump_labelled(out, "Predicate", n->a, d, types);
		dump(out, n->b, d, types);
		return;
	case N_IF:
		dump(out, n->a, d, types);
		dump(out, n->b, d, types);
		if (n->c)
			dump_labelled(out, "Else", n->c, d, types);
		return;
	case N_FOR_RANGE:
		dump(out, n->a, d, types);
		dump(out, n->c, d, types);
		dump(out, n->b, d, types);
		return;
	case N_BLOCK:
		dump_children(out, &n->args, d, types);
		if (n->a)
			dump_labelled(out, "Value", n->a, d, types);
		return;
	default:
		dump_children(out, &n->args, d, types);
		dump(out, n->a, d, types);
		dump(out, n->b, d, types);
		dump(out, n->c, d, types);
		return;
	}
}

void ast_dump(FILE *out, const struct node *n, bool with_types)
{
	dump(out, n, 0, with_types);
}

int ast_count(const struct node *n)
{
	if (!n)
		return 0;
	int k = 1 + ast_count(n->a) + ast_count(n->b) + ast_count(n->c);
	for (int i = 0; i < n->args.n; i++)
		k += ast_count(n->args.v[i]);
	return k;
}
