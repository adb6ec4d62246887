// Token-account vectors made by @solana/spl-token 0.4.14, independently of
// the host's code: `node tools/solana-check/vault_vectors.js` prints them
// (getAssociatedTokenAddressSync for a PumpSwap pool's vaults,
// AccountLayout.encode for the account data). Used by the decoder's vault
// tests and the WebSocket source's.
#pragma once

#include "solana/base64.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vault_vectors {

inline constexpr const char* kToken = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
inline constexpr const char* kToken22 = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";

// vault_vectors.js output.
inline constexpr const char* kRaydiumTokenVaultData =
    "TcfHbtOqQtjI/Wc93v0mGRPgZNPfmi44ZX/zsRrM//9BV7BYDzHF/ORKYlgtvPnXjudZQ6CEo5OzUDaNIomTCADg0hxbuwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
inline constexpr const char* kRaydiumSolVaultData =
    "BpuIV/6rgYT7aH9jRhjANdrEOdwa6ztVmKDwAAAAAAFBV7BYDzHF/ORKYlgtvPnXjudZQ6CEo5OzUDaNIomTCAAgX6ASAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQEAAADwHR8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
inline constexpr const char* kPumpSwapTokenVaultData =
    "tmKzo99W7mQom8Bh896wvnlCgWuprKAumyTsHFuCuA/2diVecDVD8nlVTkN6Ws1zx5NI6TaInNeukQc1NtNF1wDQLUhyugAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
inline constexpr const char* kPumpSwapSolVaultData =
    "BpuIV/6rgYT7aH9jRhjANdrEOdwa6ztVmKDwAAAAAAH2diVecDVD8nlVTkN6Ws1zx5NI6TaInNeukQc1NtNF1wB3MugTAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQEAAADwHR8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

// An accountNotification of subscription `sub` carrying `data` (base64).
inline std::string account_note(uint64_t slot, const std::string& data, const char* owner,
                                uint64_t sub = 7) {
    return R"({"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":)" +
           std::to_string(slot) + R"(},"value":{"data":[")" + data +
           R"(","base64"],"executable":false,"lamports":2039280,"owner":")" + owner +
           R"(","rentEpoch":18446744073709551615,"space":)" + std::to_string(data.size() / 4 * 3) +
           "}},\"subscription\":" + std::to_string(sub) + "}}";
}

inline std::vector<uint8_t> bytes_of(const char* b64text) {
    auto b = sniper::solana::base64_decode(b64text);
    REQUIRE(b);
    return *b;
}

} // namespace vault_vectors
