/* skbout.h — skboutput()'s packets into pcap files (skbout.c).
 *
 * Takes: a loaded tt_prog whose actions include ACT_SKB_OUTPUT (a pcap
 * path and an offset each) and whose internal map "skbout" is the
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY the programs' bpf_skb_output() calls
 * write to.
 * Produces: one perf event buffer per CPU (BPF output events of
 * perf_rb_pages pages, their fds put into that map) and the pcap files:
 * each opened (truncated) with its header when the run starts, a record
 * per packet, link type RAW (IP without a link-layer header), the time
 * the boot clock's reading plus the boot time.  Nothing is printed but
 * errors; the packets a full buffer lost are counted. */
#ifndef SKBOUT_H
#define SKBOUT_H

#include "prog.h"

struct skbout;

/* Sets up the buffers and opens the files; NULL with *err 0 when the
 * script has no skboutput(), NULL with *err < 0 (said on stderr) when
 * that fails. */
struct skbout *skbout_open(struct tt_prog *p, int *err);
/* Writes the packets in the buffers now to their files; returns how many
 * (0 for NULL). */
int skbout_drain(struct skbout *s);
/* Packets the kernel dropped because a buffer was full, so far. */
uint64_t skbout_lost(const struct skbout *s);
/* Drains, flushes and closes the files, unmaps and closes the buffers. */
void skbout_close(struct skbout *s);

#endif
