/* armprog: the user-space target of the arm64 VM tier (tests/vm/
 * tests-arm64.sh), built static for aarch64 with debug information by
 * tests/vm/run-arm64.sh.  `armprog N` calls add3(i, 2 * i, -i) and fires
 * the USDT probe armprog:step (i, -i, "step") for i = 1..N, one every 10
 * ms, then exits: uprobe arguments from x0-x2, uretprobe's retval from
 * x0, uprobe `args` from DWARF, USDT specs of aarch64's syntax.
 * `armprog spin MS` runs in user mode for MS milliseconds (usermode in
 * profile probes). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SDT
#include <sys/sdt.h>
#else
#define DTRACE_PROBE3(p, n, a, b, c) ((void)(a), (void)(b), (void)(c))
#endif

static const char word[] = "step";

__attribute__((noinline)) long add3(int a, int b, long c)
{
	__asm__ volatile("" ::: "memory");
	return a + b + c + 1000;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "spin")) {
		long end = now_ms() + atol(argv[2]);
		volatile unsigned long x = 0;
		while (now_ms() < end) /* vDSO: no system call */
			for (int i = 0; i < 100000; i++)
				x += i;
		return 0;
	}
	int n = argc > 1 ? atoi(argv[1]) : 1;
	volatile char touch = word[0]; /* map the string's page in */
	(void)touch;
	for (int i = 1; i <= n; i++) {
		long r = add3(i, 2 * i, -i);
		long neg = -i;
		DTRACE_PROBE3(armprog, step, i, neg, word);
		if (r < 0)
			return 1;
		usleep(10 * 1000);
	}
	return 0;
}
