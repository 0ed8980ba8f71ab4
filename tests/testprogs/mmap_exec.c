/* mmap_exec FILE: maps FILE executable and calls its first byte. */
#include <fcntl.h>
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
  ((int (*)(void))p)();
  return 0;
}
