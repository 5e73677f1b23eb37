// The -parquet sink: file names and metadata, rotation by rows and by time,
// and what a write error in the middle of a trace leaves behind (the file
// cut back to its complete row groups with a valid footer, every row counted
// as written or lost, a clear message, failed reported).
#include "parquet/parquet_sink.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "file_size_limit.hpp"
#include "parquet/file_writer.hpp"
#include "thrift_reader.hpp"

namespace ior::parquet {
namespace {

class ParquetSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ior-sink-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

schema::EventRow row(std::uint64_t i) {
  schema::EventRow r;
  r.timestamp_ns = 5'000 + i;
  r.pid = static_cast<std::uint32_t>(i);
  r.comm = "c";
  r.syscall_name = "write";
  r.hostname = "h";
  return r;
}

std::int64_t rows_in(const std::string& path) { return testkit::read_parquet(path).meta[3].i; }

std::string file_bytes_of(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ParquetSinkNames, RotatedPathsNumberTheStem) {
  EXPECT_EQ(ParquetSink::rotated_path("/d/t.parquet", 1), "/d/t.1.parquet");
  EXPECT_EQ(ParquetSink::rotated_path("/d/t.parquet", 12), "/d/t.12.parquet");
  EXPECT_EQ(ParquetSink::rotated_path("t", 2), "t.2.parquet");
  EXPECT_EQ(utc_timestamp(1'700'000'000'123'456'789ull), "2023-11-14T22:13:20.123456789Z");
}

TEST_F(ParquetSinkTest, OneFileWithCallerMetadataAndStartAndEndTimes) {
  ParquetSinkOptions o;
  o.path = path("t.parquet");
  o.writer.metadata = {{"ior.version", "9.9"}, {"ior.flags", "-parquet"}};
  ParquetSink sink(o);
  // Created up front (bad paths fail early), under a hidden temporary name:
  // the final name only ever holds a complete file.
  EXPECT_FALSE(std::filesystem::exists(o.path));
  EXPECT_EQ(entries(dir_).size(), 1u);
  EXPECT_EQ(entries(dir_).front().rfind(".t.parquet.", 0), 0u) << entries(dir_).front();
  for (std::uint64_t i = 0; i < 7; ++i) sink.consume(row(i));
  sink.close();
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"t.parquet"});
  EXPECT_EQ(std::filesystem::status(o.path).permissions(), std::filesystem::perms(0600));
  auto r = sink.report();
  EXPECT_EQ(r.name, "parquet");
  EXPECT_EQ(r.rows_written, 7u);
  EXPECT_EQ(r.rows_lost, 0u);
  EXPECT_FALSE(r.failed);
  auto kv = testkit::read_parquet(o.path).key_values();
  EXPECT_EQ(kv["ior.version"], "9.9");
  EXPECT_EQ(kv["ior.flags"], "-parquet");
  ASSERT_EQ(kv["ior.start_time"].size(), 30u);
  ASSERT_EQ(kv["ior.end_time"].size(), 30u);
  EXPECT_LE(kv["ior.start_time"], kv["ior.end_time"]);  // same-width UTC text sorts by time
  EXPECT_EQ(rows_in(o.path), 7);
}

// Setup failed or was interrupted before tracing: the earlier file at the
// name stays as it was, even with -force, and no temporary file is left.
TEST_F(ParquetSinkTest, AnAbandonedSinkLeavesTheNameAsItWas) {
  ParquetSinkOptions o;
  o.path = path("t.parquet");
  o.existing = ExistingOutput::kReplace;
  std::ofstream(o.path) << "an earlier recording";
  ParquetSink sink(o);
  EXPECT_EQ(entries(dir_).size(), 2u);
  sink.abandon();
  sink.close();  // nothing more
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"t.parquet"});
  std::ifstream in(o.path);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "an earlier recording");
  EXPECT_TRUE(sink.report().lines.empty());
}

// -force replaces later rotated names as they are reached, but one it never
// replaces (a link to a device, a directory) is refused at the start, with
// nothing left behind: it had been refused only when rotation reached it,
// and the rows of that file were lost.
TEST_F(ParquetSinkTest, WithForceALaterNameItNeverReplacesIsRefusedAtTheStart) {
  ParquetSinkOptions o;
  o.path = path("q.parquet");
  o.rotate_rows = 4;
  o.existing = ExistingOutput::kReplace;
  std::ofstream(path("q.2.parquet")) << "an earlier recording: replaced when reached";
  std::filesystem::create_symlink("/dev/null", path("q.3.parquet"));
  try {
    ParquetSink sink(o);
    FAIL() << "a link to /dev/null among the rotated names was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("q.3.parquet is a symbolic link to /dev/null"), std::string::npos) << e.what();
  }
  EXPECT_EQ(entries(dir_), (std::vector<std::string>{"q.2.parquet", "q.3.parquet"}));
  std::filesystem::remove(path("q.3.parquet"));
  std::filesystem::create_directory(path("q.4.parquet"));
  EXPECT_THROW(ParquetSink{o}, Error);
}

