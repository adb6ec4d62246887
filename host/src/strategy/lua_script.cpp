// strategy/lua_script.cpp — LuaScript: loading and checking a .lua
// strategy, and the five ABI entry points run in a per-instance sandboxed
// lua_State (see lua_script.hpp; the pieces are lua_instance, lua_sandbox,
// lua_host_api, lua_events and lua_json).
//
// No exception and no Lua error leaves these functions: Lua runs only in
// protected calls, C++ failures are caught here and become a status.
#include "strategy/lua_script.hpp"

#include "core/types.hpp"
#include "strategy/lua_events.hpp"
#include "strategy/lua_instance.hpp"
#include "strategy/lua_json.hpp"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace sniper {
namespace {

constexpr size_t kMaxSourceBytes = 16u << 20;     // larger .lua files are refused
constexpr size_t kLoadHeapBytes = 16u << 20;      // heap cap of the load-time check
constexpr uint64_t kLoadInstructions = 10'000'000; // top-level code must finish within this


bool read_source(const std::string& path, std::string& out, std::string* why) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        *why = "cannot read the file";
        return false;
    }
    if (size > kMaxSourceBytes) {
        *why = "file is larger than 16 MiB";
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *why = "cannot read the file";
        return false;
    }
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
        *why = "cannot read the file";
        return false;
    }
    return true;
}

// What a script's returned table declares.
struct Manifest {
    std::string name;
    std::string version = "0";
    uint64_t event_mask = 0;
    uint32_t state_version = 0;
    bool has_init = false;
    bool has_save_state = false;
    bool has_load_state = false;
};

// Pushes t[key] without metamethods (the table is the script's).
void raw_field(lua_State* L, int table, const char* key) {
    lua_pushstring(L, key);
    lua_rawget(L, table);
}

std::string valid_event_names() {
    std::string s;
    for (uint32_t t = 1; t < SNP_EVENT_TYPE_COUNT; ++t) {
        s += (t > 1 ? ", " : "");
        s += event_type_name(t);
    }
    return s;
}

