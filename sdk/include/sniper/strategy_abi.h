/*
 * sniper/strategy_abi.h — the stable C ABI between sniperd and a strategy
 * plugin (ABI 1.1; docs/abi-versioning.md has what each minor added).
 *
 * A plugin is a shared library that exports exactly one symbol,
 * `snp_plugin_entry`. The host calls it once with its own ABI version; the
 * plugin returns a pointer to a manifest in static storage. Everything else
 * goes through two function tables: the host API (host -> plugin) and the
 * strategy vtable (plugin -> host).
 *
 * Rules that keep this stable (see sdk/README.md, "ABI policy"):
 *  - C only, fixed-width integers, (ptr,len) strings, no bool, no enums in
 *    struct fields (enum values are carried in fixed-width integers).
 *  - Every growable struct starts with `struct_size` and only ever appends.
 *    A reader checks `struct_size` before touching a field added later.
 *  - Enum values are never renumbered; 0 is INVALID, except snp_status
 *    where 0 is OK.
 *  - Amounts are integers in base units: lamports for SOL, atoms for tokens.
 *    Doubles appear only in informational fields (prices) and never
 *    determine the size of an order.
 *  - Ownership is written on every pointer field. "borrowed" means valid
 *    only until the call it was passed to returns; copy it to keep it.
 *    Each side frees only what it allocated.
 *  - No exception, longjmp or signal crosses the boundary. The C++ wrapper
 *    in strategy.hpp catches everything and maps it to a status.
 *  - Callbacks of one strategy instance are serialized by the host: a
 *    strategy never needs a lock for its own state.
 *
 * Major version: must match exactly. Minor version: appends only; a plugin
 * built against 1.N runs on a host 1.M for any M, N (fields it does not know
 * are ignored or defaulted through struct_size).
 *
 * How structs grow (the OBS way): a struct the plugin hands in (intent,
 * position out-param, error, manifest, vtable) is copied by the host as
 * min(struct_size, size the host knows) into a zeroed host struct, so a
 * field the plugin did not know reads as 0. Only a struct_size below the
 * 1.0 size (SNP_*_SIZE_1_0) is refused. A field appended in a minor version
 * therefore always gives 0 the meaning "not set / host default". Every
 * struct the host hands out tells its size (struct_size, or h.size for
 * events); read a later field only when the size covers it.
 */
#ifndef SNIPER_STRATEGY_ABI_H
#define SNIPER_STRATEGY_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SNP_ABI_MAJOR 1u
#define SNP_ABI_MINOR 1u
/* abi_version fields carry (major << 16) | minor. */
#define SNP_ABI_VERSION ((SNP_ABI_MAJOR << 16) | SNP_ABI_MINOR)
#define SNP_ABI_VERSION_MAJOR(v) ((uint32_t)(v) >> 16)
#define SNP_ABI_VERSION_MINOR(v) ((uint32_t)(v)&0xffffu)

#if defined(_WIN32)
#define SNP_EXPORT __declspec(dllexport)
#else
#define SNP_EXPORT __attribute__((visibility("default")))
#endif

/* The name of the single exported entry point. */
#define SNP_PLUGIN_ENTRY_SYMBOL "snp_plugin_entry"

/* ---------------------------------------------------------------- basics */

/* A UTF-8 string that is not necessarily NUL-terminated. Ownership is
 * stated where the type is used. */
typedef struct snp_str {
    const char* ptr;
    uint64_t len;
} snp_str;

/* Raw bytes. Ownership is stated where the type is used. */
typedef struct snp_bytes {
    const uint8_t* ptr;
    uint64_t len;
} snp_bytes;

/* An ed25519 public key / account address (Solana), raw 32 bytes. */
typedef struct snp_pubkey {
    uint8_t bytes[32];
} snp_pubkey;

