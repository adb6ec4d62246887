#include "tools/tool_runner.hpp"

#include <algorithm>
#include <filesystem>

namespace sniper::tools {

const char* status_code(ToolCallStatus s) {
    switch (s) {
    case ToolCallStatus::Ok:
        return "ok";
    case ToolCallStatus::ToolError:
        return "tool_error";
    case ToolCallStatus::UnknownTool:
        return "unknown_tool";
    case ToolCallStatus::QueueFull:
        return "queue_full";
    case ToolCallStatus::Timeout:
        return "timeout";
    case ToolCallStatus::Crashed:
        return "crashed";
    case ToolCallStatus::BadResponse:
        return "bad_response";
    case ToolCallStatus::SpawnFailed:
        return "spawn_failed";
    case ToolCallStatus::Shutdown:
        return "shutdown";
    case ToolCallStatus::BadInput:
        return "bad_input";
    }
    return "unknown";
}

namespace {

// A tool's identity for reload: its manifest fields and the size and mtime
// of every file under its folder (the script a user edits), so a changed
// tool restarts and an untouched one keeps its warm workers.
std::string fingerprint(const ToolManifest& m) {
    std::string f = m.name + '\x1f' + m.working_dir.string() + '\x1f' + std::to_string(static_cast<int>(m.mode)) +
                    '\x1f' + std::to_string(m.workers) + '\x1f' + std::to_string(m.max_concurrent) + '\x1f' +
                    std::to_string(m.timeout_ms) + '\x1f' + std::to_string(m.max_response_bytes) + '\x1f' +
                    std::to_string(m.backoff_initial_ms) + '\x1f' + std::to_string(m.backoff_max_ms);
    for (const std::string& a : m.command) {
        f += '\x1e' + a;
    }
    for (const std::string& e : m.env) {
        f += '\x1d' + e;
    }
    std::vector<std::string> files;
    std::error_code ec;
    namespace fs = std::filesystem;
    for (fs::recursive_directory_iterator it(m.tool_dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        if (it->is_directory(ec) && it->path().filename() == "__pycache__") {
            it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(ec)) {
            continue;
        }
        const auto size = it->file_size(ec);
        const auto mtime = it->last_write_time(ec).time_since_epoch().count();
        files.push_back(it->path().string() + '=' + std::to_string(size) + '@' + std::to_string(mtime));
    }
    std::sort(files.begin(), files.end());
    for (const std::string& x : files) {
        f += '\x1c' + x;
    }
    return f;
}

} // namespace

std::vector<std::string> ToolHost::load_dir(const std::string& dir) {
    ToolsDirLoad l = load_tools_dir(dir);
    for (ToolManifest& m : l.manifests) {
        add(std::move(m));
    }
    return l.errors;
}

ToolReload ToolHost::reload_dir(const std::string& dir) {
    ToolReload out;
    ToolsDirLoad l;
    if (!dir.empty()) {
        l = load_tools_dir(dir);
    }
    out.errors = std::move(l.errors);
    std::map<std::string, ToolManifest> wanted;
    for (ToolManifest& m : l.manifests) {
        std::string name = m.name;
        wanted.emplace(std::move(name), std::move(m));
    }
    std::vector<std::shared_ptr<ToolRunner>> retired; // stopped outside the lock
    {
        std::lock_guard lk(mu_);
        for (auto it = runners_.begin(); it != runners_.end();) {
            if (wanted.count(it->first) == 0) {
                out.removed.push_back(it->first);
                retired.push_back(std::move(it->second.runner));
                it = runners_.erase(it);
            } else {
                ++it;
            }
        }
        for (auto& [name, m] : wanted) {
            std::string fp = fingerprint(m);
            auto it = runners_.find(name);
            if (it != runners_.end() && it->second.fingerprint == fp) {
                out.unchanged.push_back(name);
                continue;
            }
            if (it != runners_.end()) {
                out.restarted.push_back(name);
                retired.push_back(std::move(it->second.runner));
            } else {
                out.added.push_back(name);
            }
            runners_[name] = Entry{std::make_shared<ToolRunner>(std::move(m)), std::move(fp)};
        }
    }
    for (auto& r : retired) {
        r->stop(); // pending calls answered Shutdown; workers killed and reaped
    }
    return out;
}

void ToolHost::add(ToolManifest m) {
    std::string name = m.name;
    std::string fp = fingerprint(m);
    auto runner = std::make_shared<ToolRunner>(std::move(m));
    std::lock_guard lk(mu_);
    runners_[name] = Entry{std::move(runner), std::move(fp)};
}

Submitted ToolHost::submit(std::string_view tool, std::string_view input_json, int64_t timeout_ns,
                           ToolCallback cb) {
    if (const std::shared_ptr<ToolRunner> r = find(tool)) {
        return r->submit(input_json, timeout_ns, std::move(cb));
    }
    Submitted out;
    out.call_id = next_call_id();
    ToolResult r;
    r.call_id = out.call_id;
    r.tool = std::string(tool);
    r.status = ToolCallStatus::UnknownTool;
    r.error_code = status_code(r.status);
    r.error_message = "no tool named \"" + std::string(tool) + "\" is loaded";
    out.refused = std::move(r);
    return out;
}

std::vector<ToolStats> ToolHost::stats() const {
    std::lock_guard lk(mu_);
    std::vector<ToolStats> out;
    for (const auto& [name, e] : runners_) {
        out.push_back(e.runner->stats());
    }
    return out;
}

std::vector<std::string> ToolHost::names() const {
    std::lock_guard lk(mu_);
    std::vector<std::string> out;
    for (const auto& [name, e] : runners_) {
        out.push_back(name);
    }
    return out;
}

std::shared_ptr<ToolRunner> ToolHost::find(std::string_view tool) const {
    std::lock_guard lk(mu_);
    auto it = runners_.find(tool);
    return it == runners_.end() ? nullptr : it->second.runner;
}

void ToolHost::stop() {
    std::vector<std::shared_ptr<ToolRunner>> all;
    {
        std::lock_guard lk(mu_);
        for (auto& [name, e] : runners_) {
            all.push_back(e.runner);
        }
    }
    for (auto& r : all) {
        r->stop();
    }
}

} // namespace sniper::tools