TEST_F(ParquetSinkTest, RotationByRowsClosesCompleteFiles) {
  ParquetSinkOptions o;
  o.path = path("r.parquet");
  o.rotate_rows = 4;
  ParquetSink sink(o);
  for (std::uint64_t i = 0; i < 9; ++i) {
    sink.consume(row(i));
    if (i == 4) {  // file 1 is closed and complete while file 2 is open
      EXPECT_EQ(rows_in(ParquetSink::rotated_path(o.path, 1)), 4);
    }
  }
  sink.close();
  EXPECT_EQ(rows_in(ParquetSink::rotated_path(o.path, 1)), 4);
  EXPECT_EQ(rows_in(ParquetSink::rotated_path(o.path, 2)), 4);
  EXPECT_EQ(rows_in(ParquetSink::rotated_path(o.path, 3)), 1);
  EXPECT_FALSE(std::filesystem::exists(ParquetSink::rotated_path(o.path, 4)));
  EXPECT_EQ(testkit::read_parquet(ParquetSink::rotated_path(o.path, 2)).key_values()["ior.file_index"], "2");
  EXPECT_EQ(sink.report().rows_written, 9u);
}

// Rows that end at a rotation leave no empty file after it: the next file
// is made by its first row.
TEST_F(ParquetSinkTest, RowsEndingAtARotationLeaveNoEmptyFile) {
  ParquetSinkOptions o;
  o.path = path("r.parquet");
  o.rotate_rows = 4;
  ParquetSink sink(o);
  for (std::uint64_t i = 0; i < 8; ++i) sink.consume(row(i));
  sink.close();
  EXPECT_EQ(entries(dir_), (std::vector<std::string>{"r.1.parquet", "r.2.parquet"}));
  EXPECT_EQ(rows_in(ParquetSink::rotated_path(o.path, 2)), 4);
  EXPECT_EQ(sink.report().rows_written, 8u);
}

// Every rotated name is checked before the run; one taken later (another
// user creating it in a shared directory) must neither be replaced nor stop
// the trace: that file stays complete under its temporary name, no row is
// lost, and the run reports where the file is and fails.
TEST_F(ParquetSinkTest, ARotatedNameTakenDuringTheRunKeepsTheFileAside) {
  ParquetSinkOptions o;
  o.path = path("r.parquet");
  o.rotate_rows = 4;
  {
    std::ofstream(path("r.2.parquet")) << "taken";
    EXPECT_THROW(ParquetSink{o}, Error) << "a taken rotated name is refused up front";
    EXPECT_EQ(entries(dir_), std::vector<std::string>{"r.2.parquet"}) << "nothing left behind";
    std::filesystem::remove(path("r.2.parquet"));
  }
  ParquetSink sink(o);
  for (std::uint64_t i = 0; i < 5; ++i) sink.consume(row(i));  // file 1 closed, file 2 open
  std::ofstream(path("r.2.parquet")) << "taken";                // during the run
  std::ofstream(path("r.3.parquet")) << "taken";
  for (std::uint64_t i = 5; i < 10; ++i) sink.consume(row(i));
  sink.close();
  auto r = sink.report();
  EXPECT_EQ(r.rows_written, 10u);
  EXPECT_EQ(r.rows_lost, 0u);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(file_bytes_of(path("r.2.parquet")), "taken");
  EXPECT_EQ(file_bytes_of(path("r.3.parquet")), "taken");
  EXPECT_EQ(rows_in(path("r.1.parquet")), 4);
  std::int64_t aside = 0;
  for (const auto& n : entries(dir_)) {
    if (n.front() == '.') aside += rows_in(path(n));  // the two files kept under their temporary names
  }
  EXPECT_EQ(aside, 6);
  std::string text;
  for (const auto& l : r.lines) text += l + "\n";
  EXPECT_NE(text.find(path("r.2.parquet") + " appeared during the run and is not replaced without -force; "
                      "the complete file is kept as " + path(".r.2.parquet.")),
            std::string::npos)
      << text;
  // Each file kept aside is explained, not only the first.
  EXPECT_NE(text.find(path("r.3.parquet") + " appeared during the run and is not replaced without -force; "
                      "the complete file is kept as " + path(".r.3.parquet.")),
            std::string::npos)
      << text;
}

// Wall time that moves only when the test says so.
class ManualClock final : public SinkClock {
 public:
  static constexpr std::uint64_t kStartUnixNs = 1'700'000'000'000'000'000ull;
  std::uint64_t unix_ns() const override { return kStartUnixNs + static_cast<std::uint64_t>(elapsed_.count()); }
  void advance(std::chrono::nanoseconds d) { elapsed_ += d; }

