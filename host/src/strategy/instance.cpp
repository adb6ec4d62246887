#include "strategy/instance.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace sniper {
namespace {

std::string_view view(snp_str s) {
    return s.ptr != nullptr ? std::string_view(s.ptr, static_cast<size_t>(s.len)) : std::string_view();
}


// A host API call in progress: refused (ok == false) when the call it came
// from was abandoned by the watchdog or is not a callback of this lane.
struct HostScope {
    explicit HostScope(StrategyInstance* in) : in_(in), ok(in->host_enter()) {}
    ~HostScope() {
        if (ok) {
            in_->host_leave();
        }
    }
    HostScope(const HostScope&) = delete;
    HostScope& operator=(const HostScope&) = delete;
    StrategyInstance* in_;
    const bool ok;
};

// ---- C trampolines: the host API table ----------------------------------
void api_log(snp_host_ctx* ctx, int32_t level, snp_str msg) {
    HostScope scope(ctx->instance);
    if (!scope.ok) {
        return;
    }
    const std::string_view m = view(msg).substr(0, 4096);
    const std::string& name = ctx->instance->name();
    switch (level) {
    case SNP_LOG_DEBUG:
        log::debug("strategy", m, {{"strategy", name}});
        break;
    case SNP_LOG_WARN:
        log::warn("strategy", m, {{"strategy", name}});
        break;
    case SNP_LOG_ERROR:
        log::error("strategy", m, {{"strategy", name}});
        break;
    default:
        log::info("strategy", m, {{"strategy", name}});
        break;
    }
}
int64_t api_now_ns(snp_host_ctx* ctx) {
    HostScope scope(ctx->instance);
    return scope.ok ? ctx->host->host_now_ns() : 0;
}
snp_status api_submit_intent(snp_host_ctx* ctx, const snp_intent* intent, uint64_t* out_id,
                             snp_error* err) {
    HostScope scope(ctx->instance);
    if (!scope.ok) {
        fill_snp_error(err, SNP_ERR_STATE, "host calls are only allowed from within a callback");
        return SNP_ERR_STATE;
    }
    return ctx->instance->submit(intent, out_id, err);
}
snp_status api_position(snp_host_ctx* ctx, const snp_pubkey* mint, snp_position* out) {
    HostScope scope(ctx->instance);
    if (!scope.ok || ctx->instance->in_create()) {
        return SNP_ERR_STATE; // create may run off the event path: no books there
    }
    if (mint == nullptr || out == nullptr || out->struct_size < SNP_POSITION_SIZE_1_0) {
        return SNP_ERR_INVALID_ARGUMENT;
    }
    // Fill a whole host struct, hand back only as much as the caller has.
    snp_position full{};
    full.struct_size = sizeof full;
    const snp_status st = ctx->host->host_position(*ctx->instance, *mint, &full);
    if (st == SNP_OK) {
        const uint32_t caller_size = out->struct_size;
        std::memcpy(static_cast<void*>(out), &full, std::min<size_t>(caller_size, sizeof full));
        out->struct_size = static_cast<uint32_t>(std::min<size_t>(caller_size, sizeof full));
    }
    return st;
}
snp_status api_set_timer(snp_host_ctx* ctx, int64_t delay_ns, uint64_t tag, uint64_t* out_id) {
    HostScope scope(ctx->instance);
    if (!scope.ok || ctx->instance->in_create()) {
        return SNP_ERR_STATE; // set timers from an event, not from create
    }
    if (delay_ns < 0 || out_id == nullptr) {
        return SNP_ERR_INVALID_ARGUMENT;
    }
    return ctx->host->host_set_timer(*ctx->instance, delay_ns, tag, out_id);
}
snp_status api_call_tool(snp_host_ctx* ctx, snp_str tool, snp_str request_json, int64_t timeout_ns,
                         uint64_t* out_id) {
    HostScope scope(ctx->instance);
    if (!scope.ok || ctx->instance->in_create()) {
        return SNP_ERR_STATE; // call tools from an event, not from create
    }
    if (out_id == nullptr || timeout_ns < 0 || (tool.ptr == nullptr && tool.len != 0) ||
        (request_json.ptr == nullptr && request_json.len != 0) || tool.len > 64 || request_json.len > (1u << 20)) {
        return SNP_ERR_INVALID_ARGUMENT;
    }
    return ctx->host->host_call_tool(*ctx->instance, std::string_view(tool.ptr, tool.len),
                                     std::string_view(request_json.ptr, request_json.len), timeout_ns, out_id);
}
int32_t api_trading_state(snp_host_ctx* ctx) {
    HostScope scope(ctx->instance);
    return scope.ok ? ctx->host->host_trading_state() : SNP_TRADING_HALTED;
}

} // namespace

