// The terminal escaping: every class of byte, the UTF-8 edge cases, and that
// the escaped text is always clean UTF-8 from which the original bytes come
// back. Validity is judged by glibc's iconv, not by the code under test.
#include "base/terminal_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>
#include <iconv.h>

#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>

#include "base/display_width.hpp"

namespace ior {
namespace {

using namespace std::string_literals;

// The inverse of the documented escapes, written from the documentation.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out.push_back(s[i]);
      continue;
    }
    if (++i == s.size()) throw std::runtime_error("dangling backslash");
    switch (s[i]) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'x':
        if (i + 2 >= s.size()) throw std::runtime_error("short \\x");
        out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
        break;
      default: out.push_back(s[i]);  // \\ and the also_escape characters
    }
  }
  return out;
}

// The code points of s when glibc decodes all of it as UTF-8; nullopt when
// any byte is not well-formed UTF-8.
std::optional<std::u32string> decode_utf8(std::string_view s) {
  iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv_open");
  std::u32string out(s.size(), U'\0');
  std::string in(s);
  char* inp = in.data();
  std::size_t inleft = in.size();
  char* outp = reinterpret_cast<char*>(out.data());
  std::size_t outleft = out.size() * sizeof(char32_t);
  std::size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
  iconv_close(cd);
  if (r == static_cast<std::size_t>(-1) || inleft != 0) return std::nullopt;
  out.resize(out.size() - outleft / sizeof(char32_t));
  return out;
}

bool is_escaped_code_point(char32_t cp) {
  return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
         cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
         // printed as nothing (Unicode's default-ignorable format characters, but the variation selectors)
         cp == 0xad || cp == 0x34f || cp == 0x115f || cp == 0x1160 || cp == 0x17b4 || cp == 0x17b5 ||
         (cp >= 0x180b && cp <= 0x180f) || (cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x206a && cp <= 0x206f) || cp == 0x3164 || cp == 0xffa0 || cp == 0xfeff ||
         (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0x1d173 && cp <= 0x1d17a) || (cp >= 0xe0000 && cp <= 0xe007f);
}

// What every escaped text must be: UTF-8 without a control or layout character.
void expect_clean(const std::string& escaped, const std::string& original) {
  auto cps = decode_utf8(escaped);
  ASSERT_TRUE(cps.has_value()) << "not UTF-8: " << escaped;
  for (char32_t cp : *cps) {
    EXPECT_FALSE(is_escaped_code_point(cp)) << "U+" << std::hex << static_cast<std::uint32_t>(cp)
                                            << " left in " << escaped;
  }
  EXPECT_EQ(unescape(escaped), original);
}

