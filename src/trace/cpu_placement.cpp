#include "trace/cpu_placement.hpp"

#include <algorithm>

namespace ior::trace {

CpuMask choose_cpus(const CpuMask& allowed, std::span<const double> rates, std::vector<bool>& hot,
                    std::uint64_t hot_bytes_per_s) {
  const std::size_t n = allowed.size();
  hot.resize(n, false);
  const auto rate = [&](std::size_t cpu) { return cpu < rates.size() ? rates[cpu] : 0.0; };
  double busiest = 0;
  for (std::size_t cpu = 0; cpu < n; ++cpu) {
    if (allowed[cpu]) busiest = std::max(busiest, rate(cpu));
  }
  // Relative to the busiest too: on a host where every CPU makes syscalls,
  // the quieter ones are still where ior's threads cost the least.
  const double heats = std::max(static_cast<double>(hot_bytes_per_s), busiest / 4);
  const double cools = heats / 2;
  std::size_t allowed_count = 0;
  std::size_t hot_count = 0;
  for (std::size_t cpu = 0; cpu < n; ++cpu) {
    hot[cpu] = allowed[cpu] && (hot[cpu] ? rate(cpu) >= cools : rate(cpu) >= heats);
    if (allowed[cpu]) ++allowed_count;
    if (hot[cpu]) ++hot_count;
  }
  if (hot_count == 0 || hot_count == allowed_count) return allowed;
  CpuMask cool(n, false);
  for (std::size_t cpu = 0; cpu < n; ++cpu) cool[cpu] = allowed[cpu] && !hot[cpu];
  return cool;
}

CpuPlacement::CpuPlacement(CpuMask allowed, std::function<bool(const CpuMask&)> apply, CpuPlacementOptions options)
    : allowed_(std::move(allowed)), apply_(std::move(apply)), options_(options), current_(allowed_) {}

void CpuPlacement::observe(std::uint64_t now_ns, const RingLevels& levels, double queue_share) {
  if (restricted() && std::max(levels.fullest, queue_share) >= options_.backlog_share) {
    add_restricted(now_ns > last_ns_ ? now_ns - last_ns_ : 0);
    hold_until_ns_ = now_ns + static_cast<std::uint64_t>(options_.hold_after_backlog.count());
    backlog_releases_.store(backlog_releases() + 1, std::memory_order_relaxed);
    move_to(allowed_);
    last_written_ = levels.written;  // the next rates start here
    last_ns_ = now_ns;
    return;
  }
  const bool first = last_ns_ == 0 || last_written_.size() != levels.written.size();
  if (first || now_ns < last_ns_) {
    last_written_ = levels.written;
    last_ns_ = now_ns;
    return;
  }
  if (now_ns - last_ns_ < static_cast<std::uint64_t>(options_.interval.count())) return;
  const double seconds = static_cast<double>(now_ns - last_ns_) / 1e9;
  if (restricted()) add_restricted(now_ns - last_ns_);
  rates_.resize(levels.written.size());
  for (std::size_t cpu = 0; cpu < rates_.size(); ++cpu) {
    rates_[cpu] = static_cast<double>(levels.written[cpu] - last_written_[cpu]) / seconds;
  }
  last_written_ = levels.written;
  last_ns_ = now_ns;

  // The hot states follow the rates during a hold too: when it ends, the
  // choice is the current one.
  CpuMask want = choose_cpus(allowed_, rates_, hot_, options_.hot_bytes_per_s);
  if (now_ns < hold_until_ns_) want = allowed_;
  if (want != current_) move_to(want);
}

void CpuPlacement::move_to(const CpuMask& mask) {
  if (apply_ && !apply_(mask)) return;
  current_ = mask;
  restricted_.store(current_ != allowed_, std::memory_order_relaxed);
}

void CpuPlacement::add_restricted(std::uint64_t ns) {
  restricted_ns_.store(restricted_ns() + ns, std::memory_order_relaxed);
}

}  // namespace ior::trace
