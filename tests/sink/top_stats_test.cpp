#include "sink/top_stats.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "base/nearest_rank.hpp"
#include "sink/row_chunk.hpp"

namespace ior::sink {
namespace {

TEST(LatencyHistogramTest, BucketsAreContiguousAndLogLinear) {
  for (std::size_t b = 0; b + 1 < LatencyHistogram::kBuckets; ++b) {
    std::uint64_t lo = LatencyHistogram::bucket_low(b);
    EXPECT_EQ(LatencyHistogram::bucket_of(lo), b);
    EXPECT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::bucket_low(b + 1) - 1), b);
  }
  EXPECT_EQ(LatencyHistogram::bucket_of(UINT64_MAX), LatencyHistogram::kBuckets - 1);
}

TEST(LatencyHistogramTest, QuantilesWithinOneSixteenthOfExact) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> d(9, 1.2);
  LatencyHistogram h;
  std::vector<std::uint64_t> v;
  for (int i = 0; i < 100000; ++i) {
    auto x = static_cast<std::uint64_t>(d(rng)) + 1;
    v.push_back(x);
    h.add(x);
  }
  std::sort(v.begin(), v.end());
  for (double q : {0.5, 0.9, 0.99}) {
    double exact = static_cast<double>(v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))]);
    EXPECT_NEAR(static_cast<double>(h.quantile(q)), exact, exact / 16) << q;
  }
  EXPECT_EQ(LatencyHistogram().quantile(0.5), 0u);
}

