begin:
; BEGIN { printf("hello %d\n", 1 + 2); exit(); }
   0: (7a) *(u64 *)(r10 -16) = 0
   1: (72) *(u8 *)(r10 -8) = 3
   2: (18) r1 = map[0] ll
   4: (bf) r2 = r10
   5: (07) r2 += -16
   6: (b7) r3 = 9
   7: (b7) r4 = 0
   8: (85) call ringbuf_output#130
   9: (bf) r6 = r0
  10: (77) r6 >>= 63
  11: (7a) *(u64 *)(r10 -8) = 1
  12: (18) r1 = map[0] ll
  14: (bf) r2 = r10
  15: (07) r2 += -8
  16: (b7) r3 = 8
  17: (b7) r4 = 0
  18: (85) call ringbuf_output#130
  19: (77) r0 >>= 63
  20: (0f) r6 += r0
  21: (18) r1 = map_value[2]+0 ll
  23: (7a) *(u64 *)(r1 +8) = 0
  24: (7a) *(u64 *)(r1 +0) = 1
  25: (15) if r6 == 0 goto pc+3
  26: (18) r1 = map_value[1]+0 ll
  28: (db) lock *(u64 *)(r1 +0) += r6
  29: (b7) r0 = 0
  30: (95) exit
