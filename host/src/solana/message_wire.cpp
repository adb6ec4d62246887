// The message wire codec and the structural rules both directions share.
// Parsing checks each rule where the offending byte is, so the error can
// name its offset; validate_message() states the same rules for building.
#include "solana/byte_reader.hpp"
#include "solana/message.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace sniper::solana {

using detail::ByteReader;

namespace {

constexpr uint8_t kVersionPrefix = 0x80;

std::string num(size_t v) { return std::to_string(v); }

bool has_duplicate(const std::vector<Pubkey>& keys, size_t& first, size_t& second) {
    for (size_t i = 1; i < keys.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
            if (keys[i] == keys[j]) {
                first = j;
                second = i;
                return true;
            }
        }
    }
    return false;
}

std::optional<std::string> header_problem(const MessageHeader& h, size_t num_static) {
    if (h.num_readonly_signed >= h.num_required_signatures) {
        return "expected fewer readonly signed accounts (" + num(h.num_readonly_signed) +
               ") than required signatures (" + num(h.num_required_signatures) +
               "): the fee payer must be a writable signer";
    }
    if (static_cast<size_t>(h.num_required_signatures) + h.num_readonly_unsigned > num_static) {
        return "expected required signatures (" + num(h.num_required_signatures) +
               ") plus readonly unsigned accounts (" + num(h.num_readonly_unsigned) +
               ") to fit in the " + num(num_static) + " account keys";
    }
    return std::nullopt;
}

} // namespace

size_t Message::num_lookup_writable() const {
    size_t n = 0;
    for (const auto& l : address_table_lookups) {
        n += l.writable_indexes.size();
    }
    return n;
}

size_t Message::num_total_accounts() const {
    size_t n = account_keys.size();
    for (const auto& l : address_table_lookups) {
        n += l.writable_indexes.size() + l.readonly_indexes.size();
    }
    return n;
}

bool Message::is_writable(size_t index) const {
    const size_t n = account_keys.size();
    if (index < n) {
        if (index < header.num_required_signatures) {
            return index < static_cast<size_t>(header.num_required_signatures - header.num_readonly_signed);
        }
        return index < n - header.num_readonly_unsigned;
    }
    return index - n < num_lookup_writable();
}

std::optional<CodecError> validate_message(const Message& m) {
    if (m.version == MessageVersion::Legacy && !m.address_table_lookups.empty()) {
        return codec_error("a legacy message cannot carry address table lookups");
    }
    if (m.version == MessageVersion::Legacy && m.header.num_required_signatures >= 0x80) {
        return codec_error("a legacy message holds at most 127 signatures (the first byte's top bit marks a version)");
    }
    if (m.account_keys.size() > 0xffff || m.instructions.size() > 0xffff ||
        m.address_table_lookups.size() > 0xffff) {
        return codec_error("expected at most 65535 keys, instructions and lookups (compact-u16)");
    }
    if (auto p = header_problem(m.header, m.account_keys.size())) {
        return codec_error("header: " + *p);
    }
    const size_t total = m.num_total_accounts();
    if (total > kMaxAccountsPerMessage) {
        return codec_error("expected at most 256 accounts, found " + num(total));
    }
    size_t a = 0;
    size_t b = 0;
    if (has_duplicate(m.account_keys, a, b)) {
        return codec_error("account key " + num(b) + " repeats key " + num(a) + " (" +
                           to_base58(m.account_keys[a]) + ")");
    }
    for (size_t i = 0; i < m.instructions.size(); ++i) {
        const auto& ix = m.instructions[i];
        if (ix.program_id_index == 0 || ix.program_id_index >= m.account_keys.size()) {
            return codec_error("instruction " + num(i) + ": program id index " + num(ix.program_id_index) +
                               " must name a static key other than the fee payer (1.." +
                               num(m.account_keys.size() - 1) + ")");
        }
        if (ix.accounts.size() > 0xffff || ix.data.size() > 0xffff) {
            return codec_error("instruction " + num(i) + ": more than 65535 accounts or data bytes");
        }
        for (const uint8_t idx : ix.accounts) {
            if (idx >= total) {
                return codec_error("instruction " + num(i) + ": account index " + num(idx) +
                                   " out of range (" + num(total) + " accounts)");
            }
        }
    }
    for (size_t i = 0; i < m.address_table_lookups.size(); ++i) {
        const auto& l = m.address_table_lookups[i];
        if (l.writable_indexes.empty() && l.readonly_indexes.empty()) {
            return codec_error("address table lookup " + num(i) + " loads no accounts");
        }
        if (l.writable_indexes.size() > 0xffff || l.readonly_indexes.size() > 0xffff) {
            return codec_error("address table lookup " + num(i) + ": more than 65535 indexes");
        }
    }
    return std::nullopt;
}

