// strategy/lua_events.cpp — dispatchers and field pushing for events as
// Lua tables (see lua_events.hpp), both generated from the events' field
// tables (core/event_fields.hpp): the Lua text that declares each event's
// table and fills it, and the C++ that pushes the struct's members in the
// same order.
#include "strategy/lua_events.hpp"

#include "core/event_fields.hpp"
#include "strategy/lua_instance.hpp"

#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace sniper::lua {
namespace {

enum class Kind { Key, Sig, U64, I64, U32, I32, U8, F64, Str, Dex, Side, Status, ToolStatus, Flags, Reserved, Bit };

struct Field {
    const char* name;
    Kind kind;
};
struct Event {
    const char* type;
    std::vector<Field> fields; // in push order: members, then the flag bits
};

#define SNP_LUA_FIELD(member, kind, offset, name, json) Field{name, Kind::kind},
#define SNP_LUA_BIT(bit, name, json, presence) Field{name, Kind::Bit},
#define SNP_LUA_EVENT(type_, T, lua, FIELDS, FLAGS) Event{lua, {FIELDS(SNP_LUA_FIELD) FLAGS(SNP_LUA_BIT)}},
const std::vector<Event>& events() {
    static const std::vector<Event> kEvents = {SNP_EVENTS(SNP_LUA_EVENT)};
    return kEvents;
}
#undef SNP_LUA_EVENT
#undef SNP_LUA_BIT
#undef SNP_LUA_FIELD

// The dispatchers' source. Trusted: it uses only its own locals and
// upvalues, so nothing a script does to its globals can change how events
// are built. Each table is created with every field present, so each store
// is a hit on an existing slot.
std::string dispatcher_source() {
    std::string s = R"lua(local on_event = ...
local SIDE = { [0] = "invalid", "buy", "sell" }
local STATUS = { [0] = "invalid", "accepted", "rejected", "filled", "failed", "expired", "sent" }
local TOOL_STATUS = { [0] = "ok", [6] = "unsupported", [10] = "timeout", [11] = "tool_error" }
local DEX = { [0] = "invalid", "sim", "raydium_amm_v4", "raydium_cpmm", "pump_fun", "pump_swap" }
)lua";
    std::string names;
    for (const Event& ev : events()) {
        const std::string t = std::string("t_") + ev.type;
        s += "local " + t + " = { type = \"" + ev.type + "\", seq = 0, recv_ns = 0, source_ns = 0, slot = 0";
        for (const Field& f : ev.fields) {
            switch (f.kind) {
            case Kind::Reserved:
                continue;
            case Kind::Key:
            case Kind::Sig:
            case Kind::Str:
                s += std::string(", ") + f.name + " = \"\"";
                break;
            case Kind::Dex:
            case Kind::Side:
            case Kind::Status:
                s += std::string(", ") + f.name + " = \"invalid\"";
                break;
            case Kind::ToolStatus:
                s += std::string(", ok = false, ") + f.name + " = \"ok\"";
                break;
            case Kind::Bit:
                s += std::string(", ") + f.name + " = false";
                break;
            default:
                s += std::string(", ") + f.name + " = 0";
                break;
            }
        }
        s += " }\n";
        std::string params = "seq, recv_ns, source_ns, slot", body;
        int n = 0;
        for (const Field& f : ev.fields) {
            if (f.kind == Kind::Reserved) {
                continue;
            }
            const std::string a = "a" + std::to_string(++n);
            params += ", " + a;
            const std::string dst = std::string("  e.") + f.name + " = ";
            switch (f.kind) {
            case Kind::Dex:
                body += dst + "DEX[" + a + "] or \"unknown\"\n";
                break;
            case Kind::Side:
                body += dst + "SIDE[" + a + "] or \"unknown\"\n";
                break;
            case Kind::Status:
                body += dst + "STATUS[" + a + "] or \"unknown\"\n";
                break;
            case Kind::ToolStatus:
                body += "  e.ok = " + a + " == 0\n" + dst + "TOOL_STATUS[" + a + "] or \"error\"\n";
                break;
            default:
                body += dst + a + "\n";
                break;
            }
        }
        s += std::string("local function ") + ev.type + "(" + params + ")\n  local e = " + t + "\n  e.type = \"" +
             ev.type + "\"\n  e.seq = seq; e.recv_ns = recv_ns; e.source_ns = source_ns; e.slot = slot\n" + body +
             "  on_event(e)\nend\n";
        names += (names.empty() ? "" : ", ") + std::string(ev.type);
    }
    return s + "return " + names + "\n";
}

