/* fuzz_compile.c — a libFuzzer target for the whole compiler: the input is
 * a script, run through parse -> import -> macro -> sema -> ir_build ->
 * back end exactly as `tinytrace --dry-run` does (nothing is loaded into
 * the kernel).  A crash, a sanitizer report or a hang is a bug; an input
 * the compiler rejects with diagnostics is fine.
 *
 * Build and run: see README in this directory (tests/fuzz/build.sh). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	struct source src = { "fuzz.bt", text, size };
	struct driver_opts o = { .src = &src };
	config_defaults(&o.cfg);
	o.cfg.dry_run = true;
	diag_set_stream(devnull);
	diag_reset();
	driver_run(&o);
	diag_set_stream(NULL);
	free(text);
	return 0;
}
