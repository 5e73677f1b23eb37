// `ior report` end to end: one real traced run writes a recording (Parquet,
// small row groups) while its live summary and flame graph are printed;
// `ior report` of that file must print the same tables and fold the same
// flame graph; its filters keep what DuckDB's WHERE keeps, its -since skips
// the row groups DuckDB's parquet_metadata says lie before it, its CSV rows
// are DuckDB's rows, a DuckDB copy of the file (a foreign writer) reads the
// same, and a codec it does not implement or a truncated file is one line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "reader_runner.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Outcome {
  int status;
  std::string out, err;
};

Outcome ior_report(std::vector<std::string> args) {
  args.insert(args.begin(), {IOR_BINARY, "report"});
  Subprocess p(args);
  int st = p.wait(std::chrono::seconds(120));
  return {st, p.out(), p.err()};
}

std::string tables_of(const std::string& text) {
  auto pos = text.find("top syscalls by count:");
  return pos == std::string::npos ? "" : text.substr(pos);
}

std::uint64_t number_after(const std::string& text, const std::string& label) {
  auto pos = text.find(label);
  if (pos == std::string::npos) return UINT64_MAX;
  return std::stoull(text.substr(pos + label.size()));
}

// RFC 4180 lines to fields.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

class ReportE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    dir_ = new TempDir();
    file_ = dir_->path() + "/rec.parquet";
    // The scenario works in a directory whose name is a backslash and two
    // bytes that are not UTF-8, so every row's names are stored escaped
    // (notice bit 64) and the report must turn them back into the bytes.
    const std::string work = dir_->path() + "/w/\\\xff\xfe";
    run_ = new TracedRun(trace_around(
        {"-duration", "120", "-comm", "ior_workload", "-path", dir_->path() + "/w", "-parquet", "-parquet-file", file_,
         "-parquet-rowgroup", "4", "-flamegraph", "-name", dir_->path() + "/live", "-fields", "path,tracepoint",
         "-count", "bytes"},
        {"/bin/sh", "-c", "mkdir -p '" + work + "' && exec " + WORKLOAD_BINARY + " scenario '" + work + "'"}));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete dir_;
    run_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    IOR_REQUIRE_ROOT();
    ASSERT_EQ(run_->exit_code, 0) << run_->err;
  }
  static std::string duck(const std::string& sql) {
    auto lines = reader_query("duckdb", sql);
    return lines.empty() ? "" : lines[0];
  }
  static std::string from() { return "read_parquet('" + file_ + "')"; }

  static TempDir* dir_;
  static std::string file_;
  static TracedRun* run_;
};

TempDir* ReportE2E::dir_ = nullptr;
std::string ReportE2E::file_;
TracedRun* ReportE2E::run_ = nullptr;

TEST_F(ReportE2E, TablesAndFlameGraphEqualTheLiveRunsOfTheSameTrace) {
  const std::string live = tables_of(run_->err);
  ASSERT_NE(live, "") << run_->err;
  ASSERT_NE(live.find("data.bin"), std::string::npos) << live;
  // The odd directory as the terminal escape shows its bytes (\\ \xff \xfe);
  // the file's escaped text would show as \\\\\\xff\\xfe.
  ASSERT_NE(live.find("\\\\\\xff\\xfe/data.bin"), std::string::npos) << live;
  auto r = ior_report({file_});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(tables_of(r.out), live);
  EXPECT_EQ(number_after(r.out, "skipped by statistics "), 0u) << r.out;

  const std::string name = dir_->path() + "/again";
  r = ior_report({"-flamegraph", "-name", name, "-fields", "path,tracepoint", "-count", "bytes", file_});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string folded = read_all(dir_->path() + "/live.collapsed");
  ASSERT_NE(folded, "");
  EXPECT_EQ(read_all(name + ".collapsed"), folded);
  EXPECT_NE(read_all(name + ".svg").find("<svg"), std::string::npos);
}

