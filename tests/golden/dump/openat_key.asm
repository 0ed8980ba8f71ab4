tracepoint:syscalls:sys_enter_openat:
; tracepoint:syscalls:sys_enter_openat { $key = str(args.filename); @keymap[tid] = $key; @t[tid, $key] = nsecs; }
   0: (bf) r7 = r1
   1: (62) *(u32 *)(r10 -4) = 0
   2: (18) r1 = map[5] ll
   4: (bf) r2 = r10
   5: (07) r2 += -4
   6: (85) call map_lookup_elem#1
   7: (bf) r6 = r0
   8: (15) if r6 == 0 goto pc+54
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
  28: (63) *(u32 *)(r10 -4) = r0
  29: (18) r1 = map[0] ll
  31: (bf) r2 = r10
  32: (07) r2 += -4
  33: (bf) r3 = r6
  34: (07) r3 += 1032
  35: (b7) r4 = 0
  36: (85) call map_update_elem#2
  37: (15) if r0 == 0 goto pc+3
  38: (18) r1 = map_value[4]+0 ll
  40: (db) lock *(u64 *)(r1 +0) += r0
  41: (85) call ktime_get_boot_ns#125
  42: (bf) r7 = r0
  43: (85) call get_current_pid_tgid#14
  44: (63) *(u32 *)(r6 +0) = r0
  45: (bf) r1 = r6
  46: (07) r1 += 4
  47: (b7) r2 = 1024
  48: (bf) r3 = r6
  49: (07) r3 += 1032
  50: (85) call probe_read_kernel#113
  51: (7b) *(u64 *)(r10 -8) = r7
  52: (18) r1 = map[1] ll
  54: (bf) r2 = r6
  55: (bf) r3 = r10
  56: (07) r3 += -8
  57: (b7) r4 = 0
  58: (85) call map_update_elem#2
  59: (15) if r0 == 0 goto pc+3
  60: (18) r1 = map_value[4]+0 ll
  62: (db) lock *(u64 *)(r1 +0) += r0
  63: (b7) r0 = 0
  64: (95) exit
tracepoint:syscalls:sys_exit_openat:
   0: (b7) r8 = 0
   1: (62) *(u32 *)(r10 -4) = 0
   2: (18) r1 = map[5] ll
   4: (bf) r2 = r10
   5: (07) r2 += -4
   6: (85) call map_lookup_elem#1
   7: (bf) r6 = r0
   8: (15) if r6 == 0 goto pc+94
; tracepoint:syscalls:sys_exit_openat  { $key = @keymap[tid]; printf("before: %s\n", $key);
   9: (85) call get_current_pid_tgid#14
  10: (63) *(u32 *)(r10 -4) = r0
  11: (18) r1 = map[0] ll
  13: (bf) r2 = r10
  14: (07) r2 += -4
  15: (85) call map_lookup_elem#1
  16: (15) if r0 == 0 goto pc+6
  17: (bf) r1 = r6
  18: (07) r1 += 1032
  19: (b7) r2 = 1024
  20: (bf) r3 = r0
  21: (85) call probe_read_kernel#113
  22: (05) goto pc+5
  23: (bf) r1 = r6
  24: (07) r1 += 1032
  25: (b7) r2 = 1024
  26: (b7) r3 = 0
  27: (85) call probe_read_kernel#113
  28: (7a) *(u64 *)(r6 +0) = 1
  29: (bf) r1 = r6
  30: (07) r1 += 8
  31: (b7) r2 = 1024
  32: (bf) r3 = r6
  33: (07) r3 += 1032
  34: (85) call probe_read_kernel#113
  35: (18) r1 = map[2] ll
  37: (bf) r2 = r6
  38: (b7) r3 = 1032
  39: (b7) r4 = 0
  40: (85) call ringbuf_output#130
  41: (77) r0 >>= 63
  42: (0f) r8 += r0
; if (@t[tid, $key]) { printf("lat %d\n", nsecs - @t[tid, $key]); } printf("after: %s\n", $key); }
  43: (85) call get_current_pid_tgid#14
  44: (63) *(u32 *)(r6 +0) = r0
  45: (bf) r1 = r6
  46: (07) r1 += 4
  47: (b7) r2 = 1024
  48: (bf) r3 = r6
  49: (07) r3 += 1032
  50: (85) call probe_read_kernel#113
  51: (18) r1 = map[1] ll
  53: (bf) r2 = r6
  54: (85) call map_lookup_elem#1
  55: (b7) r1 = 0
  56: (15) if r0 == 0 goto pc+1
  57: (79) r1 = *(u64 *)(r0 +0)
  58: (15) if r1 == 0 goto pc+29
  59: (7a) *(u64 *)(r10 -16) = 2
  60: (85) call ktime_get_boot_ns#125
  61: (bf) r7 = r0
  62: (85) call get_current_pid_tgid#14
  63: (63) *(u32 *)(r6 +0) = r0
  64: (bf) r1 = r6
  65: (07) r1 += 4
  66: (b7) r2 = 1024
  67: (bf) r3 = r6
  68: (07) r3 += 1032
  69: (85) call probe_read_kernel#113
  70: (18) r1 = map[1] ll
  72: (bf) r2 = r6
  73: (85) call map_lookup_elem#1
  74: (b7) r1 = 0
  75: (15) if r0 == 0 goto pc+1
  76: (79) r1 = *(u64 *)(r0 +0)
  77: (1f) r7 -= r1
  78: (7b) *(u64 *)(r10 -8) = r7
  79: (18) r1 = map[2] ll
  81: (bf) r2 = r10
  82: (07) r2 += -16
  83: (b7) r3 = 16
  84: (b7) r4 = 0
  85: (85) call ringbuf_output#130
  86: (77) r0 >>= 63
  87: (0f) r8 += r0
  88: (7a) *(u64 *)(r6 +0) = 3
  89: (bf) r1 = r6
  90: (07) r1 += 8
  91: (b7) r2 = 1024
  92: (bf) r3 = r6
  93: (07) r3 += 1032
  94: (85) call probe_read_kernel#113
  95: (18) r1 = map[2] ll
  97: (bf) r2 = r6
  98: (b7) r3 = 1032
  99: (b7) r4 = 0
 100: (85) call ringbuf_output#130
 101: (77) r0 >>= 63
 102: (0f) r8 += r0
 103: (15) if r8 == 0 goto pc+3
 104: (18) r1 = map_value[3]+0 ll
 106: (db) lock *(u64 *)(r1 +0) += r8
 107: (b7) r0 = 0
 108: (95) exit
