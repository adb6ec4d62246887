// Pins the C ABI: sizes and offsets are part of the contract with plugins
// already built. A change here is an ABI break unless it only appends.
#include <catch2/catch.hpp>
#include <sniper/strategy_abi.h>

#include <cstddef>

extern "C" size_t snp_c_layout(int which);

static_assert(sizeof(snp_str) == 16);
static_assert(sizeof(snp_pubkey) == 32);
static_assert(sizeof(snp_event_header) == 40);
static_assert(offsetof(snp_event_header, size) == 0);
static_assert(offsetof(snp_event_header, type) == 4);
static_assert(offsetof(snp_event_header, version) == 6);
static_assert(offsetof(snp_event_header, seq) == 8);
static_assert(offsetof(snp_event_header, recv_ns) == 16);
static_assert(offsetof(snp_event_header, source_ns) == 24);
static_assert(offsetof(snp_event_header, slot) == 32);
static_assert(sizeof(snp_ev_new_pool) == 216);
static_assert(offsetof(snp_ev_new_pool, pool) == 40);
static_assert(offsetof(snp_ev_new_pool, dex) == 168);
static_assert(offsetof(snp_ev_new_pool, base_reserve_atoms) == 176);
static_assert(offsetof(snp_ev_new_pool, base_decimals) == 212);
static_assert(sizeof(snp_ev_pool_update) == 128);
static_assert(offsetof(snp_ev_pool_update, price_lamports_per_atom) == 120);
static_assert(sizeof(snp_ev_trade) == 160);
static_assert(sizeof(snp_ev_order_update) == SNP_EV_ORDER_UPDATE_SIZE_1_1);
static_assert(offsetof(snp_ev_order_update, reason) == 136);
static_assert(offsetof(snp_ev_order_update, signature) == SNP_EV_ORDER_UPDATE_SIZE_1_0);
static_assert(offsetof(snp_ev_order_update, landed_slot) == 216);
static_assert(offsetof(snp_ev_order_update, attempt) == 224);
static_assert(sizeof(snp_ev_tool_result) == SNP_EV_TOOL_RESULT_SIZE_1_1);
static_assert(offsetof(snp_ev_tool_result, call_id) == 40);
static_assert(offsetof(snp_ev_tool_result, status) == 48);
static_assert(offsetof(snp_ev_tool_result, output_json) == 72);
static_assert(sizeof(snp_ev_timer) == 56);
static_assert(sizeof(snp_ev_pool_safety) == SNP_EV_POOL_SAFETY_SIZE_1_1);
static_assert(offsetof(snp_ev_pool_safety, dex) == 104);
static_assert(offsetof(snp_ev_pool_safety, lp_burned_bps) == 112);
static_assert(sizeof(snp_ev_curve_complete) == SNP_EV_CURVE_COMPLETE_SIZE_1_1);
static_assert(offsetof(snp_ev_curve_complete, dex) == 104);
static_assert(sizeof(snp_intent) == SNP_INTENT_SIZE_1_1);
static_assert(offsetof(snp_intent, deadline_ns) == SNP_INTENT_SIZE_1_0);
static_assert(offsetof(snp_intent, route) == 144);
static_assert(offsetof(snp_intent, max_priority_fee_lamports) == 152);
static_assert(offsetof(snp_intent, max_tip_lamports) == 160);
static_assert(offsetof(snp_intent, side) == 4);
static_assert(offsetof(snp_intent, mint) == 8);
static_assert(offsetof(snp_intent, pool) == 40);
static_assert(offsetof(snp_intent, amount_in) == 72);
static_assert(offsetof(snp_intent, max_slippage_bps) == 80);
static_assert(offsetof(snp_intent, client_tag) == 88);
static_assert(offsetof(snp_intent, max_hold_ns) == 112);
static_assert(offsetof(snp_intent, reason) == 120);
static_assert(sizeof(snp_position) == SNP_POSITION_SIZE_1_0);
static_assert(sizeof(snp_error) == SNP_ERROR_SIZE_1_0);
static_assert(sizeof(snp_host_api) == SNP_HOST_API_SIZE_1_0);
static_assert(offsetof(snp_host_api, log) == 8);
static_assert(offsetof(snp_host_api, trading_state) == 56);
static_assert(sizeof(snp_strategy_vtable) == SNP_VTABLE_SIZE_1_0);
static_assert(offsetof(snp_strategy_vtable, create) == 8);
static_assert(offsetof(snp_strategy_vtable, load_state) == 40);
static_assert(sizeof(snp_plugin_manifest) == SNP_MANIFEST_SIZE_1_0);
static_assert(offsetof(snp_plugin_manifest, name) == 8);
static_assert(offsetof(snp_plugin_manifest, event_mask) == 56);
static_assert(offsetof(snp_plugin_manifest, vtable) == 72);
// Values are part of the ABI: never renumbered.
static_assert(SNP_OK == 0 && SNP_ERR_INVALID_ARGUMENT == 1 && SNP_ERR_STATE == 9);
static_assert(SNP_EVENT_INVALID == 0 && SNP_EVENT_NEW_POOL == 1 && SNP_EVENT_TIMER == 5);
static_assert(SNP_ORDER_INVALID == 0 && SNP_ORDER_FILLED == 3);
static_assert(SNP_SIDE_INVALID == 0 && SNP_SIDE_BUY == 1 && SNP_SIDE_SELL == 2);
static_assert(SNP_TRADING_INVALID == 0 && SNP_TRADING_HALTED == 3);
static_assert(SNP_EVENT_TOOL_RESULT == 6 && SNP_ORDER_SENT == 6 && SNP_ERR_TIMEOUT == 10 && SNP_ERR_TOOL == 11);
static_assert(SNP_EVENT_POOL_SAFETY == 7 && SNP_EVENT_CURVE_COMPLETE == 8 && SNP_EVENT_TYPE_COUNT == 9);
static_assert(SNP_ROUTE_DEFAULT == 0 && SNP_ROUTE_DIRECT == 1 && SNP_ROUTE_JUPITER == 2 && SNP_ROUTE_JITO == 3);
static_assert(SNP_ABI_VERSION == 0x10001u);

