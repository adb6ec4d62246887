// engine/engine_registry.cpp — the engine's side of the strategy registry
// (strategy_registry.hpp): loading, adding, enable/disable and the reload
// steps, each followed by what the rest of the engine must see (the new
// config's limits, the snapshot).
#include "engine/engine.hpp"

#include "core/clock.hpp"

namespace sniper {

bool Engine::add_strategy(std::shared_ptr<StrategyCode> plugin, const std::string& name,
                          const std::string& params_json) {
    return registry_.add(std::move(plugin), name, params_json);
}

size_t Engine::load_strategies() {
    const size_t loaded = registry_.load_dir(cfg_.plugins_dir, opts_.plugin_cache_dir, cfg_.strategies);
    publish_snapshot();
    return loaded;
}

void Engine::prepare_instances(ReloadPlan& plan) { registry_.prepare(plan); }

ReloadReport Engine::apply_reload(ReloadPlan& plan) {
    ReloadReport rep = apply_reload_swaps(plan);
    apply_reload_bookkeeping(plan, rep);
    return rep;
}

ReloadReport Engine::apply_reload_swaps(ReloadPlan& plan) { return registry_.apply_swaps(plan); }

void Engine::apply_reload_bookkeeping(ReloadPlan& plan, ReloadReport& rep) {
    if (plan.config_invalid) {
        return;
    }
    const uint64_t t0 = cpu_ticks();
    if (plan.config) {
        const Config& nc = *plan.config;
        if (nc.plugins_dir != cfg_.plugins_dir || nc.data_dir != cfg_.data_dir || nc.mode != cfg_.mode) {
            rep.errors.push_back("mode, data_dir and plugins_dir take effect on restart only");
        }
        risk_.set_limits(nc.risk);
        breaker_.configure(nc.risk.circuit_breaker);
        protection_.configure(nc.protection); // defaults for buys that land from now on
    }
    registry_.apply_bookkeeping(plan, rep);
    publish_snapshot(); // the next reload must see the new hashes
    rep.bookkeeping_ns = ticks_to_ns(cpu_ticks() - t0);
}

bool Engine::strategy_state(const std::string& name, std::vector<uint8_t>& out) {
    return registry_.saved_state(name, out);
}

bool Engine::set_enabled(const std::string& name, bool enabled, std::string* error) {
    if (!registry_.set_enabled(name, enabled, error)) {
        return false;
    }
    publish_snapshot();
    return true;
}

} // namespace sniper
