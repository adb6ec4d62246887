#include "app/reloader.hpp"

#include "core/log.hpp"
#include "engine/engine.hpp"
#include "tools/tool_runner.hpp"

#include <future>
#include <memory>

namespace sniper {

Reloader::Reloader(Engine& engine, std::string config_path, tools::ToolHost* tools)
    : engine_(engine), config_path_(std::move(config_path)), tools_(tools), thread_([this] { loop(); }) {}

Reloader::~Reloader() {
    {
        std::lock_guard<std::mutex> lk(wake_mu_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void Reloader::loop() {
    std::unique_lock<std::mutex> lk(wake_mu_);
    while (!stop_) {
        wake_.wait_for(lk, std::chrono::milliseconds(100));
        if (stop_) {
            break;
        }
        if (hup_.exchange(false)) {
            lk.unlock();
            log::info("app", "SIGHUP: reloading plugins and config");
            const ReloadReport r = reload(std::chrono::seconds(30));
            if (!r.ok) {
                for (const std::string& e : r.errors) {
                    log::error("app", "reload refused", {{"problem", e}});
                }
            }
            lk.lock();
        }
    }
}

ReloadReport Reloader::reload(std::chrono::milliseconds timeout) {
    std::lock_guard<std::mutex> serial(reload_mu_);
    auto plan = std::make_shared<ReloadPlan>(prepare_reload(
        config_path_, engine_.plugins_dir(), engine_.snapshot().strategies, engine_.plugin_cache_dir()));
    engine_.prepare_instances(*plan); // create the new instances here, off the event path
    // Two short pauses of the event path, with events between them: the
    // swaps, then the bookkeeping (config, refusals, rows, snapshot).
    auto done = std::make_shared<std::promise<ReloadReport>>();
    std::future<ReloadReport> result = done->get_future();
    Engine* engine = &engine_;
    engine_.post([engine, plan, done] {
        auto rep = std::make_shared<ReloadReport>(engine->apply_reload_swaps(*plan));
        engine->post([engine, plan, done, rep] {
            engine->apply_reload_bookkeeping(*plan, *rep);
            done->set_value(std::move(*rep));
        });
    });
    if (result.wait_for(timeout) != std::future_status::ready) {
        ReloadReport r;
        r.ok = false;
        r.errors.push_back("the event path did not apply the reload within " +
                           std::to_string(timeout.count()) +
                           " ms (a strategy's save_state or load_state stuck?)");
        return r;
    }
    done_.fetch_add(1);
    ReloadReport report = result.get();
    if (tools_ != nullptr && report.ok && plan->config) {
        // The tools folder, off the event path: calls in flight on a
        // restarted or removed tool are answered (Shutdown) like any error.
        const tools::ToolReload t = tools_->reload_dir(plan->config->tools_dir);
        for (const std::string& n : t.added) {
            report.loaded.push_back("tool " + n);
        }
        for (const std::string& n : t.restarted) {
            report.reloaded.push_back("tool " + n + " (changed)");
        }
        for (const std::string& n : t.removed) {
            report.removed.push_back("tool " + n);
        }
        for (const std::string& n : t.unchanged) {
            report.unchanged.push_back("tool " + n);
        }
        for (const std::string& e : t.errors) {
            report.refused.push_back("tool left out: " + e);
        }
    }
    plan->retired.clear(); // unload replaced images here, not on the event path
    // Logged here, not on the event path.
    if (!report.ok) {
        log::error("app", "reload refused: the config has problems; nothing changed",
                   {{"problems", static_cast<uint64_t>(report.errors.size())}});
    } else {
        for (const std::string& r : report.refused) {
            log::error("strategy", "reload refused; any old version keeps running", {{"error", r}});
        }
        log::info("app", "reload applied",
                  {{"loaded", static_cast<uint64_t>(report.loaded.size())},
                   {"replaced", static_cast<uint64_t>(report.reloaded.size())},
                   {"removed", static_cast<uint64_t>(report.removed.size())},
                   {"refused", static_cast<uint64_t>(report.refused.size())},
                   {"pause_ns", report.apply_ns},
                   {"bookkeeping_pause_ns", report.bookkeeping_ns}});
    }
    return report;
}

} // namespace sniper
