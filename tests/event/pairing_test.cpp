// Pairing enters with exits per thread, mismatches, timestamps.
#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>

#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

TEST_F(PipelineTest, EnterAndExitMakeOneRowWithEveryCommonColumn) {
  PipelineOptions o;
  o.hostname = "host-a";
  o.collection_id[0] = 0xab;
  o.wall_offset_ns = 1'700'000'000'000'000'000;
  make_pipeline(o);
  auto e = testing::spec(IOR_SC_mkdir, kPid, kTid, 5000);
  e.comm = "builder";
  e.str0 = "/tmp/d";
  feed(testing::enter_record(e));
  feed(testing::exit_record(IOR_SC_mkdir, kPid, kTid, 5750, -17));
  ASSERT_EQ(consumer_.rows.size(), 1u);
  const auto& r = last();
  EXPECT_EQ(r.row.timestamp_ns, 1'700'000'000'000'005'000u);
  EXPECT_EQ(r.row.duration_ns, 750u);
  EXPECT_EQ(r.row.duration_to_prev_ns, 0u);  // no earlier exit on this thread
  EXPECT_EQ(r.row.pid, kPid);
  EXPECT_EQ(r.row.tid, kTid);
  EXPECT_EQ(r.comm, "builder");
  EXPECT_EQ(r.syscall_name, "mkdir");
  EXPECT_EQ(r.row.trace_id, IOR_SC_mkdir);
  EXPECT_EQ(r.row.event_type, IOR_CLASS_PATH);
  EXPECT_EQ(r.row.ret_value, -17);
  EXPECT_EQ(r.row.ret_type, static_cast<std::uint8_t>(schema::RetType::kError));
  EXPECT_EQ(r.pathname, "/tmp/d");
  EXPECT_EQ(r.row.fd, -1);
  EXPECT_EQ(r.hostname, "host-a");
  EXPECT_EQ(r.row.collection_id[0], 0xab);
}

TEST_F(PipelineTest, DurationToPrevIsThisEnterMinusTheThreadsPreviousExit) {
  syscall(IOR_SC_sync, 0);  // enter 1'000'000, exit 1'000'010
  syscall(IOR_SC_sync, 0);  // enter 1'000'100
  EXPECT_EQ(last().row.duration_to_prev_ns, 90u);
  syscall(IOR_SC_sync, 0, {}, {}, {}, kPid, kTid + 1);  // another thread: its own history
  EXPECT_EQ(last().row.duration_to_prev_ns, 0u);
}

TEST_F(PipelineTest, ExitWithoutEnterIsAMismatch) {
  feed(testing::exit_record(IOR_SC_read, kPid, kTid, 10, 5));
  EXPECT_EQ(stats().exit_without_enter.get(), 1u);
  EXPECT_EQ(stats().mismatches(), 1u);
  EXPECT_TRUE(consumer_.rows.empty());
}

TEST_F(PipelineTest, ExitOfAnotherSyscallIsAMismatchAndDropsBoth) {
  feed(testing::enter_record(testing::spec(IOR_SC_read, kPid, kTid, 10)));
  feed(testing::exit_record(IOR_SC_write, kPid, kTid, 20, 5));
  EXPECT_EQ(stats().exit_mismatch.get(), 1u);
  feed(testing::exit_record(IOR_SC_read, kPid, kTid, 30, 5));  // the read's exit comes too late
  EXPECT_EQ(stats().exit_without_enter.get(), 1u);
  EXPECT_TRUE(consumer_.rows.empty());
}

TEST_F(PipelineTest, EnterWhoseExitNeverCameIsReplacedAndCounted) {
  feed(testing::enter_record(testing::spec(IOR_SC_read, kPid, kTid, 10)));
  feed(testing::enter_record(testing::spec(IOR_SC_write, kPid, kTid, 20)));
  feed(testing::exit_record(IOR_SC_write, kPid, kTid, 30, 1));
  EXPECT_EQ(stats().enter_replaced.get(), 1u);
  ASSERT_EQ(consumer_.rows.size(), 1u);
  EXPECT_EQ(last().syscall_name, "write");
}

