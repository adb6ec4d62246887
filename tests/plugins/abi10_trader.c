/* abi10_trader — a strategy written in C against the FROZEN 1.0 header
 * (tests/abi_1_0/sniper/strategy_abi.h), as a plugin built in 1.0's day
 * would be. It buys on every new pool with a 1.0-sized intent (136 bytes),
 * sells everything after a few updates of a pool it holds, and counts its
 * fills from ORDER_UPDATE events read through the 1.0 struct. The 1.1 host
 * must load it and trade with it unchanged. */
#include <sniper/strategy_abi.h>

#include <stdlib.h>
#include <string.h>

_Static_assert(SNP_ABI_MINOR == 0u, "must be built against the frozen 1.0 header");
_Static_assert(sizeof(snp_intent) == 136, "1.0 intent size");
_Static_assert(sizeof(snp_ev_order_update) == 152, "1.0 order update size");

typedef struct trader {
    const snp_host_api* host;
    snp_host_ctx* ctx;
    uint64_t fills;
    uint64_t sells;
    uint32_t updates_seen;
} trader;

static snp_str lit(const char* s) {
    snp_str r;
    r.ptr = s;
    r.len = strlen(s);
    return r;
}

static void* t_create(const snp_host_api* host, snp_host_ctx* ctx, snp_str params, snp_error* err) {
    (void)params;
    (void)err;
    trader* t = (trader*)calloc(1, sizeof(trader));
    if (t == NULL) {
        return NULL;
    }
    t->host = host;
    t->ctx = ctx;
    return t;
}

static void t_destroy(void* self) { free(self); }

static void submit(trader* t, uint32_t side, const snp_pubkey* mint, const snp_pubkey* pool, uint64_t amount,
                   uint32_t flags) {
    snp_intent in;
    memset(&in, 0, sizeof in);
    in.struct_size = (uint32_t)sizeof in; /* 136: the 1.0 size */
    in.side = side;
    in.mint = *mint;
    in.pool = *pool;
    in.amount_in = amount;
    in.flags = flags;
    in.max_slippage_bps = 2500;
    in.reason = lit("abi 1.0 plugin");
    snp_error e;
    memset(&e, 0, sizeof e);
    e.struct_size = (uint32_t)sizeof e;
    uint64_t id = 0;
    if (t->host->submit_intent(t->ctx, &in, &id, &e) != SNP_OK) {
        t->host->log(t->ctx, SNP_LOG_ERROR, lit(e.message));
    }
}

static snp_status t_on_event(void* self, const snp_event_header* ev, snp_error* err) {
    (void)err;
    trader* t = (trader*)self;
    if (ev->type == SNP_EVENT_NEW_POOL) {
        const snp_ev_new_pool* e = (const snp_ev_new_pool*)ev;
        submit(t, SNP_SIDE_BUY, &e->base_mint, &e->pool, 10000000u, 0); /* 0.01 SOL */
    } else if (ev->type == SNP_EVENT_POOL_UPDATE) {
        const snp_ev_pool_update* e = (const snp_ev_pool_update*)ev;
        snp_position pos;
        memset(&pos, 0, sizeof pos);
        pos.struct_size = (uint32_t)sizeof pos;
        if (t->host->position(t->ctx, &e->base_mint, &pos) == SNP_OK && pos.amount_atoms > 0 &&
            ++t->updates_seen % 5 == 0) {
            submit(t, SNP_SIDE_SELL, &e->base_mint, &e->pool, 0, SNP_INTENT_SELL_ALL);
        }
    } else if (ev->type == SNP_EVENT_ORDER_UPDATE) {
        /* Read through the 1.0 struct: the host's event is larger (1.1),
         * and everything up to `reason` is where 1.0 put it. */
        const snp_ev_order_update* e = (const snp_ev_order_update*)ev;
        if (ev->size < sizeof(snp_ev_order_update)) {
            return SNP_ERR_ABI_MISMATCH;
        }
        if (e->status == SNP_ORDER_FILLED) {
            t->fills++;
            if (e->side == SNP_SIDE_SELL) {
                t->sells++;
            }
        }
    }
    /* Types the 1.0 header does not know (TOOL_RESULT) are never sent:
     * the event mask below does not ask for them. */
    return SNP_OK;
}

static snp_status t_save_state(void* self, uint8_t* buf, uint64_t cap, uint64_t* out_size) {
    const trader* t = (const trader*)self;
    *out_size = 2 * sizeof(uint64_t);
    if (cap < *out_size) {
        return SNP_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(buf, &t->fills, sizeof t->fills);
    memcpy(buf + sizeof t->fills, &t->sells, sizeof t->sells);
    return SNP_OK;
}

static const snp_strategy_vtable kVtable = {sizeof(snp_strategy_vtable), 0, t_create, t_destroy, t_on_event,
                                            t_save_state, NULL};

static const snp_plugin_manifest kManifest = {
    sizeof(snp_plugin_manifest),
    SNP_ABI_VERSION,
    {"abi10_trader", 12},
    {"1.0.0", 5},
    {"built against the frozen ABI 1.0 header", 39},
    SNP_EVENT_BIT(SNP_EVENT_NEW_POOL) | SNP_EVENT_BIT(SNP_EVENT_POOL_UPDATE) | SNP_EVENT_BIT(SNP_EVENT_ORDER_UPDATE),
    1,
    0,
    &kVtable};

SNP_EXPORT const snp_plugin_manifest* snp_plugin_entry(uint32_t host_abi_version) {
    if (SNP_ABI_VERSION_MAJOR(host_abi_version) != SNP_ABI_MAJOR) {
        return NULL;
    }
    return &kManifest;
}
