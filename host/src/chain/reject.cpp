// chain/reject.cpp — the stable names of the decoders' reasons.
#include "chain/reject.hpp"

namespace sniper::chain {

const char* reject_name(Reject r) {
    switch (r) {
    case Reject::None:
        return "NONE";
    case Reject::JsonInvalid:
        return "JSON_INVALID";
    case Reject::JsonTooDeep:
        return "JSON_TOO_DEEP";
    case Reject::JsonDuplicateKey:
        return "JSON_DUPLICATE_KEY";
    case Reject::JsonNonfinite:
        return "JSON_NONFINITE";
    case Reject::FieldMissing:
        return "FIELD_MISSING";
    case Reject::FieldType:
        return "FIELD_TYPE";
    case Reject::IntRange:
        return "INT_RANGE";
    case Reject::RpcError:
        return "RPC_ERROR";
    case Reject::Base58Invalid:
        return "BASE58_INVALID";
    case Reject::Base64Invalid:
        return "BASE64_INVALID";
    case Reject::Base64Noncanonical:
        return "BASE64_NONCANONICAL";
    case Reject::LogLineTooLong:
        return "LOG_LINE_TOO_LONG";
    case Reject::LogStack:
        return "LOG_STACK";
    case Reject::ProgramData:
        return "PROGRAM_DATA";
    case Reject::EventTruncated:
        return "EVENT_TRUNCATED";
    case Reject::EventLength:
        return "EVENT_LENGTH";
    case Reject::BorshBool:
        return "BORSH_BOOL";
    case Reject::BorshUtf8:
        return "BORSH_UTF8";
    case Reject::BorshStringLen:
        return "BORSH_STRING_LEN";
    case Reject::RaylogType:
        return "RAYLOG_TYPE";
    case Reject::RaylogLength:
        return "RAYLOG_LENGTH";
    case Reject::CrosscheckMismatch:
        return "CROSSCHECK_MISMATCH";
    case Reject::CreateWithoutEvent:
        return "CREATE_WITHOUT_EVENT";
    case Reject::AccountOwner:
        return "ACCOUNT_OWNER";
    case Reject::AccountDiscriminator:
        return "ACCOUNT_DISCRIMINATOR";
    case Reject::AccountLength:
        return "ACCOUNT_LENGTH";
    case Reject::CoptionTag:
        return "COPTION_TAG";
    case Reject::ZeroAmount:
        return "ZERO_AMOUNT";
    case Reject::UnknownMessage:
        return "UNKNOWN_MESSAGE";
    case Reject::TooManyEvents:
        return "TOO_MANY_EVENTS";
    case Reject::BadInstruction:
        return "BAD_INSTRUCTION";
    case Reject::VaultMismatch:
        return "VAULT_MISMATCH";
    case Reject::DecimalsRange:
        return "DECIMALS_RANGE";
    case Reject::kCount:
        break;
    }
    return "UNKNOWN";
}

const char* skip_name(Skip s) {
    switch (s) {
    case Skip::None:
        return "NONE";
    case Skip::QuoteNotSol:
        return "QUOTE_NOT_SOL";
    case Skip::UnknownPool:
        return "UNKNOWN_POOL";
    case Skip::NoAccounts:
        return "NO_ACCOUNTS";
    case Skip::CurveComplete:
        return "CURVE_COMPLETE";
    case Skip::LogTruncated:
        return "LOG_TRUNCATED";
    case Skip::AccountNotEvent:
        return "ACCOUNT_NOT_EVENT";
    case Skip::ZeroTrade:
        return "ZERO_TRADE";
    case Skip::VaultWaiting:
        return "VAULT_WAITING";
    case Skip::CompleteAgain:
        return "COMPLETE_AGAIN";
    case Skip::kCount:
        break;
    }
    return "UNKNOWN";
}

} // namespace sniper::chain
