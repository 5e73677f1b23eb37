// The row-level rule of the text escape: rows of valid UTF-8 pass untouched
// (the same object, no copy); a row with one invalid string has every string
// escaped and notice bit 64, the other columns unchanged.
#include "sink/text_row.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

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

// apply then TextRowReverse gives every row back exactly, a flagged row and
// a plain one alike, for random bytes that are mostly text.
TEST(TextRowReverse, UndoesTheEscapeOfEveryRowOfABatch) {
  std::mt19937 rng(7);
  // The first seven make valid UTF-8 only (backslashes and "\xff" text
  // included); a row drawn from all may hold invalid bytes.
  const char alphabet[] = {'a', '/', '\\', 'x', 'f', '0', '\n', '\xff', '\xc3', '\xa9', '\x80'};
  std::vector<std::string> store;
  store.reserve(4000);
  bool odd = false;
  auto text = [&] {
    std::string s(rng() % 12, ' ');
    for (auto& c : s) c = alphabet[rng() % (odd ? sizeof alphabet : 7)];
    store.push_back(s);
    return std::string_view(store.back());
  };
  std::vector<schema::EventRow> originals(300);
  for (auto& r : originals) {
    odd = rng() % 2 == 0;
    r.comm = text();
    r.filename = text();
    r.newname = text();
    r.cgroup = text();
    r.notice = static_cast<std::uint8_t>(rng() % 64);
  }
  TextRow forward;
  std::vector<std::string> kept;  // the escaped rows' strings, as a file would hold them
  kept.reserve(originals.size() * 4);
  std::vector<schema::EventRow> stored;
  std::size_t flagged = 0;
  for (const auto& r : originals) {
    schema::EventRow e = forward.apply(r);
    if (e.notice & schema::kNoticeEscaped) {
      ++flagged;
      for (auto m : {&schema::EventRow::comm, &schema::EventRow::filename, &schema::EventRow::newname,
                     &schema::EventRow::cgroup}) {
        kept.emplace_back(e.*m);
        e.*m = kept.back();
      }
    }
    stored.push_back(e);
  }
  EXPECT_GT(flagged, 50u);
  EXPECT_LT(flagged, 300u);
  TextRowReverse reverse;
  EXPECT_EQ(reverse.apply(stored), "");
  for (std::size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].comm, originals[i].comm) << i;
    EXPECT_EQ(stored[i].filename, originals[i].filename) << i;
    EXPECT_EQ(stored[i].newname, originals[i].newname) << i;
    EXPECT_EQ(stored[i].cgroup, originals[i].cgroup) << i;
    EXPECT_EQ(stored[i].notice, originals[i].notice) << i;
  }
}

TEST(TextRowReverse, NamesTheFirstColumnThatHoldsNoEscape) {
  std::vector<schema::EventRow> rows(2);
  rows[0].filename = "\\x41";
  rows[0].notice = schema::kNoticeEscaped;
  rows[1].oldname = "a\\";
  rows[1].newname = "\\xg0";
  rows[1].notice = schema::kNoticeEscaped;
  TextRowReverse reverse;
  EXPECT_EQ(reverse.apply(rows), "oldname");
  EXPECT_EQ(rows[0].filename, "A");
}

}  // namespace
}  // namespace ior::sink
