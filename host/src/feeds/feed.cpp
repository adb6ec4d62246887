#include "feeds/feed.hpp"

namespace sniper {

void init_event(EventBuf& ev, uint16_t type) {
    std::memset(static_cast<void*>(&ev), 0, sizeof ev);
    ev.h.type = type;
    ev.h.version = 1;
    switch (type) {
    case SNP_EVENT_NEW_POOL:
        ev.h.size = sizeof(snp_ev_new_pool);
        break;
    case SNP_EVENT_POOL_UPDATE:
        ev.h.size = sizeof(snp_ev_pool_update);
        break;
    case SNP_EVENT_TRADE:
        ev.h.size = sizeof(snp_ev_trade);
        break;
    case SNP_EVENT_ORDER_UPDATE:
        ev.h.size = sizeof(snp_ev_order_update);
        break;
    case SNP_EVENT_TIMER:
        ev.h.size = sizeof(snp_ev_timer);
        break;
    case SNP_EVENT_TOOL_RESULT:
        ev.h.size = sizeof(snp_ev_tool_result);
        break;
    case SNP_EVENT_POOL_SAFETY:
        ev.h.size = sizeof(snp_ev_pool_safety);
        break;
    case SNP_EVENT_CURVE_COMPLETE:
        ev.h.size = sizeof(snp_ev_curve_complete);
        break;
    default:
        ev.h.size = sizeof(snp_event_header);
        break;
    }
}

} // namespace sniper
