// Round trip host -> warm tool -> host for a trivial tool, and calls/s
// through one worker and through several. Hidden ([.]): run it with
//   test_tools "[bench]"
// It prints figures; it asserts only that every call succeeded.
#include "tool_test_util.hpp"

#include <algorithm>
#include <cstdio>

using namespace sniper;
using namespace sniper::tools;
using namespace sniper::testing;

namespace {

double calls_per_second(ToolRunner& r, int n) {
    Collector c;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
        REQUIRE_FALSE(r.submit(R"({"do":"echo","value":1})", 10'000'000'000, c.callback()).refused);
    }
    REQUIRE(c.wait_for(static_cast<size_t>(n), std::chrono::milliseconds(60000)));
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (const auto& res : c.results) {
        REQUIRE(res.status == ToolCallStatus::Ok);
    }
    return n / s;
}

} // namespace

TEST_CASE("tool round trip and throughput", "[.][bench]") {
    QuietLogs quiet;
    TempDir t;
    ToolRunner one(manifest_of(write_tool(t.path, "one", "normal", "max_concurrent = 4096\n")));
    for (int i = 0; i < 200; ++i) { // warm up
        REQUIRE(call(one, R"({"do":"echo"})").status == ToolCallStatus::Ok);
    }
    std::vector<int64_t> lat;
    for (int i = 0; i < 5000; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const ToolResult res = call(one, R"({"do":"echo","value":1})");
        lat.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now() - t0)
                          .count());
        REQUIRE(res.status == ToolCallStatus::Ok);
    }
    std::sort(lat.begin(), lat.end());
    std::printf(
        "round trip (5000 sequential calls, 1 worker): p50 %.1f us, p99 %.1f us, max %.1f us\n",
        lat[lat.size() / 2] / 1e3, lat[lat.size() * 99 / 100] / 1e3, lat.back() / 1e3);
    std::printf("calls/s, 1 worker, 4000 calls submitted at once: %.0f\n",
                calls_per_second(one, 4000));
    ToolRunner two(
        manifest_of(write_tool(t.path, "two", "normal", "workers = 2\nmax_concurrent = 4096\n")));
    for (int i = 0; i < 50; ++i) {
        REQUIRE(call(two, R"({"do":"echo"})").status == ToolCallStatus::Ok);
    }
    std::printf("calls/s, 2 workers, 4000 calls submitted at once: %.0f\n",
                calls_per_second(two, 4000));
    const ToolStats s = one.stats();
    std::printf("runner stats (1 worker): p50 %.1f us, p99 %.1f us\n", s.p50_latency_ns / 1e3,
                s.p99_latency_ns / 1e3);
}
