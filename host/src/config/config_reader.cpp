#include "config/config_reader.hpp"

#include "config/units.hpp"
#include "core/json.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace sniper::config_detail {

namespace {

constexpr double kMaxSol = 1e9;

bool is_bare_key(std::string_view k) {
    if (k.empty()) {
        return false;
    }
    return std::all_of(k.begin(), k.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    });
}

// Optimal string alignment distance: Levenshtein plus adjacent
// transpositions, so "sede" is one edit from "seed".
size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string describe_range(const IntRange& r) {
    if (r.hi == std::numeric_limits<int64_t>::max()) {
        return ">= " + std::to_string(r.lo);
    }
    return "between " + std::to_string(r.lo) + " and " + std::to_string(r.hi);
}

std::string describe_range(const NumRange& r) {
    using config_units::format_number;
    if (!r.lo_open && !r.hi_open) {
        return "between " + format_number(r.lo) + " and " + format_number(r.hi);
    }
    return std::string(r.lo_open ? "> " : ">= ") + format_number(r.lo) + " and " +
           (r.hi_open ? "< " : "<= ") + format_number(r.hi);
}

bool in_range(double v, const NumRange& r) {
    const bool lo_ok = r.lo_open ? v > r.lo : v >= r.lo;
    const bool hi_ok = r.hi_open ? v < r.hi : v <= r.hi;
    return lo_ok && hi_ok;
}

} // namespace

std::string quote(std::string_view text) {
    constexpr size_t kMaxShown = 80;
    std::string out;
    if (text.size() > kMaxShown) {
        json_escape_to(out, text.substr(0, kMaxShown));
        out.insert(out.size() - 1, "...");
    } else {
        json_escape_to(out, text);
    }
    return out;
}

std::string join_key(const std::string& prefix, std::string_view key) {
    std::string k = is_bare_key(key) ? std::string(key) : quote(key);
    return prefix.empty() ? k : prefix + "." + k;
}

std::string describe_found(const toml::node& n) {
    std::ostringstream os;
    switch (n.type()) {
    case toml::node_type::string:
        return "string " + quote(n.as_string()->get());
    case toml::node_type::integer:
        return "integer " + std::to_string(n.as_integer()->get());
    case toml::node_type::floating_point:
        return "float " + config_units::format_number(n.as_floating_point()->get());
    case toml::node_type::boolean:
        return std::string("boolean ") + (n.as_boolean()->get() ? "true" : "false");
    case toml::node_type::date:
        os << "date " << n.as_date()->get();
        return os.str();
    case toml::node_type::time:
        os << "time " << n.as_time()->get();
        return os.str();
    case toml::node_type::date_time:
        os << "date-time " << n.as_date_time()->get();
        return os.str();
    case toml::node_type::array:
        return "array";
    case toml::node_type::table:
        return "table";
    case toml::node_type::none:
        break;
    }
    return "nothing";
}

std::optional<std::string_view> closest_key(std::string_view key,
                                            std::span<const std::string_view> candidates) {
    const std::string key_lower = lower(key);
    // Allow roughly one edit per three characters, at least one, at most three.
    const size_t budget = std::max<size_t>(1, std::min<size_t>(3, (key.size() + 1) / 3));
    std::optional<std::string_view> best;
    size_t best_d = budget + 1;
    for (const std::string_view c : candidates) {
        const size_t d = edit_distance(key_lower, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

void Reader::error(const toml::source_region& where, std::string message) {
    errors_.push_back(ConfigError{file_, static_cast<uint32_t>(where.begin.line),
                                  static_cast<uint32_t>(where.begin.column), std::move(message)});
}

std::vector<ConfigError> Reader::take_errors() {
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const ConfigError& a, const ConfigError& b) {
                         // Positionless errors (line 0) go last: they concern the file as a whole.
                         const uint32_t la = a.line == 0 ? UINT32_MAX : a.line;
                         const uint32_t lb = b.line == 0 ? UINT32_MAX : b.line;
                         if (la != lb) {
                             return la < lb;
                         }
                         return a.column < b.column;
                     });
    return std::move(errors_);
}

void Reader::check_keys(const toml::table& t, const std::string& prefix,
                        std::span<const std::string_view> known) {
    for (auto&& [k, v] : t) {
        const std::string_view name = k.str();
        if (std::find(known.begin(), known.end(), name) != known.end()) {
            continue;
        }
        std::string msg = "unknown key '" + join_key(prefix, name) + "'";
        if (const auto near = closest_key(name, known)) {
            msg += "; did you mean '" + std::string(*near) + "'?";
        }
        // The key's own position is where the typo is; implicit tables may
        // lack one, so fall back to the value's.
        error(k.source().begin.line != 0 ? k.source() : v.source(), std::move(msg));
    }
}

const toml::table* Reader::table(const toml::table& t, std::string_view key,
                                 const std::string& prefix) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        return nullptr;
    }
    if (!n->is_table()) {
        error(*n, "'" + join_key(prefix, key) + "' must be a table, found " + describe_found(*n));
        return nullptr;
    }
    return n->as_table();
}

std::optional<bool> Reader::boolean(const toml::table& t, std::string_view key,
                                    const std::string& prefix) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        return std::nullopt;
    }
    if (!n->is_boolean()) {
        error(*n, "'" + join_key(prefix, key) + "' must be a boolean (true or false), found " +
                      describe_found(*n));
        return std::nullopt;
    }
    return n->as_boolean()->get();
}

std::optional<StringValue> Reader::string(const toml::table& t, std::string_view key,
                                          const std::string& prefix) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        return std::nullopt;
    }
    const std::string path = join_key(prefix, key);
    if (!n->is_string()) {
        error(*n, "'" + path + "' must be a string, found " + describe_found(*n));
        return std::nullopt;
    }
    const std::string& raw = n->as_string()->get();
    auto resolved = resolve_env(raw, *n, path);
    if (!resolved) {
        return std::nullopt;
    }
    return StringValue{std::move(*resolved), raw};
}