// Reads and checks the table at absolute index `table`. Leaves the stack as found.
bool read_manifest(lua_State* L, int table, Manifest& m, std::string* why) {
    if (lua_type(L, table) != LUA_TTABLE) {
        *why = std::string("the script must return a table ({ name = ..., events = {...}, on_event = "
                           "function(ev) ... end }), found ") +
               luaL_typename(L, table);
        return false;
    }
    raw_field(L, table, "name");
    if (lua_type(L, -1) != LUA_TSTRING || !valid_strategy_name(lua_tostring(L, -1))) {
        *why = lua_type(L, -1) == LUA_TSTRING
                   ? "name \"" + std::string(lua_tostring(L, -1)) + "\" is not a valid strategy name ([a-z0-9_]{1,64})"
                   : std::string("name must be a string ([a-z0-9_]{1,64}), found ") + luaL_typename(L, -1);
        lua_pop(L, 1);
        return false;
    }
    m.name = lua_tostring(L, -1);
    lua_pop(L, 1);

    raw_field(L, table, "version");
    if (lua_type(L, -1) == LUA_TSTRING) {
        m.version = lua_tostring(L, -1);
    } else if (!lua_isnil(L, -1)) {
        *why = std::string("version must be a string, found ") + luaL_typename(L, -1);
        lua_pop(L, 1);
        return false;
    }
    lua_pop(L, 1);

    raw_field(L, table, "events");
    if (lua_type(L, -1) != LUA_TTABLE) {
        *why = std::string("events must be a list of event names (") + valid_event_names() + "), found " +
               luaL_typename(L, -1);
        lua_pop(L, 1);
        return false;
    }
    const int n = static_cast<int>(lua_objlen(L, -1));
    for (int i = 1; i <= n; ++i) {
        lua_rawgeti(L, -1, i);
        uint32_t type = 0;
        if (lua_type(L, -1) == LUA_TSTRING) {
            for (uint32_t t = 1; t < SNP_EVENT_TYPE_COUNT; ++t) {
                if (std::strcmp(lua_tostring(L, -1), event_type_name(t)) == 0) {
                    type = t;
                }
            }
        }
        if (type == 0) {
            *why = "events[" + std::to_string(i) + "] is " +
                   (lua_type(L, -1) == LUA_TSTRING ? "\"" + std::string(lua_tostring(L, -1)) + "\""
                                                   : std::string("a ") + luaL_typename(L, -1)) +
                   ", not an event type (valid: " + valid_event_names() + ")";
            lua_pop(L, 2);
            return false;
        }
        m.event_mask |= SNP_EVENT_BIT(type);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    raw_field(L, table, "on_event");
    const bool has_on_event = lua_type(L, -1) == LUA_TFUNCTION;
    if (!has_on_event) {
        *why = std::string("on_event must be a function, found ") + luaL_typename(L, -1);
    }
    lua_pop(L, 1);
    if (!has_on_event) {
        return false;
    }
    struct Optional {
        const char* key;
        bool* present;
    };
    for (const Optional& o : {Optional{"init", &m.has_init}, Optional{"save_state", &m.has_save_state},
                              Optional{"load_state", &m.has_load_state}}) {
        raw_field(L, table, o.key);
        *o.present = lua_type(L, -1) == LUA_TFUNCTION;
        if (!*o.present && !lua_isnil(L, -1)) {
            *why = std::string(o.key) + " must be a function (or absent), found " + luaL_typename(L, -1);
            lua_pop(L, 1);
            return false;
        }
        lua_pop(L, 1);
    }

    raw_field(L, table, "state_version");
    if (!lua_isnil(L, -1)) {
        const double v = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : -1;
        if (!(v >= 0 && v <= 4294967295.0) || static_cast<double>(static_cast<uint32_t>(v)) != v) {
            *why = "state_version must be an integer in [0, 2^32)";
            lua_pop(L, 1);
            return false;
        }
        m.state_version = static_cast<uint32_t>(v);
    }
    lua_pop(L, 1);
    return true;
}

// Compiles the source as text (never bytecode) with the heap cap enforced.
// Pushes the chunk, or returns false with *why ("syntax error: file:line: ...").
bool compile(lua::Instance& in, const std::string& source, const std::string& chunk_name, std::string* why) {
    in.heap_refused = false;
    in.heap_enforce = true;
    const int st = luaL_loadbufferx(in.L, source.data(), source.size(), chunk_name.c_str(), "t");
    in.heap_enforce = false;
    if (st == 0) {
        return true;
    }
    const char* m = lua_tostring(in.L, -1);
    if (st == LUA_ERRMEM || in.heap_refused) {
        *why = "memory limit of " + lua::format_mib(in.heap_limit) + " MiB exceeded while compiling";
    } else {
        *why = std::string(st == LUA_ERRSYNTAX ? "syntax error: " : "cannot compile: ") + (m != nullptr ? m : "?");
    }
    lua_pop(in.L, 1);
    return false;
}

} // namespace

std::shared_ptr<LuaScript> LuaScript::load(const std::string& path, std::string* error) {
    auto fail = [&](const std::string& why) {
        *error = path + ": " + why;
        return nullptr;
    };
    try {
        std::shared_ptr<LuaScript> s(new LuaScript());
        std::string why;
        if (!read_source(path, s->source_, &why)) {
            return fail(why);
        }
        if (s->source_.empty()) {
            return fail("empty file (still being written?)");
        }
        if (s->source_[0] == '\x1b') {
            return fail("precompiled LuaJIT bytecode is not accepted (bytecode is not verified and can crash "
                        "the VM): ship the .lua source");
        }
        if (!StrategyCode::hash_file(path, s->content_hash_)) {
            return fail("cannot read the file");
        }
        s->source_path_ = path;
        s->loaded_path_ = path;
        s->chunk_name_ = "@" + std::filesystem::path(path).filename().string();
        s->build_info_ = LUAJIT_VERSION;

        // Run the chunk once in a throwaway sandbox: interpreter only, a
        // small heap, a fixed instruction allowance, no host.
        lua::Instance probe;
        probe.heap_limit = kLoadHeapBytes;
        probe.max_hook_firings = kLoadInstructions / lua::kHookInterval;
        if (!probe.open(false, &why)) {
            return fail(why);
        }
        if (!compile(probe, s->source_, s->chunk_name_, &why)) {
            return fail(why);
        }
        if (probe.call(0, 1, &why) != 0) {
            return fail("error while running the file's top level: " + why);
        }
        Manifest m;
        if (!read_manifest(probe.L, lua_gettop(probe.L), m, &why)) {
            return fail(why);
        }
        s->name_ = m.name;
        s->version_ = m.version;
        s->event_mask_ = m.event_mask;
        s->state_version_ = m.state_version;
        s->has_init_ = m.has_init;
        s->has_save_state_ = m.has_save_state;
        s->has_load_state_ = m.has_load_state;
        return s;
    } catch (const std::exception& e) {
        return fail(std::string("cannot load: ") + e.what());
    }
}