TEST(TerminalText, PrintableAsciiAndUtf8StayReadable) {
  EXPECT_EQ(terminal_text("/var/log/syslog.1"), "/var/log/syslog.1");
  EXPECT_EQ(terminal_text("a -> b 'q' \"d\" ~!@#$%^&*()"), "a -> b 'q' \"d\" ~!@#$%^&*()");
  const std::string utf8 = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xc2\xa0";  // é 日本 😀 NBSP
  EXPECT_EQ(terminal_text(utf8), utf8);
  EXPECT_EQ(terminal_text("\xef\xbf\xbd"), "\xef\xbf\xbd");          // U+FFFD
  EXPECT_EQ(terminal_text("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");  // U+10FFFF, the last one
  EXPECT_EQ(terminal_text("\xed\x9f\xbf"), "\xed\x9f\xbf");          // U+D7FF, before the surrogates
  EXPECT_EQ(terminal_text(""), "");
}

TEST(TerminalText, BackslashIsDoubled) {
  EXPECT_EQ(terminal_text("a\\b"), "a\\\\b");
  EXPECT_EQ(terminal_text("\\x1b"), "\\\\x1b");  // a name that looks like an escape stays distinct
}

TEST(TerminalText, EveryC0ControlAndDel) {
  for (int c = 0; c < 0x20; ++c) {
    std::string in(1, static_cast<char>(c));
    std::string want;
    if (c == '\n') {
      want = "\\n";
    } else if (c == '\t') {
      want = "\\t";
    } else if (c == '\r') {
      want = "\\r";
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      want = buf;
    }
    EXPECT_EQ(terminal_text(in), want) << c;
  }
  EXPECT_EQ(terminal_text("\x7f"), "\\x7f");
  EXPECT_EQ(terminal_text("\x1b[2J\x1b]0;owned\x07"), "\\x1b[2J\\x1b]0;owned\\x07");
  EXPECT_EQ(terminal_text("x\n1,2,cat"), "x\\n1,2,cat");
}

TEST(TerminalText, EveryC1Control) {
  for (int c = 0x80; c <= 0x9f; ++c) {
    std::string in = "\xc2"s + static_cast<char>(c);
    char buf[16];
    std::snprintf(buf, sizeof buf, "\\xc2\\x%02x", c);
    EXPECT_EQ(terminal_text(in), buf) << c;
  }
  EXPECT_EQ(terminal_text("\xc2\x9b" "2J"), "\\xc2\\x9b2J");  // CSI
}

TEST(TerminalText, LineSeparatorsAndBidiControls) {
  EXPECT_EQ(terminal_text("a\xe2\x80\xae" "txt.exe"), "a\\xe2\\x80\\xaetxt.exe");  // U+202E
  EXPECT_EQ(terminal_text("\xe2\x80\xa8"), "\\xe2\\x80\\xa8");                     // U+2028
  EXPECT_EQ(terminal_text("\xe2\x81\xa6"), "\\xe2\\x81\\xa6");                     // U+2066
  EXPECT_EQ(terminal_text("\xe2\x80\x8f"), "\\xe2\\x80\\x8f");                     // U+200F
  EXPECT_EQ(terminal_text("\xd8\x9c"), "\\xd8\\x9c");                              // U+061C
  EXPECT_EQ(terminal_text("\xe2\x80\x94"), "\xe2\x80\x94");                        // U+2014 dash kept
}

// A character that prints as nothing would let one name pass for another:
// "/etc/pass" U+200B "wd" showed as /etc/passwd.
TEST(TerminalText, InvisibleCharactersAreEscapedSoNoNameLooksLikeAnother) {
  EXPECT_EQ(terminal_text("/etc/pass\xe2\x80\x8bwd"), "/etc/pass\\xe2\\x80\\x8bwd");  // U+200B
  EXPECT_EQ(terminal_text("\xef\xbb\xbfx"), "\\xef\\xbb\\xbfx");                      // U+FEFF
  EXPECT_EQ(terminal_text("a\xe2\x81\xa0" "b"), "a\\xe2\\x81\\xa0b");                    // U+2060
  EXPECT_EQ(terminal_text("a\xe2\x80\x8d" "b"), "a\\xe2\\x80\\x8db");                    // U+200D
  EXPECT_EQ(terminal_text("shy\xc2\xad"), "shy\\xc2\\xad");                              // U+00AD
  EXPECT_EQ(terminal_text("\xf3\xa0\x81\x81"), "\\xf3\\xa0\\x81\\x81");            // U+E0041, a tag
  EXPECT_EQ(terminal_text("\xe3\x85\xa4"), "\\xe3\\x85\\xa4");                        // U+3164
  const std::string heart = "\xe2\x9d\xa4\xef\xb8\x8f";  // U+2764 U+FE0F: the emoji keeps its selector
  EXPECT_EQ(terminal_text(heart), heart);
  for (const char* s : {"/etc/pass\xe2\x80\x8bwd", "\xef\xbb\xbf", "\xe2\x81\xa4", "\xf0\x9d\x85\xb3"}) {
    expect_clean(terminal_text(s), s);
  }
}

// A cell cut to the screen never ends inside an escape: "\xe2\x80\" would
// read as other bytes than the name's.
TEST(TerminalText, APrefixThatFitsNeverEndsInsideAnEscape) {
  const std::string e = terminal_text("ab\xe2\x80\xae" "cd\\e");  // ab\xe2\x80\xaecd\\e
  ASSERT_EQ(e, "ab\\xe2\\x80\\xaecd\\\\e");
  for (std::size_t w = 0; w <= e.size(); ++w) {
    const std::string_view p(e.data(), terminal_text_prefix(e, w));
    EXPECT_LE(p.size(), w);
    // Whatever the width, the prefix ends on an escape's boundary.
    const std::vector<std::size_t> ends = {0, 1, 2, 6, 10, 14, 15, 16, 18, 19};
    EXPECT_NE(std::find(ends.begin(), ends.end(), p.size()), ends.end()) << w << ": " << p;
  }
  EXPECT_EQ(terminal_text_prefix(e, 9), 6u);    // not "ab\xe2\x8"
  EXPECT_EQ(terminal_text_prefix(e, 17), 16u);  // not "...cd\"
}

TEST(TerminalText, InvalidUtf8EveryByteEscaped) {
  EXPECT_EQ(terminal_text("\x80"), "\\x80");                          // stray continuation
  EXPECT_EQ(terminal_text("\xbf\xbf"), "\\xbf\\xbf");
  EXPECT_EQ(terminal_text("\xc0\xaf"), "\\xc0\\xaf");                 // overlong '/'
  EXPECT_EQ(terminal_text("\xc1\xbf"), "\\xc1\\xbf");                 // overlong
  EXPECT_EQ(terminal_text("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");        // overlong 3 bytes
  EXPECT_EQ(terminal_text("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf");
  EXPECT_EQ(terminal_text("\xc0\x9b"), "\\xc0\\x9b");                 // overlong CSI
  EXPECT_EQ(terminal_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");        // surrogate U+D800
  EXPECT_EQ(terminal_text("\xed\xbf\xbf"), "\\xed\\xbf\\xbf");        // surrogate U+DFFF
  EXPECT_EQ(terminal_text("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // U+110000
  EXPECT_EQ(terminal_text("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80");
  EXPECT_EQ(terminal_text("\xfe\xff"), "\\xfe\\xff");
}

TEST(TerminalText, TruncatedSequencesAtTheEndAndInTheMiddle) {
  EXPECT_EQ(terminal_text("a\xc3"), "a\\xc3");
  EXPECT_EQ(terminal_text("a\xe2\x82"), "a\\xe2\\x82");              // € cut
  EXPECT_EQ(terminal_text("a\xf0\x9f\x98"), "a\\xf0\\x9f\\x98");     // 😀 cut
  EXPECT_EQ(terminal_text("\xe2\x82z"), "\\xe2\\x82z");
  // A lead byte cut short by the next character: only the broken byte is escaped.
  EXPECT_EQ(terminal_text("\xc3\xc3\xa9"), "\\xc3\xc3\xa9");
  EXPECT_EQ(terminal_text("\xf0\x9f\xe6\x97\xa5"), "\\xf0\\x9f\xe6\x97\xa5");
}

TEST(TerminalText, Options) {
  TerminalTextOptions quote;
  quote.also_escape = "';";
  EXPECT_EQ(terminal_text("it's a;b", quote), "it\\'s a\\;b");
  EXPECT_EQ(terminal_text("it's a;b"), "it's a;b");
  TerminalTextOptions lines;
  lines.keep_newlines = true;
  EXPECT_EQ(terminal_text("one\ntwo\x1b\\\n", lines), "one\ntwo\\x1b\\\\\n");
  TerminalTextOptions display;
  display.keep_backslashes = true;
  EXPECT_EQ(terminal_text("a\\x1b\x1b\n", display), "a\\x1b\\x1b\\n");
}

// Every 1- and 2-byte string, every 3-byte string with a 3-byte lead, and
// 4-byte ones around the boundaries: valid UTF-8 (by iconv) without a
// control or layout character is kept, anything else escaped, and the
// result is clean and reversible.
TEST(TerminalText, ExhaustiveShortSequencesAgreeWithIconv) {
  auto check = [](const std::string& in) {
    std::string out = terminal_text(in);
    auto cps = decode_utf8(in);
    bool keep = cps.has_value() && in.find('\\') == std::string::npos;
    if (keep) {
      for (char32_t cp : *cps) keep = keep && !is_escaped_code_point(cp);
    }
    if (keep) {
      ASSERT_EQ(out, in);
    } else {
      ASSERT_NE(out, in);
    }
    ASSERT_NO_FATAL_FAILURE(expect_clean(out, in));
  };
  for (int a = 0; a < 256; ++a) {
    check(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) check({static_cast<char>(a), static_cast<char>(b)});
  }
  for (int a = 0xe0; a <= 0xef; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c = 0; c < 256; ++c) {
        check({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
      }
    }
  }
  for (int a = 0xf0; a <= 0xff; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c : {0x41, 0x80, 0xbf, 0xc0}) {
        for (int d : {0x41, 0x80, 0xbf, 0xc0}) {
          check({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d)});
        }
      }
    }
  }
}

// Long ASCII runs are tested eight bytes at a time: every byte value at
// every position of a 17-byte text is escaped as it is alone.
TEST(TerminalText, EveryByteAtEveryPositionOfALongRun) {
  TerminalTextOptions quote;
  quote.also_escape = "'";
  for (const TerminalTextOptions& o : {TerminalTextOptions{}, quote}) {
    for (int b = 0; b < 256; ++b) {
      const std::string alone = terminal_text(std::string(1, static_cast<char>(b)), o);
      for (std::size_t pos = 0; pos < 17; ++pos) {
        std::string in(17, 'a');
        in[pos] = static_cast<char>(b);
        ASSERT_EQ(terminal_text(in, o), std::string(pos, 'a') + alone + std::string(16 - pos, 'a'))
            << "byte " << b << " at " << pos;
      }
    }
  }
}

TEST(TerminalText, RandomBytesComeBackFromTheEscapedText) {
  std::mt19937 rng(12345);
  for (int n = 0; n < 20000; ++n) {
    std::string in(rng() % 40, '\0');
    for (auto& ch : in) {
      // Biased to the interesting bytes: controls, backslash, lead and continuation bytes.
      static constexpr unsigned char kPool[] = {0x00, 0x07, 0x0a, 0x1b, 0x5c, 0x7f, 0x80, 0x9b, 0xa0, 0xbf,
                                                0xc2, 0xc3, 0xe0, 0xe2, 0xed, 0xf0, 0xf4, 0xff, 'a', ';'};
      ch = static_cast<char>(rng() % 3 == 0 ? rng() % 256 : kPool[rng() % sizeof kPool]);
    }
    ASSERT_NO_FATAL_FAILURE(expect_clean(terminal_text(in), in));
  }
}

// The library's own inverse (flame graph frames, -live's flame tab): every
// escaped text comes back to its bytes, with or without also_escape, and a
// backslash the escape never writes is refused.
TEST(TerminalText, UnescapeGivesBackTheBytes) {
  std::mt19937 rng(54321);
  TerminalTextOptions quoted;
  quoted.also_escape = "'";
  for (int n = 0; n < 20000; ++n) {
    std::string in(rng() % 40, '\0');
    for (auto& ch : in) {
      static constexpr unsigned char kPool[] = {0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x5c, 0x27, 0x7f, 0x80, 0x9b,
                                                0xc2, 0xc3, 0xe2, 0xed, 0xf0, 0xff, 'a', 'x', 'n', ';'};
      ch = static_cast<char>(rng() % 3 == 0 ? rng() % 256 : kPool[rng() % sizeof kPool]);
    }
    std::string back;
    ASSERT_TRUE(terminal_text_unescape(terminal_text(in), back));
    ASSERT_EQ(back, in);
    back.clear();
    ASSERT_TRUE(terminal_text_unescape(terminal_text(in, quoted), back));
    ASSERT_EQ(back, in);
  }
  for (const char* bad : {"a\\", "\\x4", "\\xzz", "\\\x01"}) {
    std::string out;
    EXPECT_FALSE(terminal_text_unescape(bad, out)) << bad;
  }
}

TEST(TerminalText, WidthCountsColumnsNotBytes) {
  EXPECT_EQ(terminal_width("abc"), 3u);
  EXPECT_EQ(terminal_width("caf\xc3\xa9"), 4u);
  EXPECT_EQ(terminal_width("\\x1b"), 4u);
  EXPECT_EQ(terminal_width("\xf0\x9f\x98\x80"), 2u);       // an emoji: wide
  EXPECT_EQ(terminal_width("\u65e5\u672c\u8a9e"), 6u);      // CJK ideographs: wide
  EXPECT_EQ(terminal_width("\uff21"), 2u);                  // fullwidth A
  EXPECT_EQ(terminal_width("\uff76"), 1u);                  // halfwidth katakana
  EXPECT_EQ(terminal_width("e\u0301"), 1u);                 // a combining accent takes none
  EXPECT_EQ(terminal_width("\uac00"), 2u);                  // Hangul syllable
}

TEST(DisplayWidth, PrefixEndsBetweenCharactersWithinTheWidth) {
  const std::string cjk = "\u65e5\u672c\u8a9e";  // 3 bytes, 2 columns each
  EXPECT_EQ(display_prefix(cjk, 0), 0u);
  EXPECT_EQ(display_prefix(cjk, 1), 0u);  // half a wide character is none of it
  EXPECT_EQ(display_prefix(cjk, 3), 3u);
  EXPECT_EQ(display_prefix(cjk, 4), 6u);
  EXPECT_EQ(display_prefix(cjk, 99), 9u);
  EXPECT_EQ(display_prefix("ae\u0301b", 2), 4u);  // the accent goes with its e
  EXPECT_EQ(display_prefix("ab\xff", 3), 3u);     // an invalid byte: one column
  EXPECT_EQ(display_width("ab\xff\xc3"), 4u);
}

TEST(TerminalText, TailIsCutBetweenCharactersNeverInsideAnEscape) {
  EXPECT_EQ(terminal_text_tail("short", 10), "short");
  EXPECT_EQ(terminal_text_tail("/a/very/long/path", 10), "...ng/path");
  // "\x1b" is 4 columns: the tail never starts in its middle.
  EXPECT_EQ(terminal_text_tail("/a/b/c/\x1b" "x", 8), "...\\x1bx");
  EXPECT_EQ(terminal_text_tail("/a/b/c/\x1b" "x", 7), "...x");
  // Multi-byte characters are never split.
  const std::string e = "\xc3\xa9";
  EXPECT_EQ(terminal_text_tail(e + e + e + e + e + e, 5), "..." + e + e);
  // Wide characters count two columns: 8 leave 5 after "...", room for two.
  EXPECT_EQ(terminal_text_tail("/tmp/\u65e5\u672c\u8a9e", 8), "...\u672c\u8a9e");
  for (std::size_t w = 0; w < 30; ++w) {
    std::string t = terminal_text_tail("\x1b[2J/tmp/caf\xc3\xa9\\\xc2\x9b/\xff" "end", w);
    EXPECT_LE(terminal_width(t), w) << t;
    EXPECT_TRUE(decode_utf8(t).has_value()) << t;
  }
}

}  // namespace
}  // namespace ior
