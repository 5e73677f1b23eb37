#pragma once
// The userspace row filters: -comm (substring of the thread name), -path
// (substring of any of the row's file names), -errors (only failing
// syscalls), -min-duration (only syscalls at least this slow) and
// -container (a prefix of the row's container id, as `docker ps` shortens it).
//
// They run on the paired row, after its fd-table effects are known and
// before any sink: a filtered-out open still teaches the fd table its name.
// Duration and result exist only at the exit, after the kernel already
// sent the enter record, so filtering these two in the kernel would mean
// holding every enter there until its exit (docs/ARCHITECTURE.md "Filters").

#include <cstdint>
#include <string>

#include "schema/event_row.hpp"

namespace ior::event {

struct RowFilterOptions {
  std::string comm;                ///< -comm: keep rows whose comm contains this
  std::string path;                ///< -path: keep rows whose absolute path contains this
  bool errors_only = false;        ///< -errors: keep only rows whose syscall failed
  std::uint64_t min_duration_ns = 0;  ///< -min-duration: keep only rows at least this slow
  std::string container;           ///< -container: keep rows whose container_id starts with this
};

/// Why a row was not kept (the summary counts each reason).
enum class FilterVerdict : std::uint8_t { kKeep, kSucceeded, kTooFast, kNoMatch };

class RowFilter {
 public:
  explicit RowFilter(RowFilterOptions options) : o_(std::move(options)) {}
  /// The first filter the row fails, in the order of FilterVerdict.
  FilterVerdict judge(const schema::EventRow& row) const;
  bool keeps(const schema::EventRow& row) const { return judge(row) == FilterVerdict::kKeep; }

 private:
  bool matches_names(const schema::EventRow& row) const;

  RowFilterOptions o_;
};

}  // namespace ior::event
