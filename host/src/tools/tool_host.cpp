#include "tools/tool_runner.hpp"

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

std::vector<std::string> ToolHost::load_dir(const std::string& dir) {
    ToolsDirLoad l = load_tools_dir(dir);
    for (ToolManifest& m : l.manifests) {
        add(std::move(m));
    }
    return l.errors;
}

void ToolHost::add(ToolManifest m) {
    std::string name = m.name;
    runners_[name] = std::make_unique<ToolRunner>(std::move(m));
}

Submitted ToolHost::submit(std::string_view tool, std::string_view input_json, int64_t timeout_ns,
                           ToolCallback cb) {
    if (ToolRunner* r = find(tool)) {
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
    std::vector<ToolStats> out;
    for (const auto& [name, r] : runners_) {
        out.push_back(r->stats());
    }
    return out;
}

std::vector<std::string> ToolHost::names() const {
    std::vector<std::string> out;
    for (const auto& [name, r] : runners_) {
        out.push_back(name);
    }
    return out;
}

ToolRunner* ToolHost::find(std::string_view tool) {
    auto it = runners_.find(tool);
    return it == runners_.end() ? nullptr : it->second.get();
}

void ToolHost::stop() {
    for (auto& [name, r] : runners_) {
        r->stop();
    }
}

} // namespace sniper::tools
