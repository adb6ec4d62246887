// sniper/strategy.hpp — header-only C++ wrapper over strategy_abi.h.
//
// Derive from sniper::Strategy, override the callbacks you need, and export
// the class with SNIPER_EXPORT_STRATEGY. The wrapper is the exception
// firewall: every call from the host is wrapped in try/catch and an
// exception becomes SNP_ERR_EXCEPTION with its what() as the message, so no
// exception ever crosses the C boundary.
//
//   class MyStrategy : public sniper::Strategy {
//     public:
//       using Strategy::Strategy;
//       void on_new_pool(const snp_ev_new_pool& ev) override { ... buy(...); }
//   };
//   SNIPER_EXPORT_STRATEGY(MyStrategy, "my_strategy", "1.0.0",
//                          SNP_EVENT_BIT(SNP_EVENT_NEW_POOL), 1)
//
// Depends only on the C header and the standard library.
#pragma once

#include <sniper/strategy_abi.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sniper {

inline snp_str to_str(std::string_view s) { return snp_str{s.data(), s.size()}; }
inline std::string_view to_view(snp_str s) {
    return s.ptr != nullptr ? std::string_view(s.ptr, static_cast<size_t>(s.len))
                            : std::string_view();
}

// Hash and equality for snp_pubkey, for std::unordered_map keyed by mint or
// pool. Keys are hashes already, so the first 8 bytes are a good hash.
struct KeyHash {
    size_t operator()(const snp_pubkey& k) const noexcept {
        size_t h;
        std::memcpy(&h, k.bytes, sizeof h);
        return h;
    }
};
struct KeyEq {
    bool operator()(const snp_pubkey& a, const snp_pubkey& b) const noexcept {
        return std::memcmp(a.bytes, b.bytes, sizeof a.bytes) == 0;
    }
};

inline void set_error(snp_error* err, snp_status code, std::string_view msg) {
    if (err == nullptr || err->struct_size < SNP_ERROR_SIZE_1_0) {
        return;
    }
    err->code = code;
    const size_t n = msg.size() < sizeof(err->message) - 1 ? msg.size() : sizeof(err->message) - 1;
    std::memcpy(err->message, msg.data(), n);
    err->message[n] = '\0';
}

// Thrown by Strategy helpers when the host refuses a call outright
// (malformed intent). Caught by the firewall like any other exception.
class HostError : public std::runtime_error {
  public:
    HostError(snp_status status, const std::string& msg) : std::runtime_error(msg), status_(status) {}
    snp_status status() const { return status_; }

  private:
    snp_status status_;
};

struct BuyOptions {
    uint32_t max_slippage_bps = 300;
    uint64_t client_tag = 0;
    int32_t stop_loss_bps = 0;   // 0 = config default, negative = none
    int32_t take_profit_bps = 0; // 0 = config default, negative = none
    int32_t trailing_stop_bps = 0;
    int64_t max_hold_ns = 0;
    std::string_view reason;
    // ABI 1.1 (0 = host default; a 1.0 host ignores them).
    int64_t deadline_ns = 0;                // host clock; the order must not land after it
    uint32_t route = SNP_ROUTE_DEFAULT;     // SNP_ROUTE_*
    uint64_t max_priority_fee_lamports = 0; // cap on compute unit limit x price
    uint64_t max_tip_lamports = 0;          // cap on the Jito tip
};

class Strategy {
  public:
    Strategy(const snp_host_api* host, snp_host_ctx* ctx) : host_(host), ctx_(ctx) {}
    virtual ~Strategy() = default;
    Strategy(const Strategy&) = delete;
    Strategy& operator=(const Strategy&) = delete;

    // Called once after construction with the [strategies.<name>] table as
    // JSON. Throw to refuse to start.
    virtual void init(std::string_view params_json) { (void)params_json; }

    virtual void on_new_pool(const snp_ev_new_pool& ev) { (void)ev; }
    virtual void on_pool_update(const snp_ev_pool_update& ev) { (void)ev; }
    virtual void on_trade(const snp_ev_trade& ev) { (void)ev; }
    virtual void on_order_update(const snp_ev_order_update& ev) { (void)ev; }
    virtual void on_timer(const snp_ev_timer& ev) { (void)ev; }
    virtual void on_tool_result(const snp_ev_tool_result& ev) { (void)ev; } // ABI 1.1
    virtual void on_pool_safety(const snp_ev_pool_safety& ev) { (void)ev; } // ABI 1.1, appended
    virtual void on_curve_complete(const snp_ev_curve_complete& ev) { (void)ev; } // ABI 1.1, appended

    // State carried across hot reloads. Default: nothing to carry.
    virtual std::vector<uint8_t> save_state() { return {}; }
    virtual void load_state(const uint8_t* data, size_t size, uint32_t version) {
        (void)data;
        (void)size;
        (void)version;
    }

