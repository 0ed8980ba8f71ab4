/* fmt_actions.h — the asynchronous actions that are more than printf
 * (fmt_actions.c): time(), cat(), system(), join(), errorf(), warnf().
 * Above output.c: they format their arguments with out_printf.
 *
 * Takes: one ring buffer record of such an action (its tt_action and the
 * payload after the 8-byte action id; layouts in prog.h).
 * Produces: its text or JSON line on stdout, errors on stderr.
 * runtime.c calls fmt_action for each such record. */
#ifndef FMT_ACTIONS_H
#define FMT_ACTIONS_H

#include "prog.h"

/* The text of one action record: what goes to stdout (*out) — or, for
 * errorf/warnf, the message (then the caller adds the location).  cat's
 * file or system's command that cannot be opened/run: returns -errno and
 * *out holds the error message.  Exposed for tests; fmt_action prints. */
int fmt_action_text(struct strbuf *out, const struct tt_action *a,
		    const uint8_t *payload, size_t len,
		    const struct tt_config *cfg);
/* Carries out one ACT_TIME/CAT/SYSTEM/JOIN/ERRORF/WARNF record: text or
 * a JSON line on stdout, errors and errorf/warnf (with the script
 * location) on stderr. */
void fmt_action(const struct tt_action *a, const uint8_t *payload, size_t len,
		const struct tt_config *cfg, bool json);

#endif
