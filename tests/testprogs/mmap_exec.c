/* mmap_exec FILE [OFFSET]: maps FILE executable and calls its byte at
 * OFFSET (default 0; decimal or 0x hex): code of a file that is not an
 * executable, such as a function of a program stored in a ZIP archive. */
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  struct stat st;
  void *p;
  int fd;

  if (argc < 2) {
    fprintf(stderr, "usage: mmap_exec FILE\n");
    return 1;
  }
  fd = open(argv[1], O_RDONLY);
  if (fd < 0 || fstat(fd, &st) != 0) {
    perror("mmap_exec");
    return 1;
  }
  p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd,
           0);
  if (p == MAP_FAILED) {
    perror("mmap_exec: mmap");
    return 1;
  }
  ((int (*)(void))((char *)p + (argc > 2 ? strtoul(argv[2], NULL, 0)
                                          : 0)))();
  return 0;
}