    // Dispatch by type; events of unknown (newer) types are ignored. An
    // event smaller than the struct this plugin was built with (an older
    // host) is copied into a zeroed struct first, so fields the host does
    // not know read as 0 instead of past the end.
    void dispatch(const snp_event_header& h) {
        switch (h.type) {
        case SNP_EVENT_NEW_POOL:
            with_event<snp_ev_new_pool>(h, [this](const snp_ev_new_pool& e) { on_new_pool(e); });
            break;
        case SNP_EVENT_POOL_UPDATE:
            with_event<snp_ev_pool_update>(h, [this](const snp_ev_pool_update& e) { on_pool_update(e); });
            break;
        case SNP_EVENT_TRADE:
            with_event<snp_ev_trade>(h, [this](const snp_ev_trade& e) { on_trade(e); });
            break;
        case SNP_EVENT_ORDER_UPDATE:
            with_event<snp_ev_order_update>(h, [this](const snp_ev_order_update& e) { on_order_update(e); });
            break;
        case SNP_EVENT_TIMER:
            with_event<snp_ev_timer>(h, [this](const snp_ev_timer& e) { on_timer(e); });
            break;
        case SNP_EVENT_TOOL_RESULT:
            with_event<snp_ev_tool_result>(h, [this](const snp_ev_tool_result& e) { on_tool_result(e); });
            break;
        case SNP_EVENT_POOL_SAFETY:
            with_event<snp_ev_pool_safety>(h, [this](const snp_ev_pool_safety& e) { on_pool_safety(e); });
            break;
        case SNP_EVENT_CURVE_COMPLETE:
            with_event<snp_ev_curve_complete>(h,
                                              [this](const snp_ev_curve_complete& e) { on_curve_complete(e); });
            break;
        default:
            break;
        }
    }

  protected:
    // ---- host calls -----------------------------------------------------
    void log(int32_t level, std::string_view msg) { host_->log(ctx_, level, to_str(msg)); }
    void info(std::string_view msg) { log(SNP_LOG_INFO, msg); }
    void warn(std::string_view msg) { log(SNP_LOG_WARN, msg); }
    int64_t now_ns() { return host_->now_ns(ctx_); }
    int32_t trading_state() { return host_->trading_state(ctx_); }

    // Returns the intent id. Throws HostError if the host refuses the intent
    // as malformed (a risk rejection arrives later as an ORDER_UPDATE).
    uint64_t submit(const snp_intent& intent) {
        snp_error err{};
        err.struct_size = sizeof(err);
        uint64_t id = 0;
        const snp_status st = host_->submit_intent(ctx_, &intent, &id, &err);
        if (st != SNP_OK) {
            throw HostError(st, std::string("submit_intent: ") + err.message);
        }
        return id;
    }

    uint64_t buy(const snp_pubkey& mint, const snp_pubkey& pool, uint64_t lamports,
                 const BuyOptions& o = {}) {
        snp_intent in{};
        in.struct_size = sizeof(in);
        in.side = SNP_SIDE_BUY;
        in.mint = mint;
        in.pool = pool;
        in.amount_in = lamports;
        in.max_slippage_bps = o.max_slippage_bps;
        in.client_tag = o.client_tag;
        in.stop_loss_bps = o.stop_loss_bps;
        in.take_profit_bps = o.take_profit_bps;
        in.trailing_stop_bps = o.trailing_stop_bps;
        in.max_hold_ns = o.max_hold_ns;
        in.reason = to_str(o.reason);
        in.deadline_ns = o.deadline_ns;
        in.route = o.route;
        in.max_priority_fee_lamports = o.max_priority_fee_lamports;
        in.max_tip_lamports = o.max_tip_lamports;
        return submit(in);
    }

    uint64_t sell_all(const snp_pubkey& mint, const snp_pubkey& pool, uint32_t max_slippage_bps,
                      std::string_view reason = {}, uint64_t client_tag = 0) {
        snp_intent in{};
        in.struct_size = sizeof(in);
        in.side = SNP_SIDE_SELL;
        in.mint = mint;
        in.pool = pool;
        in.flags = SNP_INTENT_SELL_ALL;
        in.max_slippage_bps = max_slippage_bps;
        in.client_tag = client_tag;
        in.reason = to_str(reason);
        return submit(in);
    }

    // True and fills `out` when the strategy holds the mint.
    bool position(const snp_pubkey& mint, snp_position& out) {
        out = snp_position{};
        out.struct_size = sizeof(out);
        return host_->position(ctx_, &mint, &out) == SNP_OK;
    }

    uint64_t set_timer(int64_t delay_ns, uint64_t tag) {
        uint64_t id = 0;
        const snp_status st = host_->set_timer(ctx_, delay_ns, tag, &id);
        if (st != SNP_OK) {
            throw HostError(st, "set_timer refused with status " + std::to_string(st));
        }
        return id;
    }

