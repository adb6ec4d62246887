// app/reloader.hpp — drives hot reload from SIGHUP and `sniperctl reload`.
//
// One thread, one reload at a time. A reload prepares off the event path
// (re-read the config, load changed plugins) and then waits for the engine
// to apply it between two events. If the event path does not pick it up in
// time (a stuck strategy callback), the caller is told so; the plan still
// applies when the engine gets to it. With a ToolHost, a reload whose
// config is valid also re-reads the tools folder (new tools start, changed
// ones restart, removed ones stop; unchanged ones keep their workers).
#pragma once

#include "engine/reload.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace sniper {

class Engine;
namespace tools {
class ToolHost;
}

class Reloader {
  public:
    Reloader(Engine& engine, std::string config_path, tools::ToolHost* tools = nullptr);
    ~Reloader();
    Reloader(const Reloader&) = delete;
    Reloader& operator=(const Reloader&) = delete;

    // Async-signal-safe: the reloader thread picks it up within ~100 ms.
    void request_from_signal() { hup_.store(true, std::memory_order_relaxed); }
    // Blocking; serialized with other reloads.
    ReloadReport reload(std::chrono::milliseconds timeout);
    uint64_t reloads_done() const { return done_.load(); }

  private:
    void loop();
    Engine& engine_;
    std::string config_path_;
    tools::ToolHost* tools_;
    std::mutex reload_mu_; // one reload at a time
    std::mutex wake_mu_;
    std::condition_variable wake_;
    std::atomic<bool> hup_{false};
    std::atomic<uint64_t> done_{0};
    bool stop_ = false; // guarded by wake_mu_
    std::thread thread_;
};

} // namespace sniper
