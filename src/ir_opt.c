/* ir_opt.c — IR clean-up passes (constant folding, dead code, CFG
 * clean-up).  For now: nothing; the back end accepts unoptimised IR.
 * requires: ir_check() clean.  keeps it clean. */
#include "ir.h"

void ir_optimize(struct ir_func *f)
{
	(void)f;
}
