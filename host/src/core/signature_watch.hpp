// core/signature_watch.hpp — hearing that a transaction reached a
// commitment sooner than by polling. Whoever holds WebSocket connections to
// the nodes (solfeed::SolanaWsSource, [feeds.ws]: one client for the whole
// host) subscribes to the signatures it is given (signatureSubscribe) and
// tells the listener when a node reports one. It is a hint: the listener
// (the live executor) confirms on-chain status its own way, so a lying or
// early notification changes nothing but when it looks.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

namespace sniper {

using SignatureBytes = std::array<uint8_t, 64>;

class SignatureWatch {
  public:
    // `slot`: the notification's context slot; `failed`: its err was not
    // null. Called on the watcher's threads, none of its locks held, at
    // most once per signature until it is forgotten.
    using Listener = std::function<void(const SignatureBytes& signature, uint64_t slot, bool failed)>;

    virtual ~SignatureWatch() = default;
    // Any thread; an empty listener stops the calls.
    virtual void set_signature_listener(Listener listener) = 0;
    // Any thread: subscribe (on every connection, as they come up) until
    // forgotten; beyond the watcher's capacity a signature is not watched.
    virtual void watch_signature(const SignatureBytes& signature) = 0;
    virtual void forget_signature(const SignatureBytes& signature) = 0;
    // Any thread: the highest slot a node reported to the watcher
    // (slotSubscribe, or a notification's context slot); 0 while none did,
    // or none did lately.
    // What "the slot now" is when a transaction is sent.
    virtual uint64_t current_slot() const { return 0; }
    // Any thread: keep current_slot() fresh from now on (slotSubscribe on
    // every connection, as they come up).
    virtual void follow_slots() {}
};

} // namespace sniper
