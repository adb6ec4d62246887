// Every hostile variant in tests/chain/fixtures/hostile (copied from the
// shared fixtures; one defect each) is refused or accepted exactly as its
// README says: a table over the whole folder, so a new file without a row
// fails the test. The reason code is ours (fixtures/hostile/README.md
// suggests names; ours are the same for every file).
#include "chain_test_util.hpp"

#include "chain/reject.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>

using namespace sniper::chain;
using chain_test::fixture;

namespace {

struct Want {
    bool accept;
    Reject reason;     // for REJECT
    uint32_t n_events; // for ACCEPT
};

const std::map<std::string, Want>& table() {
    static const std::map<std::string, Want> t = {
        {"b64_noncanonical_padding_bits.json", {false, Reject::Base64Noncanonical, 0}},
        {"b64_truncated_create_event.json", {false, Reject::Base64Invalid, 0}},
        {"b64_valid_but_event_truncated.json", {false, Reject::EventTruncated, 0}},
        {"bonding_curve_complete_byte_2.json", {false, Reject::BorshBool, 0}},
        {"bonding_curve_data_not_base64_tag.json", {false, Reject::FieldType, 0}},
        {"bonding_curve_lamports_u64_overflow.json", {false, Reject::IntRange, 0}},
        {"bonding_curve_wrong_discriminator.json", {false, Reject::AccountDiscriminator, 0}},
        {"bonding_curve_wrong_owner.json", {false, Reject::AccountOwner, 0}},
        {"create_event_extra_bytes.json", {false, Reject::EventLength, 0}},
        {"create_name_invalid_utf8.json", {false, Reject::BorshUtf8, 0}},
        {"create_name_len_huge.json", {false, Reject::BorshStringLen, 0}},
        {"deep_nesting.json", {false, Reject::JsonTooDeep, 0}},
        {"duplicate_key_err.json", {false, Reject::JsonDuplicateKey, 0}},
        {"duplicate_key_signature.json", {false, Reject::JsonDuplicateKey, 0}},
        {"failed_tx_with_create_logs.json", {true, Reject::None, 0}},
        {"gettransaction_null_result.json", {true, Reject::None, 0}},
        {"initialize2_line_u64_overflow.json", {false, Reject::IntRange, 0}},
        {"initialize2_line_vs_raylog_mismatch.json", {false, Reject::CrosscheckMismatch, 0}},
        {"invalid_utf8_byte.json", {false, Reject::JsonInvalid, 0}},
        {"invoke_depth_6.json", {false, Reject::LogStack, 0}},
        {"log_line_1mb.json", {false, Reject::LogLineTooLong, 0}},
        {"log_stack_unbalanced.json", {false, Reject::LogStack, 0}},
        {"log_truncated_after_create.json", {true, Reject::None, 1}},
        {"logs_null_simulation_failed.json", {true, Reject::None, 0}},
        {"lone_surrogate_escape.json", {false, Reject::JsonInvalid, 0}},
        {"mint_81_bytes.json", {false, Reject::AccountLength, 0}},
        {"mint_coption_tag_2.json", {false, Reject::CoptionTag, 0}},
        {"missing_err.json", {false, Reject::FieldMissing, 0}},
        {"missing_logs.json", {false, Reject::FieldMissing, 0}},
        {"missing_signature.json", {false, Reject::FieldMissing, 0}},
        {"program_data_two_slices.json", {false, Reject::ProgramData, 0}},
        {"raylog_init_length_74.json", {false, Reject::RaylogLength, 0}},
        {"raylog_unknown_type_7.json", {false, Reject::RaylogType, 0}},
        {"real_getAccountInfo_mint_dataslice_32_bytes.json", {false, Reject::AccountLength, 0}},
        {"rpc_error_response.json", {false, Reject::RpcError, 0}},
        {"signature_mismatch_envelope_vs_tx.json", {false, Reject::CrosscheckMismatch, 0}},
        {"signature_not_base58.json", {false, Reject::Base58Invalid, 0}},
        {"slot_float.json", {false, Reject::FieldType, 0}},
        {"slot_infinity.json", {false, Reject::JsonNonfinite, 0}},
        {"slot_nan.json", {false, Reject::JsonNonfinite, 0}},
        {"slot_negative.json", {false, Reject::IntRange, 0}},
        {"slot_u64_overflow.json", {false, Reject::IntRange, 0}},
        {"spoofed_create_event_from_other_program.json", {true, Reject::None, 0}},
        // A number (above u64 too) where the amount string belongs: FIELD_TYPE.
        {"token_amount_number_u64_overflow.json", {false, Reject::FieldType, 0}},
        {"trade_event_extra_bytes.json", {false, Reject::EventLength, 0}},
        {"trade_is_buy_byte_2.json", {false, Reject::BorshBool, 0}},
        {"trailing_garbage.json", {false, Reject::JsonInvalid, 0}},
        {"vault_balance_vs_raylog_mismatch.json", {false, Reject::CrosscheckMismatch, 0}},
        {"wrong_discriminator_create_event.json", {false, Reject::CreateWithoutEvent, 0}},
    };
    return t;
}

} // namespace

