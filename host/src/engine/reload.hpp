// engine/reload.hpp — hot reload, in two halves.
//
// prepare_reload() runs OFF the event path (the reloader thread): it
// re-reads the config, hashes every plugin file, and loads and validates
// each new or changed one (copy to a unique path, ELF check, dlopen,
// manifest). Nothing it loads is called yet. The engine then applies the
// plan BETWEEN two events (Engine::apply_reload): for a changed strategy,
// save_state on the old instance, create + load_state on the new one, swap,
// destroy the old; if any step fails the old instance keeps running and
// the error is shown on its row. A removed file stops its strategy; its
// positions stay in the host's books. The trading state is never touched:
// a reload does not lift a kill.
#pragma once

#include "config/config.hpp"
#include "strategy/instance.hpp"
#include "strategy/native_plugin.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sniper {

struct StrategyRow;

struct ReloadPlan {
    std::optional<Config> config; // the re-read config; unset when not re-read or invalid
    bool config_invalid = false;  // true: nothing may be applied (see errors)
    std::vector<std::shared_ptr<NativePlugin>> plugins; // new or changed files, loaded
    std::vector<std::pair<std::string, std::string>> refused; // (file, why)
    std::vector<std::string> removed;                          // files gone from the folder
    std::vector<std::string> errors;                           // config problems
    // Filled by the engine: replaced instances, destroyed by whoever drops
    // the plan (the reloader thread), so unloading an image — plugin
    // destroy(), dlclose, munmap — is not paid on the event path.
    std::vector<std::unique_ptr<StrategyInstance>> retired;
};

struct ReloadReport {
    bool ok = true; // false when the config was invalid (nothing applied)
    std::vector<std::string> loaded, reloaded, removed, unchanged, refused, errors;
    int64_t apply_ns = 0; // time the event path was paused for the swap
    std::string to_json() const;
};

// `running` are the engine's current rows (file + content hash).
ReloadPlan prepare_reload(const std::string& config_path, const std::string& plugins_dir,
                          const std::vector<StrategyRow>& running, const std::string& cache_dir);

} // namespace sniper
