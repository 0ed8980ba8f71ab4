tracepoint:syscalls:sys_enter_openat:
; tracepoint:syscalls:sys_enter_openat { $key = str(args.filename); @keymap[tid] = $key; @t[tid, $key] = nsecs; }
   0: (bf) r9 = r1
   1: (85) call get_current_pid_tgid#14
   2: (bf) r6 = r0
   3: (b7) r8 = 0
   4: (62) *(u32 *)(r10 -4) = 0
   5: (18) r1 = map[5] ll
   7: (bf) r2 = r10
   8: (07) r2 += -4
   9: (85) call map_lookup_elem#1
  10: (bf) r7 = r0
  11: (15) if r7 == 0 goto pc+46
  12: (79) r9 = *(u64 *)(r9 +24)
  13: (bf) r1 = r7
  14: (07) r1 += 1032
  15: (b7) r2 = 1024
  16: (b7) r3 = 0
  17: (85) call probe_read_kernel#113
  18: (bf) r1 = r7
  19: (07) r1 += 1032
  20: (b7) r2 = 1024
  21: (bf) r3 = r9
  22: (85) call probe_read_user_str#114
  23: (55) if r0 != 1024 goto pc+6
  24: (07) r9 += 1023
  25: (bf) r1 = r7
  26: (07) r1 += 2055
  27: (b7) r2 = 1
  28: (bf) r3 = r9
  29: (85) call probe_read_user#112
  30: (63) *(u32 *)(r10 -4) = r6
  31: (18) r1 = map[0] ll
  33: (bf) r2 = r10
  34: (07) r2 += -4
  35: (bf) r3 = r7
  36: (07) r3 += 1032
  37: (b7) r4 = 0
  38: (85) call map_update_elem#2
  39: (4f) r8 |= r0
  40: (85) call ktime_get_boot_ns#125
  41: (bf) r9 = r0
  42: (63) *(u32 *)(r7 +0) = r6
  43: (bf) r1 = r7
  44: (07) r1 += 4
  45: (b7) r2 = 1024
  46: (bf) r3 = r7
  47: (07) r3 += 1032
  48: (85) call probe_read_kernel#113
  49: (7b) *(u64 *)(r10 -8) = r9
  50: (18) r1 = map[1] ll
  52: (bf) r2 = r7
  53: (bf) r3 = r10
  54: (07) r3 += -8
  55: (b7) r4 = 0
  56: (85) call map_update_elem#2
  57: (4f) r8 |= r0
  58: (15) if r8 == 0 goto pc+3
  59: (18) r1 = map_value[4]+0 ll
  61: (db) lock *(u64 *)(r1 +0) += r8
  62: (b7) r0 = 0
  63: (95) exit
tracepoint:syscalls:sys_exit_openat:
   0: (85) call get_current_pid_tgid#14
   1: (bf) r6 = r0
   2: (b7) r8 = 0
   3: (62) *(u32 *)(r10 -4) = 0
   4: (18) r1 = map[5] ll
   6: (bf) r2 = r10
   7: (07) r2 += -4
   8: (85) call map_lookup_elem#1
   9: (bf) r7 = r0
  10: (15) if r7 == 0 goto pc+91
; tracepoint:syscalls:sys_exit_openat  { $key = @keymap[tid]; printf("before: %s\n", $key);
  11: (63) *(u32 *)(r10 -4) = r6
  12: (18) r1 = map[0] ll
  14: (bf) r2 = r10
  15: (07) r2 += -4
  16: (85) call map_lookup_elem#1
  17: (15) if r0 == 0 goto pc+6
  18: (bf) r1 = r7
  19: (07) r1 += 1040
  20: (b7) r2 = 1024
  21: (bf) r3 = r0
  22: (85) call probe_read_kernel#113
  23: (05) goto pc+5
  24: (bf) r1 = r7
  25: (07) r1 += 1040
  26: (b7) r2 = 1024
  27: (b7) r3 = 0
  28: (85) call probe_read_kernel#113
  29: (7a) *(u64 *)(r7 +0) = 1
  30: (bf) r1 = r7
  31: (07) r1 += 8
  32: (b7) r2 = 1024
  33: (bf) r3 = r7
  34: (07) r3 += 1040
  35: (85) call probe_read_kernel#113
  36: (18) r1 = map[2] ll
  38: (bf) r2 = r7
  39: (b7) r3 = 1032
  40: (b7) r4 = 0
  41: (85) call ringbuf_output#130
  42: (77) r0 >>= 63
  43: (0f) r8 += r0
; if (@t[tid, $key]) { printf("lat %d\n", nsecs - @t[tid, $key]); } printf("after: %s\n", $key); }
  44: (63) *(u32 *)(r7 +0) = r6
  45: (bf) r1 = r7
  46: (07) r1 += 4
  47: (b7) r2 = 1024
  48: (bf) r3 = r7
  49: (07) r3 += 1040
  50: (85) call probe_read_kernel#113
  51: (18) r1 = map[1] ll
  53: (bf) r2 = r7
  54: (85) call map_lookup_elem#1
  55: (b7) r1 = 0
  56: (15) if r0 == 0 goto pc+1
  57: (79) r1 = *(u64 *)(r0 +0)
  58: (15) if r1 == 0 goto pc+28
  59: (7a) *(u64 *)(r10 -16) = 2
  60: (85) call ktime_get_boot_ns#125
  61: (bf) r9 = r0
  62: (63) *(u32 *)(r7 +0) = r6
  63: (bf) r1 = r7
  64: (07) r1 += 4
  65: (b7) r2 = 1024
  66: (bf) r3 = r7
  67: (07) r3 += 1040
  68: (85) call probe_read_kernel#113
  69: (18) r1 = map[1] ll
  71: (bf) r2 = r7
  72: (85) call map_lookup_elem#1
  73: (b7) r1 = 0
  74: (15) if r0 == 0 goto pc+1
  75: (79) r1 = *(u64 *)(r0 +0)
  76: (1f) r9 -= r1
  77: (7b) *(u64 *)(r10 -8) = r9
  78: (18) r1 = map[2] ll
  80: (bf) r2 = r10
  81: (07) r2 += -16
  82: (b7) r3 = 16
  83: (b7) r4 = 0
  84: (85) call ringbuf_output#130
  85: (77) r0 >>= 63
  86: (0f) r8 += r0
  87: (7a) *(u64 *)(r7 +0) = 3
  88: (bf) r1 = r7
  89: (07) r1 += 8
  90: (b7) r2 = 1024
  91: (bf) r3 = r7
  92: (07) r3 += 1040
  93: (85) call probe_read_kernel#113
  94: (18) r1 = map[2] ll
  96: (bf) r2 = r7
  97: (b7) r3 = 1032
  98: (b7) r4 = 0
  99: (85) call ringbuf_output#130
 100: (77) r0 >>= 63
 101: (0f) r8 += r0
 102: (15) if r8 == 0 goto pc+3
 103: (18) r1 = map_value[3]+0 ll
 105: (db) lock *(u64 *)(r1 +0) += r8
 106: (b7) r0 = 0
 107: (95) exit
