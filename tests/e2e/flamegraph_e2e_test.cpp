// -flamegraph end to end: the folded output of a traced workload holds exactly
// the expected frames and counts, and its SVG works in a real browser.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "reader_runner.hpp"
#include "summary_account.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(FlamegraphE2E, CollapsedStacksOfAKnownWorkloadAndTheSvgInChromium) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  std::string name = dir.path() + "/fg";
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-path", dir.path(),
                           "-flamegraph", "-name", name, "-fields", "path,tracepoint", "-count", "count"},
                          {WORKLOAD_BINARY, "scenario", dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  // Expected: the manifest aggregated by (file, syscall); renames and links
  // are drawn under their old name.
  std::map<std::string, std::uint64_t> want;
  for (const auto& m : parse_manifest(run.workload_out)) {
    std::string file = m.file.substr(0, m.file.find(" -> "));
    ++want[file + ";" + m.name];
  }
  std::string expected;
  for (const auto& [stack, n] : want) expected += stack + " " + std::to_string(n) + "\n";
  EXPECT_EQ(read_all(name + ".collapsed"), expected);

  // The SVG in headless Chromium: no JavaScript error, a painted screenshot,
  // zoom into the data file's frame, reset, search for the read frames.
  if (access("/usr/bin/chromium", X_OK) != 0 || !readers_available(nullptr)) {
    if (in_ci()) FAIL() << "chromium or tests/readers/node_modules missing (scripts/setup.sh --test)";
    GTEST_SKIP() << "chromium or the npm test modules missing";
  }
  std::string frame = dir.path() + "/data.bin";
  auto out = run_and_capture({"/usr/bin/node", std::string(IOR_READERS_DIR) + "/check_flamegraph.mjs",
                              name + ".svg", frame, "^read$", name + ".png"},
                             std::chrono::seconds(120));
  EXPECT_NE(out.find("\"errors\":[]"), std::string::npos) << out;
  EXPECT_GT(std::stoul(json_field(out, "screenshot_bytes")), 5000u) << out;
  EXPECT_GE(std::stoul(json_field(out, "fills")), 3u) << out;
  EXPECT_EQ(json_field(out, "zoomed_width"), "1180") << out;
  EXPECT_EQ(json_field(out, "unzoom_opacity"), "1") << out;
  EXPECT_GT(std::stoul(json_field(out, "hidden_after_zoom")), 0u) << out;
  EXPECT_NE(json_field(out, "width_after_reset"), "1180") << out;
  // read frames: data.bin read + thread.txt read = 2 of all rows.
  double pct = 100.0 * 2 / static_cast<double>(parse_manifest(run.workload_out).size());
  char want_matched[64];
  std::snprintf(want_matched, sizeof want_matched, "Matched: %.1f%%", pct);
  EXPECT_EQ(json_field(out, "matched"), want_matched) << out;
  EXPECT_EQ(json_field(out, "matched_after_escape"), " ") << out;
}

// `ior flamegraph` on a folded line of 300 000 frames (it segfaulted by
// recursion): exit 0, one line on stderr, a valid SVG cut at -max-depth with
// a [truncated] frame on top; a second, shallow stack is drawn whole.
TEST(FlamegraphE2E, AFoldedLineOf300000FramesRendersWithATruncatedFrame) {
  TempDir dir;
  std::string line;
  for (int i = 0; i < 300000; ++i) line += "f" + std::to_string(i) + ";";
  {
    std::ofstream folded(dir.path() + "/deep.folded");
    folded << line << "top 5\nshallow;read 2\n";
  }
  const std::string svg = dir.path() + "/deep.svg";
  Subprocess ior({"/bin/sh", "-c",
                  std::string("exec \"$0\" flamegraph -max-depth 1000 -o \"$1\" < \"$2\""), IOR_BINARY, svg,
                  dir.path() + "/deep.folded"});
  ASSERT_EQ(ior.wait(std::chrono::seconds(60)), 0) << ior.err();
  EXPECT_EQ(ior.err(), "ior flamegraph: 1 stacks deeper than 1000 frames end in [truncated] (-max-depth)\n");
  const std::string text = read_all(svg);
  EXPECT_NE(text.find("data-n=\"[truncated]\" data-x=\"0.0000\" data-w=\"842.8571\" data-d=\"1000\""),
            std::string::npos);
  EXPECT_NE(text.find("data-n=\"f998\""), std::string::npos);
  EXPECT_EQ(text.find("data-n=\"f999\""), std::string::npos);
  EXPECT_NE(text.find("data-n=\"read\""), std::string::npos);
  if (access("/usr/bin/xmllint", X_OK) == 0) {
    EXPECT_NO_THROW(run_and_capture({"/usr/bin/xmllint", "--noout", "--huge", svg}));
  } else if (in_ci()) {
    FAIL() << "xmllint missing (libxml2-utils; scripts/setup.sh --test)";
  }
}

// A flame graph whose files cannot be written (a full disk) has stored no
// row: the account counts every row lost, not written, and says so.
TEST(FlamegraphE2E, FilesThatCannotBeWrittenCountEveryRowLost) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  const std::string mnt = dir.path() + "/small";
  std::filesystem::create_directories(mnt);
  ASSERT_EQ(mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k"), 0);
  {
    std::ofstream fill(mnt + "/filler");
    fill << std::string(64 * 1024, 'x');  // the rest of the room
  }
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-flamegraph", "-name", mnt + "/fg"},
                          {WORKLOAD_BINARY, "opens", dir.path(), "200"});
  umount2(mnt.c_str(), MNT_DETACH);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("No space left on device"), std::string::npos) << run.err;
  const auto account = parse_account(run.err);
  EXPECT_EQ(account_imbalance(account), "") << run.err;
  EXPECT_EQ(account_term(account, "sink flamegraph", "written"), 0u) << run.err;
  EXPECT_GE(account_term(account, "sink flamegraph", "lost"), 400u) << run.err;  // the opens and closes at least
  EXPECT_NE(run.err.find("ior: not every syscall was stored"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace ior::testing
