#include "app/tx_command.hpp"

#include "core/json.hpp"
#include "solana/base64.hpp"
#include "solana/compute_budget.hpp"
#include "solana/keypair.hpp"
#include "solana/known_instructions.hpp"
#include "solana/message_compile.hpp"
#include "solana/system_program.hpp"
#include "solana/transaction.hpp"

#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sniper {

namespace {

using namespace sniper::solana;

void tx_usage(std::FILE* out) {
    std::fprintf(out,
                 "usage: sniperd tx transfer --keypair PATH --to ADDR --lamports N --blockhash HASH\n"
                 "                           [--cu-limit U] [--cu-price P] [--v0] --sign-only\n"
                 "       sniperd tx decode [BASE64 | -]\n"
                 "\n"
                 "  transfer    sign a SOL transfer offline and print it as base64 (instructions:\n"
                 "              SetComputeUnitLimit, SetComputeUnitPrice when given, then the\n"
                 "              transfer; --cu-price in micro-lamports per compute unit)\n"
                 "  decode      print a base64 transaction (argument, or stdin with '-' or none)\n"
                 "              as JSON; malformed input exits 2 naming the byte offset\n");
}

template <class T> std::optional<T> parse_uint(std::string_view s) {
    T v{};
    if (s.empty() || s[0] == '+' || s[0] == '-') {
        return std::nullopt;
    }
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

int fail_usage(const std::string& msg) {
    std::fprintf(stderr, "sniperd tx: %s\n", msg.c_str());
    return 2;
}

int transfer(int argc, char** argv) {
    std::string keypair_path;
    std::optional<Pubkey> to;
    std::optional<uint64_t> lamports;
    std::optional<Hash> blockhash;
    std::optional<uint32_t> cu_limit;
    std::optional<uint64_t> cu_price;
    bool v0 = false;
    bool sign_only = false;
    for (int i = 3; i < argc; ++i) {
        const std::string_view a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--v0") {
            v0 = true;
        } else if (a == "--sign-only") {
            sign_only = true;
        } else if (!has_value) {
            return fail_usage("unexpected argument '" + std::string(a) + "' (or a missing value)");
        } else {
            const std::string_view v = argv[++i];
            if (a == "--keypair") {
                keypair_path = v;
            } else if (a == "--to") {
                to = pubkey_from_base58(v);
                if (!to) {
                    return fail_usage("--to expects a base58 address of 32 bytes, found '" + std::string(v) + "'");
                }
            } else if (a == "--lamports") {
                lamports = parse_uint<uint64_t>(v);
                if (!lamports) {
                    return fail_usage("--lamports expects an integer 0..2^64-1, found '" + std::string(v) + "'");
                }
            } else if (a == "--blockhash") {
                blockhash = hash_from_base58(v);
                if (!blockhash) {
                    return fail_usage("--blockhash expects a base58 hash of 32 bytes, found '" + std::string(v) +
                                      "'");
                }
            } else if (a == "--cu-limit") {
                cu_limit = parse_uint<uint32_t>(v);
                if (!cu_limit) {
                    return fail_usage("--cu-limit expects an integer 0..4294967295, found '" + std::string(v) + "'");
                }
            } else if (a == "--cu-price") {
                cu_price = parse_uint<uint64_t>(v);
                if (!cu_price) {
                    return fail_usage("--cu-price expects micro-lamports per CU (an integer), found '" +
                                      std::string(v) + "'");
                }
            } else {
                return fail_usage("unexpected argument '" + std::string(a) + "'");
            }
        }
    }
    if (keypair_path.empty() || !to || !lamports || !blockhash) {
        tx_usage(stderr);
        return fail_usage("transfer needs --keypair, --to, --lamports and --blockhash");
    }
    if (!sign_only) {
        return fail_usage("transfer only signs offline for now: pass --sign-only (nothing is sent)");
    }
    const KeyLoad key = read_keypair_file(keypair_path);
    if (!key.ok()) {
        std::fprintf(stderr, "sniperd tx: %s\n", key.error.c_str());
        return 1;
    }
    const SigningKey signer = SigningKey::from_seed(std::span<const uint8_t, 32>(key.key->seed(), 32));

    std::vector<Instruction> ixs;
    if (cu_limit) {
        ixs.push_back(set_compute_unit_limit(*cu_limit));
    }
    if (cu_price) {
        ixs.push_back(set_compute_unit_price(*cu_price));
    }
    ixs.push_back(system_transfer(signer.pubkey(), *to, *lamports));
    auto msg = compile_message(signer.pubkey(), ixs, *blockhash, v0 ? MessageVersion::V0 : MessageVersion::Legacy);
    if (!msg) {
        std::fprintf(stderr, "sniperd tx: %s\n", msg.error().to_string().c_str());
        return 1;
    }
    TxBytes out;
    const SigningKey* keys[] = {&signer};
    if (auto e = sign_message(*msg, keys, out)) {
        std::fprintf(stderr, "sniperd tx: %s\n", e->to_string().c_str());
        return 1;
    }
    std::printf("%s\n", base64_encode(out.span()).c_str());
    return 0;
}

std::string hex(const std::vector<uint8_t>& v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s;
    s.reserve(v.size() * 2);
    for (const uint8_t b : v) {
        s.push_back(kDigits[b >> 4]);
        s.push_back(kDigits[b & 15]);
    }
    return s;
}

// Where a looked-up account index comes from.
struct LookupRef {
    size_t table = 0;
    uint8_t table_index = 0;
    bool writable = false;
};

std::vector<LookupRef> lookup_refs(const Message& m) {
    std::vector<LookupRef> refs;
    for (size_t t = 0; t < m.address_table_lookups.size(); ++t) {
        for (const uint8_t i : m.address_table_lookups[t].writable_indexes) {
            refs.push_back({t, i, true});
        }
    }
    for (size_t t = 0; t < m.address_table_lookups.size(); ++t) {
        for (const uint8_t i : m.address_table_lookups[t].readonly_indexes) {
            refs.push_back({t, i, false});
        }
    }
    return refs;
}

void write_index_array(JsonWriter& w, const std::vector<uint8_t>& v) {
    w.begin_array();
    for (const uint8_t i : v) {
        w.value(static_cast<unsigned>(i));
    }
    w.end_array();
}

std::string decode_json(const Transaction& tx, std::span<const uint8_t> bytes) {
    const Message& m = tx.message;
    const std::vector<bool> verified = verify_transaction(tx, bytes);
    const std::vector<LookupRef> refs = lookup_refs(m);
    JsonWriter w;
    w.begin_object();
    w.kv("size", static_cast<uint64_t>(bytes.size()));
    // What the runtime would refuse although the bytes parse.
    w.key("problems").begin_array();
    if (const auto rep = repeated_account_key(m)) {
        w.value("account key " + std::to_string(rep->second) + " repeats key " + std::to_string(rep->first) + " (" +
                to_base58(m.account_keys[rep->first]) +
                "): the runtime refuses the transaction (AccountLoadedTwice); nothing here signs or sends it");
    }
    w.end_array();
    w.key("signatures").begin_array();
    for (size_t i = 0; i < tx.signatures.size(); ++i) {
        w.begin_object().kv("signature", to_base58(tx.signatures[i])).kv("verified", static_cast<bool>(verified[i]));
        w.end_object();
    }
    w.end_array();
    w.key("version");
    if (m.version == MessageVersion::Legacy) {
        w.value("legacy");
    } else {
        w.value(0);
    }
    w.key("header").begin_object();
    w.kv("num_required_signatures", static_cast<unsigned>(m.header.num_required_signatures));
    w.kv("num_readonly_signed_accounts", static_cast<unsigned>(m.header.num_readonly_signed));
    w.kv("num_readonly_unsigned_accounts", static_cast<unsigned>(m.header.num_readonly_unsigned));
    w.end_object();
    w.key("account_keys").begin_array();
    for (size_t i = 0; i < m.account_keys.size(); ++i) {
        w.begin_object().kv("pubkey", to_base58(m.account_keys[i])).kv("signer", m.is_signer(i));
        w.kv("writable", m.is_writable(i)).end_object();
    }
    w.end_array();
    w.kv("recent_blockhash", to_base58(m.recent_blockhash));
    w.key("address_table_lookups").begin_array();
    for (const AddressTableLookup& l : m.address_table_lookups) {
        w.begin_object().kv("account_key", to_base58(l.account_key));
        w.key("writable_indexes");
        write_index_array(w, l.writable_indexes);
        w.key("readonly_indexes");
        write_index_array(w, l.readonly_indexes);
        w.end_object();
    }
    w.end_array();
    w.key("instructions").begin_array();
    for (const CompiledInstruction& ix : m.instructions) {
        w.begin_object();
        w.kv("program_id", to_base58(m.account_keys[ix.program_id_index]));
        w.kv("program_id_index", static_cast<unsigned>(ix.program_id_index));
        w.key("accounts").begin_array();
        for (const uint8_t a : ix.accounts) {
            w.begin_object().kv("index", static_cast<unsigned>(a));
            if (a < m.account_keys.size()) {
                w.kv("pubkey", to_base58(m.account_keys[a]));
            } else {
                const LookupRef& r = refs[a - m.account_keys.size()];
                w.kv("lookup_table", to_base58(m.address_table_lookups[r.table].account_key));
                w.kv("table_index", static_cast<unsigned>(r.table_index));
            }
            w.kv("signer", m.is_signer(a)).kv("writable", m.is_writable(a)).end_object();
        }
        w.end_array();
        w.kv("data", hex(ix.data));
        if (auto d = decode_known_instruction(m, ix)) {
            w.key("decoded").begin_object().kv("program", d->program).kv("type", d->type);
            for (const DecodedField& f : d->fields) {
                w.key(f.name);
                if (f.is_number) {
                    w.value(f.number);
                } else if (f.text.empty()) {
                    w.null(); // a looked-up account: the table holds the key
                } else {
                    w.value(f.text);
                }
            }
            w.end_object();
        }
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.take();
}

std::string trim(std::string s) {
    const char* ws = " \t\r\n";
    const size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos) {
        return {};
    }
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

int decode(int argc, char** argv) {
    if (argc > 4) {
        return fail_usage("decode takes one argument: BASE64, or '-' (or nothing) for stdin");
    }
    std::string text;
    if (argc == 4 && std::string_view(argv[3]) != "-") {
        text = argv[3];
    } else {
        char buf[4096];
        size_t n = 0;
        while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
            text.append(buf, n);
            if (text.size() > 64 * 1024) {
                return fail_usage("stdin holds more than 64 KiB; a transaction is at most 1232 bytes");
            }
        }
    }
    text = trim(std::move(text));
    const auto bytes = base64_decode(text);
    if (!bytes) {
        return fail_usage("decode: the input is not base64: " + base64_problem(text));
    }
    Transaction tx;
    // Repeated account keys are well-formed on the wire: described, with
    // the runtime's verdict under "problems".
    if (auto e = parse_transaction(*bytes, tx, true)) {
        return fail_usage("decode: malformed transaction: " + e->to_string());
    }
    std::printf("%s\n", decode_json(tx, *bytes).c_str());
    return 0;
}

} // namespace

int tx_main(int argc, char** argv) {
    if (argc < 3) {
        tx_usage(stderr);
        return 2;
    }
    const std::string_view sub = argv[2];
    if (sub == "transfer") {
        return transfer(argc, argv);
    }
    if (sub == "decode") {
        return decode(argc, argv);
    }
    if (sub == "--help" || sub == "-h" || sub == "help") {
        tx_usage(stdout);
        return 0;
    }
    std::fprintf(stderr, "sniperd tx: unknown subcommand '%s'\n", argv[2]);
    tx_usage(stderr);
    return 2;
}

} // namespace sniper
