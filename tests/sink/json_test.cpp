// The JSON lines output: the string escape (RFC 8259) byte for byte, and
// files of hostile rows parsed back by a real JSON parser (Python's json
// module, strict, through tests/readers/json_lines.py), every value compared.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "base/terminal_text.hpp"
#include "base/utf8_escape.hpp"
#include "schema/columns.hpp"
#include "sink/json_row.hpp"
#include "sink/json_sink.hpp"
#include "sink/json_text.hpp"
#include "subprocess.hpp"

namespace ior::sink {
namespace {

using namespace std::string_literals;

std::string json(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonText, EscapesQuotesBackslashesAndEveryControlCharacter) {
  EXPECT_EQ(json(""), "\"\"");
  EXPECT_EQ(json("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
  EXPECT_EQ(json("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
  EXPECT_EQ(json("\x01\x1b[2J\x1f"), "\"\\u0001\\u001b[2J\\u001f\"");
  EXPECT_EQ(json("\0"s), "\"\\u0000\"");
  for (int c = 0; c < 0x20; ++c) {
    const std::string out = json(std::string(1, static_cast<char>(c)));
    EXPECT_EQ(out[1], '\\') << c;
    EXPECT_EQ(out.find_first_of(std::string("\0\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
                                            "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f", 32)),
              std::string::npos)
        << c;
  }
  // DEL, C1 controls (0x9b is CSI), line separators and bidirectional
  // controls as \uXXXX, so that a line is safe on a terminal; other UTF-8
  // as it is.
  EXPECT_EQ(json("\x7f caf\xc3\xa9 \xc2\x9b \xe2\x80\xa8 \xe2\x80\xae \xd8\x9c \xe2\x81\xa6 \xf0\x9f\x98\x80"),
            "\"\\u007f caf\xc3\xa9 \\u009b \\u2028 \\u202e \\u061c \\u2066 \xf0\x9f\x98\x80\"");
  // Characters that print as nothing, too; one above U+FFFF (a language
  // tag) as its surrogate pair, which JSON parsers join again.
  EXPECT_EQ(json("pass\xe2\x80\x8bwd \xef\xbb\xbf \xf3\xa0\x81\x81"), "\"pass\\u200bwd \\ufeff \\udb40\\udc41\"");
  // A byte that is not UTF-8 (only when sink::TextRow was skipped): U+FFFD,
  // the line stays valid JSON.
  EXPECT_EQ(json("a\xff" "b\xc3"), "\"a\\ufffdb\\ufffd\"");
}

// Whatever bytes a row holds, its JSON line is printable as it is: the
// terminal escape (base/terminal_text, backslashes aside) finds nothing in
// it to escape, and it is valid UTF-8.
TEST(JsonText, EveryLineIsSafeOnATerminal) {
  std::mt19937 rng(11);
  TextRow text;
  const std::vector<std::string> pieces = {"\xc2\x9b", "\xe2\x80\xae", "\xe2\x80\xa8", "\xd8\x9c", "\x1b[2J",
                                           "caf\xc3\xa9", "\xff", "\xed\xa0\x80", "\x7f", "\\", "\""};
  for (int round = 0; round < 2000; ++round) {
    std::string name;
    for (int k = 0; k < 6; ++k) {
      if (rng() % 2) {
        name += pieces[rng() % pieces.size()];
      } else {
        name.push_back(static_cast<char>(rng() % 256));
      }
    }
    schema::EventRow r;
    r.filename = name;
    r.comm = name;
    std::string line;
    append_json_row(line, text.apply(r));
    ASSERT_EQ(line.back(), '\n');
    line.pop_back();
    TerminalTextOptions keep;
    keep.keep_backslashes = true;
    EXPECT_EQ(terminal_text(line, keep), line) << round;
    EXPECT_TRUE(valid_utf8(line)) << round;
  }
}

TEST(JsonText, LongStringsAreCopiedInRunsBetweenEscapes) {
  std::string s;
  for (int i = 0; i < 200000; ++i) s += i % 1000 == 0 ? "\n\"" : "abcd";
  std::string want = "\"";
  for (int i = 0; i < 200000; ++i) want += i % 1000 == 0 ? "\\n\\\"" : "abcd";
  want += "\"";
  EXPECT_EQ(json(s), want);
}

TEST(JsonRow, EveryColumnUnderItsNameInTableOrder) {
  schema::EventRow r;
  r.timestamp_ns = UINT64_MAX;
  r.ret_value = INT64_MIN;
  r.fd = -1;
  r.comm = "c";
  r.collection_id.fill(0xab);
  std::string out;
  append_json_row(out, r);
  ASSERT_EQ(out.back(), '\n');
  std::size_t at = 0;
  schema::for_each_column([&](const auto& c) {
    const auto p = out.find("\"" + std::string(c.name) + "\":", at);
    EXPECT_NE(p, std::string::npos) << c.name;
    at = p;
  });
  EXPECT_EQ(out.rfind("{\"timestamp_ns\":18446744073709551615,", 0), 0u) << out;
  EXPECT_NE(out.find("\"ret_value\":-9223372036854775808,"), std::string::npos);
  EXPECT_NE(out.find("\"fd\":-1,"), std::string::npos);
  EXPECT_NE(out.find("\"filename\":\"\","), std::string::npos);
  EXPECT_NE(out.find("\"collection_id\":\"abababab-abab-abab-abab-abababababab\"}\n"), std::string::npos) << out;
}

// Owns the bytes the rows' views point at.
struct Rows {
  std::deque<std::string> strings;
  std::vector<schema::EventRow> rows;
  std::string_view keep(std::string s) {
    strings.push_back(std::move(s));
    return strings.back();
  }
};

std::string hex(std::string_view s) {
  static const char* d = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    out += d[static_cast<unsigned char>(ch) >> 4];
    out += d[static_cast<unsigned char>(ch) & 15];
  }
  return out;
}

// What json_lines.py prints for a row as the file must hold it: strings
// given as written (escaped by hand where the row has invalid UTF-8).
std::string canonical(const schema::EventRow& r) {
  std::string out;
  schema::for_each_column([&](const auto& c) {
    if (!out.empty()) out += '|';
    const auto& v = r.*c.member;
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string_view>) {
      out += "s:" + hex(v);
    } else if constexpr (std::is_same_v<T, schema::Uuid>) {
      out += "s:" + hex("00000000-0000-0000-0000-0000000000" + std::string(v[15] < 16 ? "0" : "") +
                        std::to_string(v[15]));  // only the last byte is set, below 10 here
    } else {
      out += std::to_string(+v);
    }
  });
  return out;
}

class JsonSinkFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ior-json-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::vector<std::string> parse(const std::string& path) {
    std::string out = testing::run_and_capture({IOR_PYTHON3, IOR_JSON_LINES_PY, path});
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }

  std::filesystem::path dir_;
};

TEST_F(JsonSinkFile, HostileRowsParseWithPythonsJsonModuleToTheExactValues) {
  Rows t;
  std::vector<std::string> want;
  auto add = [&](schema::EventRow r, const schema::EventRow& written) {
    t.rows.push_back(r);
    want.push_back(canonical(written));
  };
  schema::EventRow lo;
  lo.ret_value = INT64_MIN;
  lo.fd = INT32_MIN;
  lo.fd2 = -1;
  lo.flags = INT32_MIN;
  add(lo, lo);
  schema::EventRow hi;
  hi.timestamp_ns = UINT64_MAX;  // above 2^53: exact in Python, not in a double
  hi.pid = hi.tid = hi.ppid = hi.uid = hi.gid = UINT32_MAX;
  hi.cgroup_id = hi.bytes = hi.duration_ns = hi.duration_to_prev_ns = UINT64_MAX;
  hi.trace_id = UINT16_MAX;
  hi.event_type = hi.ret_type = UINT8_MAX;
  hi.notice = 0x3f;
  hi.ret_value = INT64_MAX;
  hi.fd = hi.fd2 = hi.flags = INT32_MAX;
  hi.collection_id[15] = 9;
  hi.comm = t.keep("ior\x1b" "c\"q\\");
  hi.filename = t.keep("/tmp/ctl\x01\x02\x1f\x7f\n\r\t\b\f end");
  hi.pathname = t.keep(std::string("/nul\0byte", 9));
  hi.passed_name = t.keep("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80 \xe2\x80\xa8 \xc2\x9b \xe2\x80\xae");
  hi.filename2 = t.keep("/" + std::string(70000, 'L'));  // one long line
  add(hi, hi);
  // Invalid UTF-8: the row's strings escaped (docs/PARQUET.md), bit 64.
  schema::EventRow bad;
  bad.timestamp_ns = 3;
  bad.comm = "w\\x";
  bad.oldname = t.keep("/tmp/bad\xff\xfe\xc3");
  bad.newname = t.keep("/tmp/ok\"\n");
  bad.notice = 1;
  schema::EventRow bad_written = bad;
  bad_written.comm = "w\\\\x";
  bad_written.oldname = "/tmp/bad\\xff\\xfe\\xc3";
  bad_written.notice = 65;
  add(bad, bad_written);

  const std::string path = (dir_ / "rows.json").string();
  {
    JsonSink sink(path, ExistingOutput::kRefuse, 4096);  // small buffer: several writes
    for (int round = 0; round < 3; ++round) {
      for (const auto& r : t.rows) sink.consume(r);
    }
    sink.close();
    auto report = sink.report();
    EXPECT_EQ(report.name, "json-file");
    EXPECT_EQ(report.rows_written, 9u);
    EXPECT_EQ(report.rows_lost, 0u);
    EXPECT_FALSE(report.failed);
  }
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  auto lines = parse(path);
  ASSERT_EQ(lines.size(), 10u);
  std::string keys = "keys ";
  schema::for_each_column([&](const auto& c) { keys += std::string(c.name) + ","; });
  keys.pop_back();
  EXPECT_EQ(lines[0], keys);
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_EQ(lines[i], want[(i - 1) % 3]) << "line " << i;
}

TEST_F(JsonSinkFile, ATakenNameIsRefusedAndALinkIsNeverFollowed) {
  const std::string path = (dir_ / "taken.json").string();
  std::ofstream(path) << "keep";
  EXPECT_THROW(JsonSink(path, ExistingOutput::kRefuse), Error);
  const std::string link = (dir_ / "link.json").string();
  ASSERT_EQ(::symlink(path.c_str(), link.c_str()), 0);
  {
    JsonSink sink(link, ExistingOutput::kReplace);
    sink.consume(schema::EventRow{});
    sink.close();
  }
  std::ifstream in(path);
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "keep");  // the link itself was replaced, not its target
  struct stat st {};
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(parse(link).size(), 2u);
}

TEST_F(JsonSinkFile, AnAbandonedSinkLeavesTheNameAsItWas) {
  const std::string path = (dir_ / "taken.json").string();
  std::ofstream(path) << "keep";
  {
    JsonSink sink(path, ExistingOutput::kReplace);
    sink.abandon();
    EXPECT_TRUE(sink.report().lines.empty());
  }
  std::ifstream in(path);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "keep");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
}

// A write error (EFBIG under a file-size limit, as a full disk would be)
// keeps every complete line under the name (also those of the write cut
// short), counts them written and the rest lost, and fails.
TEST_F(JsonSinkFile, AWriteErrorKeepsTheCompleteLinesAndCountsTheRestLost) {
  const std::string path = (dir_ / "cut.json").string();
  schema::EventRow r;
  r.filename = "/some/file";
  std::string one;
  append_json_row(one, r);
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  const std::size_t buffer = 10 * one.size();  // 10 rows per write
  sink::SinkReport report;
  {
    JsonSink sink(path, ExistingOutput::kRefuse, buffer);
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit lim = old;
    lim.rlim_cur = 25 * one.size();  // the third write of 10 rows does not fit
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &lim), 0);
    for (int i = 0; i < 25; ++i) sink.consume(r);
    // While the run goes on (the -live footer): the two writes that fit.
    const auto during = sink.counts();
    ASSERT_TRUE(during);
    EXPECT_EQ(during->rows_written, 20u);
    EXPECT_EQ(during->rows_lost, 0u);
    for (int i = 25; i < 100; ++i) sink.consume(r);
    sink.close();
    ::setrlimit(RLIMIT_FSIZE, &old);
    report = sink.report();
  }
  EXPECT_TRUE(report.failed);
  // The third write got part of its ten rows out before the limit: its
  // whole lines are kept and counted, the cut one and the rest are lost.
  EXPECT_GT(report.rows_written, 20u);
  EXPECT_LT(report.rows_written, 30u);
  EXPECT_EQ(report.rows_written + report.rows_lost, 100u);
  EXPECT_EQ(parse(path).size(), 1 + report.rows_written);  // keys + the rows counted written, each whole
}

TEST(JsonSinkFd, LinesGoToTheDescriptor) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  {
    JsonSink sink(p[1]);
    schema::EventRow r;
    r.comm = "x";
    sink.consume(r);
    sink.flush();
    sink.close();
    EXPECT_EQ(sink.report().name, "json");
    EXPECT_EQ(sink.report().rows_written, 1u);
  }
  ::close(p[1]);
  char buf[4096];
  const ssize_t n = ::read(p[0], buf, sizeof buf);
  ::close(p[0]);
  ASSERT_GT(n, 0);
  const std::string got(buf, static_cast<std::size_t>(n));
  EXPECT_EQ(got.rfind("{\"timestamp_ns\":0,", 0), 0u);
  EXPECT_NE(got.find("\"comm\":\"x\""), std::string::npos);
  EXPECT_EQ(got.back(), '\n');
}

}  // namespace
}  // namespace ior::sink
