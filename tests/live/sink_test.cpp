#include <gtest/gtest.h>

#include <thread>

#include "live/live_sink.hpp"
#include "live/tally_table.hpp"
#include "rows.hpp"

namespace ior::live {
namespace {

std::string encoded(const ActivityKey& k) {
  std::string s;
  encode_key(s, k);
  return s;
}

ActivityKey file_key(std::string_view file) {
  ActivityKey k;
  k.file = file;
  k.comm = "c";
  k.syscall = "read";
  return k;
}

TEST(TallyTable, OverflowSendsNewKeysToOther) {
  TallyTable t(4, 1 << 20, TallyTable::Overflow::kOverflowToOther);
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) names.push_back("/f" + std::to_string(i));
  for (const auto& n : names) t.entry(encoded(file_key(n))).tally.calls += 1;
  EXPECT_LE(t.size(), 4u);
  EXPECT_EQ(t.keys_to_other(), 7u);
  EXPECT_EQ(t.other().tally.calls, 7u);
  EXPECT_EQ(t.other().key.file, kOther);
  // a known key still finds its own entry
  EXPECT_EQ(t.entry(encoded(file_key("/f0"))).tally.calls, 1u);
  std::uint64_t total = 0;
  t.for_each([&](std::string_view, const TallyEntry& e) { total += e.tally.calls; });
  EXPECT_EQ(total, 10u);
}

TEST(TallyTable, FoldColdestKeepsTheHotKeysAndTheTotal) {
  TallyTable t(8, 1 << 20, TallyTable::Overflow::kFoldColdest);
  t.entry(encoded(file_key("/hot"))).tally.calls = 1000;
  for (int i = 0; i < 40; ++i) {
    t.entry(encoded(file_key("/cold" + std::to_string(i)))).tally.calls += 1;
  }
  EXPECT_LE(t.size(), 8u);
  EXPECT_GT(t.keys_to_other(), 0u);
  EXPECT_EQ(t.entry(encoded(file_key("/hot"))).tally.calls, 1000u);
  std::uint64_t total = 0;
  t.for_each([&](std::string_view, const TallyEntry& e) { total += e.tally.calls; });
  EXPECT_EQ(total, 1040u);
  // the newest cold key got in (a late hot file is not shut out)
  EXPECT_EQ(t.entry(encoded(file_key("/cold39"))).tally.calls, 1u);
}

TEST(TallyTable, BytesBoundLongNames) {
  const std::size_t budget = 64 * 1024;
  TallyTable t(100000, budget, TallyTable::Overflow::kFoldColdest);
  for (int i = 0; i < 200; ++i) {
    t.entry(encoded(file_key(std::string(4000, 'a') + std::to_string(i)))).tally.calls += 1;
    ASSERT_LE(t.bytes(), budget);
  }
  EXPECT_GT(t.keys_to_other(), 0u);
}

// Open addressing: many keys (the slots grow several times), each found
// again by its bytes, none mixed up with another.
TEST(TallyTable, ThousandsOfKeysEachFoundAgain) {
  TallyTable t(10000, 64 << 20, TallyTable::Overflow::kOverflowToOther);
  for (int i = 0; i < 5000; ++i) t.entry(encoded(file_key("/f" + std::to_string(i)))).tally.calls += static_cast<std::uint64_t>(i);
  ASSERT_EQ(t.size(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    const TallyEntry& e = t.entry(encoded(file_key("/f" + std::to_string(i))));
    ASSERT_EQ(e.tally.calls, static_cast<std::uint64_t>(i));
    ASSERT_EQ(e.key.file, "/f" + std::to_string(i));
  }
  EXPECT_EQ(t.size(), 5000u);
  EXPECT_EQ(t.keys_to_other(), 0u);
}

// A fold moves the kept entries: their key views follow, the table finds
// them by their bytes, "[other]" stays one entry, and a name that reads
// "[other]" stays apart from it.
TEST(TallyTable, AfterAFoldEveryKeptKeyIsNamedAndFoundAndOtherIsOne) {
  TallyTable t(16, 1 << 20, TallyTable::Overflow::kFoldColdest);
  t.entry(encoded(file_key("[other]"))).tally.calls = 500;  // a traced file of that name
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 30; ++i) {
      const std::string name = i < 5 ? "/hot-" + std::to_string(i) : "/r" + std::to_string(round) + "-" + std::to_string(i);
      t.entry(encoded(file_key(name))).tally.calls += i < 5 ? 100 : 1;
    }
  }
  EXPECT_LE(t.size(), 16u);
  std::uint64_t total = 0;
  int others = 0;
  t.for_each([&](std::string_view key, const TallyEntry& e) {
    total += e.tally.calls;
    EXPECT_EQ(decode_key(key).file, e.key.file);
    EXPECT_EQ(&t.entry(key), &e) << e.key.file;  // found again, no new entry
    if (t.is_other(e)) ++others;
  });
  // "[other]" itself, and the coarser keys the folded ones went to
  EXPECT_GE(others, 1);
  EXPECT_LE(others, 3);
  int global = 0;
  t.for_each([&](std::string_view key, const TallyEntry&) { global += key == TallyTable::other_key(); });
  EXPECT_EQ(global, 1);
  EXPECT_EQ(total, 500u + 5 * (5 * 100 + 25));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(t.entry(encoded(file_key("/hot-" + std::to_string(i)))).tally.calls, 500u);
  EXPECT_EQ(t.entry(encoded(file_key("[other]"))).tally.calls, 500u);
  EXPECT_FALSE(t.is_other(t.entry(encoded(file_key("[other]")))));
}

