// tools/tool_runner.hpp — runs one external tool (tools/ai/PROTOCOL.md) for
// the host: long-lived workers (or one process per call), a bounded set of
// accepted calls (excess refused at once), a deadline owned by the host on
// every call, and supervision: a worker that times out, crashes or breaks the
// protocol has its whole process group killed, is reaped and is restarted
// with back-off. Each runner has its own thread (an Asio io_context); call
// results are delivered on that thread through the caller's callback.
//
// ToolHost holds the runners of a tools directory and routes calls by name.
#pragma once

#include "tools/tool_manifest.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sniper::tools {

// Status 0 is OK; the others are the host's error codes of PROTOCOL.md,
// plus ToolError when the tool itself answered with an error.
enum class ToolCallStatus : int {
    Ok = 0,
    ToolError = 1,   // error_code is the tool's own code
    UnknownTool = 2, // "unknown_tool"
    QueueFull = 3,   // "queue_full"
    Timeout = 4,     // "timeout"
    Crashed = 5,     // "crashed"
    BadResponse = 6, // "bad_response"
    SpawnFailed = 7, // "spawn_failed"
    Shutdown = 8,    // "shutdown"
    BadInput = 9,    // "bad_input": the caller's input is not a JSON object
};

const char* status_code(ToolCallStatus s);

// Call ids: unique in the process, never 0.
uint64_t next_call_id();

struct ToolResult {
    uint64_t call_id = 0;
    std::string tool;
    ToolCallStatus status = ToolCallStatus::Ok;
    std::string output_json;   // Ok: the tool's output object, minified
    std::string error_code;    // status_code(status), or the tool's code for ToolError
    std::string error_message; // what was expected and what was found
    std::string error_field;   // ToolError: the input field the tool named, if any
    int64_t latency_ns = 0;    // from submit to result
};

// Invoked exactly once per accepted call, on the runner's thread. It must
// not block for long (it holds up that tool's other calls) and must not
// destroy the runner.
using ToolCallback = std::function<void(ToolResult)>;

struct Submitted {
    uint64_t call_id = 0; // unique in the process
    std::optional<ToolResult>
        refused; // set when refused at once; the callback is then never invoked
};

struct ToolStats {
    std::string name;
    std::string
        state; // running | degraded | down | stopped (long-lived); ready | stopped (one-shot)
    std::string mode; // long_lived | one_shot
    uint32_t workers = 0;
    uint32_t workers_alive = 0;
    uint32_t in_flight = 0; // accepted and not answered (running plus waiting)
    uint64_t calls = 0;     // accepted
    uint64_t ok = 0;
    uint64_t tool_errors = 0;
    uint64_t queue_full = 0;
    uint64_t timeouts = 0;
    uint64_t crashed = 0;
    uint64_t bad_response = 0;
    uint64_t spawn_failed = 0;
    uint64_t bad_input = 0;
    uint64_t shutdown = 0;
    uint64_t restarts = 0;
    int64_t p50_latency_ns = 0; // over the last 4096 answered calls
    int64_t p99_latency_ns = 0;
};

class ToolRunner {
  public:
    explicit ToolRunner(ToolManifest manifest); // starts its thread and (long-lived) its workers
    ~ToolRunner();                              // stop()
    ToolRunner(const ToolRunner&) = delete;
    ToolRunner& operator=(const ToolRunner&) = delete;

    // Thread-safe. input_json must be a JSON object. timeout_ns <= 0 means
    // the manifest's timeout_ms; a longer one is cut to it.
    Submitted submit(std::string_view input_json, int64_t timeout_ns, ToolCallback cb);

    ToolStats stats() const;
    const ToolManifest& manifest() const;
    // Kills every worker, answers every pending call with Shutdown and joins
    // the thread. Idempotent; must not be called from a callback.
    void stop();

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

// What a reload of the tools folder did, by tool name.
struct ToolReload {
    std::vector<std::string> added, restarted, removed, unchanged;
    std::vector<std::string> errors; // manifests left out: "path: key: expected ..., found ..."
};

// Every tool of the tools folder, each with its runner. Thread-safe: the
// event path submits, the control thread reads stats, the reloader
// re-reads the folder at the same time.
class ToolHost {
  public:
    ToolHost() = default;
    // Loads every tool of dir; returns the manifest errors (those tools are left out).
    std::vector<std::string> load_dir(const std::string& dir);
    // Re-reads dir (on reload): new tools start; tools gone from it stop;
    // a tool whose manifest or files changed (size or mtime of anything in
    // its folder) restarts with them; the others keep their workers. The
    // calls in flight on a stopped runner are answered with Shutdown. An
    // empty dir stops every tool.
    ToolReload reload_dir(const std::string& dir);
    void add(ToolManifest m);

    Submitted submit(std::string_view tool, std::string_view input_json, int64_t timeout_ns,
                     ToolCallback cb);
    std::vector<ToolStats> stats() const;
    std::vector<std::string> names() const;
    std::shared_ptr<ToolRunner> find(std::string_view tool) const;
    void stop();

  private:
    struct Entry {
        std::shared_ptr<ToolRunner> runner;
        std::string fingerprint; // of its manifest and files, for reload_dir
    };
    mutable std::mutex mu_;
    std::map<std::string, Entry, std::less<>> runners_;
};

} // namespace sniper::tools
