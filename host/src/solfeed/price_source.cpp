#include "solfeed/price_source.hpp"

#include "core/log.hpp"
#include "rpc/http_loop.hpp"
#include "ws/ws_client.hpp"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <mutex>

namespace sniper::solfeed {

namespace {

constexpr int64_t kMaxBackoffMs = 60'000;

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// A finite positive number from a JSON number or a decimal string.
bool positive_number(simdjson::simdjson_result<simdjson::dom::element> field, double& out) {
    simdjson::dom::element e;
    if (field.get(e) != simdjson::SUCCESS) {
        return false;
    }
    std::string_view text;
    if (e.get_string().get(text) == simdjson::SUCCESS) {
        if (text.empty() || text.size() > 64 ||
            text.find_first_not_of("0123456789.eE+-") != std::string_view::npos) {
            return false;
        }
        const std::string copy(text);
        char* end = nullptr;
        out = std::strtod(copy.c_str(), &end);
        if (end != copy.c_str() + copy.size()) {
            return false;
        }
    } else if (e.get_double().get(out) != simdjson::SUCCESS) {
        return false;
    }
    return std::isfinite(out) && out > 0;
}

PriceAnswer refuse(std::string reason, std::string detail) {
    PriceAnswer a;
    a.reject = std::move(reason);
    a.detail = std::move(detail);
    return a;
}

} // namespace

std::string price_request_url(const std::string& base, const std::vector<Pubkey>& mints) {
    std::string url = base + "?ids=";
    for (const Pubkey& m : mints) {
        url += to_base58(m);
        url += ',';
    }
    url += kWrappedSolMint;
    if (ends_with(base, "/v2") || ends_with(base, "/v2/")) {
        url += "&vsToken=";
        url += kWrappedSolMint;
    }
    return url;
}

PriceAnswer parse_price_answer(std::string_view body, const std::vector<Pubkey>& asked) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    simdjson::dom::object top;
    if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(top) != simdjson::SUCCESS) {
        return refuse("JSON_INVALID", "expected a JSON object, found " + std::string(body.substr(0, 80)));
    }
    simdjson::dom::object data;
    const bool v2 = top["data"].get_object().get(data) == simdjson::SUCCESS;
    const simdjson::dom::object& map = v2 ? data : top;
    double sol_usd = 1; // v2 prices are in SOL already
    if (!v2) {
        simdjson::dom::element sol;
        double v = 0;
        if (map[kWrappedSolMint].get(sol) != simdjson::SUCCESS || sol.is_null()) {
            return refuse("NO_SOL_PRICE", "a USD price answer without wSOL's price: cannot convert to SOL");
        }
        if (!positive_number(sol["usdPrice"], v)) {
            return refuse("PRICE_INVALID", std::string(kWrappedSolMint) + ".usdPrice: expected a finite positive number");
        }
        sol_usd = v;
    }
    PriceAnswer out;
    for (const Pubkey& m : asked) {
        const std::string key = to_base58(m);
        simdjson::dom::element e;
        if (map[key].get(e) != simdjson::SUCCESS || e.is_null()) {
            ++out.missing;
            continue;
        }
        double v = 0;
        if (v2) {
            std::string_view id;
            if (e["id"].get_string().get(id) != simdjson::SUCCESS || id != key) {
                return refuse("ID_MISMATCH", "data." + key + ".id: expected " + key);
            }
            if (!positive_number(e["price"], v)) {
                return refuse("PRICE_INVALID", "data." + key + ".price: expected a finite positive number");
            }
        } else if (!positive_number(e["usdPrice"], v)) {
            return refuse("PRICE_INVALID", key + ".usdPrice: expected a finite positive number");
        }
        const double sol = v / sol_usd;
        if (!std::isfinite(sol) || sol <= 0) {
            return refuse("PRICE_INVALID", key + ": the price in SOL is not a finite positive number");
        }
        out.prices.push_back({m, sol});
    }
    return out;
}

struct PriceSource::Impl : std::enable_shared_from_this<PriceSource::Impl> {
    explicit Impl(PriceFeedConfig c) : cfg(std::move(c)), display(ws::redacted(cfg.url)) {}

    PriceFeedConfig cfg;
    std::string display;
    std::unique_ptr<rpc::HttpLoop> loop;
    EventSink* sink = nullptr;
    int64_t backoff_ms = 0;

    mutable std::mutex mu; // guards what follows
    std::vector<Pubkey> mints;
    bool ok = false;
    uint64_t polls = 0, prices = 0, rejected = 0;
    int64_t last_price_mono_ns = 0;
    std::string last_error;
    std::map<std::string, uint64_t> by_reason;

    void schedule(int64_t delay_ms) {
        std::weak_ptr<Impl> weak = weak_from_this();
        loop->after(delay_ms, [weak] {
            if (auto self = weak.lock()) {
                self->poll();
            }
        });
    }

