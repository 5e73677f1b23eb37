#include <gtest/gtest.h>

#include "flamegraph/svg_renderer.hpp"
#include "live/live_model.hpp"
#include "live/live_sink.hpp"
#include "rows.hpp"

namespace ior::live {
namespace {

using test::RowSpec;

// Feeds rows through a real LiveSink, one refresh per call of refresh().
class ModelTest : public ::testing::Test {
 protected:
  void add(const RowSpec& s, int times = 1) {
    for (int i = 0; i < times; ++i) sink_.consume(test::make_row(s));
  }
  void refresh(double seconds = 1.0) {
    iv_.clear();
    sink_.swap_interval(iv_);
    model_.apply(iv_, seconds);
  }
  // The row whose first cell is `name`, or nullptr.
  static const TableRow* find(const Table& t, const std::string& name, std::size_t column = 0) {
    for (const auto& r : t.rows) {
      if (r.cells[column].text == name) return &r;
    }
    return nullptr;
  }
  static std::string cell(const Table& t, const TableRow& r, const std::string& column) {
    return r.cells.at(t.column(column)).text;
  }
  static double value(const Table& t, const TableRow& r, const std::string& column) {
    return r.cells.at(t.column(column)).value;
  }

  LiveSink sink_;
  Interval iv_;
  LiveModel model_;
};

RowSpec read_of(std::string file, std::uint64_t bytes, std::uint32_t pid = 100) {
  RowSpec s;
  s.file = std::move(file);
  s.bytes = bytes;
  s.byte_class = "read";
  s.pid = pid;
  return s;
}

TEST_F(ModelTest, FilesCountCallsBytesAndErrorsExactly) {
  add(read_of("/data/a.txt", 100), 5);
  RowSpec w;
  w.file = "/data/a.txt";
  w.syscall = "write";
  w.bytes = 7;
  w.byte_class = "write";
  add(w, 2);
  RowSpec failed;
  failed.file = "/data/missing";
  failed.syscall = "openat";
  failed.error = true;
  failed.ret = -2;
  add(failed, 3);
  refresh();
  Table t = model_.table(View::kFiles);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.title, "Files");
  const auto* a = find(t, "/data/a.txt");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(cell(t, *a, "CALLS"), "7");
  EXPECT_EQ(value(t, *a, "READ"), 500);
  EXPECT_EQ(value(t, *a, "WRITTEN"), 14);
  EXPECT_EQ(cell(t, *a, "ERRORS"), "0");
  EXPECT_EQ(value(t, *a, "TIME"), 3500);
  EXPECT_EQ(a->drill, "/data/a.txt");
  const auto* m = find(t, "/data/missing");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(cell(t, *m, "ERRORS"), "3");
  EXPECT_EQ(t.rows[0].cells[0].text, "/data/a.txt");  // sorted by calls
}

TEST_F(ModelTest, RowsWithoutAFileAreNotFiles) {
  RowSpec s;
  s.file = "";
  s.syscall = "getcwd";
  add(s);
  refresh();
  EXPECT_TRUE(model_.table(View::kFiles).rows.empty());
  EXPECT_EQ(model_.table(View::kSyscalls).rows.size(), 1u);
}

TEST_F(ModelTest, RatesOverTheLastRefreshAndSinceStart) {
  add(read_of("/f", 1), 10);
  refresh(2.0);
  add(read_of("/f", 1), 4);
  refresh(2.0);
  Table t = model_.table(View::kFiles);
  const auto* r = find(t, "/f");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(cell(t, *r, "CALLS"), "14");
  EXPECT_DOUBLE_EQ(value(t, *r, "CALLS/S"), 2.0);   // 4 in the last 2 s
  EXPECT_DOUBLE_EQ(value(t, *r, "AVG/S"), 3.5);     // 14 in 4 s
  refresh(1.0);  // an idle refresh: nothing now
  t = model_.table(View::kFiles);
  EXPECT_DOUBLE_EQ(value(t, *find(t, "/f"), "CALLS/S"), 0.0);
  EXPECT_EQ(model_.rows_total(), 14u);
  EXPECT_EQ(model_.rows_last(), 0u);
  EXPECT_DOUBLE_EQ(model_.elapsed(), 5.0);
  EXPECT_EQ(model_.refreshes(), 3u);
  auto rates = model_.rate_history();
  ASSERT_EQ(rates.size(), 3u);
  EXPECT_DOUBLE_EQ(rates[0], 5.0);
  EXPECT_DOUBLE_EQ(rates[1], 2.0);
  EXPECT_DOUBLE_EQ(rates[2], 0.0);
}

TEST_F(ModelTest, DirectoriesFoldTheirFiles) {
  add(read_of("/data/a.txt", 1), 2);
  add(read_of("/data/b.txt", 1), 3);
  add(read_of("/data/sub/c", 1), 1);
  add(read_of("/top", 1), 1);
  add(read_of("pipe:[123]", 1), 4);
  add(read_of("rel/name", 1), 1);
  refresh();
  Table t = model_.table(View::kDirs);
  EXPECT_EQ(t.columns[0].name, "DIRECTORY");
  EXPECT_EQ(cell(t, *find(t, "/data"), "CALLS"), "5");
  EXPECT_EQ(cell(t, *find(t, "/data/sub"), "CALLS"), "1");
  EXPECT_EQ(cell(t, *find(t, "/"), "CALLS"), "1");
  EXPECT_EQ(cell(t, *find(t, "pipe:"), "CALLS"), "4");
  EXPECT_EQ(cell(t, *find(t, "(relative)"), "CALLS"), "1");
  EXPECT_EQ(t.rows.size(), 5u);
}

TEST_F(ModelTest, ProcessesShowCommContainerAndMeasures) {
  RowSpec a = read_of("/x", 10, 7);
  a.comm = "db";
  a.container = std::string(64, 'c');
  add(a, 3);
  RowSpec b = read_of("/y", 1, 8);
  b.comm = "web";
  add(b, 5);
  refresh();
  Table t = model_.table(View::kProcesses);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].cells[0].text, "8");  // most calls first
  const auto* p7 = find(t, "7");
  ASSERT_NE(p7, nullptr);
  EXPECT_EQ(cell(t, *p7, "COMM"), "db");
  EXPECT_EQ(cell(t, *p7, "CONTAINER"), std::string(12, 'c'));
  EXPECT_EQ(p7->cells[t.column("CONTAINER")].csv, std::string(64, 'c'));
  EXPECT_EQ(cell(t, *p7, "CALLS"), "3");
  EXPECT_EQ(value(t, *p7, "READ"), 30);
  EXPECT_EQ(p7->drill, "7");
}

