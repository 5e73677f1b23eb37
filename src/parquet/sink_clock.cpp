#include "parquet/sink_clock.hpp"

#include <time.h>

namespace ior::parquet {
namespace {

class SystemSinkClock final : public SinkClock {
 public:
  std::uint64_t unix_ns() const override {
    struct timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
  }
};

}  // namespace

const SinkClock& system_sink_clock() {
  static const SystemSinkClock clock;
  return clock;
}

}  // namespace ior::parquet
