// core/json.hpp — a small JSON writer for logs, the control protocol and the
// replay format. Parsing is done with simdjson; this only writes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sniper {

// Appends `s` to `out` as a JSON string literal (quotes included), escaping
// control characters, quotes and backslashes. Invalid UTF-8 is passed through.
void json_escape_to(std::string& out, std::string_view s);

// Builds one JSON value into a string. Keys and commas are handled for the
// caller: call key() before each member value inside an object.
class JsonWriter {
  public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);
    JsonWriter& value(std::string_view v);
    JsonWriter& value(const char* v) { return value(std::string_view(v)); }
    JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
    JsonWriter& value(int64_t v);
    JsonWriter& value(uint64_t v);
    JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
    JsonWriter& value(unsigned v) { return value(static_cast<uint64_t>(v)); }
    JsonWriter& value(double v); // non-finite values are written as null
    JsonWriter& value(bool v);
    JsonWriter& null();
    JsonWriter& raw(std::string_view json); // an already-encoded JSON value

    template <class T> JsonWriter& kv(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }

    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }
    void clear() {
        out_.clear();
        need_comma_ = false;
    }

  private:
    void sep();
    std::string out_;
    bool need_comma_ = false;
};

} // namespace sniper
