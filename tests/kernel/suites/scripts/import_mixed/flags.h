#define FLAG_A 0x10
#define FLAG_B (FLAG_A << 2)
struct flagged { uint8_t f; uint64_t when; };