template <class F>
auto StrategyInstance::guarded(F&& call) {
    const uint64_t t0 = cpu_ticks();
    call_seq_ = lane_->enter(this, t0, hang_ticks_, limits_.callback_budget_ns);
    auto result = call();
    if (!lane_->leave(call_seq_)) {
        park_abandoned_thread();
    }
    last_call_ticks_ = cpu_ticks() - t0;
    slowest_ticks_ = std::max(slowest_ticks_, last_call_ticks_);
    return result;
}

void StrategyInstance::mark_hung(const std::string& message) {
    hung_ = true;
    state_ = StrategyState::Failed;
    ++errors_;
    last_error_ = message;
    log::error("strategy", "strategy callback hung; abandoned and the strategy failed",
               {{"strategy", name_}, {"error", message}});
}

const char* strategy_state_name(StrategyState s) {
    switch (s) {
    case StrategyState::Running:
        return "running";
    case StrategyState::Disabled:
        return "disabled";
    case StrategyState::Failed:
        return "failed";
    case StrategyState::Removed:
        return "removed";
    }
    return "invalid";
}

StrategyInstance::StrategyInstance(std::shared_ptr<StrategyCode> plugin, std::string name,
                                   StrategyHost* host, const RuntimeLimits& limits)
    : plugin_(std::move(plugin)), name_(std::move(name)), limits_(limits),
      lane_(std::make_shared<CallLane>()), hang_ticks_(ns_to_ticks(limits.hang_timeout_ns)) {
    api_.struct_size = sizeof(api_);
    api_.abi_version = SNP_ABI_VERSION;
    api_.log = &api_log;
    api_.now_ns = &api_now_ns;
    api_.submit_intent = &api_submit_intent;
    api_.position = &api_position;
    api_.set_timer = &api_set_timer;
    api_.call_tool = &api_call_tool;
    api_.trading_state = &api_trading_state;
    ctx_.instance = this;
    ctx_.host = host;
    pending_.reserve(8);
}

StrategyInstance::~StrategyInstance() {
    if (self_ != nullptr && !hung_) {
        plugin_->destroy(self_);
        self_ = nullptr;
    }
}

bool StrategyInstance::save_state(std::vector<uint8_t>& out, std::string* error) {
    out.clear();
    if (self_ == nullptr || !plugin_->has_save_state()) {
        return true;
    }
    out.resize(4096);
    for (int attempt = 0; attempt < 3; ++attempt) {
        uint64_t size = 0;
        const snp_status st = guarded([&] { return plugin_->save_state(self_, out.data(), out.size(), &size); });
        if (st == SNP_OK && size <= out.size()) {
            out.resize(static_cast<size_t>(size));
            return true;
        }
        if (st != SNP_ERR_BUFFER_TOO_SMALL || size <= out.size() || size > (64u << 20)) {
            *error = "save_state returned status " + std::to_string(st) +
                     (size > (64u << 20) ? " (state over 64 MiB)" : "");
            return false;
        }
        out.resize(static_cast<size_t>(size));
    }
    *error = "save_state kept asking for a larger buffer";
    return false;
}

bool StrategyInstance::load_state(const std::vector<uint8_t>& state, uint32_t state_version,
                                  std::string* error) {
    if (state.empty() || !plugin_->has_load_state()) {
        return true;
    }
    snp_error err{};
    err.struct_size = sizeof err;
    const snp_status st = guarded(
        [&] { return plugin_->load_state(self_, snp_bytes{state.data(), state.size()}, state_version, &err); });
    if (st != SNP_OK) {
        *error = "load_state returned status " + std::to_string(st) +
                 (err.message[0] != '\0' ? std::string(": ") + err.message : std::string());
        return false;
    }
    return true;
}

