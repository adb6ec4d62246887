// strategy/lua_instance.cpp — the counting allocator, the budget hook and
// the protected call of a Lua strategy instance (see lua_instance.hpp).
#include "strategy/lua_instance.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "strategy/lua_sandbox.hpp"

#include <cstdio>
#include <cstdlib>

namespace sniper::lua {
namespace {

// lua_Alloc. Frees and shrinks always succeed (Lua requires it); growth is
// refused past the cap only while script code runs.
void* allocate(void* ud, void* ptr, size_t osize, size_t nsize) {
    auto* in = static_cast<Instance*>(ud);
    const size_t old = ptr != nullptr ? osize : 0;
    if (nsize == 0) {
        std::free(ptr);
        in->heap_used -= old;
        return nullptr;
    }
    if (nsize > old && in->heap_enforce && in->heap_limit != 0 &&
        in->heap_used - old + nsize > in->heap_limit) {
        in->heap_refused = true;
        return nullptr; // LuaJIT raises LUA_ERRMEM inside the protected call
    }
    void* p = std::realloc(ptr, nsize);
    if (p == nullptr) {
        if (nsize <= old) {
            in->heap_used = in->heap_used - old + nsize; // Lua now sees nsize bytes
            return ptr; // a shrink realloc could not do: keep the (larger) block
        }
        in->heap_refused = true;
        return nullptr;
    }
    in->heap_used = in->heap_used - old + nsize;
    return p;
}

// Raises `what` with the position of the script code that was running:
// the innermost frame from a file (the hook may interrupt the host's own
// trusted helpers, e.g. xpcall's, which the script did not write).
[[noreturn]] void raise_here(lua_State* L, Instance* in, const char* what) {
    in->heap_enforce = false; // the message itself must not be refused
    lua_Debug ar;
    bool found = false;
    for (int level = 0; !found && lua_getstack(L, level, &ar) != 0; ++level) {
        if (lua_getinfo(L, "Sl", &ar) != 0 && ar.currentline > 0 && ar.source != nullptr && ar.source[0] == '@') {
            lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, what);
            found = true;
        }
    }
    if (!found) {
        luaL_where(L, 0);
        lua_pushstring(L, what);
        lua_concat(L, 2);
    }
    in->heap_enforce = true;
    lua_error(L);
    std::abort(); // lua_error does not return
}

// The message the hook raises; written into buf (no allocation before the
// raise, nothing to destroy when lua_error unwinds).
const char* limit_message(const Instance* in, char* buf, size_t size) {
    if (in->max_hook_firings != 0) {
        std::snprintf(buf, size, "ran more than %llu Lua instructions",
                      static_cast<unsigned long long>(in->max_hook_firings) * kHookInterval);
    } else {
        std::snprintf(buf, size, "CPU budget of %g ms exceeded", static_cast<double>(in->budget_ns) / 1e6);
    }
    return buf;
}

void budget_hook(lua_State* L, lua_Debug*) {
    Instance* in = instance_of(L);
    if (!in->in_call) {
        return;
    }
    bool over = in->budget_exceeded;
    if (!over && in->max_hook_firings != 0) {
        over = ++in->hook_firings > in->max_hook_firings;
    } else if (!over && in->budget_ns > 0) {
        const int64_t now = thread_cpu_ns(); // preemption is not the script's doing
        if (!in->budget_armed) {
            in->budget_armed = true;
            in->deadline_ns = now + in->budget_ns;
        } else {
            over = now > in->deadline_ns;
        }
    }
    if (!over) {
        return;
    }
    if (!in->budget_exceeded) {
        // From now on every instruction raises, so a pcall in the script
        // cannot swallow the error and carry on.
        in->budget_exceeded = true;
        lua_sethook(L, &budget_hook, LUA_MASKCOUNT, 1);
    }
    char buf[96];
    raise_here(L, in, limit_message(in, buf, sizeof buf));
}

// Message handler: the error text plus a traceback. Runs with the heap cap
// lifted, so a script that ran out of memory still gets its traceback.
int traceback_handler(lua_State* L) {
    Instance* in = instance_of(L);
    const bool enforce = in->heap_enforce;
    in->heap_enforce = false;
    const char* msg = lua_tostring(L, 1);
    if (msg == nullptr) {
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    in->heap_enforce = enforce;
    return 1;
}

int at_panic(lua_State* L) {
    // Unreachable by design: every call into Lua is protected and nothing
    // is refused outside a protected call. LuaJIT exits after this.
    const char* m = lua_tostring(L, -1);
    log::error("lua", "unprotected Lua error (a host bug); the process exits",
               {{"error", m != nullptr ? m : "?"}});
    return 0;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
        s.replace(pos, from.size(), to);
    }
}

std::string format_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

} // namespace