TEST_F(ModelTest, SyscallsHaveLatencyQuantilesAndDecades) {
  RowSpec fast;
  fast.duration_ns = 1000;
  add(fast, 98);
  RowSpec slow;
  slow.duration_ns = 5'000'000;
  add(slow, 2);
  refresh();
  Table t = model_.table(View::kSyscalls);
  ASSERT_EQ(t.rows.size(), 1u);
  const auto& r = t.rows[0];
  EXPECT_EQ(cell(t, r, "SYSCALL"), "read");
  EXPECT_EQ(cell(t, r, "CALLS"), "100");
  EXPECT_NEAR(value(t, r, "P50"), 1000, 200);
  EXPECT_NEAR(value(t, r, "P99"), 5'000'000, 1'000'000);
  // 98 calls in [1us,10us), 2 in [1ms,10ms)
  EXPECT_EQ(r.cells[t.column("<1us..>=1s")].csv, "0|98|0|0|2|0|0|0");
  EXPECT_EQ(cell(t, r, "<1us..>=1s"), "[ #  _   ]");
}

// By errno, process, syscall and file: a stat and an open failing on one
// name are two rows, each with its own syscall (one row named after one of
// them had held both, which showed when names folded into [other]).
TEST_F(ModelTest, ErrorsByErrnoProcessSyscallAndFile) {
  RowSpec e;
  e.syscall = "openat";
  e.file = "/nope";
  e.error = true;
  e.ret = -2;
  add(e, 4);
  e.syscall = "newfstatat";
  add(e, 3);
  e.syscall = "openat";
  e.ret = -13;
  e.file = "/secret";
  add(e, 1);
  add(read_of("/ok", 1));
  refresh();
  Table t = model_.table(View::kErrors);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(cell(t, t.rows[0], "ERRNO"), "ENOENT");
  EXPECT_EQ(cell(t, t.rows[0], "COUNT"), "4");
  EXPECT_EQ(cell(t, t.rows[0], "FILE"), "/nope");
  EXPECT_EQ(cell(t, t.rows[0], "SYSCALL"), "openat");
  EXPECT_EQ(cell(t, t.rows[0], "PID"), "100");
  EXPECT_EQ(cell(t, t.rows[1], "ERRNO"), "ENOENT");
  EXPECT_EQ(cell(t, t.rows[1], "COUNT"), "3");
  EXPECT_EQ(cell(t, t.rows[1], "SYSCALL"), "newfstatat");
  EXPECT_EQ(cell(t, t.rows[2], "ERRNO"), "EACCES");
}

