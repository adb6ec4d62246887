// engine/strategy_registry.cpp — see strategy_registry.hpp.
#include "engine/strategy_registry.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"

#include <algorithm>
#include <set>

namespace sniper {

StrategyRegistry::~StrategyRegistry() { clear(); }

void StrategyRegistry::clear() {
    for (auto& s : strategies_) {
        if (s && s->hung()) {
            leak_hung_instance(std::move(s)); // its thread may still run in it
        }
    }
    strategies_.clear(); // instances go before their plugins unload
}

uint32_t StrategyRegistry::index_of(const std::string& name) const {
    for (const auto& s : strategies_) {
        if (s->name() == name) {
            return s->index();
        }
    }
    return UINT32_MAX;
}

bool StrategyRegistry::add(std::shared_ptr<StrategyCode> plugin, const std::string& name,
                          const std::string& params_json) {
    for (const auto& s : strategies_) {
        if (s->name() == name) {
            load_errors_.push_back(plugin->source_path() + ": a strategy named \"" + name +
                                   "\" is already loaded from " + s->plugin().source_path());
            refused_.push_back({plugin->source_path(), load_errors_.back()});
            log::error("strategy", "duplicate strategy name; plugin refused",
                       {{"strategy", name}, {"file", plugin->source_path()}});
            return false;
        }
    }
    PreparedInstance p = prepare_instance(std::move(plugin), name, params_json);
    return add_prepared(p);
}

PreparedInstance StrategyRegistry::prepare_instance(std::shared_ptr<StrategyCode> code, const std::string& name,
                                                  const std::string& params_json) {
    PreparedInstance p;
    p.name = name;
    p.code = code;
    p.params = params_json;
    RuntimeLimits limits;
    {
        std::lock_guard<std::mutex> lk(reg_mu_);
        limits = runtime_.limits_for(name);
    }
    code->set_limits(limits);
    p.inst = std::make_unique<StrategyInstance>(std::move(code), name, host_, limits);
    p.inst->set_load_time_ns(wall_ns());
    CreateOutcome out = create_watched(p.inst, params_json, lane_);
    if (!out.ok) {
        p.error = out.error;
    }
    return p;
}

bool StrategyRegistry::add_prepared(PreparedInstance& p) {
    const std::string& file = p.code->source_path();
    if (!p.inst) { // hung in create: leaked; show a placeholder row
        refused_.push_back({file, p.error});
        load_errors_.push_back(file + ": " + p.error);
        log::error("strategy", "strategy failed to start; the host runs on",
                   {{"strategy", p.name}, {"file", file}, {"error", p.error}});
        return false;
    }
    p.inst->set_index(static_cast<uint32_t>(strategies_.size()));
    const bool ok = p.error.empty();
    if (!ok) {
        load_errors_.push_back(file + ": " + p.inst->last_error());
        log::error("strategy", "strategy failed to start; disabled, the host runs on",
                   {{"strategy", p.name}, {"file", file}, {"error", p.inst->last_error()}});
    } else {
        log::info("strategy", "strategy loaded",
                  {{"strategy", p.name}, {"kind", p.code->kind()}, {"version", p.code->version()},
                   {"file", file}, {"hash", p.code->content_hash()}});
    }
    std::lock_guard<std::mutex> lk(reg_mu_);
    strategies_.push_back(std::move(p.inst)); // kept (failed) so status shows it
    return ok;
}

void StrategyRegistry::dispose(std::unique_ptr<StrategyInstance> inst) {
    if (!inst) {
        return;
    }
    if (inst->hung()) {
        leak_hung_instance(std::move(inst));
    } else {
        retired_.push_back(std::move(inst)); // destroyed off the event path
    }
}

size_t StrategyRegistry::load_dir(const std::string& plugins_dir, const std::string& cache_dir,
                                  const std::map<std::string, StrategyConfig>& configured) {
    size_t loaded = 0;
    std::set<std::string> found;
    for (const std::string& path : discover_strategy_files(plugins_dir)) {
        std::string err;
        auto plugin = load_strategy_code(path, cache_dir, &err);
        if (!plugin) {
            load_errors_.push_back(err);
            refused_.push_back({path, err});
            log::error("strategy", "plugin refused; the host runs on", {{"file", path}, {"error", err}});
            continue;
        }
        const std::string name = plugin->name();
        found.insert(name);
        bool enabled = true;
        const std::string params = params_for(name, &enabled);
        if (!enabled) {
            log::info("strategy", "strategy disabled in the config; not started",
                      {{"strategy", name}, {"file", path}});
            continue;
        }
        if (strategy_cfg_.count(name) == 0) {
            log::info("strategy", "plugin has no [strategies] section; starting with defaults",
                      {{"strategy", name}, {"file", path}});
        }
        if (add(std::move(plugin), name, params)) {
            ++loaded;
        }
    }
    for (const auto& [name, sc] : configured) {
        if (sc.enabled && found.count(name) == 0) {
            log::warn("strategy", "configured strategy has no plugin in the plugins directory",
                      {{"strategy", name}, {"plugins_dir", plugins_dir}});
        }
    }
    return loaded;
}

std::string StrategyRegistry::params_for(const std::string& name, bool* enabled) const {
    std::lock_guard<std::mutex> lk(reg_mu_);
    auto it = strategy_cfg_.find(name);
    if (it == strategy_cfg_.end()) {
        *enabled = true;
        return "{}";
    }
    *enabled = it->second.enabled;
    return it->second.params_json;
}

bool StrategyRegistry::swap_instance(size_t idx, std::unique_ptr<StrategyInstance>& inst, std::string* error) {
    StrategyInstance& old = *strategies_[idx];
    std::vector<uint8_t> state;
    if (old.running() && !old.save_state(state, error)) {
        *error = "old version: " + *error;
        return false;
    }
    if (!inst->load_state(state, old.plugin().state_version(), error)) {
        *error = "new version: " + *error;
        return false; // the old one keeps running
    }
    inst->set_index(static_cast<uint32_t>(idx));
    inst->adopt_counters(old);
    if (!old.running()) {
        inst->set_state(old.state() == StrategyState::Disabled ? StrategyState::Disabled
                                                               : StrategyState::Running);
    }
    std::unique_ptr<StrategyInstance> gone;
    {
        std::lock_guard<std::mutex> lk(reg_mu_);
        gone = std::move(strategies_[idx]);
        strategies_[idx] = std::move(inst);
    }
    dispose(std::move(gone));
    return true;
}

void StrategyRegistry::prepare(ReloadPlan& plan) {
    if (plan.config_invalid) {
        return;
    }
    struct Running {
        std::string name, file, params;
        std::shared_ptr<StrategyCode> code;
    };
    std::vector<Running> running;
    std::map<std::string, StrategyConfig> scfg;
    {
        std::lock_guard<std::mutex> lk(reg_mu_);
        if (plan.config) {
            runtime_ = plan.config->runtime; // limits for what is created from now on
            strategy_cfg_ = plan.config->strategies;
        }
        scfg = strategy_cfg_;
        for (const auto& s : strategies_) {
            running.push_back({s->name(), s->plugin().source_path(), s->params_json(), s->plugin_ptr()});
        }
    }
    auto params_of = [&](const std::string& name, bool* enabled) {
        auto it = scfg.find(name);
        *enabled = it == scfg.end() || it->second.enabled;
        return it == scfg.end() ? std::string("{}") : it->second.params_json;
    };
    std::set<std::string> touched;
    for (auto& code : plan.plugins) {
        const std::string name = code->name();
        touched.insert(name);
        bool enabled = true;
        const std::string params = params_of(name, &enabled);
        const auto it = std::find_if(running.begin(), running.end(), [&](const Running& r) { return r.name == name; });
        if ((it == running.end() && !enabled) || (it != running.end() && it->file != code->source_path())) {
            PreparedInstance p; // decided on the event path (disabled / duplicate)
            p.name = name;
            p.code = code;
            p.params = params;
            p.enabled = enabled;
            plan.prepared.push_back(std::move(p));
            continue;
        }
        PreparedInstance p = prepare_instance(code, name, params);
        p.enabled = enabled;
        plan.prepared.push_back(std::move(p));
    }
    // Unchanged files whose [strategies] table has new params.
    for (const Running& r : running) {
        bool enabled = true;
        const std::string params = params_of(r.name, &enabled);
        if (touched.count(r.name) != 0 || !enabled || params == r.params) {
            continue;
        }
        PreparedInstance p = prepare_instance(r.code, r.name, params);
        p.params_only = true;
        plan.prepared.push_back(std::move(p));
    }
}

// Step 1, between two events: only what must happen at one instant — carry
// each old instance's state into its new one and swap, or add a new one.
// No logging, no report text; outcomes are recorded on the plan.
ReloadReport StrategyRegistry::apply_swaps(ReloadPlan& plan) {
    ReloadReport rep;
    const uint64_t t0 = cpu_ticks();
    if (plan.config_invalid) {
        rep.ok = false;
        rep.errors = plan.errors;
        return rep;
    }
    for (PreparedInstance& p : plan.prepared) {
        size_t idx = 0;
        while (idx < strategies_.size() && strategies_[idx]->name() != p.name) {
            ++idx;
        }
        if (idx == strategies_.size()) {
            if (!p.enabled) {
                p.outcome = PreparedInstance::Outcome::NotStarted;
            } else if (!p.inst || !p.error.empty()) {
                p.outcome = PreparedInstance::Outcome::Failed;
                if (p.inst) {
                    p.inst->set_index(static_cast<uint32_t>(strategies_.size()));
                    std::lock_guard<std::mutex> lk(reg_mu_);
                    strategies_.push_back(std::move(p.inst)); // kept (failed) so status shows it
                }
            } else {
                p.outcome = PreparedInstance::Outcome::Added;
                p.inst->set_index(static_cast<uint32_t>(strategies_.size()));
                std::lock_guard<std::mutex> lk(reg_mu_);
                strategies_.push_back(std::move(p.inst));
            }
            continue;
        }
        if (strategies_[idx]->plugin().source_path() != p.code->source_path()) {
            p.outcome = PreparedInstance::Outcome::Duplicate;
            continue;
        }
        if (p.inst && p.error.empty() && swap_instance(idx, p.inst, &p.error)) {
            p.outcome = PreparedInstance::Outcome::Swapped;
            if (!p.enabled) {
                strategies_[idx]->set_state(StrategyState::Disabled);
            }
        } else {
            p.outcome = PreparedInstance::Outcome::Failed;
        }
    }
    rep.apply_ns = ticks_to_ns(cpu_ticks() - t0);
    return rep;
}

// Step 2, between two (later) events: config, removed files, refusals,
// rows' errors, log lines, and the report.
void StrategyRegistry::apply_bookkeeping(ReloadPlan& plan, ReloadReport& rep) {
    const uint64_t t0 = cpu_ticks();
    if (plan.config_invalid) {
        return;
    }
    auto row_of = [&](const std::string& name) -> StrategyInstance* {
        for (auto& sp : strategies_) {
            if (sp->name() == name) {
                return sp.get();
            }
        }
        return nullptr;
    };
    std::set<std::string> touched;
    for (PreparedInstance& p : plan.prepared) {
        const std::string& file = p.code->source_path();
        touched.insert(p.name);
        if (!p.params_only && p.outcome != PreparedInstance::Outcome::Duplicate) {
            // A refused earlier version of this file is superseded.
            std::erase_if(refused_, [&](const auto& r) { return r.first == file; });
        }
        switch (p.outcome) {
        case PreparedInstance::Outcome::NotStarted:
            rep.unchanged.push_back(p.name + " (disabled in config)");
            break;
        case PreparedInstance::Outcome::Added:
            log::info("strategy", "strategy loaded",
                      {{"strategy", p.name}, {"kind", p.code->kind()}, {"version", p.code->version()},
                       {"file", file}, {"hash", p.code->content_hash()}});
            rep.loaded.push_back(p.name);
            break;
        case PreparedInstance::Outcome::Duplicate: {
            StrategyInstance* cur = row_of(p.name);
            rep.refused.push_back(file + ": strategy \"" + p.name + "\" is already loaded from " +
                                  (cur != nullptr ? cur->plugin().source_path() : std::string("another file")));
            refused_.push_back({file, rep.refused.back()});
            dispose(std::move(p.inst));
            break;
        }
        case PreparedInstance::Outcome::Swapped:
            rep.reloaded.push_back(p.params_only ? p.name + " (new params)" : p.name + " " + p.code->version());
            break;
        case PreparedInstance::Outcome::Failed:
        case PreparedInstance::Outcome::Pending: {
            StrategyInstance* cur = row_of(p.name);
            const bool is_new = cur == nullptr || cur->plugin_ptr() == p.code;
            if (is_new) { // a new strategy that did not start: shown failed (or refused, if hung)
                if (cur == nullptr) {
                    refused_.push_back({file, p.error});
                }
                load_errors_.push_back(file + ": " + p.error);
                log::error("strategy", "strategy failed to start; the host runs on",
                           {{"strategy", p.name}, {"file", file}, {"error", p.error}});
            } else {
                cur->set_last_error((p.params_only ? "new params refused, old ones kept: "
                                                   : "reload failed, old version kept: ") +
                                    p.error);
            }
            dispose(std::move(p.inst));
            rep.refused.push_back(p.name + ": " + p.error);
            break;
        }
        }
    }
    for (const std::string& file : plan.removed) {
        for (auto& s : strategies_) {
            if (s->plugin().source_path() == file && s->state() != StrategyState::Removed) {
                s->set_state(StrategyState::Removed);
                s->set_last_error("plugin file removed; its positions stay under host protection");
                rep.removed.push_back(s->name());
            }
        }
        std::erase_if(refused_, [&](const auto& r) { return r.first == file; });
    }
    // Unchanged files: the config may have disabled them.
    for (auto& sp : strategies_) {
        StrategyInstance& s = *sp;
        if (touched.count(s.name()) != 0 || s.state() == StrategyState::Failed ||
            s.state() == StrategyState::Removed) {
            continue;
        }
        bool enabled = true;
        params_for(s.name(), &enabled);
        if (!enabled && s.running()) {
            s.set_state(StrategyState::Disabled);
            rep.reloaded.push_back(s.name() + " (disabled by config)");
        } else {
            rep.unchanged.push_back(s.name());
        }
    }
    // A file put back as the version that runs (a bad copy replaced by the
    // good one again): its refusal is over.
    for (const std::string& file : plan.unchanged) {
        std::erase_if(refused_, [&](const auto& r) { return r.first == file; });
        for (auto& s : strategies_) {
            if (s->plugin().source_path() == file && s->last_error().starts_with("new file refused")) {
                s->set_last_error("");
            }
        }
    }
    for (auto& [file, why] : plan.refused) {
        std::erase_if(refused_, [&](const auto& r) { return r.first == file; });
        refused_.push_back({file, why});
        // A running older version of this file keeps running; say why the
        // new one is not.
        for (auto& s : strategies_) {
            if (s->plugin().source_path() == file) {
                s->set_last_error("new file refused, old version kept: " + why);
            }
        }
        rep.refused.push_back(why);
    }
    for (auto& old : retired_) {
        plan.retired.push_back(std::move(old));
    }
    retired_.clear();
    rep.bookkeeping_ns = ticks_to_ns(cpu_ticks() - t0);
}

bool StrategyRegistry::saved_state(const std::string& name, std::vector<uint8_t>& out) {
    for (auto& s : strategies_) {
        if (s->name() == name && !s->hung()) {
            std::string err;
            return s->save_state(out, &err);
        }
    }
    return false;
}

bool StrategyRegistry::set_enabled(const std::string& name, bool enabled, std::string* error) {
    for (auto& s : strategies_) {
        if (s->name() != name) {
            continue;
        }
        if (s->state() == StrategyState::Removed) {
            *error = "strategy \"" + name + "\" was removed; put its file back and reload";
            return false;
        }
        if (s->hung()) {
            *error = "strategy \"" + name + "\" hung in a callback and cannot be called again; "
                     "fix it and reload its file (or restart)";
            return false;
        }
        if (enabled) {
            s->reset_faults();
            s->set_state(StrategyState::Running);
        } else {
            s->set_state(StrategyState::Disabled);
        }
        log::warn("strategy", enabled ? "strategy enabled" : "strategy disabled", {{"strategy", name}});
        return true;
    }
    *error = "no strategy named \"" + name + "\"";
    return false;
}

} // namespace sniper
