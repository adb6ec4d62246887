// sniper/params.hpp — reads a strategy's parameters: the flat JSON object
// the host passes to create() (its [strategies.<name>] table). Header-only,
// no dependencies. Numbers, strings and booleans at the top level are
// available; nested arrays and objects are skipped. Malformed JSON throws
// std::invalid_argument (the wrapper turns it into a failed create).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sniper {

class Params {
  public:
    explicit Params(std::string_view json) { parse(json); }

    bool has(const std::string& key) const { return values_.count(key) != 0; }

    double number(const std::string& key, double fallback) const {
        auto it = values_.find(key);
        if (it == values_.end()) {
            return fallback;
        }
        if (it->second.kind != Kind::Number) {
            throw std::invalid_argument("parameter '" + key + "' must be a number");
        }
        return it->second.number;
    }
    std::string string(const std::string& key, const std::string& fallback) const {
        auto it = values_.find(key);
        if (it == values_.end()) {
            return fallback;
        }
        if (it->second.kind != Kind::String) {
            throw std::invalid_argument("parameter '" + key + "' must be a string");
        }
        return it->second.text;
    }
    bool boolean(const std::string& key, bool fallback) const {
        auto it = values_.find(key);
        if (it == values_.end()) {
            return fallback;
        }
        if (it->second.kind != Kind::Bool) {
            throw std::invalid_argument("parameter '" + key + "' must be true or false");
        }
        return it->second.boolean;
    }
    // A SOL amount as lamports; must be finite and > 0.
    uint64_t lamports(const std::string& key, double fallback_sol) const {
        const double sol = number(key, fallback_sol);
        if (!std::isfinite(sol) || sol <= 0 || sol > 1e6) {
            throw std::invalid_argument("parameter '" + key + "' must be a SOL amount > 0");
        }
        return static_cast<uint64_t>(std::llround(sol * 1e9));
    }
    // A duration string ("10m", "30s", "500ms", "2h") or a number of seconds.
    int64_t duration_ns(const std::string& key, int64_t fallback_ns) const {
        auto it = values_.find(key);
        if (it == values_.end()) {
            return fallback_ns;
        }
        if (it->second.kind == Kind::Number) {
            const double secs = it->second.number;
            if (!(secs >= 0) || secs > 1e9) {
                throw std::invalid_argument("parameter '" + key + "' must be a duration >= 0");
            }
            return static_cast<int64_t>(secs * 1e9);
        }
        const std::string& s = it->second.text;
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        const std::string unit(end);
        double scale = 0;
        if (unit == "ms") {
            scale = 1e6;
        } else if (unit == "s") {
            scale = 1e9;
        } else if (unit == "m") {
            scale = 60e9;
        } else if (unit == "h") {
            scale = 3600e9;
        }
        if (end == s.c_str() || scale == 0 || !(v >= 0)) {
            throw std::invalid_argument("parameter '" + key + "' must be a duration like 30s or 10m");
        }
        return static_cast<int64_t>(v * scale);
    }

  private:
    enum class Kind { Number, String, Bool, Other };
    struct Value {
        Kind kind = Kind::Other;
        double number = 0;
        bool boolean = false;
        std::string text;
    };

    [[noreturn]] static void bad(const char* what) {
        throw std::invalid_argument(std::string("params JSON: ") + what);
    }
    void ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) {
            ++i_;
        }
    }
    std::string str() {
        if (i_ >= s_.size() || s_[i_] != '"') {
            bad("expected a string");
        }
        ++i_;
        std::string out;
        while (i_ < s_.size() && s_[i_] != '"') {
            if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
                ++i_;
                const char c = s_[i_];
                out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
            } else {
                out.push_back(s_[i_]);
            }
            ++i_;
        }
        if (i_ >= s_.size()) {
            bad("unterminated string");
        }
        ++i_;
        return out;
    }
    void skip_nested(char open, char close) {
        int depth = 0;
        while (i_ < s_.size()) {
            const char c = s_[i_];
            if (c == '"') {
                str();
                continue;
            }
            if (c == open) {
                ++depth;
            } else if (c == close && --depth == 0) {
                ++i_;
                return;
            }
            ++i_;
        }
        bad("unterminated array or object");
    }
    Value value() {
        ws();
        Value v;
        if (i_ >= s_.size()) {
            bad("expected a value");
        }
        const char c = s_[i_];
        if (c == '"') {
            v.kind = Kind::String;
            v.text = str();
        } else if (c == '{') {
            skip_nested('{', '}');
        } else if (c == '[') {
            skip_nested('[', ']');
        } else if (s_.compare(i_, 4, "true") == 0) {
            v.kind = Kind::Bool;
            v.boolean = true;
            i_ += 4;
        } else if (s_.compare(i_, 5, "false") == 0) {
            v.kind = Kind::Bool;
            i_ += 5;
        } else if (s_.compare(i_, 4, "null") == 0) {
            i_ += 4;
        } else {
            const std::string rest = s_.substr(i_, 64);
            char* end = nullptr;
            v.number = std::strtod(rest.c_str(), &end);
            if (end == rest.c_str()) {
                bad("expected a value");
            }
            v.kind = Kind::Number;
            i_ += static_cast<size_t>(end - rest.c_str());
        }
        return v;
    }
    void parse(std::string_view json) {
        s_.assign(json);
        i_ = 0;
        ws();
        if (i_ >= s_.size() || s_[i_] != '{') {
            bad("expected an object");
        }
        ++i_;
        ws();
        if (i_ < s_.size() && s_[i_] == '}') {
            return;
        }
        for (;;) {
            ws();
            std::string k = str();
            ws();
            if (i_ >= s_.size() || s_[i_] != ':') {
                bad("expected ':'");
            }
            ++i_;
            values_[k] = value();
            ws();
            if (i_ < s_.size() && s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (i_ < s_.size() && s_[i_] == '}') {
                return;
            }
            bad("expected ',' or '}'");
        }
    }

    std::string s_;
    size_t i_ = 0;
    std::map<std::string, Value> values_;
};

} // namespace sniper