TEST_F(ModelTest, StreamNewestFirstFilteredAndBounded) {
  ModelLimits limits;
  limits.stream_rows = 3;
  model_ = LiveModel(limits);
  for (int i = 0; i < 5; ++i) {
    RowSpec s = read_of("/s" + std::to_string(i), 1);
    s.timestamp_ns += static_cast<std::uint64_t>(i);
    add(s);
  }
  refresh();
  Table t = model_.table(View::kStream);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(cell(t, t.rows[0], "FILE"), "/s4");
  EXPECT_EQ(cell(t, t.rows[2], "FILE"), "/s2");
  EXPECT_EQ(t.rows[0].cells[0].csv, std::to_string(RowSpec{}.timestamp_ns + 4));
  std::string err;
  ASSERT_TRUE(model_.set_filter("s3", err));
  t = model_.table(View::kStream);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(cell(t, t.rows[0], "FILE"), "/s3");
}

TEST_F(ModelTest, FilterNarrowsEveryViewAndABadOneKeepsThePrevious) {
  add(read_of("/etc/passwd", 1, 1), 2);
  add(read_of("/var/log/syslog", 1, 2), 3);
  refresh();
  std::string err;
  ASSERT_TRUE(model_.set_filter("passwd", err));
  EXPECT_EQ(model_.table(View::kFiles).rows.size(), 1u);
  Table p = model_.table(View::kProcesses);
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].cells[0].text, "1");
  EXPECT_EQ(model_.table(View::kSyscalls).rows[0].cells[1].text, "2");
  EXPECT_FALSE(model_.set_filter("pid=abc", err));
  EXPECT_NE(err.find("pid=abc"), std::string::npos);
  EXPECT_EQ(model_.filter_text(), "passwd");
  EXPECT_EQ(model_.table(View::kFiles).rows.size(), 1u);
  // new tallies are judged too (the match is cached per tally and filter)
  add(read_of("/etc/passwd-", 1, 3));
  refresh();
  EXPECT_EQ(model_.table(View::kFiles).rows.size(), 2u);
  ASSERT_TRUE(model_.set_filter("", err));
  EXPECT_EQ(model_.table(View::kFiles).rows.size(), 3u);
}

TEST_F(ModelTest, DrillDownIntoAProcessAndBack) {
  add(read_of("/a", 1, 1), 2);
  add(read_of("/b", 1, 2), 3);
  refresh();
  Table p = model_.table(View::kProcesses);
  const auto* two = find(p, "2");
  ASSERT_NE(two, nullptr);
  model_.drill({DrillStep::Kind::kPid, two->drill});
  Table f = model_.table(View::kFiles);
  ASSERT_EQ(f.rows.size(), 1u);
  EXPECT_EQ(f.rows[0].cells[0].text, "/b");
  EXPECT_EQ(model_.drill_steps().back().label(), "pid 2");
  model_.drill({DrillStep::Kind::kFile, "/a"});
  EXPECT_TRUE(model_.table(View::kFiles).rows.empty());  // pid 2 never touched /a
  ASSERT_TRUE(model_.drill_back());
  ASSERT_TRUE(model_.drill_back());
  EXPECT_FALSE(model_.drill_back());
  EXPECT_EQ(model_.table(View::kFiles).rows.size(), 2u);
  model_.drill({DrillStep::Kind::kDirectory, "/"});
  EXPECT_EQ(model_.table(View::kFiles).rows.size(), 2u);
}

