// sniper-signer as a real process behind SignerClient: one test per
// refusal reason, signatures that verify, and the journal.
#include "signer_test_util.hpp"

#include "signer/journal.hpp"
#include "signer/keystore.hpp"
#include "signer/signer_service.hpp"
#include "solana/associated_token.hpp"
#include "solana/compute_budget.hpp"
#include "solana/program_ids.hpp"
#include "solana/signing.hpp"
#include "solana/system_program.hpp"
#include "solana/token_program.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cstring>

using namespace sniper;
using namespace sniper::signer;
using signer_test::TempDir;

namespace {

struct Running {
    TempDir dir;
    solana::Pubkey wallet;
    std::string key_path;
    SignerLaunch launch;
    std::unique_ptr<SignerClient> client;

    Running(std::vector<std::string> allow = {}) {
        key_path = signer_test::make_key_file(dir, "id.json", &wallet);
        launch = signer_test::launch_for(dir, key_path);
        launch.allow_programs = std::move(allow);
        start();
    }
    void start() {
        std::string err;
        client = SignerClient::start(launch, err);
        INFO(err);
        REQUIRE(client != nullptr);
    }
    SignResult sign(const SignRequest& r) {
        std::string err;
        auto res = client->sign(r, err);
        INFO(err);
        REQUIRE(res.has_value());
        return *res;
    }
    std::vector<uint8_t> transfer(uint64_t lamports, uint8_t hash_seed = 1) {
        return signer_test::message_bytes(
            wallet, {solana::system_transfer(wallet, signer_test::key_n(9), lamports)}, hash_seed);
    }
};

int64_t count_rows(const std::string& path, const std::string& where) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    const std::string sql = "SELECT COUNT(*) FROM signer_decisions WHERE " + where;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

} // namespace

TEST_CASE("signer signs an allowed transfer and the signature verifies against the wallet", "[signer][process]") {
    Running s;
    CHECK(s.client->wallet() == s.wallet);
    const auto msg = s.transfer(100'000'000);
    const SignResult r = s.sign(signer_test::request(1, msg));
    REQUIRE(r.signed_ok());
    CHECK(r.outflow_lamports == 100'000'000 + 5000);
    solana::Signature sig;
    sig.bytes = r.signature;
    CHECK(solana::verify_signature(s.wallet, sig, msg.data(), msg.size()));
    auto tampered = msg;
    tampered.back() ^= 1;
    CHECK_FALSE(solana::verify_signature(s.wallet, sig, tampered.data(), tampered.size()));

    // The same message again: the same signature, and not counted twice.
    const SignResult again = s.sign(signer_test::request(1, msg));
    REQUIRE(again.signed_ok());
    CHECK(again.signature == r.signature);
    s.client.reset(); // signer exits on EOF
    s.start();
    CHECK(s.client->hello().day_signed_lamports == 100'000'000 + 5000);
    CHECK(count_rows(s.launch.journal_path, "decision = 'signed'") == 2);
    CHECK(count_rows(s.launch.journal_path, "counted_lamports = 100005000") == 1);
}

TEST_CASE("signer refuses an unparseable message (3002)", "[signer][process][refusal]") {
    Running s;
    const SignResult r = s.sign(signer_test::request(2, {0xff, 0x01, 0x02}));
    CHECK(r.reason == Reason::UnparseableMessage);
    CHECK(r.signature == std::array<uint8_t, 64>{});
    // A valid message with one trailing byte is unparseable too.
    auto msg = s.transfer(1);
    msg.push_back(0);
    CHECK(s.sign(signer_test::request(2, msg)).reason == Reason::UnparseableMessage);
}

TEST_CASE("signer refuses an oversize message (3003)", "[signer][process][refusal]") {
    Running s;
    const SignResult r = s.sign(signer_test::request(3, std::vector<uint8_t>(1200, 1)));
    CHECK(r.reason == Reason::OversizeMessage);
    CHECK(r.detail.find("1200") != std::string::npos);
}

TEST_CASE("signer refuses a fee payer other than the wallet (3004)", "[signer][process][refusal]") {
    Running s;
    const solana::Pubkey other = signer_test::key_n(77);
    const auto msg = signer_test::message_bytes(other, {solana::system_transfer(other, s.wallet, 5)});
    const SignResult r = s.sign(signer_test::request(4, msg));
    CHECK(r.reason == Reason::FeePayerNotWallet);
}

