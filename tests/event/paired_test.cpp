// Records the kernel paired (IOR_EVENT_PAIRED: a syscall without strings in
// one record) give the rows, fd-table effects and counts of the enter and
// exit records they stand for.
#include <fcntl.h>

#include <tuple>

#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

struct Call {
  std::uint16_t id;
  std::int64_t ret;
  std::array<std::uint64_t, 3> args;
  std::string_view path;
  std::uint32_t tid;
};

// An open, then fd syscalls that use, copy and close its fd (their rows name
// the file only if the fd effects were applied in order), on two threads.
const Call kCalls[] = {
    {IOR_SC_openat, 3, {O_RDONLY, 0, static_cast<std::uint64_t>(AT_FDCWD)}, "/data/a", 101},
    {IOR_SC_read, 10, {3, 10, 0}, {}, 101},
    {IOR_SC_dup2, 7, {3, 7, 0}, {}, 102},
    {IOR_SC_close, 0, {3, 0, 0}, {}, 101},
    {IOR_SC_pread64, 5, {7, 5, 100}, {}, 102},
    {IOR_SC_read, -9, {3, 1, 0}, {}, 101},  // closed: EBADF, no name
    {IOR_SC_fsync, 0, {7, 0, 0}, {}, 101},
};

auto key(const OwnedRow& r) {
  const auto& w = r.row;
  return std::make_tuple(w.timestamp_ns, w.pid, w.tid, w.ppid, w.uid, w.gid, r.comm, w.cgroup_id, r.syscall_name,
                         w.trace_id, w.event_type, w.ret_value, w.ret_type, w.bytes, w.fd, r.filename, w.fd2,
                         r.filename2, r.pathname, r.passed_name, w.flags, w.notice, w.duration_ns,
                         w.duration_to_prev_ns);
}

class PairedTest : public PipelineTest {
 protected:
  // Feeds kCalls, the fd syscalls paired or as two records; enters 100 ns
  // apart, each lasting 30 ns.
  void feed_calls(bool paired) {
    std::uint64_t t = 1'000'000;
    for (const auto& c : kCalls) {
      auto e = testing::spec(c.id, kPid, c.tid, t);
      e.args = c.args;
      e.str0 = c.path;
      e.uid = 1000;
      e.ppid = 1;
      if (paired && c.path.empty()) {
        feed(testing::paired_record(e, t + 30, c.ret));
      } else {
        feed(testing::enter_record(e));
        feed(testing::exit_record(c.id, kPid, c.tid, t + 30, c.ret));
      }
      t += 100;
    }
  }
};

TEST_F(PairedTest, PairedRecordsGiveTheRowsAndCountsOfTheirEnterAndExitRecords) {
  feed_calls(false);
  const auto two_records = consumer_.rows;
  const PipelineStats& s = stats();
  const auto counts = std::make_tuple(s.records.get(), s.enters.get(), s.exits.get(), s.rows.get(),
                                      s.rows_emitted.get(), s.mismatches(), s.enters_unpaired(),
                                      s.fd_unknown.get(), s.per_syscall[IOR_SC_read][0].get(),
                                      s.per_syscall[IOR_SC_read][1].get());
  consumer_.rows.clear();
  make_pipeline({});
  feed_calls(true);
  const PipelineStats& p = stats();
  EXPECT_EQ(std::make_tuple(p.records.get(), p.enters.get(), p.exits.get(), p.rows.get(), p.rows_emitted.get(),
                            p.mismatches(), p.enters_unpaired(), p.fd_unknown.get(),
                            p.per_syscall[IOR_SC_read][0].get(), p.per_syscall[IOR_SC_read][1].get()),
            counts);
  EXPECT_EQ(p.records.get(), 14u);  // 7 syscalls: the account counts a pair as two records
  ASSERT_EQ(consumer_.rows.size(), two_records.size());
  ASSERT_EQ(consumer_.rows.size(), std::size(kCalls));
  for (std::size_t i = 0; i < two_records.size(); ++i) {
    EXPECT_EQ(key(consumer_.rows[i]), key(two_records[i])) << "row " << i;
  }
  // The fd effects were applied in order: the copy names the file, the
  // closed fd does not.
  EXPECT_EQ(consumer_.rows[1].filename, "/data/a");
  EXPECT_EQ(consumer_.rows[4].filename, "/data/a");
  EXPECT_EQ(consumer_.rows[4].row.duration_ns, 30u);
  EXPECT_EQ(consumer_.rows[5].row.duration_to_prev_ns, 170u);  // thread 101's close exited 170 ns before
  EXPECT_EQ(consumer_.rows[5].filename, "");
  EXPECT_EQ(consumer_.rows[5].row.uid, 1000u);
}