/* Status codes. 0 = OK. Never renumbered; new codes are appended. */
typedef int32_t snp_status;
enum {
    SNP_OK = 0,
    SNP_ERR_INVALID_ARGUMENT = 1, /* a field is out of range or malformed */
    SNP_ERR_REJECTED = 2,         /* the host refused (risk gate, state) */
    SNP_ERR_NOT_FOUND = 3,        /* no such position / tool / timer */
    SNP_ERR_BUFFER_TOO_SMALL = 4, /* save_state: *out_size holds the need */
    SNP_ERR_INTERNAL = 5,         /* a bug or a broken invariant */
    SNP_ERR_UNSUPPORTED = 6,      /* the host or plugin lacks the feature */
    SNP_ERR_EXCEPTION = 7,        /* an exception was caught at the boundary */
    SNP_ERR_ABI_MISMATCH = 8,     /* versions or struct sizes do not fit */
    SNP_ERR_STATE = 9,            /* the call is not allowed at this time */
    SNP_ERR_TIMEOUT = 10,         /* 1.1: a deadline passed (tool calls) */
    SNP_ERR_TOOL = 11             /* 1.1: the tool answered with an error */
};

/* Error details, filled by the callee when it returns a non-OK status.
 * The caller owns the struct; the callee writes a NUL-terminated message
 * (truncated to fit) and a code. */
typedef struct snp_error {
    uint32_t struct_size; /* set by the caller: sizeof(snp_error) */
    snp_status code;
    char message[256];
} snp_error;

/* Opaque handle the host passes back with every host API call. */
typedef struct snp_host_ctx snp_host_ctx;

/* Log levels for snp_host_api.log. */
enum {
    SNP_LOG_INVALID = 0,
    SNP_LOG_DEBUG = 1,
    SNP_LOG_INFO = 2,
    SNP_LOG_WARN = 3,
    SNP_LOG_ERROR = 4
};

/* Trading state, as returned by snp_host_api.trading_state. */
enum {
    SNP_TRADING_INVALID = 0,
    SNP_TRADING_ACTIVE = 1,   /* entries and exits allowed */
    SNP_TRADING_REDUCING = 2, /* exits only */
    SNP_TRADING_HALTED = 3    /* nothing is sent */
};

/* ---------------------------------------------------------------- events */

enum {
    SNP_EVENT_INVALID = 0,
    SNP_EVENT_NEW_POOL = 1,     /* snp_ev_new_pool */
    SNP_EVENT_POOL_UPDATE = 2,  /* snp_ev_pool_update (carries the price) */
    SNP_EVENT_TRADE = 3,        /* snp_ev_trade: an observed swap */
    SNP_EVENT_ORDER_UPDATE = 4, /* snp_ev_order_update: one of our intents */
    SNP_EVENT_TIMER = 5,        /* snp_ev_timer: a timer this strategy set */
    SNP_EVENT_TOOL_RESULT = 6,  /* 1.1: snp_ev_tool_result, a call_tool answer */
    SNP_EVENT_POOL_SAFETY = 7,  /* 1.1, appended: snp_ev_pool_safety, a pool's
                                   safety facts changed after its NEW_POOL */
    SNP_EVENT_CURVE_COMPLETE = 8, /* 1.1, appended: snp_ev_curve_complete, a
                                     bonding curve takes no more trades */
    SNP_EVENT_TYPE_COUNT = 9    /* one past the last type; grows */
};

/* Bit for an event type in snp_plugin_manifest.event_mask. */
#define SNP_EVENT_BIT(type) (1ull << (uint32_t)(type))

/* Common header of every event. An event is passed to on_event as a pointer
 * to its header; cast to the concrete struct after checking `type`, and
 * check `size` before reading fields appended in later versions.
 * Events are borrowed: valid until on_event returns. */
typedef struct snp_event_header {
    uint32_t size;     /* sizeof the concrete event struct as sent */
    uint16_t type;     /* SNP_EVENT_* */
    uint16_t version;  /* per-type layout version, starts at 1 */
    uint64_t seq;      /* host sequence number, strictly increasing */
    int64_t recv_ns;   /* host clock when received (simulated in sim/replay) */
    int64_t source_ns; /* source timestamp (block time, or sim time) */
    uint64_t slot;     /* Solana slot, 0 when unknown */
} snp_event_header;

/* DEX identifiers for pool events. */
enum {
    SNP_DEX_INVALID = 0,
    SNP_DEX_SIM = 1, /* the built-in simulated market */
    SNP_DEX_RAYDIUM_AMM_V4 = 2,
    SNP_DEX_RAYDIUM_CPMM = 3,
    SNP_DEX_PUMP_FUN = 4,
    SNP_DEX_PUMP_SWAP = 5 /* appended (issue 12): PumpSwap, the pump.fun AMM;
                             an older plugin sees an unknown value */
};

