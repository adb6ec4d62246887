#include "app/key_commands.hpp"

#include "solana/keypair.hpp"

#include <cstdio>
#include <string>
#include <string_view>

namespace sniper {
namespace {

// Reads "--flag VALUE" as the only arguments after the command name.
bool one_flag(int argc, char** argv, std::string_view flag, std::string& out) {
    if (argc != 4 || std::string_view(argv[2]) != flag || argv[3][0] == '\0') {
        std::fprintf(stderr, "usage: sniperd %s %.*s PATH\n", argv[1], static_cast<int>(flag.size()),
                     flag.data());
        return false;
    }
    out = argv[3];
    return true;
}

} // namespace

int keygen_main(int argc, char** argv) {
    std::string path;
    if (!one_flag(argc, argv, "--out", path)) {
        return 2;
    }
    const solana::SecretKey key = solana::generate_keypair();
    if (std::string err = solana::write_keypair_file(path, key); !err.empty()) {
        std::fprintf(stderr, "sniperd keygen: %s\n", err.c_str());
        return 1;
    }
    std::printf("%s\n", solana::to_base58(key.public_key()).c_str());
    return 0;
}

int pubkey_main(int argc, char** argv) {
    std::string path;
    if (!one_flag(argc, argv, "--keypair", path)) {
        return 2;
    }
    const solana::KeyLoad k = solana::read_keypair_file(path);
    if (!k.ok()) {
        std::fprintf(stderr, "sniperd pubkey: %s\n", k.error.c_str());
        return 1;
    }
    std::printf("%s\n", solana::to_base58(k.key->public_key()).c_str());
    return 0;
}

} // namespace sniper
