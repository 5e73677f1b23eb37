// The escape of text columns (Parquet STRING, JSON): valid UTF-8 untouched,
// every other value escaped so that it is valid UTF-8 and unescapes to the
// original bytes. Validity is judged by glibc's iconv, not by the code under
// test, on the UTF-8 edge cases and on random bytes.
#include "base/utf8_escape.hpp"

#include <gtest/gtest.h>
#include <iconv.h>

#include <random>
#include <stdexcept>
#include <string>

namespace ior {
namespace {

using namespace std::string_literals;

bool iconv_valid(std::string_view s) {
  iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv_open");
  std::string in(s);
  std::string out(4 * s.size() + 4, '\0');
  char* inp = in.data();
  std::size_t inleft = in.size();
  char* outp = out.data();
  std::size_t outleft = out.size();
  std::size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
  iconv_close(cd);
  return r != static_cast<std::size_t>(-1) && inleft == 0;
}

std::string escaped(std::string_view s) {
  std::string out;
  append_utf8_escaped(out, s);
  return out;
}

std::string unescaped(std::string_view s) {
  std::string out;
  if (!utf8_unescape(s, out)) throw std::runtime_error("malformed escape");
  return out;
}

TEST(Utf8Escape, ValidUtf8IsRecognisedOnEveryLengthAndAlignment) {
  // Long ASCII runs take the eight-byte path; a non-ASCII byte at each offset
  // checks where that path hands over.
  for (std::size_t len = 0; len < 40; ++len) {
    for (std::size_t at = 0; at <= len; ++at) {
      std::string s(len, 'a');
      EXPECT_TRUE(valid_utf8(s));
      std::string bad = s;
      bad.insert(at, "\xff");
      EXPECT_FALSE(valid_utf8(bad)) << len << " " << at;
      std::string good = s;
      good.insert(at, "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80");  // é 日 😀
      EXPECT_TRUE(valid_utf8(good)) << len << " " << at;
      std::string cut = s;
      cut.insert(at, "\xe6\x97");  // a three-byte sequence missing its last byte
      EXPECT_FALSE(valid_utf8(cut)) << len << " " << at;
    }
  }
}

TEST(Utf8Escape, EdgeCasesAgreeWithIconv) {
  const std::string cases[] = {
      ""s,          "\x7f"s,          "\0"s,               "\xc2\x80"s,        "\xc1\xbf"s /* overlong */,
      "\xc0\x80"s,  "\xe0\x9f\xbf"s,  "\xe0\xa0\x80"s,     "\xed\x9f\xbf"s,    "\xed\xa0\x80"s /* surrogate */,
      "\xef\xbf\xbf"s, "\xf0\x8f\xbf\xbf"s, "\xf0\x90\x80\x80"s, "\xf4\x8f\xbf\xbf"s, "\xf4\x90\x80\x80"s /* > U+10FFFF */,
      "\xf5\x80\x80\x80"s, "\x80"s, "\xbf"s, "\xfe"s, "\xff"s, "\xc3"s, "caf\xc3\xa9"s, "\xe2\x80\xa8"s};
  for (const auto& c : cases) {
    EXPECT_EQ(valid_utf8(c), iconv_valid(c)) << ::testing::PrintToString(c);
  }
}

TEST(Utf8Escape, EscapesBackslashesAndInvalidBytesOnly) {
  EXPECT_EQ(escaped("/tmp/bad\xff\xfe\xc3"), "/tmp/bad\\xff\\xfe\\xc3");
  EXPECT_EQ(escaped("back\\slash\\x41\xff"), "back\\\\slash\\\\x41\\xff");
  EXPECT_EQ(escaped("caf\xc3\xa9 \xe6\x97\xa5 \x80"), "caf\xc3\xa9 \xe6\x97\xa5 \\x80");
  EXPECT_EQ(escaped("\xed\xa0\x80"), "\\xed\\xa0\\x80");   // a surrogate: three invalid bytes
  EXPECT_EQ(escaped("\xe6\x97" "a"), "\\xe6\\x97a");       // a cut sequence, then ASCII
  EXPECT_EQ(escaped("\x1b[2J\n\t"), "\x1b[2J\n\t");       // controls are valid UTF-8: JSON escapes them
  EXPECT_EQ(escaped(std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(Utf8Escape, EveryEscapedValueIsValidUtf8AndUnescapesToTheOriginal) {
  std::mt19937 rng(14);
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 64, '\0');
    // Mostly printable ASCII with some backslashes, x and hex digits (to look
    // like escapes), high bytes and pieces of valid sequences.
    static const std::string alphabet = "\\x0aF/\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\xff\x80\xed\xa0";
    for (auto& c : s) c = round % 2 ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
    const std::string e = escaped(s);
    EXPECT_TRUE(iconv_valid(e)) << ::testing::PrintToString(s);
    EXPECT_TRUE(valid_utf8(e));
    EXPECT_EQ(unescaped(e), s) << ::testing::PrintToString(s);
    if (iconv_valid(s)) {
      EXPECT_TRUE(valid_utf8(s)) << ::testing::PrintToString(s);
    } else {
      EXPECT_FALSE(valid_utf8(s)) << ::testing::PrintToString(s);
    }
  }
}

TEST(Utf8Escape, LongValuesRoundTrip) {
  std::string s;
  for (int i = 0; i < 100000; ++i) s += (i % 97 == 0) ? "\xfe\\" : "/abc\xc3\xa9";
  EXPECT_FALSE(valid_utf8(s));
  const std::string e = escaped(s);
  EXPECT_TRUE(iconv_valid(e));
  EXPECT_EQ(unescaped(e), s);
}

TEST(Utf8Escape, UnescapeRefusesWhatTheEscapeNeverWrites) {
  std::string out;
  EXPECT_FALSE(utf8_unescape("a\\", out));
  out.clear();
  EXPECT_FALSE(utf8_unescape("a\\n", out));
  out.clear();
  EXPECT_FALSE(utf8_unescape("\\x4", out));
  out.clear();
  EXPECT_FALSE(utf8_unescape("\\xg0", out));
  EXPECT_EQ(unescaped("\\xFF\\xff\\\\"), "\xff\xff\\");  // either case of hex digits
}

}  // namespace
}  // namespace ior