TEST_CASE("every hostile fixture is refused or accepted as its README says", "[chain][hostile]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(SNIPER_TEST_DATA) / "chain" / "fixtures" / "hostile";
    std::set<std::string> seen;
    for (const auto& ent : fs::directory_iterator(dir)) {
        const std::string name = ent.path().filename().string();
        if (ent.path().extension() != ".json") {
            continue;
        }
        seen.insert(name);
        INFO(name);
        const auto it = table().find(name);
        REQUIRE(it != table().end()); // a new hostile file needs a row here
        SolanaWsDecoder dec;
        const DecodeResult& r = dec.decode(fixture("hostile/" + name));
        INFO("got " << reject_name(r.reject) << " at " << r.where);
        if (it->second.accept) {
            CHECK(r.ok());
            CHECK(r.n_events == it->second.n_events);
        } else {
            CHECK_FALSE(r.ok());
            CHECK(r.reject == it->second.reason);
            CHECK(r.n_events == 0);
        }
        for (uint32_t i = 0; i < r.n_events; ++i) {
            CHECK(event_valid(r.events[i]));
        }
    }
    CHECK(seen.size() == table().size());
}

TEST_CASE("a refused message leaves no pool behind in the registry", "[chain][hostile]") {
    // The truncated-log variant creates a pool; the same logs with a broken
    // trade after it are refused and must not register the curve.
    SolanaWsDecoder dec;
    const DecodeResult& r = dec.decode(fixture("hostile/trade_is_buy_byte_2.json"));
    REQUIRE_FALSE(r.ok());
    CHECK(dec.pools().size() == 0);
    const DecodeResult& ok = dec.decode(fixture("hostile/log_truncated_after_create.json"));
    REQUIRE(ok.ok());
    CHECK(dec.pools().size() == 1);
    CHECK(chain_test::skipped(ok, Skip::LogTruncated) == 1);
}

TEST_CASE("reject counters count each reason", "[chain][hostile]") {
    SolanaWsDecoder dec;
    dec.decode(fixture("hostile/slot_negative.json"));
    dec.decode(fixture("hostile/slot_u64_overflow.json"));
    dec.decode(fixture("payloads/ws_logs_docs_example.json"));
    const auto& c = dec.counters();
    CHECK(c.messages == 3);
    CHECK(c.accepted == 1);
    CHECK(c.rejected[static_cast<size_t>(Reject::IntRange)] == 2);
    CHECK(std::string(reject_name(Reject::IntRange)) == "INT_RANGE");
    CHECK(std::string(skip_name(Skip::QuoteNotSol)) == "QUOTE_NOT_SOL");
    for (size_t i = 1; i < static_cast<size_t>(Reject::kCount); ++i) {
        CHECK(std::string(reject_name(static_cast<Reject>(i))) != "UNKNOWN");
    }
}
