// solfeed/price_source.hpp — [feeds.price]: a Jupiter-style price endpoint
// polled for the mints the host holds, as a second opinion on the prices
// its pools give (and so a detector of a pool whose updates stopped while
// the market moved). It produces no market event: it hands the engine
// ReferencePrices (EventSink::reference_prices), and the engine marks a
// held pool whose price strays too far stale (entries wait; exits never).
//
// Two answer shapes, told apart by the answer itself:
// - price/v2: GET URL?ids=M1,M2,...&vsToken=<wSOL> (sent when the URL ends
//   in /v2) -> {"data":{"M1":{"id":"M1","price":"0.0000012",...},"M2":null}}
//   with the price in SOL as a decimal string;
// - price/v3: GET URL?ids=M1,M2,...,<wSOL> -> {"M1":{"usdPrice":0.0002,...},
//   "<wSOL>":{"usdPrice":150.1,...}}: the token's USD price over SOL's.
// wSOL is always asked too. Every price must be a finite positive number;
// a v2 entry must name its own mint. What fails is counted by reason
// (sniperctl status, "feed sources"), never handed over.
//
// One thread (an rpc::HttpLoop): a poll every `interval` while mints are
// held; after a failure (transport, timeout, HTTP 429 or 5xx, a malformed
// answer) the wait doubles up to 60 s, or follows Retry-After, and resets
// on the next good answer.
#pragma once

#include "config/config.hpp"
#include "feeds/source.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sniper::solfeed {

inline constexpr std::string_view kWrappedSolMint = "So11111111111111111111111111111111111111112";

// The request URL for `mints` (wSOL added, vsToken for a /v2 URL).
std::string price_request_url(const std::string& base, const std::vector<Pubkey>& mints);

struct PriceAnswer {
    std::vector<ReferencePrice> prices; // for asked mints only (not wSOL)
    std::string reject;                 // "" or a reason code (JSON_INVALID, PRICE_INVALID, ...)
    std::string detail;                 // what was expected and found
    size_t missing = 0;                 // asked mints the endpoint has no price for
};

// Reads an answer body (either shape) for the mints asked. A malformed
// answer yields no price at all: one bad entry and the rest is not trusted.
PriceAnswer parse_price_answer(std::string_view body, const std::vector<Pubkey>& asked);

class PriceSource final : public PushSource {
  public:
    explicit PriceSource(PriceFeedConfig cfg);
    ~PriceSource() override;

    const char* name() const override { return "price"; }
    void start(EventSink& sink) override;
    void stop() override;
    uint64_t rejected_inputs() const override;
    std::optional<SourceStatus> status() const override;
    void watch_mints(const std::vector<Pubkey>& mints) override;

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

} // namespace sniper::solfeed