// Keys past the bound keep their syscall, errno and latency, and, while the
// reserve lasts, their process: a flood of failing calls on distinct names
// (a user hiding them) still shows in the errors, syscalls and processes
// views. It had all gone to one "[other]" key of pid 0 with no errno.
TEST(TallyTable, KeysPastTheBoundKeepTheirSyscallErrnoAndProcess) {
  for (auto overflow : {TallyTable::Overflow::kOverflowToOther, TallyTable::Overflow::kFoldColdest}) {
    TallyTable t(16, 1 << 20, overflow);
    for (int i = 0; i < 1000; ++i) {
      const std::string name = "/tmp/x/nonexist_" + std::to_string(i);
      ActivityKey k = file_key(name);
      k.pid = 4242;
      k.err = 2;
      k.syscall = "newstat";
      k.decade = 2;
      t.entry(encoded(k)).tally.calls += 1;
    }
    EXPECT_LE(t.size(), 16u + 2u);
    EXPECT_GT(t.keys_to_other(), 0u);
    std::uint64_t calls = 0, errors = 0, folded = 0;
    t.for_each([&](std::string_view, const TallyEntry& e) {
      if (e.tally.calls == 0) return;  // "[other]", made empty by a fold
      calls += e.tally.calls;
      EXPECT_EQ(e.key.pid, 4242u) << e.key.file;
      EXPECT_EQ(e.key.err, 2) << e.key.file;
      EXPECT_EQ(e.key.syscall, "newstat");
      EXPECT_EQ(e.key.decade, 2);
      errors += e.tally.errors(e.key.err);
      if (t.is_other(e)) {
        folded += e.tally.calls;
        EXPECT_EQ(e.key.file, kOther);
        EXPECT_EQ(e.key.comm, "c");
      }
    });
    EXPECT_EQ(calls, 1000u);
    EXPECT_EQ(errors, 1000u);
    EXPECT_GE(folded, 1000u - 16u);

    // Distinct processes too: the next step keeps syscall, errno, latency.
    t.clear();
    for (std::uint32_t pid = 1; pid <= 1000; ++pid) {
      const std::string name = "/f" + std::to_string(pid);
      ActivityKey k = file_key(name);
      k.pid = pid;
      k.err = 13;
      k.syscall = "openat";
      t.entry(encoded(k)).tally.calls += 1;
    }
    EXPECT_LE(t.size(), 16u + 2u);
    std::uint64_t eacces = 0;
    t.for_each([&](std::string_view, const TallyEntry& e) {
      if (e.tally.calls == 0) return;
      EXPECT_EQ(e.key.syscall, "openat");
      eacces += e.tally.errors(e.key.err);
    });
    EXPECT_EQ(eacces, 1000u);
  }
}

