/* mapio.h — reading and clearing a BPF map from userspace, whole.
 *
 * Takes: a map's fd and its shape (type, key and value sizes, capacity).
 * Produces: a snapshot of its entries in which every key appears exactly
 * once, however large the map and even while BPF programs update it.
 *
 * The walk uses BPF_MAP_LOOKUP_BATCH, whose cursor is a hash bucket (or
 * an array index) and so never restarts; on kernels without it (before
 * 5.6) it falls back to bpf_map_get_next_key(), which restarts from the
 * first key when the previous key was deleted meanwhile: the keys are
 * then sorted and duplicates dropped (TINYTRACE_MAP_WALK=1 in the
 * environment forces this path, for tests).  Every buffer handed to the kernel
 * stays at its address for the duration of the call that reads it. */
#ifndef MAPIO_H
#define MAPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mapio_shape {
	uint32_t type;          /* BPF_MAP_TYPE_* */
	uint32_t key_size, value_size, max_entries;
};

/* True for the per-CPU map types, whose values are ncpus copies. */
bool mapio_percpu(uint32_t type);
/* Bytes of one value as lookups return it: value_size, or for a per-CPU
 * map round_up(value_size, 8) times the possible CPUs.  0 on error. */
size_t mapio_value_bytes(const struct mapio_shape *s);

struct mapio_snapshot {
	uint8_t *keys;          /* n * key_size bytes (malloc'd) */
	uint8_t *values;        /* n * mapio_value_bytes() bytes */
	size_t n;
};

/* Reads every entry of the map.  0 or -errno; on error *snap is empty. */
int mapio_read(int fd, const struct mapio_shape *s,
	       struct mapio_snapshot *snap);
/* Reads only the keys (values stays NULL). */
int mapio_read_keys(int fd, const struct mapio_shape *s,
		    struct mapio_snapshot *snap);
void mapio_free(struct mapio_snapshot *snap);

/* clear(): deletes every key (an array's values are zeroed instead);
 * zero(): sets every value to zero.  0 or -errno. */
int mapio_clear(int fd, const struct mapio_shape *s);
int mapio_zero(int fd, const struct mapio_shape *s);

#endif
