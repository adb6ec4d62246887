#include "config_test_util.hpp"

#include <catch2/catch.hpp>

using namespace sniper;
using namespace sniper::test;

TEST_CASE("[signer] defaults", "[config][signer]") {
    const auto r = load("");
    REQUIRE(r.config);
    const SignerConfig& s = r.config->signer;
    CHECK(s.keypair_path.empty());
    CHECK(s.secret_env.empty());
    CHECK(s.allow_programs.empty());
    CHECK(s.max_tx_lamports == 1'000'000'000);
    CHECK(s.max_day_lamports == 10'000'000'000);
    CHECK(s.max_resigns == 3);
    CHECK(r.config->signer_journal_path() == "/cfg/data/signer.sqlite");
}

TEST_CASE("[signer] every key read, SOL to lamports, paths from the config directory", "[config][signer]") {
    const auto r = load(R"(
[signer]
keypair = "keys/wallet.json"
allow_programs = ["JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4", "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4"]
max_tx_sol = 0.25
max_day_sol = 2
max_resigns = 5
journal = "/var/lib/sniper/signer.db"
)");
    INFO(dump(r.errors));
    REQUIRE(r.config);
    const SignerConfig& s = r.config->signer;
    CHECK(s.keypair_path == "/cfg/keys/wallet.json");
    CHECK(s.allow_programs == std::vector<std::string>{"JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4"});
    CHECK(s.max_tx_lamports == 250'000'000);
    CHECK(s.max_day_lamports == 2'000'000'000);
    CHECK(s.max_resigns == 5);
    CHECK(r.config->signer_journal_path() == "/var/lib/sniper/signer.db");
}

TEST_CASE("[signer] secret names a SNIPER_ variable and is never resolved", "[config][signer]") {
    // The variable is set in the environment, yet its value must not be
    // read: only the name is kept.
    bool looked_up = false;
    const EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
        if (name == "SNIPER_WALLET_KEY") {
            looked_up = true;
            return "secret-value";
        }
        return std::nullopt;
    };
    const auto r = load("[signer]\nsecret = \"${SNIPER_WALLET_KEY}\"\n", env);
    INFO(dump(r.errors));
    REQUIRE(r.config);
    CHECK(r.config->signer.secret_env == "SNIPER_WALLET_KEY");
    CHECK(r.config->signer.keypair_path.empty());
    CHECK_FALSE(looked_up);
}

TEST_CASE("[signer] errors, all at once with positions", "[config][signer]") {
    const auto errs = errors_of(R"([signer]
secret = "5J3mBbAH58CpQ3Y5RNJpUKPE62SQ5tfcvU2JpbnkeyhfsYB1Jcn5"
max_tx_sol = 0
max_day_sol = -1
max_resigns = 101
allow_programs = ["not-a-key", 5]
journal = ""
keypir = "x"
)");
    INFO(dump(errs));
    REQUIRE(errs.size() == 8);
    CHECK(errs[0].line == 2);
    CHECK(errs[0].message.find("'signer.secret' must be a reference to an environment variable") != std::string::npos);
    // The literal (a secret by mistake) is never echoed.
    CHECK(errs[0].message.find("5J3mBb") == std::string::npos);
    CHECK(errs[1].line == 3);
    CHECK(errs[1].message.find("signer.max_tx_sol") != std::string::npos);
    CHECK(errs[2].line == 4);
    CHECK(errs[3].line == 5);
    CHECK(errs[3].message.find("signer.max_resigns") != std::string::npos);
    CHECK(errs[4].line == 6);
    CHECK(errs[4].message.find("signer.allow_programs[0]") != std::string::npos);
    CHECK(errs[5].message.find("signer.allow_programs[1]") != std::string::npos);
    CHECK(errs[6].line == 7);
    CHECK(errs[6].message.find("'signer.journal' must not be empty") != std::string::npos);
    CHECK(errs[7].line == 8);
    CHECK(errs[7].message.find("unknown key 'signer.keypir'") != std::string::npos);
    CHECK(errs[7].message.find("keypair") != std::string::npos);
}

TEST_CASE("[signer] keypair and secret together, and non-SNIPER references, are refused", "[config][signer]") {
    auto errs = errors_of("[signer]\nkeypair = \"k.json\"\nsecret = \"${SNIPER_K}\"\n");
    CHECK(only_error(errs, 3, "both set"));
    errs = errors_of("[signer]\nsecret = \"${HOME}\"\n");
    CHECK(only_error(errs, 2, "must be a reference"));
    errs = errors_of("[signer]\nsecret = \"${SNIPER_K}x\"\n");
    CHECK(only_error(errs, 2, "must be a reference"));
    errs = errors_of("[signer]\nsecret = 5\n");
    CHECK(only_error(errs, 2, "must be a string"));
    errs = errors_of("[signer]\nallow_programs = \"x\"\n");
    CHECK(only_error(errs, 2, "must be an array"));
}