TEST_F(ModelTest, SortByColumnTogglesAndSortNextMoves) {
  add(read_of("/a", 100), 1);
  add(read_of("/b", 1), 3);
  refresh();
  Table t = model_.table(View::kFiles);
  EXPECT_EQ(t.rows[0].cells[0].text, "/b");
  EXPECT_EQ(t.sort_column, 1u);
  model_.sort_by(View::kFiles, t.column("READ"));
  t = model_.table(View::kFiles);
  EXPECT_EQ(t.rows[0].cells[0].text, "/a");
  EXPECT_TRUE(t.descending);
  model_.sort_by(View::kFiles, t.column("READ"));
  t = model_.table(View::kFiles);
  EXPECT_EQ(t.rows[0].cells[0].text, "/b");
  EXPECT_FALSE(t.descending);
  model_.sort_by(View::kFiles, 0);  // names: ascending first
  t = model_.table(View::kFiles);
  EXPECT_FALSE(t.descending);
  EXPECT_EQ(t.rows[0].cells[0].text, "/a");
  model_.sort_next(View::kFiles);
  EXPECT_EQ(model_.table(View::kFiles).sort_column, 1u);
  // other views keep their own order
  EXPECT_EQ(model_.table(View::kDirs).sort_column, 1u);
}

TEST_F(ModelTest, TablesAreBoundedAfterSorting) {
  ModelLimits limits;
  limits.max_table_rows = 3;
  model_ = LiveModel(limits);
  for (int i = 1; i <= 10; ++i) add(read_of("/f" + std::to_string(i), 1), i);
  refresh();
  Table t = model_.table(View::kFiles);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.omitted, 7u);
  EXPECT_EQ(t.rows[0].cells[0].text, "/f10");
  EXPECT_EQ(t.rows[2].cells[0].text, "/f8");
}

TEST_F(ModelTest, DistinctKeysAreCappedWithOther) {
  ModelLimits limits;
  limits.max_keys = 64;
  model_ = LiveModel(limits);
  add(read_of("/hot", 1), 500);
  refresh();
  for (int i = 0; i < 1000; ++i) add(read_of("/cold/" + std::to_string(i), 1));
  refresh();
  EXPECT_LE(model_.keys(), 64u);
  EXPECT_GT(model_.keys_to_other(), 0u);
  Table t = model_.table(View::kFiles);
  EXPECT_EQ(cell(t, *find(t, "/hot"), "CALLS"), "500");
  const auto* other = find(t, std::string(kOther));
  ASSERT_NE(other, nullptr);
  std::uint64_t total = 0;
  for (const auto& r : t.rows) total += static_cast<std::uint64_t>(r.cells[1].value);
  EXPECT_EQ(total, 1500u);
}

