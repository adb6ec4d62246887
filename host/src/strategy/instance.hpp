// strategy/instance.hpp — one running strategy: its code (native or Lua),
// the instance handle, the host API table it calls back through, and its
// health. The instance is the fault boundary: a failing create disables
// it; an on_event that fails, or that the lane's watchdog flagged as over
// its callback budget, counts a fault and discards the intents submitted
// during that call; max_faults
// faults fail it; the host runs on. Every call into strategy code goes
// through the CallLane it is attached to, so the hang watchdog can abandon
// a call that never returns (the instance is then "hung": never called or
// destroyed again), and host API calls from an abandoned call are refused.
//
// Callbacks of one instance are serialized by the engine (one lane at a
// time), so the pending-intent buffer needs no lock. Counters read by the
// control thread go through the engine's snapshot, not through this object.
#pragma once

#include "core/clock.hpp"
#include "core/types.hpp"
#include "strategy/call_lane.hpp"
#include "strategy/strategy_code.hpp"

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
    // ABI 1.1: asks an external tool; the answer comes back as a
    // TOOL_RESULT event. Hosts without tools refuse with SNP_ERR_UNSUPPORTED.
    virtual snp_status host_call_tool(StrategyInstance& s, std::string_view tool, std::string_view request_json,
                                      int64_t timeout_ns, uint64_t* out_id) {
        (void)s;
        (void)tool;
        (void)request_json;
        (void)timeout_ns;
        (void)out_id;
        return SNP_ERR_UNSUPPORTED;
    }
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

    StrategyInstance(std::shared_ptr<StrategyCode> plugin, std::string name, StrategyHost* host,
                     const RuntimeLimits& limits);
    ~StrategyInstance(); // destroys the plugin instance (if created; never when hung)

    // The lane whose thread makes the next calls (a create thread, then the
    // event path). Set while no call is in progress.
    void attach(std::shared_ptr<CallLane> lane) { lane_ = std::move(lane); }
    const RuntimeLimits& limits() const { return limits_; }

    StrategyInstance(const StrategyInstance&) = delete;
    StrategyInstance& operator=(const StrategyInstance&) = delete;

    // Calls the plugin's create. On failure the instance is Failed with
    // last_error set, and false is returned. In create the host API offers
    // log, now and trading_state only (nothing that reads the engine's
    // books), so create may run off the event path.
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
    const StrategyCode& plugin() const { return *plugin_; }
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
    int64_t slowest_call_ns() const { return ticks_to_ns(slowest_ticks_); }
    const std::string& params_json() const { return params_json_; }
    std::shared_ptr<StrategyCode> plugin_ptr() const { return plugin_; }
    void set_last_error(std::string e) { last_error_ = std::move(e); }
    void reset_faults() { errors_ = 0; }
    // Set by the watchdog when a call into this instance was abandoned.
    void mark_hung(const std::string& message);
    bool hung() const { return hung_; }

    // Host API trampolines: true when the call may touch host state.
    bool host_enter() { return lane_ && lane_->host_enter(call_seq_); }
    void host_leave() { lane_->host_leave(call_seq_); }
    bool in_create() const { return in_create_; }

    // Called from the C trampolines.
    snp_status submit(const snp_intent* intent, uint64_t* out_id, snp_error* err);
    void record_fault(const std::string& message);

  private:
    // Runs one call into strategy code on the lane; parks the thread if
    // the watchdog abandoned the call. Sets last_call_ns_.
    template <class F>
    auto guarded(F&& call);

    std::shared_ptr<StrategyCode> plugin_;
    std::string name_;
    snp_host_api api_{};
    snp_host_ctx ctx_{};
    void* self_ = nullptr;
    StrategyState state_ = StrategyState::Running;
    std::vector<PendingIntent> pending_;
    bool in_callback_ = false;
    bool in_create_ = false;
    bool hung_ = false;
    RuntimeLimits limits_;
    std::shared_ptr<CallLane> lane_;
    uint64_t call_seq_ = 0;
    uint32_t index_ = 0;
    int64_t load_time_ns_ = 0;
    uint64_t events_ = 0, intents_ = 0, errors_ = 0;
    uint64_t hang_ticks_; // limits_.hang_timeout_ns in cpu_ticks()
    uint64_t slowest_ticks_ = 0;
    uint64_t last_call_ticks_ = 0;
    std::string last_error_;
    std::string params_json_;
};

// Runs inst->create(params) on a thread of its own, watched: a create that
// has not returned after the instance's hang timeout is abandoned (the
// instance is marked hung, leaked, and `inst` is left empty). Lets the
// event path and the reloader never wait on strategy code they cannot
// interrupt. Then attaches `lane` (the lane that makes the next calls).
struct CreateOutcome {
    bool ok = false;
    bool hung = false;
    std::string error; // when !ok
};
CreateOutcome create_watched(std::unique_ptr<StrategyInstance>& inst, std::string_view params,
                             std::shared_ptr<CallLane> lane);

// Keeps an instance whose call was abandoned alive, with its code mapped,
// until the process exits: the stuck thread may still be running in it.
void leak_hung_instance(std::unique_ptr<StrategyInstance> inst);

} // namespace sniper
