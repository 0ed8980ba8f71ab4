/* types.h — the type system shared by sema, ir_build and output.
 *
 * Storage layout (the contract between the BPF side and userspace output):
 *  - TY_INT: `size` bytes (1, 2, 4, 8), little-endian, signed if is_signed.
 *    Map values of integer type are always 8 bytes (sema widens them).
 *  - TY_BOOL: 1 byte 0/1.
 *  - TY_STR: `size` bytes = max length + 1, NUL-terminated, zero-padded.
 *  - TY_TUPLE / TY_RECORD / TY_STRUCT: fields at `offset`, C alignment rules
 *    (tuple and record layouts computed by type_tuple()/type_record()).
 *  - TY_ARRAY: nelem * elem->size bytes.
 *  - TY_PTR: 8 bytes.
 *  - TY_AGG: per-CPU map values; count/sum: one 8-byte integer;
 *    min/max: { int64 value; uint64 is_set; } 16 bytes (a CPU that never
 *    saw a value has is_set 0); avg/stats: { int64 total; uint64 count; }
 *    16 bytes.
 *    hist/lhist: the map's key is the script key (nothing for a scalar
 *    map) padded to 8 bytes, then a uint64 bucket index (struct
 *    map_layout, prog.h, says where, for every map); the value is a
 *    per-CPU uint64 count (type size 8).  Only buckets that saw a value
 *    exist.  hist(x, k): bucket 0 holds x < 0, x in [0, 2^(k+1)) goes to
 *    x + 1, larger x with p = floor(log2 x) to
 *    ((p - k) << k) + 2^k + 1 + ((x >> (p - k)) & (2^k - 1)),
 *    so there are (64 - k) * 2^k + 1 buckets (unsigned x >= 2^63 counts
 *    as negative, as in bpftrace).
 *    lhist(x, min, max, step): bucket 0 holds x < min, x > max goes to
 *    1 + (max - min) / step, else 1 + (x - min) / step.
 *    tseries(x, interval, n): keyed like hist with bucket = epoch % n,
 *    epoch = now / interval (now: TAI nanoseconds); the per-CPU value is
 *    { int64 value; uint64 meta; uint64 epoch; } 24 bytes, meta = the
 *    time of the last write (no agg), the number of values (avg), 1 once
 *    set (min/max), 0 (sum).  A bucket of an older epoch starts over.
 *  - TY_KSYM: the uint64 kernel address (8 bytes).
 *  - TY_USYM: { uint64 addr; int32 pid; int32 probe_id; } 16 bytes
 *    (probe_id: index in tt_prog.probes, -1 none; with USYM_AT_PROBE
 *    set, func of a uprobe/uretprobe: addr is that probe's location,
 *    named from its binary even after the process is gone).
 *  - TY_KSTACK: { uint64 nr_frames; uint64 ip[nelem]; }.
 *  - TY_USTACK: { int32 pid; int32 probe_id; uint64 nr_frames;
 *    uint64 ip[nelem]; }, in stack_mode STACK_MODE_BUILD_ID the frames are
 *    struct bpf_stack_build_id (32 bytes each).  Frames past nr_frames are
 *    zero (bpf_get_stack zero-fills), so equal stacks are equal keys.
 *    nelem is the frame limit (kstack(N), default 127) and stack_mode how
 *    it prints (symbols.h).
 *  - TY_TIMESTAMP (strftime): { uint32 fmt; uint32 mode; uint64 ns; } 16
 *    bytes: fmt = the tt_prog.actions index of the ACT_STRING holding the
 *    format, mode = enum ts_mode (below), the clock of ns.
 *  - TY_BUFFER (buf): { uint32 len; uint8 data[size - 4]; }, len <= size - 4.
 *  - TY_INET (ntop): { int64 af; uint8 addr[16]; } 24 bytes (IPv4: the
 *    first 4 bytes of addr, the rest zero).
 *  - TY_MAC (macaddr): uint8[6].
 *  - TY_CGROUP_PATH: { uint64 cgroup_id; uint64 filter; } filter = the
 *    ACT_STRING action index of the hierarchy filter, or UINT64_MAX.
 *  - TY_STRERROR: int64 errno value; TY_USERNAME: uint64 uid.
 *  - Map keys: no key -> 8-byte zero key (type uint64 constant 0); one key
 *    -> that key's storage; several keys -> a tuple of them.
 *  - A printf/print record in the ring buffer: uint64 action id, then the
 *    arguments laid out as type_tuple(arg types) starting at offset 8.
 */
#ifndef TYPES_H
#define TYPES_H

#include "tt.h"

enum type_kind {
	TY_NONE,    /* not typed yet, or an error already reported */
	TY_VOID,    /* statements, functions returning nothing */
	TY_INT,
	TY_BOOL,
	TY_STR,
	TY_PTR,
	TY_ARRAY,
	TY_STRUCT,  /* also unions (is_union) */
	TY_TUPLE,
	TY_RECORD,
	TY_AGG,     /* aggregation map value: agg says which */
	TY_CTX,     /* the probe context pointer (`args` is a TY_STRUCT with
		       is_ctx set whose fields are read at ctx + offset) */
	/* later issues: ksym usym kstack ustack inet timestamp buffer mac... */
	TY_KSYM, TY_USYM, TY_KSTACK, TY_USTACK, TY_INET, TY_TIMESTAMP,
	TY_BUFFER, TY_MAC, TY_CGROUP_PATH, TY_STRERROR, TY_TIMEDELTA,
	TY_USERNAME, /* username: the uid, named in userspace */
};

/* nsecs(mode) clocks; a timestamp (TY_TIMESTAMP) records which one its
 * value came from. */
