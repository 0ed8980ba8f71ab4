/* true: exits 0 (an execve target; tests check its argv). */
int main(void)
{
  return 0;
}
