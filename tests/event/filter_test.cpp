// -comm / -path row filters and the -tps / -tpsExclude selector.
#include "base/error.hpp"
#include "event/syscall_selector.hpp"
#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

TEST_F(PipelineTest, CommFilterKeepsSubstringMatchesAndCountsTheRest) {
  PipelineOptions o;
  o.comm_filter = "post";
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
  EXPECT_EQ(stats().rows_filtered_out.get(), 1u);
  EXPECT_EQ(stats().rows_emitted.get(), 1u);
}

TEST_F(PipelineTest, PathFilterLooksAtEveryNameColumn) {
  PipelineOptions o;
  o.path_filter = "/srv/";
  make_pipeline(o);
  syscall(IOR_SC_openat, 3, {O_RDONLY, 0, 0}, "/srv/a");  // filename
  syscall(IOR_SC_read, 1, {3, 1, 0});                      // filename via the fd table
  syscall(IOR_SC_mkdir, 0, {}, "/srv/d");                  // pathname
  syscall(IOR_SC_rename, 0, {}, "/tmp/x", "/srv/x");       // newname
  syscall(IOR_SC_mkdir, 0, {}, "/tmp/other");              // no match
  EXPECT_EQ(consumer_.rows.size(), 4u);
  EXPECT_EQ(stats().rows_filtered_out.get(), 1u);
}

TEST_F(PipelineTest, FilteredRowsStillUpdateTheFdTable) {
  PipelineOptions o;
  o.comm_filter = "keep";
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
  EXPECT_EQ(stats().rows_filtered_out.get(), 1u);
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

TEST(SyscallSelectorTest, ChdirAndFchdirAreTracedForTheCwdWhateverIsSelected) {
  SyscallSelector s("openat", "");
  EXPECT_TRUE(s.traces("chdir"));
  EXPECT_TRUE(s.traces("fchdir"));
  EXPECT_TRUE(s.traced_for_cwd_only("chdir"));
  EXPECT_TRUE(s.traces("openat"));
  EXPECT_FALSE(s.traced_for_cwd_only("openat"));
  EXPECT_FALSE(s.traces("read"));
  SyscallSelector excluded("", "chdir");
  EXPECT_TRUE(excluded.traces("chdir"));
  EXPECT_TRUE(excluded.traced_for_cwd_only("chdir"));
  SyscallSelector all("", "");
  EXPECT_FALSE(all.traced_for_cwd_only("chdir"));
}

TEST_F(PipelineTest, ASyscallTracedForItsEffectOnlyMovesTheCwdWithoutARow) {
  PipelineOptions o;
  o.proc_root = empty_proc_;
  o.no_rows_of[IOR_SC_chdir] = true;
  make_pipeline(o);
  syscall(IOR_SC_chdir, 0, {}, "/srv");
  EXPECT_TRUE(consumer_.rows.empty());
  EXPECT_EQ(stats().rows_filtered_out.get(), 1u);
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

}  // namespace
}  // namespace ior::event
