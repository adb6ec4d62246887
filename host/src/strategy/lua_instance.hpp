// strategy/lua_instance.hpp — one Lua strategy instance's runtime: its own
// lua_State, the counting allocator that caps its heap, the count hook that
// enforces the CPU budget, and the one protected-call path every piece of
// script code runs through.
//
// The Instance is the allocator's userdata, so any C function running in
// the state finds it with instance_of(L) (lua_getallocf: no registry or
// upvalue lookup). The heap cap is enforced only while script code runs
// (Instance::call): host-side work between calls (pushing an event's
// fields, building the sandbox, a GC after a refused allocation) is never
// refused, so no Lua error can be raised outside a protected call and the
// state's panic path is unreachable. Growth past the cap during a call
// makes the allocator return NULL, which LuaJIT turns into a catchable
// memory error; frees and shrinks always succeed.
//
// CPU budget: a LUA_MASKCOUNT hook fires every kHookInterval VM
// instructions. The first firing inside a call arms a deadline of
// budget_ns (so short callbacks never read the clock); a firing past it
// raises "CPU budget of N ms exceeded" and from then on the hook fires on
// every instruction until the call ends, so a script that catches the
// error with pcall is interrupted again at its next instruction. The hook
// runs only in the interpreter: a loop the JIT has compiled never calls it
// (with the JIT on, the engine's hang watchdog is the backstop). At load
// time the same hook counts instructions instead of time.
#pragma once

#include <sniper/strategy_abi.h>

#include <lua.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace sniper::lua {

// VM instructions between two hook checks.
inline constexpr int kHookInterval = 10'000;

// Fixed stack slots of an instance's main thread (absolute indices). The
// host leaves these in place for the life of the state and resets the top
// to kBaseTop after every call.
enum Slot : int {
    kSlotTraceback = 1, // message handler: appends a traceback
    kSlotNewPool,       // event dispatchers, one per event type (lua_events)
    kSlotPoolUpdate,
    kSlotTrade,
    kSlotOrderUpdate,
    kSlotTimer,
    kSlotToolResult,
    kSlotPoolSafety,
    kSlotCurveComplete,
    kSlotSaveState, // the script's save_state, or nil
    kSlotLoadState, // the script's load_state, or nil
    kBaseTop = kSlotLoadState,
};

struct Instance {
    Instance() = default;
    ~Instance(); // closes the state
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    // Creates the state (allocator = this) and the sandbox (lua_sandbox),
    // with the JIT on or off and the hook installed. Leaves the traceback
    // handler at kSlotTraceback. False with *error on failure.
    bool open(bool jit, std::string* error);

    // Calls the function below `nargs` arguments on the stack in protected
    // mode, with the heap cap enforced and the CPU budget armed. Returns
    // the Lua status (0 = OK, results left on the stack). On failure the
    // error value is popped, *message gets "<file>:<line>: what" (a memory
    // error reads "memory limit of N MiB exceeded") and detail keeps the
    // traceback.
    int call(int nargs, int nresults, std::string* message);

    lua_State* L = nullptr;

    // Heap accounting (bytes). limit 0 = no cap.
    size_t heap_used = 0;
    size_t heap_limit = 0;
    bool heap_enforce = false; // refuse growth past heap_limit (only inside call())
    bool heap_refused = false; // an allocation was refused during this call

    // CPU budget per call; 0 = none.
    int64_t budget_ns = 0;
    // Load-time instruction cap, in hook firings; 0 = none.
    uint64_t max_hook_firings = 0;
    // Per-call hook state.
    bool in_call = false;
    bool budget_armed = false;
    bool budget_exceeded = false;
    int64_t deadline_ns = 0;
    uint64_t hook_firings = 0;

    // The host, as given to create (nullptr in the load-time probe: host
    // functions that need it raise an error there).
    const snp_host_api* api = nullptr;
    snp_host_ctx* ctx = nullptr;

    std::string detail; // the last failed call's traceback (and its message if over 255 bytes)

    // save_state's result between a BUFFER_TOO_SMALL and the host's retry.
    std::string saved_state;
    bool saved_valid = false;
};

// The Instance that owns L (the allocator's userdata).
inline Instance* instance_of(lua_State* L) {
    void* ud = nullptr;
    lua_getallocf(L, &ud);
    return static_cast<Instance*>(ud);
}

// The numbers of "64 MiB" / "20 ms" in messages (no trailing zeros).
std::string format_mib(uint64_t bytes);
std::string format_ms(int64_t ns);

} // namespace sniper::lua
