// tests/tools/tool_test_util.hpp — fixtures for the tool runner tests: a
// tool folder written into a temp dir around tests/tools/fixtures/
// misbehave.py, a collector that waits for results, and /proc checks.
#pragma once

#include "test_support.hpp"
#include "tools/tool_runner.hpp"

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <string>
#include <unistd.h>
#include <vector>

namespace sniper::testing {

inline std::string python_path() {
    return ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

inline std::string fixture_script() {
    return std::string(SNIPER_TEST_DATA) + "/tools/fixtures/misbehave.py";
}

// Writes <dir>/<name>/manifest.toml running misbehave.py in `mode`.
inline std::filesystem::path write_tool(const std::filesystem::path& dir, const std::string& name,
                                        const std::string& mode, const std::string& extra = "") {
    const auto tool = dir / name;
    std::filesystem::create_directories(tool);
    std::ofstream f(tool / "manifest.toml");
    f << "protocol = 1\nname = \"" << name << "\"\ncommand = [\"" << python_path()
      << "\", \"-u\", \"" << fixture_script() << "\", \"" << mode
      << "\"]\nrestart_backoff_ms = [20, 200]\n"
      << extra;
    return tool;
}

inline tools::ToolManifest manifest_of(const std::filesystem::path& tool_dir) {
    tools::ManifestLoad l = tools::load_tool_manifest(tool_dir);
    INFO((l.errors.empty() ? std::string() : l.errors.front()));
    REQUIRE(l.manifest.has_value());
    return *l.manifest;
}

struct Collector {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<tools::ToolResult> results;

    tools::ToolCallback callback() {
        return [this](tools::ToolResult r) {
            std::lock_guard lock(mu);
            results.push_back(std::move(r));
            cv.notify_all();
        };
    }
    bool wait_for(size_t n, std::chrono::milliseconds t = std::chrono::milliseconds(10000)) {
        std::unique_lock lock(mu);
        return cv.wait_for(lock, t, [&] { return results.size() >= n; });
    }
    tools::ToolResult at(size_t i) {
        std::lock_guard lock(mu);
        return results.at(i);
    }
};

// Submits and waits for the one result.
inline tools::ToolResult call(tools::ToolRunner& r, const std::string& input,
                              int64_t timeout_ms = 5000) {
    Collector c;
    const tools::Submitted s = r.submit(input, timeout_ms * 1000000, c.callback());
    if (s.refused) {
        return *s.refused;
    }
    REQUIRE(c.wait_for(1, std::chrono::milliseconds(timeout_ms + 5000)));
    return c.at(0);
}

struct ProcInfo {
    bool exists = false;
    char state = '?';
    long ppid = 0;
    long pgrp = 0;
};

inline ProcInfo proc_info(long pid) {
    ProcInfo p;
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(f, stat)) {
        return p;
    }
    const size_t close = stat.rfind(')');
    p.exists = std::sscanf(stat.c_str() + close + 2, "%c %ld %ld", &p.state, &p.ppid, &p.pgrp) == 3;
    return p;
}

// Zombies whose parent is this test process.
inline std::vector<long> our_zombies() {
    std::vector<long> out;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        const std::string n = e.path().filename().string();
        if (n.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        const ProcInfo p = proc_info(std::stol(n));
        if (p.exists && p.state == 'Z' && p.ppid == ::getpid()) {
            out.push_back(std::stol(n));
        }
    }
    return out;
}

// Processes (any state) still in process group `pgid`.
inline std::vector<long> group_left(long pgid) {
    std::vector<long> out;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        const std::string n = e.path().filename().string();
        if (n.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        const ProcInfo p = proc_info(std::stol(n));
        if (p.exists && p.pgrp == pgid) {
            out.push_back(std::stol(n));
        }
    }
    return out;
}

// Pulls an integer member out of a minified output object (test helper).
inline long json_int(const std::string& json, const std::string& key) {
    const std::string k = "\"" + key + "\":";
    const size_t at = json.find(k);
    REQUIRE(at != std::string::npos);
    return std::stol(json.substr(at + k.size()));
}

} // namespace sniper::testing
