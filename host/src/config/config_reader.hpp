// config/config_reader.hpp — typed, strict access to a parsed TOML tree for
// the config loader: every getter validates type and range, resolves
// ${SNIPER_*} references in strings, and records a positioned ConfigError
// instead of stopping, so one pass reports every problem in the file.
// Internal to the config module.
#pragma once

#include "config/config.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sniper::config_detail {

// An inclusive integer range; the TOML integer must lie in [lo, hi].
struct IntRange {
    int64_t lo;
    int64_t hi;
};

// A real range with open or closed ends, e.g. (0, 6000].
struct NumRange {
    double lo;
    bool lo_open;
    double hi;
    bool hi_open;
};

// A string value after ${...} resolution. `raw` is the text as written in
// the file: the only form that may appear in an error, since `value` can
// hold a secret.
struct StringValue {
    std::string value;
    std::string raw;
};

class Reader {
  public:
    Reader(std::string file, const EnvLookup& env) : file_(std::move(file)), env_(env) {}

    void error(const toml::source_region& where, std::string message);
    void error(const toml::node& where, std::string message) {
        error(where.source(), std::move(message));
    }
    // The collected errors, sorted by position (positionless ones last).
    std::vector<ConfigError> take_errors();
    bool ok() const { return errors_.empty(); }

    // Reports every key of `t` that is not in `known` as unknown, naming the
    // full dotted key and suggesting the closest known key when one is near.
    void check_keys(const toml::table& t, const std::string& prefix,
                    std::initializer_list<std::string_view> known) {
        check_keys(t, prefix, std::span<const std::string_view>(known.begin(), known.size()));
    }
    void check_keys(const toml::table& t, const std::string& prefix,
                    std::span<const std::string_view> known);

    // Each getter returns nullopt when the key is absent (no error) or
    // invalid (error recorded). `prefix` is the dotted path of `t`.
    const toml::table* table(const toml::table& t, std::string_view key, const std::string& prefix);
    std::optional<bool> boolean(const toml::table& t, std::string_view key,
                                const std::string& prefix);
    std::optional<StringValue> string(const toml::table& t, std::string_view key,
                                      const std::string& prefix);
    // A string that must be one of `choices`.
    std::optional<std::string> choice(const toml::table& t, std::string_view key,
                                      const std::string& prefix,
                                      std::initializer_list<std::string_view> choices);
    std::optional<int64_t> integer(const toml::table& t, std::string_view key,
                                   const std::string& prefix, IntRange range);
    // A finite TOML float or integer within `range`.
    std::optional<double> number(const toml::table& t, std::string_view key,
                                 const std::string& prefix, NumRange range);
    // An amount in SOL (float or integer, 0..1e9) converted exactly to
    // lamports. `positive` additionally requires at least one lamport.
    std::optional<uint64_t> sol_lamports(const toml::table& t, std::string_view key,
                                         const std::string& prefix, bool positive);
    // A duration string ("400ms") in nanoseconds; `positive` rejects zero.
    std::optional<int64_t> duration_ns(const toml::table& t, std::string_view key,
                                       const std::string& prefix, bool positive);

    // Resolves ${SNIPER_*} references in a string found at `node`; nullopt
    // (with an error naming `path`) when a reference is malformed, not
    // SNIPER_*, or unset. "$${" stands for a literal "${".
    std::optional<std::string> resolve_env(std::string_view text, const toml::node& node,
                                           const std::string& path);

  private:
    std::string file_;
    const EnvLookup& env_;
    std::vector<ConfigError> errors_;
};

// "a.b" + "c" -> "a.b.c"; keys that are not bare TOML keys are quoted.
std::string join_key(const std::string& prefix, std::string_view key);
// How a node is described after "found": `string "abc"`, `float nan`, `table`.
std::string describe_found(const toml::node& n);
// The closest of `candidates` to `key` if it is near enough to be a typo.
std::optional<std::string_view> closest_key(std::string_view key,
                                            std::span<const std::string_view> candidates);
inline std::optional<std::string_view>
closest_key(std::string_view key, std::initializer_list<std::string_view> candidates) {
    return closest_key(key,
                       std::span<const std::string_view>(candidates.begin(), candidates.size()));
}
// A JSON-quoted, length-capped rendering of text for messages.
std::string quote(std::string_view text);

} // namespace sniper::config_detail
