// Helpers for the chain decoder tests: fixture files (copied into
// tests/chain/fixtures, see its README), keys, event lookups, and bytes /
// logs messages built by hand.
#pragma once

#include "chain/solana_ws_decoder.hpp"
#include "chain/wire.hpp"
#include "solana/base64.hpp"

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace chain_test {

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        throw std::runtime_error("missing fixture " + path);
    }
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline std::string fixture(const std::string& rel) {
    return read_file(std::string(SNIPER_TEST_DATA) + "/chain/fixtures/" + rel);
}

inline sniper::Pubkey key(const char* b58) {
    sniper::Pubkey k{};
    if (!sniper::chain::key_from_base58(b58, k)) {
        throw std::runtime_error(std::string("bad key literal ") + b58);
    }
    return k;
}

inline size_t count_type(const sniper::chain::DecodeResult& r, uint16_t type) {
    size_t n = 0;
    for (uint32_t i = 0; i < r.n_events; ++i) {
        n += r.events[i].h.type == type ? 1 : 0;
    }
    return n;
}

inline const sniper::chain::ChainEvent* nth(const sniper::chain::DecodeResult& r, uint16_t type,
                                            size_t k = 0) {
    for (uint32_t i = 0; i < r.n_events; ++i) {
        if (r.events[i].h.type == type && k-- == 0) {
            return &r.events[i];
        }
    }
    return nullptr;
}

inline uint32_t skipped(const sniper::chain::DecodeResult& r, sniper::chain::Skip s) {
    return r.skipped[static_cast<size_t>(s)];
}

// Little-endian / borsh bytes, for account data and events.
struct Bytes {
    std::vector<uint8_t> b;
    Bytes& raw(const uint8_t* p, size_t n) {
        b.insert(b.end(), p, p + n);
        return *this;
    }
    Bytes& u8(uint8_t v) { return raw(&v, 1); }
    Bytes& u16(uint16_t v) {
        for (int i = 0; i < 2; ++i) {
            b.push_back(static_cast<uint8_t>(v >> (8 * i)));
        }
        return *this;
    }
    Bytes& u32(uint32_t v) {
        for (int i = 0; i < 4; ++i) {
            b.push_back(static_cast<uint8_t>(v >> (8 * i)));
        }
        return *this;
    }
    Bytes& u64(uint64_t v) {
        for (int i = 0; i < 8; ++i) {
            b.push_back(static_cast<uint8_t>(v >> (8 * i)));
        }
        return *this;
    }
    Bytes& key(const sniper::Pubkey& k) { return raw(k.bytes, 32); }
    Bytes& str(std::string_view s) {
        u32(static_cast<uint32_t>(s.size()));
        return raw(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    }
};

inline std::string b64(const std::vector<uint8_t>& b) {
    return sniper::solana::base64_encode(b);
}

// A logsNotification (slot 7) carrying `lines`.
inline std::string logs_message(const std::vector<std::string>& lines) {
    std::string j =
        R"({"jsonrpc":"2.0","method":"logsNotification","params":{"result":{"context":{"slot":7},"value":{"signature":"5h6xBEauJ3PK6SWCZ1PGjBvj8vDdWG3KpwATGy1ARAXFSDwt8GFXM7W5Ncn16wmqokgpiKRLuS83KUxyZyv2sUYv","err":null,"logs":[)";
    for (size_t i = 0; i < lines.size(); ++i) {
        j += (i ? ",\"" : "\"") + lines[i] + "\"";
    }
    return j + "]}},\"subscription\":1}}";
}

// What differs between two decodes of one message (empty: nothing):
// refusal and where, kind, slot, signature, flags, skip counts, events.
inline std::string diff_results(const sniper::chain::DecodeResult& a,
                                const sniper::chain::DecodeResult& b) {
    std::ostringstream o;
    if (a.reject != b.reject || std::strcmp(a.where, b.where) != 0) {
        o << "reject " << sniper::chain::reject_name(a.reject) << " at " << a.where << " vs "
          << sniper::chain::reject_name(b.reject) << " at " << b.where << "; ";
    }
    if (a.kind != b.kind || a.slot != b.slot || a.has_signature != b.has_signature ||
        a.failed_tx != b.failed_tx || a.needs_transaction != b.needs_transaction) {
        o << "kind/slot/signature/failed/needs differ; ";
    }
    if (a.has_signature && std::memcmp(a.signature, b.signature, 64) != 0) {
        o << "signature bytes differ; ";
    }
    if (std::memcmp(a.skipped, b.skipped, sizeof a.skipped) != 0) {
        o << "skip counts differ; ";
    }
    if (a.n_events != b.n_events) {
        o << "events " << a.n_events << " vs " << b.n_events << "; ";
    } else {
        for (uint32_t i = 0; i < a.n_events; ++i) {
            if (a.events[i].h.size != b.events[i].h.size ||
                std::memcmp(&a.events[i], &b.events[i], a.events[i].h.size) != 0) {
                o << "event " << i << " differs; ";
            }
        }
    }
    return o.str();
}

} // namespace chain_test
