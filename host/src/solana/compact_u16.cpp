#include "solana/compact_u16.hpp"

namespace sniper::solana {

const char* compact_u16_error_name(CompactU16Error e) {
    switch (e) {
    case CompactU16Error::None:
        return "ok";
    case CompactU16Error::Truncated:
        return "input ends inside a compact-u16";
    case CompactU16Error::NonCanonical:
        return "non-canonical compact-u16 (a redundant zero byte)";
    case CompactU16Error::TooLong:
        return "compact-u16 longer than 3 bytes";
    case CompactU16Error::Overflow:
        return "compact-u16 value above 0xffff";
    }
    return "unknown compact-u16 error";
}

} // namespace sniper::solana
