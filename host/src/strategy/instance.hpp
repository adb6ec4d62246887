// strategy/instance.hpp — one running strategy: a plugin image, the
// plugin's instance pointer, the host API table it calls back through, and
// its health. The instance is the fault boundary: a failing create disables
// it, a failing on_event counts a fault and discards the intents submitted
// during that call, and too many faults disable it; the host runs on.
//
// Callbacks of one instance are serialized by the engine (one thread), so
// the pending-intent buffer needs no lock. Counters read by the control
// thread go through the engine's snapshot, not through this object.
#pragma once

#include "core/types.hpp"
#include "strategy/native_plugin.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sniper {

class StrategyInstance;

// What the engine offers strategies (behind the C host API table).
class StrategyHost {
  public:
    virtual ~StrategyHost() = default;
    virtual int64_t host_now_ns() = 0;
    virtual snp_status host_position(StrategyInstance& s, const Pubkey& mint, snp_position* out) = 0;
    virtual snp_status host_set_timer(StrategyInstance& s, int64_t delay_ns, uint64_t tag,
                                      uint64_t* out_id) = 0;
    virtual int32_t host_trading_state() = 0;
    // Assigns an intent id; the intent is committed by the engine when the
    // callback returns OK.
    virtual uint64_t host_next_intent_id() = 0;
};

// An intent copied out of the plugin (reason string owned).
struct PendingIntent {
    uint64_t intent_id = 0;
    snp_intent intent{};
    std::string reason;
};

enum class StrategyState : int32_t { Running = 1, Disabled = 2, Failed = 3, Removed = 4 };
const char* strategy_state_name(StrategyState s);

} // namespace sniper

// The C ABI's opaque context, defined by the host.
struct snp_host_ctx {
    sniper::StrategyInstance* instance;
    sniper::StrategyHost* host;
};

namespace sniper {

class StrategyInstance {
  public:
    static constexpr uint32_t kMaxIntentsPerCallback = 64;

    StrategyInstance(std::shared_ptr<NativePlugin> plugin, std::string name, StrategyHost* host,
                     uint32_t max_faults);
    ~StrategyInstance(); // destroys the plugin instance (if created)

    StrategyInstance(const StrategyInstance&) = delete;
    StrategyInstance& operator=(const StrategyInstance&) = delete;

    // Calls the plugin's create. On failure the instance is Failed with
    // last_error set, and false is returned.
    bool create(std::string_view params_json);

    // Calls on_event (if Running and subscribed). Returns true when the call
    // returned OK; the intents it submitted are then in pending().
    bool on_event(const snp_event_header& ev);

    bool wants(uint32_t type) const { return (plugin_->event_mask() & SNP_EVENT_BIT(type)) != 0; }
    bool running() const { return state_ == StrategyState::Running; }
    void set_state(StrategyState s) { state_ = s; }

    // Intents submitted during the last OK callback; the engine takes them.
    std::vector<PendingIntent>& pending() { return pending_; }

    const std::string& name() const { return name_; }
    const NativePlugin& plugin() const { return *plugin_; }
    StrategyState state() const { return state_; }
    const std::string& last_error() const { return last_error_; }
    uint64_t events() const { return events_; }
    uint64_t intents() const { return intents_; }
    uint64_t errors() const { return errors_; }
    uint32_t index() const { return index_; }
    void set_index(uint32_t i) { index_ = i; }
    int64_t load_time_ns() const { return load_time_ns_; }
    void set_load_time_ns(int64_t t) { load_time_ns_ = t; }

    // Hot reload. save_state: the plugin's state (empty when it has none or
    // does not implement save_state); false with *error when it failed.
    bool save_state(std::vector<uint8_t>& out, std::string* error);
    // load_state with the saving plugin's state_version; false with *error.
    bool load_state(const std::vector<uint8_t>& state, uint32_t state_version, std::string* error);
    // Keeps counters across a reload so status reads as one strategy.
    void adopt_counters(const StrategyInstance& old) {
        events_ += old.events_;
        intents_ += old.intents_;
    }
    const std::string& params_json() const { return params_json_; }
    std::shared_ptr<NativePlugin> plugin_ptr() const { return plugin_; }
    void set_last_error(std::string e) { last_error_ = std::move(e); }
    void reset_faults() { errors_ = 0; }

    // Called from the C trampolines.
    snp_status submit(const snp_intent* intent, uint64_t* out_id, snp_error* err);
    void record_fault(const std::string& message);

  private:
    std::shared_ptr<NativePlugin> plugin_;
    std::string name_;
    snp_host_api api_{};
    snp_host_ctx ctx_{};
    void* self_ = nullptr;
    StrategyState state_ = StrategyState::Running;
    std::vector<PendingIntent> pending_;
    bool in_callback_ = false;
    bool in_create_ = false;
    uint32_t max_faults_;
    uint32_t index_ = 0;
    int64_t load_time_ns_ = 0;
    uint64_t events_ = 0, intents_ = 0, errors_ = 0;
    std::string last_error_;
    std::string params_json_;
};

} // namespace sniper
