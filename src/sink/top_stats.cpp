#include "sink/top_stats.hpp"

#include <algorithm>
#include <bit>

namespace ior::sink {

std::size_t LatencyHistogram::bucket_of(std::uint64_t v) {
  if (v < 16) return static_cast<std::size_t>(v);
  int e = 63 - std::countl_zero(v);  // v in [2^e, 2^(e+1)), e >= 4
  auto sub = static_cast<std::size_t>((v >> (e - 4)) & 15);
  return 16 + static_cast<std::size_t>(e - 4) * 16 + sub;
}

std::uint64_t LatencyHistogram::bucket_low(std::size_t b) {
  if (b < 16) return b;
  std::size_t e = (b - 16) / 16 + 4, sub = (b - 16) % 16;
  return (std::uint64_t{16} + sub) << (e - 4);
}

std::uint64_t LatencyHistogram::quantile(double q) const {
  if (n_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(q * static_cast<double>(n_ - 1));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen > rank) {
      std::uint64_t lo = bucket_low(b);
      std::uint64_t hi = b + 1 < kBuckets ? bucket_low(b + 1) : lo;
      return lo + (hi - lo) / 2;
    }
  }
  return bucket_low(kBuckets - 1);
}

void TopStats::consume(const schema::EventRow& row) noexcept try {
  auto& s = syscalls_[row.trace_id];
  if (s.calls == 0) s.name = std::string(row.syscall_name);
  ++s.calls;
  s.total_ns += row.duration_ns;
  s.latency.add(row.duration_ns);

  std::string_view file = !row.filename.empty() ? row.filename : row.pathname;
  if (!file.empty()) {
    file_key_.assign(file);
    auto it = files_.find(file_key_);
    if (it == files_.end()) {
      if (files_.size() >= max_keys_) file_key_ = "[other]";
      it = files_.try_emplace(file_key_).first;
      it->second.name = file_key_;
    }
    ++it->second.calls;
    it->second.total_ns += row.duration_ns;
  }

  auto p = processes_.find(row.pid);
  if (p == processes_.end() && processes_.size() >= max_keys_) p = processes_.try_emplace(0).first;
  if (p == processes_.end()) p = processes_.try_emplace(row.pid).first;
  if (p->first != 0 || row.pid == 0) p->second.comm.assign(row.comm);
  ++p->second.calls;
  p->second.total_ns += row.duration_ns;
  ++rows_;
} catch (...) {
  ++rows_lost_;
}

SinkReport TopStats::report() const {
  SinkReport r;
  r.name = "summary";
  r.rows_written = rows_;
  r.rows_lost = rows_lost_;
  return r;
}

std::vector<SyscallTally> TopStats::syscalls() const {
  std::vector<SyscallTally> out;
  for (const auto& [id, s] : syscalls_) {
    SyscallTally t;
    t.name = s.name;
    t.calls = s.calls;
    t.total_ns = s.total_ns;
    t.p50_ns = s.latency.quantile(0.50);
    t.p90_ns = s.latency.quantile(0.90);
    t.p99_ns = s.latency.quantile(0.99);
    out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.calls != b.calls ? a.calls > b.calls : a.name < b.name;
  });
  return out;
}

std::vector<Tally> TopStats::files() const {
  std::vector<Tally> out;
  for (const auto& [k, t] : files_) out.push_back(t);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.total_ns != b.total_ns ? a.total_ns > b.total_ns : a.name < b.name;
  });
  return out;
}

std::vector<ProcessTally> TopStats::processes() const {
  std::vector<ProcessTally> out;
  for (const auto& [pid, p] : processes_) {
    ProcessTally t;
    t.pid = pid;
    t.name = p.comm;
    t.calls = p.calls;
    t.total_ns = p.total_ns;
    out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.total_ns != b.total_ns ? a.total_ns > b.total_ns : a.pid < b.pid;
  });
  return out;
}

}  // namespace ior::sink
