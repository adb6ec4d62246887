// engine/strategy_registry.hpp — the strategies the engine runs: loading a
// plugins folder, adding and retiring instances, enable/disable, the
// rows of files the loader refused, and the hot-reload steps (prepare off
// the event path; swap with state hand-over, then bookkeeping, between
// two events; see reload.hpp). The instance list and the two config
// tables change under a lock the reloader thread reads them by; the
// instances' own state is the event path's. Instances are created with the
// engine as their StrategyHost, under the hang watchdog of its lane.
#pragma once

#include "config/config.hpp"
#include "engine/reload.hpp"
#include "strategy/call_lane.hpp"
#include "strategy/instance.hpp"
#include "strategy/strategy_code.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace sniper {

class StrategyRegistry {
  public:
    StrategyRegistry(StrategyHost* host, std::shared_ptr<CallLane> lane, const Config& cfg)
        : host_(host), lane_(std::move(lane)), strategy_cfg_(cfg.strategies), runtime_(cfg.runtime) {}
    ~StrategyRegistry();
    StrategyRegistry(const StrategyRegistry&) = delete;
    StrategyRegistry& operator=(const StrategyRegistry&) = delete;

    // Discovers *.so / *.lua in `plugins_dir` and starts those the config
    // does not disable; refused files are logged and kept as rows.
    size_t load_dir(const std::string& plugins_dir, const std::string& cache_dir,
                    const std::map<std::string, StrategyConfig>& configured);
    // Adds one instance of an already-loaded plugin (false: refused or
    // failed to start; a failed one stays listed).
    bool add(std::shared_ptr<StrategyCode> plugin, const std::string& name, const std::string& params_json);
    // Destroys every instance (hung ones are leaked): before the host goes.
    void clear();

    // Event path.
    size_t size() const { return strategies_.size(); }
    StrategyInstance& at(size_t i) { return *strategies_[i]; }
    const std::vector<std::unique_ptr<StrategyInstance>>& instances() const { return strategies_; }
    uint32_t index_of(const std::string& name) const; // UINT32_MAX: none
    const std::vector<std::string>& load_errors() const { return load_errors_; }
    const std::vector<std::pair<std::string, std::string>>& refused() const { return refused_; } // (file, why)
    bool saved_state(const std::string& name, std::vector<uint8_t>& out);
    bool set_enabled(const std::string& name, bool enabled, std::string* error);

    // Hot reload. prepare: the reloader thread creates the new instances
    // the plan needs (new and changed files, new params), each under the
    // hang watchdog, and adopts the new config's [runtime] and
    // [strategies] tables. apply_swaps / apply_bookkeeping: the event
    // path, between two events each.
    void prepare(ReloadPlan& plan);
    ReloadReport apply_swaps(ReloadPlan& plan);
    void apply_bookkeeping(ReloadPlan& plan, ReloadReport& rep);

  private:
    // Creates an instance of `code` (any thread; watched).
    PreparedInstance prepare_instance(std::shared_ptr<StrategyCode> code, const std::string& name,
                                      const std::string& params_json);
    // Appends a prepared instance (failed ones too, so status shows them).
    bool add_prepared(PreparedInstance& p);
    // Replaces strategies_[idx] with `inst`, carrying the old one's state
    // (save_state -> load_state). On failure the old instance stays.
    bool swap_instance(size_t idx, std::unique_ptr<StrategyInstance>& inst, std::string* error);
    // Retires an instance (destroyed off the event path) or, if hung, leaks it.
    void dispose(std::unique_ptr<StrategyInstance> inst);
    std::string params_for(const std::string& name, bool* enabled) const;

    StrategyHost* host_;
    std::shared_ptr<CallLane> lane_;
    std::vector<std::unique_ptr<StrategyInstance>> strategies_;
    std::vector<std::string> load_errors_;
    std::vector<std::pair<std::string, std::string>> refused_; // (file, why)
    // strategies_ changes (not its instances' state) and the two config
    // tables below are guarded by reg_mu_: the reloader reads them.
    mutable std::mutex reg_mu_;
    std::map<std::string, StrategyConfig> strategy_cfg_; // re-read on reload
    RuntimeConfig runtime_;                              // re-read on reload
    std::vector<std::unique_ptr<StrategyInstance>> retired_; // replaced, not yet handed off
};

} // namespace sniper
