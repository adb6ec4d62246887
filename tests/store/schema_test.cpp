// tests/store/schema_test.cpp — opening, migrations, refusal of newer and
// damaged databases, and unusable data dirs.
#include "store/schema.hpp"
#include "test_support.hpp"

#include <fstream>

using namespace sniper;
using namespace sniper::test;

TEST_CASE("open creates the data dir 0700 and a WAL database at the latest version",
          "[store][schema]") {
    TempDir tmp;
    const std::string dir = tmp.sub("a/b/data");
    auto s = open_ok(dir);

    CHECK(mode_of(tmp.sub("a")) == 0700);
    CHECK(mode_of(dir) == 0700);
    CHECK(s->path() == dir + "/sniperd.db");
    CHECK(s->schema_version() == store::latest_schema_version());
    CHECK(s->healthy());
    CHECK(s->last_error().empty());

    RawDb raw(s->path());
    CHECK(raw.text("PRAGMA journal_mode") == "wal");
    CHECK(raw.integer("PRAGMA user_version") == store::latest_schema_version());
    for (const char* table : {"intents", "orders", "fills", "positions", "strategy_pnl",
                              "trading_state", "audit_log"}) {
        INFO(table);
        CHECK(raw.integer(std::string("SELECT count(*) FROM sqlite_master WHERE type='table'"
                                      " AND name='") +
                          table + "'") == 1);
    }
}

TEST_CASE("an existing data dir keeps its mode and a trailing slash is fine", "[store][schema]") {
    TempDir tmp;
    REQUIRE(chmod(tmp.path().c_str(), 0750) == 0);
    auto s = open_ok(tmp.path() + "/");
    CHECK(s->path() == tmp.path() + "/sniperd.db");
    CHECK(mode_of(tmp.path()) == 0750);
}

TEST_CASE("reopening is idempotent: no step runs twice, data survives", "[store][schema]") {
    TempDir tmp;
    {
        auto s = open_ok(tmp.path());
        s->append(intent(7));
        s->flush();
    }
    auto s = open_ok(tmp.path());
    CHECK(s->schema_version() == store::latest_schema_version());
    CHECK(s->max_intent_id() == 7);

    RawDb raw(s->path());
    std::string err;
    int applied = -1;
    CHECK(store::apply_migrations(raw.get(), store::migrations(), &err, &applied));
    CHECK(applied == 0);
}

TEST_CASE("migrations apply only the missing steps, each in its own transaction",
          "[store][schema]") {
    TempDir tmp;
    RawDb raw(tmp.sub("m.db"));
    const std::array<store::Migration, 3> steps{{
        {1, "CREATE TABLE t1 (x INTEGER);"},
        {2, "CREATE TABLE t2 (y INTEGER); INSERT INTO t2 VALUES (1);"},
        {3, "CREATE TABLE t3 (z INTEGER); CREATE TABLE broken (;"},
    }};
    std::string err;
    int applied = -1;

    REQUIRE(store::apply_migrations(raw.get(), std::span(steps).first(1), &err, &applied));
    CHECK(applied == 1);
    CHECK(raw.integer("PRAGMA user_version") == 1);

    REQUIRE(store::apply_migrations(raw.get(), std::span(steps).first(2), &err, &applied));
    CHECK(applied == 1); // only step 2; step 1 would fail on CREATE TABLE t1
    CHECK(raw.integer("PRAGMA user_version") == 2);
    CHECK(raw.integer("SELECT count(*) FROM t2") == 1);

    SECTION("a failing step leaves the database at the last whole step") {
        CHECK_FALSE(store::apply_migrations(raw.get(), steps, &err, &applied));
        CHECK(applied == 0);
        CHECK_THAT(err, Catch::Contains("schema version 3"));
        CHECK(raw.integer("PRAGMA user_version") == 2);
        CHECK(raw.integer("SELECT count(*) FROM sqlite_master WHERE name='t3'") == 0);
    }
    SECTION("a database newer than the steps is refused") {
        CHECK_FALSE(store::apply_migrations(raw.get(), std::span(steps).first(1), &err));
        CHECK_THAT(err, Catch::Contains("newer"));
    }
}