TEST_F(PipelineTest, APairedRecordAfterAnEnterWithoutExitReplacesIt) {
  feed(testing::enter_record(testing::spec(IOR_SC_read, kPid, kTid, 10)));
  feed(testing::paired_record(testing::spec(IOR_SC_write, kPid, kTid, 20), 30, 1));
  EXPECT_EQ(stats().enter_replaced.get(), 1u);
  ASSERT_EQ(consumer_.rows.size(), 1u);
  EXPECT_EQ(last().syscall_name, "write");
  EXPECT_EQ(last().row.duration_ns, 10u);
}

// An exit whose enter tracepoint never ran (a seccomp filter refused the
// syscall) comes with the registers' arguments: a row naming the fd's file,
// timed at the exit, flagged enter-unseen; one exit record, no enter, and
// the account's lines still add up (paired with an enter + enter unseen).
TEST_F(PipelineTest, AnExitWithArgumentsIsARowWhoseEnterWasUnseen) {
  syscall(IOR_SC_openat, 3, {O_RDONLY, 0, static_cast<std::uint64_t>(AT_FDCWD)}, "/data/a");
  testing::EnterSpec e = testing::spec(IOR_SC_pread64, kPid, kTid, clock_);
  e.args = {3, 8, 0};
  feed(testing::exit_args_record(e, -1));
  ASSERT_EQ(consumer_.rows.size(), 2u);
  EXPECT_EQ(last().syscall_name, "pread64");
  EXPECT_EQ(last().filename, "/data/a");
  EXPECT_EQ(last().row.ret_value, -1);
  EXPECT_EQ(last().row.notice, schema::kNoticeEnterUnseen);
  EXPECT_EQ(last().row.duration_ns, 0u);
  EXPECT_EQ(stats().exit_enter_unseen.get(), 1u);
  EXPECT_EQ(stats().exits.get(), 2u);
  EXPECT_EQ(stats().enters.get(), 1u);
  EXPECT_EQ(stats().records.get(), 3u);
  EXPECT_EQ(stats().per_syscall[IOR_SC_pread64][0].get(), 0u);
  EXPECT_EQ(stats().per_syscall[IOR_SC_pread64][1].get(), 1u);
  EXPECT_EQ(stats().rows.get(), 2u);
  // A close whose enter was unseen still closes.
  testing::EnterSpec c = testing::spec(IOR_SC_close, kPid, kTid, clock_ + 50);
  c.args = {3, 0, 0};
  feed(testing::exit_args_record(c, 0));
  EXPECT_EQ(last().filename, "/data/a");
  clock_ += 100;
  syscall(IOR_SC_read, -9, {3, 1, 0});  // after the close, EBADF: the fd is gone from the table
  EXPECT_EQ(last().filename, "");
}

TEST_F(PipelineTest, APairedRecordLeavesNoPendingEnter) {
  feed(testing::paired_record(testing::spec(IOR_SC_write, kPid, kTid, 20), 30, 1));
  feed(testing::exit_record(IOR_SC_write, kPid, kTid, 40, 1));  // a second exit: nothing to pair with
  EXPECT_EQ(stats().exit_without_enter.get(), 1u);
  pipeline_->finish();
  EXPECT_EQ(stats().enter_unfinished.get(), 0u);
  EXPECT_EQ(consumer_.rows.size(), 1u);
}

TEST_F(PipelineTest, EveryPrefixOfAPairedRecordIsShort) {
  auto full = testing::paired_record(testing::spec(IOR_SC_read, kPid, kTid, 5), 9, 1);
  ASSERT_EQ(full.size(), sizeof(ior_paired_event));
  for (std::size_t n = 0; n < full.size(); ++n) feed(testing::truncated(full, n));
  EXPECT_EQ(stats().decode_short.get(), full.size());
  EXPECT_EQ(stats().enters.get(), 0u);
  EXPECT_EQ(stats().exits.get(), 0u);
}

TEST_F(PipelineTest, APairedRecordWithABadSyscallIdIsCountedOnce) {
  feed(testing::paired_record(testing::spec(static_cast<std::uint16_t>(IOR_SC_COUNT), kPid, kTid, 5), 9, 1));
  EXPECT_EQ(stats().decode_bad_syscall.get(), 1u);
  EXPECT_EQ(stats().records.get(), 1u);
  EXPECT_EQ(stats().enters.get() + stats().exits.get(), 0u);
}

}  // namespace
}  // namespace ior::event
