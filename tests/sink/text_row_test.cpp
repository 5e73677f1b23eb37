// The row-level rule of the text escape: rows of valid UTF-8 pass untouched
// (the same object, no copy); a row with one invalid string has every string
// escaped and notice bit 64, the other columns unchanged.
#include "sink/text_row.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ior::sink {
namespace {

schema::EventRow sample() {
  schema::EventRow r;
  r.timestamp_ns = 42;
  r.pid = 7;
  r.comm = "a\\b";  // valid UTF-8 with a backslash
  r.syscall_name = "renameat2";
  r.oldname = "/tmp/caf\xc3\xa9";
  r.newname = "/tmp/x";
  r.hostname = "h";
  r.notice = schema::kNoticeTruncated;
  return r;
}

TEST(TextRow, ARowOfValidUtf8IsPassedThroughAsItIs) {
  TextRow t;
  const auto r = sample();
  EXPECT_EQ(&t.apply(r), &r);
  EXPECT_TRUE(all_strings_valid_utf8(r));
}

TEST(TextRow, OneInvalidStringEscapesEveryStringOfTheRowAndSetsTheNotice) {
  TextRow t;
  auto r = sample();
  const std::string bad = "/tmp/\xff" "new";
  r.newname = bad;
  EXPECT_FALSE(all_strings_valid_utf8(r));
  const auto& e = t.apply(r);
  EXPECT_NE(&e, &r);
  EXPECT_EQ(e.newname, "/tmp/\\xffnew");
  EXPECT_EQ(e.comm, "a\\\\b");  // escaped too: in a flagged row every value is unescaped
  EXPECT_EQ(e.oldname, "/tmp/caf\xc3\xa9");
  EXPECT_EQ(e.syscall_name, "renameat2");
  EXPECT_EQ(e.filename, "");
  EXPECT_EQ(e.notice, schema::kNoticeTruncated | schema::kNoticeEscaped);
  EXPECT_EQ(e.timestamp_ns, 42u);
  EXPECT_EQ(e.pid, 7u);
  EXPECT_TRUE(all_strings_valid_utf8(e));
  // The input row is not changed, and the next call reuses the buffer.
  EXPECT_EQ(r.newname, bad);
  EXPECT_EQ(r.notice, schema::kNoticeTruncated);
  auto r2 = sample();
  std::string long_bad(5000, '\x80');
  r2.cgroup = long_bad;
  const auto& e2 = t.apply(r2);
  EXPECT_EQ(e2.cgroup.size(), 4 * long_bad.size());
  EXPECT_EQ(e2.newname, "/tmp/x");
  EXPECT_EQ(e2.comm, "a\\\\b");
}

}  // namespace
}  // namespace ior::sink