TEST_CASE("signer refuses a program outside the allowlist (3005)", "[signer][process][refusal]") {
    Running s;
    solana::Instruction ix;
    ix.program_id = signer_test::key_n(50);
    ix.data = {1, 2, 3};
    const auto msg = signer_test::message_bytes(s.wallet, {ix});
    const SignResult r = s.sign(signer_test::request(5, msg));
    CHECK(r.reason == Reason::ProgramNotAllowed);
    CHECK(r.detail.find(solana::to_base58(ix.program_id)) != std::string::npos);
    // The Memo program is not a default either.
    solana::Instruction memo;
    memo.program_id = solana::kMemoProgram;
    memo.data = {'h', 'i'};
    CHECK(s.sign(signer_test::request(5, signer_test::message_bytes(s.wallet, {memo}))).reason ==
          Reason::ProgramNotAllowed);
}

TEST_CASE("signer refuses an outflow it cannot bound (3006)", "[signer][process][refusal]") {
    const solana::Pubkey extra = signer_test::key_n(60);
    Running s({solana::to_base58(extra)});
    // A config-allowed program that is handed the wallet.
    solana::Instruction ix;
    ix.program_id = extra;
    ix.accounts = {solana::AccountMeta::writable(s.wallet, true)};
    ix.data = {9};
    SignResult r = s.sign(signer_test::request(6, signer_test::message_bytes(s.wallet, {ix})));
    CHECK(r.reason == Reason::UnboundedOutflow);
    // The same program without the wallet is fine.
    ix.accounts = {solana::AccountMeta::writable(signer_test::key_n(61), false)};
    CHECK(s.sign(signer_test::request(60, signer_test::message_bytes(s.wallet, {ix}))).signed_ok());
    // Closing the wallet's token account to someone else.
    const auto close = solana::token_close_account(solana::kTokenProgram, signer_test::key_n(62),
                                                   signer_test::key_n(63), s.wallet);
    r = s.sign(signer_test::request(61, signer_test::message_bytes(s.wallet, {close})));
    CHECK(r.reason == Reason::UnboundedOutflow);
    // System Assign of the wallet (a System instruction it does not bound).
    solana::Instruction assign;
    assign.program_id = solana::kSystemProgram;
    assign.accounts = {solana::AccountMeta::writable(s.wallet, true)};
    assign.data = {1, 0, 0, 0};
    assign.data.resize(36, 7);
    CHECK(s.sign(signer_test::request(62, signer_test::message_bytes(s.wallet, {assign}))).reason ==
          Reason::UnboundedOutflow);
}

