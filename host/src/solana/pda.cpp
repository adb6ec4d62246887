#include "solana/pda.hpp"

#include "solana/curve25519.hpp"

#include <sodium.h>

#include <array>
#include <string_view>

namespace sniper::solana {

namespace {

constexpr std::string_view kPdaMarker = "ProgramDerivedAddress";

std::optional<CodecError> check_seeds(std::span<const Seed> seeds, size_t max_seeds) {
    if (seeds.size() > max_seeds) {
        return codec_error("expected at most " + std::to_string(max_seeds) + " seeds, found " +
                           std::to_string(seeds.size()));
    }
    for (size_t i = 0; i < seeds.size(); ++i) {
        if (seeds[i].size() > kMaxSeedLen) {
            return codec_error("seed " + std::to_string(i) + " is " + std::to_string(seeds[i].size()) +
                               " bytes, at most 32 allowed");
        }
    }
    return std::nullopt;
}

Pubkey hash_seeds(std::span<const Seed> seeds, const uint8_t* bump, const Pubkey& program_id) {
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    for (const Seed& s : seeds) {
        crypto_hash_sha256_update(&st, s.data(), s.size());
    }
    if (bump != nullptr) {
        crypto_hash_sha256_update(&st, bump, 1);
    }
    crypto_hash_sha256_update(&st, program_id.bytes.data(), 32);
    crypto_hash_sha256_update(&st, reinterpret_cast<const uint8_t*>(kPdaMarker.data()), kPdaMarker.size());
    Pubkey out;
    crypto_hash_sha256_final(&st, out.bytes.data());
    return out;
}

} // namespace

Result<Pubkey> create_program_address(std::span<const Seed> seeds, const Pubkey& program_id) {
    if (auto e = check_seeds(seeds, kMaxSeeds)) {
        return *e;
    }
    const Pubkey k = hash_seeds(seeds, nullptr, program_id);
    if (is_on_curve(k.bytes)) {
        return codec_error("invalid seeds: the derived address " + to_base58(k) + " lies on the Ed25519 curve");
    }
    return k;
}

Result<ProgramAddress> find_program_address(std::span<const Seed> seeds, const Pubkey& program_id) {
    if (auto e = check_seeds(seeds, kMaxSeeds - 1)) {
        return *e;
    }
    for (unsigned b = 255; b >= 1; --b) {
        const auto bump = static_cast<uint8_t>(b);
        const Pubkey k = hash_seeds(seeds, &bump, program_id);
        if (!is_on_curve(k.bytes)) {
            return ProgramAddress{k, bump};
        }
    }
    return codec_error("no bump in 255..1 gives an off-curve address for these seeds");
}

} // namespace sniper::solana