// Numbers of every width: Lua numbers are doubles (u64 and i64 above 2^53
// round, as sdk/LUA.md section 6 says).
template <class T>
    requires std::is_arithmetic_v<T>
int push(lua_State* L, T v) {
    lua_pushnumber(L, static_cast<lua_Number>(v));
    return 1;
}
int push(lua_State* L, const snp_pubkey& k) {
    lua_pushlstring(L, reinterpret_cast<const char*>(k.bytes), sizeof k.bytes);
    return 1;
}
int push(lua_State* L, const snp_str& s) {
    if (s.ptr != nullptr && s.len > 0) {
        lua_pushlstring(L, s.ptr, static_cast<size_t>(s.len));
    } else {
        lua_pushliteral(L, "");
    }
    return 1;
}
// A signature as raw bytes like keys; "" while it is all zero (before SENT,
// and in paper mode).
int push(lua_State* L, const uint8_t (&sig)[64]) {
    bool any = false;
    for (uint8_t b : sig) {
        any = any || b != 0;
    }
    if (any) {
        lua_pushlstring(L, reinterpret_cast<const char*>(sig), sizeof sig);
    } else {
        lua_pushliteral(L, "");
    }
    return 1;
}
template <size_t N> int push(lua_State*, const uint8_t (&)[N]) { return 0; } // reserved bytes
template <class T> int push_member(lua_State* L, const T& v, Kind k) {
    return k == Kind::Reserved ? 0 : push(L, v);
}

int push_header(lua_State* L, const snp_event_header& h) {
    return push(L, h.seq) + push(L, h.recv_ns) + push(L, h.source_ns) + push(L, h.slot);
}

// The event as its full struct: the host's own pointer when it is large
// enough, else a zero-filled copy (an older, smaller layout).
template <class E> const E& as(const snp_event_header* h, E& copy) {
    if (h->size >= sizeof(E)) {
        return *reinterpret_cast<const E*>(h);
    }
    std::memset(static_cast<void*>(&copy), 0, sizeof copy);
    std::memcpy(static_cast<void*>(&copy), h, h->size);
    return copy;
}

constexpr int slot_of(uint16_t type) {
    return kSlotNewPool + (type - SNP_EVENT_NEW_POOL); // the dispatchers in SNP_EVENTS order
}
static_assert(slot_of(SNP_EVENT_TOOL_RESULT) == kSlotToolResult && slot_of(SNP_EVENT_POOL_SAFETY) == kSlotPoolSafety &&
              slot_of(SNP_EVENT_CURVE_COMPLETE) == kSlotCurveComplete);

} // namespace

bool push_dispatchers(Instance& in, std::string* error) {
    lua_State* L = in.L;
    static const std::string kSource = dispatcher_source();
    // on_event is at the top; the chunk goes below it and takes it as its argument.
    if (luaL_loadbuffer(L, kSource.data(), kSource.size(), "=[events]") != 0) {
        *error = std::string("cannot compile the event dispatchers: ") + lua_tostring(L, -1);
        lua_pop(L, 2);
        return false;
    }
    lua_insert(L, -2);
    return in.call(1, static_cast<int>(events().size()), error) == 0;
}

int push_event(lua_State* L, const snp_event_header* ev) {
    if (ev == nullptr || ev->size < sizeof(snp_event_header)) {
        return -1;
    }
#define SNP_LUA_PUSH_FIELD(member, kind, offset, name, json) n += push_member(L, e.member, Kind::kind);
#define SNP_LUA_PUSH_BIT(bit, name, json, presence)                                                 \
    lua_pushboolean(L, (e.flags & (bit)) != 0);                                                    \
    ++n;
#define SNP_LUA_PUSH_EVENT(type, T, lua, FIELDS, FLAGS)                                            \
    case type: {                                                                                   \
        T copy;                                                                                    \
        const T& e = as(ev, copy);                                                                 \
        lua_pushvalue(L, slot_of(type));                                                           \
        int n = push_header(L, e.h);                                                               \
        FIELDS(SNP_LUA_PUSH_FIELD)                                                                 \
        FLAGS(SNP_LUA_PUSH_BIT)                                                                    \
        return n;                                                                                  \
    }
    switch (ev->type) {
        SNP_EVENTS(SNP_LUA_PUSH_EVENT)
    default:
        return -1; // a type from a newer host: ignored, like the C++ wrapper does
    }
#undef SNP_LUA_PUSH_EVENT
#undef SNP_LUA_PUSH_BIT
#undef SNP_LUA_PUSH_FIELD
}

} // namespace sniper::lua
