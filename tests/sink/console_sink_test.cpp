#include "sink/console_sink.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sink/row_chunk.hpp"

namespace ior::sink {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ConsoleSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ior_console_XXXXXX";
    fd_ = mkstemp(tmpl);
    ASSERT_GE(fd_, 0);
    path_ = tmpl;
  }
  void TearDown() override {
    ::close(fd_);
    std::remove(path_.c_str());
  }
  int fd_ = -1;
  std::string path_;
};

schema::EventRow sample_row() {
  schema::EventRow r;
  r.duration_to_prev_ns = 1500;
  r.duration_ns = 2500;
  r.comm = "cat";
  r.pid = 100;
  r.tid = 101;
  r.syscall_name = "openat";
  r.ret_value = 3;
  r.filename = "/etc/passwd";
  return r;
}

TEST_F(ConsoleSinkTest, WritesHeaderAndGoFormatLines) {
  ConsoleSink sink(fd_);
  sink.consume(sample_row());
  auto r = sample_row();
  r.syscall_name = "read";
  r.ret_value = -2;
  r.notice = schema::kNoticeTruncated | schema::kNoticeFdFromProc;
  sink.consume(r);
  r.syscall_name = "newstat";
  r.ret_value = 0;
  r.filename = "";
  r.pathname = "rel/f";
  r.notice = schema::kNoticePathUnresolved | schema::kNoticeCwdFromProc;
  sink.consume(r);
  sink.close();
  EXPECT_EQ(read_file(path_),
            "durationToPrevNs,durationNs,comm,pid.tid,name,ret,notice,file\n"
            "1500,2500,cat,100.101,openat,3,,/etc/passwd\n"
            "1500,2500,cat,100.101,read,-2,truncated|fd-from-proc,/etc/passwd\n"
            "1500,2500,cat,100.101,newstat,0,path-unresolved|cwd-from-proc,rel/f\n");
  EXPECT_EQ(sink.report().rows_written, 3u);
  EXPECT_FALSE(sink.report().failed);
}

TEST_F(ConsoleSinkTest, FileFieldPrefersNamesThenFilenameThenPathname) {
  ConsoleSink sink(fd_);
  auto r = sample_row();
  r.filename = "";
  r.pathname = "/tmp/dir";
  sink.consume(r);
  r.oldname = "/a";
  r.newname = "/b";
  sink.consume(r);
  sink.close();
  auto text = read_file(path_);
  EXPECT_NE(text.find(",/tmp/dir\n"), std::string::npos);
  EXPECT_NE(text.find(",'/a' -> '/b'\n"), std::string::npos);
}

TEST_F(ConsoleSinkTest, QuotesCommasQuotesAndControlBytesSoOneRowIsOneLine) {
  ConsoleSink sink(fd_);
  auto r = sample_row();
  r.filename = "/tmp/a,b\"c\nd";
  sink.consume(r);
  sink.close();
  EXPECT_NE(read_file(path_).find(",\"/tmp/a,b\"\"c\\nd\"\n"), std::string::npos);
}

// A file named "a -> b" and a rename of a to b; names that try to act on the
// terminal or forge a row.
TEST_F(ConsoleSinkTest, HostileNamesAreEscapedAndARenameIsNotAFileNamedWithAnArrow) {
  ConsoleSink sink(fd_);
  auto r = sample_row();
  r.filename = "a -> b";
  sink.consume(r);
  r.filename = "";
  r.oldname = "a";
  r.newname = "b";
  sink.consume(r);
  r.oldname = "it's";
  r.newname = "x' -> 'y";
  sink.consume(r);
  r.oldname = r.newname = "";
  r.comm = "\x1b]0;owned\x07";
  r.filename = "\x1b[2J\xc2\x9b\xff\\\n0,0,cat,1.1,read,0,,/forged";
  sink.consume(r);
  sink.close();
  const std::string text = read_file(path_);
  EXPECT_NE(text.find(",a -> b\n"), std::string::npos) << text;
  EXPECT_NE(text.find(",'a' -> 'b'\n"), std::string::npos) << text;
  EXPECT_NE(text.find(",'it\\'s' -> 'x\\' -> \\'y'\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n1500,2500,\\x1b]0;owned\\x07,100.101,openat,3,,"
                      "\"\\x1b[2J\\xc2\\x9b\\xff\\\\\\n0,0,cat,1.1,read,0,,/forged\"\n"),
            std::string::npos)
      << text;
  // Five lines (header + 4 rows), and no control byte but their ends.
  std::size_t lines = 0;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n') ++lines;
    EXPECT_TRUE(c == '\n' || (u >= 0x20 && u != 0x7f && u != 0xc2 && u != 0xff)) << static_cast<int>(u);
  }
  EXPECT_EQ(lines, 5u);
}

