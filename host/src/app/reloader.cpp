#include "app/reloader.hpp"

#include "core/log.hpp"
#include "engine/engine.hpp"

#include <future>
#include <memory>

namespace sniper {

Reloader::Reloader(Engine& engine, std::string config_path)
    : engine_(engine), config_path_(std::move(config_path)), thread_([this] { loop(); }) {}

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
    auto done = std::make_shared<std::promise<ReloadReport>>();
    std::future<ReloadReport> result = done->get_future();
    Engine* engine = &engine_;
    engine_.post([engine, plan, done] { done->set_value(engine->apply_reload(*plan)); });
    if (result.wait_for(timeout) != std::future_status::ready) {
        ReloadReport r;
        r.ok = false;
        r.errors.push_back("the event path did not pick up the reload within " +
                           std::to_string(timeout.count()) +
                           " ms (is a strategy callback stuck?); it applies when it does");
        return r;
    }
    done_.fetch_add(1);
    ReloadReport report = result.get();
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
                   {"pause_ns", report.apply_ns}});
    }
    return report;
}

} // namespace sniper
