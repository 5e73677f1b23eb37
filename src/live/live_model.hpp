#pragma once
// The live view's state on the UI thread, without a terminal: the tallies
// since start (merged from each refresh's Interval), the latest rows, the
// history behind the sparklines, the filter and drill-down, each view's
// sort order, and the flame graph's zoom. Each view is built on demand as a
// Table (live/table.hpp) from the tallies that pass the filter.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flamegraph/flame_tree.hpp"
#include "flamegraph/stack_aggregator.hpp"
#include "live/filter.hpp"
#include "live/interval.hpp"
#include "live/table.hpp"
#include "live/tally_table.hpp"

namespace ior::live {

enum class View { kFiles, kDirs, kProcesses, kSyscalls, kErrors, kStream, kFlame };
inline constexpr std::size_t kViewCount = 7;
std::string_view view_name(View v);

struct ModelLimits {
  std::size_t max_keys = 8192;                      ///< tallies since start
  std::size_t max_bytes = std::size_t{16} << 20;    ///< their keys and entries
  std::size_t stream_rows = 1000;                   ///< latest rows kept
  std::size_t history = 300;                        ///< refreshes behind the sparklines
  std::size_t max_table_rows = 1000;                ///< rows of a view, after sorting
};

struct FlameSpec {
  /// pid, comm, tracepoint and path are kept per tally; tid and flags are not.
  std::vector<flamegraph::Field> fields{flamegraph::Field::kPid, flamegraph::Field::kPath,
                                        flamegraph::Field::kTracepoint};
  flamegraph::ValueKind value = flamegraph::ValueKind::kCount;
};

/// One bar of the text flame graph: columns [x, x + width) of row `depth`
/// (0: the zoomed frame), as fractions of the full width.
struct FlameBar {
  std::size_t depth = 0;
  double x = 0;
  double width = 0;
  std::string name;  ///< escaped for the terminal already (as every view's names, not as in folded files)
  std::uint64_t value = 0;
};

/// One drill-down step: every view shows only this process, file or directory.
struct DrillStep {
  enum class Kind { kPid, kFile, kDirectory } kind;
  std::string value;
  std::string label() const;
};

/// The directory a file is folded into: its parent ("/" for files at the
/// root), "pipe:" for pipe:[N] and the like, "(relative)" for names ior kept
/// as passed. A view into `file` or a constant.
std::string_view directory_of(std::string_view file);

class LiveModel {
 public:
  explicit LiveModel(ModelLimits limits = {}, FlameSpec flame = {});

  /// Merges one refresh, `seconds` long.
  void apply(const Interval& interval, double seconds);

  /// Sets the filter line; false (and error) when it does not parse: the
  /// previous filter stays.
  bool set_filter(std::string_view text, std::string& error);
  const std::string& filter_text() const { return filter_.text(); }

  void drill(DrillStep step);
  /// Undoes the last drill-down; false when there was none.
  bool drill_back();
  const std::vector<DrillStep>& drill_steps() const { return drill_; }

  /// Clicking a column: the same column again reverses the order; another
  /// one sorts numbers largest first, names in byte order.
  void sort_by(View v, std::size_t column);
  /// The next column as sort key (the `s` key).
  void sort_next(View v);

  /// The view as a table, filtered, sorted, at most max_table_rows rows.
  /// Flame: the zoomed frame's children.
  Table table(View v);

  void flame_zoom(std::string_view child);
  bool flame_back();
  const std::vector<std::string>& flame_path() const { return flame_path_; }
  /// Bars of the zoomed frame and its descendants, up to `rows` rows; bars
  /// narrower than min_width (a fraction) are left out.
  std::vector<FlameBar> flame_bars(std::size_t rows, double min_width) ;
  /// The whole flame graph of what passes the filter (for the SVG export).
  std::unique_ptr<flamegraph::FlameTree> flame_tree();
  const FlameSpec& flame_spec() const { return flame_spec_; }

  // Totals, unfiltered.
  std::uint64_t rows_total() const { return rows_total_; }
  std::uint64_t rows_last() const { return rows_last_; }
  double seconds_last() const { return seconds_last_; }
  double elapsed() const { return elapsed_; }
  std::uint64_t refreshes() const { return seq_; }
  const LogHistogram& latency_total() const { return latency_total_; }
  /// Rows per second of each refresh, oldest first.
  std::vector<double> rate_history() const;
  /// p99 latency (ns) of each refresh, oldest first.
  std::vector<double> latency_history() const;
  std::size_t keys() const { return tallies_.size(); }
  std::uint64_t keys_to_other() const { return tallies_.keys_to_other() + interval_keys_to_other_; }

 private:
  struct History {
    double rate = 0;
    double p99 = 0;
  };
  bool passes(TallyEntry& e);
  bool passes(const ActivityKey& k) const;
  std::vector<flamegraph::Stack> flame_stacks();
  const flamegraph::FlameNode* zoom_node(const flamegraph::FlameTree& tree) const;

  Table files_table(bool directories);
  Table processes_table();
  Table syscalls_table();
  Table errors_table();
  Table stream_table();
  Table flame_table();
  void finish(View v, Table& t) const;

  ModelLimits limits_;
  FlameSpec flame_spec_;
  TallyTable tallies_;
  StreamRing stream_;
  LogHistogram latency_total_;
  std::deque<History> history_;
  std::uint64_t seq_ = 0;
  std::uint64_t rows_total_ = 0;
  std::uint64_t rows_last_ = 0;
  std::uint64_t interval_keys_to_other_ = 0;
  double seconds_last_ = 0;
  double elapsed_ = 0;

  Filter filter_;
  std::vector<DrillStep> drill_;
  std::uint64_t filter_gen_ = 1;

  struct SortOrder {
    std::size_t column;
    bool descending;
  };
  SortOrder sort_[kViewCount];
  std::vector<std::string> flame_path_;
};

}  // namespace ior::live
