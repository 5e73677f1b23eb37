// -comm / -path row filters and the -tps / -tpsExclude selector.
#include "base/error.hpp"
#include "event/syscall_selector.hpp"
#include "event/syscall_table.hpp"
#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

TEST_F(PipelineTest, CommFilterKeepsSubstringMatchesAndCountsTheRest) {
  PipelineOptions o;
  o.filters.comm = "post";
  make_pipeline(o);
  auto e = testing::spec(IOR_SC_sync, kPid, kTid, 10);
  e.comm = "postgres";
  feed(testing::enter_record(e));
  feed(testing::exit_record(IOR_SC_sync, kPid, kTid, 20, 0));
  e.comm = "nginx";
  e.time_ns = 30;
  feed(testing::enter_record(e));
  feed(testing::exit_record(IOR_SC_sync, kPid, kTid, 40, 0));
  ASSERT_EQ(consumer_.rows.size(), 1u);
  EXPECT_EQ(last().comm, "postgres");
  EXPECT_EQ(stats().rows.get(), 2u);
  EXPECT_EQ(stats().rows_filtered_out(), 1u);
  EXPECT_EQ(stats().rows_emitted.get(), 1u);
}

TEST_F(PipelineTest, PathFilterLooksAtEveryNameColumn) {
  PipelineOptions o;
  o.filters.path = "/srv/";
  make_pipeline(o);
  syscall(IOR_SC_openat, 3, {O_RDONLY, 0, 0}, "/srv/a");  // filename
  syscall(IOR_SC_read, 1, {3, 1, 0});                      // filename via the fd table
  syscall(IOR_SC_mkdir, 0, {}, "/srv/d");                  // pathname
  syscall(IOR_SC_rename, 0, {}, "/tmp/x", "/srv/x");       // newname
  syscall(IOR_SC_mkdir, 0, {}, "/tmp/other");              // no match
  EXPECT_EQ(consumer_.rows.size(), 4u);
  EXPECT_EQ(stats().rows_filtered_out(), 1u);
}

TEST_F(PipelineTest, FilteredRowsStillUpdateTheFdTable) {
  PipelineOptions o;
  o.filters.comm = "keep";
  make_pipeline(o);
  auto open = testing::spec(IOR_SC_openat, kPid, kTid, 10);
  open.comm = "skip";
  open.str0 = "/b";
  feed(testing::enter_record(open));
  feed(testing::exit_record(IOR_SC_openat, kPid, kTid, 20, 3));  // filtered out
  auto read = testing::spec(IOR_SC_read, kPid, kTid, 30);
  read.comm = "keep";
  read.args = {3, 1, 0};
  feed(testing::enter_record(read));
  feed(testing::exit_record(IOR_SC_read, kPid, kTid, 40, 1));
  ASSERT_EQ(consumer_.rows.size(), 1u);
  EXPECT_EQ(last().filename, "/b");  // learned from the filtered open
  EXPECT_EQ(stats().rows_filtered_out(), 1u);
}

// The fixture's syscalls last 10 ns; these take their own durations.
class TimedPipelineTest : public PipelineTest {
 protected:
  void timed(std::uint16_t id, std::uint64_t took_ns, std::int64_t ret, std::array<std::uint64_t, 3> args = {},
             std::string_view path = {}) {
    testing::EnterSpec e = testing::spec(id, kPid, kTid, clock_);
    e.args = args;
    e.str0 = path;
    feed(testing::enter_record(e));
    feed(testing::exit_record(id, kPid, kTid, clock_ + took_ns, ret));
    clock_ += took_ns + 1000;
  }
};

