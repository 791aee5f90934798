/*
 * bench.h - the C side of renacer's microbenchmarks (perf/bench_*.c),
 * called from the Google Benchmark shim (perf/bench_shim.cc).
 *
 * Contract: plain C with opaque handles, so the C++ shim includes nothing
 * but this header (renacer's own headers use C11 atomics, which C++ does
 * not compile). Each handle is used by the benchmark's thread only; the
 * ring benchmark starts and joins its own consumer threads.
 *
 * Nothing here is timed against a limit: the numbers are for reading
 * (perf/RESULTS.md), never for pass/fail.
 */
#ifndef RENACER_PERF_BENCH_H
#define RENACER_PERF_BENCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- rings: the tracer -> worker hand-off (pipeline/ring.c) -------------
 *
 * One producer (the benchmark's thread, standing for the tracer) and
 * `consumers` consumer threads (the workers), one SPSC ring of records per
 * consumer, as the pipeline wires them: the producer spreads records over
 * the rings, wakes a consumer every 64 records (and before it waits), and
 * waits on the ring's not_full parker when a ring is full; a consumer
 * sleeps on not_empty when its ring is empty and wakes not_full after
 * every pop. */
struct rn_bench_ring;

enum rn_bench_ring_flags {
	/* A consumer wakes not_full only once its ring is at most half full
	 * (instead of after every pop as worker.c does): a producer that found
	 * the ring full then refills half a ring per wake, not one slot. */
	RN_BENCH_RING_WAKE_HALF = 1u << 0,
};

/* capacity: slots per ring (a power of two; the pipeline uses 4096);
 * flags: enum rn_bench_ring_flags. */
struct rn_bench_ring *rn_bench_ring_start(unsigned consumers, unsigned capacity,
					  unsigned flags);
/* Push n records and return once every consumer has popped all of them. */
void rn_bench_ring_run(struct rn_bench_ring *b, uint64_t n);
/* Times the producer found a ring full, since start. */
uint64_t rn_bench_ring_stalls(const struct rn_bench_ring *b);
/* Stop and join the consumers, free everything. */
void rn_bench_ring_stop(struct rn_bench_ring *b);

/* The ring alone, no threads: reserve+commit+peek+pop of n records on one
 * thread (the cost of the operations without cache-line transfers). */
void rn_bench_ring_same_thread(uint64_t n);

/* ---- decoding: a worker's generic decode of one syscall -----------------
 *
 * A family is one syscall with realistic arguments pointing into this
 * process's own memory; tid = getpid(), so the decoders' process_vm_readv
 * reads ourselves, as a worker reads a stopped tracee. One call is the
 * entry decode, the exit decode and the reset of the value buffer. */
enum rn_bench_family {
	RN_BENCH_READ = 0,   /* read(3, buf, 4096) = 832: obuf at exit, -s 32 */
	RN_BENCH_WRITE,      /* write(1, "...", 64): ibuf at entry */
	RN_BENCH_OPENAT,     /* openat(AT_FDCWD, "/usr/lib/...", O_RDONLY|O_CLOEXEC) = 3 */
	RN_BENCH_FSTATAT,    /* newfstatat(3, "", {st_mode=..., ...}, AT_EMPTY_PATH) */
	RN_BENCH_MMAP,       /* mmap(NULL, 8192, PROT_..., MAP_..., -1, 0): no memory */
	RN_BENCH_CLOSE,      /* close(3): no memory */
	RN_BENCH_EXECVE,     /* execve("/usr/bin/gcc", [12 args], 0x... / * 30 vars * /) */
	RN_BENCH_NFAMILIES
};

const char *rn_bench_family_name(int family);
struct rn_bench_decode *rn_bench_decode_new(int family);
/* Decode `n` calls of the family. */
void rn_bench_decode_run(struct rn_bench_decode *d, uint64_t n);
/* Bytes of values the last call produced (nodes + bytes): what a worker
 * would malloc and hand the writer. */
uint64_t rn_bench_decode_value_bytes(const struct rn_bench_decode *d);
void rn_bench_decode_free(struct rn_bench_decode *d);

/* ---- output: the writer's sinks on pre-built events ----------------------
 *
 * A fixed mix of decoded events (the syscalls of a compiler's start-up:
 * openat, newfstatat, read, mmap, close, write, execve, from two tids
 * interleaved so that some calls are unfinished/resumed, plus the process
 * events), built once by decoding records against our own memory, then
 * rendered again and again with fresh sequence numbers, times and buffer
 * contents (so that zstd does not simply find the previous batch again). */
enum rn_bench_sink_kind {
	RN_BENCH_TEXT = 0, /* rn_text_sink_event, -f -o FILE style (pid prefix) */
	RN_BENCH_JSON,     /* rn_json_sink_event (--format json) */
	RN_BENCH_CAPTURE,  /* rn_capture_append: msgpack + zstd frames (--capture) */
};

/* capture_path: for RN_BENCH_CAPTURE, a file to write (best on tmpfs); it
 * rotates at 64 MiB keeping one file, so a long run does not fill the disk.
 * The text and JSON sinks write to a null writer (bytes are counted). */
struct rn_bench_sink *rn_bench_sink_new(int kind, const char *capture_path);
/* Render the whole mix once; returns the number of events fed (every one
 * counts, RN_EV_NONE included: the writer receives one per record). */
uint64_t rn_bench_sink_batch(struct rn_bench_sink *s);
/* Bytes the sink produced so far: for the capture, msgpack bytes before
 * compression (*in) and compressed bytes written (*out); for text and
 * JSON both are the bytes written. */
void rn_bench_sink_bytes(struct rn_bench_sink *s, uint64_t *in, uint64_t *out);
/* Non-zero when the sink reported an error (the benchmark fails then). */
int rn_bench_sink_error(const struct rn_bench_sink *s);
void rn_bench_sink_free(struct rn_bench_sink *s);

#ifdef __cplusplus
}
#endif

#endif /* RENACER_PERF_BENCH_H */