LuaScript::~LuaScript() = default;

void* LuaScript::create(const snp_host_api* api, snp_host_ctx* ctx, snp_str params_json, snp_error* err) {
    try {
        auto in = std::make_unique<lua::Instance>();
        in->heap_limit = limits_.lua_memory_bytes;
        in->budget_ns = limits_.callback_budget_ns;
        in->api = api;
        in->ctx = ctx;
        std::string why;
        if (!in->open(limits_.lua_jit, &why)) {
            fill_snp_error(err, SNP_ERR_INTERNAL, why);
            const std::lock_guard<std::mutex> lock(create_detail_mu_);
            create_detail_.clear();
            return nullptr;
        }
        lua_State* L = in->L;
        auto fail = [&](const std::string& msg) {
            fill_snp_error(err, SNP_ERR_EXCEPTION, msg);
            const std::lock_guard<std::mutex> lock(create_detail_mu_);
            create_detail_ = in->detail;
            return nullptr;
        };
        // [1] traceback handler
        if (!compile(*in, source_, chunk_name_, &why)) {
            return fail(why);
        }
        if (in->call(0, 1, &why) != 0) { // [2] the script's table
            return fail(why);
        }
        Manifest m;
        if (!read_manifest(L, 2, m, &why)) {
            return fail(why);
        }
        if (m.name != name_) {
            return fail("the script returned name \"" + m.name + "\" this time, \"" + name_ + "\" when loaded");
        }
        raw_field(L, 2, "on_event");
        if (!lua::push_dispatchers(*in, &why)) { // [3..8] dispatchers
            return fail(why);
        }
        if (m.has_init) {
            raw_field(L, 2, "init");
            lua_pushcfunction(L, &lua::decode_params);
            lua_pushlstring(L, params_json.ptr != nullptr ? params_json.ptr : "",
                            params_json.ptr != nullptr ? static_cast<size_t>(params_json.len) : 0);
            if (in->call(1, 1, &why) != 0) {
                return fail(why);
            }
            if (in->call(1, 0, &why) != 0) {
                return fail(why);
            }
        }
        raw_field(L, 2, "save_state"); // [9]
        raw_field(L, 2, "load_state"); // [10]
        lua_remove(L, 2);
        if (lua_gettop(L) != lua::kBaseTop) {
            fill_snp_error(err, SNP_ERR_INTERNAL, "Lua stack layout broken after create");
            return nullptr;
        }
        in->detail.clear();
        return in.release();
    } catch (const std::exception& e) {
        fill_snp_error(err, SNP_ERR_INTERNAL, std::string("create: ") + e.what());
    } catch (...) {
        fill_snp_error(err, SNP_ERR_INTERNAL, "create: unknown exception");
    }
    return nullptr;
}

void LuaScript::destroy(void* self) { delete static_cast<lua::Instance*>(self); }

