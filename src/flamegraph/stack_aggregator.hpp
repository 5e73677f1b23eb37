#pragma once
// Aggregates rows into collapsed stacks: one frame per chosen field, in the
// order given (e.g. pid;path;tracepoint), summing one value per stack.
// Memory is bounded by the number of distinct stacks and by their bytes
// (stacks hold file names of any length): past max_stacks or max_bytes, rows
// of new stacks are added to a single "other" stack and counted. Stacks are
// hashed with the per-process key (base/keyed_hash.hpp): traced users choose
// the names in them.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/keyed_hash.hpp"
#include "schema/event_row.hpp"

namespace ior::flamegraph {

enum class Field { kPath, kComm, kTracepoint, kPid, kTid, kFlags };
enum class ValueKind { kCount, kDuration, kDurationToPrev, kBytes };

/// "pid,path,tracepoint" -> fields; throws UsageError naming an unknown one.
std::vector<Field> parse_fields(std::string_view list);
/// "count" | "duration" | "durationToPrev" | "bytes"; throws UsageError.
ValueKind parse_value_kind(std::string_view name);
std::string_view field_name(Field f);
std::string_view value_kind_name(ValueKind v);

struct Stack {
  std::string frames;  ///< "a;b;c"
  std::uint64_t value = 0;
};

class StackAggregator {
 public:
  static constexpr std::string_view kOther = "[other]";

  static constexpr std::size_t kDefaultMaxBytes = std::size_t{64} << 20;

  StackAggregator(std::vector<Field> fields, ValueKind value, std::size_t max_stacks = 100'000,
                  std::size_t max_bytes = kDefaultMaxBytes);

  void add(const schema::EventRow& row);
  /// Stacks sorted by frames (the folded format's usual order).
  std::vector<Stack> stacks() const;
  /// "frames value\n" per stack: the standard folded format.
  std::string folded() const;

  std::uint64_t total() const { return total_; }
  std::uint64_t rows_in_other() const { return rows_in_other_; }
  std::size_t distinct_stacks() const { return stacks_.size(); }
  /// Estimated heap bytes of the stacks (what max_bytes bounds).
  std::size_t bytes() const { return bytes_; }

 private:
  void append_frame(Field f, const schema::EventRow& row);
  std::uint64_t value_of(const schema::EventRow& row) const;

  std::vector<Field> fields_;
  ValueKind value_;
  std::size_t max_stacks_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::unordered_map<std::string, std::uint64_t, KeyedStringHash, std::equal_to<>> stacks_;
  std::string key_;  // reused per row
  std::uint64_t total_ = 0;
  std::uint64_t rows_in_other_ = 0;
};

}  // namespace ior::flamegraph
