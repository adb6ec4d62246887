// store/store_open.cpp — opening the journal: the data dir (created 0700),
// the file's checks (PRAGMA quick_check, a schema newer than this build is
// refused), WAL and pragmas, migrations, and the writer's prepared inserts.
#include "store/store.hpp"

#include "core/log.hpp"
#include "store/schema.hpp"
#include "store/statement.hpp"
#include "store/store_impl.hpp"

#include <sqlite3.h>

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace sniper {
namespace {

constexpr int kBusyTimeoutMs = 5000;

bool make_dirs(const std::string& dir, std::string* error) {
    size_t pos = 0;
    while (pos != std::string::npos) {
        pos = dir.find('/', pos + 1);
        const std::string prefix = dir.substr(0, pos);
        if (prefix.empty()) {
            continue;
        }
        struct stat sb {};
        if (stat(prefix.c_str(), &sb) == 0) {
            if (!S_ISDIR(sb.st_mode)) {
                *error = "store: cannot create data dir " + dir + ": " + prefix +
                         " exists and is not a directory";
                return false;
            }
            continue;
        }
        if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
            *error = "store: cannot create data dir " + dir + ": mkdir " + prefix + ": " +
                     std::strerror(errno);
            return false;
        }
        // mkdir applied the umask; the journal is private whatever it was.
        if (chmod(prefix.c_str(), 0700) != 0) {
            *error = "store: cannot chmod 0700 " + prefix + ": " + std::strerror(errno);
            return false;
        }
    }
    return true;
}

// Runs one statement that returns at most one row and gives its first column
// as text (PRAGMAs). False and *error set on failure.
bool query_text(sqlite3* db, const char* sql, std::string* out, std::string* error) {
    Statement st(db, sql);
    if (!st.ok()) {
        *error = sqlite3_errmsg(db);
        return false;
    }
    out->clear();
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        if (!out->empty()) {
            *out += "; ";
        }
        *out += st.text(0);
    }
    const bool ok = rc == SQLITE_DONE;
    if (!ok) {
        *error = sqlite3_errmsg(db);
    }
    return ok;
}

} // namespace

bool Store::Impl::open(const std::string& data_dir, std::string* error) {
    if (data_dir.empty()) {
        *error = "store: data_dir is empty";
        return false;
    }
    if (!make_dirs(data_dir, error)) {
        return false;
    }
    path = data_dir;
    while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    path += "/sniperd.db";

    // NOMUTEX: db_mu serializes all use of the handle already.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        *error = "store: cannot open " + path + ": " +
                 (db != nullptr ? sqlite3_errmsg(db) : "out of memory");
        return false;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);

    std::string result;
    std::string msg;
    if (!query_text(db, "PRAGMA quick_check", &result, &msg)) {
        *error = "store: " + path + " failed PRAGMA quick_check: " + msg;
        return false;
    }
    if (result != "ok") {
        // quick_check lists up to 100 problems; the first few say enough.
        constexpr size_t kMaxReport = 1000;
        if (result.size() > kMaxReport) {
            result.resize(kMaxReport);
            result += " ...";
        }
        *error = "store: " + path + " failed PRAGMA quick_check: " + result;
        return false;
    }

    // Refuse a newer schema before writing anything to the file (switching
    // to WAL writes its header).
    const int found = store::read_user_version(db, &msg);
    if (found < 0) {
        *error = "store: " + path + ": " + msg;
        return false;
    }
    if (found > store::latest_schema_version()) {
        *error = "store: " + path + ": database schema version " + std::to_string(found) +
                 " is newer than this build knows (" +
                 std::to_string(store::latest_schema_version()) +
                 "); refusing to open it with an older sniperd";
        return false;
    }

    if (!query_text(db, "PRAGMA journal_mode = WAL", &result, &msg)) {
        *error = "store: cannot set WAL on " + path + ": " + msg;
        return false;
    }
    if (result != "wal") {
        *error = "store: " + path + ": journal_mode is '" + result + "', expected 'wal'";
        return false;
    }
    // In WAL mode synchronous=NORMAL syncs at checkpoints, not at every
    // commit: a commit survives the process dying (kill -9, a crash), since
    // it is in the OS page cache, and only an OS crash or power loss can
    // lose the last transactions. That is the trade we want for the event
    // path; the kill switch asks for FULL on its own commit.
    if (!exec("PRAGMA synchronous = NORMAL") || !exec("PRAGMA foreign_keys = ON")) {
        *error = "store: " + path + ": setting pragmas: " + sqlite3_errmsg(db);
        return false;
    }

    if (!store::apply_migrations(db, store::migrations(), &msg)) {
        *error = "store: " + path + ": " + msg;
        return false;
    }
    schema_version = store::read_user_version(db, &msg);
    if (schema_version < 0) {
        *error = "store: " + path + ": " + msg;
        return false;
    }

    for (size_t i = 0; i < store::kKinds; ++i) {
        if (sqlite3_prepare_v3(db, store::kInsertSql[i], -1, SQLITE_PREPARE_PERSISTENT, &inserts[i],
                               nullptr) != SQLITE_OK) {
            *error = "store: " + path + ": preparing the " + store::kKindNames[i] +
                     " insert: " + sqlite3_errmsg(db);
            return false;
        }
    }
    return true;
}

std::unique_ptr<Store> Store::open(const std::string& data_dir, std::string* error) {
    std::string local;
    std::string* err = error != nullptr ? error : &local;
    auto impl = std::make_unique<Impl>();
    if (!impl->open(data_dir, err)) {
        return nullptr;
    }
    log::info("store", "journal open",
              {{"path", impl->path}, {"schema_version", impl->schema_version}});
    return std::unique_ptr<Store>(new Store(std::move(impl)));
}

} // namespace sniper
