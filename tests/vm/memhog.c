/* memhog MB: writes MB megabytes of anonymous memory page by page, then
 * reads every page back.  In a memory cgroup whose memory.max is below MB
 * the kernel swaps the pages out and in again (swapin.bt in tests/vm/
 * tools.sh) or, with no swap, kills it (oomkill.bt).  Exit status 0 when
 * every page read back holds what was written. */
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t len = (argc > 1 ? strtoul(argv[1], NULL, 10) : 32) << 20;
	size_t i;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	for (i = 0; i < len; i += 4096)
		p[i] = (char)((i >> 12) | 1);
	for (i = 0; i < len; i += 4096)
		if (p[i] != (char)((i >> 12) | 1))
			return 2;
	return 0;
}