snp_status LuaScript::on_event(void* self, const snp_event_header* ev, snp_error* err) {
    auto* in = static_cast<lua::Instance*>(self);
    try {
        in->saved_valid = false;
        lua_settop(in->L, lua::kBaseTop);
        if (!lua_checkstack(in->L, 32)) { // an event pushes at most 23 values
            fill_snp_error(err, SNP_ERR_INTERNAL, "cannot grow the Lua stack");
            return SNP_ERR_INTERNAL;
        }
        const int nargs = lua::push_event(in->L, ev);
        if (nargs < 0) {
            return SNP_OK;
        }
        std::string msg;
        if (in->call(nargs, 0, &msg) == 0) {
            return SNP_OK;
        }
        fill_snp_error(err, SNP_ERR_EXCEPTION, msg);
    } catch (const std::exception& e) {
        fill_snp_error(err, SNP_ERR_INTERNAL, std::string("on_event: ") + e.what());
        return SNP_ERR_INTERNAL;
    }
    return SNP_ERR_EXCEPTION;
}

snp_status LuaScript::save_state(void* self, uint8_t* buf, uint64_t cap, uint64_t* out_size) {
    auto* in = static_cast<lua::Instance*>(self);
    try {
        if (!in->saved_valid) {
            // Run the script once; a BUFFER_TOO_SMALL retry reuses the result.
            lua_State* L = in->L;
            lua_settop(L, lua::kBaseTop);
            in->saved_state.clear();
            if (lua_isnil(L, lua::kSlotSaveState)) {
                *out_size = 0;
                return SNP_OK;
            }
            lua_pushvalue(L, lua::kSlotSaveState);
            std::string msg;
            if (in->call(0, 1, &msg) != 0) {
                return SNP_ERR_EXCEPTION;
            }
            if (lua_type(L, -1) == LUA_TSTRING) {
                size_t len = 0;
                const char* s = lua_tolstring(L, -1, &len);
                in->saved_state.assign(s, len);
            } else if (!lua_isnil(L, -1)) {
                in->detail = std::string("save_state must return a string (or nil), returned a ") +
                             luaL_typename(L, -1);
                lua_settop(L, lua::kBaseTop);
                return SNP_ERR_INVALID_ARGUMENT;
            }
            lua_settop(L, lua::kBaseTop);
            in->saved_valid = true;
        }
        *out_size = in->saved_state.size();
        if (in->saved_state.size() > cap) {
            return SNP_ERR_BUFFER_TOO_SMALL;
        }
        if (!in->saved_state.empty()) {
            std::memcpy(buf, in->saved_state.data(), in->saved_state.size());
        }
        in->saved_valid = false;
        in->saved_state.clear();
        return SNP_OK;
    } catch (const std::exception& e) {
        in->detail = std::string("save_state: ") + e.what();
        return SNP_ERR_INTERNAL;
    }
}

snp_status LuaScript::load_state(void* self, snp_bytes state, uint32_t state_version, snp_error* err) {
    auto* in = static_cast<lua::Instance*>(self);
    try {
        in->saved_valid = false;
        lua_State* L = in->L;
        lua_settop(L, lua::kBaseTop);
        if (lua_isnil(L, lua::kSlotLoadState)) {
            return SNP_OK;
        }
        lua_pushvalue(L, lua::kSlotLoadState);
        const char* bytes = state.ptr != nullptr ? reinterpret_cast<const char*>(state.ptr) : "";
        lua_pushlstring(L, bytes, state.ptr != nullptr ? static_cast<size_t>(state.len) : 0);
        lua_pushnumber(L, state_version);
        std::string msg;
        if (in->call(2, 0, &msg) == 0) {
            return SNP_OK;
        }
        fill_snp_error(err, SNP_ERR_EXCEPTION, msg);
        return SNP_ERR_EXCEPTION;
    } catch (const std::exception& e) {
        fill_snp_error(err, SNP_ERR_INTERNAL, std::string("load_state: ") + e.what());
        return SNP_ERR_INTERNAL;
    }
}

std::string LuaScript::error_detail(void* self) {
    if (self == nullptr) {
        const std::lock_guard<std::mutex> lock(create_detail_mu_);
        return create_detail_;
    }
    return static_cast<lua::Instance*>(self)->detail;
}

} // namespace sniper