/* Flags in snp_ev_new_pool.flags. */
#define SNP_POOL_MINT_AUTHORITY_PRESENT (1u << 0)
#define SNP_POOL_FREEZE_AUTHORITY_PRESENT (1u << 1)
/* 1.1, appended: the source could not establish a safety fact, and the
 * field it governs holds a placeholder, always the worst value (so a limit
 * refuses the pool instead of passing it blind). A pool without these bits
 * was measured. Tell "unknown" from "safe" by these, never by the value. */
#define SNP_POOL_AUTHORITIES_UNKNOWN (1u << 2) /* both *_AUTHORITY_PRESENT set */
#define SNP_POOL_HOLDERS_UNKNOWN (1u << 3)     /* top10_holder_bps = 10000 */
#define SNP_POOL_LP_UNKNOWN (1u << 4)          /* lp_burned_bps = 0 */
/* 1.1, appended: the token's mint is a Token-2022 mint (its extensions,
 * such as a transfer fee or a transfer hook, may apply to every transfer);
 * clear: an SPL Token mint. When the source could not tell,
 * SNP_POOL_TOKEN_PROGRAM_UNKNOWN is set and so is SNP_POOL_TOKEN_2022 (the
 * worst case, as for the other unknown facts). */
#define SNP_POOL_TOKEN_2022 (1u << 5)
#define SNP_POOL_TOKEN_PROGRAM_UNKNOWN (1u << 6)

/* A pool was created. Quote side is SOL (lamports) for every pool the host
 * reports; base is the token. */
typedef struct snp_ev_new_pool {
    snp_event_header h;
    snp_pubkey pool;
    snp_pubkey base_mint;  /* the token */
    snp_pubkey quote_mint; /* wrapped SOL */
    snp_pubkey creator;
    uint32_t dex;                    /* SNP_DEX_* */
    uint32_t flags;                  /* SNP_POOL_* */
    uint64_t base_reserve_atoms;     /* token atoms in the pool */
    uint64_t quote_reserve_lamports; /* lamports in the pool */
    uint64_t token_supply_atoms;     /* total supply */
    uint32_t fee_bps;                /* pool swap fee */
    uint32_t lp_burned_bps;          /* share of LP burned/locked, 0..10000 */
    uint32_t top10_holder_bps;       /* share held by top-10 holders */
    uint8_t base_decimals;
    uint8_t reserved[3];
} snp_ev_new_pool;

/* 1.1, appended: a pool's safety facts changed after its NEW_POOL. The
 * live source keeps measuring what can still change once the pool exists
 * (an AMM pool's LP burned share, often burned minutes after the pool is
 * made; the token's mint and freeze authorities, often revoked then) and
 * sends the whole set as now known, same meaning and same
 * flags as in NEW_POOL (an *_UNKNOWN bit still means the field holds its
 * worst value). The risk gate's safety limits use the latest set. Sent by
 * live sources (and replayed from their recordings) for a pool whose
 * NEW_POOL was sent before it, and, after a restart, for a pool a position
 * holds (its facts read again; its NEW_POOL was in the earlier run). */
typedef struct snp_ev_pool_safety {
    snp_event_header h;
    snp_pubkey pool;
    snp_pubkey base_mint;
    uint32_t dex;              /* SNP_DEX_* */
    uint32_t flags;            /* SNP_POOL_* */
    uint32_t lp_burned_bps;    /* share of LP burned, 0..10000 */
    uint32_t top10_holder_bps; /* share held by the top-10 holders */
} snp_ev_pool_safety;

/* 1.1, appended: a launchpad's bonding curve completed (pump.fun's
 * CompleteEvent): the curve takes no more trades, and the coin migrates to
 * an AMM pool, which arrives as a NEW_POOL with the same base_mint
 * (PumpSwap since 2025-03; Raydium AMM v4 before). The risk gate refuses
 * buys and sells on the curve from then on (the program fails them); a
 * strategy that holds the coin sells it on the new pool, found by its
 * mint, and the host's own exits move there with the NEW_POOL. Sent only
 * for a curve whose NEW_POOL was sent before it. */
typedef struct snp_ev_curve_complete {
    snp_event_header h;
    snp_pubkey pool;      /* the bonding curve */
    snp_pubkey base_mint; /* the coin */
    uint32_t dex;         /* SNP_DEX_* (SNP_DEX_PUMP_FUN) */
    uint32_t reserved;
} snp_ev_curve_complete;

