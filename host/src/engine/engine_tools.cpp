// engine/engine_tools.cpp — call_tool from strategies to the external tool
// runner (tools/), and the answers back as TOOL_RESULT events. The runner
// answers on its own thread; the answer enters the event path through the
// inbox. On the wall clock it is delivered as soon as it arrives. On the
// simulated clock it is delivered at call time + the call's timeout of host
// time (its deadline): the event path waits for it in wall time if it has
// not arrived yet (the runner's deadline guarantees it will), so a sim or
// replay run is deterministic given what the tools answer.
#include "engine/engine.hpp"

#include "core/log.hpp"
#include "tools/tool_runner.hpp"

#include <algorithm>
#include <chrono>

namespace sniper {

namespace {

snp_status abi_status(tools::ToolCallStatus s) {
    switch (s) {
    case tools::ToolCallStatus::Ok:
        return SNP_OK;
    case tools::ToolCallStatus::Timeout:
        return SNP_ERR_TIMEOUT;
    case tools::ToolCallStatus::UnknownTool:
        return SNP_ERR_UNSUPPORTED;
    default:
        return SNP_ERR_TOOL; // the tool answered an error, crashed or broke the protocol
    }
}

} // namespace

snp_status Engine::host_call_tool(StrategyInstance& s, std::string_view tool, std::string_view request_json,
                                  int64_t timeout_ns, uint64_t* out_id) {
    if (opts_.tools == nullptr) {
        return SNP_ERR_UNSUPPORTED;
    }
    const std::shared_ptr<tools::ToolRunner> runner = opts_.tools->find(tool); // a reload may retire it meanwhile
    if (runner == nullptr) {
        return SNP_ERR_NOT_FOUND;
    }
    const int64_t limit_ns = runner->manifest().timeout_ms * 1'000'000;
    const int64_t timeout = timeout_ns > 0 ? std::min(timeout_ns, limit_ns) : limit_ns;
    Inbox<InboxMessage>* inbox = &inbox_;
    auto callback = [inbox](tools::ToolResult r) {
        InboxMessage m;
        m.kind = InboxMessage::Kind::ToolResult;
        m.tool = std::make_shared<const tools::ToolResult>(std::move(r));
        inbox->push(std::move(m));
    };
    const std::string_view request = request_json.empty() ? std::string_view("{}") : request_json;
    tools::Submitted sub = runner->submit(request, timeout, callback);
    // On the simulated clock a full queue is a matter of wall time, which
    // must not decide what a backtest does: wait (the simulated clock
    // stands still) until an answer frees a place, then submit again.
    while (!wall_ && sub.refused && sub.refused->status == tools::ToolCallStatus::QueueFull &&
           await_any_tool_message()) {
        sub = runner->submit(request, timeout, callback);
    }
    if (sub.refused) {
        switch (sub.refused->status) {
        case tools::ToolCallStatus::QueueFull:
            return SNP_ERR_REJECTED;
        case tools::ToolCallStatus::BadInput:
            return SNP_ERR_INVALID_ARGUMENT;
        case tools::ToolCallStatus::UnknownTool:
            return SNP_ERR_NOT_FOUND;
        default:
            return SNP_ERR_UNSUPPORTED; // stopping
        }
    }
    tool_calls_[sub.call_id] = ToolCall{s.index(), nullptr};
    if (!wall_) {
        schedule(now_ns_ + timeout, 3, sub.call_id);
    }
    *out_id = sub.call_id;
    return SNP_OK;
}

std::vector<tools::ToolStats> Engine::tool_stats() const {
    return opts_.tools != nullptr ? opts_.tools->stats() : std::vector<tools::ToolStats>{};
}

void Engine::on_tool_message(InboxMessage& m) {
    auto it = tool_calls_.find(m.tool->call_id);
    if (it == tool_calls_.end()) {
        return; // its strategy's run ended; nobody waits for it
    }
    it->second.result = std::move(m.tool);
    if (wall_) {
        deliver_tool_result(it->first);
    }
}

void Engine::deliver_tool_result(uint64_t call_id) {
    auto it = tool_calls_.find(call_id);
    if (it == tool_calls_.end() || it->second.result == nullptr) {
        return;
    }
    Delivery d;
    d.strategy = it->second.strategy;
    d.tool = std::move(it->second.result);
    tool_calls_.erase(it);
    init_event(d.ev, SNP_EVENT_TOOL_RESULT);
    d.ev.tool_result.call_id = call_id;
    d.ev.tool_result.status = abi_status(d.tool->status);
    d.reason = d.tool->error_message;
    deliveries_.push_back(std::move(d));
}

bool Engine::await_any_tool_message() {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < give_up) {
        InboxMessage m;
        if (!inbox_.pop_wait_until(m, std::min(give_up, std::chrono::steady_clock::now() +
                                                            std::chrono::milliseconds(100)))) {
            continue;
        }
        if (m.kind == InboxMessage::Kind::ToolResult) {
            on_tool_message(m);
            return true;
        }
        if (m.kind == InboxMessage::Kind::Work) {
            held_work_.push_back(std::move(m)); // runs between the next two events, in order
        }
    }
    return false;
}

void Engine::await_tool_result(uint64_t call_id) {
    auto it = tool_calls_.find(call_id);
    if (it == tool_calls_.end()) {
        return;
    }
    // The runner answers every accepted call by its deadline (a timeout at
    // worst); the bound here only guards against a runner that is gone.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (it->second.result == nullptr) {
        InboxMessage m;
        if (!inbox_.pop_wait_until(m, std::min(give_up, std::chrono::steady_clock::now() +
                                                            std::chrono::milliseconds(100)))) {
            if (std::chrono::steady_clock::now() >= give_up) {
                log::error("tools", "no answer from the tool runner; the call is dropped",
                           {{"call_id", call_id}});
                tool_calls_.erase(it);
                return;
            }
            continue;
        }
        if (m.kind == InboxMessage::Kind::ToolResult) {
            on_tool_message(m);
        } else if (m.kind == InboxMessage::Kind::Work) {
            held_work_.push_back(std::move(m)); // runs between the next two events, in order
        }
    }
    deliver_tool_result(call_id);
}

} // namespace sniper