TEST_F(ModelTest, FlameTableZoomAndBars) {
  add(read_of("/a", 1, 1), 3);
  add(read_of("/b", 1, 1), 1);
  add(read_of("/a", 1, 2), 4);
  refresh();
  // pid;path;tracepoint
  Table t = model_.table(View::kFlame);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].cells[0].text, "1");  // 4 calls each: tie by name
  EXPECT_EQ(cell(t, *find(t, "2"), "VALUE"), "4");
  EXPECT_EQ(cell(t, *find(t, "1"), "SHARE"), "50.0%");
  model_.flame_zoom("1");
  t = model_.table(View::kFlame);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].cells[0].text, "/a");
  EXPECT_EQ(cell(t, t.rows[0], "VALUE"), "3");
  auto bars = model_.flame_bars(10, 0.0);
  ASSERT_FALSE(bars.empty());
  EXPECT_EQ(bars[0].name, "1");
  EXPECT_EQ(bars[0].value, 4u);
  EXPECT_DOUBLE_EQ(bars[0].width, 1.0);
  ASSERT_EQ(bars.size(), 5u);  // 1 / (/a, /b) / (read, read)
  EXPECT_EQ(bars[1].name, "/a");
  EXPECT_DOUBLE_EQ(bars[1].width, 0.75);
  EXPECT_EQ(bars[2].name, "/b");
  EXPECT_DOUBLE_EQ(bars[2].x, 0.75);
  EXPECT_EQ(bars[3].depth, 2u);
  EXPECT_EQ(model_.flame_bars(2, 0.0).size(), 3u);
  EXPECT_EQ(model_.flame_bars(10, 0.5).size(), 3u);  // /b and its child too narrow
  ASSERT_TRUE(model_.flame_back());
  EXPECT_FALSE(model_.flame_back());
  EXPECT_EQ(model_.flame_bars(1, 0)[0].name, "all");
  // a zoom on a frame the filter removed shows its nearest parent
  model_.flame_zoom("9");
  EXPECT_EQ(model_.table(View::kFlame).rows.size(), 2u);
  auto tree = model_.flame_tree();
  EXPECT_EQ(tree->root().value, 8u);
  EXPECT_NE(flamegraph::render_svg(*tree, {}).find("<svg"), std::string::npos);
}

TEST_F(ModelTest, FlameFramesAreEscapedForTheTerminal) {
  FlameSpec spec;
  spec.fields = {flamegraph::Field::kComm, flamegraph::Field::kPath};
  spec.value = flamegraph::ValueKind::kBytes;
  model_ = LiveModel({}, spec);
  RowSpec s = read_of("/a;b\x1b[2J", 9);
  s.comm = "evil\n";
  add(s);
  refresh();
  // The table's cells hold the names, escaped once when drawn as every
  // view's are; the bars and the zoom path, drawn as they are, escaped.
  // (The folded escaping had been escaped again: "back\\\\slash\\x3b...").
  Table t = model_.table(View::kFlame);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].cells[0].text, "evil\n");
  EXPECT_EQ(t.rows[0].cells[1].text, "9");
  auto bars = model_.flame_bars(10, 0.0);
  ASSERT_EQ(bars.size(), 3u);
  EXPECT_EQ(bars[1].name, "evil\\n");
  EXPECT_EQ(bars[2].name, "/a;b\\x1b[2J");
  model_.flame_zoom(t.rows[0].drill);
  t = model_.table(View::kFlame);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].cells[0].text, "/a;b\x1b[2J");
}

TEST_F(ModelTest, LatencyFilterSelectsSlowCalls) {
  RowSpec fast = read_of("/fast", 1);
  fast.duration_ns = 999'999;
  RowSpec slow = read_of("/slow", 1);
  slow.duration_ns = 1'000'000;
  add(fast, 5);
  add(slow, 2);
  refresh();
  std::string err;
  ASSERT_TRUE(model_.set_filter("latency>=1ms", err));
  Table t = model_.table(View::kFiles);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].cells[0].text, "/slow");
  EXPECT_EQ(t.rows[0].cells[1].text, "2");
}

TEST_F(ModelTest, LatencyHistoryIsTheP99OfEachRefresh) {
  RowSpec s;
  s.duration_ns = 1'000'000;
  add(s, 10);
  refresh();
  auto lat = model_.latency_history();
  ASSERT_EQ(lat.size(), 1u);
  EXPECT_NEAR(lat[0], 1'000'000, 200'000);
  EXPECT_EQ(model_.latency_total().count(), 10u);
}

TEST(Directory, Of) {
  EXPECT_EQ(directory_of("/a/b/c"), "/a/b");
  EXPECT_EQ(directory_of("/a"), "/");
  EXPECT_EQ(directory_of("/"), "/");
  EXPECT_EQ(directory_of("memfd:x"), "memfd:");
  EXPECT_EQ(directory_of("x"), "(relative)");
  EXPECT_EQ(directory_of(":x"), "(relative)");
}

}  // namespace
}  // namespace ior::live