// Rows handed on in chunks carry which columns repeat the row before: the
// console copies such a row's comm and file fields from the line before
// instead of escaping them again. Lines must be byte for byte those of rows
// written one by one, across chunk ends, a row left out, hostile names, a
// rename whose old name stays and whose new one changes, and a transfer
// whose second file changes alone.
TEST_F(ConsoleSinkTest, RowsFromChunksGiveTheSameLinesAsRowsOneByOne) {
  std::deque<std::string> keep;  // backs the rows' views (stays put as it grows)
  std::vector<schema::EventRow> rows;
  auto add = [&](std::string comm, std::string file, std::string old_name = "", std::string new_name = "",
                 std::string file2 = "") {
    auto r = sample_row();
    keep.push_back(std::move(comm));
    r.comm = keep.back();
    for (auto* f : {&file, &old_name, &new_name, &file2}) keep.push_back(std::move(*f));
    r.filename = keep[keep.size() - 4];
    r.oldname = keep[keep.size() - 3];
    r.newname = keep[keep.size() - 2];
    r.filename2 = keep[keep.size() - 1];
    r.ret_value = static_cast<std::int64_t>(rows.size());
    rows.push_back(r);
  };
  for (int i = 0; i < 3; ++i) add("cat", "/etc/passwd");
  for (int i = 0; i < 3; ++i) add("\x1b]0;owned\x07", "a,\"b\" \x1b[2J\xff'");
  add("\x1b]0;owned\x07", "/etc/passwd");
  add("mv", "", "/d/it's", "/d/new");
  add("mv", "", "/d/it's", "/d/other");
  add("mv", "", "/d/it's", "/d/other");
  add("cp", "/src", "", "", "/dst,1");
  add("cp", "/src", "", "", "/dst,2");
  add("cp", "/src", "", "", "/dst,2");
  add("cat", "");
  add("cat", "");
  add("cat", "/var/log/syslog");
  for (int i = 0; i < 3; ++i) add("dd", "/dev/sdb");
  // Repeated comm and file with the widest numbers, a notice in the middle
  // of the loop, and repeated fields too long for a line on the stack.
  for (int i = 0; i < 4; ++i) {
    add("dd", "/dev/sdb");
    rows.back().duration_to_prev_ns = UINT64_MAX;
    rows.back().duration_ns = UINT64_MAX - static_cast<std::uint64_t>(i);
    rows.back().pid = rows.back().tid = UINT32_MAX;
    rows.back().ret_value = i % 2 == 0 ? INT64_MIN : INT64_MAX;
    rows.back().notice = i == 2 ? schema::kNoticeFdFromProc : 0;
  }
  for (int i = 0; i < 3; ++i) add(std::string(15, 'c'), "/" + std::string(600, 'l'));
  for (int i = 0; i < 3; ++i) add("\xff\x1b", std::string(200, ',') + "\"'");

  // A row the sink does not get: the next one repeats it, but the line
  // before is another row's.
  const std::size_t skipped = 16;
  ConsoleSink one_by_one(fd_);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i != skipped) one_by_one.consume(rows[i]);
  }
  one_by_one.close();

  char tmpl[] = "/tmp/ior_console_XXXXXX";
  const int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ConsoleSink from_chunks(fd);
  std::vector<RowChunk> chunks(2);
  for (std::size_t i = 0; i < rows.size(); ++i) chunks[i < 5 ? 0 : 1].append(rows[i]);
  std::size_t index = 0, copied_comm = 0, copied_file = 0;
  for (const auto& chunk : chunks) {
    chunk.for_each_row([&](const schema::EventRow& r, const schema::RowRepeats& repeats) {
      if (repeats.same(schema::column_index("comm"))) ++copied_comm;
      if (repeats.same(schema::column_index("filename")) && repeats.same(schema::column_index("newname"))) ++copied_file;
      if (index++ != skipped) from_chunks.consume_in_batch(r, repeats);
    });
  }
  from_chunks.close();
  ::close(fd);
  const std::string got = read_file(tmpl);
  std::remove(tmpl);
  EXPECT_EQ(got, read_file(path_));
  EXPECT_EQ(from_chunks.report().rows_written, rows.size() - 1);
  EXPECT_GT(copied_comm, 10u);  // the rows did repeat: the copying path ran
  EXPECT_GT(copied_file, 5u);
}