TEST_CASE("the ABI has the same layout in C11 and in C++", "[abi]") {
    CHECK(snp_c_layout(0) == sizeof(snp_event_header));
    CHECK(snp_c_layout(1) == sizeof(snp_ev_new_pool));
    CHECK(snp_c_layout(2) == sizeof(snp_ev_pool_update));
    CHECK(snp_c_layout(3) == sizeof(snp_ev_trade));
    CHECK(snp_c_layout(4) == sizeof(snp_ev_order_update));
    CHECK(snp_c_layout(5) == sizeof(snp_ev_timer));
    CHECK(snp_c_layout(6) == sizeof(snp_intent));
    CHECK(snp_c_layout(7) == sizeof(snp_position));
    CHECK(snp_c_layout(8) == sizeof(snp_host_api));
    CHECK(snp_c_layout(9) == sizeof(snp_strategy_vtable));
    CHECK(snp_c_layout(10) == sizeof(snp_plugin_manifest));
    CHECK(snp_c_layout(11) == sizeof(snp_error));
    CHECK(snp_c_layout(12) == offsetof(snp_ev_new_pool, base_reserve_atoms));
    CHECK(snp_c_layout(13) == offsetof(snp_ev_order_update, reason));
    CHECK(snp_c_layout(14) == offsetof(snp_host_api, trading_state));
    CHECK(snp_c_layout(15) == sizeof(snp_ev_tool_result));
    CHECK(snp_c_layout(16) == offsetof(snp_ev_order_update, attempt));
    CHECK(snp_c_layout(17) == sizeof(snp_ev_pool_safety));
    CHECK(snp_c_layout(18) == offsetof(snp_ev_pool_safety, lp_burned_bps));
    CHECK(snp_c_layout(19) == sizeof(snp_ev_curve_complete));
    CHECK(snp_c_layout(20) == offsetof(snp_ev_curve_complete, dex));
}

TEST_CASE("ABI version macros split major and minor", "[abi]") {
    CHECK(SNP_ABI_VERSION_MAJOR(SNP_ABI_VERSION) == SNP_ABI_MAJOR);
    CHECK(SNP_ABI_VERSION_MINOR(SNP_ABI_VERSION) == SNP_ABI_MINOR);
    CHECK(SNP_ABI_VERSION_MAJOR((2u << 16) | 5u) == 2u);
    CHECK(SNP_EVENT_BIT(SNP_EVENT_TRADE) == 8u);
}
