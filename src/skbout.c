/* skbout.c — skboutput()'s packets into pcap files.
 *
 * Takes: a loaded tt_prog with ACT_SKB_OUTPUT actions and the "skbout"
 * perf event array (builtins_lower.c's lo_skboutput).
 * Produces: a BPF output perf event per CPU, mapped (perf_rb_pages data
 * pages) and put into that array, read by skbout_drain() into the pcap
 * files (skbout.h).  bpf_skb_output() is the only way out of a program
 * for an skb's bytes (it copies them from the skb, which the ring buffer
 * cannot), and it writes to perf event buffers only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>

#include "skbout.h"

struct ring {
	int fd;
	struct perf_event_mmap_page *meta;
	uint8_t *data;
	uint64_t size;          /* data bytes, a power of 2 */
};

struct skbout {
	struct ring *rings;
	int nrings;
	FILE **files;           /* by action id; NULL: not ACT_SKB_OUTPUT */
	const struct tt_action *actions;
	int nactions;
	uint64_t lost;
	int64_t boot_to_real;   /* CLOCK_REALTIME - CLOCK_BOOTTIME, ns */
	uint8_t *tmp;           /* a record that wraps around, copied */
	uint64_t tmp_cap;
};

/* pcap's file header: microsecond times, link type RAW (IPv4/IPv6 with no
 * link-layer header), in this machine's byte order (the magic says
 * which). */
static int write_header(FILE *f)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t thiszone;
		uint32_t sigfigs, snaplen, linktype;
	} h = { 0xa1b2c3d4, 2, 4, 0, 0, 262144, 101 };
	return fwrite(&h, sizeof(h), 1, f) == 1 ? 0 : -EIO;
}

