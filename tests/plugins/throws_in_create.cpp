// throws_in_create — create() throws: the host must disable it and run on.
#include <sniper/strategy.hpp>

namespace {
class ThrowsInCreate final : public sniper::Strategy {
  public:
    using Strategy::Strategy;
    void init(std::string_view) override { throw std::runtime_error("boom in create"); }
};
} // namespace

SNIPER_EXPORT_STRATEGY(ThrowsInCreate, "throws_in_create", "1.0.0", SNP_EVENT_BIT(SNP_EVENT_NEW_POOL), 1)
