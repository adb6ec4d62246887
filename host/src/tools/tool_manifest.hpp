// tools/tool_manifest.hpp — the manifest of an external tool
// (tools/ai/<name>/manifest.toml, described in tools/ai/PROTOCOL.md), read
// strictly: an unknown key, a wrong type or an out-of-range value is an
// error naming the key, and every error is reported at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sniper::tools {

enum class ToolMode : int { LongLived = 1, OneShot = 2 };

struct ToolManifest {
    std::string name;
    std::string description;
    std::vector<std::string> command;  // argv; command[0] resolved at spawn
    std::filesystem::path tool_dir;    // the folder holding manifest.toml
    std::filesystem::path working_dir; // absolute
    ToolMode mode = ToolMode::LongLived;
    uint32_t workers = 1;
    uint32_t max_concurrent = 16;
    int64_t timeout_ms = 5000;
    uint64_t max_response_bytes = 1024 * 1024;
    int64_t backoff_initial_ms = 100;
    int64_t backoff_max_ms = 10000;
    std::vector<std::string> env; // names passed through from the host's environment
};

struct ManifestLoad {
    std::optional<ToolManifest> manifest;
    std::vector<std::string> errors; // "path: key: expected ..., found ..."
};

// Reads <tool_dir>/manifest.toml.
ManifestLoad load_tool_manifest(const std::filesystem::path& tool_dir);

struct ToolsDirLoad {
    std::vector<ToolManifest> manifests; // sorted by name
    std::vector<std::string> errors;     // tools with errors are left out
};

// Reads every <dir>/<name>/manifest.toml. A missing dir is an error.
ToolsDirLoad load_tools_dir(const std::filesystem::path& dir);

} // namespace sniper::tools
