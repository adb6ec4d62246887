// rpc/json_read.cpp — path-naming readers over simdjson's DOM.
#include "rpc/json_read.hpp"

namespace sniper::rpc::json {

std::string snippet(std::string_view s, size_t max) {
    std::string out;
    for (const char c : s.substr(0, max)) {
        out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
    }
    if (s.size() > max) {
        out += "…";
    }
    return out;
}

std::string text(element e) {
    return simdjson::minify(e);
}

std::string describe(element e) {
    using simdjson::dom::element_type;
    const std::string t = snippet(text(e), 60);
    switch (e.type()) {
    case element_type::ARRAY:
        return "array " + t;
    case element_type::OBJECT:
        return "object " + t;
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
        return "number " + t;
    case element_type::STRING:
        return "string " + t;
    case element_type::BOOL:
        return "bool " + t;
    case element_type::NULL_VALUE:
        return "null";
    }
    return t;
}

std::optional<std::string> parse(simdjson::dom::parser& parser, std::string_view text_in,
                                 element& out) {
    if (text_in.empty()) {
        return std::string("expected a JSON document, found an empty body");
    }
    const auto err = parser.parse(text_in.data(), text_in.size(), true).get(out);
    if (err == simdjson::SUCCESS) {
        return std::nullopt;
    }
    if (err == simdjson::NUMBER_ERROR) {
        return "expected JSON whose integers fit in 64 bits, found a number out of range in " +
               snippet(text_in);
    }
    return "expected JSON, found " + snippet(text_in) + " (" + simdjson::error_message(err) + ")";
}

std::string join(std::string_view path, std::string_view key) {
    std::string s(path);
    if (!s.empty()) {
        s += '.';
    }
    s += key;
    return s;
}

std::string index(std::string_view path, size_t i) {
    return std::string(path) + "[" + std::to_string(i) + "]";
}

std::optional<std::string> as_object(element e, std::string_view path, object& out) {
    if (e.get(out) != simdjson::SUCCESS) {
        return std::string(path) + ": expected an object, found " + describe(e);
    }
    return std::nullopt;
}

std::optional<std::string> field(object o, std::string_view path, std::string_view key,
                                 element& out) {
    if (o[key].get(out) != simdjson::SUCCESS) {
        return join(path, key) + ": expected a member, found none";
    }
    return std::nullopt;
}

std::optional<std::string> as_u64(element e, std::string_view path, uint64_t& out) {
    using simdjson::dom::element_type;
    if (e.type() == element_type::UINT64 || e.type() == element_type::INT64) {
        if (e.get(out) == simdjson::SUCCESS) {
            return std::nullopt;
        }
    }
    return std::string(path) + ": expected an unsigned integer, found " + describe(e);
}

std::optional<std::string> as_i64(element e, std::string_view path, int64_t& out) {
    using simdjson::dom::element_type;
    if (e.type() == element_type::UINT64 || e.type() == element_type::INT64) {
        if (e.get(out) == simdjson::SUCCESS) {
            return std::nullopt;
        }
    }
    return std::string(path) + ": expected a 64-bit integer, found " + describe(e);
}

std::optional<std::string> as_str(element e, std::string_view path, std::string_view& out) {
    if (e.get(out) != simdjson::SUCCESS) {
        return std::string(path) + ": expected a string, found " + describe(e);
    }
    return std::nullopt;
}

std::optional<std::string> as_bool(element e, std::string_view path, bool& out) {
    if (e.get(out) != simdjson::SUCCESS) {
        return std::string(path) + ": expected true or false, found " + describe(e);
    }
    return std::nullopt;
}

std::optional<std::string> as_array(element e, std::string_view path, simdjson::dom::array& out) {
    if (e.get(out) != simdjson::SUCCESS) {
        return std::string(path) + ": expected an array, found " + describe(e);
    }
    return std::nullopt;
}

std::optional<std::string> as_u64_string(element e, std::string_view path, uint64_t& out) {
    std::string_view s;
    if (auto err = as_str(e, path, s)) {
        return std::string(path) + ": expected a decimal string of an unsigned integer, found " +
               describe(e);
    }
    const auto bad = [&] {
        return std::string(path) + ": expected a decimal string of a u64, found \"" +
               snippet(s, 40) + "\"";
    };
    if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) {
        return bad();
    }
    uint64_t v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return bad();
        }
        const uint64_t d = static_cast<uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) {
            return bad();
        }
        v = v * 10 + d;
    }
    out = v;
    return std::nullopt;
}

std::optional<std::string> u64_field(object o, std::string_view path, std::string_view key,
                                     uint64_t& out) {
    element e;
    if (auto err = field(o, path, key, e)) {
        return err;
    }
    return as_u64(e, join(path, key), out);
}

std::optional<std::string> str_field(object o, std::string_view path, std::string_view key,
                                     std::string_view& out) {
    element e;
    if (auto err = field(o, path, key, e)) {
        return err;
    }
    return as_str(e, join(path, key), out);
}

} // namespace sniper::rpc::json