/* New reserves for a pool, and the price they imply. */
typedef struct snp_ev_pool_update {
    snp_event_header h;
    snp_pubkey pool;
    snp_pubkey base_mint;
    uint64_t base_reserve_atoms;
    uint64_t quote_reserve_lamports;
    /* Informational: lamports per token atom = quote / base. Finite and
     * positive; the host never sends an update it could not validate. */
    double price_lamports_per_atom;
} snp_ev_pool_update;

/* Sides, for trades and intents. */
enum { SNP_SIDE_INVALID = 0, SNP_SIDE_BUY = 1, SNP_SIDE_SELL = 2 };

/* A swap observed on a pool by someone else. Our own fills arrive as
 * ORDER_UPDATE events, not as TRADE events. */
typedef struct snp_ev_trade {
    snp_event_header h;
    snp_pubkey pool;
    snp_pubkey base_mint;
    snp_pubkey trader;
    uint32_t side; /* SNP_SIDE_*, from the trader's point of view */
    uint32_t reserved;
    uint64_t base_atoms;     /* tokens bought or sold */
    uint64_t quote_lamports; /* lamports paid or received */
} snp_ev_trade;

/* Order statuses in snp_ev_order_update.status. */
enum {
    SNP_ORDER_INVALID = 0,
    SNP_ORDER_ACCEPTED = 1, /* passed the risk gate, on its way */
    SNP_ORDER_REJECTED = 2, /* refused by the risk gate; see reason */
    SNP_ORDER_FILLED = 3,   /* landed; amounts are final */
    SNP_ORDER_FAILED = 4,   /* sent but did not land / reverted */
    SNP_ORDER_EXPIRED = 5,  /* blockhash expired before landing */
    SNP_ORDER_SENT = 6      /* 1.1: a signed transaction left the host (live);
                               sent again on rebroadcast, attempt counts */
};

/* Progress of one of this strategy's intents. */
typedef struct snp_ev_order_update {
    snp_event_header h;
    uint64_t intent_id; /* as returned by submit_intent */
    uint64_t client_tag;
    snp_pubkey mint;
    uint32_t status; /* SNP_ORDER_* */
    uint32_t side;   /* SNP_SIDE_* */
    uint64_t in_amount;  /* BUY: lamports spent; SELL: atoms sold */
    uint64_t out_amount; /* BUY: atoms received; SELL: lamports received */
    uint64_t fee_lamports; /* network + priority fee */
    uint64_t tip_lamports;
    int32_t reason_code; /* risk reason code (REJECTED) or failure code */
    uint32_t reserved;
    snp_str reason; /* borrowed: human-readable reason, may be empty */
    /* ---- 1.1 (present when h.size >= SNP_EV_ORDER_UPDATE_SIZE_1_1) ---- */
    uint8_t signature[64]; /* transaction signature; all zero in paper mode
                              and before SENT */
    uint64_t landed_slot;  /* slot the transaction landed in (FILLED or
                              FAILED on chain), else 0 */
    uint32_t attempt;      /* send attempt, 1 for the first; 0 in paper */
    uint32_t reserved2;
} snp_ev_order_update;

/* A timer set with set_timer fired. */
typedef struct snp_ev_timer {
    snp_event_header h;
    uint64_t timer_id;
    uint64_t tag; /* as passed to set_timer */
} snp_ev_timer;

/* 1.1: the answer to a call_tool. Exactly one per accepted call: the
 * tool's output, its error, or the host's timeout. */
typedef struct snp_ev_tool_result {
    snp_event_header h;
    uint64_t call_id;    /* as returned by call_tool */
    snp_status status;   /* SNP_OK, or why there is no output: SNP_ERR_TIMEOUT,
                            SNP_ERR_TOOL (the tool answered an error),
                            SNP_ERR_UNSUPPORTED (no such tool) */
    uint32_t reserved;
    snp_str tool;        /* borrowed: the tool's name */
    snp_str output_json; /* borrowed: the output object when OK, else "" */
    snp_str error_code;  /* borrowed: the tool's or host's error code, else "" */
    snp_str error_message; /* borrowed: human-readable, else "" */
} snp_ev_tool_result;

/* --------------------------------------------------------------- intents */

/* Flags in snp_intent.flags. */
#define SNP_INTENT_SELL_ALL (1u << 0) /* SELL the whole position; amount_in ignored */