TEST_F(ConsoleSinkTest, FlushesWhenBufferThresholdIsReached) {
  ConsoleSink sink(fd_, 64);
  for (int i = 0; i < 10; ++i) sink.consume(sample_row());
  // Not closed yet: everything past the threshold is already in the file,
  // and counted for the -live footer.
  EXPECT_GE(read_file(path_).size(), 64u);
  ASSERT_TRUE(sink.counts());
  EXPECT_GT(sink.counts()->rows_written, 0u);
  EXPECT_LT(sink.counts()->rows_written, 10u);
  sink.close();
  EXPECT_EQ(sink.report().rows_written, 10u);
  EXPECT_EQ(sink.counts()->rows_written, 10u);
}

TEST(ConsoleSinkFull, WriteErrorCountsLostRowsAndFails) {
  int fd = ::open("/dev/full", O_WRONLY);
  ASSERT_GE(fd, 0);
  ConsoleSink sink(fd);
  sink.consume(sample_row());
  sink.consume(sample_row());
  sink.close();
  ::close(fd);
  auto rep = sink.report();
  EXPECT_TRUE(rep.failed);
  EXPECT_EQ(rep.rows_written, 0u);
  EXPECT_EQ(rep.rows_lost, 2u);
  EXPECT_EQ(sink.counts()->rows_lost, 2u);
  ASSERT_FALSE(rep.lines.empty());
  EXPECT_NE(rep.lines[0].find("No space left"), std::string::npos);
}

// A write that got part of its buffer out (a pipe that took 4 KiB and no
// more) delivered whole lines: those rows count as written, the line it
// cut and the rest as lost. (The header is no row.)
TEST(ConsoleSinkFull, AWriteCutShortCountsTheWholeLinesItDeliveredAsWritten) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
  ASSERT_GE(::fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
  const int capacity = ::fcntl(p[1], F_GETPIPE_SZ);
  SinkReport rep;
  {
    ConsoleSink sink(p[1], 1 << 20);  // one write of every row
    for (int i = 0; i < 500; ++i) sink.consume(sample_row());
    sink.close();
    rep = sink.report();
  }
  std::string got(static_cast<std::size_t>(capacity) + 1, '\0');
  const ssize_t n = ::read(p[0], got.data(), got.size());
  ::close(p[0]);
  ::close(p[1]);
  ASSERT_EQ(n, capacity);  // the pipe took what it holds, then EAGAIN
  got.resize(static_cast<std::size_t>(n));
  const auto whole_lines = static_cast<std::uint64_t>(std::count(got.begin(), got.end(), '\n'));
  EXPECT_TRUE(rep.failed);
  EXPECT_GT(whole_lines, 2u);
  EXPECT_EQ(rep.rows_written, whole_lines - 1);
  EXPECT_EQ(rep.rows_written + rep.rows_lost, 500u);
}

}  // namespace
}  // namespace ior::sink
