/* mapio.c — whole-map reads, clear() and zero() from userspace.
 *
 * See mapio.h.  Buffer lifetimes: every pointer given to bpf(2) points
 * into an allocation that is not resized until that call has returned;
 * the batch cursors live in their own fixed buffers, never in the arrays
 * that grow. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "mapio.h"
#include "tt.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's, not in userspace errno.h */
#endif

bool mapio_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_array(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

size_t mapio_value_bytes(const struct mapio_shape *s)
{
	if (!mapio_percpu(s->type))
		return s->value_size;
	int ncpus = libbpf_num_possible_cpus();
	if (ncpus < 1)
		return 0;
	return (size_t)ncpus * ((s->value_size + 7) & ~7u);
}

void mapio_free(struct mapio_snapshot *snap)
{
	free(snap->keys);
	free(snap->values);
	memset(snap, 0, sizeof(*snap));
}

/* Room for `want` entries in total. */
static void reserve(struct mapio_snapshot *snap, size_t *cap, size_t want,
		    size_t ksize, size_t vsize)
{
	if (want <= *cap)
		return;
	size_t c = *cap ? *cap : 16;
	while (c < want)
		c *= 2;
	snap->keys = xrealloc(snap->keys, c * (ksize ? ksize : 1));
	if (vsize)
		snap->values = xrealloc(snap->values, c * vsize);
	*cap = c;
}

/* BPF_MAP_LOOKUP_BATCH from the first bucket to the last.  -EINVAL,
 * -ENOTSUPP or -EOPNOTSUPP on a kernel or map type without it (nothing
 * read yet); other -errno on failure. */
static int read_batch(int fd, const struct mapio_shape *s, size_t vsize,
		      struct mapio_snapshot *snap)
{
	/* the cursor is a u32 bucket for hash maps, a key for others */
	size_t csize = s->key_size > 8 ? s->key_size : 8;
	uint8_t *in = xcalloc(1, csize), *out = xcalloc(1, csize);
	size_t cap = 0;
	int err = 0;
	uint32_t chunk = s->max_entries < 1024 ? s->max_entries : 1024;
	bool first = true;
	void *vbuf = NULL;

	if (chunk == 0)
		chunk = 1;
	/* keys-only reads still need a values buffer for the kernel */
	size_t vb = vsize ? vsize : mapio_value_bytes(s);
	if (!vsize)
		vbuf = xmalloc((size_t)chunk * (vb ? vb : 1));
	for (;;) {
		reserve(snap, &cap, snap->n + chunk, s->key_size, vsize);
		uint32_t count = chunk;
		void *values = vsize ? snap->values + snap->n * vsize : vbuf;
		err = bpf_map_lookup_batch(fd, first ? NULL : in, out,
					       snap->keys + snap->n * s->key_size,
					       values, &count, NULL);
		err = err < 0 ? -errno : 0;
		if (err == -ENOSPC && count == 0 && chunk < s->max_entries) {
			/* one bucket holds more than chunk keys */
			uint32_t c = chunk * 2;
			chunk = c < s->max_entries ? c : s->max_entries;
			if (!vsize)
				vbuf = xrealloc(vbuf, (size_t)chunk *
							      (vb ? vb : 1));
			continue;
		}
		if (err && err != -ENOENT)
			break;
		snap->n += count;
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		memcpy(in, out, csize);
		first = false;
	}
	free(vbuf);
	free(in);
	free(out);
	return err;
}

static size_t sort_ksize;
static const uint8_t *sort_keys;
static int cmp_index(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = memcmp(sort_keys + i * sort_ksize, sort_keys + j * sort_ksize,
		       sort_ksize);
	if (c)
		return c;
	return i < j ? -1 : i > j;
}

/* Drops repeated keys, keeping the last copy read (the newest value).
 * The order of the remaining entries is the order of first reading. */
static void dedup(struct mapio_snapshot *snap, size_t ksize, size_t vsize)
{
	if (snap->n < 2 || ksize == 0)
		return;
	size_t *idx = xmalloc(snap->n * sizeof(*idx));
	bool *keep = xcalloc(snap->n, sizeof(*keep));
	for (size_t i = 0; i < snap->n; i++)
		idx[i] = i;
	sort_ksize = ksize;
	sort_keys = snap->keys;
	qsort(idx, snap->n, sizeof(*idx), cmp_index);
	for (size_t i = 0; i < snap->n; i++) {
		bool last = i + 1 == snap->n ||
			    memcmp(snap->keys + idx[i] * ksize,
				   snap->keys + idx[i + 1] * ksize, ksize);
		if (last)
			keep[idx[i]] = true;
	}
	size_t o = 0;
	for (size_t i = 0; i < snap->n; i++) {
		if (!keep[i])
			continue;
		if (o != i) {
			memmove(snap->keys + o * ksize, snap->keys + i * ksize,
				ksize);
			if (vsize)
				memmove(snap->values + o * vsize,
					snap->values + i * vsize, vsize);
		}
		o++;
	}
	snap->n = o;
	free(idx);
	free(keep);
}

/* bpf_map_get_next_key() walk, for kernels without batch lookups.  The
 * previous key is copied to its own buffer before the arrays grow. */
static int read_walk(int fd, const struct mapio_shape *s, size_t vsize,
		     struct mapio_snapshot *snap)
{
	size_t ks = s->key_size ? s->key_size : 1;
	uint8_t *prev = xcalloc(1, ks);
	bool have_prev = false;
	size_t cap = 0;
	/* a walk restarts when its previous key is deleted meanwhile:
	   bound the steps, duplicates are dropped below */
	size_t limit = 4 * (size_t)s->max_entries + 64, steps = 0;
	int err = 0;

	while (steps++ < limit) {
		reserve(snap, &cap, snap->n + 1, s->key_size, vsize);
		uint8_t *key = snap->keys + snap->n * s->key_size;
		if (bpf_map_get_next_key(fd, have_prev ? prev : NULL, key) < 0) {
			if (errno != ENOENT)
				err = -errno;
			break;
		}
		if (vsize && bpf_map_lookup_elem(fd, key, snap->values +
					snap->n * vsize) < 0) {
			if (errno == ENOENT) /* deleted meanwhile */
				continue;
			err = -errno;
			break;
		}
		memcpy(prev, key, s->key_size);
		have_prev = true;
		snap->n++;
	}
	free(prev);
	if (!err)
		dedup(snap, s->key_size, vsize);
	return err;
}

static int read_map(int fd, const struct mapio_shape *s, bool values,
		    struct mapio_snapshot *snap)
{
	size_t vsize = 0;

	memset(snap, 0, sizeof(*snap));
	if (values) {
		vsize = mapio_value_bytes(s);
		if (vsize == 0 && s->value_size)
			return -EINVAL;
	}
	/* TINYTRACE_MAP_WALK=1 forces the walk (tests of old kernels) */
	const char *walk = getenv("TINYTRACE_MAP_WALK");
	int err = walk && *walk == '1' ? -EOPNOTSUPP
				       : read_batch(fd, s, vsize, snap);
	if (err == -EINVAL || err == -ENOTSUPP || err == -EOPNOTSUPP) {
		mapio_free(snap);
		err = read_walk(fd, s, vsize, snap);
	}
	if (err)
		mapio_free(snap);
	return err;
}

int mapio_read(int fd, const struct mapio_shape *s,
	       struct mapio_snapshot *snap)
{
	return read_map(fd, s, true, snap);
}

int mapio_read_keys(int fd, const struct mapio_shape *s,
		    struct mapio_snapshot *snap)
{
	return read_map(fd, s, false, snap);
}

/* Sets every existing key's value to zero (or deletes it). */
static int for_each_key(int fd, const struct mapio_shape *s, bool delete)
{
	struct mapio_snapshot snap;
	int err = mapio_read_keys(fd, s, &snap);
	if (err)
		return err;
	size_t vsize = mapio_value_bytes(s);
	void *zeros = xcalloc(1, vsize ? vsize : 1);
	uint64_t flags = is_array(s->type) ? BPF_ANY : BPF_EXIST;
	for (size_t i = 0; i < snap.n; i++) {
		void *key = snap.keys + i * s->key_size;
		/* a key deleted meanwhile is not an error */
		if (delete)
			bpf_map_delete_elem(fd, key);
		else
			bpf_map_update_elem(fd, key, zeros, flags);
	}
	free(zeros);
	mapio_free(&snap);
	return 0;
}

int mapio_clear(int fd, const struct mapio_shape *s)
{
	return for_each_key(fd, s, !is_array(s->type));
}

int mapio_zero(int fd, const struct mapio_shape *s)
{
	return for_each_key(fd, s, false);
}