/* TY_USYM probe_id flag: the address is the probe's own location */
#define USYM_AT_PROBE 0x40000000

enum ts_mode { TS_BOOT, TS_MONOTONIC, TS_TAI, TS_SW_TAI };

enum agg_kind { AGG_NONE, AGG_COUNT, AGG_SUM, AGG_MIN, AGG_MAX, AGG_AVG,
		AGG_STATS, AGG_HIST, AGG_LHIST, AGG_TSERIES };

enum addrspace { AS_NONE, AS_KERNEL, AS_USER };

/* How a kstack/ustack prints (bpftrace's stack_mode). */
enum stack_mode { STACK_MODE_BPFTRACE, STACK_MODE_PERF, STACK_MODE_RAW,
		  STACK_MODE_BUILD_ID };

struct field {
	const char *name;     /* NULL for tuple elements */
	struct type *type;
	int offset;           /* bytes */
	int bit_offset, bit_width; /* bitfields; width 0 = not a bitfield */
	bool data_loc;        /* tracepoint `__data_loc` field: a u32 at offset
				 whose low 16 bits give the data's offset in
				 the record (type is then a char pointer) */
};

struct field_vec { struct field *v; int n, cap; };

/* One enumerator of an enum type: NAME = value. */
struct enumerator { const char *name; int64_t value; };
struct enumerator_vec { struct enumerator *v; int n, cap; };

struct type {
	enum type_kind kind;
	int size;             /* bytes */
	int align;
	bool is_signed;       /* TY_INT; TY_AGG sum/min/max of signed values */
	bool is_lit;          /* TY_INT: a non-negative integer literal's
				 type (signed), or one only ever assigned
				 such values: its sign adapts, so it widens
				 into an unsigned type as well (language.md:
				 "positive integer literals are flexible") */
	bool is_union;        /* TY_STRUCT */
	bool is_ctx;          /* TY_STRUCT read directly from the BPF context */
	bool is_float;        /* TY_ARRAY of bytes holding a C float/double
				 (no float type here): prints as null */
	enum addrspace as;    /* TY_PTR, and data read through one */
	struct type *elem;    /* TY_PTR pointee, TY_ARRAY element, TY_AGG value
				 type of sum/min/max/avg/stats argument */
	int nelem;            /* TY_ARRAY; TY_KSTACK/TY_USTACK: frame limit */
	int stack_mode;       /* TY_KSTACK/TY_USTACK: enum stack_mode */
	struct field_vec fields; /* TY_STRUCT, TY_TUPLE, TY_RECORD */
	const char *name;     /* "task_struct" for struct task_struct; enum
				 name for enum-typed ints */
	const struct enumerator_vec *enums; /* enum-typed ints: the
				 enumerators, which name values in output */
	enum agg_kind agg;    /* TY_AGG */
	int64_t lhist_min, lhist_max, lhist_step; /* TY_AGG lhist */
	int hist_bits;        /* TY_AGG hist: k of hist(x, k), 0..5 */
	/* TY_AGG tseries(x, interval, n[, agg]): interval in ns, n intervals
	   kept, agg AGG_NONE (the last value), AGG_SUM/MIN/MAX/AVG */
	int64_t tseries_interval;
	int tseries_n;
	enum agg_kind tseries_agg;
};

/* Constructors (arena-allocated; simple types may be shared singletons). */
struct type *type_void(void);
struct type *type_none(void);
struct type *type_int(int size, bool is_signed);
/* The signed int of `size` bytes with is_lit set (a non-negative
 * literal's type); type_equal to type_int(size, true). */
struct type *type_int_lit(int size);
struct type *type_bool(void);
struct type *type_str(int size);             /* size includes the NUL */
struct type *type_ptr(struct type *elem, enum addrspace as);
struct type *type_array(struct type *elem, int nelem);
struct type *type_tuple(struct type **elems, int n);  /* computes layout */
struct type *type_record(const char **names, struct type **elems, int n);
struct type *type_struct(const char *name, bool is_union); /* fields added
								by caller */
struct type *type_agg(enum agg_kind agg, struct type *elem);
struct type *type_new(enum type_kind k, int size, int align);

/* Append a field; updates size/align of tuples/records/structs with C
 * layout rules when offset < 0 (computed), else uses the given offset. */
void type_add_field(struct type *t, const char *name, struct type *ft,
		    int offset);

bool type_equal(const struct type *a, const struct type *b);
/* An enum-typed int (t->name set) as an int of the given size and sign
 * that keeps the enum's name and enumerators. */
struct type *type_enum_as(const struct type *t, int size, bool is_signed);
/* Appends NAME = value to the enumerators of enum-typed t (made by the
 * caller). */
void type_enum_add(struct type *t, const char *name, int64_t value);
/* The enumerator of enum-typed t whose value is v, or NULL. */
const char *type_enum_name(const struct type *t, uint64_t v);
bool type_is_int(const struct type *t);     /* INT or BOOL */
/* bpftrace's name for dumps and messages: "uint64", "int32", "string[64]",
 * "(int64,string[16])", "struct task_struct *", "count_t", "sum_t"... */
const char *type_name(const struct type *t);
const struct field *type_field(const struct type *t, const char *name);
/* Like type_field, but looks into anonymous struct/union members (it
 * does not fill BTF structs: cdecl_field() does); *offset gets the field's
 * byte offset
 * from the start of t.  The returned field's own offset is relative to
 * the (possibly anonymous) struct that holds it. */
const struct field *type_find_field(struct type *t, const char *name,
				    int *offset);

/* Type names are built in the arena; simple types are shared singletons,
 * so a type not made by the caller must never be modified. */
#endif