// The interval tables are cleared and reused every refresh.
TEST(TallyTable, AClearedTableForgetsEveryKeyAndTakesNewOnes) {
  TallyTable t(4, 1 << 20, TallyTable::Overflow::kOverflowToOther);
  for (int i = 0; i < 6; ++i) t.entry(encoded(file_key("/a" + std::to_string(i)))).tally.calls += 1;
  t.clear();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.bytes(), 0u);
  EXPECT_EQ(t.keys_to_other(), 0u);
  EXPECT_EQ(t.entry(encoded(file_key("/a0"))).tally.calls, 0u);  // a fresh entry
  t.entry(encoded(file_key("/b"))).tally.calls = 3;
  EXPECT_EQ(t.entry(encoded(file_key("/b"))).key.file, "/b");
  EXPECT_EQ(t.entry(encoded(file_key("/b"))).tally.calls, 3u);
  std::size_t n = 0;
  t.for_each([&](std::string_view, const TallyEntry&) { ++n; });
  EXPECT_EQ(n, 2u);
}

TEST(StreamRing, KeepsTheLatestInOrderAndReusesSlots) {
  StreamRing ring(3);
  test::RowSpec s;
  for (int i = 0; i < 5; ++i) {
    s.pid = static_cast<std::uint32_t>(i);
    ring.push(test::make_row(s));
  }
  ASSERT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring.pushed(), 5u);
  EXPECT_EQ(ring.at(0).pid, 2u);
  EXPECT_EQ(ring.at(2).pid, 4u);
  ring.clear();
  EXPECT_EQ(ring.size(), 0u);
  s.pid = 9;
  ring.push(test::make_row(s));
  ASSERT_EQ(ring.size(), 1u);
  EXPECT_EQ(ring.at(0).pid, 9u);
  EXPECT_EQ(ring.at(0).file, "/data/a.txt");
}

TEST(StreamRing, LongFileNamesKeepTheirTail) {
  StreamRing ring(2);
  test::RowSpec s;
  s.file = "/" + std::string(5000, 'x') + "/end.txt";
  ring.push(test::make_row(s));
  EXPECT_EQ(ring.at(0).file.size(), StreamRow::kMaxFileBytes);
  EXPECT_TRUE(ring.at(0).file.ends_with("/end.txt"));
}

TEST(LiveSink, SwapHandsOverTheIntervalAndStartsAnEmptyOne) {
  LiveSink sink;
  test::RowSpec a, b;
  b.file = "/data/b.txt";
  b.bytes = 10;
  b.byte_class = "read";
  for (int i = 0; i < 3; ++i) sink.consume(test::make_row(a));
  sink.consume(test::make_row(b));
  Interval iv;
  sink.swap_interval(iv);
  EXPECT_EQ(iv.rows, 4u);
  EXPECT_EQ(iv.tallies.size(), 2u);
  EXPECT_EQ(iv.stream.size(), 4u);
  EXPECT_EQ(iv.latency.count(), 4u);
  std::uint64_t read = 0;
  iv.tallies.for_each([&](std::string_view, const TallyEntry& e) { read += e.tally.read_bytes; });
  EXPECT_EQ(read, 10u);

  Interval spare;
  sink.swap_interval(spare);
  EXPECT_EQ(spare.rows, 0u);  // nothing since the last swap
  auto r = sink.report();
  EXPECT_EQ(r.name, "live");
  EXPECT_EQ(r.rows_written, 4u);
  EXPECT_EQ(r.rows_lost, 0u);
}

TEST(LiveSink, NoRowIsLostWhileTheUiSwapsConcurrently) {
  LiveSink sink;
  constexpr int kRows = 200000;
  std::thread producer([&] {
    test::RowSpec s;
    for (int i = 0; i < kRows; ++i) {
      s.pid = static_cast<std::uint32_t>(i % 7);
      sink.consume(test::make_row(s));
    }
    sink.close();
  });
  std::uint64_t seen = 0, tallied = 0;
  Interval iv;
  while (true) {
    const bool done = sink.closed();
    iv.clear();
    sink.swap_interval(iv);
    seen += iv.rows;
    iv.tallies.for_each([&](std::string_view, const TallyEntry& e) { tallied += e.tally.calls; });
    if (done) break;
  }
  producer.join();
  iv.clear();
  sink.swap_interval(iv);
  seen += iv.rows;
  iv.tallies.for_each([&](std::string_view, const TallyEntry& e) { tallied += e.tally.calls; });
  EXPECT_EQ(seen, static_cast<std::uint64_t>(kRows));
  EXPECT_EQ(tallied, static_cast<std::uint64_t>(kRows));
}