bool StrategyInstance::create(std::string_view params_json) {
    params_json_.assign(params_json);
    snp_error err{};
    err.struct_size = sizeof err;
    in_create_ = true;
    self_ = guarded([&] {
        return plugin_->create(&api_, &ctx_, snp_str{params_json.data(), params_json.size()}, &err);
    });
    in_create_ = false;
    if (self_ == nullptr) {
        state_ = StrategyState::Failed;
        std::string detail = plugin_->error_detail(nullptr);
        last_error_ = std::string("create failed: ") + (err.message[0] != '\0' ? err.message : "returned NULL");
        if (!detail.empty()) {
            last_error_ += "\n" + detail;
        }
        ++errors_;
        return false;
    }
    return true;
}

bool StrategyInstance::on_event(const snp_event_header& ev) {
    pending_.clear();
    snp_error err{};
    err.struct_size = sizeof err;
    in_callback_ = true;
    const snp_status st = guarded([&] { return plugin_->on_event(self_, &ev, &err); });
    in_callback_ = false;
    ++events_;
    if (st != SNP_OK) {
        pending_.clear(); // an error discards what the callback submitted
        std::string msg = std::string("on_event(") + event_type_name(ev.type) + ") returned status " +
                          std::to_string(st) + (err.message[0] != '\0' ? ": " : "") + err.message;
        if (std::string detail = plugin_->error_detail(self_); !detail.empty()) {
            msg += "\n" + detail;
        }
        record_fault(msg);
        return false;
    }
    if (lane_->over_budget(call_seq_)) {
        pending_.clear(); // decided on data that is stale by now
        record_fault(std::string("on_event(") + event_type_name(ev.type) + ") ran " +
                     std::to_string(ticks_to_ns(last_call_ticks_) / 1000) + " us, over the callback budget of " +
                     std::to_string(limits_.callback_budget_ns / 1000) + " us; its intents are discarded");
        return false;
    }
    return true;
}

void StrategyInstance::record_fault(const std::string& message) {
    ++errors_;
    last_error_ = message;
    log::warn("strategy", "strategy fault", {{"strategy", name_}, {"error", message}, {"faults", errors_}});
    if (errors_ >= limits_.max_faults && state_ == StrategyState::Running) {
        state_ = StrategyState::Failed;
        log::error("strategy", "strategy failed after repeated faults; it gets no more events",
                   {{"strategy", name_}, {"faults", errors_}, {"last_error", message}});
    }
}

