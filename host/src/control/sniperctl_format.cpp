// control/sniperctl_format.cpp — sniperctl's display helpers: fields of
// the response's JSON data as text, escaping, key/value lists and tables.
#include "control/sniperctl_format.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace sniper::sniperctl {

std::optional<dom::element> field(const dom::object& obj, std::string_view key) {
    dom::element e;
    if (obj.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) {
        return std::nullopt;
    }
    return e;
}

std::optional<Amount> amount_of(const dom::element& e) {
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    if (e.get_int64().get(i) == simdjson::SUCCESS) {
        return Amount{i < 0, i < 0 ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i)};
    }
    if (e.get_uint64().get(u) == simdjson::SUCCESS) {
        return Amount{false, u};
    }
    if (e.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && std::fabs(d) < 9.2e18) {
        const int64_t r = std::llround(d);
        return Amount{r < 0, r < 0 ? 0 - static_cast<uint64_t>(r) : static_cast<uint64_t>(r)};
    }
    return std::nullopt;
}

std::string format_sol(const Amount& a, bool show_plus) {
    uint64_t units = a.magnitude / 100000;
    if (a.magnitude % 100000 >= 50000) {
        ++units;
    }
    const char* sign =
        a.negative && a.magnitude != 0 ? "-" : (show_plus && a.magnitude != 0 ? "+" : "");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%04" PRIu64, sign, units / 10000, units % 10000);
    return buf;
}

std::string sol_field(const dom::object& obj, std::string_view key, bool show_plus) {
    const auto e = field(obj, key);
    if (!e) {
        return "-";
    }
    const auto a = amount_of(*e);
    return a ? format_sol(*a, show_plus) : "-";
}

std::string format_number(double d, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, d);
    return buf;
}

std::string text_field(const dom::object& obj, std::string_view key) {
    const auto e = field(obj, key);
    if (!e) {
        return "-";
    }
    std::string_view s;
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    bool b = false;
    if (e->get_string().get(s) == simdjson::SUCCESS) {
        return s.empty() ? "-" : std::string(s);
    }
    if (e->get_int64().get(i) == simdjson::SUCCESS) {
        return std::to_string(i);
    }
    if (e->get_uint64().get(u) == simdjson::SUCCESS) {
        return std::to_string(u);
    }
    if (e->get_double().get(d) == simdjson::SUCCESS) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g", d);
        return buf;
    }
    if (e->get_bool().get(b) == simdjson::SUCCESS) {
        return b ? "yes" : "no";
    }
    return simdjson::minify(*e);
}

std::string duration_field(const dom::object& obj, std::string_view key) {
    const auto e = field(obj, key);
    std::optional<Amount> a;
    if (e) {
        a = amount_of(*e);
    }
    if (!a || a->negative) {
        return text_field(obj, key);
    }
    const uint64_t s = a->magnitude;
    char buf[64];
    if (s < 60) {
        std::snprintf(buf, sizeof buf, "%" PRIu64 "s", s);
    } else if (s < 3600) {
        std::snprintf(buf, sizeof buf, "%" PRIu64 "m %02" PRIu64 "s", s / 60, s % 60);
    } else if (s < 86400) {
        std::snprintf(buf, sizeof buf, "%" PRIu64 "h %02" PRIu64 "m %02" PRIu64 "s", s / 3600,
                      s / 60 % 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%" PRIu64 "d %02" PRIu64 "h %02" PRIu64 "m", s / 86400,
                      s / 3600 % 24, s / 60 % 60);
    }
    return buf;
}

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out;
}

void print_key_values(const std::vector<std::pair<std::string, std::string>>& rows) {
    std::size_t width = 0;
    for (const auto& [k, v] : rows) {
        width = std::max(width, k.size() + 1);
    }
    for (const auto& [k, v] : rows) {
        const std::string label = k + ":";
        std::printf("%-*s %s\n", static_cast<int>(width), label.c_str(), printable(v).c_str());
    }
}


void print_table(const std::vector<Column>& columns,
                 const std::vector<std::vector<std::string>>& raw_rows) {
    std::vector<std::vector<std::string>> rows = raw_rows;
    for (auto& row : rows) {
        for (auto& cell : row) {
            cell = printable(cell);
        }
    }
    std::vector<std::size_t> width(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
        width[c] = std::strlen(columns[c].header);
        for (const auto& row : rows) {
            width[c] = std::max(width[c], row[c].size());
        }
    }
    auto print_row = [&](auto cell_at) {
        std::string line;
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const std::string cell = cell_at(c);
            const std::size_t pad = width[c] - cell.size();
            const bool last = c + 1 == columns.size();
            if (c > 0) {
                line += "  ";
            }
            if (columns[c].right_align) {
                line.append(pad, ' ');
                line += cell;
            } else {
                line += cell;
                if (!last) {
                    line.append(pad, ' ');
                }
            }
        }
        std::printf("%s\n", line.c_str());
    };
    print_row([&](std::size_t c) { return std::string(columns[c].header); });
    for (const auto& row : rows) {
        print_row([&](std::size_t c) { return row[c]; });
    }
}

std::optional<dom::array> list_field(const dom::object& d, std::string_view key) {
    dom::array arr;
    if (d.at_key(key).get_array().get(arr) != simdjson::SUCCESS) {
        std::fprintf(stderr, "sniperctl: the response has no \"%.*s\" list\n",
                     static_cast<int>(key.size()), key.data());
        return std::nullopt;
    }
    return arr;
}

} // namespace sniper::sniperctl
