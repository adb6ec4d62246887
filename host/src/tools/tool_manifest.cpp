#include "tools/tool_manifest.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace sniper::tools {
namespace {

namespace fs = std::filesystem;

bool valid_name(const std::string& s) {
    if (s.empty() || s.size() > 64) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

bool valid_env_name(const std::string& s) {
    if (s.empty() || s.size() > 128 || (s[0] >= '0' && s[0] <= '9')) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
}

std::string type_of(const toml::node& n) {
    switch (n.type()) {
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a float";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::table:
        return "a table";
    default:
        return "a date or time";
    }
}

class Reader {
  public:
    Reader(const toml::table& t, std::string file, std::vector<std::string>& errors)
        : t_(t), file_(std::move(file)), errors_(errors) {}

    void error(const std::string& key, const std::string& msg) {
        errors_.push_back(file_ + ": " + key + ": " + msg);
    }

    std::optional<std::string> str(const std::string& key, bool required) {
        const toml::node* n = t_.get(key);
        if (n == nullptr) {
            if (required) {
                error(key, "expected a string, found nothing");
            }
            return std::nullopt;
        }
        if (const auto* s = n->as_string()) {
            return s->get();
        }
        error(key, "expected a string, found " + type_of(*n));
        return std::nullopt;
    }

    std::optional<int64_t> integer(const std::string& key, bool required, int64_t lo, int64_t hi) {
        const toml::node* n = t_.get(key);
        if (n == nullptr) {
            if (required) {
                error(key, "expected an integer, found nothing");
            }
            return std::nullopt;
        }
        const auto* i = n->as_integer();
        if (i == nullptr) {
            error(key, "expected an integer, found " + type_of(*n));
            return std::nullopt;
        }
        if (i->get() < lo || i->get() > hi) {
            error(key, "expected " + std::to_string(lo) + ".." + std::to_string(hi) + ", found " +
                           std::to_string(i->get()));
            return std::nullopt;
        }
        return i->get();
    }

    std::optional<std::vector<std::string>> strings(const std::string& key, bool required) {
        const toml::node* n = t_.get(key);
        if (n == nullptr) {
            if (required) {
                error(key, "expected an array of strings, found nothing");
            }
            return std::nullopt;
        }
        const auto* a = n->as_array();
        if (a == nullptr) {
            error(key, "expected an array of strings, found " + type_of(*n));
            return std::nullopt;
        }
        std::vector<std::string> out;
        for (size_t i = 0; i < a->size(); ++i) {
            const auto* s = (*a)[i].as_string();
            if (s == nullptr) {
                error(key + "[" + std::to_string(i) + "]",
                      "expected a string, found " + type_of((*a)[i]));
                return std::nullopt;
            }
            out.push_back(s->get());
        }
        return out;
    }

  private:
    const toml::table& t_;
    std::string file_;
    std::vector<std::string>& errors_;
};

const std::set<std::string, std::less<>> kKeys = {"protocol",
                                                  "name",
                                                  "description",
                                                  "command",
                                                  "working_dir",
                                                  "mode",
                                                  "workers",
                                                  "max_concurrent",
                                                  "timeout_ms",
                                                  "max_response_bytes",
                                                  "restart_backoff_ms",
                                                  "env",
                                                  "config"};

} // namespace

ManifestLoad load_tool_manifest(const fs::path& tool_dir) {
    ManifestLoad out;
    const fs::path file = tool_dir / "manifest.toml";
    const std::string f = file.string();
    toml::table t;
    try {
        t = toml::parse_file(f);
    } catch (const toml::parse_error& e) {
        std::ostringstream msg;
        msg << f << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
            << e.description();
        out.errors.push_back(msg.str());
        return out;
    }
    std::vector<std::string>& errs = out.errors;
    Reader r(t, f, errs);
    for (const auto& [k, v] : t) {
        if (kKeys.find(std::string_view(k.str())) == kKeys.end()) {
            r.error(std::string(k.str()),
                    "unknown key (expected one of the keys in tools/ai/PROTOCOL.md)");
        }
    }
    ToolManifest m;
    m.tool_dir = fs::absolute(tool_dir).lexically_normal();
    if (auto p = r.integer("protocol", true, 1, 1)) {
        (void)p;
    }
    if (auto name = r.str("name", true)) {
        const std::string folder = m.tool_dir.filename().string();
        if (!valid_name(*name)) {
            r.error("name", "expected 1..64 of [a-z0-9_], found \"" + *name + "\"");
        } else if (*name != folder) {
            r.error("name",
                    "expected the folder's name \"" + folder + "\", found \"" + *name + "\"");
        }
        m.name = *name;
    }
    m.description = r.str("description", false).value_or("");
    if (auto cmd = r.strings("command", true)) {
        if (cmd->empty() || (*cmd)[0].empty()) {
            r.error("command", "expected a program and its arguments, found an empty command");
        }
        m.command = *cmd;
    }
    const std::string wd = r.str("working_dir", false).value_or(".");
    m.working_dir =
        (fs::path(wd).is_absolute() ? fs::path(wd) : m.tool_dir / wd).lexically_normal();
    if (!m.working_dir.has_filename() && m.working_dir.has_parent_path()) {
        m.working_dir = m.working_dir.parent_path(); // "dir/." normalises to "dir/"
    }
    if (!fs::is_directory(m.working_dir)) {
        r.error("working_dir", "expected a directory, found nothing at " + m.working_dir.string());
    }
    if (auto mode = r.str("mode", false)) {
        if (*mode == "long_lived") {
            m.mode = ToolMode::LongLived;
        } else if (*mode == "one_shot") {
            m.mode = ToolMode::OneShot;
        } else {
            r.error("mode", "expected \"long_lived\" or \"one_shot\", found \"" + *mode + "\"");
        }
    }
    m.workers = static_cast<uint32_t>(r.integer("workers", false, 1, 64).value_or(1));
    m.max_concurrent =
        static_cast<uint32_t>(r.integer("max_concurrent", false, 1, 4096).value_or(16));
    m.timeout_ms = r.integer("timeout_ms", false, 1, 600000).value_or(5000);
    m.max_response_bytes = static_cast<uint64_t>(
        r.integer("max_response_bytes", false, 64, 64 * 1024 * 1024).value_or(1024 * 1024));
    if (const toml::node* n = t.get("restart_backoff_ms")) {
        const auto* a = n->as_array();
        if (a == nullptr || a->size() != 2 || !(*a)[0].is_integer() || !(*a)[1].is_integer()) {
            r.error("restart_backoff_ms", "expected [first_ms, longest_ms], two integers");
        } else {
            const int64_t lo = (*a)[0].as_integer()->get();
            const int64_t hi = (*a)[1].as_integer()->get();
            if (lo < 1 || hi < lo || hi > 600000) {
                r.error("restart_backoff_ms", "expected 1 <= first <= longest <= 600000, found [" +
                                                  std::to_string(lo) + ", " + std::to_string(hi) +
                                                  "]");
            } else {
                m.backoff_initial_ms = lo;
                m.backoff_max_ms = hi;
            }
        }
    }
    if (auto env = r.strings("env", false)) {
        for (const std::string& e : *env) {
            if (!valid_env_name(e)) {
                r.error("env", "expected variable names of [A-Za-z0-9_], found \"" + e + "\"");
            } else if (e.rfind("SNIPER_", 0) == 0) {
                r.error("env",
                        "\"" + e +
                            "\" is refused: SNIPER_* variables (keys, secrets) never reach a tool");
            }
        }
        m.env = *env;
    }
    if (const toml::node* n = t.get("config"); n != nullptr && !n->is_table()) {
        r.error("config", "expected a table, found " + type_of(*n));
    }
    if (errs.empty()) {
        out.manifest = std::move(m);
    }
    return out;
}

ToolsDirLoad load_tools_dir(const fs::path& dir) {
    ToolsDirLoad out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        out.errors.push_back(dir.string() + ": expected a tools directory, found nothing");
        return out;
    }
    std::vector<fs::path> folders;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.is_directory() && fs::exists(entry.path() / "manifest.toml")) {
            folders.push_back(entry.path());
        }
    }
    std::sort(folders.begin(), folders.end());
    for (const fs::path& p : folders) {
        ManifestLoad m = load_tool_manifest(p);
        out.errors.insert(out.errors.end(), m.errors.begin(), m.errors.end());
        if (m.manifest) {
            out.manifests.push_back(std::move(*m.manifest));
        }
    }
    return out;
}

} // namespace sniper::tools
