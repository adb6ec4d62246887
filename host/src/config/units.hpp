// config/units.hpp — conversions from the human units written in the config
// file (durations like "400ms", SOL amounts, percentages) to the integers
// used inside the daemon (ns, lamports, bps). Pure functions, no TOML.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sniper::config_units {

// Parses "<number><unit>" with unit ns|us|ms|s|m|h, e.g. "400ms", "1.5s",
// "2h". The number is decimal digits with an optional fraction; no sign, no
// exponent, no spaces. Sub-nanosecond remainders round half away from zero.
// nullopt when malformed or beyond int64 nanoseconds.
std::optional<int64_t> parse_duration_ns(std::string_view text);

// The expected form, for error messages.
inline constexpr std::string_view kDurationForm =
    "a duration like \"400ms\", \"1.5s\" or \"2h\" (a number >= 0 followed by ns, us, ms, s, m or "
    "h)";

// Returns round(v * 10^decimals), half away from zero, computed on the
// shortest decimal text of v (what the user wrote) rather than in binary
// floating point, so 0.1 SOL is exactly 100000000 lamports. v must be finite,
// >= 0 and v * 10^decimals must fit in uint64 (callers check the range first).
uint64_t scale_decimal(double v, int decimals);

// Shortest round-trip text of a double ("0.1", "6000", "1e+20", "nan").
std::string format_number(double v);

} // namespace sniper::config_units
