#include "solana/types.hpp"

#include "solana/base58.hpp"

namespace sniper::solana {

std::string to_base58(const Pubkey& k) { return base58_encode(k.bytes.data(), k.bytes.size()); }
std::string to_base58(const Signature& s) { return base58_encode(s.bytes.data(), s.bytes.size()); }
std::string to_base58(const Hash& h) { return base58_encode(h.bytes.data(), h.bytes.size()); }

std::optional<Pubkey> pubkey_from_base58(std::string_view s) {
    Pubkey k;
    if (!base58_decode_fixed(s, k.bytes.data(), k.bytes.size())) {
        return std::nullopt;
    }
    return k;
}

std::optional<Signature> signature_from_base58(std::string_view s) {
    Signature sig;
    if (!base58_decode_fixed(s, sig.bytes.data(), sig.bytes.size())) {
        return std::nullopt;
    }
    return sig;
}

std::optional<Hash> hash_from_base58(std::string_view s) {
    Hash h;
    if (!base58_decode_fixed(s, h.bytes.data(), h.bytes.size())) {
        return std::nullopt;
    }
    return h;
}

} // namespace sniper::solana
