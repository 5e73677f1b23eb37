#include "sink/fan_out.hpp"

#include "base/thread_priority.hpp"
#include "schema/columns.hpp"
#include "sink/row_chunk.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ior::sink {
namespace {

using namespace std::chrono_literals;

// Keeps a copy of every row it receives (strings owned).
class RecordingSink final : public Sink {
 public:
  explicit RecordingSink(std::string name) : name_(std::move(name)) {}
  void consume(const schema::EventRow& row) noexcept override {
    std::lock_guard lock(mu_);
    names_.emplace_back(row.filename);
    tids_.push_back(row.tid);
  }
  void flush() noexcept override {
    std::lock_guard lock(mu_);
    ++flushes_;
  }
  void close() noexcept override {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  void abandon() noexcept override {
    std::lock_guard lock(mu_);
    abandoned_ = true;
  }
  SinkReport report() const override {
    std::lock_guard lock(mu_);
    SinkReport r;
    r.name = name_;
    r.rows_written = names_.size();
    return r;
  }
  std::vector<std::string> names() const {
    std::lock_guard lock(mu_);
    return names_;
  }
  std::vector<std::uint32_t> tids() const {
    std::lock_guard lock(mu_);
    return tids_;
  }
  bool closed() const {
    std::lock_guard lock(mu_);
    return closed_;
  }
  bool abandoned() const {
    std::lock_guard lock(mu_);
    return abandoned_;
  }
  int flushes() const {
    std::lock_guard lock(mu_);
    return flushes_;
  }

 private:
  std::string name_;
  mutable std::mutex mu_;
  std::vector<std::string> names_;
  std::vector<std::uint32_t> tids_;
  int flushes_ = 0;
  bool closed_ = false;
  bool abandoned_ = false;
};

// Waits in consume() at row number stall_at until released: a server that
// does not answer, a full disk that blocks, a terminal scrolled back. With
// tells_counts, counts() says what it wrote so far (as the real sinks do).
class StalledSink final : public Sink {
 public:
  explicit StalledSink(std::uint64_t stall_at = 0, bool tells_counts = false)
      : stall_at_(stall_at), tells_counts_(tells_counts) {}
  void consume(const schema::EventRow&) noexcept override {
    std::unique_lock lock(mu_);
    if (rows_ == stall_at_) {
      entered_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
    }
    ++rows_;
  }
  void close() noexcept override {}
  std::optional<SinkCounts> counts() const noexcept override {
    if (!tells_counts_) return std::nullopt;
    std::lock_guard lock(mu_);
    return SinkCounts{.rows_written = rows_};
  }
  SinkReport report() const override {
    std::lock_guard lock(mu_);
    SinkReport r;
    r.name = "stalled";
    r.rows_written = rows_;
    return r;
  }
  bool wait_entered(std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, d, [this] { return entered_; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  const std::uint64_t stall_at_;
  const bool tells_counts_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool released_ = false;
  std::uint64_t rows_ = 0;
};

std::string name_of(std::uint32_t i) { return "/data/file-" + std::to_string(i) + std::string(i % 50, 'x'); }

schema::EventRow row_of(std::uint32_t i, const std::string& name) {
  schema::EventRow r;
  r.tid = i;
  r.filename = name;
  r.syscall_name = "read";
  return r;
}

TEST(FanOutTest, EveryRowReachesEverySinkInOrderAndEverySinkCloses) {
  FanOut fan(FanOutOptions{.chunk_bytes = 4096, .queue_bytes_per_sink = 64u << 20});
  auto& a = static_cast<RecordingSink&>(fan.add(std::make_unique<RecordingSink>("a")));
  auto& b = static_cast<RecordingSink&>(fan.add(std::make_unique<RecordingSink>("b")));
  constexpr std::uint32_t kRows = 20'000;
  for (std::uint32_t i = 0; i < kRows; ++i) {
    std::string name = name_of(i);
    fan.consume(row_of(i, name));
    if (i % 1000 == 0) fan.publish();
  }
  fan.flush();
  fan.close();
  for (const RecordingSink* s : {&a, &b}) {
    auto names = s->names();
    auto tids = s->tids();
    ASSERT_EQ(names.size(), kRows);
    for (std::uint32_t i = 0; i < kRows; ++i) {
      ASSERT_EQ(tids[i], i);
      ASSERT_EQ(names[i], name_of(i));
    }
    EXPECT_TRUE(s->closed());
    EXPECT_GE(s->flushes(), 1);
  }
  for (const auto& r : fan.reports()) {
    EXPECT_EQ(r.rows_received, kRows) << r.name;
    EXPECT_EQ(r.rows_dropped_queue, 0u) << r.name;
    EXPECT_TRUE(r.balanced()) << r.name;
  }
}

TEST(FanOutTest, AbandonedSinksAreAbandonedNotClosedAndOnlyOnce) {
  FanOut fan;
  auto& a = static_cast<RecordingSink&>(fan.add(std::make_unique<RecordingSink>("a")));
  auto& b = static_cast<RecordingSink&>(fan.add(std::make_unique<RecordingSink>("b")));
  fan.abandon();
  fan.close();  // nothing more: the sinks' threads have ended
  for (const RecordingSink* s : {&a, &b}) {
    EXPECT_TRUE(s->abandoned());
    EXPECT_FALSE(s->closed());
  }
}

TEST(FanOutTest, AbandonAfterCloseLeavesTheClosedSinksAsTheyAre) {
  FanOut fan;
  auto& a = static_cast<RecordingSink&>(fan.add(std::make_unique<RecordingSink>("a")));
  fan.close();
  fan.abandon();
  EXPECT_TRUE(a.closed());
  EXPECT_FALSE(a.abandoned());
}

// Records the scheduling priority of the thread that consumes its rows.
class NiceSink final : public Sink {
 public:
  void consume(const schema::EventRow&) noexcept override {
    errno = 0;
    nice_.store(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())));
  }
  void close() noexcept override {}
  SinkReport report() const override {
    SinkReport r;
    r.name = "nice";
    return r;
  }
  int nice() const { return nice_.load(); }

