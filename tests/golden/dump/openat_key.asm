tracepoint:syscalls:sys_enter_openat:
; tracepoint:syscalls:sys_enter_openat { $key = str(args.filename); @keymap[tid] = $key; @t[tid, $key] = nsecs; }
   0: (bf) r7 = r1
   1: (62) *(u32 *)(r10 -4) = 0
   2: (18) r1 = map[5] ll
   4: (bf) r2 = r10
   5: (07) r2 += -4
   6: (85) call map_lookup_elem#1
   7: (bf) r6 = r0
   8: (15) if r6 == 0 goto pc+56
   9: (79) r7 = *(u64 *)(r7 +24)
  10: (bf) r1 = r6
  11: (07) r1 += 1032
  12: (b7) r2 = 1024
  13: (b7) r3 = 0
  14: (85) call probe_read_kernel#113
  15: (bf) r1 = r6
  16: (07) r1 += 1032
  17: (b7) r2 = 1024
  18: (bf) r3 = r7
  19: (85) call probe_read_user_str#114
  20: (55) if r0 != 1024 goto pc+6
  21: (07) r7 += 1023
  22: (bf) r1 = r6
  23: (07) r1 += 2055
  24: (b7) r2 = 1
  25: (bf) r3 = r7
  26: (85) call probe_read_user#112
  27: (85) call get_current_pid_tgid#14
  28: (bc) w1 = w0
  29: (63) *(u32 *)(r10 -4) = r1
  30: (18) r1 = map[0] ll
  32: (bf) r2 = r10
  33: (07) r2 += -4
  34: (bf) r3 = r6
  35: (07) r3 += 1032
  36: (b7) r4 = 0
  37: (85) call map_update_elem#2
  38: (15) if r0 == 0 goto pc+3
  39: (18) r1 = map_value[4]+0 ll
  41: (db) lock *(u64 *)(r1 +0) += r0
  42: (85) call ktime_get_boot_ns#125
  43: (bf) r7 = r0
  44: (85) call get_current_pid_tgid#14
  45: (bc) w1 = w0
  46: (63) *(u32 *)(r6 +0) = r1
  47: (bf) r1 = r6
  48: (07) r1 += 4
  49: (b7) r2 = 1024
  50: (bf) r3 = r6
  51: (07) r3 += 1032
  52: (85) call probe_read_kernel#113
  53: (7b) *(u64 *)(r10 -8) = r7
  54: (18) r1 = map[1] ll
  56: (bf) r2 = r6
  57: (bf) r3 = r10
  58: (07) r3 += -8
  59: (b7) r4 = 0
  60: (85) call map_update_elem#2
  61: (15) if r0 == 0 goto pc+3
  62: (18) r1 = map_value[4]+0 ll
  64: (db) lock *(u64 *)(r1 +0) += r0
  65: (b7) r0 = 0
  66: (95) exit
tracepoint:syscalls:sys_exit_openat:
   0: (b7) r8 = 0
   1: (62) *(u32 *)(r10 -4) = 0
   2: (18) r1 = map[5] ll
   4: (bf) r2 = r10
   5: (07) r2 += -4
   6: (85) call map_lookup_elem#1
   7: (bf) r6 = r0
   8: (15) if r6 == 0 goto pc+97
; tracepoint:syscalls:sys_exit_openat  { $key = @keymap[tid]; printf("before: %s\n", $key);
   9: (85) call get_current_pid_tgid#14
  10: (bc) w1 = w0
  11: (63) *(u32 *)(r10 -4) = r1
  12: (18) r1 = map[0] ll
  14: (bf) r2 = r10
  15: (07) r2 += -4
  16: (85) call map_lookup_elem#1
  17: (15) if r0 == 0 goto pc+6
  18: (bf) r1 = r6
  19: (07) r1 += 1032
  20: (b7) r2 = 1024
  21: (bf) r3 = r0
  22: (85) call probe_read_kernel#113
  23: (05) goto pc+5
  24: (bf) r1 = r6
  25: (07) r1 += 1032
  26: (b7) r2 = 1024
  27: (b7) r3 = 0
  28: (85) call probe_read_kernel#113
  29: (7a) *(u64 *)(r6 +0) = 1
  30: (bf) r1 = r6
  31: (07) r1 += 8
  32: (b7) r2 = 1024
  33: (bf) r3 = r6
  34: (07) r3 += 1032
  35: (85) call probe_read_kernel#113
  36: (18) r1 = map[2] ll
  38: (bf) r2 = r6
  39: (b7) r3 = 1032
  40: (b7) r4 = 0
  41: (85) call ringbuf_output#130
  42: (77) r0 >>= 63
  43: (0f) r8 += r0
; if (@t[tid, $key]) { printf("lat %d\n", nsecs - @t[tid, $key]); } printf("after: %s\n", $key); }
  44: (85) call get_current_pid_tgid#14
  45: (bc) w1 = w0
  46: (63) *(u32 *)(r6 +0) = r1
  47: (bf) r1 = r6
  48: (07) r1 += 4
  49: (b7) r2 = 1024
  50: (bf) r3 = r6
  51: (07) r3 += 1032
  52: (85) call probe_read_kernel#113
  53: (18) r1 = map[1] ll
  55: (bf) r2 = r6
  56: (85) call map_lookup_elem#1
  57: (b7) r1 = 0
  58: (15) if r0 == 0 goto pc+1
  59: (79) r1 = *(u64 *)(r0 +0)
  60: (15) if r1 == 0 goto pc+30
  61: (7a) *(u64 *)(r10 -16) = 2
  62: (85) call ktime_get_boot_ns#125
  63: (bf) r7 = r0
  64: (85) call get_current_pid_tgid#14
  65: (bc) w1 = w0
  66: (63) *(u32 *)(r6 +0) = r1
  67: (bf) r1 = r6
  68: (07) r1 += 4
  69: (b7) r2 = 1024
  70: (bf) r3 = r6
  71: (07) r3 += 1032
  72: (85) call probe_read_kernel#113
  73: (18) r1 = map[1] ll
  75: (bf) r2 = r6
  76: (85) call map_lookup_elem#1
  77: (b7) r1 = 0
  78: (15) if r0 == 0 goto pc+1
  79: (79) r1 = *(u64 *)(r0 +0)
  80: (1f) r7 -= r1
  81: (7b) *(u64 *)(r10 -8) = r7
  82: (18) r1 = map[2] ll
  84: (bf) r2 = r10
  85: (07) r2 += -16
  86: (b7) r3 = 16
  87: (b7) r4 = 0
  88: (85) call ringbuf_output#130
  89: (77) r0 >>= 63
  90: (0f) r8 += r0
  91: (7a) *(u64 *)(r6 +0) = 3
  92: (bf) r1 = r6
  93: (07) r1 += 8
  94: (b7) r2 = 1024
  95: (bf) r3 = r6
  96: (07) r3 += 1032
  97: (85) call probe_read_kernel#113
  98: (18) r1 = map[2] ll
 100: (bf) r2 = r6
 101: (b7) r3 = 1032
 102: (b7) r4 = 0
 103: (85) call ringbuf_output#130
 104: (77) r0 >>= 63
 105: (0f) r8 += r0
 106: (15) if r8 == 0 goto pc+3
 107: (18) r1 = map_value[3]+0 ll
 109: (db) lock *(u64 *)(r1 +0) += r8
 110: (b7) r0 = 0
 111: (95) exit
