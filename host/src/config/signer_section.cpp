#include "config/signer_section.hpp"

#include "solana/types.hpp"

#include <algorithm>

namespace sniper::config_detail {

namespace {

std::string absolute_path(const std::filesystem::path& base, const std::string& p) {
    std::filesystem::path out = std::filesystem::path(p).is_absolute() ? std::filesystem::path(p) : base / p;
    return out.lexically_normal().string();
}

// "${SNIPER_NAME}" exactly: the name, or nullopt.
std::optional<std::string> secret_reference(std::string_view raw) {
    if (raw.size() < 4 || raw.substr(0, 2) != "${" || raw.back() != '}') {
        return std::nullopt;
    }
    const std::string_view name = raw.substr(2, raw.size() - 3);
    if (name.size() <= 7 || name.substr(0, 7) != "SNIPER_") {
        return std::nullopt;
    }
    for (const char c : name) {
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
            return std::nullopt;
        }
    }
    return std::string(name);
}

} // namespace

void read_signer(Reader& r, const toml::table& t, const std::filesystem::path& base, SignerConfig& out) {
    const std::string p = "signer";
    r.check_keys(t, p,
                 {"keypair", "secret", "allow_programs", "max_tx_sol", "max_day_sol", "max_resigns", "journal"});
    if (auto v = r.string(t, "keypair", p)) {
        if (v->value.empty()) {
            r.error(*t.get("keypair"), "'signer.keypair' must not be empty");
        } else {
            out.keypair_path = absolute_path(base, v->value);
        }
    }
    // Not resolved: sniperd must never hold the secret. The signer reads
    // the variable itself.
    if (const toml::node* n = t.get("secret")) {
        if (!n->is_string()) {
            r.error(*n, "'signer.secret' must be a string, found " + describe_found(*n));
        } else if (auto name = secret_reference(n->as_string()->get())) {
            out.secret_env = *name;
        } else {
            r.error(*n, "'signer.secret' must be a reference to an environment variable, \"${SNIPER_NAME}\" "
                        "(the secret itself never goes in the file), found " +
                            quote(n->as_string()->get().substr(0, 2) == "${" ? n->as_string()->get()
                                                                             : std::string("a literal string")));
        }
        if (t.get("keypair") != nullptr) {
            r.error(*n, "'signer.keypair' and 'signer.secret' are both set; choose one");
        }
    }
    if (const toml::node* n = t.get("allow_programs")) {
        if (const toml::array* a = n->as_array()) {
            for (size_t i = 0; i < a->size(); ++i) {
                const toml::node& e = *a->get(i);
                const std::string path = "signer.allow_programs[" + std::to_string(i) + "]";
                if (!e.is_string()) {
                    r.error(e, "'" + path + "' must be a base58 program id string, found " + describe_found(e));
                    continue;
                }
                const std::string& s = e.as_string()->get();
                if (!solana::pubkey_from_base58(s)) {
                    r.error(e, "'" + path + "' must be a base58 32-byte program id, found " + quote(s));
                    continue;
                }
                if (std::find(out.allow_programs.begin(), out.allow_programs.end(), s) == out.allow_programs.end()) {
                    out.allow_programs.push_back(s);
                }
            }
        } else {
            r.error(*n, "'signer.allow_programs' must be an array of program ids, found " + describe_found(*n));
        }
    }
    if (auto v = r.sol_lamports(t, "max_tx_sol", p, true)) {
        out.max_tx_lamports = *v;
    }
    if (auto v = r.sol_lamports(t, "max_day_sol", p, true)) {
        out.max_day_lamports = *v;
    }
    if (auto v = r.integer(t, "max_resigns", p, IntRange{0, 100})) {
        out.max_resigns = static_cast<uint32_t>(*v);
    }
    if (auto v = r.string(t, "journal", p)) {
        if (v->value.empty()) {
            r.error(*t.get("journal"), "'signer.journal' must not be empty");
        } else {
            out.journal_path = absolute_path(base, v->value);
        }
    }
}

} // namespace sniper::config_detail