 private:
  std::atomic<int> nice_{-100};
};

TEST(FanOutTest, SinkThreadsRunNicerThanTheThreadThatFeedsThem) {
  errno = 0;
  const int feeder = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  ASSERT_LE(feeder, 19 - kSinkThreadNiceness) << "run the test below nice " << 19 - kSinkThreadNiceness;
  FanOut fan(FanOutOptions{.chunk_bytes = 4096, .queue_bytes_per_sink = 1u << 20});
  auto& sink = static_cast<NiceSink&>(fan.add(std::make_unique<NiceSink>()));
  std::string name = name_of(1);
  fan.consume(row_of(1, name));
  fan.publish();
  fan.close();
  EXPECT_EQ(sink.nice(), feeder + kSinkThreadNiceness);
  // The feeding thread itself keeps its priority.
  EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())), feeder);
}

TEST(FanOutTest, AStalledSinkNeverBlocksThePipelineAndDropsOnlyItsOwnRowsCounted) {
  FanOut fan(FanOutOptions{.chunk_bytes = 4096, .queue_bytes_per_sink = 64 * 1024});
  auto& stalled = static_cast<StalledSink&>(fan.add(std::make_unique<StalledSink>()));
  // A bound the healthy sink never reaches, however far ahead the producer runs.
  auto& healthy = static_cast<RecordingSink&>(fan.add(std::make_unique<RecordingSink>("healthy"), 256u << 20));
  constexpr std::uint32_t kRows = 200'000;
  // The producer runs while the stalled sink is stuck in consume(): it must
  // finish anyway (if it waited, the future would time out).
  auto producer = std::async(std::launch::async, [&] {
    for (std::uint32_t i = 0; i < kRows; ++i) {
      std::string name = name_of(i);
      fan.consume(row_of(i, name));
      if (i % 100 == 0) fan.publish();
    }
    fan.publish();
  });
  ASSERT_TRUE(stalled.wait_entered(10s));
  ASSERT_EQ(producer.wait_for(30s), std::future_status::ready) << "the pipeline waited for a stalled sink";
  // The healthy sink got everything while the other one was stuck.
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (healthy.names().size() < kRows && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(healthy.names().size(), kRows);
  stalled.release();
  fan.close();
  auto reports = fan.reports();
  ASSERT_EQ(reports.size(), 2u);
  const SinkReport& s = reports[0];
  EXPECT_EQ(s.rows_received, kRows);
  EXPECT_GT(s.rows_dropped_queue, 0u);
  EXPECT_GT(s.rows_written, 0u);
  EXPECT_EQ(s.rows_dropped_queue + s.rows_written, kRows);
  EXPECT_TRUE(s.balanced());
  EXPECT_EQ(reports[1].rows_received, kRows);
  EXPECT_EQ(reports[1].rows_dropped_queue, 0u);
  EXPECT_TRUE(reports[1].balanced());
}

TEST(FanOutTest, QueueStatesShowBacklogAndDropsWhileRunning) {
  FanOut fan(FanOutOptions{.chunk_bytes = 1024, .queue_bytes_per_sink = 8 * 1024});
  auto& stalled = static_cast<StalledSink&>(fan.add(std::make_unique<StalledSink>()));
  for (std::uint32_t i = 0; i < 5000; ++i) {
    std::string name = name_of(i);
    fan.consume(row_of(i, name));
  }
  fan.publish();
  ASSERT_TRUE(stalled.wait_entered(10s));
  auto states = fan.queue_states();
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].rows_received, 5000u);
  EXPECT_GT(states[0].rows_dropped_queue, 0u);
  EXPECT_GT(states[0].queued_bytes, 0u);
  EXPECT_LE(states[0].queued_bytes, 8u * 1024 + 2048);
  EXPECT_EQ(states[0].name, "stalled");
  EXPECT_FALSE(states[0].counts.has_value());  // it tells nothing before its report
  stalled.release();
  fan.close();
  EXPECT_TRUE(fan.reports()[0].balanced());
}

