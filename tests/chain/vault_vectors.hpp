// Token-account vectors made by @solana/spl-token 0.4.14, independently of
// the host's code: `node tools/solana-check/vault_vectors.js` prints them
// (getAssociatedTokenAddressSync for a PumpSwap pool's vaults,
// AccountLayout.encode for the account data). Used by the decoder's vault
// tests and the WebSocket source's.
#pragma once

#include "chain/chain_test_util.hpp"
#include "chain/pump_swap.hpp"
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

inline constexpr const char* kPumpSwapPool = "Hb5nPV8QeyAcom4tMPEZKbpKVEXBQeQgnU7pPQbb1FyG";
inline constexpr const char* kPumpSwapMint = "DGxVcSTq8ECJsmiQfp1knvd6enuG9nJKdDihzSaFpump";
inline constexpr const char* kPumpSwapSolVault = "Hf4xjxsFWA9f68RphEtdbd9RymonhP2QxKG1bD1wMPiy";
inline constexpr const char* kPumpSwapSplVault = "33jJdpPsCUVJC8PmH1rspp4npQyhkDEZW58JapW3wHvC";
inline constexpr const char* kPumpSwapT22Vault = "F6o8kNV5zeM7gCagEKnhc8VcpkfaUqYuVJNuMjYqYa6K";

// A logsNotification whose PumpSwap CreatePoolEvent (idl/pump_amm.json,
// the 2025-03 layout) makes kPumpSwapPool: base = kPumpSwapMint, quote =
// WSOL.
inline std::string pump_swap_create_logs() {
    using chain_test::key;
    const auto user = key("EmLPb9Vpzj4NECQCR1nWShfxgeUjTXNzBjKXx6JiXLHp");
    chain_test::Bytes cp;
    cp.raw(sniper::chain::pump_swap::kCreatePoolEventDisc, 8).u64(1742000000).u16(0).key(user);
    cp.key(key(kPumpSwapMint)).key(key("So11111111111111111111111111111111111111112")).u8(6).u8(9);
    cp.u64(206'900'000'000'000).u64(84'990'359'561).u64(206'900'000'000'000).u64(84'990'359'561);
    cp.u64(1000).u64(4'193'388'898'633).u64(4'193'388'897'633).u8(255);
    cp.key(key(kPumpSwapPool)).key(user).key(user).key(user);
    const std::string amm = "Program pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";
    return chain_test::logs_message(
        {amm + " invoke [1]", "Program data: " + chain_test::b64(cp.b), amm + " success"});
}

} // namespace vault_vectors