TEST_CASE("signer refuses more than the per-transaction cap (3007)", "[signer][process][refusal]") {
    Running s;
    // 1 SOL cap: 999,995,000 + the 5000 fee is exactly the cap and passes;
    // one lamport more does not.
    CHECK(s.sign(signer_test::request(7, s.transfer(999'995'000))).signed_ok());
    const SignResult r = s.sign(signer_test::request(70, s.transfer(999'995'001)));
    CHECK(r.reason == Reason::TxCapExceeded);
    CHECK(r.outflow_lamports == 1'000'000'001);
    // The priority fee counts: 1.4M units x 1e9 micro-lamports = 1.4 SOL.
    const auto msg = signer_test::message_bytes(
        s.wallet, {solana::set_compute_unit_limit(1'400'000), solana::set_compute_unit_price(1'000'000'000),
                   solana::system_transfer(s.wallet, signer_test::key_n(9), 1)});
    CHECK(s.sign(signer_test::request(71, msg)).reason == Reason::TxCapExceeded);
}

TEST_CASE("signer refuses more than the per-UTC-day cap, rebuilt from its journal (3008)",
          "[signer][process][refusal]") {
    Running s;
    // Day cap 3 SOL: three transfers of 0.9 SOL pass (2,700,015,000).
    for (uint64_t i = 0; i < 3; ++i) {
        REQUIRE(s.sign(signer_test::request(80 + i, s.transfer(900'000'000, static_cast<uint8_t>(i + 1))))
                    .signed_ok());
    }
    SignResult r = s.sign(signer_test::request(90, s.transfer(300'000'000, 9)));
    CHECK(r.reason == Reason::DayCapExceeded);
    // A smaller one still fits: 2,700,015,000 + 299,980,000 + 5000 = 3 SOL.
    CHECK(s.sign(signer_test::request(91, s.transfer(299'980'000, 10))).signed_ok());
    // After a restart the day's total comes back from the journal.
    s.client.reset();
    s.start();
    CHECK(s.client->hello().day_signed_lamports == 3'000'000'000);
    r = s.sign(signer_test::request(92, s.transfer(1, 11)));
    CHECK(r.reason == Reason::DayCapExceeded);
}

TEST_CASE("signer refuses a different message while the earlier one can land (3009)",
          "[signer][process][refusal]") {
    Running s;
    const auto a = s.transfer(1000, 1);
    const auto b = s.transfer(1000, 2);
    REQUIRE(s.sign(signer_test::request(100, a, /*lvbh*/ 1000, /*current*/ 900)).signed_ok());
    SignRequest rb = signer_test::request(100, b, 1200, 1000); // 1000 is not > 1000
    rb.earlier_last_valid_block_height = 1000;
    CHECK(s.sign(rb).reason == Reason::EarlierMessageCanLand);
    // The host claiming an earlier expiry cannot beat the journal's height.
    rb.earlier_last_valid_block_height = 10;
    rb.current_block_height = 500;
    CHECK(s.sign(rb).reason == Reason::EarlierMessageCanLand);
    // After expiry, the re-sign is allowed.
    rb.current_block_height = 1001;
    CHECK(s.sign(rb).signed_ok());
    // An intent the signer has no record of (a lost journal): the host's
    // own word that an earlier message can still land holds.
    SignRequest rc = signer_test::request(101, s.transfer(1000, 3), 1300, 1100);
    rc.earlier_last_valid_block_height = 1150;
    CHECK(s.sign(rc).reason == Reason::EarlierMessageCanLand);
    rc.current_block_height = 1151;
    CHECK(s.sign(rc).signed_ok());
}

TEST_CASE("signer refuses re-signs beyond the limit (3010)", "[signer][process][refusal]") {
    Running s; // max_resigns = 2
    uint64_t height = 1000;
    for (uint8_t i = 1; i <= 3; ++i) {
        SignRequest r = signer_test::request(110, s.transfer(1000, i), height + 150, height);
        REQUIRE(s.sign(r).signed_ok());
        height += 200; // past the previous last valid height
    }
    SignRequest r = signer_test::request(110, s.transfer(1000, 4), height + 150, height);
    const SignResult res = s.sign(r);
    CHECK(res.reason == Reason::ResignLimit);
    // The limit survives a restart.
    s.client.reset();
    s.start();
    CHECK(s.sign(r).reason == Reason::ResignLimit);
}

TEST_CASE("signer refuses everything while the host reports HALTED (3011)", "[signer][process][refusal]") {
    Running s;
    SignRequest r = signer_test::request(120, s.transfer(1000));
    r.host_state = 3;
    CHECK(s.sign(r).reason == Reason::Halted);
    r.host_state = 1;
    std::string err;
    REQUIRE(s.client->set_trading_state(3, err));
    CHECK(s.sign(r).reason == Reason::Halted);
    REQUIRE(s.client->set_trading_state(1, err));
    CHECK(s.sign(r).signed_ok());
}

TEST_CASE("signer answers malformed frames with a code and keeps serving (3001, 3013, 3014)",
          "[signer][process][refusal]") {
    Running s;
    std::string err;
    // A sign frame whose payload is too short.
    auto f = s.client->raw_request(encode_frame(FrameType::Sign, 77, {1, 2, 3}), err);
    REQUIRE(f.has_value());
    REQUIRE(f->type == FrameType::SignResult);
    CHECK(f->request_id == 77);
    auto res = decode_sign_result(f->payload, err);
    REQUIRE(res.has_value());
    CHECK(res->reason == Reason::MalformedRequest);
    // Another protocol version.
    auto bytes = encode_frame(FrameType::Hello, 78, {});
    bytes[4] = 9;
    f = s.client->raw_request(bytes, err);
    REQUIRE(f.has_value());
    REQUIRE(f->type == FrameType::Error);
    CHECK(decode_error(f->payload, err)->reason == Reason::UnsupportedVersion);
    // A type the signer does not serve.
    f = s.client->raw_request(encode_frame(static_cast<FrameType>(42), 79, {}), err);
    REQUIRE(f.has_value());
    CHECK(decode_error(f->payload, err)->reason == Reason::UnknownType);
    // Still serving; every sign request left a journal row.
    CHECK(s.sign(signer_test::request(130, s.transfer(1))).signed_ok());
    CHECK(count_rows(s.launch.journal_path, "reason_code = 3001") == 1);
}

TEST_CASE("signer journal has the row, with its signature, before the answer arrives",
          "[signer][process][journal]") {
    Running s;
    const std::string path = s.launch.journal_path;
    for (uint64_t i = 0; i < 20; ++i) {
        const uint64_t intent = 500 + i;
        const SignResult r =
            s.sign(signer_test::request(intent, s.transfer(1000 + i, static_cast<uint8_t>(i + 1))));
        REQUIRE(r.signed_ok());
        // Another connection (another process could do the same), right
        // after the answer: the row is committed, not merely queued.
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        REQUIRE(
            sqlite3_prepare_v2(db,
                               "SELECT decision, signature, counted_lamports FROM signer_decisions"
                               " WHERE intent_id = ?",
                               -1, &st, nullptr) == SQLITE_OK);
        sqlite3_bind_int64(st, 1, static_cast<int64_t>(intent));
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "signed");
        REQUIRE(sqlite3_column_bytes(st, 1) == 64);
        CHECK(std::memcmp(sqlite3_column_blob(st, 1), r.signature.data(), 64) == 0);
        CHECK(static_cast<uint64_t>(sqlite3_column_int64(st, 2)) == r.outflow_lamports);
        CHECK(sqlite3_step(st) == SQLITE_DONE);
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    // A refusal is journaled before its answer too.
    std::string err;
    REQUIRE(s.client->set_trading_state(3, err));
    const SignResult refused = s.sign(signer_test::request(600, s.transfer(1, 99)));
    CHECK(refused.reason == Reason::Halted);
    CHECK(count_rows(path, "intent_id = 600 AND decision = 'refused' AND reason_code = 3011") == 1);
}

TEST_CASE("signer journal: sync_now checkpoints every committed row into the database file",
          "[signer][journal]") {
    TempDir dir;
    std::string err;
    auto journal = Journal::open(dir.file("j.sqlite"), err);
    REQUIRE(journal);
    JournalRow row;
    row.reason = "signed";
    row.signed_ok = true;
    for (uint64_t i = 1; i <= 50; ++i) {
        row.intent_id = i;
        REQUIRE(journal->append(row, err));
    }
    REQUIRE(journal->sync_now());
    // Fully checkpointed: another connection finds nothing left in the WAL
    // to copy (log frames == checkpointed frames).
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(dir.file("j.sqlite").c_str(), &db) == SQLITE_OK);
    int log_frames = -1;
    int done_frames = -1;
    REQUIRE(sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                      &done_frames) == SQLITE_OK);
    CHECK(log_frames == done_frames);
    sqlite3_close(db);
    CHECK(journal->row_count() == 50);
}

TEST_CASE("keystore: the key page is readable only between sign() and relock()",
          "[signer][keystore]") {
    std::string err;
    auto keys = Keystore::create(solana::generate_keypair(), err);
    REQUIRE(keys);
    CHECK_FALSE(keys->readable());
    const uint8_t msg[3] = {1, 2, 3};
    const auto sig1 = keys->sign(msg, sizeof msg);
    CHECK(keys->readable());
    const auto sig2 = keys->sign(msg, sizeof msg); // already readable: no mprotect
    CHECK(sig1.bytes == sig2.bytes);
    CHECK(keys->relock());
    CHECK_FALSE(keys->readable());
    CHECK(keys->relock()); // idempotent
    CHECK(keys->sign(msg, sizeof msg).bytes == sig1.bytes);
}

TEST_CASE("signer refuses to sign when the journal write fails (3012)", "[signer][refusal]") {
    TempDir dir;
    std::string err;
    auto journal = Journal::open(dir.file("j.sqlite"), err);
    REQUIRE(journal);
    auto keys = Keystore::create(solana::generate_keypair(), err);
    REQUIRE(keys);
    PolicyConfig pc;
    pc.wallet = keys->wallet();
    pc.max_tx_lamports = pc.max_day_lamports = 1'000'000'000;
    SignerService svc(Policy(pc), *keys, *journal, wall_now_ns);
    REQUIRE(svc.load(err));
    const auto msg =
        signer_test::message_bytes(keys->wallet(), {solana::system_transfer(keys->wallet(), signer_test::key_n(1), 5)});
    REQUIRE(svc.sign(1, signer_test::request(1, msg)).signed_ok());
    // Break the journal under the signer: the table is gone.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(dir.file("j.sqlite").c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "DROP TABLE signer_decisions", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    const SignResult r = svc.sign(2, signer_test::request(2, msg));
    CHECK(r.reason == Reason::JournalFailed);
    CHECK(r.signature == std::array<uint8_t, 64>{});
}

TEST_CASE("signer start-up failures come back as the signer's reason (3015)", "[signer][process]") {
    TempDir dir;
    const std::string key = signer_test::make_key_file(dir, "id.json", nullptr);
    REQUIRE(::chmod(key.c_str(), 0644) == 0);
    std::string err;
    auto c = SignerClient::start(signer_test::launch_for(dir, key), err);
    CHECK(c == nullptr);
    CHECK(err.find("chmod 600 " + key) != std::string::npos);

    SignerLaunch l = signer_test::launch_for(dir, "");
    l.key_env = "SNIPER_TEST_SIGNER_UNSET_KEY";
    ::unsetenv(l.key_env.c_str());
    c = SignerClient::start(l, err);
    CHECK(c == nullptr);
    CHECK(err.find("SNIPER_TEST_SIGNER_UNSET_KEY is not set") != std::string::npos);

    l.key_env.clear();
    l.keypair_path = dir.file("missing.json");
    c = SignerClient::start(l, err);
    CHECK(c == nullptr);
    CHECK(err.find("cannot open keypair file") != std::string::npos);
}

TEST_CASE("signer closes the connection on a frame length it cannot trust", "[signer][process]") {
    Running s;
    std::string err;
    const std::vector<uint8_t> bad{0xff, 0xff, 0x00, 0x00, 1, 1, 0, 0}; // 65535-byte body
    auto f = s.client->raw_request(bad, err);
    CHECK_FALSE(f.has_value());
    CHECK(err.find("closed") != std::string::npos);
}

TEST_CASE("signer day totals roll with the UTC day, and a clock stepped back reads the journal again",
          "[signer][journal][refusal]") {
    TempDir dir;
    std::string err;
    auto journal = Journal::open(dir.file("j.sqlite"), err);
    REQUIRE(journal);
    auto keys = Keystore::create(solana::generate_keypair(), err);
    REQUIRE(keys);
    PolicyConfig pc;
    pc.wallet = keys->wallet();
    pc.max_tx_lamports = 1'000'000;
    pc.max_day_lamports = 50'000; // a 30,000 transfer counts 35,000 (fee 5000)
    constexpr int64_t kDay = 86'400LL * 1'000'000'000LL;
    int64_t now = 20'000 * kDay + 3'600'000'000'000LL; // one hour into day 20000
    const auto clock = [&now] { return now; };
    const auto transfer = [&](uint64_t lamports, uint8_t seed) {
        return signer_test::message_bytes(keys->wallet(),
                                          {solana::system_transfer(keys->wallet(), signer_test::key_n(1), lamports)},
                                          seed);
    };
    {
        SignerService svc(Policy(pc), *keys, *journal, clock);
        REQUIRE(svc.load(err));
        REQUIRE(svc.sign(1, signer_test::request(1, transfer(30'000, 1))).signed_ok());
        REQUIRE(svc.sign(2, signer_test::request(2, transfer(10'000, 2))).signed_ok());
        CHECK(svc.day_signed_lamports() == 50'000);
        CHECK(svc.sign(3, signer_test::request(3, transfer(1, 3))).reason == Reason::DayCapExceeded);
        now += kDay; // the next UTC day starts from nothing
        CHECK(svc.sign(4, signer_test::request(4, transfer(30'000, 4))).signed_ok());
        CHECK(svc.day_signed_lamports() == 35'000);
        now -= kDay; // back: the first day is still full
        CHECK(svc.sign(5, signer_test::request(5, transfer(1, 5))).reason == Reason::DayCapExceeded);
        CHECK(svc.day_signed_lamports() == 50'000);
    }
    // A signer started on the second day, whose clock then steps back to
    // the first: that day's total is read from the journal, not taken as 0.
    now += kDay;
    SignerService svc(Policy(pc), *keys, *journal, clock);
    REQUIRE(svc.load(err));
    CHECK(svc.day_signed_lamports() == 35'000);
    now -= kDay;
    CHECK(svc.sign(6, signer_test::request(6, transfer(1, 6))).reason == Reason::DayCapExceeded);
    CHECK(svc.day_signed_lamports() == 50'000);
}

TEST_CASE("signer journal drops the indexes of earlier builds (one page per commit)", "[signer][journal]") {
    TempDir dir;
    const std::string path = dir.file("j.sqlite");
    std::string err;
    REQUIRE(Journal::open(path, err));
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE INDEX signer_decisions_day ON signer_decisions (utc_day, decision)", nullptr,
                         nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    REQUIRE(Journal::open(path, err));
    CHECK(count_rows(path, "1") == 0);
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'", -1, &st, nullptr) ==
            SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int64(st, 0) == 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
}