// Nearest rank: over fifteen calls the p99 is the slowest one, not the
// second slowest (a rank of q * (n - 1) rounded down gave 2.1 us for an
// ioctl whose slow call took 25.6 us).
TEST(LatencyHistogramTest, OverAFewCallsTheP99IsTheSlowest) {
  LatencyHistogram h;
  for (int i = 0; i < 14; ++i) h.add(2'100);
  h.add(25'600);
  EXPECT_NEAR(static_cast<double>(h.quantile(0.99)), 25'600.0, 25'600.0 / 16);
  EXPECT_NEAR(static_cast<double>(h.quantile(0.9)), 2'100.0, 2'100.0 / 16);
  EXPECT_NEAR(static_cast<double>(h.quantile(0.5)), 2'100.0, 2'100.0 / 16);
}

TEST(NearestRankTest, TheSmallestRankWithAtLeastQOfTheValuesAtOrBelowIt) {
  EXPECT_EQ(nearest_rank(0.99, 15), 14u);
  EXPECT_EQ(nearest_rank(0.99, 100), 98u);
  EXPECT_EQ(nearest_rank(0.99, 101), 99u);
  EXPECT_EQ(nearest_rank(0.9, 10), 8u);
  EXPECT_EQ(nearest_rank(0.5, 10), 4u);
  EXPECT_EQ(nearest_rank(0.5, 1), 0u);
  EXPECT_EQ(nearest_rank(0.0, 7), 0u);
  EXPECT_EQ(nearest_rank(1.0, 7), 6u);
  EXPECT_EQ(nearest_rank(0.5, 0), 0u);
}

schema::EventRow row(std::uint16_t id, std::string_view name, std::uint32_t pid, std::string_view file,
                     std::uint64_t ns) {
  schema::EventRow r;
  r.trace_id = id;
  r.syscall_name = name;
  r.pid = pid;
  r.comm = pid == 1 ? "one" : "two";
  r.filename = file;
  r.duration_ns = ns;
  return r;
}

TEST(TopStatsTest, TalliesPerSyscallFileAndProcess) {
  TopStats s;
  for (int i = 0; i < 3; ++i) s.consume(row(1, "read", 1, "/a", 100));
  s.consume(row(2, "fsync", 2, "/b", 10000));
  auto sys = s.syscalls();
  ASSERT_EQ(sys.size(), 2u);
  EXPECT_EQ(sys[0].name, "read");  // by calls
  EXPECT_EQ(sys[0].calls, 3u);
  EXPECT_EQ(sys[0].total_ns, 300u);
  EXPECT_NEAR(static_cast<double>(sys[0].p99_ns), 100, 100.0 / 16);
  auto files = s.files();
  EXPECT_EQ(files[0].name, "/b");  // by time
  EXPECT_EQ(files[1].calls, 3u);
  auto procs = s.processes();
  EXPECT_EQ(procs[0].pid, 2u);
  EXPECT_EQ(procs[0].name, "two");
}

// A pid's rows under several names (a process that held the pid long, then
// a short one the kernel gave it to) are named by the busiest name, not the
// last; more names than are kept still count every call. (The hinted path
// agrees: RowsFromChunksTallyExactlyAsRowsOneByOne.)
TEST(TopStatsTest, APidIsNamedByItsBusiestNameAndTheNamesAreCounted) {
  TopStats s;
  auto named = [](std::string_view comm) {
    schema::EventRow r = row(1, "read", 7, "/a", 10);
    r.comm = comm;
    return r;
  };
  for (int i = 0; i < 50; ++i) s.consume(named("python3"));
  for (int i = 0; i < 3; ++i) s.consume(named("ls"));
  for (const char* c : {"a", "b", "c", "d", "e"}) s.consume(named(c));
  s.consume(named("python3"));
  s.consume(row(1, "read", 1, "/a", 10));
  auto procs = s.processes();
  ASSERT_EQ(procs.size(), 2u);
  EXPECT_EQ(procs[0].pid, 7u);
  EXPECT_EQ(procs[0].name, "python3");
  EXPECT_EQ(procs[0].calls, 59u);
  EXPECT_EQ(s.processes_named_apart(), 1u);
}

TEST(TopStatsTest, ProcessesBeyondTheLimitGoToOther) {
  TopStats s({.max_processes = 2});
  s.consume(row(1, "read", 1, "/a", 1));
  s.consume(row(1, "read", 2, "/a", 1));
  s.consume(row(1, "read", 3, "/a", 5));
  s.consume(row(1, "read", 4, "/a", 5));
  auto procs = s.processes();
  ASSERT_EQ(procs.size(), 3u);
  EXPECT_EQ(procs[0].pid, 0u);  // [other]
  EXPECT_EQ(procs[0].calls, 2u);
  EXPECT_EQ(s.process_rows_in_other(), 2u);
}

TEST(TopStatsTest, EachFileNameIsStoredOnceAndTheTableStaysWithinItsBytes) {
  const std::size_t budget = 1u << 20;
  TopStats s({.max_file_bytes = budget});
  // 100 000 distinct 4 KiB names would take 400 MB: the table keeps 1 MiB.
  std::string name(4095, 'x');
  for (int i = 0; i < 100'000; ++i) {
    std::string id = std::to_string(i);
    name.replace(0, id.size(), id);
    s.consume(row(1, "read", 1, name, 1));
    ASSERT_LE(s.file_bytes(), budget);
  }
  EXPECT_GT(s.files_folded(), 99'000u);
  std::uint64_t calls = 0;
  for (const auto& f : s.files()) calls += f.calls;
  EXPECT_EQ(calls, 100'000u);  // folding keeps every call, under [other]
}

TEST(TopStatsTest, AHotFileSeenLateStillReachesTheTop) {
  TopStats s({.max_file_bytes = 64 * 1024});
  for (int i = 0; i < 10'000; ++i) s.consume(row(1, "read", 1, "/junk/" + std::to_string(i), 10));
  for (int i = 0; i < 5'000; ++i) {
    s.consume(row(1, "read", 1, "/hot", 100));
    s.consume(row(1, "read", 1, "/junk2/" + std::to_string(i), 10));
  }
  auto top = s.files(2);
  ASSERT_EQ(top.size(), 2u);
  bool hot = top[0].name == "/hot" || top[1].name == "/hot";
  EXPECT_TRUE(hot) << top[0].name << " " << top[1].name;
  EXPECT_GT(s.files_folded(), 0u);
}

TEST(TopStatsTest, AFileFoldedRightAfterItsLastRowStartsAfreshWhenSeenAgain) {
  TopStats s({.max_file_bytes = 1024});
  s.consume(row(1, "read", 1, "/a", 10));
  s.consume(row(1, "read", 1, "/a", 10));  // /a: the last file added
  // A name larger than the whole table folds /a and goes under [other].
  s.consume(row(1, "read", 1, std::string(2000, 'x'), 5));
  s.consume(row(1, "read", 1, "/a", 3));  // back: a new entry, one call
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> got;
  for (const auto& f : s.files()) got[f.name] = {f.calls, f.total_ns};
  EXPECT_EQ(got["/a"], std::make_pair(std::uint64_t{1}, std::uint64_t{3}));
  EXPECT_EQ(got["[other]"], std::make_pair(std::uint64_t{3}, std::uint64_t{25}));
}

// Rows of many processes over many files in random turns (what the tallies'
// caches of recent files and processes see on a busy host), some names
// sharing most of their bytes, with the files table folding now and then:
// every file's and process's tally is what a plain map of the same rows says.
TEST(TopStatsTest, InterleavedFilesAndProcessesTallyExactly) {
  for (const std::size_t budget : {std::size_t{32} << 20, std::size_t{4096}}) {
    TopStats s({.max_file_bytes = budget});
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> files_want;
    std::map<std::uint32_t, std::uint64_t> procs_want;
    std::mt19937 rng(11);
    std::uint64_t ns_total = 0;
    for (int i = 0; i < 200'000; ++i) {
      const auto pid = static_cast<std::uint32_t>(1 + rng() % 300);
      const std::string file = "/data/" + std::to_string(rng() % 200) + "/segment.db";
      const std::uint64_t ns = 1 + rng() % 1000;
      s.consume(row(1, "read", pid, file, ns));
      files_want[file].first += 1;
      files_want[file].second += ns;
      procs_want[pid] += 1;
      ns_total += ns;
    }
    std::uint64_t calls = 0, ns = 0;
    for (const auto& f : s.files()) {
      calls += f.calls;
      ns += f.total_ns;
      if (budget == std::size_t{32} << 20) {  // nothing folded: each file exact
        ASSERT_TRUE(files_want.contains(f.name)) << f.name;
        EXPECT_EQ(std::make_pair(f.calls, f.total_ns), files_want[f.name]) << f.name;
      }
    }
    EXPECT_EQ(calls, 200'000u);
    EXPECT_EQ(ns, ns_total);
    if (budget == 4096) {
      EXPECT_GT(s.files_folded(), 0u);
    }
    auto procs = s.processes();
    ASSERT_EQ(procs.size(), procs_want.size());
    for (const auto& p : procs) EXPECT_EQ(p.calls, procs_want[p.pid]) << p.pid;
  }
}

// Rows from the sink queue's chunks carry which strings repeat the row
// before: the tallies skip their lookups then, and must come out exactly as
// for the same rows one by one: loops on one file, comm changes inside a
// process, transfers and renames inside loops, processes beyond the limit
// and a files budget small enough to fold in the middle of a loop.
TEST(TopStatsTest, RowsFromChunksTallyExactlyAsRowsOneByOne) {
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) names.push_back("/data/" + std::to_string(i) + "/" + std::string(static_cast<std::size_t>(i % 7 * 9), 'x'));
  std::vector<schema::EventRow> rows;
  std::mt19937 rng(5);
  for (int run = 0; run < 3000; ++run) {
    schema::EventRow r = row(static_cast<std::uint16_t>(1 + rng() % 3), "read", static_cast<std::uint32_t>(rng() % 12),
                             names[rng() % names.size()], 1 + rng() % 5000);
    r.comm = rng() % 4 == 0 ? "renamed" : "worker";
    r.bytes = rng() % 3 * 100;
    r.byte_class = schema::byte_class_name(rng() % 2 ? schema::ByteClass::kRead : schema::ByteClass::kWrite);
    const int kind = static_cast<int>(rng() % 10);
    if (kind == 0) {  // a transfer into a second file
      r.byte_class = schema::byte_class_name(schema::ByteClass::kTransfer);
      r.filename2 = names[rng() % names.size()];
    } else if (kind == 1) {  // a rename
      r.oldname = r.filename;
      r.newname = names[rng() % names.size()];
      r.filename = {};
    }
    const auto loop = 1 + rng() % 6;
    for (std::uint32_t i = 0; i < loop; ++i) {
      rows.push_back(r);
      if (rng() % 5 == 0) r.comm = r.comm == "worker" ? "renamed" : "worker";  // prctl(PR_SET_NAME) in a loop
      r.duration_ns = 1 + rng() % 5000;
    }
  }
  const TopStatsLimits limits{.max_file_bytes = 2500, .max_processes = 8};
  TopStats one_by_one(limits), from_chunks(limits);
  for (const auto& r : rows) one_by_one.consume(r);
  RowChunk chunk;
  std::size_t copied = 0;
  const auto drain = [&] {
    chunk.for_each_row([&](const schema::EventRow& r, const schema::RowRepeats& repeats) {
      copied += repeats.same(schema::column_index("filename")) && repeats.same(schema::column_index("comm"));
      from_chunks.consume_in_batch(r, repeats);
    });
    chunk.clear();
  };
  for (const auto& r : rows) {
    chunk.append(r);
    if (chunk.rows() == 700) drain();
  }
  drain();
  EXPECT_GT(copied, rows.size() / 3);  // the hinted path ran
  EXPECT_GT(one_by_one.files_folded(), 0u);
  EXPECT_GT(one_by_one.process_rows_in_other(), 0u);
  EXPECT_EQ(from_chunks.files_folded(), one_by_one.files_folded());
  EXPECT_EQ(from_chunks.process_rows_in_other(), one_by_one.process_rows_in_other());
  EXPECT_EQ(from_chunks.report().rows_written, rows.size());
  // Every tally of a table as sorted tuples: the two sinks must agree on all.
  const auto sorted = [](const auto& tallies, auto fields) {
    std::vector<decltype(fields(tallies.front()))> out;
    for (const auto& t : tallies) out.push_back(fields(t));
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto file_fields = [](const FileTally& f) {
    return std::tuple(f.name, f.calls, f.total_ns, f.read_bytes, f.write_bytes, f.transfer_bytes);
  };
  const auto process_fields = [](const ProcessTally& p) { return std::tuple(p.pid, p.name, p.calls, p.total_ns); };
  const auto syscall_fields = [](const SyscallTally& c) { return std::tuple(c.name, c.calls, c.total_ns, c.p99_ns); };
  EXPECT_EQ(sorted(from_chunks.files(), file_fields), sorted(one_by_one.files(), file_fields));
  EXPECT_EQ(sorted(from_chunks.processes(), process_fields), sorted(one_by_one.processes(), process_fields));
  EXPECT_EQ(sorted(from_chunks.syscalls(), syscall_fields), sorted(one_by_one.syscalls(), syscall_fields));
}

TEST(TopStatsTest, FilesReturnsOnlyTheTopN) {
  TopStats s;
  for (int i = 1; i <= 50; ++i) s.consume(row(1, "read", 1, "/f" + std::to_string(i), static_cast<std::uint64_t>(i)));
  auto top = s.files(3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].name, "/f50");
  EXPECT_EQ(top[2].name, "/f48");
  EXPECT_EQ(s.files_folded(), 0u);
}

schema::EventRow moved(std::string_view file, schema::ByteClass c, std::uint64_t bytes, std::uint64_t ns = 1) {
  schema::EventRow r = row(1, "rw", 1, file, ns);
  r.byte_class = schema::byte_class_name(c);
  r.bytes = bytes;
  return r;
}

TEST(TopStatsTest, FilesByBytesAddUpEachClassAndLeaveOutFilesThatMovedNone) {
  TopStats s;
  s.consume(moved("/small", schema::ByteClass::kRead, 10, 1'000'000));  // the slowest, but fewest bytes
  s.consume(moved("/big", schema::ByteClass::kRead, 4096));
  s.consume(moved("/big", schema::ByteClass::kWrite, 100));
  s.consume(moved("/big", schema::ByteClass::kTransfer, 7));
  s.consume(moved("/big", schema::ByteClass::kRead, 0));  // EOF: a call, no bytes
  s.consume(moved("/mid", schema::ByteClass::kWrite, 300));
  s.consume(moved("/none", schema::ByteClass::kNone, 0, 5'000'000));
  auto top = s.files(TopStats::kAll, TopStats::FileOrder::kBytes);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].name, "/big");
  EXPECT_EQ(top[0].read_bytes, 4096u);
  EXPECT_EQ(top[0].write_bytes, 100u);
  EXPECT_EQ(top[0].transfer_bytes, 7u);
  EXPECT_EQ(top[0].bytes(), 4203u);
  EXPECT_EQ(top[0].calls, 4u);
  EXPECT_EQ(top[1].name, "/mid");
  EXPECT_EQ(top[2].name, "/small");
  EXPECT_EQ(s.files(1)[0].name, "/none");  // by time
}

TEST(TopStatsTest, ATransferCreditsBothFilesAndARenameItsOldName) {
  TopStats s;
  schema::EventRow copy = moved("/src", schema::ByteClass::kTransfer, 1000, 50);
  copy.filename2 = "/dst";
  s.consume(copy);
  schema::EventRow pipe = moved("pipe:[1]", schema::ByteClass::kNone, 0, 5);
  pipe.filename2 = "pipe:[1]";  // pipe2: both ends, one file
  s.consume(pipe);
  schema::EventRow rename;
  rename.oldname = "/old";
  rename.newname = "/new";
  rename.duration_ns = 7;
  s.consume(rename);
  auto top = s.files(TopStats::kAll, TopStats::FileOrder::kTime);
  ASSERT_EQ(top.size(), 4u);
  for (const char* name : {"/src", "/dst"}) {
    auto f = std::find_if(top.begin(), top.end(), [&](const auto& x) { return x.name == name; });
    ASSERT_NE(f, top.end()) << name;
    EXPECT_EQ(f->transfer_bytes, 1000u) << name;
    EXPECT_EQ(f->calls, 1u) << name;
    EXPECT_EQ(f->total_ns, 50u) << name;
  }
  EXPECT_EQ(top[2].name, "/old");
  EXPECT_EQ(top[3].name, "pipe:[1]");
  EXPECT_EQ(top[3].calls, 1u);
}

TEST(TopStatsTest, FoldedFilesKeepTheirBytesUnderOther) {
  TopStats s({.max_file_bytes = 64 * 1024});
  std::uint64_t want = 0;
  for (int i = 0; i < 2'000; ++i) {
    s.consume(moved("/f/" + std::to_string(i), schema::ByteClass::kWrite, 3));
    want += 3;
  }
  ASSERT_GT(s.files_folded(), 0u);
  std::uint64_t got = 0;
  for (const auto& f : s.files(TopStats::kAll, TopStats::FileOrder::kBytes)) got += f.write_bytes;
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace ior::sink
