#include "core/json.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace sniper {

void json_escape_to(std::string& out, std::string_view s) {
    out.push_back('"');
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (u < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", u);
                out += buf;
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

void JsonWriter::sep() {
    if (need_comma_) {
        out_.push_back(',');
    }
}

JsonWriter& JsonWriter::begin_object() {
    sep();
    out_.push_back('{');
    need_comma_ = false;
    return *this;
}
JsonWriter& JsonWriter::end_object() {
    out_.push_back('}');
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::begin_array() {
    sep();
    out_.push_back('[');
    need_comma_ = false;
    return *this;
}
JsonWriter& JsonWriter::end_array() {
    out_.push_back(']');
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
    sep();
    json_escape_to(out_, k);
    out_.push_back(':');
    need_comma_ = false;
    return *this;
}
JsonWriter& JsonWriter::value(std::string_view v) {
    sep();
    json_escape_to(out_, v);
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::value(int64_t v) {
    sep();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::value(uint64_t v) {
    sep();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::value(double v) {
    sep();
    if (!std::isfinite(v)) {
        out_ += "null";
    } else {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, v);
        out_.append(buf, r.ptr);
    }
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::value(bool v) {
    sep();
    out_ += v ? "true" : "false";
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::null() {
    sep();
    out_ += "null";
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::raw(std::string_view json) {
    sep();
    out_.append(json);
    need_comma_ = true;
    return *this;
}

} // namespace sniper