TEST(IntervalStream, RowsAreNamedByTheirTallyOrTheirOwnKeyUnderOther) {
  IntervalLimits limits;
  limits.max_keys = 2;  // one key, then "[other]"
  limits.stream_rows = 3;
  Interval iv(limits);
  test::RowSpec a, b;
  a.tid = 7;
  a.duration_ns = 1500;
  b.pid = 200;
  b.comm = "[other]";  // a thread may call itself that: the stream still names it
  b.file = "/" + std::string(5000, 'x') + "/end.txt";
  b.error = true;
  b.ret = -13;
  std::string ka, kb;
  encode_key(ka, row_key(test::make_row(a)));
  encode_key(kb, row_key(test::make_row(b)));
  iv.add(ka, test::make_row(a));
  iv.add(kb, test::make_row(b));
  ASSERT_EQ(iv.tallies.keys_to_other(), 1u);
  ASSERT_EQ(iv.stream.size(), 2u);
  const StreamRow ra = iv.stream.row(0);
  EXPECT_EQ(ra.pid, 100u);
  EXPECT_EQ(ra.tid, 7u);
  EXPECT_EQ(ra.comm, "worker");
  EXPECT_EQ(ra.file, "/data/a.txt");
  EXPECT_EQ(ra.duration_ns, 1500u);
  const StreamRow rb = iv.stream.row(1);
  EXPECT_EQ(rb.pid, 200u);
  EXPECT_EQ(rb.comm, "[other]");
  EXPECT_EQ(rb.err, 13);
  EXPECT_EQ(rb.ret, -13);
  EXPECT_EQ(rb.file.size(), StreamRow::kMaxFileBytes);
  EXPECT_TRUE(rb.file.ends_with("/end.txt"));
  // the ring keeps the latest rows
  for (int i = 0; i < 4; ++i) iv.add(ka, test::make_row(a));
  ASSERT_EQ(iv.stream.size(), 3u);
  EXPECT_EQ(iv.stream.pushed(), 6u);
  EXPECT_EQ(iv.stream.row(0).pid, 100u);
}

// The sink keeps each thread's last key and tally; a row of another key,
// another thread or after a swap must still land in its own tally.
TEST(LiveSink, KeptKeysNeverSendARowToAnotherTally) {
  LiveSink sink;
  test::RowSpec a, b, c;
  b.file = "/data/b.txt";
  c.tid = 108;  // the same slot of the thread cache as tid 100
  c.file = "/data/c.txt";
  auto calls_of = [](Interval& iv, std::string_view file) {
    std::uint64_t n = 0;
    iv.tallies.for_each([&](std::string_view, const TallyEntry& e) {
      if (e.key.file == file) n += e.tally.calls;
    });
    return n;
  };
  for (int i = 0; i < 3; ++i) sink.consume(test::make_row(a));
  sink.consume(test::make_row(b));
  sink.consume(test::make_row(a));
  sink.consume(test::make_row(c));
  sink.consume(test::make_row(a));
  a.duration_ns = 5000;  // another latency decade: another key
  sink.consume(test::make_row(a));
  Interval iv;
  sink.swap_interval(iv);
  EXPECT_EQ(calls_of(iv, "/data/a.txt"), 6u);
  EXPECT_EQ(calls_of(iv, "/data/b.txt"), 1u);
  EXPECT_EQ(calls_of(iv, "/data/c.txt"), 1u);
  EXPECT_EQ(iv.tallies.size(), 4u);
  // after the swap the same key gets a tally in the new interval
  sink.consume(test::make_row(a));
  Interval next;
  sink.swap_interval(next);
  EXPECT_EQ(calls_of(next, "/data/a.txt"), 1u);
  EXPECT_EQ(calls_of(iv, "/data/a.txt"), 6u);  // the handed-over interval is left alone
}

TEST(LiveSink, IntervalKeysAreBounded) {
  IntervalLimits limits;
  limits.max_keys = 16;
  LiveSink sink(limits);
  test::RowSpec s;
  for (int i = 0; i < 1000; ++i) {
    s.file = "/tmp/f" + std::to_string(i);
    sink.consume(test::make_row(s));
  }
  Interval iv;
  sink.swap_interval(iv);
  EXPECT_LE(iv.tallies.size(), 16u);
  EXPECT_EQ(iv.rows, 1000u);
  EXPECT_GE(iv.tallies.keys_to_other(), 984u);
}

}  // namespace
}  // namespace ior::live
