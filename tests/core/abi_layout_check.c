/* Compiled as C11 with -Wpedantic: the ABI header is valid C, and its
 * layout seen from C is pinned here and reported to the C++ test. */
#include <sniper/strategy_abi.h>

#include <stddef.h>

_Static_assert(sizeof(snp_str) == 16, "snp_str");
_Static_assert(sizeof(snp_pubkey) == 32, "snp_pubkey");
_Static_assert(sizeof(snp_event_header) == 40, "snp_event_header");
_Static_assert(offsetof(snp_event_header, seq) == 8, "seq");
_Static_assert(offsetof(snp_event_header, slot) == 32, "slot");
_Static_assert(sizeof(snp_intent) == SNP_INTENT_SIZE_1_1, "snp_intent");
_Static_assert(offsetof(snp_intent, deadline_ns) == SNP_INTENT_SIZE_1_0, "deadline_ns");
_Static_assert(sizeof(snp_ev_order_update) == SNP_EV_ORDER_UPDATE_SIZE_1_1, "order_update");
_Static_assert(sizeof(snp_ev_tool_result) == SNP_EV_TOOL_RESULT_SIZE_1_1, "tool_result");
_Static_assert(sizeof(snp_ev_pool_safety) == SNP_EV_POOL_SAFETY_SIZE_1_1, "pool_safety");
_Static_assert(sizeof(snp_ev_curve_complete) == SNP_EV_CURVE_COMPLETE_SIZE_1_1, "curve_complete");
_Static_assert(offsetof(snp_intent, amount_in) == 72, "amount_in");
_Static_assert(offsetof(snp_intent, reason) == 120, "reason");
_Static_assert(sizeof(snp_plugin_manifest) == 80, "manifest");
_Static_assert(offsetof(snp_plugin_manifest, vtable) == 72, "vtable");

size_t snp_c_layout(int which);
size_t snp_c_layout(int which) {
    switch (which) {
    case 0: return sizeof(snp_event_header);
    case 1: return sizeof(snp_ev_new_pool);
    case 2: return sizeof(snp_ev_pool_update);
    case 3: return sizeof(snp_ev_trade);
    case 4: return sizeof(snp_ev_order_update);
    case 5: return sizeof(snp_ev_timer);
    case 6: return sizeof(snp_intent);
    case 7: return sizeof(snp_position);
    case 8: return sizeof(snp_host_api);
    case 9: return sizeof(snp_strategy_vtable);
    case 10: return sizeof(snp_plugin_manifest);
    case 11: return sizeof(snp_error);
    case 12: return offsetof(snp_ev_new_pool, base_reserve_atoms);
    case 13: return offsetof(snp_ev_order_update, reason);
    case 14: return offsetof(snp_host_api, trading_state);
    case 15: return sizeof(snp_ev_tool_result);
    case 16: return offsetof(snp_ev_order_update, attempt);
    case 17: return sizeof(snp_ev_pool_safety);
    case 18: return offsetof(snp_ev_pool_safety, lp_burned_bps);
    case 19: return sizeof(snp_ev_curve_complete);
    case 20: return offsetof(snp_ev_curve_complete, dex);
    default: return 0;
    }
}
