/* usdt_args: runs once, firing 40 probes of provider usdt_args, each with
 * one argument derived from 0xf7f6f5f4f3f2f1f0 cast to uint64, int64,
 * uint32, int32, uint16, int16, uint8, int8 (in that order within a
 * group).  Groups: const_* (the argument is an immediate, `8@$...`),
 * reg_* (in a register, `4@%eax`), addr_* (a memory operand, base
 * register + displacement, `-4@-80(%rsp)`), rip_* (globals,
 * `8@g_u64(%rip)`), index_* (base + index * scale, `8@-16(%rbp,%rdi,8)`). */
/* the register group wants registers the optimiser picks (%r9d, %dil, ...):
   built -O1 whatever the helpers' flags */
#pragma GCC optimize("O1")
#include <stdint.h>
#include <sys/sdt.h>

#define VAL 0xf7f6f5f4f3f2f1f0ull

#define FIRE(group, u64, s64, u32, s32, u16, s16, u8, s8)              \
  do {                                                                 \
    STAP_PROBE1(usdt_args, group##_u64, u64);                          \
    STAP_PROBE1(usdt_args, group##_64, s64);                           \
    STAP_PROBE1(usdt_args, group##_u32, u32);                          \
    STAP_PROBE1(usdt_args, group##_32, s32);                           \
    STAP_PROBE1(usdt_args, group##_u16, u16);                          \
    STAP_PROBE1(usdt_args, group##_16, s16);                           \
    STAP_PROBE1(usdt_args, group##_u8, u8);                            \
    STAP_PROBE1(usdt_args, group##_8, s8);                             \
  } while (0)

/* the operand constraint sdt.h gives each argument, per group */
#undef STAP_SDT_ARG_CONSTRAINT
#define STAP_SDT_ARG_CONSTRAINT n
__attribute__((noinline)) static void consts(void)
{
  FIRE(const, (uint64_t)VAL, (int64_t)VAL, (uint32_t)VAL, (int32_t)VAL,
       (uint16_t)VAL, (int16_t)VAL, (uint8_t)VAL, (int8_t)VAL);
}

#undef STAP_SDT_ARG_CONSTRAINT
#define STAP_SDT_ARG_CONSTRAINT r
__attribute__((noinline)) static void regs(void)
{
  uint64_t u64 = VAL;
  int64_t s64 = (int64_t)VAL;
  uint32_t u32 = (uint32_t)VAL;
  int32_t s32 = (int32_t)VAL;
  uint16_t u16 = (uint16_t)VAL;
  int16_t s16 = (int16_t)VAL;
  uint8_t u8 = (uint8_t)VAL;
  int8_t s8 = (int8_t)VAL;

  /* opaque to the optimiser: the values come from registers */
  __asm__ volatile("" : "+r"(u64), "+r"(s64), "+r"(u32), "+r"(s32));
  __asm__ volatile("" : "+r"(u16), "+r"(s16), "+q"(u8), "+q"(s8));
  FIRE(reg, u64, s64, u32, s32, u16, s16, u8, s8);
}

#undef STAP_SDT_ARG_CONSTRAINT
#define STAP_SDT_ARG_CONSTRAINT m
__attribute__((noinline)) static void addrs(void)
{
  volatile uint64_t u64 = VAL;
  volatile int64_t s64 = (int64_t)VAL;
  volatile uint32_t u32 = (uint32_t)VAL;
  volatile int32_t s32 = (int32_t)VAL;
  volatile uint16_t u16 = (uint16_t)VAL;
  volatile int16_t s16 = (int16_t)VAL;
  volatile uint8_t u8 = (uint8_t)VAL;
  volatile int8_t s8 = (int8_t)VAL;

  FIRE(addr, u64, s64, u32, s32, u16, s16, u8, s8);
}

/* %rip-relative: globals */
volatile uint64_t g_u64 = VAL;
volatile int64_t g_s64 = (int64_t)VAL;
volatile uint32_t g_u32 = (uint32_t)VAL;
volatile int32_t g_s32 = (int32_t)VAL;
volatile uint16_t g_u16 = (uint16_t)VAL;
volatile int16_t g_s16 = (int16_t)VAL;
volatile uint8_t g_u8 = (uint8_t)VAL;
volatile int8_t g_s8 = (int8_t)VAL;

__attribute__((noinline)) static void globals(void)
{
  FIRE(rip, g_u64, g_s64, g_u32, g_s32, g_u16, g_s16, g_u8, g_s8);
}

/* base + index * scale: one slot of arrays indexed by a register */
__attribute__((noinline)) static void indexes(long i)
{
  volatile uint64_t u64[2] = { 0, VAL };
  volatile int64_t s64[2] = { 0, (int64_t)VAL };
  volatile uint32_t u32[2] = { 0, (uint32_t)VAL };
  volatile int32_t s32[2] = { 0, (int32_t)VAL };
  volatile uint16_t u16[2] = { 0, (uint16_t)VAL };
  volatile int16_t s16[2] = { 0, (int16_t)VAL };
  volatile uint8_t u8[2] = { 0, (uint8_t)VAL };
  volatile int8_t s8[2] = { 0, (int8_t)VAL };

  FIRE(index, u64[i], s64[i], u32[i], s32[i], u16[i], s16[i], u8[i],
       s8[i]);
}

int main(int argc, char **argv)
{
  (void)argv;
  consts();
  regs();
  addrs();
  globals();
  indexes(argc); /* 1 */
  return 0;
}
