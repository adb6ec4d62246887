// engine/reload.hpp — hot reload, in steps.
//
// Off the event path (the reloader thread): prepare_reload() re-reads the
// config, hashes every strategy file, and loads and validates each new or
// changed one (.so: copy to a unique path, ELF check, dlopen, manifest;
// .lua: parse and run in a throwaway sandbox); StrategyRegistry::prepare()
// then creates the new instances (watched, on threads of their own).
// Between two events: StrategyRegistry::apply_swaps() carries each old
// instance's state into its new one (save_state -> load_state) and swaps;
// between two later events, the engine applies the config and
// StrategyRegistry::apply_bookkeeping() marks removed files, records
// refusals and builds the report. Replaced
// instances are destroyed back on the reloader thread. If any step fails
// the old instance keeps running and the error is shown on its row. A
// removed file stops its strategy; its positions stay under host
// protection. The trading state is never touched: a reload never lifts a
// kill.
#pragma once

#include "config/config.hpp"
#include "strategy/instance.hpp"
#include "strategy/strategy_code.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sniper {

struct StrategyRow;

// A new instance made off the event path for a reload, waiting to be
// swapped in between two events.
struct PreparedInstance {
    std::string name;
    std::shared_ptr<StrategyCode> code;
    std::unique_ptr<StrategyInstance> inst; // null: not created (disabled, duplicate) or hung
    std::string params;
    bool enabled = true;
    bool params_only = false; // same file, new [strategies] params
    std::string error;        // create failed or hung, or the swap failed
    // Set by the swap step (StrategyRegistry::apply_swaps).
    enum class Outcome { Pending, Added, Swapped, Failed, Duplicate, NotStarted } outcome = Outcome::Pending;
};

struct ReloadPlan {
    std::optional<Config> config; // the re-read config; unset when not re-read or invalid
    bool config_invalid = false;  // true: nothing may be applied (see errors)
    std::vector<std::shared_ptr<StrategyCode>> plugins; // new or changed files, loaded
    std::vector<std::pair<std::string, std::string>> refused; // (file, why)
    std::vector<std::string> removed;                          // files gone from the folder
    std::vector<std::string> unchanged;                        // files equal to what runs (restored)
    std::vector<std::string> errors;                           // config problems
    std::vector<PreparedInstance> prepared;                    // by StrategyRegistry::prepare
    // Filled by the engine: replaced instances, destroyed by whoever drops
    // the plan (the reloader thread), so unloading an image — plugin
    // destroy(), dlclose, munmap — is not paid on the event path.
    std::vector<std::unique_ptr<StrategyInstance>> retired;
};

struct ReloadReport {
    bool ok = true; // false when the config was invalid (nothing applied)
    std::vector<std::string> loaded, reloaded, removed, unchanged, refused, errors;
    int64_t apply_ns = 0;       // the event path's pause for the swap step
    int64_t bookkeeping_ns = 0; // and for the bookkeeping step (a separate pause)
    std::string to_json() const;
};

// `running` are the engine's current rows (file + content hash).
ReloadPlan prepare_reload(const std::string& config_path, const std::string& plugins_dir,
                          const std::vector<StrategyRow>& running, const std::string& cache_dir);

} // namespace sniper
