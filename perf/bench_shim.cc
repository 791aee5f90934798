// bench_shim.cc - registers renacer's microbenchmarks with Google Benchmark.
//
// The thin C++ side of perf/: every benchmark body calls the C functions
// of perf/bench.h (implemented in perf/bench_*.c); nothing of renacer is
// compiled as C++. Rates are events per second ("items_per_second"), per
// benchmark thread: each benchmark here runs on one benchmark thread (the
// ring benchmark's consumers are threads of its own, so it uses real time).
//
//   renacer-bench                          all of them
//   renacer-bench --benchmark_filter=ring  only the rings
//   RENACER_BENCH_DIR=/dev/shm             where the capture benchmark writes
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "bench.h"

namespace {

// Records per timed iteration of the ring benchmarks: many ring laps, so
// the cost of draining at the end of an iteration is spread thin.
constexpr uint64_t kRingBatch = 1 << 16;

void BM_ring_same_thread(benchmark::State &state)
{
	for (auto _ : state)
		rn_bench_ring_same_thread(kRingBatch);
	state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRingBatch));
}

// 1 producer (this thread), range(0) consumer threads, one ring each;
// flags: enum rn_bench_ring_flags.
void BM_ring_threads(benchmark::State &state, unsigned flags)
{
	unsigned consumers = static_cast<unsigned>(state.range(0));
	rn_bench_ring *b = rn_bench_ring_start(consumers, 4096, flags);
	for (auto _ : state)
		rn_bench_ring_run(b, kRingBatch);
	uint64_t pushed = state.iterations() * kRingBatch;
	state.SetItemsProcessed(static_cast<int64_t>(pushed));
	state.counters["full_waits_per_1k"] =
		pushed ? 1000.0 * static_cast<double>(rn_bench_ring_stalls(b)) / static_cast<double>(pushed)
		       : 0.0;
	rn_bench_ring_stop(b);
}

// One syscall family: entry decode + exit decode per item.
void BM_decode(benchmark::State &state, int family)
{
	rn_bench_decode *d = rn_bench_decode_new(family);
	constexpr uint64_t kCalls = 64;
	for (auto _ : state)
		rn_bench_decode_run(d, kCalls);
	state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kCalls));
	state.counters["value_bytes"] = static_cast<double>(rn_bench_decode_value_bytes(d));
	rn_bench_decode_free(d);
}

std::string capture_path()
{
	const char *dir = std::getenv("RENACER_BENCH_DIR");
	std::string base = dir && *dir ? dir : (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	return base + "/renacer-bench-" + std::to_string(getpid()) + ".cap";
}

// A sink on the pre-built mix; items are events (one per record).
void BM_sink(benchmark::State &state, int kind)
{
	std::string path = capture_path();
	rn_bench_sink *s = rn_bench_sink_new(kind, path.c_str());
	if (!s) {
		state.SkipWithError("cannot create the sink");
		return;
	}
	uint64_t events = 0;
	for (auto _ : state)
		events += rn_bench_sink_batch(s);
	state.SetItemsProcessed(static_cast<int64_t>(events));
	uint64_t in = 0, out = 0;
	rn_bench_sink_bytes(s, &in, &out);
	if (events) {
		state.counters["bytes_per_event"] = static_cast<double>(in) / static_cast<double>(events);
		if (kind == RN_BENCH_CAPTURE && out)
			state.counters["zstd_ratio"] = static_cast<double>(in) / static_cast<double>(out);
	}
	if (rn_bench_sink_error(s))
		state.SkipWithError("the sink reported an error");
	rn_bench_sink_free(s);
	if (kind == RN_BENCH_CAPTURE) {
		unlink(path.c_str());
		unlink((path + ".1").c_str());
	}
}

}  // namespace

int main(int argc, char **argv)
{
	benchmark::RegisterBenchmark("ring/same_thread", BM_ring_same_thread);
	benchmark::RegisterBenchmark("ring/1_producer", BM_ring_threads, 0u)
		->ArgName("consumers")
		->Arg(1)
		->Arg(2)
		->UseRealTime();
	benchmark::RegisterBenchmark("ring/1_producer_wake_half", BM_ring_threads,
				     static_cast<unsigned>(RN_BENCH_RING_WAKE_HALF))
		->ArgName("consumers")
		->Arg(1)
		->Arg(2)
		->UseRealTime();
	for (int f = 0; f < RN_BENCH_NFAMILIES; f++)
		benchmark::RegisterBenchmark((std::string("decode/") + rn_bench_family_name(f)).c_str(),
					     BM_decode, f);
	benchmark::RegisterBenchmark("render/text", BM_sink, static_cast<int>(RN_BENCH_TEXT));
	benchmark::RegisterBenchmark("render/json", BM_sink, static_cast<int>(RN_BENCH_JSON));
	benchmark::RegisterBenchmark("render/capture_msgpack_zstd", BM_sink,
				     static_cast<int>(RN_BENCH_CAPTURE));

	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