size_t message_wire_size(const Message& m) {
    size_t n = (m.version == MessageVersion::V0 ? 1 : 0) + 3;
    n += compact_u16_size(static_cast<uint16_t>(m.account_keys.size())) + 32 * m.account_keys.size();
    n += 32;
    n += compact_u16_size(static_cast<uint16_t>(m.instructions.size()));
    for (const auto& ix : m.instructions) {
        n += 1 + compact_u16_size(static_cast<uint16_t>(ix.accounts.size())) + ix.accounts.size();
        n += compact_u16_size(static_cast<uint16_t>(ix.data.size())) + ix.data.size();
    }
    if (m.version == MessageVersion::V0) {
        n += compact_u16_size(static_cast<uint16_t>(m.address_table_lookups.size()));
        for (const auto& l : m.address_table_lookups) {
            n += 32 + compact_u16_size(static_cast<uint16_t>(l.writable_indexes.size())) +
                 l.writable_indexes.size();
            n += compact_u16_size(static_cast<uint16_t>(l.readonly_indexes.size())) + l.readonly_indexes.size();
        }
    }
    return n;
}

namespace {

struct Writer {
    uint8_t* p;
    void u8(uint8_t v) { *p++ = v; }
    void cu16(size_t v) { p += compact_u16_encode(static_cast<uint16_t>(v), p); }
    void raw(const uint8_t* d, size_t n) {
        if (n != 0) {
            std::memcpy(p, d, n);
            p += n;
        }
    }
    void bytes(const std::vector<uint8_t>& v) {
        cu16(v.size());
        raw(v.data(), v.size());
    }
};

} // namespace

Result<size_t> serialize_message(const Message& m, uint8_t* out, size_t cap) {
    if (auto e = validate_message(m)) {
        return *e;
    }
    const size_t size = message_wire_size(m);
    if (size > cap) {
        return codec_error("message of " + num(size) + " bytes does not fit in the " + num(cap) +
                           " bytes available");
    }
    Writer w{out};
    if (m.version == MessageVersion::V0) {
        w.u8(kVersionPrefix);
    }
    w.u8(m.header.num_required_signatures);
    w.u8(m.header.num_readonly_signed);
    w.u8(m.header.num_readonly_unsigned);
    w.cu16(m.account_keys.size());
    for (const Pubkey& k : m.account_keys) {
        w.raw(k.bytes.data(), 32);
    }
    w.raw(m.recent_blockhash.bytes.data(), 32);
    w.cu16(m.instructions.size());
    for (const auto& ix : m.instructions) {
        w.u8(ix.program_id_index);
        w.bytes(ix.accounts);
        w.bytes(ix.data);
    }
    if (m.version == MessageVersion::V0) {
        w.cu16(m.address_table_lookups.size());
        for (const auto& l : m.address_table_lookups) {
            w.raw(l.account_key.bytes.data(), 32);
            w.bytes(l.writable_indexes);
            w.bytes(l.readonly_indexes);
        }
    }
    return static_cast<size_t>(w.p - out);
}

Result<std::vector<uint8_t>> serialize_message(const Message& m) {
    std::vector<uint8_t> out(message_wire_size(m));
    auto r = serialize_message(m, out.data(), out.size());
    if (!r) {
        return r.error();
    }
    return out;
}

namespace {

bool read_index_list(ByteReader& r, std::vector<uint8_t>& out, const char* what) {
    uint16_t n = 0;
    if (!r.count(n, 1, what)) {
        return false;
    }
    out.resize(n);
    return r.bytes(out.data(), n, what);
}

} // namespace

std::optional<std::pair<size_t, size_t>> repeated_account_key(const Message& m) {
    size_t a = 0;
    size_t b = 0;
    if (has_duplicate(m.account_keys, a, b)) {
        return std::make_pair(a, b);
    }
    return std::nullopt;
}

