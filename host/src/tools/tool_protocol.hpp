// tools/tool_protocol.hpp — the host's side of the tool line protocol
// (tools/ai/PROTOCOL.md): checking a caller's input object, writing a
// request line and checking a response line strictly (shape, version, id).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sniper::tools {

// Checks that `json` is one JSON object and returns it minified (one line,
// no newline inside); nullopt with `error` set otherwise.
std::optional<std::string> minify_input_object(std::string_view json, std::string* error);

// {"v":1,"id":...,"tool":...,"deadline_ms":...,"input":...}\n
std::string make_request_line(std::string_view id, std::string_view tool, int64_t deadline_ms,
                              std::string_view input_min);

struct ParsedResponse {
    enum class Kind : int { Ok = 1, ToolError = 2, Invalid = 3 };
    Kind kind = Kind::Invalid;
    std::string output_json; // Ok: the output object, minified
    std::string code;        // ToolError: the tool's error code
    std::string message;     // ToolError: its message; Invalid: what was wrong
    std::string field;       // ToolError: the optional field
};

// Checks one response line (newline excluded) against the id expected.
ParsedResponse parse_response_line(std::string_view line, std::string_view expected_id);

} // namespace sniper::tools