    void poll() {
        std::vector<Pubkey> asked;
        {
            std::lock_guard lk(mu);
            asked = mints;
        }
        const int64_t interval_ms = cfg.interval_ns / 1'000'000;
        if (asked.empty()) {
            schedule(interval_ms);
            return;
        }
        rpc::HttpRequest req;
        req.url = price_request_url(cfg.url, asked);
        req.get = true;
        req.timeout_ms = cfg.timeout_ns / 1'000'000;
        req.connect_timeout_ms = std::min<int64_t>(req.timeout_ms, 2000);
        std::weak_ptr<Impl> weak = weak_from_this();
        loop->start(std::move(req), [weak, asked](rpc::HttpResponse r) {
            if (auto self = weak.lock()) {
                self->answered(asked, r);
            }
        });
    }

    void answered(const std::vector<Pubkey>& asked, const rpc::HttpResponse& r) {
        if (r.outcome == rpc::HttpOutcome::Cancelled) {
            return;
        }
        PriceAnswer a;
        if (r.outcome != rpc::HttpOutcome::Done) {
            a = refuse(r.outcome == rpc::HttpOutcome::Timeout ? "TIMEOUT" : "HTTP_FAILED", r.error);
        } else if (r.status != 200) {
            a = refuse(r.status == 429 ? "RATE_LIMITED" : "HTTP_STATUS",
                       "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 120));
        } else {
            a = parse_price_answer(r.body, asked);
        }
        const int64_t interval_ms = cfg.interval_ns / 1'000'000;
        int64_t next_ms = interval_ms;
        {
            std::lock_guard lk(mu);
            ++polls;
            if (a.reject.empty()) {
                ok = true;
                backoff_ms = 0;
                prices += a.prices.size();
                if (!a.prices.empty()) {
                    last_price_mono_ns = rpc::HttpLoop::now_us() * 1000;
                }
                last_error.clear();
            } else {
                ok = false;
                ++rejected;
                const bool first = by_reason[a.reject]++ == 0;
                backoff_ms = backoff_ms == 0 ? interval_ms : std::min(2 * backoff_ms, kMaxBackoffMs);
                next_ms = std::max(backoff_ms, r.retry_after_ms > 0 ? std::min(r.retry_after_ms, kMaxBackoffMs) : 0);
                last_error = a.reject + ": " + a.detail;
                if (first || by_reason[a.reject] % 100 == 0) {
                    log::warn("feed.price", "the price endpoint's answer was not used",
                              {{"endpoint", display}, {"reason", a.reject}, {"detail", a.detail},
                               {"next_poll_ms", next_ms}});
                }
            }
        }
        if (a.reject.empty() && !a.prices.empty()) {
            sink->reference_prices(std::move(a.prices));
        }
        schedule(next_ms);
    }
};

PriceSource::PriceSource(PriceFeedConfig cfg) : impl_(std::make_shared<Impl>(std::move(cfg))) {}

PriceSource::~PriceSource() { stop(); }

void PriceSource::start(EventSink& sink) {
    if (impl_->loop) {
        return;
    }
    impl_->sink = &sink;
    rpc::HttpLoopConfig lc;
    lc.max_body_bytes = 4u << 20;
    lc.max_host_connections = 2;
    lc.user_agent = "sniperd-price/1";
    impl_->loop = std::make_unique<rpc::HttpLoop>(lc);
    std::weak_ptr<Impl> weak = impl_;
    impl_->loop->post([weak] {
        if (auto self = weak.lock()) {
            self->poll();
        }
    });
}

void PriceSource::stop() {
    if (!impl_->loop) {
        return;
    }
    impl_->loop->stop();
    impl_->loop.reset();
    impl_->sink->source_ended();
}

uint64_t PriceSource::rejected_inputs() const {
    std::lock_guard lk(impl_->mu);
    return impl_->rejected;
}

std::optional<SourceStatus> PriceSource::status() const {
    std::lock_guard lk(impl_->mu);
    SourceStatus s;
    s.name = "price";
    s.state = impl_->mints.empty() ? "idle" : impl_->polls == 0 || impl_->ok ? "up" : "down";
    s.messages = impl_->polls;
    s.events = impl_->prices;
    s.rejected = impl_->rejected;
    s.rejected_by_reason = impl_->by_reason;
    if (impl_->last_price_mono_ns != 0) {
        s.last_event_age_ms = (rpc::HttpLoop::now_us() * 1000 - impl_->last_price_mono_ns) / 1'000'000;
    }
    SourceStatus::Endpoint e;
    e.url = impl_->display;
    e.connected = impl_->ok;
    e.messages = impl_->polls;
    e.last_error = impl_->last_error;
    s.endpoints.push_back(std::move(e));
    return s;
}

void PriceSource::watch_mints(const std::vector<Pubkey>& mints) {
    std::lock_guard lk(impl_->mu);
    impl_->mints = mints;
}

} // namespace sniper::solfeed