std::optional<CodecError> detail::parse_message_body(std::span<const uint8_t> bytes, Message& out,
                                                   size_t base_offset, bool allow_repeated_keys) {
    ByteReader r(bytes.data(), bytes.size(), base_offset);
    if (bytes.size() > kMaxTransactionSize) {
        r.fail("expected a message of at most 1232 bytes, found " + num(bytes.size()));
        return r.error();
    }
    uint8_t first = 0;
    if (!r.u8(first, "message header")) {
        return r.error();
    }
    if ((first & kVersionPrefix) != 0) {
        if ((first & 0x7f) != 0) {
            r.fail_at(0, "expected message version prefix 0x80 (v0) or a legacy header, found version " +
                             num(first & 0x7f));
            return r.error();
        }
        out.version = MessageVersion::V0;
        r.u8(out.header.num_required_signatures, "message header");
    } else {
        out.version = MessageVersion::Legacy;
        out.header.num_required_signatures = first;
    }
    const size_t header_at = r.pos() - 1;
    r.u8(out.header.num_readonly_signed, "message header");
    r.u8(out.header.num_readonly_unsigned, "message header");

    uint16_t nkeys = 0;
    const size_t keys_at = r.pos();
    if (!r.count(nkeys, 32, "account key count")) {
        return r.error();
    }
    out.account_keys.resize(nkeys);
    for (Pubkey& k : out.account_keys) {
        r.bytes(k.bytes.data(), 32, "account key");
    }
    if (auto p = header_problem(out.header, nkeys)) {
        r.fail_at(header_at, "header: " + *p);
        return r.error();
    }
    size_t dup_a = 0;
    size_t dup_b = 0;
    if (!allow_repeated_keys && has_duplicate(out.account_keys, dup_a, dup_b)) {
        r.fail_at(keys_at + compact_u16_size(nkeys) + 32 * dup_b,
                  "expected distinct account keys, found key " + num(dup_b) + " equal to key " + num(dup_a));
        return r.error();
    }
    r.bytes(out.recent_blockhash.bytes.data(), 32, "recent blockhash");

    uint16_t nix = 0;
    if (!r.count(nix, 3, "instruction count")) {
        return r.error();
    }
    // Where each instruction's account indexes start, to name the byte of
    // an out-of-range index once the lookups have fixed the total.
    std::array<uint16_t, kMaxTransactionSize / 3 + 1> ix_accounts_at;
    out.instructions.resize(nix);
    for (size_t i = 0; i < nix; ++i) {
        CompiledInstruction& ix = out.instructions[i];
        const size_t at = r.pos();
        if (!r.u8(ix.program_id_index, "program id index")) {
            return r.error();
        }
        if (ix.program_id_index == 0 || ix.program_id_index >= nkeys) {
            r.fail_at(at, "instruction " + num(i) + ": expected a program id index in 1.." + num(nkeys - 1u) +
                              " (a static key other than the fee payer), found " + num(ix.program_id_index));
            return r.error();
        }
        uint16_t nacc = 0;
        if (!r.count(nacc, 1, "instruction account count")) {
            return r.error();
        }
        ix_accounts_at[i] = static_cast<uint16_t>(r.pos());
        ix.accounts.resize(nacc);
        r.bytes(ix.accounts.data(), nacc, "instruction account indexes");
        if (!read_index_list(r, ix.data, "instruction data length")) {
            return r.error();
        }
    }

    out.address_table_lookups.clear();
    if (out.version == MessageVersion::V0) {
        uint16_t nlookups = 0;
        if (!r.count(nlookups, 34, "address table lookup count")) {
            return r.error();
        }
        out.address_table_lookups.resize(nlookups);
        for (size_t i = 0; i < nlookups; ++i) {
            AddressTableLookup& l = out.address_table_lookups[i];
            const size_t at = r.pos();
            r.bytes(l.account_key.bytes.data(), 32, "address table key");
            if (!read_index_list(r, l.writable_indexes, "writable index count") ||
                !read_index_list(r, l.readonly_indexes, "readonly index count")) {
                return r.error();
            }
            if (l.writable_indexes.empty() && l.readonly_indexes.empty()) {
                r.fail_at(at, "address table lookup " + num(i) + ": expected at least one index, found none");
                return r.error();
            }
        }
    }
    if (r.failed()) {
        return r.error();
    }
    if (r.left() != 0) {
        r.fail("expected the end of the message, found " + num(r.left()) + " trailing bytes");
        return r.error();
    }
    const size_t total = out.num_total_accounts();
    if (total > kMaxAccountsPerMessage) {
        r.fail_at(keys_at, "expected at most 256 accounts (static and looked up), found " + num(total));
        return r.error();
    }
    for (size_t i = 0; i < nix; ++i) {
        const auto& acc = out.instructions[i].accounts;
        for (size_t j = 0; j < acc.size(); ++j) {
            if (acc[j] >= total) {
                r.fail_at(ix_accounts_at[i] + j, "instruction " + num(i) + ": expected an account index below " +
                                                     num(total) + ", found " + num(acc[j]));
                return r.error();
            }
        }
    }
    return std::nullopt;
}

std::optional<CodecError> parse_message(std::span<const uint8_t> bytes, Message& out, size_t base_offset) {
    if (auto e = detail::parse_message_body(bytes, out, base_offset)) {
        return e;
    }
    ByteReader r(bytes.data(), bytes.size(), base_offset);
    const size_t req = out.header.num_required_signatures;
    const size_t tx_size = bytes.size() + compact_u16_size(static_cast<uint16_t>(req)) + 64 * req;
    if (tx_size > kMaxTransactionSize) {
        r.fail_at(0, "expected a message that fits in a 1232-byte transaction with its " + num(req) +
                         " signatures, found " + num(tx_size) + " bytes");
        return r.error();
    }
    return std::nullopt;
}

} // namespace sniper::solana