// Spools every other row and loses every tenth: counts() and report() read
// the same counters.
class SpoolingSink final : public Sink {
 public:
  void consume(const schema::EventRow& row) noexcept override {
    std::lock_guard lock(mu_);
    if (row.tid % 10 == 0) {
      ++c_.rows_lost;
    } else if (row.tid % 2 == 0) {
      ++c_.rows_spooled;
    } else {
      ++c_.rows_written;
    }
  }
  void close() noexcept override {}
  std::optional<SinkCounts> counts() const noexcept override {
    std::lock_guard lock(mu_);
    return c_;
  }
  SinkReport report() const override {
    SinkReport r;
    r.name = "spooling";
    const SinkCounts c = *counts();
    r.rows_written = c.rows_written;
    r.rows_spooled = c.rows_spooled;
    r.rows_lost = c.rows_lost;
    return r;
  }

 private:
  mutable std::mutex mu_;
  SinkCounts c_;
};

TEST(FanOutTest, QueueStatesCarryTheSinksCountsAsTheReportHasThem) {
  FanOut fan;
  fan.add(std::make_unique<SpoolingSink>());
  for (std::uint32_t i = 0; i < 100; ++i) {
    std::string name = name_of(i);
    fan.consume(row_of(i, name));
  }
  fan.flush();
  SinkQueueState st;
  for (int i = 0; i < 500; ++i) {
    st = fan.queue_states().at(0);
    if (st.queued_bytes == 0 && st.counts && st.counts->rows_written + st.counts->rows_spooled + st.counts->rows_lost == 100) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(st.name, "spooling");
  ASSERT_TRUE(st.counts.has_value());
  EXPECT_EQ(st.counts->rows_lost, 10u);
  EXPECT_EQ(st.counts->rows_spooled, 40u);
  EXPECT_EQ(st.counts->rows_written, 50u);
  fan.close();
  const SinkReport r = fan.reports().at(0);
  EXPECT_EQ(r.rows_spooled, st.counts->rows_spooled);
  EXPECT_EQ(r.rows_lost, st.counts->rows_lost);
  EXPECT_TRUE(r.balanced());
}

TEST(FanOutTest, ReportsDuringTheRunCarryTheSinksCountsOfNow) {
  // The metrics endpoint reads reports() while the sink's thread is held in
  // a write: the rows it wrote before are in them, not a copy from the last
  // flush.
  FanOut fan;
  auto& sink = static_cast<StalledSink&>(fan.add(std::make_unique<StalledSink>(50, true)));
  for (std::uint32_t i = 0; i < 100; ++i) {
    std::string name = name_of(i);
    fan.consume(row_of(i, name));
  }
  fan.publish();
  ASSERT_TRUE(sink.wait_entered(10s));
  EXPECT_EQ(fan.reports().at(0).rows_written, 50u);
  EXPECT_EQ(fan.reports().at(0).rows_received, 100u);
  sink.release();
  fan.close();
  EXPECT_EQ(fan.reports().at(0).rows_written, 100u);
  EXPECT_TRUE(fan.reports().at(0).balanced());
}

TEST(RowChunkTest, EveryColumnSurvivesPackingExactly) {
  RowChunk chunk;
  std::string binary("a\0b\xff\n\x1b[2J", 9);
  std::string long_path(4095, 'p');
  schema::EventRow r;
  r.timestamp_ns = 0xfedcba9876543210ull;
  r.pid = 4'000'000'000u;
  r.tid = 7;
  r.comm = "comm with space";
  r.syscall_name = "renameat2";
  r.trace_id = 65535;
  r.event_type = 3;
  r.ret_value = -2;
  r.ret_type = 3;
  r.fd = -100;
  r.filename = binary;
  r.pathname = long_path;
  r.oldname = "";
  r.newname = "new";
  r.flags = 0x80000;
  r.notice = 0xff;
  r.duration_ns = 1;
  r.duration_to_prev_ns = 2;
  r.hostname = "host";
  for (std::uint8_t i = 0; i < 16; ++i) r.collection_id[i] = static_cast<std::uint8_t>(i * 17);
  chunk.append(r);
  chunk.append(schema::EventRow{});
  std::vector<schema::EventRow> out;
  std::vector<std::string> filenames, pathnames;
  chunk.for_each_row([&](const schema::EventRow& x) {
    out.push_back(x);
    filenames.emplace_back(x.filename);
    pathnames.emplace_back(x.pathname);
  });
  ASSERT_EQ(out.size(), 2u);
  const auto& x = out[0];
  EXPECT_EQ(x.timestamp_ns, r.timestamp_ns);
  EXPECT_EQ(x.pid, r.pid);
  EXPECT_EQ(x.tid, r.tid);
  EXPECT_EQ(x.comm, r.comm);
  EXPECT_EQ(x.syscall_name, r.syscall_name);
  EXPECT_EQ(x.trace_id, r.trace_id);
  EXPECT_EQ(x.event_type, r.event_type);
  EXPECT_EQ(x.ret_value, r.ret_value);
  EXPECT_EQ(x.ret_type, r.ret_type);
  EXPECT_EQ(x.fd, r.fd);
  EXPECT_EQ(filenames[0], binary);
  EXPECT_EQ(pathnames[0], long_path);
  EXPECT_EQ(x.oldname, "");
  EXPECT_EQ(x.newname, "new");
  EXPECT_EQ(x.flags, r.flags);
  EXPECT_EQ(x.notice, r.notice);
  EXPECT_EQ(x.duration_ns, 1u);
  EXPECT_EQ(x.duration_to_prev_ns, 2u);
  EXPECT_EQ(x.hostname, "host");
  EXPECT_EQ(x.collection_id, r.collection_id);
  EXPECT_EQ(out[1].pid, 0u);
  EXPECT_EQ(filenames[1], "");
}

std::size_t column_index(std::string_view name) {
  const std::size_t i = schema::column_index(name);
  EXPECT_LT(i, schema::kColumnCount) << "no column " << name;
  return i;
}

TEST(RowChunkTest, StringsEqualToThePreviousRowsAreMarkedAndReadBackTheSame) {
  const std::size_t comm = column_index("comm"), filename = column_index("filename"),
                    pathname = column_index("pathname");
  // Built in buffers that change between rows: equality is of bytes, never
  // of the caller's pointers.
  std::string a = "/data/a-1", b = "/data/a-2";  // same length, last byte differs
  std::string name = "worker";
  RowChunk chunk;
  schema::EventRow r;
  r.comm = name;
  r.filename = a;
  chunk.append(r);                    // row 0: nothing before it
  a[0] = 'X';                         // the caller reuses its buffer
  std::string a_again = "/data/a-1";
  r.filename = a_again;
  chunk.append(r);                    // row 1: comm and filename repeat
  r.filename = b;
  r.pathname = "/p";
  chunk.append(r);                    // row 2: filename differs, pathname new
  r.pathname = "";
  chunk.append(r);                    // row 3: pathname back to empty, not the same as "/p"
  std::vector<schema::RowRepeats> marks;
  std::vector<std::string> filenames, comms, pathnames;
  std::uint64_t batch = 0;
  chunk.for_each_row([&](const schema::EventRow& x, const schema::RowRepeats& rep) {
    marks.push_back(rep);
    batch = rep.batch;
    filenames.emplace_back(x.filename);
    comms.emplace_back(x.comm);
    pathnames.emplace_back(x.pathname);
  });
  ASSERT_EQ(marks.size(), 4u);
  EXPECT_NE(batch, 0u);
  for (std::uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(marks[i].row, i);
    EXPECT_EQ(marks[i].batch, batch);
  }
  EXPECT_EQ(marks[0].columns, 0u);
  EXPECT_TRUE(marks[1].same(comm));
  EXPECT_TRUE(marks[1].same(filename));
  EXPECT_TRUE(marks[1].same(pathname));  // "" both times
  EXPECT_TRUE(marks[2].same(comm));
  EXPECT_FALSE(marks[2].same(filename));
  EXPECT_FALSE(marks[2].same(pathname));
  EXPECT_TRUE(marks[3].same(filename));
  EXPECT_FALSE(marks[3].same(pathname));
  EXPECT_EQ(filenames, (std::vector<std::string>{"/data/a-1", "/data/a-1", "/data/a-2", "/data/a-2"}));
  EXPECT_EQ(comms, std::vector<std::string>(4, "worker"));
  EXPECT_EQ(pathnames, (std::vector<std::string>{"", "", "/p", ""}));
  // Only string columns are ever marked.
  const std::size_t pid = column_index("pid");
  for (const auto& m : marks) EXPECT_FALSE(m.same(pid));

  // Refilled, the chunk is another batch and its first row repeats nothing.
  chunk.clear();
  chunk.append(r);
  chunk.for_each_row([&](const schema::EventRow&, const schema::RowRepeats& rep) {
    EXPECT_NE(rep.batch, batch);
    EXPECT_EQ(rep.columns, 0u);
  });
}

// The repeat test compares short strings with word loads: a difference in
// any single byte, at any length the loads cover in their own way (under 4,
// 4-7, 8-16, 17-32, longer), must make the value stored again, and equal
// bytes must be marked.
TEST(RowChunkTest, ADifferenceInAnyByteOfAnyLengthIsNotARepeat) {
  const std::size_t filename = column_index("filename");
  for (std::size_t len = 1; len <= 40; ++len) {
    for (std::size_t at = 0; at < len; ++at) {
      std::string first(len, 'a'), same(len, 'a'), other(len, 'a');
      for (std::size_t i = 0; i < len; ++i) first[i] = same[i] = other[i] = static_cast<char>('a' + i % 26);
      other[at] = static_cast<char>(other[at] ^ 0x80);  // only the top bit of one byte
      RowChunk chunk;
      schema::EventRow r;
      r.filename = first;
      chunk.append(r);
      r.filename = same;
      chunk.append(r);
      r.filename = other;
      chunk.append(r);
      std::vector<std::string> names;
      std::vector<bool> repeated;
      chunk.for_each_row([&](const schema::EventRow& x, const schema::RowRepeats& rep) {
        names.emplace_back(x.filename);
        repeated.push_back(rep.same(filename));
      });
      ASSERT_EQ(names, (std::vector<std::string>{first, same, other})) << "len " << len << " at " << at;
      ASSERT_EQ(repeated, (std::vector<bool>{false, true, false})) << "len " << len << " at " << at;
    }
  }
}

}  // namespace
}  // namespace ior::sink
