// The SVG is well-formed XML (checked by xmllint, an independent parser) and
// frame widths are proportional: children add up to their parent.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <map>
#include <regex>

#include "base/error.hpp"
#include "flamegraph/flame_tree.hpp"
#include "flamegraph/flamegraph_sink.hpp"
#include "flamegraph/svg_renderer.hpp"
#include "file_size_limit.hpp"
#include "subprocess.hpp"

namespace ior::flamegraph {
namespace {

struct Frame {
  std::string name;
  double x, w;
  int depth;
};

std::vector<Frame> frames_of(const std::string& svg) {
  std::vector<Frame> out;
  std::regex re("<g class=\"f\" data-n=\"([^\"]*)\" data-x=\"([0-9.]+)\" data-w=\"([0-9.]+)\" data-d=\"([0-9]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back({(*it)[1], std::stod((*it)[2]), std::stod((*it)[3]), std::stoi((*it)[4])});
  }
  return out;
}

std::string render(const std::string& folded) {
  SvgOptions o;
  o.title = "t <&> \"q\"";
  return render_svg(*build_tree(parse_folded(folded)), o);
}

TEST(SvgTest, WidthsAddUpToTheTotal) {
  auto svg = render("a;b;c 5\na;b;d 3\na;e 2\nz 10\n");
  auto frames = frames_of(svg);
  ASSERT_EQ(frames.size(), 7u);  // all, a, b, c, d, e, z
  std::map<std::string, Frame> by;
  for (const auto& f : frames) by[f.name] = f;
  const double full = 1200 - 20;
  EXPECT_NEAR(by["all"].w, full, 1e-3);
  EXPECT_NEAR(by["a"].w + by["z"].w, by["all"].w, 1e-3);
  EXPECT_NEAR(by["a"].w, full * 10 / 20, 1e-3);
  EXPECT_NEAR(by["b"].w + by["e"].w, by["a"].w, 1e-3);
  EXPECT_NEAR(by["c"].w + by["d"].w, by["b"].w, 1e-3);
  EXPECT_NEAR(by["d"].x, by["c"].x + by["c"].w, 1e-3);  // siblings side by side
  EXPECT_EQ(by["c"].depth, 3);
  EXPECT_NE(svg.find("<title>c (5 samples, 25.00%)</title>"), std::string::npos);
}

TEST(SvgTest, IsWellFormedXmlEvenWithHostileNames) {
  const char* xmllint = "/usr/bin/xmllint";
  if (access(xmllint, X_OK) != 0) {
    if (testing::in_ci()) FAIL() << "xmllint missing (libxml2-utils; scripts/setup.sh --test)";
    GTEST_SKIP() << "xmllint missing";
  }
  std::string folded =
      "p<1>;/tmp/a&b\"c'd;read 3\n/x/\x01\xff\xfe;write 2\n]]>;<!--;--> 1\n"
      "/tmp/\x1b[2J\xc2\x9b\xef\xbf\xbe\xef\xbf\xbf\xed\xa0\x80;read 1\n";
  std::string path = "/tmp/ior_svg_test_" + std::to_string(getpid()) + ".svg";
  std::ofstream(path) << render(folded);
  EXPECT_NO_THROW(testing::run_and_capture({xmllint, "--noout", path}));
  // What an XML parser reads back is the visible escape of every bad byte.
  auto names = testing::run_and_capture({xmllint, "--xpath", "//*[local-name()='g'][@class='f']/@data-n", path});
  EXPECT_NE(names.find("data-n=\"/x/\\x01\\xff\\xfe\""), std::string::npos) << names;
  EXPECT_NE(names.find("data-n=\"/tmp/\\x1b[2J\\xc2\\x9b\\xef\\xbf\\xbe\\xef\\xbf\\xbf\\xed\\xa0\\x80\""),
            std::string::npos)
      << names;
  std::remove(path.c_str());
}

TEST(SvgTest, ValidUtf8NamesStayReadable) {
  const std::string name = "/données/日本語/😀";
  auto frames = frames_of(render(name + ";read 1\n"));
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[1].name, name);
  // A label cut to the frame's width (80 px: 10 characters of 7 px) is cut
  // between characters.
  SvgOptions o;
  o.width = 100;
  auto svg = render_svg(*build_tree(parse_folded("ééééééééééééééééééééééééé 1\n")), o);
  EXPECT_NE(svg.find(">éééééééé..</text>"), std::string::npos) << svg;
}

// The folded file escapes a ';' in a name as \x3b and doubles a backslash
// (docs/FLAMEGRAPH.md): the SVG shows the names as they are, so that its
// search finds "semi;colon"; only what is not printable stays \xNN.
TEST(SvgTest, FramesShowTheNamesNotTheFoldedEscapes) {
  auto frames = frames_of(render("/tmp/semi\\x3bcolon;read 1\n/tmp/back\\\\slash;read 1\n/tmp/bell\\x07;read 1\n"));
  std::vector<std::string> names;
  for (const auto& f : frames) names.push_back(f.name);
  EXPECT_NE(std::find(names.begin(), names.end(), "/tmp/semi;colon"), names.end()) << ::testing::PrintToString(names);
  EXPECT_NE(std::find(names.begin(), names.end(), "/tmp/back\\slash"), names.end()) << ::testing::PrintToString(names);
  EXPECT_NE(std::find(names.begin(), names.end(), "/tmp/bell\\x07"), names.end()) << ::testing::PrintToString(names);
}

// A frame that also holds a tab, a newline or a carriage return (escaped
// \t, \n, \r in the folded file): its ';' and '\' are undone all the same.
// (Such frames were shown in their folded escaping: "tab\tx\x3by".)
TEST(SvgTest, FramesWithControlEscapesShowTheirNamesToo) {
  auto frames = frames_of(render("tab\\tx\\x3by;read 1\nnl\\nx\\\\y;read 1\ncr\\r\\x3b;read 1\n"));
  std::vector<std::string> names;
  for (const auto& f : frames) names.push_back(f.name);
  for (const char* want : {"tab\\tx;y", "nl\\nx\\y", "cr\\r;"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want << " " << ::testing::PrintToString(names);
  }
}

// A folded line of 300 000 frames (a segfault by recursion before): drawn
// down to the limit, the rest in one [truncated] frame.
TEST(SvgTest, AVeryDeepStackRendersWithATruncatedFrame) {
  std::string line;
  for (int i = 0; i < 300000; ++i) line += "f" + std::to_string(i) + ";";
  line += "top 1\n";
  auto frames = frames_of(render_svg(*build_tree(parse_folded(line), 100), SvgOptions{}));
  ASSERT_EQ(frames.size(), 101u);
  EXPECT_EQ(frames.back().name, "[truncated]");
  EXPECT_EQ(frames.back().depth, 100);
  EXPECT_EQ(frames[99].name, "f98");
}

TEST(SvgTest, SinkWritesCollapsedAndSvg) {
  std::string base = "/tmp/ior_fg_sink_" + std::to_string(getpid());
  FlamegraphSinkOptions o;
  o.name = base;
  o.fields = parse_fields("tracepoint");
  FlamegraphSink sink(o);
  schema::EventRow r;
  r.syscall_name = "read";
  sink.consume(r);
  sink.consume(r);
  sink.close();
  std::ifstream collapsed(base + ".collapsed");
  std::string line;
  std::getline(collapsed, line);
  EXPECT_EQ(line, "read 2");
  std::ifstream svg(base + ".svg");
  std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  EXPECT_EQ(frames_of(text).size(), 2u);
  EXPECT_EQ(sink.report().rows_written, 2u);
  std::remove((base + ".collapsed").c_str());
  std::remove((base + ".svg").c_str());
}

// The .collapsed file written, the SVG not (a full disk: here a file-size
// limit between the two): every row is in the .collapsed file, so the rows
// count as written, the run fails, and the report says how to draw the
// SVG from it. (The rows were counted lost while the complete .collapsed
// file stayed.)
TEST(SvgTest, ASvgThatCannotBeWrittenLeavesTheRowsInTheCollapsedFile) {
  std::string base = "/tmp/ior_fg_nosvg_" + std::to_string(getpid());
  FlamegraphSinkOptions o;
  o.name = base;
  o.fields = parse_fields("tracepoint");
  sink::SinkReport r;
  {
    FlamegraphSink sink(o);
    schema::EventRow row;
    row.syscall_name = "read";
    for (int i = 0; i < 3; ++i) sink.consume(row);
    parquet::testkit::FileSizeLimit limit(1024);  // "read 3\n" fits, the SVG's script does not
    sink.close();
    r = sink.report();
  }
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.rows_written, 3u);
  EXPECT_EQ(r.rows_lost, 0u);
  std::string text;
  for (const auto& l : r.lines) text += l + "\n";
  EXPECT_NE(text.find("wrote " + base + ".collapsed (1 stacks); no SVG: ior flamegraph < " + base + ".collapsed"),
            std::string::npos)
      << text;
  std::ifstream collapsed(base + ".collapsed");
  std::string line;
  std::getline(collapsed, line);
  EXPECT_EQ(line, "read 3");
  EXPECT_FALSE(std::filesystem::exists(base + ".svg"));
  std::remove((base + ".collapsed").c_str());
}

TEST(SvgTest, AnUncreatableNameIsAnErrorBeforeAnyRow) {
  FlamegraphSinkOptions o;
  o.name = "/nonexistent-dir/x";
  o.fields = parse_fields("pid");
  try {
    FlamegraphSink sink(o);
    FAIL() << "accepted a name in a missing directory";
  } catch (const SystemError& e) {
    EXPECT_STREQ(e.what(), "flamegraph: cannot create /nonexistent-dir/x.collapsed: No such file or directory");
  }
}

TEST(SvgTest, SinkReportsANameThatBecameUnwritable) {
  auto dir = std::filesystem::temp_directory_path() / ("ior-fg-gone-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  FlamegraphSinkOptions o;
  o.name = (dir / "x").string();
  o.fields = parse_fields("pid");
  FlamegraphSink sink(o);
  std::filesystem::remove_all(dir);  // gone during the run
  sink.consume(schema::EventRow{});
  sink.close();
  EXPECT_TRUE(sink.report().failed);
  EXPECT_EQ(sink.report().rows_lost, 1u);
  // The counts the end-of-run account reads too (sink/sink_runner.cpp).
  EXPECT_EQ(sink.counts()->rows_written, 0u);
  EXPECT_EQ(sink.counts()->rows_lost, 1u);
}

}  // namespace
}  // namespace ior::flamegraph
