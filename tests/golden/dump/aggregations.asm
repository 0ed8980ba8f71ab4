tracepoint:sched:sched_switch:
; tracepoint:sched:sched_switch /args.prev_pid != 0/ {
   0: (bf) r6 = r1
   1: (18) r1 = map_value[6]+0 ll
   3: (79) r1 = *(u64 *)(r1 +0)
   4: (55) if r1 != 0 goto pc+4
   5: (61) r1 = *(u32 *)(r6 +24)
   6: (67) r1 <<= 32
   7: (c7) r1 s>>= 32
   8: (55) if r1 != 0 goto pc+2
   9: (b7) r0 = 0
  10: (95) exit
; @c[args.prev_comm] = count();
  11: (bf) r3 = r6
  12: (07) r3 += 8
  13: (bf) r1 = r10
  14: (07) r1 += -16
  15: (b7) r2 = 16
  16: (85) call probe_read_kernel#113
  17: (18) r1 = map[0] ll
  19: (bf) r2 = r10
  20: (07) r2 += -16
  21: (85) call map_lookup_elem#1
  22: (15) if r0 == 0 goto pc+4
  23: (79) r1 = *(u64 *)(r0 +0)
  24: (07) r1 += 1
  25: (7b) *(u64 *)(r0 +0) = r1
  26: (05) goto pc+10
  27: (7a) *(u64 *)(r10 -24) = 1
  28: (18) r1 = map[0] ll
  30: (bf) r2 = r10
  31: (07) r2 += -16
  32: (bf) r3 = r10
  33: (07) r3 += -24
  34: (b7) r4 = 0
  35: (85) call map_update_elem#2
  36: (55) if r0 != 0 goto pc+122
; @h = hist(args.prev_state);
  37: (79) r1 = *(u64 *)(r6 +32)
  38: (b7) r3 = 0
  39: (c5) if r1 s< 0 goto pc+36
  40: (bf) r3 = r1
  41: (07) r3 += 1
  42: (c5) if r1 s< 2 goto pc+33
  43: (18) r3 = 0xffffffff ll
  45: (1f) r3 -= r1
  46: (77) r3 >>= 63
  47: (67) r3 <<= 5
  48: (7f) r1 >>= r3
  49: (b7) r2 = 65535
  50: (1f) r2 -= r1
  51: (77) r2 >>= 63
  52: (67) r2 <<= 4
  53: (7f) r1 >>= r2
  54: (4f) r3 |= r2
  55: (b7) r2 = 255
  56: (1f) r2 -= r1
  57: (77) r2 >>= 63
  58: (67) r2 <<= 3
  59: (7f) r1 >>= r2
  60: (4f) r3 |= r2
  61: (b7) r2 = 15
  62: (1f) r2 -= r1
  63: (77) r2 >>= 63
  64: (67) r2 <<= 2
  65: (7f) r1 >>= r2
  66: (4f) r3 |= r2
  67: (b7) r2 = 3
  68: (1f) r2 -= r1
  69: (77) r2 >>= 63
  70: (67) r2 <<= 1
  71: (7f) r1 >>= r2
  72: (4f) r3 |= r2
  73: (77) r1 >>= 1
  74: (4f) r3 |= r1
  75: (07) r3 += 2
  76: (7b) *(u64 *)(r10 -8) = r3
  77: (18) r1 = map[1] ll
  79: (bf) r2 = r10
  80: (07) r2 += -8
  81: (85) call map_lookup_elem#1
  82: (15) if r0 == 0 goto pc+4
  83: (79) r1 = *(u64 *)(r0 +0)
  84: (07) r1 += 1
  85: (7b) *(u64 *)(r0 +0) = r1
  86: (05) goto pc+9
  87: (7a) *(u64 *)(r10 -16) = 1
  88: (18) r1 = map[1] ll
  90: (bf) r2 = r10
  91: (07) r2 += -8
  92: (bf) r3 = r10
  93: (07) r3 += -16
  94: (b7) r4 = 0
  95: (85) call map_update_elem#2
; @l = lhist(args.next_prio, 0, 140, 10);
  96: (61) r1 = *(u32 *)(r6 +60)
  97: (67) r1 <<= 32
  98: (c7) r1 s>>= 32
  99: (b7) r2 = 0
 100: (c5) if r1 s< 0 goto pc+5
 101: (b7) r2 = 15
 102: (65) if r1 s> 140 goto pc+3
 103: (37) r1 /= 10
 104: (bf) r2 = r1
 105: (07) r2 += 1
 106: (7b) *(u64 *)(r10 -8) = r2
 107: (18) r1 = map[2] ll
 109: (bf) r2 = r10
 110: (07) r2 += -8
 111: (85) call map_lookup_elem#1
 112: (15) if r0 == 0 goto pc+4
 113: (79) r1 = *(u64 *)(r0 +0)
 114: (07) r1 += 1
 115: (7b) *(u64 *)(r0 +0) = r1
 116: (05) goto pc+9
 117: (7a) *(u64 *)(r10 -16) = 1
 118: (18) r1 = map[2] ll
 120: (bf) r2 = r10
 121: (07) r2 += -8
 122: (bf) r3 = r10
 123: (07) r3 += -16
 124: (b7) r4 = 0
 125: (85) call map_update_elem#2
; @s[cpu] = stats(args.prev_prio);
 126: (61) r6 = *(u32 *)(r6 +28)
 127: (67) r6 <<= 32
 128: (c7) r6 s>>= 32
 129: (85) call get_smp_processor_id#8
 130: (63) *(u32 *)(r10 -20) = r0
 131: (18) r1 = map[3] ll
 133: (bf) r2 = r10
 134: (07) r2 += -20
 135: (85) call map_lookup_elem#1
 136: (15) if r0 == 0 goto pc+7
 137: (79) r1 = *(u64 *)(r0 +0)
 138: (0f) r1 += r6
 139: (7b) *(u64 *)(r0 +0) = r1
 140: (79) r1 = *(u64 *)(r0 +8)
 141: (07) r1 += 1
 142: (7b) *(u64 *)(r0 +8) = r1
 143: (05) goto pc-135
 144: (7b) *(u64 *)(r10 -16) = r6
 145: (7a) *(u64 *)(r10 -8) = 1
 146: (18) r1 = map[3] ll
 148: (bf) r2 = r10
 149: (07) r2 += -20
 150: (bf) r3 = r10
 151: (07) r3 += -16
 152: (b7) r4 = 0
 153: (85) call map_update_elem#2
 154: (15) if r0 == 0 goto pc-146
 155: (18) r1 = map_value[7]+0 ll
 157: (db) lock *(u64 *)(r1 +0) += r0
 158: (05) goto pc-150
; @c[args.prev_comm] = count();
 159: (18) r1 = map_value[7]+0 ll
 161: (db) lock *(u64 *)(r1 +0) += r0
 162: (05) goto pc-126
interval:s:1:
   0: (b7) r6 = 0
   1: (18) r1 = map_value[6]+0 ll
   3: (79) r1 = *(u64 *)(r1 +0)
   4: (55) if r1 != 0 goto pc+34
; interval:s:1 { print(@c); clear(@h); exit(); }
   5: (7a) *(u64 *)(r10 -8) = 1
   6: (18) r1 = map[4] ll
   8: (bf) r2 = r10
   9: (07) r2 += -8
  10: (b7) r3 = 8
  11: (b7) r4 = 0
  12: (85) call ringbuf_output#130
  13: (77) r0 >>= 63
  14: (0f) r6 += r0
  15: (7a) *(u64 *)(r10 -8) = 2
  16: (18) r1 = map[4] ll
  18: (bf) r2 = r10
  19: (07) r2 += -8
  20: (b7) r3 = 8
  21: (b7) r4 = 0
  22: (85) call ringbuf_output#130
  23: (77) r0 >>= 63
  24: (0f) r6 += r0
  25: (7a) *(u64 *)(r10 -8) = 3
  26: (18) r1 = map[4] ll
  28: (bf) r2 = r10
  29: (07) r2 += -8
  30: (b7) r3 = 8
  31: (b7) r4 = 0
  32: (85) call ringbuf_output#130
  33: (77) r0 >>= 63
  34: (0f) r6 += r0
  35: (18) r1 = map_value[6]+0 ll
  37: (7a) *(u64 *)(r1 +8) = 0
  38: (7a) *(u64 *)(r1 +0) = 1
  39: (15) if r6 == 0 goto pc+3
  40: (18) r1 = map_value[5]+0 ll
  42: (db) lock *(u64 *)(r1 +0) += r6
  43: (b7) r0 = 0
  44: (95) exit