TEST_F(PipelineTest, ThreadsPairIndependently) {
  feed(testing::enter_record(testing::spec(IOR_SC_read, kPid, 1, 10)));
  feed(testing::enter_record(testing::spec(IOR_SC_write, kPid, 2, 11)));
  feed(testing::exit_record(IOR_SC_write, kPid, 2, 20, 3));
  feed(testing::exit_record(IOR_SC_read, kPid, 1, 40, 4));
  ASSERT_EQ(consumer_.rows.size(), 2u);
  EXPECT_EQ(consumer_.rows[0].syscall_name, "write");
  EXPECT_EQ(consumer_.rows[0].row.duration_ns, 9u);
  EXPECT_EQ(consumer_.rows[1].syscall_name, "read");
  EXPECT_EQ(consumer_.rows[1].row.duration_ns, 30u);
  EXPECT_EQ(stats().mismatches(), 0u);
}

TEST_F(PipelineTest, ThreadExitDiscardsItsPendingEnter) {
  feed(testing::enter_record(testing::spec(IOR_SC_read, kPid, kTid, 10)));
  feed(testing::task_record(IOR_EVENT_TASK_EXIT, kPid, kTid, 20));
  EXPECT_EQ(stats().enter_thread_gone.get(), 1u);
  feed(testing::exit_record(IOR_SC_read, kPid, kTid, 30, 1));
  EXPECT_EQ(stats().exit_without_enter.get(), 1u);
}

TEST_F(PipelineTest, FinishCountsEntersStillOpen) {
  feed(testing::enter_record(testing::spec(IOR_SC_read, kPid, kTid, 10)));
  feed(testing::enter_record(testing::spec(IOR_SC_read, kPid, kTid + 1, 10)));
  pipeline_->finish();
  EXPECT_EQ(stats().enter_unfinished.get(), 2u);
}

TEST_F(PipelineTest, SweepDropsStaleEntersOfThreadsThatAreGone) {
  auto root = std::filesystem::temp_directory_path() / ("ior-proc-" + std::to_string(getpid()));
  std::filesystem::create_directories(root / "100" / "task" / "101");  // alive: 100/101
  PipelineOptions o;
  o.proc_root = root.string();
  o.stale_enter_ns = 1000;
  make_pipeline(o);
  feed(testing::enter_record(testing::spec(IOR_SC_read, 100, 101, 10)));
  feed(testing::enter_record(testing::spec(IOR_SC_read, 100, 102, 10)));  // 102 has no /proc entry
  pipeline_->sweep(500);  // not stale yet
  EXPECT_EQ(stats().enter_thread_gone.get(), 0u);
  pipeline_->sweep(5000);
  EXPECT_EQ(stats().enter_thread_gone.get(), 1u);
  feed(testing::exit_record(IOR_SC_read, 100, 101, 6000, 1));  // the live one still pairs
  EXPECT_EQ(consumer_.rows.size(), 1u);
  std::filesystem::remove_all(root);
}

