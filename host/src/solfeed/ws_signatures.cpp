// solfeed/ws_signatures.cpp — the WebSocket source as a SignatureWatch
// (core/signature_watch.hpp): the live executor's signatures subscribed on
// the feed's own connections, so the host keeps one WebSocket client.
//
// Per connection, on its thread (each tick, under the source's mutex):
// every watched signature not yet heard of is subscribed with
// signatureSubscribe at [feeds.ws] commitment, within the connection's
// request budget; a forgotten one still subscribed is unsubscribed. A node
// ends a signature subscription itself after its one notification. A
// reconnect starts the connection's subscriptions over. A refused
// subscription is counted (SUBSCRIBE_ERROR) and not asked again on that
// connection. A notification is read strictly (subscription, context slot,
// a value object with err); anything else is counted and ignored.
#include "solfeed/ws_source_impl.hpp"

#include "core/clock.hpp"
#include "solana/base58.hpp"

#include <simdjson.h>

namespace sniper::solfeed {

void SolanaWsSource::Impl::sync_signatures(Endpoint& ep) {
    std::vector<std::string> out;
    if (slots_wanted && !ep.slot_asked && ep.tokens >= 1 && mono_ns() >= ep.slot_retry_mono) {
        ep.tokens -= 1;
        ep.slot_asked = true;
        out.push_back(ws_request(kSlotRequest, "slotSubscribe", ""));
    }
    for (const auto& [sig, heard] : signatures) {
        if (heard || ep.sub_by_signature.count(sig) != 0 || ep.signatures_refused.count(sig) != 0) {
            continue;
        }
        bool pending = false;
        for (const auto& [id, p] : ep.pending_signatures) {
            pending = pending || (p.subscribe && p.sig == sig);
        }
        if (pending) {
            continue;
        }
        uint64_t id = 0;
        if (!ep.spend(id)) { // the budget sync_accounts refilled this tick
            break;
        }
        ep.pending_signatures[id] = {sig, true, 0};
        out.push_back(ws_request(id, "signatureSubscribe",
                                 "\"" + solana::base58_encode(sig.data(), sig.size()) + "\",{\"commitment\":\"" +
                                     cfg.ws.commitment + "\"}"));
    }
    for (auto it = ep.sub_by_signature.begin(); it != ep.sub_by_signature.end();) {
        const auto w = signatures.find(it->first);
        if (w != signatures.end() && !w->second) {
            ++it;
            continue;
        }
        uint64_t id = 0;
        if (!ep.spend(id)) {
            break;
        }
        ep.pending_signatures[id] = {SignatureBytes{}, false, it->second};
        out.push_back(ws_request(id, "signatureUnsubscribe", std::to_string(it->second)));
        ep.signature_by_sub.erase(it->second);
        ep.unsubscribing.insert(it->second);
        it = ep.sub_by_signature.erase(it);
    }
    for (std::string& m : out) {
        ep.conn.send(std::move(m));
    }
}

bool SolanaWsSource::Impl::signature_answer_locked(Endpoint& ep, uint64_t id, bool refused, uint64_t sub,
                                                   const std::string& error) {
    const auto it = ep.pending_signatures.find(id);
    if (it == ep.pending_signatures.end()) {
        return false;
    }
    const Endpoint::PendingSignature p = it->second;
    ep.pending_signatures.erase(it);
    if (!p.subscribe) {
        ep.unsubscribing.erase(p.sub); // answered after its last notification, if any
        return true;
    }
    if (refused) {
        ep.signatures_refused.insert(p.sig);
        count_locked(kSubscribeError, "signatureSubscribe " + solana::base58_encode(p.sig.data(), p.sig.size()) +
                                          " refused by " + ep.display + ": " + error.substr(0, 300));
        return true;
    }
    if (sub == 0) {
        count_locked(kUnexpectedResponse, "a signatureSubscribe answer without a subscription id from " + ep.display);
        return true;
    }
    ep.signature_by_sub[sub] = p.sig;
    ep.sub_by_signature[p.sig] = sub;
    return true;
}

void SolanaWsSource::Impl::on_signature_notification(Endpoint& ep, std::string_view msg) {
    // {"jsonrpc":"2.0","method":"signatureNotification","params":{"result":
    //  {"context":{"slot":N},"value":{"err":null|...}},"subscription":S}}
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    uint64_t sub = 0, slot = 0;
    simdjson::dom::element value;
    const bool read = parser.parse(msg.data(), msg.size()).get(doc) == simdjson::SUCCESS &&
                      doc["params"]["subscription"].get_uint64().get(sub) == simdjson::SUCCESS &&
                      doc["params"]["result"]["context"]["slot"].get_uint64().get(slot) == simdjson::SUCCESS &&
                      doc["params"]["result"]["value"].get(value) == simdjson::SUCCESS;
    SignatureWatch::Listener listener;
    SignatureBytes sig{};
    bool failed = false;
    {
        std::lock_guard<std::mutex> lk(mu);
        ++messages;
        ++ep.messages;
        if (!read || !value.is_object() || value["err"].error() != simdjson::SUCCESS) {
            // A "receivedSignature" value is only sent when asked for: we never do.
            count_locked(kSignatureNotification,
                         "a signatureNotification without subscription, context.slot or value.err from " +
                             ep.display);
            return;
        }
        const auto it = ep.signature_by_sub.find(sub);
        if (it == ep.signature_by_sub.end()) {
            if (ep.unsubscribing.count(sub) == 0) {
                count_locked(kUnknownSubscription,
                             "a signature notification for subscription " + std::to_string(sub) + " from " + ep.display);
            }
            return;
        }
        sig = it->second;
        ep.signature_by_sub.erase(it);
        ep.sub_by_signature.erase(sig); // the node ended it
        const auto w = signatures.find(sig);
        if (w == signatures.end() || w->second) {
            return; // forgotten meanwhile, or heard from another connection first
        }
        w->second = true;
        ++signature_notifications;
        failed = !value["err"].is_null();
        listener = signature_listener;
    }
    if (listener) {
        listener(sig, slot, failed);
    }
}

void SolanaWsSource::Impl::observe_slot(uint64_t slot) {
    const int64_t now = mono_ns();
    uint64_t cur = highest_slot.load(std::memory_order_relaxed);
    const bool fresh = now - slot_seen_mono.load(std::memory_order_relaxed) < kSlotStaleNs;
    if (slot == 0 || (fresh && cur != 0 && slot > cur && slot - cur > kMaxSlotJump)) {
        return; // implausibly far ahead of what the nodes said a moment ago
    }
    if (!fresh) {
        highest_slot.store(slot, std::memory_order_relaxed); // after a silence: start over
        slot_seen_mono.store(now, std::memory_order_relaxed);
        return;
    }
    while (slot > cur && !highest_slot.compare_exchange_weak(cur, slot, std::memory_order_relaxed)) {
    }
    if (slot >= cur) {
        slot_seen_mono.store(now, std::memory_order_relaxed);
    }
}

void SolanaWsSource::Impl::on_slot_notification(Endpoint& ep, std::string_view msg) {
    // {"jsonrpc":"2.0","method":"slotNotification","params":{"result":
    //  {"parent":P,"root":R,"slot":S},"subscription":N}}
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    uint64_t slot = 0, parent = 0;
    const bool read = parser.parse(msg.data(), msg.size()).get(doc) == simdjson::SUCCESS &&
                      doc["params"]["result"]["slot"].get_uint64().get(slot) == simdjson::SUCCESS &&
                      doc["params"]["result"]["parent"].get_uint64().get(parent) == simdjson::SUCCESS &&
                      doc["params"]["subscription"].get_uint64().error() == simdjson::SUCCESS;
    std::lock_guard<std::mutex> lk(mu);
    ++messages;
    ++ep.messages;
    if (!read || slot == 0 || parent >= slot) {
        count_locked(kSlotNotification,
                     "a slotNotification without result.slot, result.parent below it, or subscription from " +
                         ep.display);
        return;
    }
    ++slot_notifications;
    observe_slot(slot);
}

uint64_t SolanaWsSource::current_slot() const {
    if (mono_ns() - impl_->slot_seen_mono.load(std::memory_order_relaxed) >= kSlotStaleNs) {
        return 0; // no node said anything lately: unknown, not an old number
    }
    return impl_->highest_slot.load(std::memory_order_relaxed);
}

void SolanaWsSource::follow_slots() {
    std::lock_guard<std::mutex> lk(impl_->mu);
    impl_->slots_wanted = true;
}

void SolanaWsSource::set_signature_listener(Listener listener) {
    std::lock_guard<std::mutex> lk(impl_->mu);
    impl_->signature_listener = std::move(listener);
}

void SolanaWsSource::watch_signature(const SignatureBytes& signature) {
    std::lock_guard<std::mutex> lk(impl_->mu);
    if (impl_->signatures.size() < kMaxWatchedSignatures) {
        impl_->signatures.emplace(signature, false);
    }
}

void SolanaWsSource::forget_signature(const SignatureBytes& signature) {
    std::lock_guard<std::mutex> lk(impl_->mu);
    impl_->signatures.erase(signature);
}

} // namespace sniper::solfeed