std::string format_mib(uint64_t bytes) { return format_number(static_cast<double>(bytes) / (1024.0 * 1024.0)); }
std::string format_ms(int64_t ns) { return format_number(static_cast<double>(ns) / 1e6); }

Instance::~Instance() {
    if (L != nullptr) {
        heap_enforce = false;
        lua_close(L);
        L = nullptr;
    }
}

bool Instance::open(bool jit, std::string* error) {
    L = lua_newstate(&allocate, this);
    if (L == nullptr) {
        *error = "cannot create a Lua state (out of memory, or a LuaJIT built without GC64 support for "
                 "custom allocators)";
        return false;
    }
    lua_atpanic(L, &at_panic);
    if (lua_cpcall(L, &install_sandbox, this) != 0) {
        const char* m = lua_tostring(L, -1);
        *error = std::string("cannot set up the Lua sandbox: ") + (m != nullptr ? m : "?");
        return false;
    }
    lua_settop(L, 0);
    if (!jit) {
        luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
    }
    lua_sethook(L, &budget_hook, LUA_MASKCOUNT, kHookInterval);
    lua_pushcfunction(L, &traceback_handler); // kSlotTraceback
    if (!lua_checkstack(L, 64)) {
        *error = "cannot grow the Lua stack";
        return false;
    }
    return true;
}

int Instance::call(int nargs, int nresults, std::string* message) {
    const int base = lua_gettop(L) - nargs - 1;
    heap_refused = false;
    budget_armed = false;
    budget_exceeded = false;
    hook_firings = 0;
    in_call = true;
    heap_enforce = true;
    const int st = lua_pcall(L, nargs, nresults, kSlotTraceback);
    heap_enforce = false;
    in_call = false;
    if (budget_exceeded) {
        lua_sethook(L, &budget_hook, LUA_MASKCOUNT, kHookInterval);
    }
    if (st == 0) {
        return 0;
    }
    size_t len = 0;
    const char* s = lua_tolstring(L, -1, &len);
    std::string text = s != nullptr ? std::string(s, len) : std::string("(error object is not a string)");
    std::string head = text.substr(0, text.find("\nstack traceback:"));
    const bool memory = st == LUA_ERRMEM || (heap_refused && (st == LUA_ERRERR ||
                                                               head.find("not enough memory") != std::string::npos));
    if (memory) {
        const std::string mem = "memory limit of " + format_mib(heap_limit) + " MiB exceeded";
        if (st == LUA_ERRMEM || st == LUA_ERRERR) {
            head = mem;
            text = mem + " (the Lua heap is capped by [runtime] lua_memory_mb; no traceback: the error "
                         "was raised by the allocator)";
        } else {
            replace_all(head, "not enough memory", mem);
            replace_all(text, "not enough memory", mem);
        }
    }
    // The detail is what the 256-byte message cannot hold: the traceback,
    // and the whole message when it is longer than that.
    const size_t tb = text.find("stack traceback:");
    detail = tb != std::string::npos ? text.substr(tb) : (text != head ? text : std::string());
    if (head.size() > 255) {
        detail = head + "\n" + detail;
    }
    if (message != nullptr) {
        *message = std::move(head);
    }
    lua_settop(L, base);
    if (memory) {
        lua_gc(L, LUA_GCCOLLECT, 0); // give the next call its heap back (never refused here)
    }
    return st;
}

} // namespace sniper::lua
