// store/schema.hpp — the journal's schema as an ordered list of migrations.
//
// Private to the store module (and its tests). Each migration is one step of
// SQL that moves the database from version N-1 to N; PRAGMA user_version
// holds the version reached. Steps are only ever appended: a released step is
// never edited or renumbered, because databases in the field have already
// run it.
#pragma once

#include <span>
#include <string>

struct sqlite3;

namespace sniper::store {

struct Migration {
    int version;     // 1, 2, 3, ... in order, no gaps
    const char* sql; // one or more statements; static storage
};

// The migrations this build knows, in order.
std::span<const Migration> migrations();
// Version of the last migration: what a freshly opened database reaches.
int latest_schema_version();

// Reads PRAGMA user_version; -1 and *error set on failure.
int read_user_version(sqlite3* db, std::string* error);

// Applies every step of `steps` whose version is above the database's
// user_version, each inside its own transaction together with the bump of
// user_version, so a failure leaves the database at the last whole step.
// Refuses (false, *error) a database whose user_version is above the last
// step: it was written by a newer build and we cannot know its meaning.
// *applied (optional) receives the number of steps run.
bool apply_migrations(sqlite3* db, std::span<const Migration> steps, std::string* error,
                      int* applied = nullptr);

} // namespace sniper::store