TEST_F(TimedPipelineTest, MinDurationKeepsRowsAtLeastThatSlowAndCountsTheRest) {
  PipelineOptions o;
  o.filters.min_duration_ns = 1'000'000;
  make_pipeline(o);
  timed(IOR_SC_fsync, 999'999, 0, {3});
  timed(IOR_SC_fsync, 1'000'000, 0, {3});
  timed(IOR_SC_read, 5'000'000, 4, {3, 0, 4});
  ASSERT_EQ(consumer_.rows.size(), 2u);
  EXPECT_EQ(consumer_.rows[0].row.duration_ns, 1'000'000u);
  EXPECT_EQ(consumer_.rows[1].syscall_name, "read");
  EXPECT_EQ(stats().rows_filtered_out(), 1u);
  EXPECT_EQ(stats().rows_too_fast.get(), 1u);
  EXPECT_EQ(stats().rows_emitted.get(), 2u);
}

TEST_F(TimedPipelineTest, ErrorsKeepsOnlyFailingSyscallsButNotAnMmapAddress) {
  PipelineOptions o;
  o.filters.errors_only = true;
  make_pipeline(o);
  timed(IOR_SC_openat, 10, -ENOENT, {O_RDONLY, 0, 0}, "/missing");
  timed(IOR_SC_openat, 10, 3, {O_RDONLY, 0, 0}, "/present");
  timed(IOR_SC_read, 10, 0, {3, 0, 4});
  timed(IOR_SC_mmap, 10, static_cast<std::int64_t>(0xffffffffff600000ull), {3, 0, 0});  // an address
  timed(IOR_SC_lseek, 10, -EBADF, {77, 0, 0});
  ASSERT_EQ(consumer_.rows.size(), 2u);
  EXPECT_EQ(consumer_.rows[0].filename, "/missing");
  EXPECT_EQ(consumer_.rows[0].row.ret_value, -ENOENT);
  EXPECT_EQ(consumer_.rows[1].syscall_name, "lseek");
  EXPECT_EQ(stats().rows_not_failed.get(), 3u);
  EXPECT_EQ(stats().rows_filtered_out(), 3u);
}

// A fast open and a successful dup are filtered out, yet the slow failing
// read of the dup'd fd still names the file: fd effects do not depend on
// the filters. Each row is counted under one reason only.
TEST_F(TimedPipelineTest, ErrorsAndMinDurationStillApplyFdEffectsAndCountEachRowOnce) {
  PipelineOptions o;
  o.filters.errors_only = true;
  o.filters.min_duration_ns = 1000;
  o.filters.comm = "nomatch";
  make_pipeline(o);
  timed(IOR_SC_openat, 10, 3, {O_RDONLY, 0, 0}, "/srv/f");  // succeeded
  timed(IOR_SC_dup2, 5000, 9, {3, 9, 0});                   // succeeded (slow)
  timed(IOR_SC_close, 10, -EINTR, {3});                     // failed, too fast
  timed(IOR_SC_read, 5000, -EIO, {9, 0, 4});                // failed, slow, comm does not match
  EXPECT_TRUE(consumer_.rows.empty());
  EXPECT_EQ(stats().rows_not_failed.get(), 2u);
  EXPECT_EQ(stats().rows_too_fast.get(), 1u);
  EXPECT_EQ(stats().rows_no_match.get(), 1u);
  EXPECT_EQ(stats().rows_filtered_out(), 4u);
  make_pipeline([] {
    PipelineOptions keep;
    keep.filters.errors_only = true;
    keep.filters.min_duration_ns = 1000;
    return keep;
  }());
  timed(IOR_SC_openat, 10, 3, {O_RDONLY, 0, 0}, "/srv/f");
  timed(IOR_SC_dup2, 5000, 9, {3, 9, 0});
  timed(IOR_SC_close, 10, 0, {3});
  timed(IOR_SC_read, 5000, -EIO, {9, 0, 4});
  ASSERT_EQ(consumer_.rows.size(), 1u);
  EXPECT_EQ(last().filename, "/srv/f");
  EXPECT_EQ(last().row.notice, 0u);
}

TEST(SyscallSelectorTest, EmptyListsSelectEverything) {
  SyscallSelector s("", "");
  EXPECT_TRUE(s.selects("openat"));
  EXPECT_TRUE(s.selects("io_uring_enter"));
}

TEST(SyscallSelectorTest, TpsRegexesSearchTracepointNames) {
  SyscallSelector s("read,^sys_enter_close$", "");
  EXPECT_TRUE(s.selects("read"));
  EXPECT_TRUE(s.selects("pread64"));
  EXPECT_TRUE(s.selects("readlinkat"));
  EXPECT_TRUE(s.selects("close"));
  EXPECT_FALSE(s.selects("close_range"));
  EXPECT_FALSE(s.selects("write"));
}

TEST(SyscallSelectorTest, ExcludeWinsOverInclude) {
  SyscallSelector s("read", "readv,link");
  EXPECT_TRUE(s.selects("read"));
  EXPECT_FALSE(s.selects("readv"));
  EXPECT_FALSE(s.selects("preadv2"));
  EXPECT_FALSE(s.selects("readlink"));
  SyscallSelector only_exclude("", "^sys_exit_write$");
  EXPECT_FALSE(only_exclude.selects("write"));
  EXPECT_TRUE(only_exclude.selects("writev"));
}

TEST(SyscallSelectorTest, SyscallsThatChangeTheFdTableOrTheCwdAreTracedWhateverIsSelected) {
  SyscallSelector s("^sys_enter_(read|write)$", "");
  for (const char* keeper : {"openat", "open", "creat", "openat2", "open_by_handle_at", "close", "close_range", "dup",
                             "dup2", "dup3", "fcntl", "pipe", "pipe2", "memfd_create", "chdir", "fchdir"}) {
    EXPECT_TRUE(s.traces(keeper)) << keeper;
    EXPECT_TRUE(s.traced_for_names_only(keeper)) << keeper;
  }
  EXPECT_TRUE(s.traces("read"));
  EXPECT_FALSE(s.traced_for_names_only("read"));
  for (const char* other : {"pread64", "newstat", "getcwd", "unlinkat", "fsync"}) {
    EXPECT_FALSE(s.traces(other)) << other;
  }
  // ioctl's FIOCLEX/FIONCLEX are followed only while ioctl is traced: its
  // other requests (terminals, devices) are many.
  EXPECT_FALSE(s.traces("ioctl"));
  EXPECT_TRUE(s.traces("chroot"));
  // Exactly the syscalls with an fd-table or cwd effect, by the table.
  for (std::uint16_t id = 1; id < IOR_SC_COUNT; ++id) {
    const auto& info = syscall_info(id);
    if (info.name.empty() || info.name == "read" || info.name == "write") continue;
    const bool keeps =
        info.effect != FdEffect::kNone && info.effect != FdEffect::kGetcwd && info.effect != FdEffect::kIoctl;
    EXPECT_EQ(s.traces(info.name), keeps) << info.name;
  }
  SyscallSelector excluded("", "chdir,close");
  EXPECT_TRUE(excluded.traces("chdir"));
  EXPECT_TRUE(excluded.traced_for_names_only("close"));
  SyscallSelector all("", "");
  EXPECT_FALSE(all.traced_for_names_only("chdir"));
  EXPECT_FALSE(all.traced_for_names_only("openat"));
}

TEST_F(PipelineTest, ASyscallTracedForItsEffectOnlyMovesTheCwdWithoutARow) {
  PipelineOptions o;
  o.proc_root = empty_proc_;
  o.no_rows_of[IOR_SC_chdir] = true;
  make_pipeline(o);
  syscall(IOR_SC_chdir, 0, {}, "/srv");
  EXPECT_TRUE(consumer_.rows.empty());
  EXPECT_EQ(stats().rows_filtered_out(), 1u);
  EXPECT_EQ(stats().rows_names_only.get(), 1u);
  syscall(IOR_SC_newstat, 0, {}, "f");
  ASSERT_EQ(consumer_.rows.size(), 1u);
  EXPECT_EQ(last().pathname, "/srv/f");
}

TEST(SyscallSelectorTest, InvalidRegexIsAUsageErrorNamingIt) {
  try {
    SyscallSelector s("ok,(unclosed", "");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("-tps"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(unclosed"), std::string::npos) << msg;
  }
  EXPECT_THROW(SyscallSelector("", "["), UsageError);
}

// An item that selects nothing is a typo that would trace less (or, to
// exclude, more) than asked for: "read, write" traced no write.
TEST(SyscallSelectorTest, AnItemThatMatchesNoTracepointOrIsEmptyIsAUsageError) {
  for (const auto& [tps, exclude, want] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"read, write", "", "flag -tps: \" write\" matches no syscall tracepoint"},
           {"read,nosuch", "", "flag -tps: \"nosuch\" matches no syscall tracepoint"},
           {"", "^sys_enter_nosuch$", "flag -tpsExclude: \"^sys_enter_nosuch$\" matches no syscall tracepoint"},
           {"read,", "", "flag -tps: empty item in \"read,\""},
           {"", ",write", "flag -tpsExclude: empty item"}}) {
    try {
      SyscallSelector s(tps, exclude);
      ADD_FAILURE() << tps << " / " << exclude << ": no error";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  }
  SyscallSelector ok("^sys_enter_read$,write", "_exit_openat$");
  EXPECT_TRUE(ok.selects("read"));
  EXPECT_TRUE(ok.selects("pwrite64"));
}

}  // namespace
}  // namespace ior::event
