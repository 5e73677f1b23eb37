#pragma once
// What the end-of-run summary shows: per syscall (calls, total time,
// latency quantiles from a log-linear histogram: at most 1/16 relative
// error), per file and per process (calls, total time). Memory is bounded:
// at most max_keys distinct files and processes; the rest is "[other]".

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "sink/sink.hpp"

namespace ior::sink {

/// Log-linear latency histogram (16 sub-buckets per power of two).
class LatencyHistogram {
 public:
  static constexpr std::size_t kBuckets = 16 + 60 * 16;
  void add(std::uint64_t v) { ++counts_[bucket_of(v)]; ++n_; }
  /// The q-quantile (0..1), as the middle of its bucket; 0 when empty.
  std::uint64_t quantile(double q) const;
  std::uint64_t count() const { return n_; }
  static std::size_t bucket_of(std::uint64_t v);
  static std::uint64_t bucket_low(std::size_t b);

 private:
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t n_ = 0;
};

struct Tally {
  std::string name;
  std::uint64_t calls = 0;
  std::uint64_t total_ns = 0;
};

struct SyscallTally : Tally {
  std::uint64_t p50_ns = 0, p90_ns = 0, p99_ns = 0;
};

struct ProcessTally : Tally {
  std::uint32_t pid = 0;
};

class TopStats final : public Sink {
 public:
  explicit TopStats(std::size_t max_keys = 100'000) : max_keys_(max_keys) {}
  void consume(const schema::EventRow& row) noexcept override;
  void close() noexcept override {}
  SinkReport report() const override;  ///< rows tallied count as written

  std::vector<SyscallTally> syscalls() const;  ///< every syscall seen, by calls desc
  std::vector<Tally> files() const;            ///< by total time desc
  std::vector<ProcessTally> processes() const; ///< by total time desc

 private:
  struct PerSyscall {
    std::string name;
    std::uint64_t calls = 0, total_ns = 0;
    LatencyHistogram latency;
  };
  struct PerProcess {
    std::string comm;
    std::uint64_t calls = 0, total_ns = 0;
  };
  std::size_t max_keys_;
  std::unordered_map<std::uint16_t, PerSyscall> syscalls_;
  std::unordered_map<std::string, Tally> files_;
  std::unordered_map<std::uint32_t, PerProcess> processes_;
  std::string file_key_;
  std::uint64_t rows_ = 0;
  std::uint64_t rows_lost_ = 0;  // out of memory while tallying
};

}  // namespace ior::sink