    // Asks an external tool; the answer arrives as on_tool_result with the
    // returned call id. Returns 0 when the host refuses (no tools, unknown
    // tool, queue full): the status is in *status when given.
    uint64_t call_tool(std::string_view tool, std::string_view request_json, int64_t timeout_ns,
                       snp_status* status = nullptr) {
        uint64_t id = 0;
        const snp_status st = host_->call_tool(ctx_, to_str(tool), to_str(request_json), timeout_ns, &id);
        if (status != nullptr) {
            *status = st;
        }
        return st == SNP_OK ? id : 0;
    }

  private:
    template <class E, class F> static void with_event(const snp_event_header& h, F&& f) {
        if (h.size >= sizeof(E)) {
            f(reinterpret_cast<const E&>(h));
            return;
        }
        if (h.size < sizeof(snp_event_header)) {
            return; // malformed: not even a header
        }
        E copy{};
        std::memcpy(static_cast<void*>(&copy), &h, h.size);
        f(copy);
    }

    const snp_host_api* host_;
    snp_host_ctx* ctx_;
};

// ---- the firewall: C entry points generated for a Strategy class ---------
namespace detail {

template <class T> struct Glue {
    static void* create(const snp_host_api* host, snp_host_ctx* ctx, snp_str params,
                        snp_error* err) {
        try {
            auto* s = new T(host, ctx);
            try {
                s->init(to_view(params));
            } catch (...) {
                delete s;
                throw;
            }
            return s;
        } catch (const std::exception& e) {
            set_error(err, SNP_ERR_EXCEPTION, e.what());
        } catch (...) {
            set_error(err, SNP_ERR_EXCEPTION, "unknown exception in create");
        }
        return nullptr;
    }
    static void destroy(void* self) {
        try {
            delete static_cast<T*>(self);
        } catch (...) {
            // A destructor that throws is a bug in the plugin; never unwind
            // into the host.
        }
    }
    static snp_status on_event(void* self, const snp_event_header* ev, snp_error* err) {
        try {
            static_cast<T*>(self)->dispatch(*ev);
            return SNP_OK;
        } catch (const HostError& e) {
            set_error(err, e.status(), e.what());
            return e.status();
        } catch (const std::exception& e) {
            set_error(err, SNP_ERR_EXCEPTION, e.what());
        } catch (...) {
            set_error(err, SNP_ERR_EXCEPTION, "unknown exception in on_event");
        }
        return SNP_ERR_EXCEPTION;
    }
    static snp_status save_state(void* self, uint8_t* buf, uint64_t cap, uint64_t* out_size) {
        try {
            const std::vector<uint8_t> s = static_cast<T*>(self)->save_state();
            *out_size = s.size();
            if (s.size() > cap) {
                return SNP_ERR_BUFFER_TOO_SMALL;
            }
            if (!s.empty()) {
                std::memcpy(buf, s.data(), s.size());
            }
            return SNP_OK;
        } catch (...) {
            return SNP_ERR_EXCEPTION;
        }
    }
    static snp_status load_state(void* self, snp_bytes state, uint32_t version, snp_error* err) {
        try {
            static_cast<T*>(self)->load_state(state.ptr, static_cast<size_t>(state.len), version);
            return SNP_OK;
        } catch (const std::exception& e) {
            set_error(err, SNP_ERR_EXCEPTION, e.what());
        } catch (...) {
            set_error(err, SNP_ERR_EXCEPTION, "unknown exception in load_state");
        }
        return SNP_ERR_EXCEPTION;
    }
    static constexpr snp_strategy_vtable vtable{sizeof(snp_strategy_vtable), 0, &create,
                                                 &destroy,  &on_event,  &save_state,
                                                 &load_state};
};

} // namespace detail
} // namespace sniper

#ifndef SNIPER_BUILD_INFO
#define SNIPER_BUILD_INFO "built " __DATE__ " " __TIME__
#endif

// Export `Class` as this library's strategy. Use once per plugin.
#define SNIPER_EXPORT_STRATEGY(Class, NAME, VERSION, EVENT_MASK, STATE_VERSION)                    \
    extern "C" SNP_EXPORT const snp_plugin_manifest* snp_plugin_entry(uint32_t host_abi_version) { \
        static const snp_plugin_manifest manifest{                                                 \
            sizeof(snp_plugin_manifest),                                                           \
            SNP_ABI_VERSION,                                                                       \
            {NAME, sizeof(NAME) - 1},                                                              \
            {VERSION, sizeof(VERSION) - 1},                                                        \
            {SNIPER_BUILD_INFO, sizeof(SNIPER_BUILD_INFO) - 1},                                    \
            (EVENT_MASK),                                                                          \
            (STATE_VERSION),                                                                       \
            0,                                                                                     \
            &::sniper::detail::Glue<Class>::vtable};                                               \
        (void)host_abi_version; /* the host compares versions and names both */                    \
        return &manifest;                                                                          \
    }