std::optional<std::string> Reader::choice(const toml::table& t, std::string_view key,
                                          const std::string& prefix,
                                          std::initializer_list<std::string_view> choices) {
    auto s = string(t, key, prefix);
    if (!s) {
        return std::nullopt;
    }
    if (std::find(choices.begin(), choices.end(), s->value) != choices.end()) {
        return std::move(s->value);
    }
    std::string list;
    for (const std::string_view c : choices) {
        list += (list.empty() ? "\"" : ", \"") + std::string(c) + "\"";
    }
    error(*t.get(key),
          "'" + join_key(prefix, key) + "' must be one of " + list + ", found " + quote(s->raw));
    return std::nullopt;
}

std::optional<int64_t> Reader::integer(const toml::table& t, std::string_view key,
                                       const std::string& prefix, IntRange range) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        return std::nullopt;
    }
    const std::string path = join_key(prefix, key);
    if (!n->is_integer()) {
        error(*n, "'" + path + "' must be an integer, found " + describe_found(*n));
        return std::nullopt;
    }
    const int64_t v = n->as_integer()->get();
    if (v < range.lo || v > range.hi) {
        error(*n,
              "'" + path + "' must be " + describe_range(range) + ", found " + std::to_string(v));
        return std::nullopt;
    }
    return v;
}

std::optional<double> Reader::number(const toml::table& t, std::string_view key,
                                     const std::string& prefix, NumRange range) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        return std::nullopt;
    }
    const std::string path = join_key(prefix, key);
    double v = 0;
    if (n->is_integer()) {
        v = static_cast<double>(n->as_integer()->get());
    } else if (n->is_floating_point()) {
        v = n->as_floating_point()->get();
    } else {
        error(*n, "'" + path + "' must be a number, found " + describe_found(*n));
        return std::nullopt;
    }
    if (!std::isfinite(v)) {
        error(*n,
              "'" + path + "' must be a finite number, found " + config_units::format_number(v));
        return std::nullopt;
    }
    if (!in_range(v, range)) {
        error(*n, "'" + path + "' must be " + describe_range(range) + ", found " +
                      config_units::format_number(v));
        return std::nullopt;
    }
    return v;
}

std::optional<uint64_t> Reader::sol_lamports(const toml::table& t, std::string_view key,
                                             const std::string& prefix, bool positive) {
    const NumRange range{0, positive, kMaxSol, false};
    const auto sol = number(t, key, prefix, range);
    if (!sol) {
        return std::nullopt;
    }
    const uint64_t lamports = config_units::scale_decimal(*sol, 9);
    if (positive && lamports == 0) {
        error(*t.get(key), "'" + join_key(prefix, key) +
                               "' must be at least 1 lamport (0.000000001 SOL), found " +
                               config_units::format_number(*sol));
        return std::nullopt;
    }
    return lamports;
}

std::optional<int64_t> Reader::duration_ns(const toml::table& t, std::string_view key,
                                           const std::string& prefix, bool positive) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        return std::nullopt;
    }
    const std::string path = join_key(prefix, key);
    if (!n->is_string()) {
        error(*n, "'" + path + "' must be " + std::string(config_units::kDurationForm) +
                      ", found " + describe_found(*n));
        return std::nullopt;
    }
    const auto s = string(t, key, prefix);
    if (!s) {
        return std::nullopt;
    }
    const auto ns = config_units::parse_duration_ns(s->value);
    if (!ns) {
        error(*n, "'" + path + "' must be " + std::string(config_units::kDurationForm) +
                      ", found " + quote(s->raw));
        return std::nullopt;
    }
    if (positive && *ns == 0) {
        error(*n, "'" + path + "' must be > 0, found " + quote(s->raw));
        return std::nullopt;
    }
    return ns;
}

std::optional<std::string> Reader::resolve_env(std::string_view text, const toml::node& node,
                                               const std::string& path) {
    std::string out;
    bool ok = true;
    size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 3, "$${") == 0) {
            out += "${";
            i += 3;
            continue;
        }
        if (text.compare(i, 2, "${") != 0) {
            out += text[i];
            ++i;
            continue;
        }
        const size_t close = text.find('}', i + 2);
        if (close == std::string_view::npos) {
            error(node, "'" + path +
                            "' has an unterminated ${ reference; write ${SNIPER_NAME}, or $${ for "
                            "a literal ${");
            return std::nullopt;
        }
        const std::string_view name = text.substr(i + 2, close - i - 2);
        i = close + 1;
        const bool well_formed = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '_';
        });
        if (!well_formed) {
            error(node, "'" + path + "' has a malformed reference ${" + std::string(name) +
                            "}; expected ${SNIPER_NAME} (letters, digits and _)");
            ok = false;
            continue;
        }
        // Only SNIPER_* variables: a config must not be able to pull in
        // arbitrary process environment (HOME, AWS_SECRET_ACCESS_KEY, ...).
        if (name.substr(0, 7) != "SNIPER_") {
            error(node,
                  "'" + path + "' references ${" + std::string(name) +
                      "}; only environment variables starting with SNIPER_ may be referenced");
            ok = false;
            continue;
        }
        const auto value = env_ ? env_(std::string(name)) : std::nullopt;
        if (!value) {
            // The name is fine to print; the value never is.
            error(node, "'" + path + "' references ${" + std::string(name) +
                            "}, but that environment variable is not set");
            ok = false;
            continue;
        }
        out += *value;
    }
    if (!ok) {
        return std::nullopt;
    }
    return out;
}

} // namespace sniper::config_detail
