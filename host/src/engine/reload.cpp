#include "engine/reload.hpp"

#include "core/json.hpp"
#include "engine/engine.hpp"

#include <set>

namespace sniper {

std::string ReloadReport::to_json() const {
    JsonWriter w;
    w.begin_object();
    w.kv("reloaded", ok);
    auto list = [&w](const char* key, const std::vector<std::string>& v) {
        w.key(key).begin_array();
        for (const auto& s : v) {
            w.value(s);
        }
        w.end_array();
    };
    list("loaded", loaded);
    list("replaced", reloaded);
    list("removed", removed);
    list("unchanged", unchanged);
    list("refused", refused);
    list("errors", errors);
    w.kv("pause_ns", apply_ns);
    w.kv("bookkeeping_pause_ns", bookkeeping_ns);
    w.end_object();
    return w.take();
}

ReloadPlan prepare_reload(const std::string& config_path, const std::string& plugins_dir,
                          const std::vector<StrategyRow>& running, const std::string& cache_dir) {
    ReloadPlan plan;
    if (!config_path.empty()) {
        ConfigLoadResult r = load_config_file(config_path);
        if (!r.errors.empty()) {
            for (const ConfigError& e : r.errors) {
                plan.errors.push_back(e.to_string());
            }
            plan.config_invalid = true;
            return plan; // an invalid config reloads nothing
        }
        plan.config = std::move(r.config);
    }
    const std::vector<std::string> files = discover_strategy_files(plugins_dir);
    const std::set<std::string> present(files.begin(), files.end());
    for (const std::string& file : files) {
        std::string hash;
        bool unchanged = false;
        if (StrategyCode::hash_file(file, hash)) {
            for (const StrategyRow& row : running) {
                if (row.file == file && row.hash == hash && row.state != "refused" && row.state != "removed") {
                    unchanged = true;
                }
            }
        }
        if (unchanged) {
            plan.unchanged.push_back(file);
            continue;
        }
        std::string err;
        auto plugin = load_strategy_code(file, cache_dir, &err);
        if (!plugin) {
            plan.refused.emplace_back(file, err);
            continue;
        }
        plan.plugins.push_back(std::move(plugin));
    }
    for (const StrategyRow& row : running) {
        if (row.state != "refused" && row.state != "removed" && present.count(row.file) == 0) {
            plan.removed.push_back(row.file);
        }
    }
    return plan;
}

} // namespace sniper
