// control/sniperctl_format.hpp — the pieces sniperctl's renderers are made
// of: reading a field of the response's JSON data as display text (SOL with
// 4 decimals in integer arithmetic, durations, any scalar), escaping daemon
// text so it cannot forge output or recolour the terminal, and printing
// key/value lists and aligned tables. Private to sniperctl_render.cpp.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sniper::sniperctl {

namespace dom = simdjson::dom;

// A signed amount of base units that may exceed int64 on the positive side.
struct Amount {
    bool negative = false;
    uint64_t magnitude = 0;
};

// The member `key` of obj; nullopt when it is missing or null.
std::optional<dom::element> field(const dom::object& obj, std::string_view key);
// An integer (or a finite double, rounded) as an Amount.
std::optional<Amount> amount_of(const dom::element& e);

// Lamports as SOL with 4 decimals, rounded half away from zero in integer
// arithmetic (1 SOL = 1e9 lamports; 0.0001 SOL = 100000 lamports).
std::string format_sol(const Amount& a, bool show_plus);
std::string sol_field(const dom::object& obj, std::string_view key, bool show_plus);
std::string format_number(double d, int decimals);
// Any scalar as display text; missing, null and empty strings are "-".
std::string text_field(const dom::object& obj, std::string_view key);
// Seconds as "45s", "3m 05s", "2h 03m 04s", "1d 02h 03m".
std::string duration_field(const dom::object& obj, std::string_view key);

// Text from the daemon (kill reasons, strategy names, errors) as one line
// of plain characters: control bytes (newline, ESC of ANSI sequences, ...)
// are shown escaped, so no text can forge a line of output such as
// "trading state: ACTIVE" or recolour the terminal.
std::string printable(std::string_view text);

// Values go through printable().
void print_key_values(const std::vector<std::pair<std::string, std::string>>& rows);

struct Column {
    const char* header;
    bool right_align;
};

// Cells go through printable(); columns are padded to their widest cell.
void print_table(const std::vector<Column>& columns,
                 const std::vector<std::vector<std::string>>& raw_rows);

// The array under `key`, or nullopt (with a message) when it is not one.
std::optional<dom::array> list_field(const dom::object& d, std::string_view key);

} // namespace sniper::sniperctl
