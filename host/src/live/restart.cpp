// live/restart.cpp — reconcile at start: every order the journal left in
// flight is settled from the chain before trading (see live_executor.hpp,
// "Restart").
#include "live/executor_impl.hpp"

#include "live/outcome.hpp"
#include "solana/base64.hpp"
#include "solana/transaction.hpp"

namespace sniper::live {

bool LiveExecutor::Impl::blockhashes_dead(const std::vector<SendAttemptRecord>& attempts) {
    // The journaled lastValidBlockHeight is the route's number: as on the
    // live path (confirm_blockhash_dead), a node past that height must
    // also say the blockhash is no longer valid before nothing can land.
    for (const SendAttemptRecord& a : attempts) {
        solana::Transaction t;
        if (solana::parse_transaction(a.tx, t)) {
            return false; // unreadable bytes: cannot be shown dead
        }
        auto done = std::make_shared<std::promise<rpc::RpcResponse>>();
        auto answer = done->get_future();
        rpc->call("isBlockhashValid",
                  rpc::params::is_blockhash_valid(t.message.recent_blockhash, rpc::Commitment::Processed),
                  [done](rpc::RpcResponse r) { done->set_value(std::move(r)); });
        const rpc::RpcResponse r = answer.get();
        bool valid = true;
        if (!r.ok() || endpoint_height(r.endpoint) <= a.last_valid_block_height ||
            rpc::parse_blockhash_valid(r.result_json, valid) || valid) {
            return false;
        }
    }
    return true;
}

std::vector<ExecReport> LiveExecutor::Impl::reconcile(const std::vector<UnsettledOrder>& orders) {
    std::vector<ExecReport> out;
    struct Pending {
        UnsettledOrder o;
        std::vector<SendAttemptRecord> attempts;
        std::vector<solana::Signature> sigs, tip_sigs;
        uint64_t max_lvbh = 0;
    };
    std::vector<Pending> pending;
    for (const UnsettledOrder& o : orders) {
        Pending p{o, store != nullptr ? store->send_attempts(o.intent_id) : std::vector<SendAttemptRecord>{}, {}, {}, 0};
        if (store != nullptr && !store->healthy()) {
            // Attempts unreadable: "none" cannot be told from "not read".
            log::error("live", "the journal's send attempts could not be read; the order stays unsettled",
                       {{"intent_id", o.intent_id}, {"error", store->last_error()}});
            continue;
        }
        if (p.attempts.empty()) {
            ExecReport r;
            r.intent_id = o.intent_id;
            r.status = SNP_ORDER_EXPIRED;
            r.code = kExecStoppedInFlight;
            r.reason = "the process stopped before any transaction of this order was sent";
            out.push_back(std::move(r));
            continue;
        }
        for (const SendAttemptRecord& a : p.attempts) {
            auto s = solana::signature_from_base58(a.signature);
            p.sigs.push_back(s ? *s : solana::Signature{});
            solana::Signature ts{};
            if (!a.tip_tx.empty()) {
                solana::Transaction t;
                if (!solana::parse_transaction(a.tip_tx, t) && !t.signatures.empty()) {
                    ts = t.signatures[0];
                }
            }
            p.tip_sigs.push_back(ts);
            p.max_lvbh = std::max(p.max_lvbh, a.last_valid_block_height);
        }
        pending.push_back(std::move(p));
    }
    if (!pending.empty()) {
        log::warn("live", "looking up orders in flight at the last stop before trading",
                  {{"orders", static_cast<uint64_t>(pending.size())}});
    }
    const int64_t give_up = mono_us() + 10LL * 60 * 1'000'000; // 150 blocks are ~1 minute on mainnet
    while (!pending.empty()) {
        std::vector<solana::Signature> all;
        for (const Pending& p : pending) {
            all.insert(all.end(), p.sigs.begin(), p.sigs.end());
        }
        // At most 256 signatures per call (Solana's limit); the answer
        // counts only from a node that has itself seen the height.
        rpc::RpcResult<rpc::SignatureStatuses> st;
        uint64_t answered_height = UINT64_MAX;
        for (size_t i = 0; i < all.size() && (i == 0 || st.ok()); i += 256) {
            std::vector<solana::Signature> part(all.begin() + static_cast<std::ptrdiff_t>(i),
                                                all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), i + 256)));
            auto r = sync<rpc::SignatureStatuses>(
                [&](auto cb) { rpc::get_signature_statuses(*rpc, part, true, cb); });
            st.error = r.error;
            if (r.ok()) {
                st.value.statuses.insert(st.value.statuses.end(), r.value.statuses.begin(), r.value.statuses.end());
                answered_height = std::min(answered_height, endpoint_height(r.error.endpoint));
            }
        }
        auto bh = sync<uint64_t>([&](auto cb) { rpc::get_block_height(*rpc, rpc::Commitment::Confirmed, cb); });
        const uint64_t height = std::min(std::max(bh.ok() ? bh.value : 0, rpc->heights().highest()),
                                         answered_height);
        size_t k = 0;
        std::vector<Pending> still;
        for (Pending& p : pending) {
            std::optional<size_t> landed;
            bool processed = false;
            for (size_t i = 0; i < p.sigs.size(); ++i, ++k) {
                if (st.ok() && k < st.value.statuses.size() && st.value.statuses[k]) {
                    if (settled(st.value.statuses[k])) {
                        landed = i;
                    } else {
                        processed = true;
                    }
                }
            }
            if (landed) {
                auto tx = sync<std::optional<rpc::TransactionInfo>>([&](auto cb) {
                    rpc::get_transaction(*rpc, p.sigs[*landed], rpc::Commitment::Confirmed, cb);
                });
                std::optional<rpc::TransactionInfo> tip;
                if (tx.ok() && tx.value && !p.attempts[*landed].tip_tx.empty()) {
                    auto t = sync<std::optional<rpc::TransactionInfo>>([&](auto cb) {
                        rpc::get_transaction(*rpc, p.tip_sigs[*landed], rpc::Commitment::Confirmed, cb);
                    });
                    if (!t.ok() || !t.value) {
                        still.push_back(std::move(p));
                        continue;
                    }
                    tip = std::move(t.value);
                }
                if (tx.ok() && tx.value) {
                    ExecReport r = outcome_from_tx(p.o.intent_id, p.o.side, wallet(), to_solana(p.o.mint), *tx.value,
                                                   tip ? &*tip : nullptr);
                    r.attempt = static_cast<uint32_t>(*landed + 1);
                    r.reason = (r.reason.empty() ? "" : r.reason + "; ") +
                               std::string("found on chain after a restart (attempt ") +
                               std::to_string(*landed + 1) + ")";
                    out.push_back(std::move(r));
                    continue;
                }
                still.push_back(std::move(p));
                continue;
            }
            if (st.ok() && bh.ok() && !processed && height > p.max_lvbh && blockhashes_dead(p.attempts)) {
                ExecReport r;
                r.intent_id = p.o.intent_id;
                r.status = SNP_ORDER_EXPIRED;
                r.code = kLiveExpired;
                r.attempt = static_cast<uint32_t>(p.attempts.size());
                r.reason = "no attempt landed before its blockhash expired (looked up after a restart)";
                out.push_back(std::move(r));
                continue;
            }
            still.push_back(std::move(p));
        }
        pending = std::move(still);
        if (pending.empty()) {
            break;
        }
        if (mono_us() > give_up) {
            for (const Pending& p : pending) {
                log::error("live", "order in flight could not be settled at start; it stays open",
                           {{"intent_id", p.o.intent_id}});
            }
            break;
        }
        // The same bytes again while it may still land (a send lost in
        // the crash): they can land once at most.
        for (const Pending& p : pending) {
            const SendAttemptRecord& a = p.attempts.back();
            if (a.tip_tx.empty()) {
                rpc::broadcast_transaction(*rpc, a.tx, [](std::vector<rpc::RpcResult<solana::Signature>>) {});
            } else {
                const std::span<const uint8_t> bundle[] = {a.tx, a.tip_tx};
                jito->call("sendBundle", rpc::params::send_bundle(bundle), [](rpc::RpcResponse) {});
            }
        }
        std::this_thread::sleep_for(std::chrono::nanoseconds(std::max<int64_t>(cfg.status_interval_ns, 50'000'000)));
    }
    return out;
}

} // namespace sniper::live