TEST_F(ReportE2E, FiltersKeepWhatDuckDbsWhereKeeps) {
  IOR_REQUIRE_READERS();
  auto kept = [](const Outcome& o) { return number_after(o.out, "kept by the filters "); };
  auto duck_count = [&](const std::string& where) {
    return std::stoull(json_field(duck("SELECT count(*) AS n FROM " + from() + " WHERE " + where), "n"));
  };
  auto r = ior_report({"-path", "data.bin", file_});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string any_name;
  for (const char* c : {"filename", "pathname", "oldname", "newname"}) {
    any_name += std::string(any_name.empty() ? "" : " OR ") + "contains(CAST(" + c + " AS VARCHAR), 'data.bin')";
  }
  EXPECT_EQ(kept(r), duck_count(any_name));
  EXPECT_GT(kept(r), 3u);

  r = ior_report({"-tps", "^sys_enter_(read|write)$", file_});
  EXPECT_EQ(kept(r), duck_count("syscall_name IN ('read', 'write')"));

  const std::string pid = json_field(duck("SELECT max(pid) AS p FROM " + from()), "p");
  r = ior_report({"-pid", pid, "-comm", "ior_work", file_});
  EXPECT_EQ(kept(r), duck_count("pid = " + pid + " AND contains(comm, 'ior_work')"));

  r = ior_report({"-errors", "-min-duration", "1ns", file_});
  EXPECT_EQ(kept(r), duck_count("ret_type = 3 AND duration_ns >= 1"));
}

TEST_F(ReportE2E, SinceSkipsTheRowGroupsThatEndBeforeIt) {
  IOR_REQUIRE_READERS();
  // The median row's time, not the middle of the span: a few slow first
  // rows (a loaded machine) can stretch the span past the first row group.
  auto span = duck("SELECT min(timestamp_ns)::VARCHAR AS lo, quantile_disc(timestamp_ns, 0.5)::VARCHAR AS mid FROM " +
                   from());
  const std::uint64_t lo = std::stoull(json_field(span, "lo")), mid = std::stoull(json_field(span, "mid"));
  const std::uint64_t offset = mid - lo;
  auto r = ior_report({"-since", std::to_string(offset) + "ns", file_});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::uint64_t t = lo + offset;
  const std::string groups_before =
      "SELECT count(*) AS n FROM parquet_metadata('" + file_ + "') WHERE path_in_schema = 'timestamp_ns' AND " +
      "CAST(stats_max_value AS UBIGINT) < " + std::to_string(t);
  const std::uint64_t skipped = std::stoull(json_field(duck(groups_before), "n"));
  EXPECT_GT(skipped, 0u);
  EXPECT_EQ(number_after(r.out, "skipped by statistics "), skipped) << r.out;
  EXPECT_EQ(number_after(r.out, "kept by the filters "),
            std::stoull(json_field(duck("SELECT count(*) AS n FROM " + from() + " WHERE timestamp_ns >= " +
                                        std::to_string(t)), "n")));
  // The same window as an absolute RFC 3339 time (whole seconds: the first second after the first row).
  const std::uint64_t next_s = lo / 1'000'000'000 + 1;
  char stamp[64];
  time_t secs = static_cast<time_t>(next_s);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  r = ior_report({"-until", stamp, file_});
  EXPECT_EQ(number_after(r.out, "kept by the filters "),
            std::stoull(json_field(duck("SELECT count(*) AS n FROM " + from() + " WHERE timestamp_ns < " +
                                        std::to_string(next_s * 1'000'000'000ull)), "n")));
}

TEST_F(ReportE2E, CsvRowsAreDuckDbsRows) {
  IOR_REQUIRE_READERS();
  auto r = ior_report({"-format", "csv", file_});
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = parse_csv(r.out);
  ASSERT_GT(rows.size(), 10u);
  const std::vector<std::string> header = rows.front();
  rows.erase(rows.begin());
  std::string select;
  for (const auto& c : header) select += std::string(select.empty() ? "" : " || '|' || ") + "CAST(" + c + " AS VARCHAR)";
  auto lines = reader_query("duckdb", "SELECT " + select + " AS line FROM " + from());
  std::vector<std::string> want, got;
  for (const auto& l : lines) want.push_back(json_field(l, "line"));
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), header.size());
    std::string joined;
    for (std::size_t i = 0; i < row.size(); ++i) joined += (i ? "|" : "") + row[i];
    got.push_back(joined);
  }
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);

  r = ior_report({"-format", "json", "-tps", "^sys_enter_read$", file_});
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    EXPECT_EQ(json_field(line, "syscall_name"), "read");
    ++n;
  }
  EXPECT_EQ(n, std::stoull(json_field(duck("SELECT count(*) AS n FROM " + from() + " WHERE syscall_name = 'read'"), "n")));
}

