#pragma once
// What the end-of-run summary shows: per syscall (calls, total time,
// latency quantiles from a log-linear histogram: at most 1/16 relative
// error), per file (calls, total time, bytes read, written and transferred)
// and per process (calls, total time).
//
// Memory is bounded, since file names come from traced users: each file name
// is stored once (the map key), and the files table stays within
// max_file_bytes (names plus per-entry overhead, estimated). When a new name
// does not fit, the half of the table with the least total time is folded
// into one "[other]" tally (counted), and the new name takes its place: a hot
// file seen late still gets in, but its figures then count only from its
// (last) admission. Processes: at most max_processes pids, later ones are
// tallied under "[other]" (pid 0). The summary says when either happened.

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/counter.hpp"
#include "base/keyed_hash.hpp"
#include "schema/row_repeats.hpp"
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

struct FileTally : Tally {
  std::uint64_t read_bytes = 0, write_bytes = 0, transfer_bytes = 0;
  std::uint64_t bytes() const { return read_bytes + write_bytes + transfer_bytes; }
};

struct SyscallTally : Tally {
  std::uint64_t p50_ns = 0, p90_ns = 0, p99_ns = 0;
};

struct ProcessTally : Tally {
  std::uint32_t pid = 0;
};

struct TopStatsLimits {
  std::size_t max_file_bytes = std::size_t{32} << 20;  ///< files table, names included
  std::size_t max_processes = 100'000;
};

class TopStats final : public Sink {
 public:
  static constexpr std::string_view kOther = "[other]";
  static constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();

  explicit TopStats(TopStatsLimits limits = {}) : limits_(limits) {}
  void consume(const schema::EventRow& row) noexcept override;
  /// As consume; a row whose file names and comm repeat the row tallied
  /// just before goes to that row's tallies without looking them up.
  void consume_in_batch(const schema::EventRow& row, const schema::RowRepeats& repeats) noexcept override;
  void close() noexcept override {}
  SinkReport report() const override;  ///< rows tallied count as written
  std::optional<SinkCounts> counts() const noexcept override {
    return SinkCounts{.rows_written = rows_.get(), .rows_lost = rows_lost_.get()};
  }

  std::vector<SyscallTally> syscalls() const;  ///< every syscall seen, by calls desc
  enum class FileOrder { kTime, kBytes };
  /// The n files with the most total time (or bytes moved) first, "[other]"
  /// among them when names were folded; copies only those n names. By bytes,
  /// files that moved none are left out.
  std::vector<FileTally> files(std::size_t n = kAll, FileOrder order = FileOrder::kTime) const;
  std::vector<ProcessTally> processes(std::size_t n = kAll) const;  ///< by total time desc
  /// Processes (pids) whose rows carried more than one name.
  std::uint64_t processes_named_apart() const;

  /// Distinct file names folded into "[other]" to stay within max_file_bytes.
  std::uint64_t files_folded() const { return files_folded_; }
  /// Rows of processes beyond max_processes, tallied under "[other]".
  std::uint64_t process_rows_in_other() const { return process_rows_in_other_; }
  /// Estimated heap bytes of the files table (what max_file_bytes bounds).
  std::size_t file_bytes() const { return file_bytes_; }
  const TopStatsLimits& limits() const { return limits_; }

 private:
  struct PerSyscall {
    std::string name;
    std::uint64_t calls = 0, total_ns = 0;
    LatencyHistogram latency;
  };
  struct PerFile {
    std::uint64_t calls = 0, total_ns = 0;
    std::uint64_t read_bytes = 0, write_bytes = 0, transfer_bytes = 0;
    void add(const PerFile& o);
  };
  // A pid's rows may carry several names: an exec, threads named apart, or
  // a pid the kernel gave to another process. It is named by its busiest
  // name (the last one had named a pid that python3 held for 25 M rows
  // after an `ls` that got it later): the calls of up to kNames names are
  // counted; a later one takes the slot of the least busy.
  static constexpr std::size_t kNames = 4;
  struct PerProcess {
    struct Name {
      std::string comm;
      std::uint64_t calls = 0;
    };
    std::array<Name, kNames> names;
    std::size_t current = 0;  // the slot of the name of the last row
    std::size_t used = 0;
    std::uint64_t calls = 0, total_ns = 0;
    void name_row(std::string_view comm);
    const std::string& busiest() const;
  };
  using FileMap = std::unordered_map<std::string, PerFile, KeyedStringHash, std::equal_to<>>;
  PerSyscall& syscall_of(const schema::EventRow& row);
  /// The row's tallies; same_file / same_comm: the row's file names / comm
  /// are the previous row's (and that row was tallied here).
  void tally(const schema::EventRow& row, bool same_file, bool same_comm);
  /// The entry now holding name's figures; nullptr when they went to "[other]".
  FileMap::value_type* add_file(std::string_view name, const PerFile& add);
  static std::size_t recent_slot(std::string_view name);
  void fold_files();
  PerProcess* process_of(std::uint32_t pid);

  TopStatsLimits limits_;
  // By trace id (small and dense: bpf/syscalls.def), each made at its first
  // row: a tally holds an 8 KiB histogram, and most syscalls never occur.
  std::vector<std::unique_ptr<PerSyscall>> syscalls_;
  FileMap files_;
  // Files tallied lately, in slots chosen by a cheap hash of a few of the
  // name's bytes: rows of threads each in its own loop over a few files
  // skip the keyed hash and the lookup. A slot is only a hint (the name is
  // compared), so names that share a slot only cost that lookup. Nodes of
  // files_ stay put until erased, which only fold_files does, and it
  // empties these.
  static constexpr std::size_t kRecentSlots = 64;
  std::array<FileMap::value_type*, kRecentSlots> recent_files_{};
  // The last row's file entry (nullptr: none, or "[other]") and process,
  // for the next row that repeats its names (last_row_ says whether it may).
  FileMap::value_type* last_file_ = nullptr;
  PerProcess* last_process_ = nullptr;
  std::uint32_t last_pid_ = 0;
  schema::RepeatTracker last_row_;
  PerFile other_files_;
  std::uint64_t files_folded_ = 0;
  std::size_t file_bytes_ = 0;
  std::unordered_map<std::uint32_t, PerProcess> processes_;
  // Processes tallied lately, by pid modulo kRecentSlots (entries are
  // never erased: they stay valid).
  struct RecentProcess {
    std::uint32_t pid = 0;
    PerProcess* tally = nullptr;
  };
  std::array<RecentProcess, kRecentSlots> recent_processes_{};
  std::uint64_t process_rows_in_other_ = 0;
  Counter rows_;       // the sink's thread writes, the -live footer reads
  Counter rows_lost_;  // out of memory while tallying
};

}  // namespace ior::sink
