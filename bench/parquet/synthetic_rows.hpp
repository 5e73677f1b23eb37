#pragma once
// Deterministic synthetic rows shaped like a real trace: a few processes and
// threads, ~20 thread names, ~15 syscalls, ~2000 file paths, increasing
// timestamps, skewed durations. The same rows feed ior's writer and, through
// an uncompressed Parquet file, chDB's and DuckDB's writers.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "schema/event_row.hpp"

namespace ior::bench {

class SyntheticRows {
 public:
  explicit SyntheticRows(std::size_t n, std::uint32_t seed = 1) {
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 20; ++i) comms_.push_back("worker-" + std::to_string(i * 7919 % 1000));
    for (const char* s : {"read", "write", "openat", "close", "pread64", "pwrite64", "newfstatat",
                          "lseek", "fsync", "getdents64", "mmap", "statx", "readv", "writev", "fcntl"}) {
      syscalls_.emplace_back(s);
    }
    for (int i = 0; i < 2000; ++i) {
      paths_.push_back("/var/lib/service/data/" + std::to_string(i % 37) + "/segment-" +
                       std::to_string(i * 104729 % 100000) + ".db");
    }
    rows_.reserve(n);
    std::uint64_t ts = 1'764'000'000'000'000'000ull;
    std::lognormal_distribution<double> dur(8.0, 1.5);
    schema::Uuid id{};
    id[0] = 0x42;
    for (std::size_t i = 0; i < n; ++i) {
      schema::EventRow r;
      ts += rng() % 20'000;
      r.timestamp_ns = ts;
      std::uint32_t proc = static_cast<std::uint32_t>(rng() % 8);
      r.pid = 1000 + proc * 17;
      r.tid = r.pid + static_cast<std::uint32_t>(rng() % 6);
      r.comm = comms_[(proc * 3 + rng() % 2) % comms_.size()];
      std::size_t sc = static_cast<std::size_t>(rng() % syscalls_.size());
      r.syscall_name = syscalls_[sc];
      r.trace_id = static_cast<std::uint16_t>(sc + 1);
      r.event_type = 4;
      r.ret_value = static_cast<std::int64_t>(rng() % 8) == 0 ? -11 : static_cast<std::int64_t>(rng() % 65536);
      r.ret_type = r.ret_value < 0 ? 3 : 2;
      r.fd = static_cast<std::int32_t>(3 + rng() % 60);
      r.filename = paths_[static_cast<std::size_t>(rng() % paths_.size())];
      r.flags = 02 | 0100000;
      r.duration_ns = static_cast<std::uint64_t>(dur(rng));
      r.duration_to_prev_ns = rng() % 100'000;
      r.hostname = "db-host-01";
      r.collection_id = id;
      rows_.push_back(r);
    }
  }
  const std::vector<schema::EventRow>& rows() const { return rows_; }

  /// Bytes of the row's values (fixed widths + string lengths): "raw" size.
  static std::size_t raw_bytes(const schema::EventRow& r) {
    return 69 + r.comm.size() + r.syscall_name.size() + r.filename.size() + r.pathname.size() +
           r.oldname.size() + r.newname.size() + r.hostname.size();
  }

 private:
  std::vector<std::string> comms_, syscalls_, paths_;
  std::vector<schema::EventRow> rows_;
};

}  // namespace ior::bench
