// `sniperd tool NAME` runs the shipped Python tools through the real binary
// and the real runner: output on stdout with exit 0, error on stderr with 1.
#include "test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

using sniper::testing::TempDir;

namespace {

struct Run {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

Run sniperd_tool(const std::string& args, const std::string& input) {
    TempDir t;
    std::ofstream(t.path / "in.json") << input;
    // Debian's python3 first: a version manager's shim in PATH can take
    // seconds to start a tool in an empty environment.
    const std::string cmd = "PATH=/usr/bin:/bin:$PATH " + std::string(SNIPER_BUILD_DIR) +
                            "/sniperd tool " + args + " < " + (t.path / "in.json").string() +
                            " > " + (t.path / "out").string() + " 2> " + (t.path / "err").string();
    const int st = std::system(cmd.c_str());
    Run r;
    r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.out = slurp(t.path / "out");
    r.err = slurp(t.path / "err");
    return r;
}

const std::string kDir = " --tools-dir " + std::string(SNIPER_SOURCE_DIR) + "/tools/ai";

} // namespace

TEST_CASE("sniperd tool runs talib_minimal and prints its output", "[tools]") {
    const Run r = sniperd_tool("talib_minimal" + kDir,
                               R"({"close":[1,2,3,4,5],"indicators":["sma:3","ema:3"]})");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "{\"sma:3\":[null,null,2.0,3.0,4.0],\"ema:3\":[null,null,2.0,3.0,4.0]}\n");
}

TEST_CASE("sniperd tool prints the tool's error on stderr and exits 1", "[tools]") {
    Run r = sniperd_tool("talib_minimal" + kDir, R"({"close":[1,2],"indicators":["kama:3"]})");
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find("{\"code\":\"bad_input\",\"message\":\"indicators[0]: unknown indicator") !=
          std::string::npos);
    CHECK(r.err.find("\"field\":\"indicators[0]\"") != std::string::npos);
    r = sniperd_tool("sentiment_analyzer" + kDir, "not json");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("\"code\":\"bad_input\"") != std::string::npos);
    r = sniperd_tool("sentiment_analyzer" + kDir + " --timeout 10s",
                     R"({"text":"wagmi, to the moon"})");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"label\":\"positive\"") != std::string::npos);
}

TEST_CASE("sniperd tool refuses unknown tools and bad arguments with exit 2", "[tools]") {
    Run r = sniperd_tool("no_such_tool" + kDir, "{}");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("manifest.toml") != std::string::npos);
    CHECK(sniperd_tool("", "{}").exit_code == 2);
    CHECK(sniperd_tool("talib_minimal --timeout soon" + kDir, "{}").exit_code == 2);
}
