/* parser.h — tokens -> AST, hand-written recursive descent with precedence
 * climbing for expressions.  Every grammar rule is in a comment above its
 * function.  Syntax errors are reported with diag_error (file:line:col, the
 * line, an underline) and parsing stops at the first one. */
#ifndef PARSER_H
#define PARSER_H

#include "ast.h"

/* Parse a whole script.  Returns the N_PROGRAM node, or NULL after
 * reporting a syntax error. */
struct node *parse_program(const struct source *src);
/* Parse a single expression (tests, macros). NULL on error. */
struct node *parse_expr_string(const struct source *src);

#endif
