#include "live/live_model.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <unordered_map>

#include "base/keyed_hash.hpp"
#include "base/terminal_text.hpp"
#include "flamegraph/folded_frame.hpp"
#include "live/format.hpp"

namespace ior::live {
namespace {

constexpr std::string_view kViewNames[kViewCount] = {"Files",  "Directories", "Processes", "Syscalls",
                                                     "Errors", "Stream",      "Flame"};

// Measures of one row of a view: the tallies folded into it.
struct Group {
  Tally tally;
  std::uint64_t last_calls = 0;
  std::uint64_t last_bytes = 0;
  std::uint64_t errors = 0;
  std::uint64_t best_calls = 0;  // calls of the tally that named the row's secondary fields
  std::uint32_t pid = 0;
  std::int32_t err = 0;
  std::string comm, container, syscall, file;
  std::uint64_t decades[kDecades] = {};

  void add(const TallyEntry& e, std::uint64_t seq) {
    tally.merge(e.tally);
    if (e.last_seq == seq) {
      last_calls += e.last_calls;
      last_bytes += e.last_bytes;
    }
    errors += e.tally.errors(e.key.err);
    decades[std::min<std::size_t>(e.key.decade, kDecades - 1)] += e.tally.calls;
  }
  // The names shown next to the key (a process's comm, an error's syscall):
  // those of the tally with the most calls.
  void name_from(const TallyEntry& e) {
    if (!comm.empty() && e.tally.calls <= best_calls) return;
    best_calls = e.tally.calls;
    pid = e.key.pid;
    err = e.key.err;
    comm = std::string(e.key.comm);
    container = std::string(e.key.container);
    syscall = std::string(e.key.syscall);
    file = std::string(e.key.file);
  }
};

using GroupMap = std::unordered_map<std::string, Group, KeyedStringHash, std::equal_to<>>;
// Groups named by a view into a tally's key (stable while a table is built:
// nothing is added to the tallies meanwhile), so grouping allocates nothing
// per tally.
using NamedGroups = std::unordered_map<std::string_view, Group, KeyedStringHash, std::equal_to<>>;

Cell text_cell(std::string s) { return Cell{std::move(s), 0, {}}; }
Cell count_cell(std::uint64_t n) { return Cell{format_count(n), static_cast<double>(n), {}}; }
Cell bytes_cell(std::uint64_t n) { return Cell{format_bytes(n), static_cast<double>(n), std::to_string(n)}; }
Cell ns_cell(std::uint64_t ns) { return Cell{format_duration(ns), static_cast<double>(ns), std::to_string(ns)}; }
Cell rate_cell(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", r);
  return Cell{format_rate(r), r, buf};
}

std::string decade_bars(const std::uint64_t (&d)[kDecades]) {
  std::vector<double> v(std::begin(d), std::end(d));
  for (auto& x : v) x = static_cast<double>(x);
  return "[" + sparkline(v, false) + "]";
}

std::string time_of_day(std::uint64_t ns) {
  const auto secs = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03u", tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned>(ns / 1000000 % 1000));
  return buf;
}

}  // namespace

std::string_view view_name(View v) { return kViewNames[static_cast<std::size_t>(v)]; }

std::string DrillStep::label() const {
  switch (kind) {
    case Kind::kPid: return "pid " + value;
    case Kind::kFile: return "file " + value;
    case Kind::kDirectory: return "directory " + value;
  }
  return value;
}

std::string_view directory_of(std::string_view file) {
  if (file.starts_with('/')) {
    const auto slash = file.rfind('/');
    return slash == 0 ? "/" : file.substr(0, slash);
  }
  if (auto colon = file.find(':'); colon != std::string_view::npos && colon > 0) {
    return file.substr(0, colon + 1);
  }
  return "(relative)";
}

LiveModel::LiveModel(ModelLimits limits, FlameSpec flame)
    : limits_(limits),
      flame_spec_(std::move(flame)),
      tallies_(limits.max_keys, limits.max_bytes, TallyTable::Overflow::kFoldColdest),
      stream_(limits.stream_rows) {
  sort_[static_cast<int>(View::kFiles)] = {1, true};
  sort_[static_cast<int>(View::kDirs)] = {1, true};
  sort_[static_cast<int>(View::kProcesses)] = {3, true};
  sort_[static_cast<int>(View::kSyscalls)] = {1, true};
  sort_[static_cast<int>(View::kErrors)] = {1, true};
  sort_[static_cast<int>(View::kStream)] = {0, true};
  sort_[static_cast<int>(View::kFlame)] = {1, true};
}

void LiveModel::apply(const Interval& iv, double seconds) {
  ++seq_;
  seconds_last_ = seconds;
  elapsed_ += seconds;
  rows_total_ += iv.rows;
  rows_last_ = iv.rows;
  interval_keys_to_other_ += iv.tallies.keys_to_other();
  latency_total_.merge(iv.latency);
  iv.tallies.for_each([&](std::string_view key, const TallyEntry& e) {
    TallyEntry& c = tallies_.entry(key);
    c.tally.merge(e.tally);
    if (c.last_seq != seq_) {
      c.last_seq = seq_;
      c.last_calls = 0;
      c.last_bytes = 0;
    }
    c.last_calls += e.tally.calls;
    c.last_bytes += e.tally.read_bytes + e.tally.write_bytes;
  });
  for (std::size_t i = 0; i < iv.stream.size(); ++i) stream_.push(iv.stream.row(i));
  history_.push_back({seconds > 0 ? static_cast<double>(iv.rows) / seconds : 0,
                      static_cast<double>(iv.latency.quantile(0.99))});
  while (history_.size() > limits_.history) history_.pop_front();
}

std::vector<double> LiveModel::rate_history() const {
  std::vector<double> v;
  for (const auto& h : history_) v.push_back(h.rate);
  return v;
}

std::vector<double> LiveModel::latency_history() const {
  std::vector<double> v;
  for (const auto& h : history_) v.push_back(h.p99);
  return v;
}

bool LiveModel::set_filter(std::string_view text, std::string& error) {
  auto f = Filter::parse(text, error);
  if (!f) return false;
  filter_ = std::move(*f);
  ++filter_gen_;
  return true;
}

void LiveModel::drill(DrillStep step) {
  drill_.push_back(std::move(step));
  ++filter_gen_;
}

bool LiveModel::drill_back() {
  if (drill_.empty()) return false;
  drill_.pop_back();
  ++filter_gen_;
  return true;
}

bool LiveModel::passes(const ActivityKey& k) const {
  for (const auto& d : drill_) {
    switch (d.kind) {
      case DrillStep::Kind::kPid:
        if (std::to_string(k.pid) != d.value) return false;
        break;
      case DrillStep::Kind::kFile:
        if (k.file != d.value) return false;
        break;
      case DrillStep::Kind::kDirectory:
        if (k.file.empty() || directory_of(k.file) != d.value) return false;
        break;
    }
  }
  return filter_.matches(k);
}

bool LiveModel::passes(TallyEntry& e) {
  if (e.match_gen != filter_gen_) {
    e.matches = passes(e.key);
    e.match_gen = filter_gen_;
  }
  return e.matches;
}

void LiveModel::sort_by(View v, std::size_t column) {
  auto& s = sort_[static_cast<std::size_t>(v)];
  if (s.column == column) {
    s.descending = !s.descending;
    return;
  }
  const Table t = table(v);
  s.column = column;
  s.descending = column < t.columns.size() ? t.columns[column].numeric : true;
}

void LiveModel::sort_next(View v) {
  const std::size_t n = table(v).columns.size();
  if (n == 0) return;
  sort_by(v, (sort_[static_cast<std::size_t>(v)].column + 1) % n);
}

void LiveModel::finish(View v, Table& t) const {
  const auto& s = sort_[static_cast<std::size_t>(v)];
  if (v != View::kStream) sort_table(t, s.column, s.descending);
  if (t.rows.size() > limits_.max_table_rows) {
    t.omitted = t.rows.size() - limits_.max_table_rows;
    t.rows.resize(limits_.max_table_rows);
  }
}

Table LiveModel::table(View v) {
  Table t;
  switch (v) {
    case View::kFiles: t = files_table(false); break;
    case View::kDirs: t = files_table(true); break;
    case View::kProcesses: t = processes_table(); break;
    case View::kSyscalls: t = syscalls_table(); break;
    case View::kErrors: t = errors_table(); break;
    case View::kStream: t = stream_table(); break;
    case View::kFlame: t = flame_table(); break;
  }
  t.title = std::string(view_name(v));
  finish(v, t);
  return t;
}

namespace {

void measure_columns(Table& t) {
  for (const char* n : {"CALLS", "CALLS/S", "AVG/S", "READ", "WRITTEN", "TIME", "P99", "ERRORS"}) {
    t.columns.push_back({n, true, false});
  }
}

void measure_cells(TableRow& r, const Group& g, double seconds_last, double elapsed) {
  r.cells.push_back(count_cell(g.tally.calls));
  r.cells.push_back(rate_cell(seconds_last > 0 ? static_cast<double>(g.last_calls) / seconds_last : 0));
  r.cells.push_back(rate_cell(elapsed > 0 ? static_cast<double>(g.tally.calls) / elapsed : 0));
  r.cells.push_back(bytes_cell(g.tally.read_bytes));
  r.cells.push_back(bytes_cell(g.tally.write_bytes));
  r.cells.push_back(ns_cell(g.tally.total_ns));
  r.cells.push_back(ns_cell(g.tally.latency.quantile(0.99)));
  r.cells.push_back(count_cell(g.errors));
}

}  // namespace

Table LiveModel::files_table(bool directories) {
  NamedGroups groups;
  tallies_.for_each([&](std::string_view, TallyEntry& e) {
    if (e.key.file.empty() || !passes(e)) return;
    groups[directories ? directory_of(e.key.file) : e.key.file].add(e, seq_);
  });
  Table t;
  t.columns.push_back({directories ? "DIRECTORY" : "FILE", false, true});
  measure_columns(t);
  for (auto& [name, g] : groups) {
    TableRow r;
    r.cells.push_back(text_cell(std::string(name)));
    measure_cells(r, g, seconds_last_, elapsed_);
    r.drill = std::string(name);
    t.rows.push_back(std::move(r));
  }
  return t;
}

Table LiveModel::processes_table() {
  std::unordered_map<std::uint32_t, Group> groups;
  tallies_.for_each([&](std::string_view, TallyEntry& e) {
    if (!passes(e)) return;
    auto& g = groups[e.key.pid];
    g.name_from(e);
    g.add(e, seq_);
  });
  Table t;
  t.columns.push_back({"PID", true, false});
  t.columns.push_back({"COMM", false, false});
  t.columns.push_back({"CONTAINER", false, false});
  measure_columns(t);
  for (auto& [pid, g] : groups) {
    TableRow r;
    r.cells.push_back(count_cell(pid));
    r.cells.push_back(text_cell(g.comm));
    r.cells.push_back(text_cell(g.container.substr(0, 12)));
    r.cells.back().csv = g.container;
    measure_cells(r, g, seconds_last_, elapsed_);
    r.drill = std::to_string(pid);
    t.rows.push_back(std::move(r));
  }
  return t;
}

Table LiveModel::syscalls_table() {
  NamedGroups groups;
  tallies_.for_each([&](std::string_view, TallyEntry& e) {
    if (!passes(e)) return;
    groups[e.key.syscall].add(e, seq_);
  });
  Table t;
  t.columns.push_back({"SYSCALL", false, false});
  for (const char* n : {"CALLS", "CALLS/S", "AVG/S", "BYTES", "TIME", "P50", "P90", "P99", "ERRORS"}) {
    t.columns.push_back({n, true, false});
  }
  t.columns.push_back({"<1us..>=1s", false, false});
  for (auto& [name, g] : groups) {
    TableRow r;
    r.cells.push_back(text_cell(std::string(name)));
    r.cells.push_back(count_cell(g.tally.calls));
    r.cells.push_back(rate_cell(seconds_last_ > 0 ? static_cast<double>(g.last_calls) / seconds_last_ : 0));
    r.cells.push_back(rate_cell(elapsed_ > 0 ? static_cast<double>(g.tally.calls) / elapsed_ : 0));
    r.cells.push_back(bytes_cell(g.tally.read_bytes + g.tally.write_bytes));
    r.cells.push_back(ns_cell(g.tally.total_ns));
    r.cells.push_back(ns_cell(g.tally.latency.quantile(0.5)));
    r.cells.push_back(ns_cell(g.tally.latency.quantile(0.9)));
    r.cells.push_back(ns_cell(g.tally.latency.quantile(0.99)));
    r.cells.push_back(count_cell(g.errors));
    std::string csv;
    for (std::size_t d = 0; d < kDecades; ++d) csv += (d ? "|" : "") + std::to_string(g.decades[d]);
    r.cells.push_back(Cell{decade_bars(g.decades), 0, csv});
    t.rows.push_back(std::move(r));
  }
  return t;
}

Table LiveModel::errors_table() {
  GroupMap groups;
  std::string key;
  tallies_.for_each([&](std::string_view, TallyEntry& e) {
    if (e.key.err == 0 || !passes(e)) return;
    // By syscall too: the SYSCALL column names each row's own, also where
    // names folded to [other] put different calls under one file.
    key = std::to_string(e.key.err) + '\0' + std::to_string(e.key.pid) + '\0';
    key.append(e.key.syscall);
    key += '\0';
    key.append(e.key.file);
    auto& g = groups[key];
    g.name_from(e);
    g.add(e, seq_);
  });
  Table t;
  t.columns = {{"ERRNO", false, false}, {"COUNT", true, false}, {"CALLS/S", true, false},
               {"PID", true, false},    {"COMM", false, false}, {"SYSCALL", false, false},
               {"FILE", false, true}};
  for (auto& [k, g] : groups) {
    TableRow r;
    r.cells.push_back(text_cell(errno_name(g.err)));
    r.cells.push_back(count_cell(g.tally.calls));
    r.cells.push_back(rate_cell(seconds_last_ > 0 ? static_cast<double>(g.last_calls) / seconds_last_ : 0));
    r.cells.push_back(count_cell(g.pid));
    r.cells.push_back(text_cell(g.comm));
    r.cells.push_back(text_cell(g.syscall));
    r.cells.push_back(text_cell(g.file));
    r.drill = std::to_string(g.pid);
    t.rows.push_back(std::move(r));
  }
  return t;
}

Table LiveModel::stream_table() {
  Table t;
  t.columns = {{"TIME", false, false},   {"PID", true, false},   {"TID", true, false},
               {"COMM", false, false},   {"SYSCALL", false, false}, {"RET", false, false},
               {"BYTES", true, false},   {"LATENCY", true, false}, {"FILE", false, true}};
  // newest first: the top of the screen is what just happened
  for (std::size_t i = stream_.size(); i-- > 0;) {
    const StreamRow& s = stream_.at(i);
    if (!passes(s.key())) continue;
    TableRow r;
    r.cells.push_back(Cell{time_of_day(s.timestamp_ns), 0, std::to_string(s.timestamp_ns)});
    r.cells.push_back(count_cell(s.pid));
    r.cells.push_back(count_cell(s.tid));
    r.cells.push_back(text_cell(s.comm));
    r.cells.push_back(text_cell(s.syscall));
    r.cells.push_back(text_cell(s.err != 0 ? errno_name(s.err) : std::to_string(s.ret)));
    r.cells.push_back(bytes_cell(s.bytes));
    r.cells.push_back(ns_cell(s.duration_ns));
    r.cells.push_back(text_cell(s.file));
    r.drill = std::to_string(s.pid);
    t.rows.push_back(std::move(r));
  }
  return t;
}

std::vector<flamegraph::Stack> LiveModel::flame_stacks() {
  using flamegraph::Field;
  std::map<std::string, std::uint64_t> stacks;  // ordered: the folded format's order
  std::string frames;
  tallies_.for_each([&](std::string_view, TallyEntry& e) {
    if (!passes(e)) return;
    frames.clear();
    for (std::size_t i = 0; i < flame_spec_.fields.size(); ++i) {
      if (i) frames += ';';
      switch (flame_spec_.fields[i]) {
        case Field::kPid: frames += std::to_string(e.key.pid); break;
        case Field::kComm: flamegraph::append_folded_frame(frames, e.key.comm); break;
        case Field::kTracepoint: flamegraph::append_folded_frame(frames, e.key.syscall); break;
        case Field::kPath: flamegraph::append_folded_frame(frames, e.key.file.empty() ? "(no file)" : e.key.file); break;
        case Field::kTid:
        case Field::kFlags: frames += "?"; break;
      }
    }
    std::uint64_t value = e.tally.calls;
    switch (flame_spec_.value) {
      case flamegraph::ValueKind::kDuration: value = e.tally.total_ns; break;
      case flamegraph::ValueKind::kBytes: value = e.tally.read_bytes + e.tally.write_bytes; break;
      default: break;
    }
    if (value != 0) stacks[frames] += value;
  });
  std::vector<flamegraph::Stack> out;
  out.reserve(stacks.size());
  for (auto& [f, v] : stacks) out.push_back({f, v});
  return out;
}

std::unique_ptr<flamegraph::FlameTree> LiveModel::flame_tree() {
  return flamegraph::build_tree(flame_stacks(), flame_spec_.fields.size() + 1);
}

const flamegraph::FlameNode* LiveModel::zoom_node(const flamegraph::FlameTree& tree) const {
  const flamegraph::FlameNode* n = &tree.root();
  for (const auto& name : flame_path_) {
    const auto* c = tree.child(*n, name);
    if (!c) return n;  // the frame left (filter changed): show its parent
    n = c;
  }
  return n;
}

void LiveModel::flame_zoom(std::string_view child) { flame_path_.emplace_back(child); }

bool LiveModel::flame_back() {
  if (flame_path_.empty()) return false;
  flame_path_.pop_back();
  return true;
}

Table LiveModel::flame_table() {
  Table t;
  t.columns = {{"FRAME", false, true}, {"VALUE", true, false}, {"SHARE", true, false}};
  auto tree = flame_tree();
  const auto* z = zoom_node(*tree);
  for (const auto& [name, index] : z->children) {
    const auto& c = tree->node(index);
    TableRow r;
    r.cells.push_back(text_cell(flamegraph::folded_frame_bytes(name)));  // escaped once, as every view's
    r.cells.push_back(count_cell(c.value));
    const double share = z->value ? 100.0 * static_cast<double>(c.value) / static_cast<double>(z->value) : 0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", share);
    r.cells.push_back(Cell{buf, share, {}});
    r.drill = name;
    t.rows.push_back(std::move(r));
  }
  return t;
}

std::vector<FlameBar> LiveModel::flame_bars(std::size_t rows, double min_width) {
  std::vector<FlameBar> bars;
  auto tree = flame_tree();
  const auto* z = zoom_node(*tree);
  if (rows == 0 || z->value == 0) return bars;
  struct Item {
    const flamegraph::FlameNode* node;
    std::size_t depth;
    double x, w;
  };
  std::vector<Item> todo{{z, 0, 0.0, 1.0}};
  while (!todo.empty()) {
    Item it = todo.back();
    todo.pop_back();
    std::string name = it.node == &tree->root() ? "all" : terminal_text(flamegraph::folded_frame_bytes(*it.node->name));
    bars.push_back({it.depth, it.x, it.w, std::move(name), it.node->value});
    if (it.depth + 1 >= rows) continue;
    double x = it.x;
    for (const auto& [cname, index] : it.node->children) {
      const auto& c = tree->node(index);
      const double w = it.w * static_cast<double>(c.value) / static_cast<double>(it.node->value);
      if (w >= min_width) todo.push_back({&c, it.depth + 1, x, w});
      x += w;
    }
  }
  std::sort(bars.begin(), bars.end(), [](const FlameBar& a, const FlameBar& b) {
    return a.depth != b.depth ? a.depth < b.depth : a.x < b.x;
  });
  return bars;
}

}  // namespace ior::live
