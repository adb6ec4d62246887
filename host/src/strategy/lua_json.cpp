// strategy/lua_json.cpp — the strict params JSON decoder (see lua_json.hpp).
// Values are pushed straight onto the Lua stack; errors are Lua errors, so
// the parser holds no C++ object that would need unwinding.
#include "strategy/lua_json.hpp"

#include <cstdlib>
#include <cstring>

namespace sniper::lua {
namespace {

constexpr int kMaxDepth = 64;

struct Parser {
    lua_State* L;
    const char* s;
    size_t n;
    size_t i;
    int depth;
};

[[noreturn]] void fail(Parser& p, const char* what) {
    luaL_error(p.L, "params JSON: %s at byte %d", what, static_cast<int>(p.i + 1));
    std::abort(); // luaL_error does not return
}

void ws(Parser& p) {
    while (p.i < p.n && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r')) {
        ++p.i;
    }
}

void expect_literal(Parser& p, const char* lit) {
    const size_t len = std::strlen(lit);
    if (p.n - p.i < len || std::memcmp(p.s + p.i, lit, len) != 0) {
        fail(p, "expected a value");
    }
    p.i += len;
}

int hex4(Parser& p) {
    if (p.n - p.i < 4) {
        fail(p, "truncated \\u escape");
    }
    int v = 0;
    for (int k = 0; k < 4; ++k) {
        const char c = p.s[p.i++];
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v |= c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            v |= c - 'A' + 10;
        } else {
            fail(p, "bad hex digit in \\u escape");
        }
    }
    return v;
}

void add_utf8(luaL_Buffer* b, unsigned cp) {
    if (cp < 0x80) {
        luaL_addchar(b, static_cast<char>(cp));
    } else if (cp < 0x800) {
        luaL_addchar(b, static_cast<char>(0xC0 | (cp >> 6)));
        luaL_addchar(b, static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        luaL_addchar(b, static_cast<char>(0xE0 | (cp >> 12)));
        luaL_addchar(b, static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        luaL_addchar(b, static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        luaL_addchar(b, static_cast<char>(0xF0 | (cp >> 18)));
        luaL_addchar(b, static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        luaL_addchar(b, static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        luaL_addchar(b, static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// At the opening quote. Pushes the decoded string.
void string(Parser& p) {
    ++p.i;
    luaL_Buffer b;
    luaL_buffinit(p.L, &b);
    for (;;) {
        if (p.i >= p.n) {
            fail(p, "unterminated string");
        }
        const unsigned char c = static_cast<unsigned char>(p.s[p.i]);
        if (c == '"') {
            ++p.i;
            break;
        }
        if (c < 0x20) {
            fail(p, "control character in string");
        }
        if (c != '\\') {
            luaL_addchar(&b, static_cast<char>(c));
            ++p.i;
            continue;
        }
        ++p.i;
        if (p.i >= p.n) {
            fail(p, "unterminated string");
        }
        const char e = p.s[p.i++];
        switch (e) {
        case '"':
        case '\\':
        case '/':
            luaL_addchar(&b, e);
            break;
        case 'b':
            luaL_addchar(&b, '\b');
            break;
        case 'f':
            luaL_addchar(&b, '\f');
            break;
        case 'n':
            luaL_addchar(&b, '\n');
            break;
        case 'r':
            luaL_addchar(&b, '\r');
            break;
        case 't':
            luaL_addchar(&b, '\t');
            break;
        case 'u': {
            unsigned cp = static_cast<unsigned>(hex4(p));
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (p.n - p.i < 2 || p.s[p.i] != '\\' || p.s[p.i + 1] != 'u') {
                    fail(p, "unpaired surrogate in \\u escape");
                }
                p.i += 2;
                const unsigned lo = static_cast<unsigned>(hex4(p));
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    fail(p, "unpaired surrogate in \\u escape");
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                fail(p, "unpaired surrogate in \\u escape");
            }
            add_utf8(&b, cp);
            break;
        }
        default:
            --p.i;
            fail(p, "bad escape in string");
        }
    }
    luaL_pushresult(&b);
}

void number(Parser& p) {
    const size_t start = p.i;
    auto digits = [&p]() {
        const size_t from = p.i;
        while (p.i < p.n && p.s[p.i] >= '0' && p.s[p.i] <= '9') {
            ++p.i;
        }
        return p.i - from;
    };
    if (p.i < p.n && p.s[p.i] == '-') {
        ++p.i;
    }
    if (p.i < p.n && p.s[p.i] == '0') {
        ++p.i;
    } else if (digits() == 0) {
        fail(p, "expected a value");
    }
    if (p.i < p.n && p.s[p.i] == '.') {
        ++p.i;
        if (digits() == 0) {
            fail(p, "expected digits after '.'");
        }
    }
    if (p.i < p.n && (p.s[p.i] == 'e' || p.s[p.i] == 'E')) {
        ++p.i;
        if (p.i < p.n && (p.s[p.i] == '+' || p.s[p.i] == '-')) {
            ++p.i;
        }
        if (digits() == 0) {
            fail(p, "expected digits in exponent");
        }
    }
    char buf[64];
    const size_t len = p.i - start;
    if (len >= sizeof buf) {
        fail(p, "number too long");
    }
    std::memcpy(buf, p.s + start, len);
    buf[len] = '\0';
    lua_pushnumber(p.L, std::strtod(buf, nullptr));
}

void value(Parser& p);

void object(Parser& p) {
    ++p.i;
    lua_newtable(p.L);
    ws(p);
    if (p.i < p.n && p.s[p.i] == '}') {
        ++p.i;
        return;
    }
    for (;;) {
        ws(p);
        if (p.i >= p.n || p.s[p.i] != '"') {
            fail(p, "expected a string key");
        }
        string(p);
        ws(p);
        if (p.i >= p.n || p.s[p.i] != ':') {
            fail(p, "expected ':'");
        }
        ++p.i;
        value(p);
        if (lua_isnil(p.L, -1)) {
            lua_pop(p.L, 2); // null: the key stays absent
        } else {
            lua_rawset(p.L, -3);
        }
        ws(p);
        if (p.i < p.n && p.s[p.i] == ',') {
            ++p.i;
            continue;
        }
        if (p.i < p.n && p.s[p.i] == '}') {
            ++p.i;
            return;
        }
        fail(p, "expected ',' or '}'");
    }
}

void array(Parser& p) {
    ++p.i;
    lua_newtable(p.L);
    ws(p);
    if (p.i < p.n && p.s[p.i] == ']') {
        ++p.i;
        return;
    }
    for (int index = 1;; ++index) {
        value(p);
        if (lua_isnil(p.L, -1)) {
            lua_pop(p.L, 1); // null: a hole
        } else {
            lua_rawseti(p.L, -2, index);
        }
        ws(p);
        if (p.i < p.n && p.s[p.i] == ',') {
            ++p.i;
            continue;
        }
        if (p.i < p.n && p.s[p.i] == ']') {
            ++p.i;
            return;
        }
        fail(p, "expected ',' or ']'");
    }
}

void value(Parser& p) {
    ws(p);
    if (p.i >= p.n) {
        fail(p, "unexpected end of text");
    }
    if (!lua_checkstack(p.L, 4)) {
        fail(p, "nested too deeply");
    }
    switch (p.s[p.i]) {
    case '{':
    case '[':
        if (++p.depth > kMaxDepth) {
            fail(p, "nested deeper than 64 levels");
        }
        if (p.s[p.i] == '{') {
            object(p);
        } else {
            array(p);
        }
        --p.depth;
        break;
    case '"':
        string(p);
        break;
    case 't':
        expect_literal(p, "true");
        lua_pushboolean(p.L, 1);
        break;
    case 'f':
        expect_literal(p, "false");
        lua_pushboolean(p.L, 0);
        break;
    case 'n':
        expect_literal(p, "null");
        lua_pushnil(p.L);
        break;
    default:
        number(p);
        break;
    }
}

} // namespace

int decode_params(lua_State* L) {
    size_t len = 0;
    const char* text = luaL_checklstring(L, 1, &len);
    Parser p{L, text, len, 0, 0};
    ws(p);
    if (p.i == p.n) {
        lua_newtable(L);
        return 1;
    }
    if (p.s[p.i] != '{') {
        fail(p, "expected an object");
    }
    value(p);
    ws(p);
    if (p.i != p.n) {
        fail(p, "unexpected text after the object");
    }
    return 1;
}

} // namespace sniper::lua