TEST_F(ReportE2E, ADuckDbCopyReadsTheSameAndItsUnsupportedCodecIsNamed) {
  IOR_REQUIRE_READERS();
  const std::string copy = dir_->path() + "/duck.parquet", gz = dir_->path() + "/duck-gzip.parquet";
  reader_query("duckdb", "COPY (SELECT * FROM " + from() + ") TO '" + copy + "' (FORMAT parquet)");
  reader_query("duckdb", "COPY (SELECT * FROM " + from() + ") TO '" + gz + "' (FORMAT parquet, COMPRESSION gzip)");
  auto mine = ior_report({file_});
  auto theirs = ior_report({copy});
  ASSERT_EQ(theirs.status, 0) << theirs.err;
  EXPECT_EQ(tables_of(theirs.out), tables_of(mine.out));

  auto r = ior_report({gz});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("codec GZIP"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not supported by ior's reader"), std::string::npos) << r.err;
}

TEST_F(ReportE2E, TruncatedOrCorruptFilesAreOneLineAndExitNonZero) {
  const std::string bytes = read_all(file_);
  const std::string cut = dir_->path() + "/cut.parquet", bad = dir_->path() + "/bad.parquet";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  std::string flipped = bytes;
  // The footer's length field claims more than the file.
  flipped[flipped.size() - 5] = '\x7f';
  std::ofstream(bad, std::ios::binary) << flipped;
  for (const auto& f : {cut, bad}) {
    auto r = ior_report({f});
    EXPECT_EQ(r.status, 1) << f;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("ior: " + f + ": ", 0), 0u) << r.err;
  }
  auto r = ior_report({dir_->path() + "/none.parquet"});
  EXPECT_EQ(r.status, 2);
}

