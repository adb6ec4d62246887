// Decoder fuzzing: random valid transactions, mutations of them, and raw
// random bytes go through parse_transaction / parse_message. Nothing may
// crash or read past the input (run under ASan/UBSan), and every input the
// parser accepts must re-serialize to exactly the same bytes. Bounded for
// CI; SNIPER_FUZZ_ITERS=N runs N inputs (1,000,000+ for a long run) and
// SNIPER_FUZZ_SEED=S another stream (scripts/fuzz_decoders.sh).
#include "solana/known_instructions.hpp"
#include "solana/transaction.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace sniper::solana;

namespace {

using Rng = sniper::testing::FuzzRng;

size_t fuzz_iters() {
    if (const char* e = std::getenv("SNIPER_FUZZ_ITERS")) {
        const long long n = std::atoll(e);
        if (n > 0) {
            return static_cast<size_t>(n);
        }
    }
    return 200000;
}

// CI's stream unless SNIPER_FUZZ_SEED names another.
uint64_t fuzz_seed() {
    uint64_t seed = 0xda3e39cb94b95bdbULL;
    if (const char* e = std::getenv("SNIPER_FUZZ_SEED")) {
        seed ^= std::strtoull(e, nullptr, 10) * 0x9E3779B97F4A7C15ULL;
    }
    return seed | 1;
}

// A structurally valid transaction with random content (signatures are
// random bytes: the parser does not verify them).
std::vector<uint8_t> random_valid(Rng& r) {
    Transaction tx;
    Message& m = tx.message;
    m.version = r.chance(50) ? MessageVersion::V0 : MessageVersion::Legacy;
    const size_t nsig = 1 + r.below(3);
    const size_t nkeys = nsig + 1 + r.below(8);
    m.header.num_required_signatures = static_cast<uint8_t>(nsig);
    m.header.num_readonly_signed = static_cast<uint8_t>(r.below(nsig));
    m.header.num_readonly_unsigned = static_cast<uint8_t>(r.below(nkeys - nsig + 1));
    m.account_keys.resize(nkeys);
    for (size_t i = 0; i < nkeys; ++i) {
        for (auto& b : m.account_keys[i].bytes) {
            b = r.byte();
        }
        m.account_keys[i].bytes[0] = static_cast<uint8_t>(i); // distinct
    }
    for (auto& b : m.recent_blockhash.bytes) {
        b = r.byte();
    }
    if (m.version == MessageVersion::V0) {
        const size_t nl = r.below(3);
        for (size_t i = 0; i < nl; ++i) {
            AddressTableLookup l;
            l.account_key.bytes.fill(r.byte());
            l.writable_indexes.resize(r.below(4));
            l.readonly_indexes.resize(l.writable_indexes.empty() ? 1 + r.below(3) : r.below(4));
            for (auto& x : l.writable_indexes) {
                x = r.byte();
            }
            for (auto& x : l.readonly_indexes) {
                x = r.byte();
            }
            m.address_table_lookups.push_back(std::move(l));
        }
    }
    const size_t total = m.num_total_accounts();
    const size_t nix = r.below(5);
    for (size_t i = 0; i < nix; ++i) {
        CompiledInstruction ix;
        ix.program_id_index = static_cast<uint8_t>(1 + r.below(nkeys - 1));
        ix.accounts.resize(r.below(6));
        for (auto& a : ix.accounts) {
            a = static_cast<uint8_t>(r.below(total));
        }
        ix.data.resize(r.chance(10) ? r.below(300) : r.below(24));
        for (auto& d : ix.data) {
            d = r.byte();
        }
        m.instructions.push_back(std::move(ix));
    }
    tx.signatures.resize(nsig);
    for (auto& s : tx.signatures) {
        for (auto& b : s.bytes) {
            b = r.byte();
        }
    }
    auto bytes = serialize_transaction(tx);
    if (!bytes) {
        return {}; // an occasional oversize draw
    }
    return std::move(*bytes);
}

void mutate(Rng& r, std::vector<uint8_t>& b, const std::vector<uint8_t>& other) {
    const size_t n = 1 + r.below(4);
    for (size_t k = 0; k < n; ++k) {
        const size_t at = r.below(b.size() + 1);
        switch (r.below(8)) {
        case 0:
            if (at < b.size()) {
                b[at] ^= static_cast<uint8_t>(1u << r.below(8));
            }
            break;
        case 1:
            if (at < b.size()) {
                b[at] = r.byte();
            }
            break;
        case 2: {
            static constexpr uint8_t kEdges[] = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xff, 0x02, 0x03};
            if (at < b.size()) {
                b[at] = kEdges[r.below(sizeof kEdges)];
            }
            break;
        }
        case 3:
            b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), r.byte());
            break;
        case 4:
            if (at < b.size()) {
                b.erase(b.begin() + static_cast<std::ptrdiff_t>(at));
            }
            break;
        case 5:
            b.resize(at);
            break;
        case 6: { // duplicate a chunk
            const size_t len = r.below(70);
            if (at + len <= b.size()) {
                std::vector<uint8_t> chunk(b.begin() + static_cast<std::ptrdiff_t>(at),
                                           b.begin() + static_cast<std::ptrdiff_t>(at + len));
                b.insert(b.begin() + static_cast<std::ptrdiff_t>(r.below(b.size() + 1)), chunk.begin(), chunk.end());
            }
            break;
        }
        default: // splice in the tail of another transaction
            if (!other.empty()) {
                const size_t from = r.below(other.size());
                b.resize(at);
                b.insert(b.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
            }
            break;
        }
    }
}

