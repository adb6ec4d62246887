// rpc/json_read.hpp — strict reading of JSON-RPC answers on simdjson's DOM
// (private to the rpc module: public headers stay free of simdjson). Every
// reader names the path it reads and, on refusal, what it expected and
// what it found ("result.value.lastValidBlockHeight: expected an unsigned
// integer, found string \"12\""). Integers are read as integers (u64 /
// i64), never through a double; decimal-string amounts are parsed exactly.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sniper::rpc::json {

using simdjson::dom::element;
using simdjson::dom::object;

// "string \"abc\"", "number 1.5", "null", "object {…}" (text cut at 60 chars).
std::string describe(element e);
// Cuts `s` for an error message.
std::string snippet(std::string_view s, size_t max = 80);

// Parses `text` into `out` with `parser`. nullopt on success, else the reason.
std::optional<std::string> parse(simdjson::dom::parser& parser, std::string_view text,
                                 element& out);

// Each reader: nullopt on success, else "path: expected …, found …".
std::optional<std::string> as_object(element e, std::string_view path, object& out);
std::optional<std::string> field(object o, std::string_view path, std::string_view key,
                                 element& out);
std::optional<std::string> as_u64(element e, std::string_view path, uint64_t& out);
std::optional<std::string> as_i64(element e, std::string_view path, int64_t& out);
std::optional<std::string> as_str(element e, std::string_view path, std::string_view& out);
std::optional<std::string> as_bool(element e, std::string_view path, bool& out);
std::optional<std::string> as_array(element e, std::string_view path, simdjson::dom::array& out);
// A decimal string of a u64 ("0".."18446744073709551615", no sign, no
// leading zeros beyond "0", no spaces).
std::optional<std::string> as_u64_string(element e, std::string_view path, uint64_t& out);

// Shorthands for a member of an object.
std::optional<std::string> u64_field(object o, std::string_view path, std::string_view key,
                                     uint64_t& out);
std::optional<std::string> str_field(object o, std::string_view path, std::string_view key,
                                     std::string_view& out);

std::string join(std::string_view path, std::string_view key);
std::string index(std::string_view path, size_t i);

// A JSON value as compact text.
std::string text(element e);

} // namespace sniper::rpc::json