TEST_CASE("a database with a newer schema version is refused", "[store][schema]") {
    TempDir tmp;
    std::string path;
    {
        auto s = open_ok(tmp.path());
        path = s->path();
    }
    const int newer = store::latest_schema_version() + 1;
    {
        RawDb raw(path);
        raw.exec("PRAGMA user_version = " + std::to_string(newer));
    }
    std::string err;
    CHECK(Store::open(tmp.path(), &err) == nullptr);
    CHECK_THAT(err, Catch::Contains(path));
    CHECK_THAT(err, Catch::Contains("newer"));
    CHECK_THAT(err, Catch::Contains(std::to_string(newer)));

    RawDb raw(path);
    CHECK(raw.integer("PRAGMA user_version") == newer); // left untouched
}

TEST_CASE("a file that is not a database is refused, naming the file", "[store][schema]") {
    TempDir tmp;
    const std::string path = tmp.sub("sniperd.db");
    {
        std::ofstream f(path, std::ios::binary);
        for (int i = 0; i < 512; ++i) {
            f << "this is not an SQLite database ";
        }
    }
    std::string err;
    CHECK(Store::open(tmp.path(), &err) == nullptr);
    CHECK_THAT(err, Catch::Contains(path));
    CHECK_THAT(err, Catch::Contains("not a database"));
}

TEST_CASE("a corrupted page fails quick_check with the result in the error", "[store][schema]") {
    TempDir tmp;
    std::string path;
    {
        auto s = open_ok(tmp.path());
        path = s->path();
        for (uint64_t i = 1; i <= 2000; ++i) {
            s->append(intent(i));
        }
        s->flush();
    }
    {
        // Fold the WAL into the main file so the damage below is what is read.
        RawDb raw(path);
        raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        raw.exec("PRAGMA journal_mode = DELETE");
    }
    {
        // Scribble over the cell area of a few b-tree pages (not page 1, so
        // the file still opens as a database).
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        const std::string junk(1024, '\xA5');
        for (const int page : {5, 9, 17}) {
            f.seekp(4096 * (page - 1) + 2048);
            f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
        }
    }
    std::string err;
    CHECK(Store::open(tmp.path(), &err) == nullptr);
    INFO(err);
    CHECK_THAT(err, Catch::Contains(path));
    CHECK_THAT(err, Catch::Contains("quick_check"));
}

TEST_CASE("an unusable data dir is an error, not a crash", "[store][schema]") {
    TempDir tmp;
    std::string err;

    SECTION("a path through a regular file") {
        { std::ofstream f(tmp.sub("file")); }
        CHECK(Store::open(tmp.sub("file/data"), &err) == nullptr);
        CHECK_THAT(err, Catch::Contains("file"));
        CHECK_THAT(err, Catch::Contains("not a directory"));
    }
    SECTION("an empty path") {
        CHECK(Store::open("", &err) == nullptr);
        CHECK_FALSE(err.empty());
    }
    SECTION("a directory we may not write to") {
        if (geteuid() == 0) {
            WARN("running as root: permission bits are not enforced, skipped");
            return;
        }
        REQUIRE(chmod(tmp.path().c_str(), 0500) == 0);
        CHECK(Store::open(tmp.path(), &err) == nullptr);
        CHECK_THAT(err, Catch::Contains(tmp.path()));
        CHECK(Store::open(tmp.sub("sub"), &err) == nullptr);
        CHECK_THAT(err, Catch::Contains("mkdir"));
    }
    SECTION("a null error pointer is allowed") {
        { std::ofstream f(tmp.sub("file")); }
        CHECK(Store::open(tmp.sub("file/data"), nullptr) == nullptr);
    }
}