/* 1.1: how the host executes an intent (snp_intent.route). 0 is the host
 * default (a 1.0 plugin's zero-filled field): the config decides. */
enum {
    SNP_ROUTE_DEFAULT = 0, /* whatever [execution] in the config says */
    SNP_ROUTE_DIRECT = 1,  /* a swap built by the host on `pool` */
    SNP_ROUTE_JUPITER = 2, /* the aggregator finds the route; pool may be 0 */
    SNP_ROUTE_JITO = 3,    /* a bundle with a tip through the block engine */
    SNP_ROUTE_COUNT = 4    /* one past the last route; grows */
};

/* What a strategy wants to do. The host decides whether (risk gate) and how
 * (executor). Borrowed by submit_intent for the duration of the call. */
typedef struct snp_intent {
    uint32_t struct_size; /* sizeof(snp_intent) as the plugin knows it */
    uint32_t side;        /* SNP_SIDE_* */
    snp_pubkey mint;      /* the token */
    snp_pubkey pool;      /* the pool to trade on */
    /* BUY: lamports to spend. SELL: token atoms to sell (unless SELL_ALL). */
    uint64_t amount_in;
    uint32_t max_slippage_bps; /* 1..10000 */
    uint32_t flags;            /* SNP_INTENT_* */
    uint64_t client_tag;       /* echoed in order updates */
    /* Protection for the position this BUY opens; 0 = use the config's
     * [protection] default, negative = none. Enforced by the host on every
     * price update, independent of the strategy (see sdk/README.md). */
    int32_t stop_loss_bps;
    int32_t take_profit_bps;
    int32_t trailing_stop_bps;
    uint32_t reserved;
    int64_t max_hold_ns;
    snp_str reason; /* borrowed: free text recorded in the journal */
    /* ---- 1.1 (read when struct_size >= SNP_INTENT_SIZE_1_1; 0 = default) */
    /* Host clock (now_ns) after which the order must not land; the host
     * lets it expire instead. 0 = no deadline beyond the executor's own. */
    int64_t deadline_ns;
    uint32_t route; /* SNP_ROUTE_*; with JUPITER `pool` may be all zero */
    uint32_t reserved2;
    /* Caps for live execution; 0 = the config's default cap. */
    uint64_t max_priority_fee_lamports; /* compute unit limit x price */
    uint64_t max_tip_lamports;          /* Jito tip */
} snp_intent;

/* A position as the host accounts it. */
typedef struct snp_position {
    uint32_t struct_size; /* set by the caller */
    uint32_t reserved;
    snp_pubkey mint;
    uint64_t amount_atoms;           /* tokens held */
    uint64_t cost_lamports;          /* total spent on what is held, fees in */
    int64_t realized_pnl_lamports;   /* from partial exits so far */
    int64_t opened_ns;               /* host clock when opened */
    uint64_t last_quote_lamports;    /* value of amount_atoms at last price */
} snp_position;

/* ------------------------------------------------- sizes of each version */

/* The sizes each version shipped with. A struct the plugin hands in may be
 * as small as its 1.0 size; the host zero-fills the rest. */
#define SNP_INTENT_SIZE_1_0 136u
#define SNP_INTENT_SIZE_1_1 168u
#define SNP_POSITION_SIZE_1_0 80u
#define SNP_ERROR_SIZE_1_0 264u
#define SNP_HOST_API_SIZE_1_0 64u
#define SNP_VTABLE_SIZE_1_0 48u
#define SNP_MANIFEST_SIZE_1_0 80u
#define SNP_EV_ORDER_UPDATE_SIZE_1_0 152u
#define SNP_EV_ORDER_UPDATE_SIZE_1_1 232u
#define SNP_EV_TOOL_RESULT_SIZE_1_1 120u
#define SNP_EV_POOL_SAFETY_SIZE_1_1 120u
#define SNP_EV_CURVE_COMPLETE_SIZE_1_1 112u

/* ------------------------------------------------------------- host API */

/* Functions the host offers to a strategy. Append-only: check struct_size
 * before calling an entry added after 1.0. All entries are non-NULL in 1.0.
 * The table and ctx are valid for the life of the strategy instance.
 * Calls must be made from within a callback of this instance (others get
 * SNP_ERR_STATE). Inside create only log, now_ns and trading_state work:
 * create may run off the event path. */