TEST_F(PipelineTest, SweepForgetsIdleThreadsThatAreGoneButKeepsLiveOnes) {
  auto root = std::filesystem::temp_directory_path() / ("ior-proc-idle-" + std::to_string(getpid()));
  std::filesystem::create_directories(root / "100" / "task" / "101");
  PipelineOptions o;
  o.proc_root = root.string();
  o.stale_enter_ns = 1000;
  make_pipeline(o);
  syscall(IOR_SC_sync, 0, {}, {}, {}, 100, 101);  // enter 1'000'000, exit 1'000'010
  syscall(IOR_SC_sync, 0, {}, {}, {}, 100, 102);  // thread 102: no /proc entry
  pipeline_->sweep(clock_ + 5000);
  EXPECT_EQ(stats().enter_thread_gone.get(), 0u);  // nothing was pending
  clock_ += 10'000;
  syscall(IOR_SC_sync, 0, {}, {}, {}, 100, 101);
  EXPECT_EQ(last().row.duration_to_prev_ns, 10'190u);  // enter 1'010'200 - exit 1'000'010: history kept
  syscall(IOR_SC_sync, 0, {}, {}, {}, 100, 102);
  EXPECT_EQ(last().row.duration_to_prev_ns, 0u);  // state was dropped: a recycled tid starts fresh
  std::filesystem::remove_all(root);
}

TEST_F(PipelineTest, CommIsTheEntersNameTrimmedAtNul) {
  auto e = testing::spec(IOR_SC_sync, kPid, kTid, 10);
  e.comm = "exactly16bytes!!";  // no NUL inside the 16 bytes
  feed(testing::enter_record(e));
  feed(testing::exit_record(IOR_SC_sync, kPid, kTid, 20, 0));
  EXPECT_EQ(last().comm, "exactly16bytes!!");
}

TEST_F(PipelineTest, StringFlagsBecomeNotices) {
  auto e = testing::spec(IOR_SC_rename, kPid, kTid, 10);
  e.str0 = "/a";
  e.str1 = "/b";
  e.str_flags = IOR_STR1_TRUNCATED | IOR_STR0_FAULT;
  feed(testing::enter_record(e));
  feed(testing::exit_record(IOR_SC_rename, kPid, kTid, 20, 0));
  EXPECT_EQ(last().oldname, "/a");
  EXPECT_EQ(last().newname, "/b");
  EXPECT_EQ(last().row.notice, schema::kNoticeTruncated | schema::kNoticeUnreadable);
}

TEST_F(PipelineTest, StringsReadAgainAtTheExitNameTheRow) {
  // A rename whose new name was unreadable at the enter, read at the exit.
  auto e = testing::spec(IOR_SC_rename, kPid, kTid, 10);
  e.str0 = "/a";
  e.str_flags = IOR_STR1_FAULT;
  feed(testing::enter_record(e));
  feed(testing::exit_str_record(IOR_SC_rename, kPid, kTid, 20, 0, IOR_STR1_FAULT, "", "/late/b"));
  ASSERT_EQ(consumer_.rows.size(), 1u);
  EXPECT_EQ(last().oldname, "/a");
  EXPECT_EQ(last().newname, "/late/b");
  EXPECT_EQ(last().row.notice, 0);
  EXPECT_EQ(last().row.duration_ns, 10u);
  EXPECT_EQ(stats().strings_at_exit.get(), 1u);

  // Cut at the exit: the row says truncated, no longer unreadable.
  e.str0 = "";
  e.str_flags = IOR_STR0_FAULT;
  feed(testing::enter_record(e));
  feed(testing::exit_str_record(IOR_SC_rename, kPid, kTid, 40, 0, IOR_STR0_FAULT, "/lon", "", IOR_STR0_TRUNCATED));
  EXPECT_EQ(last().oldname, "/lon");
  EXPECT_EQ(last().row.notice, schema::kNoticeTruncated);

  // Unreadable at the exit too (a bad pointer): nothing taken.
  feed(testing::enter_record(e));
  feed(testing::exit_str_record(IOR_SC_rename, kPid, kTid, 60, -14, IOR_STR0_FAULT, "", "", IOR_STR0_FAULT));
  EXPECT_EQ(last().oldname, "");
  EXPECT_EQ(last().row.notice, schema::kNoticeUnreadable);
  EXPECT_EQ(stats().strings_at_exit.get(), 2u);

  // An exit with strings for a string the enter had read replaces nothing.
  auto o = testing::spec(IOR_SC_openat, kPid, kTid, 70);
  o.str0 = "/read/at/enter";
  feed(testing::enter_record(o));
  feed(testing::exit_str_record(IOR_SC_openat, kPid, kTid, 80, 3, IOR_STR0_FAULT, "/other", ""));
  EXPECT_EQ(last().filename, "/read/at/enter");
  EXPECT_EQ(stats().strings_at_exit.get(), 2u);
  EXPECT_EQ(stats().exits.get(), 4u);
}

TEST_F(PipelineTest, RetTypesFollowTheSyscall) {
  using schema::RetType;
  auto type = [&] { return static_cast<RetType>(last().row.ret_type); };
  syscall(IOR_SC_openat, 3, {O_RDONLY, 0, 0}, "/f");
  EXPECT_EQ(type(), RetType::kFd);
  syscall(IOR_SC_read, 4096, {3, 4096, 0});
  EXPECT_EQ(type(), RetType::kBytes);
  syscall(IOR_SC_pwritev2, 12, {3, 1, 0});
  EXPECT_EQ(type(), RetType::kBytes);
  syscall(IOR_SC_read, -11, {3, 4096, 0});
  EXPECT_EQ(type(), RetType::kError);
  syscall(IOR_SC_mmap, 0x7f0000000000, {3, 4096, 1});
  EXPECT_EQ(type(), RetType::kAddress);
  syscall(IOR_SC_dup, 7, {3, 0, 0});
  EXPECT_EQ(type(), RetType::kFd);
  syscall(IOR_SC_fcntl, 0, {3, F_SETFL, O_APPEND});
  EXPECT_EQ(type(), RetType::kValue);
  syscall(IOR_SC_lseek, 100, {3, 100, 0});
  EXPECT_EQ(type(), RetType::kValue);
}

}  // namespace
}  // namespace ior::event