static int64_t clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int open_ring(struct ring *r, int cpu, int pages)
{
	struct perf_event_attr attr;
	long page = sysconf(_SC_PAGESIZE);

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	r->fd = (int)syscall(__NR_perf_event_open, &attr, -1, cpu, -1,
			     PERF_FLAG_FD_CLOEXEC);
	if (r->fd < 0)
		return -errno;
	r->size = (uint64_t)pages * (uint64_t)page;
	void *m = mmap(NULL, (size_t)(r->size + (uint64_t)page),
		       PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (m == MAP_FAILED) {
		int err = -errno;
		close(r->fd);
		r->fd = -1;
		return err;
	}
	r->meta = m;
	r->data = (uint8_t *)m + page;
	if (ioctl(r->fd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return -errno;
	return 0;
}

static void close_ring(struct ring *r)
{
	if (r->meta)
		munmap(r->meta, (size_t)(r->size + (uint64_t)sysconf(_SC_PAGESIZE)));
	if (r->fd >= 0)
		close(r->fd);
}

struct skbout *skbout_open(struct tt_prog *p, int *err)
{
	int map = -1;

	*err = 0;
	for (int i = 0; i < p->maps.n; i++)
		if (p->maps.v[i].kind == MAPK_INTERNAL &&
		    !strcmp(p->maps.v[i].name, "skbout"))
			map = i;
	if (map < 0)
		return NULL;
	struct skbout *s = xcalloc(1, sizeof(*s));
	s->actions = p->actions.v;
	s->nactions = p->actions.n;
	s->files = xcalloc((size_t)s->nactions + 1, sizeof(FILE *));
	s->boot_to_real = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	for (int i = 0; i < s->nactions && !*err; i++) {
		const struct tt_action *a = &s->actions[i];
		if (a->kind != ACT_SKB_OUTPUT)
			continue;
		for (int j = 0; j < i && !s->files[i]; j++)
			if (s->files[j] && !strcmp(s->actions[j].fmt, a->fmt))
				s->files[i] = s->files[j]; /* one file, one header */
		if (s->files[i])
			continue;
		s->files[i] = fopen(a->fmt, "we");
		if (!s->files[i] || write_header(s->files[i]) < 0) {
			*err = -errno;
			fprintf(stderr, "ERROR: skboutput: cannot write %s: %s\n",
				a->fmt, strerror(errno));
		}
	}
	int ncpus = libbpf_num_possible_cpus();
	s->rings = xcalloc(ncpus > 0 ? (size_t)ncpus : 1, sizeof(*s->rings));
	int pages = p->cfg.perf_rb_pages > 0 ? p->cfg.perf_rb_pages : 64;
	for (int cpu = 0; cpu < ncpus && !*err; cpu++) {
		struct ring *r = &s->rings[s->nrings];
		int e = open_ring(r, cpu, pages);
		if (e == -ENODEV) /* a possible CPU that is offline */
			continue;
		s->nrings++;
		uint32_t key = (uint32_t)cpu;
		if (!e && bpf_map_update_elem(p->maps.v[map].fd, &key, &r->fd,
					      BPF_ANY) < 0)
			e = -errno;
		if (e) {
			*err = e;
			fprintf(stderr, "ERROR: skboutput: cannot set up the "
				"perf event buffer of CPU %d: %s\n", cpu,
				strerror(-e));
		}
	}
	if (*err) {
		skbout_close(s);
		return NULL;
	}
	return s;
}

/* One packet: the meta data, then its bytes. */
static int write_packet(struct skbout *s, const uint8_t *raw, uint32_t size)
{
	struct skbout_meta m;
	if (size < sizeof(m))
		return 0;
	memcpy(&m, raw, sizeof(m));
	if (m.id >= (uint64_t)s->nactions || !s->files[m.id] ||
	    m.len > size - sizeof(m))
		return 0;
	uint32_t off = s->actions[m.id].skb_offset;
	uint32_t n = m.len > off ? (uint32_t)(m.len - off) : 0;
	int64_t ns = (int64_t)m.boot_ns + s->boot_to_real;
	uint32_t rec[4] = { (uint32_t)(ns / 1000000000LL),
			    (uint32_t)(ns % 1000000000LL / 1000), n, n };
	FILE *f = s->files[m.id];
	fwrite(rec, sizeof(rec), 1, f);
	fwrite(raw + sizeof(m) + off, 1, n, f);
	return 1;
}

/* The records of one buffer from data_tail to data_head. */
static int drain_ring(struct skbout *s, struct ring *r)
{
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->meta->data_tail;
	int n = 0;

	while (tail < head) {
		uint64_t at = tail & (r->size - 1);
		struct perf_event_header *h = (void *)(r->data + at);
		if (h->size < sizeof(*h) || h->size > head - tail)
			break; /* cannot be: the kernel writes whole records */
		const uint8_t *rec = r->data + at;
		if (at + h->size > r->size) { /* wraps: copy it whole */
			if (s->tmp_cap < h->size) {
				s->tmp = xrealloc(s->tmp, h->size);
				s->tmp_cap = h->size;
			}
			uint64_t first = r->size - at;
			memcpy(s->tmp, rec, first);
			memcpy(s->tmp + first, r->data, h->size - first);
			rec = s->tmp;
		}
		if (h->type == PERF_RECORD_SAMPLE) {
			uint32_t size;
			memcpy(&size, rec + sizeof(*h), 4);
			if (size <= h->size - sizeof(*h) - 4)
				n += write_packet(s, rec + sizeof(*h) + 4, size);
		} else if (h->type == PERF_RECORD_LOST) {
			uint64_t lost;
			memcpy(&lost, rec + sizeof(*h) + 8, 8);
			s->lost += lost;
		}
		tail += h->size;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	return n;
}

int skbout_drain(struct skbout *s)
{
	int n = 0;
	for (int i = 0; s && i < s->nrings; i++)
		if (s->rings[i].meta)
			n += drain_ring(s, &s->rings[i]);
	return n;
}

uint64_t skbout_lost(const struct skbout *s)
{
	return s ? s->lost : 0;
}

void skbout_close(struct skbout *s)
{
	if (!s)
		return;
	skbout_drain(s);
	for (int i = 0; i < s->nrings; i++)
		close_ring(&s->rings[i]);
	for (int i = 0; i < s->nactions; i++) {
		bool shared = false;
		for (int j = i + 1; j < s->nactions; j++)
			if (s->files[j] == s->files[i])
				shared = true; /* closed with the last one */
		if (s->files[i] && !shared)
			fclose(s->files[i]);
	}
	free(s->files);
	free(s->rings);
	free(s->tmp);
	free(s);
}
