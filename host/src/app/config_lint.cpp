#include "app/config_lint.hpp"

#include "config/config.hpp"

#include <filesystem>
#include <set>
#include <system_error>

namespace sniper {

namespace fs = std::filesystem;

std::vector<LintProblem> lint_config(const Config& cfg) {
    std::vector<LintProblem> out;
    std::set<std::string> names;
    for (const auto& [name, s] : cfg.strategies) {
        names.insert(name);
    }
    std::error_code ec;
    if (!fs::is_directory(cfg.plugins_dir, ec)) {
        out.push_back({true, "plugins_dir: expected a directory, found " +
                                 std::string(fs::exists(cfg.plugins_dir, ec) ? "a file" : "nothing") + " at " +
                                 cfg.plugins_dir + " (create it, or fix plugins_dir in the config)"});
    } else {
        for (fs::directory_iterator it(cfg.plugins_dir, ec), end; !ec && it != end; it.increment(ec)) {
            const fs::path& p = it->path();
            if (p.extension() == ".so" || p.extension() == ".lua") {
                names.insert(p.stem().string());
            }
        }
    }
    auto check = [&](const char* table, const auto& overrides) {
        for (const auto& [name, limits] : overrides) {
            if (names.count(name) == 0) {
                out.push_back({false, "[" + std::string(table) + "." + name +
                                          "]: expected the name of a strategy, found '" + name +
                                          "': no [strategies." + name + "] table and no " + name + ".so or " +
                                          name + ".lua in " + cfg.plugins_dir +
                                          " (a misspelt name drops these limits)"});
            }
        }
    };
    check("risk.strategy", cfg.risk.strategy);
    check("runtime.strategy", cfg.runtime.strategy);
    return out;
}

} // namespace sniper