// Among several files, one that cannot be read at all and one whose last
// row group is corrupt are each named; the report holds every other row
// (the corrupt file's rows before its bad row group too) and exits 1. One
// bad file of a long rotated set had ended the report with no row at all.
TEST_F(ReportE2E, FilesThatCannotBeReadAreNamedAndTheOthersAreReported) {
  IOR_REQUIRE_READERS();
  const std::string bytes = read_all(file_);
  const std::string good = dir_->path() + "/good.parquet", cut = dir_->path() + "/cut2.parquet",
                    tail = dir_->path() + "/badtail.parquet";
  std::ofstream(good, std::ios::binary) << bytes;
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  // The last row group's syscall_name chunk (read for the tables and the
  // CSV) starts with a page header:
  // bytes that are no Thrift header make that row group unreadable.
  const auto last = duck("SELECT row_group_id::VARCHAR AS g, row_group_num_rows::VARCHAR AS n, "
                         "coalesce(dictionary_page_offset, data_page_offset)::VARCHAR AS at FROM parquet_metadata('" +
                         file_ + "') WHERE path_in_schema = 'syscall_name' ORDER BY row_group_id DESC LIMIT 1");
  const std::size_t at = std::stoull(json_field(last, "at"));
  const std::uint64_t last_rows = std::stoull(json_field(last, "n"));
  ASSERT_GT(std::stoull(json_field(last, "g")), 0u);
  std::string broken = bytes;
  ASSERT_LT(at + 16, broken.size());
  for (std::size_t i = 0; i < 16; ++i) broken[at + i] = '\xff';
  std::ofstream(tail, std::ios::binary) << broken;
  const auto lines = [](const std::string& s) { return static_cast<std::uint64_t>(std::count(s.begin(), s.end(), '\n')); };
  auto one = ior_report({"-format", "csv", file_});
  ASSERT_EQ(one.status, 0) << one.err;
  const std::uint64_t rows = lines(one.out) - 1;
  ASSERT_GT(rows, last_rows);

  auto r = ior_report({"-format", "csv", good, cut, tail});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(lines(r.out), 1 + rows + (rows - last_rows)) << r.err;
  EXPECT_NE(r.err.find("ior report: " + cut + ": not a Parquet file, or truncated"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(": left out\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ior report: " + tail + ": column syscall_name"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(": the rest of this file is not in this report (" + std::to_string(rows - last_rows) +
                       " of its " + std::to_string(rows) + " rows were read)\n"),
            std::string::npos)
      << r.err;
  // The file cut short counts with what it gave: the rows read are never
  // fewer than the rows kept.
  EXPECT_NE(r.err.find("ior report: 2 files, " + std::to_string(2 * rows) + " rows;"), std::string::npos) << r.err;
  EXPECT_EQ(number_after(r.err, "; rows read "), rows + (rows - last_rows)) << r.err;
  const std::uint64_t groups = std::stoull(json_field(
      duck("SELECT count(DISTINCT row_group_id)::VARCHAR AS n FROM parquet_metadata('" + file_ + "')"), "n"));
  EXPECT_EQ(number_after(r.err, "row groups read "), 2 * groups - 1) << "the corrupt one was not read: " << r.err;
  EXPECT_EQ(number_after(r.err, "kept by the filters "), rows + (rows - last_rows)) << r.err;
  EXPECT_NE(r.err.find("; 2 files not read, or not to the end (named above)\n"), std::string::npos) << r.err;

  // The tables: every row of the good file and the readable rows of the other.
  auto t = ior_report({good, tail});
  EXPECT_EQ(t.status, 1) << t.err;
  EXPECT_EQ(number_after(t.out, "kept by the filters "), rows + (rows - last_rows)) << t.out;
  EXPECT_NE(t.out.find("top syscalls by count:"), std::string::npos) << t.out;
}

// A rotated set whose higher numbers are another run's (an earlier, longer
// run whose files -force left): the report reads this run's files only and
// says which it left out.
TEST_F(ReportE2E, ARotatedSetLeavesOutTheFilesOfAnotherRun) {
  const std::string set = dir_->path() + "/set.parquet";
  const std::string bytes = read_all(file_);
  for (const char* n : {"/set.1.parquet", "/set.2.parquet"}) std::ofstream(dir_->path() + n, std::ios::binary) << bytes;
  const std::string other = dir_->path() + "/set.3.parquet";
  Subprocess ior({IOR_BINARY, "-duration", "1", "-quiet", "-comm", "ior-matches-nothing", "-parquet",
                  "-parquet-file", other});
  ASSERT_EQ(ior.wait(std::chrono::seconds(60)), 0) << ior.err();
  const auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  auto one = ior_report({"-format", "csv", file_});
  ASSERT_EQ(one.status, 0) << one.err;
  ASSERT_GT(lines(one.out), 1);
  auto r = ior_report({"-format", "csv", set});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("ior report: " + other + " is from another run (collection "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("): left out\n"), std::string::npos) << r.err;
  EXPECT_EQ(lines(r.out), 1 + 2 * (lines(one.out) - 1));  // the header, then both files' rows
  EXPECT_NE(r.err.find("ior report: 2 files, "), std::string::npos) << r.err;
}

// The subcommands answer -h as ior does, and a bad flag points to their own help.
TEST(ReportCommand, HelpAndBadFlagsNameTheSubcommand) {
  auto help = ior_report({"-h"});
  EXPECT_EQ(help.status, 0) << help.err;
  EXPECT_EQ(help.out.rfind("usage: ior report ", 0), 0u) << help.out;
  auto bad = ior_report({"-bogus"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "ior: unknown flag -bogus\nRun 'ior report -help' for the list of flags.\n");
  Subprocess fg({IOR_BINARY, "flamegraph", "-h"});
  EXPECT_EQ(fg.wait(std::chrono::seconds(30)), 0) << fg.err();
  EXPECT_EQ(fg.out().rfind("usage: ior flamegraph ", 0), 0u) << fg.out();
  Subprocess fg_bad({IOR_BINARY, "flamegraph", "-bogus"});
  EXPECT_EQ(fg_bad.wait(std::chrono::seconds(30)), 2);
  EXPECT_NE(fg_bad.err().find("Run 'ior flamegraph -help'"), std::string::npos) << fg_bad.err();
}

}  // namespace
}  // namespace ior::testing
