#include "solana/message_compile.hpp"

#include "solana/compact_u16.hpp"

#include <array>

namespace sniper::solana {

namespace {

struct KeyMeta {
    Pubkey key;
    bool signer = false;
    bool writable = false;
};

// Linear search: a message names at most a few dozen keys (1232 bytes),
// where a scan beats hashing and keeps first-seen order for free.
class KeyTable {
  public:
    explicit KeyTable(size_t expect) { metas_.reserve(expect); }
    KeyMeta& get(const Pubkey& k) {
        for (KeyMeta& m : metas_) {
            if (m.key == k) {
                return m;
            }
        }
        metas_.push_back(KeyMeta{k});
        return metas_.back();
    }
    const std::vector<KeyMeta>& metas() const { return metas_; }

  private:
    std::vector<KeyMeta> metas_;
};

uint8_t index_of(const std::vector<Pubkey>& keys, const Pubkey& k) {
    for (size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == k) {
            return static_cast<uint8_t>(i);
        }
    }
    return 0; // unreachable: every key was added above
}

} // namespace

size_t signed_transaction_size(const Message& m) {
    const size_t sigs = m.header.num_required_signatures;
    return compact_u16_size(static_cast<uint16_t>(sigs)) + 64 * sigs + message_wire_size(m);
}

Result<Message> compile_message(const Pubkey& fee_payer, std::span<const Instruction> instructions,
                                const Hash& recent_blockhash, MessageVersion version) {
    size_t expect = 1;
    for (const Instruction& ix : instructions) {
        expect += 1 + ix.accounts.size();
        if (ix.program_id == fee_payer) {
            return codec_error("program id " + to_base58(ix.program_id) + " is the fee payer");
        }
        if (ix.accounts.size() > 0xffff || ix.data.size() > 0xffff) {
            return codec_error("an instruction of " + to_base58(ix.program_id) + " has " +
                               std::to_string(ix.accounts.size()) + " accounts and " +
                               std::to_string(ix.data.size()) + " data bytes (at most 65535 each)");
        }
    }
    if (instructions.size() > 0xffff) {
        return codec_error("more than 65535 instructions");
    }
    KeyTable table(expect);
    KeyMeta& payer = table.get(fee_payer);
    payer.signer = true;
    payer.writable = true;
    for (const Instruction& ix : instructions) {
        table.get(ix.program_id);
        for (const AccountMeta& a : ix.accounts) {
            KeyMeta& m = table.get(a.pubkey);
            m.signer = m.signer || a.is_signer;
            m.writable = m.writable || a.is_writable;
        }
    }
    const auto& metas = table.metas();
    if (metas.size() > kMaxAccountsPerMessage) {
        return codec_error("the instructions name " + std::to_string(metas.size()) +
                           " distinct accounts, at most 256 fit in a message");
    }

    Message msg;
    msg.version = version;
    msg.recent_blockhash = recent_blockhash;
    msg.account_keys.reserve(metas.size());
    size_t n_ws = 0;
    size_t n_rs = 0;
    size_t n_ro = 0;
    for (int cls = 0; cls < 4; ++cls) {
        const bool want_signer = cls < 2;
        const bool want_writable = cls == 0 || cls == 2;
        for (const KeyMeta& m : metas) {
            if (m.signer == want_signer && m.writable == want_writable) {
                msg.account_keys.push_back(m.key);
                n_ws += cls == 0 ? 1 : 0;
                n_rs += cls == 1 ? 1 : 0;
                n_ro += cls == 3 ? 1 : 0;
            }
        }
    }
    // Size first: a count too large for the one-byte header fields is also
    // far beyond 1232 bytes, so the size error is the one that names it.
    msg.instructions.resize(instructions.size());
    for (size_t i = 0; i < instructions.size(); ++i) {
        const Instruction& ix = instructions[i];
        CompiledInstruction& c = msg.instructions[i];
        c.program_id_index = index_of(msg.account_keys, ix.program_id);
        c.accounts.resize(ix.accounts.size());
        for (size_t j = 0; j < ix.accounts.size(); ++j) {
            c.accounts[j] = index_of(msg.account_keys, ix.accounts[j].pubkey);
        }
        c.data = ix.data;
    }
    const size_t sigs = n_ws + n_rs;
    const size_t size = compact_u16_size(static_cast<uint16_t>(sigs)) + 64 * sigs + message_wire_size(msg);
    if (size > kMaxTransactionSize) {
        return codec_error("the signed transaction would be " + std::to_string(size) +
                           " bytes, above the 1232-byte limit");
    }
    msg.header.num_required_signatures = static_cast<uint8_t>(sigs);
    msg.header.num_readonly_signed = static_cast<uint8_t>(n_rs);
    msg.header.num_readonly_unsigned = static_cast<uint8_t>(n_ro);
    if (auto e = validate_message(msg)) {
        return *e;
    }
    return msg;
}

} // namespace sniper::solana