typedef struct snp_host_api {
    uint32_t struct_size;
    uint32_t abi_version;
    /* msg borrowed for the call. */
    void (*log)(snp_host_ctx* ctx, int32_t level, snp_str msg);
    /* Host clock in ns (simulated in sim/replay, so backtests repeat). */
    int64_t (*now_ns)(snp_host_ctx* ctx);
    /* Queue an intent. It is committed to the risk gate when the current
     * callback returns normally; an error in the callback discards it.
     * On success *out_id is the intent id used in order updates. A
     * malformed intent returns SNP_ERR_INVALID_ARGUMENT at once. */
    snp_status (*submit_intent)(snp_host_ctx* ctx, const snp_intent* intent,
                                uint64_t* out_id, snp_error* err);
    /* This strategy's position in a mint; SNP_ERR_NOT_FOUND when flat. */
    snp_status (*position)(snp_host_ctx* ctx, const snp_pubkey* mint,
                           snp_position* out);
    /* One-shot timer: a TIMER event with `tag` after delay_ns (host clock). */
    snp_status (*set_timer)(snp_host_ctx* ctx, int64_t delay_ns, uint64_t tag,
                            uint64_t* out_id);
    /* Ask an external tool (tools/ai/). Returns at once: SNP_OK with
     * *out_id, the answer follows as one SNP_EVENT_TOOL_RESULT event with
     * that call id (subscribe to it in event_mask). A host without tools
     * configured returns SNP_ERR_UNSUPPORTED; an unknown tool
     * SNP_ERR_NOT_FOUND; a full queue SNP_ERR_REJECTED. timeout_ns > 0 is
     * the host-enforced deadline. Strings borrowed for the call. */
    snp_status (*call_tool)(snp_host_ctx* ctx, snp_str tool, snp_str request_json,
                            int64_t timeout_ns, uint64_t* out_id);
    /* SNP_TRADING_*. */
    int32_t (*trading_state)(snp_host_ctx* ctx);
} snp_host_api;

/* ------------------------------------------------------------ the plugin */

/* Functions a strategy offers. Entries marked optional may be NULL. */
typedef struct snp_strategy_vtable {
    uint32_t struct_size;
    uint32_t reserved;
    /* Required. params_json borrowed (a JSON object, possibly "{}").
     * Returns the instance, or NULL with *err filled. `host` and `ctx`
     * stay valid until destroy. */
    void* (*create)(const snp_host_api* host, snp_host_ctx* ctx,
                    snp_str params_json, snp_error* err);
    /* Required. Frees the instance. */
    void (*destroy)(void* self);
    /* Required. ev borrowed until return. A non-OK status counts as a fault
     * and discards the intents submitted during this call. */
    snp_status (*on_event)(void* self, const snp_event_header* ev, snp_error* err);
    /* Optional. Serialize state into buf (cap bytes, host-owned). If cap is
     * too small, set *out_size to the size needed and return
     * SNP_ERR_BUFFER_TOO_SMALL; the host retries with a larger buffer. */
    snp_status (*save_state)(void* self, uint8_t* buf, uint64_t cap,
                             uint64_t* out_size);
    /* Optional. state borrowed; state_version is the saving plugin's
     * manifest.state_version. Refuse (non-OK) what you cannot read. */
    snp_status (*load_state)(void* self, snp_bytes state, uint32_t state_version,
                             snp_error* err);
} snp_strategy_vtable;

/* What the entry point returns. Static storage in the plugin. */
typedef struct snp_plugin_manifest {
    uint32_t struct_size;
    uint32_t abi_version; /* SNP_ABI_VERSION the plugin was built with */
    snp_str name;         /* static: [a-z0-9_]{1,64}, the strategy name */
    snp_str version;      /* static: free text, e.g. "1.2.0" */
    snp_str build_info;   /* static: free text, e.g. compiler and date */
    uint64_t event_mask;  /* SNP_EVENT_BIT of each wanted type */
    uint32_t state_version;
    uint32_t reserved;
    const snp_strategy_vtable* vtable; /* static */
} snp_plugin_manifest;

/* The one exported symbol. host_abi_version is SNP_ABI_VERSION of the host.
 * Return NULL to refuse to load (e.g. incompatible host). */
typedef const snp_plugin_manifest* (*snp_plugin_entry_fn)(uint32_t host_abi_version);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SNIPER_STRATEGY_ABI_H */
