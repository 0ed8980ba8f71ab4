/* usdt.h — USDT probe arguments: the argument specs of a usdt attach
 * point's locations (from .note.stapsdt, see elf_syms.h) -> IR that reads
 * arg0..argN.
 *
 * The spec is known at compile time, so each argument becomes a direct
 * read: a constant, a pt_regs field (the register's bytes), or a
 * probe_read_user of a memory operand (base + displacement + index *
 * scale, or %rip-relative), then sign- or zero-extended from the spec's
 * size to 64 bits.  When the locations of one probe disagree about an
 * argument, the program reads bpf_get_attach_cookie() (attach_uprobe.c sets it
 * to the location's index) and branches to that location's read. */
#ifndef USDT_H
#define USDT_H

#include "irb.h"

struct attach_point;

/* Emits the read of argument idx of the current (usdt) attach point; n is
 * the argN node (its location is used for messages and -d asm). */
struct irval usdt_lower_arg(struct irb *b, struct node *n, int idx);

#endif
