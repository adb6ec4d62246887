#include "solana/transaction.hpp"

#include "solana/byte_reader.hpp"
#include "solana/compact_u16.hpp"
#include "solana/message_compile.hpp"

#include <cstring>

namespace sniper::solana {

using detail::ByteReader;

size_t message_offset(size_t num_signatures) {
    return compact_u16_size(static_cast<uint16_t>(num_signatures)) + 64 * num_signatures;
}

namespace {

std::optional<CodecError> check_signature_count(const Transaction& tx) {
    if (tx.signatures.size() != tx.message.header.num_required_signatures) {
        return codec_error("the header requires " + std::to_string(tx.message.header.num_required_signatures) +
                           " signatures, the transaction carries " + std::to_string(tx.signatures.size()));
    }
    return std::nullopt;
}

} // namespace

std::optional<CodecError> serialize_transaction(const Transaction& tx, TxBytes& out) {
    if (auto e = check_signature_count(tx)) {
        return e;
    }
    const size_t size = signed_transaction_size(tx.message);
    if (size > kMaxTransactionSize) {
        return codec_error("the transaction is " + std::to_string(size) + " bytes, above the 1232-byte limit");
    }
    uint8_t* p = out.buf.data();
    p += compact_u16_encode(static_cast<uint16_t>(tx.signatures.size()), p);
    for (const Signature& s : tx.signatures) {
        std::memcpy(p, s.bytes.data(), 64);
        p += 64;
    }
    const size_t at = static_cast<size_t>(p - out.buf.data());
    auto r = serialize_message(tx.message, p, kMaxTransactionSize - at);
    if (!r) {
        return r.error();
    }
    out.size = at + *r;
    return std::nullopt;
}

Result<std::vector<uint8_t>> serialize_transaction(const Transaction& tx) {
    TxBytes b;
    if (auto e = serialize_transaction(tx, b)) {
        return *e;
    }
    return std::vector<uint8_t>(b.buf.begin(), b.buf.begin() + static_cast<std::ptrdiff_t>(b.size));
}

std::optional<CodecError> parse_transaction(std::span<const uint8_t> bytes, Transaction& out,
                                            bool allow_repeated_keys) {
    ByteReader r(bytes.data(), bytes.size(), 0);
    if (bytes.size() > kMaxTransactionSize) {
        r.fail("expected a transaction of at most 1232 bytes, found " + std::to_string(bytes.size()));
        return r.error();
    }
    uint16_t nsig = 0;
    if (!r.count(nsig, 64, "signature count")) {
        return r.error();
    }
    out.signatures.resize(nsig);
    for (Signature& s : out.signatures) {
        r.bytes(s.bytes.data(), 64, "signature");
    }
    const size_t at = r.pos();
    if (auto e = detail::parse_message_body(bytes.subspan(at), out.message, at, allow_repeated_keys)) {
        return e;
    }
    if (nsig != out.message.header.num_required_signatures) {
        return codec_error_at(0, "expected " + std::to_string(out.message.header.num_required_signatures) +
                                     " signatures (the header's num_required_signatures), found " +
                                     std::to_string(nsig));
    }
    return std::nullopt;
}

std::optional<CodecError> sign_message(const Message& msg, std::span<const SigningKey* const> keys, TxBytes& out,
                                       Transaction* tx) {
    const size_t nsig = msg.header.num_required_signatures;
    const size_t size = signed_transaction_size(msg);
    if (size > kMaxTransactionSize) {
        return codec_error("the transaction would be " + std::to_string(size) + " bytes, above the 1232-byte limit");
    }
    if (nsig > msg.account_keys.size()) {
        return codec_error("header: more required signatures than account keys");
    }
    const size_t at = message_offset(nsig);
    auto r = serialize_message(msg, out.buf.data() + at, kMaxTransactionSize - at);
    if (!r) {
        return r.error();
    }
    const uint8_t* msg_bytes = out.buf.data() + at;
    uint8_t* p = out.buf.data();
    p += compact_u16_encode(static_cast<uint16_t>(nsig), p);
    if (tx != nullptr) {
        tx->signatures.resize(nsig);
        tx->message = msg;
    }
    for (size_t i = 0; i < nsig; ++i) {
        const SigningKey* key = nullptr;
        for (const SigningKey* k : keys) {
            if (k != nullptr && k->pubkey() == msg.account_keys[i]) {
                key = k;
                break;
            }
        }
        if (key == nullptr) {
            return codec_error("no key given for required signer " + std::to_string(i) + " (" +
                               to_base58(msg.account_keys[i]) + ")");
        }
        const Signature sig = key->sign(msg_bytes, *r);
        std::memcpy(p, sig.bytes.data(), 64);
        p += 64;
        if (tx != nullptr) {
            tx->signatures[i] = sig;
        }
    }
    out.size = at + *r;
    return std::nullopt;
}

std::vector<bool> verify_transaction(const Transaction& tx, std::span<const uint8_t> bytes) {
    std::vector<bool> ok(tx.signatures.size(), false);
    const size_t at = message_offset(tx.signatures.size());
    if (at > bytes.size()) {
        return ok;
    }
    for (size_t i = 0; i < tx.signatures.size() && i < tx.message.account_keys.size(); ++i) {
        ok[i] = verify_signature(tx.message.account_keys[i], tx.signatures[i], bytes.data() + at, bytes.size() - at);
    }
    return ok;
}

} // namespace sniper::solana