 private:
  std::chrono::nanoseconds elapsed_{0};
};

// A row of a syscall that started at t ns after the run's start and took d ns.
schema::EventRow row_at(std::uint64_t t, std::uint64_t d = 0) {
  schema::EventRow r = row(t);
  r.timestamp_ns = ManualClock::kStartUnixNs + t;
  r.duration_ns = d;
  return r;
}

// Rows reach the sink up to seconds after their syscalls (ring polls, the
// sink's queue): the files follow the rows' time, and the clock only closes
// the file of a period no row has ended since.
TEST_F(ParquetSinkTest, RotationByTimeFollowsTheRowsTimeAndBoundsEveryRowInItsFile) {
  using namespace std::chrono_literals;
  constexpr std::uint64_t ms = 1'000'000, s = 1'000 * ms;
  ManualClock clock;
  ParquetSinkOptions o;
  o.path = path("t.parquet");
  o.rotate_ms = 1000;
  o.clock = &clock;
  ParquetSink sink(o);  // periods of 1 s from 0
  sink.consume(row_at(100 * ms));
  sink.consume(row_at(500 * ms, 200 * ms));
  // Ends at 1.1 s, in the next period, while the sink's clock still reads 0.
  sink.consume(row_at(900 * ms, 200 * ms));
  EXPECT_EQ(rows_in(ParquetSink::rotated_path(o.path, 1)), 2);
  clock.advance(2999ms);
  sink.flush();  // file 2's period ended at 2 s: its rows may still be coming
  EXPECT_FALSE(std::filesystem::exists(ParquetSink::rotated_path(o.path, 2)));
  clock.advance(1ms);
  sink.flush();  // a second later the clock closes it
  EXPECT_EQ(rows_in(ParquetSink::rotated_path(o.path, 2)), 1);
  clock.advance(10s);
  sink.flush();  // no row since: no file 3 yet
  EXPECT_FALSE(std::filesystem::exists(ParquetSink::rotated_path(o.path, 3)));
  sink.consume(row_at(5'500 * ms));  // after a quiet gap
  sink.consume(row_at(1'500 * ms));  // a late row of file 2's period
  sink.consume(row_at(6 * s));       // the next period begins at its first nanosecond
  sink.consume(row_at(6 * s, 800 * ms));
  clock.advance(6'500ms - 13s);  // the wall clock stepped back
  sink.close();
  EXPECT_EQ(rows_in(ParquetSink::rotated_path(o.path, 3)), 2);
  EXPECT_EQ(rows_in(ParquetSink::rotated_path(o.path, 4)), 2);
  EXPECT_FALSE(std::filesystem::exists(ParquetSink::rotated_path(o.path, 5)));
  // Each file starts where the one before it ended (the first at the run's
  // start) and ends at its period's end (the last when it was closed), each
  // widened to bound its rows: file 2 for the syscall that started at
  // 0.9 s, file 3 for the late row, file 4 for the row ending at 6.8 s.
  const std::uint64_t t0 = ManualClock::kStartUnixNs;
  const std::uint64_t want[4][2] = {
      {t0, t0 + s}, {t0 + 900 * ms, t0 + 2 * s}, {t0 + 1'500 * ms, t0 + 6 * s}, {t0 + 6 * s, t0 + 6'800 * ms}};
  for (std::uint64_t n = 1; n <= 4; ++n) {
    auto kv = testkit::read_parquet(ParquetSink::rotated_path(o.path, n)).key_values();
    EXPECT_EQ(kv["ior.start_time"], utc_timestamp(want[n - 1][0])) << n;
    EXPECT_EQ(kv["ior.end_time"], utc_timestamp(want[n - 1][1])) << n;
  }
}

TEST_F(ParquetSinkTest, WriteErrorKeepsCompleteRowGroupsAndCountsEveryLostRow) {
  ParquetSinkOptions o;
  o.path = path("full.parquet");
  o.writer.row_group_rows = 1000;
  o.writer.compression = Compression::kNone;  // all PLAIN: ~80 KB per row group
  o.writer.dictionary_limit_bytes = 0;
  std::uint64_t rows = 10'000;
  sink::SinkReport r;
  {
    testkit::FileSizeLimit limit(250'000);  // room for a few row groups
    ParquetSink sink(o);
    for (std::uint64_t i = 0; i < rows; ++i) sink.consume(row(i));
    sink.close();
    r = sink.report();
  }
  EXPECT_TRUE(r.failed);
  EXPECT_GT(r.rows_written, 0u);
  EXPECT_LT(r.rows_written, rows);
  EXPECT_EQ(r.rows_written % 1000, 0u);  // whole row groups
  EXPECT_EQ(r.rows_written + r.rows_lost, rows);
  std::string text;
  for (const auto& l : r.lines) text += l + "\n";
  EXPECT_NE(text.find("File too large"), std::string::npos) << text;
  EXPECT_NE(text.find(o.path), std::string::npos) << text;
  auto f = testkit::read_parquet(o.path);
  EXPECT_EQ(static_cast<std::uint64_t>(f.meta[3].i), r.rows_written);
  EXPECT_EQ(f.meta[4].elems.size(), r.rows_written / 1000);
  EXPECT_EQ(f.key_values().count("ior.incomplete"), 1u);
  EXPECT_EQ(f.key_values()["ior.start_time"], utc_timestamp(5'000));  // row 0's time: before the run
  EXPECT_EQ(f.key_values().count("ior.end_time"), 1u);
}

// The output's directory removed during the run (rm -rf): nothing is left,
// and the report says so, never "wrote" of it. (It said "wrote DIR/x.parquet
// (not written: not even a footer could be written, ...)".)
TEST_F(ParquetSinkTest, AFileRemovedWithItsDirectoryIsNotSaidWritten) {
  std::filesystem::create_directories(dir_ / "sub");
  ParquetSinkOptions o;
  o.path = path("sub/x.parquet");
  sink::SinkReport r;
  {
    ParquetSink sink(o);
    for (std::uint64_t i = 0; i < 100; ++i) sink.consume(row(i));
    std::filesystem::remove_all(dir_ / "sub");
    sink.close();
    r = sink.report();
  }
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.rows_written, 0u);
  EXPECT_EQ(r.rows_lost, 100u);
  std::string text;
  for (const auto& l : r.lines) text += l + "\n";
  EXPECT_EQ(text.find("wrote " + o.path), std::string::npos) << text;
  EXPECT_NE(text.find("nothing is left of " + o.path), std::string::npos) << text;
  EXPECT_NE(text.find("removed during the run"), std::string::npos) << text;
}

// The disk fills up exactly at the end of a row group: cutting the failed
// row group frees no room for the footer, so the writer drops the last
// complete row group to make room, and counts its rows as lost.
TEST_F(ParquetSinkTest, AFooterWithoutRoomCostsTheLastRowGroupNotTheFile) {
  ParquetSinkOptions o;
  o.writer.row_group_rows = 1000;
  o.writer.compression = Compression::kNone;
  o.writer.dictionary_limit_bytes = 0;
  std::vector<std::uint64_t> group_ends;
  {
    FileWriter probe(path("probe.parquet"), o.writer);
    for (std::uint64_t i = 0; i < 4000; ++i) {
      probe.append(row(i));
      if (probe.rows_buffered() == 0) group_ends.push_back(probe.bytes_written());
    }
  }
  ASSERT_EQ(group_ends.size(), 4u);
  o.path = path("tight.parquet");
  sink::SinkReport r;
  {
    testkit::FileSizeLimit limit(group_ends[2] + 10);  // 3 groups and 10 bytes: no footer
    ParquetSink sink(o);
    for (std::uint64_t i = 0; i < 4000; ++i) sink.consume(row(i));
    sink.close();
    r = sink.report();
  }
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.rows_written, 2000u);
  EXPECT_EQ(r.rows_lost, 2000u);
  auto f = testkit::read_parquet(o.path);
  EXPECT_EQ(f.meta[3].i, 2000);
  EXPECT_EQ(f.footer_start, group_ends[1]);
}

TEST_F(ParquetSinkTest, WriteErrorAfterRotationLeavesEarlierFilesUntouched) {
  ParquetSinkOptions o;
  o.path = path("rot.parquet");
  o.rotate_rows = 1500;
  o.writer.row_group_rows = 1000;
  o.writer.compression = Compression::kNone;  // all PLAIN: ~80 KB per row group
  o.writer.dictionary_limit_bytes = 0;
  sink::SinkReport r;
  std::string first;
  {
    ParquetSink sink(o);
    for (std::uint64_t i = 0; i < 1500; ++i) sink.consume(row(i));  // file 1 closed
    first = testkit::read_parquet(ParquetSink::rotated_path(o.path, 1)).bytes;
    testkit::FileSizeLimit limit(50'000);  // file 2 cannot hold one row group
    for (std::uint64_t i = 1500; i < 4000; ++i) sink.consume(row(i));
    sink.close();
    r = sink.report();
  }
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.rows_written, 1500u);
  EXPECT_EQ(r.rows_lost, 2500u);
  EXPECT_EQ(testkit::read_parquet(ParquetSink::rotated_path(o.path, 1)).bytes, first);
  EXPECT_EQ(rows_in(ParquetSink::rotated_path(o.path, 2)), 0);  // valid, empty
}

}  // namespace
}  // namespace ior::parquet
