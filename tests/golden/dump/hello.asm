begin:
; BEGIN { printf("hello %d\n", 1 + 2); exit(); }
   0: (7a) *(u64 *)(r10 -8) = 0
   1: (18) r1 = map[0] ll
   3: (bf) r2 = r10
   4: (07) r2 += -8
   5: (b7) r3 = 8
   6: (b7) r4 = 0
   7: (85) call ringbuf_output#130
   8: (bf) r6 = r0
   9: (77) r6 >>= 63
  10: (7a) *(u64 *)(r10 -8) = 1
  11: (18) r1 = map[0] ll
  13: (bf) r2 = r10
  14: (07) r2 += -8
  15: (b7) r3 = 8
  16: (b7) r4 = 0
  17: (85) call ringbuf_output#130
  18: (77) r0 >>= 63
  19: (0f) r6 += r0
  20: (18) r1 = map_value[2]+0 ll
  22: (7a) *(u64 *)(r1 +8) = 0
  23: (7a) *(u64 *)(r1 +0) = 1
  24: (15) if r6 == 0 goto pc+3
  25: (18) r1 = map_value[1]+0 ll
  27: (db) lock *(u64 *)(r1 +0) += r6
  28: (b7) r0 = 0
  29: (95) exit
