// Task records (fork, thread exit, exec) and what they do to the per-thread
// pairing state: nothing of a dead or replaced thread may pair or time a row.
#include <fcntl.h>

#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

using testing::enter_record;
using testing::exit_record;
using testing::spec;
using testing::task_record;

TEST_F(PipelineTest, ExecDiscardsThePendingEntersOfTheProcesssOtherThreads) {
  feed(enter_record(spec(IOR_SC_read, kPid, 201, 10)));  // blocked readers, killed by exec
  feed(enter_record(spec(IOR_SC_read, kPid, 202, 11)));
  feed(enter_record(spec(IOR_SC_read, 900, 901, 12)));  // another process: untouched
  feed(task_record(IOR_EVENT_EXEC, kPid, kPid, 20));
  EXPECT_EQ(stats().enter_thread_gone.get(), 2u);
  feed(exit_record(IOR_SC_read, kPid, 201, 30, 1));  // a late exit of a dead thread pairs with nothing
  EXPECT_EQ(stats().exit_without_enter.get(), 1u);
  feed(exit_record(IOR_SC_read, 900, 901, 40, 1));
  ASSERT_EQ(consumer_.rows.size(), 1u);
  EXPECT_EQ(last().row.pid, 900u);
}

TEST_F(PipelineTest, ExecKeepsTheExecingThreadsHistory) {
  syscall(IOR_SC_sync, 0, {}, {}, {}, kPid, kPid);  // enter 1'000'000, exit 1'000'010
  feed(task_record(IOR_EVENT_EXEC, kPid, kPid, clock_));
  syscall(IOR_SC_sync, 0, {}, {}, {}, kPid, kPid);  // enter 1'000'100
  EXPECT_EQ(last().row.duration_to_prev_ns, 90u);
  EXPECT_EQ(stats().enter_thread_gone.get(), 0u);
}

TEST_F(PipelineTest, ExecDiscardsAPendingEnterOfTheTidItContinuesAs) {
  // Thread 201 execs; the kernel gives it the leader's tid (kPid). The leader
  // was blocked in a read: that enter belongs to a killed thread.
  feed(enter_record(spec(IOR_SC_read, kPid, kPid, 10)));
  feed(task_record(IOR_EVENT_EXEC, kPid, kPid, 20));
  EXPECT_EQ(stats().enter_thread_gone.get(), 1u);
  feed(enter_record(spec(IOR_SC_openat, kPid, kPid, 30)));
  EXPECT_EQ(stats().enter_replaced.get(), 0u);
}

TEST_F(PipelineTest, ThreadExitForgetsTheThreadsPreviousExit) {
  syscall(IOR_SC_sync, 0);
  feed(task_record(IOR_EVENT_TASK_EXIT, kPid, kTid, clock_));
  syscall(IOR_SC_sync, 0);  // a new thread that got the same tid
  EXPECT_EQ(last().row.duration_to_prev_ns, 0u);
  EXPECT_EQ(stats().enter_thread_gone.get(), 0u);  // nothing was pending
}

TEST_F(PipelineTest, ForkOfARecycledTidDropsTheStaleState) {
  // Thread 501's exit record was lost; the tid comes back as a new process.
  feed(enter_record(spec(IOR_SC_read, 500, 501, 10)));
  feed(task_record(IOR_EVENT_FORK, 501, 501, 20, kPid));
  EXPECT_EQ(stats().enter_thread_gone.get(), 1u);
  feed(exit_record(IOR_SC_read, 501, 501, 30, 1));
  EXPECT_EQ(stats().exit_without_enter.get(), 1u);
  EXPECT_TRUE(consumer_.rows.empty());
}

TEST_F(PipelineTest, ATidSeenUnderAnotherPidIsANewThread) {
  syscall(IOR_SC_sync, 0, {}, {}, {}, 600, 601);  // exit at 1'000'010
  feed(enter_record(spec(IOR_SC_read, 600, 601, clock_)));
  // No exit and no task records reached us; tid 601 now belongs to pid 700.
  feed(enter_record(spec(IOR_SC_write, 700, 601, clock_ + 50)));
  feed(exit_record(IOR_SC_write, 700, 601, clock_ + 60, 1));
  EXPECT_EQ(stats().enter_thread_gone.get(), 1u);
  EXPECT_EQ(stats().enter_replaced.get(), 0u);
  ASSERT_EQ(consumer_.rows.size(), 2u);
  EXPECT_EQ(last().row.pid, 700u);
  EXPECT_EQ(last().row.duration_to_prev_ns, 0u);  // not timed against pid 600's exit
}

TEST_F(PipelineTest, TaskEventsAreCounted) {
  feed(task_record(IOR_EVENT_FORK, 2, 2, 1, 1));
  feed(task_record(IOR_EVENT_EXEC, 2, 2, 2));
  feed(task_record(IOR_EVENT_TASK_EXIT, 2, 2, 3, 0, IOR_TASK_GROUP_DEAD));
  EXPECT_EQ(stats().task_events.get(), 3u);
  EXPECT_EQ(stats().records.get(), 3u);
}

}  // namespace
}  // namespace ior::event
