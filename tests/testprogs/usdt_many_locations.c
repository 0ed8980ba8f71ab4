/* usdt_many_locations: tt:site at 64 places, each passing its own index
 * twice: once read from memory (arg0, the same operand everywhere) and
 * once as an immediate (arg1, different at each place), so a tracer must
 * tell the places apart (by the perf event's cookie) to read arg1 right.
 * Runs every place once, then exits. */
#include <sys/sdt.h>

static volatile long v;

#define S(a, b)                                                               \
	v = (a) * 8 + (b);                                                     \
	DTRACE_PROBE2(tt, site, v, (a) * 8 + (b));
#define ROW(a) S(a, 0) S(a, 1) S(a, 2) S(a, 3) S(a, 4) S(a, 5) S(a, 6) S(a, 7)

int main(void)
{
	ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5) ROW(6) ROW(7)
	return 0;
}
