#include "tools/tool_protocol.hpp"

#include "core/json.hpp"

#include <simdjson.h>

namespace sniper::tools {
namespace {

std::string shorten(std::string_view s, size_t n = 60) {
    std::string out(s.substr(0, n));
    for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20) {
            c = ' ';
        }
    }
    if (s.size() > n) {
        out += "...";
    }
    return out;
}

const char* type_name(simdjson::dom::element_type t) {
    using T = simdjson::dom::element_type;
    switch (t) {
    case T::ARRAY:
        return "an array";
    case T::OBJECT:
        return "an object";
    case T::STRING:
        return "a string";
    case T::BOOL:
        return "a boolean";
    case T::NULL_VALUE:
        return "null";
    default:
        return "a number";
    }
}

ParsedResponse invalid(std::string msg) {
    ParsedResponse r;
    r.kind = ParsedResponse::Kind::Invalid;
    r.message = std::move(msg);
    return r;
}

} // namespace

std::optional<std::string> minify_input_object(std::string_view json, std::string* error) {
    simdjson::dom::parser parser;
    simdjson::padded_string ps(json);
    simdjson::dom::element doc;
    if (auto err = parser.parse(ps).get(doc); err) {
        *error = std::string("input: expected a JSON object, found invalid JSON (") +
                 simdjson::error_message(err) + ")";
        return std::nullopt;
    }
    if (doc.type() != simdjson::dom::element_type::OBJECT) {
        *error = std::string("input: expected a JSON object, found ") + type_name(doc.type());
        return std::nullopt;
    }
    return simdjson::minify(doc);
}

std::string make_request_line(std::string_view id, std::string_view tool, int64_t deadline_ms,
                              std::string_view input_min) {
    JsonWriter w;
    w.begin_object()
        .kv("v", 1)
        .kv("id", id)
        .kv("tool", tool)
        .kv("deadline_ms", deadline_ms)
        .key("input");
    w.raw(input_min).end_object();
    std::string line = w.take();
    line.push_back('\n');
    return line;
}

ParsedResponse parse_response_line(std::string_view line, std::string_view expected_id) {
    simdjson::dom::parser parser;
    simdjson::padded_string ps(line);
    simdjson::dom::element doc;
    if (auto err = parser.parse(ps).get(doc); err) {
        return invalid(std::string("response: expected a JSON object, found invalid JSON (") +
                       simdjson::error_message(err) + "): " + shorten(line));
    }
    simdjson::dom::object obj;
    if (doc.get(obj)) {
        return invalid(std::string("response: expected a JSON object, found ") +
                       type_name(doc.type()));
    }
    bool has_v = false;
    bool has_id = false;
    std::optional<bool> ok;
    std::optional<simdjson::dom::element> output;
    std::optional<simdjson::dom::element> error;
    for (auto field : obj) {
        const std::string_view k = field.key;
        if (k == "v") {
            int64_t v = 0;
            if (field.value.get(v) || v != 1) {
                return invalid("response.v: expected 1, found " +
                               shorten(simdjson::minify(field.value)));
            }
            has_v = true;
        } else if (k == "id") {
            std::string_view id;
            if (field.value.get(id)) {
                return invalid("response.id: expected \"" + std::string(expected_id) +
                               "\", found " + shorten(simdjson::minify(field.value)));
            }
            if (id != expected_id) {
                return invalid("response.id: expected \"" + std::string(expected_id) +
                               "\", found \"" + shorten(id) + "\" (out of step)");
            }
            has_id = true;
        } else if (k == "ok") {
            bool b = false;
            if (field.value.get(b)) {
                return invalid(std::string("response.ok: expected a boolean, found ") +
                               type_name(field.value.type()));
            }
            ok = b;
        } else if (k == "output") {
            output = field.value;
        } else if (k == "error") {
            error = field.value;
        } else {
            return invalid("response: unexpected key \"" + shorten(k) + "\"");
        }
    }
    if (!has_v || !has_id || !ok) {
        return invalid(std::string("response: expected v, id and ok, found no ") + (!has_v ? "v"
                                                                                    : !has_id
                                                                                        ? "id"
                                                                                        : "ok"));
    }
    ParsedResponse r;
    if (*ok) {
        if (!output || output->type() != simdjson::dom::element_type::OBJECT || error) {
            return invalid("response: ok is true, expected an output object and no error");
        }
        r.kind = ParsedResponse::Kind::Ok;
        r.output_json = simdjson::minify(*output);
        return r;
    }
    simdjson::dom::object e;
    if (!error || error->get(e) || output) {
        return invalid("response: ok is false, expected an error object and no output");
    }
    std::string_view code;
    std::string_view message;
    if (e["code"].get(code) || code.empty()) {
        return invalid("response.error.code: expected a non-empty string");
    }
    if (e["message"].get(message)) {
        return invalid("response.error.message: expected a string");
    }
    std::string_view fld;
    if (auto f = e["field"]; !f.error() && !f.is_null()) {
        if (f.get(fld)) {
            return invalid("response.error.field: expected a string");
        }
    }
    r.kind = ParsedResponse::Kind::ToolError;
    r.code = std::string(code.substr(0, 64));
    r.message = std::string(message.substr(0, 4096));
    r.field = std::string(fld.substr(0, 256));
    return r;
}

} // namespace sniper::tools