snp_status StrategyInstance::submit(const snp_intent* in, uint64_t* out_id, snp_error* err) {
    if (!in_callback_) {
        fill_snp_error(err, SNP_ERR_STATE,
                   in_create_ ? "submit_intent is not allowed in create: wait for an event"
                              : "submit_intent is only allowed inside on_event");
        return SNP_ERR_STATE;
    }
    if (in == nullptr || out_id == nullptr) {
        fill_snp_error(err, SNP_ERR_INVALID_ARGUMENT, "intent and out_id must not be NULL");
        return SNP_ERR_INVALID_ARGUMENT;
    }
    if (in->struct_size < SNP_INTENT_SIZE_1_0) {
        fill_snp_error(err, SNP_ERR_ABI_MISMATCH,
                       "intent struct_size " + std::to_string(in->struct_size) +
                           " is smaller than ABI 1.0's " + std::to_string(SNP_INTENT_SIZE_1_0));
        return SNP_ERR_ABI_MISMATCH;
    }
    // Grow the OBS way: what the plugin knows is copied, the rest reads 0
    // (each field appended since 1.0 gives 0 the meaning "default").
    snp_intent intent{};
    std::memcpy(static_cast<void*>(&intent), in, std::min<size_t>(in->struct_size, sizeof intent));
    intent.struct_size = sizeof intent;
    if (pending_.size() >= kMaxIntentsPerCallback) {
        fill_snp_error(err, SNP_ERR_REJECTED, "too many intents in one callback (max 64)");
        return SNP_ERR_REJECTED;
    }
    // Shape checks here; limits are the risk gate's job.
    std::string problem;
    if (intent.side != SNP_SIDE_BUY && intent.side != SNP_SIDE_SELL) {
        problem = "side must be BUY (1) or SELL (2), found " + std::to_string(intent.side);
    } else if (intent.side == SNP_SIDE_BUY && (intent.flags & SNP_INTENT_SELL_ALL) != 0) {
        problem = "SELL_ALL flag on a BUY";
    } else if (intent.amount_in == 0 && (intent.flags & SNP_INTENT_SELL_ALL) == 0) {
        problem = "amount_in must be > 0";
    } else if (intent.max_slippage_bps == 0 || intent.max_slippage_bps > 10000) {
        problem = "max_slippage_bps must be 1..10000, found " + std::to_string(intent.max_slippage_bps);
    } else if (is_zero(intent.mint)) {
        problem = "mint must be set";
    } else if (intent.route >= SNP_ROUTE_COUNT) {
        problem = "route must be 0..3 (default, direct, jupiter, jito), found " + std::to_string(intent.route);
    } else if (is_zero(intent.pool) && intent.route != SNP_ROUTE_JUPITER) {
        problem = "pool must be set (only the jupiter route finds a pool itself)";
    } else if (intent.deadline_ns < 0) {
        problem = "deadline_ns must be >= 0 (0 = none), found " + std::to_string(intent.deadline_ns);
    } else if (intent.reason.len > 4096) {
        problem = "reason longer than 4096 bytes";
    }
    if (!problem.empty()) {
        fill_snp_error(err, SNP_ERR_INVALID_ARGUMENT, problem);
        return SNP_ERR_INVALID_ARGUMENT;
    }
    PendingIntent p;
    p.intent = intent;
    p.reason.assign(view(intent.reason));
    p.intent.reason = snp_str{nullptr, 0}; // borrowed pointer must not outlive the call
    p.intent_id = ctx_.host->host_next_intent_id();
    *out_id = p.intent_id;
    ++intents_;
    pending_.push_back(std::move(p));
    return SNP_OK;
}

void leak_hung_instance(std::unique_ptr<StrategyInstance> inst) {
    static std::mutex mu;
    static auto* kept = new std::vector<StrategyInstance*>(); // never freed, on purpose
    std::lock_guard<std::mutex> lk(mu);
    kept->push_back(inst.release());
}

CreateOutcome create_watched(std::unique_ptr<StrategyInstance>& inst, std::string_view params,
                             std::shared_ptr<CallLane> lane) {
    struct Shared {
        std::mutex mu;
        std::condition_variable cv;
        bool done = false;
        bool ok = false;
        int tid = 0;
    };
    auto create_lane = std::make_shared<CallLane>();
    inst->attach(create_lane);
    auto sh = std::make_shared<Shared>();
    StrategyInstance* raw = inst.get();
    std::thread t([raw, sh, p = std::string(params)] {
        {
            std::lock_guard<std::mutex> lk(sh->mu);
            sh->tid = current_thread_id();
        }
        const bool ok = raw->create(p); // parks here for good if abandoned
        std::lock_guard<std::mutex> lk(sh->mu);
        sh->done = true;
        sh->ok = ok;
        sh->cv.notify_all();
    });
    const int64_t timeout = inst->limits().hang_timeout_ns;
    std::unique_lock<std::mutex> lk(sh->mu);
    while (!sh->cv.wait_for(lk, std::chrono::milliseconds(5), [&] { return sh->done; })) {
        if (create_lane->try_abandon(cpu_ticks()) != nullptr) {
            const int tid = sh->tid;
            lk.unlock();
            t.detach();
            if (tid != 0) {
                demote_thread(tid);
            }
            CreateOutcome out;
            out.hung = true;
            out.error = "create did not return within " + std::to_string(timeout / 1'000'000) +
                        " ms (hang_timeout); the strategy is failed and its thread abandoned";
            inst->mark_hung(out.error);
            leak_hung_instance(std::move(inst));
            return out;
        }
    }
    const bool ok = sh->ok;
    lk.unlock();
    t.join();
    CreateOutcome out;
    out.ok = ok;
    if (!ok) {
        out.error = inst->last_error();
    }
    inst->attach(std::move(lane));
    return out;
}

} // namespace sniper