struct Stats {
    size_t inputs = 0;
    size_t accepted = 0;
};

// Parses `input` from a heap copy of exactly its size, so ASan sees any
// read past the end.
void check_one(const std::vector<uint8_t>& input, Transaction& tx, Message& msg, Stats& st, bool verify) {
    ++st.inputs;
    std::unique_ptr<uint8_t[]> exact(new uint8_t[input.size() + (input.empty() ? 1 : 0)]);
    std::copy(input.begin(), input.end(), exact.get());
    const std::span<const uint8_t> bytes(exact.get(), input.size());
    if (!parse_transaction(bytes, tx)) {
        ++st.accepted;
        TxBytes again;
        const auto e = serialize_transaction(tx, again);
        if (e) {
            FAIL("accepted input does not re-serialize: " << e->to_string());
        }
        if (again.size != input.size() || !std::equal(input.begin(), input.end(), again.buf.begin())) {
            FAIL("accepted input re-serializes to different bytes (" << input.size() << " vs " << again.size
                                                                      << ")");
        }
        for (const auto& ix : tx.message.instructions) {
            (void)decode_known_instruction(tx.message, ix);
        }
        if (verify) {
            (void)verify_transaction(tx, bytes);
        }
        // The message alone parses the same way.
        const size_t at = message_offset(tx.signatures.size());
        if (parse_message(bytes.subspan(at), msg)) {
            FAIL("the message of an accepted transaction is refused on its own");
        }
        if (!(msg == tx.message)) {
            FAIL("the message parses differently on its own");
        }
    } else if (!input.empty()) {
        // The message parser alone must be as safe.
        (void)parse_message(bytes.subspan(1), msg);
    }
}

} // namespace

TEST_CASE("fuzz: random valid transactions round-trip", "[solana][fuzz]") {
    Rng r{0x853c49e6748fea9bULL};
    Transaction tx;
    for (int i = 0; i < 5000; ++i) {
        const auto b = random_valid(r);
        if (b.empty()) {
            continue;
        }
        const auto e = parse_transaction(b, tx);
        if (e) {
            FAIL("a valid transaction is refused: " << e->to_string());
        }
        auto again = serialize_transaction(tx);
        REQUIRE(again.ok());
        REQUIRE(*again == b);
    }
}

TEST_CASE("fuzz: mutated and random inputs never crash, and accepted ones re-serialize exactly", "[solana][fuzz]") {
    const size_t iters = fuzz_iters();
    Rng r{fuzz_seed()};
    Transaction tx;
    Message msg;
    Stats st;
    std::vector<uint8_t> prev = random_valid(r);
    for (size_t i = 0; i < iters; ++i) {
        std::vector<uint8_t> input;
        const size_t kind = r.below(10);
        if (kind == 0) { // raw random bytes
            input.resize(r.below(kMaxTransactionSize + 8));
            for (auto& b : input) {
                b = r.byte();
            }
            if (r.chance(50) && !input.empty()) {
                input[0] = static_cast<uint8_t>(r.below(4)); // a plausible signature count
            }
        } else {
            input = random_valid(r);
            if (kind != 1) {
                mutate(r, input, prev);
            }
        }
        check_one(input, tx, msg, st, i % 512 == 0);
        if (!input.empty() && r.chance(20)) {
            prev = std::move(input);
        }
    }
    INFO("inputs " << st.inputs << ", accepted " << st.accepted);
    CHECK(st.inputs == iters);
    CHECK(st.accepted > iters / 20); // the mutations keep reaching deep into the parser
}
