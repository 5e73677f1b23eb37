// ior -live end to end, in a real terminal: tmux runs a shell, the test
// types the command line and keys, and reads the screen. The traced
// workload makes a known number of calls on a known file; the screen, the
// exported CSV and the terminal state after every way out are checked.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "subprocess.hpp"
#include "tmux_pane.hpp"
#include "workload_manifest.hpp"

namespace ior::testing {
namespace {

using namespace std::chrono_literals;

#define IOR_REQUIRE_TMUX()                                                      \
  do {                                                                          \
    if (!TmuxPane::available()) {                                               \
      if (in_ci()) FAIL() << "tmux missing (scripts/setup.sh --test)";          \
      GTEST_SKIP() << "tmux missing";                                           \
    }                                                                           \
  } while (0)

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The whitespace-separated cells of the first screen line whose first cell is `first`.
std::vector<std::string> row_of(const std::string& screen, const std::string& first) {
  std::istringstream in(screen);
  for (std::string line; std::getline(in, line);) {
    auto w = words(line);
    if (!w.empty() && w[0] == first) return w;
  }
  return {};
}

// Whether a screen line starts with `first` and has `value` in `column`.
bool has_row(const std::string& screen, const std::string& first, std::size_t column, const std::string& value,
             bool first_is_suffix = false) {
  std::istringstream in(screen);
  for (std::string line; std::getline(in, line);) {
    auto w = words(line);
    if (w.size() <= column || w[column] != value) continue;
    if (first_is_suffix ? w[0].ends_with(first) : w[0] == first) return true;
  }
  return false;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Files in dir whose name starts with prefix.
std::vector<std::string> files_starting(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().starts_with(prefix)) out.push_back(e.path().string());
  }
  return out;
}

// SGR parameters that set a colour (30-38, 40-48, 90-107; not 39/49, the
// terminal's default colours, which tmux writes after every attribute) in a
// capture with escapes.
int colour_sequences(const std::string& s) {
  int n = 0;
  for (std::size_t i = s.find("\x1b["); i != std::string::npos; i = s.find("\x1b[", i + 2)) {
    std::size_t end = s.find_first_not_of("0123456789;", i + 2);
    if (end == std::string::npos || s[end] != 'm') continue;
    std::istringstream params(s.substr(i + 2, end - i - 2));
    for (std::string p; std::getline(params, p, ';');) {
      if (p.empty()) continue;
      const int v = std::stoi(p);
      if ((v >= 30 && v <= 48 && v != 39) || (v >= 90 && v <= 107)) ++n;
    }
  }
  return n;
}

// The command line that traces `opens DIR N` (N openat + N close of DIR/f) under -live.
std::string live_opens(const std::string& dir, const std::string& term, int n) {
  return "cd " + dir + " && TERM=" + term + " " + IOR_BINARY + " -live -live-interval 300ms -- /bin/sh -c 'exec " +
         WORKLOAD_BINARY + " opens " + dir + " " + std::to_string(n) + " > " + dir + "/manifest'; echo ior-exit=$?";
}

// pid of the ior the pane's shell started (its child), 0 when none.
pid_t ior_pid(TmuxPane& pane) {
  const std::string shell = pane.format("#{pane_pid}");
  std::string kids = read_file("/proc/" + shell + "/task/" + shell + "/children");
  for (const auto& k : words(kids)) {
    if (read_file("/proc/" + k + "/comm") == "ior\n") return static_cast<pid_t>(std::stol(k));
  }
  return 0;
}

TEST(LiveTmux, FilesFilterProcessesSyscallsExportFlameAndQuit) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TMUX();
  TempDir dir;
  TmuxPane pane(dir.path(), 160, 50);
  const std::string f = dir.path() + "/f";
  pane.type(live_opens(dir.path(), "xterm-256color", 1234));
  pane.keys({"Enter"});

  // Files: 1234 openat + 1234 close of DIR/f, exactly
  ASSERT_TRUE(pane.wait_for([&](const std::string& s) { return has_row(s, f, 1, "2468"); }, 60s)) << pane.screen();
  EXPECT_EQ(pane.format("#{alternate_on}"), "1");
  EXPECT_TRUE(pane.wait_for_text("the traced processes have exited; q quits", 10s)) << pane.screen();
  std::string s = pane.screen();
  EXPECT_TRUE(has_row(s, dir.path() + "/manifest", 0, dir.path() + "/manifest")) << s;
  EXPECT_GT(colour_sequences(pane.screen_with_escapes()), 0);  // xterm-256color: colours

  // the filter narrows every view
  pane.type("/path=/f$");
  pane.keys({"Enter"});
  ASSERT_TRUE(pane.wait_for([&](const std::string& x) {
    return x.find("filter: path=/f$") != std::string::npos && row_of(x, dir.path() + "/manifest").empty() &&
           has_row(x, f, 1, "2468");
  }, 10s)) << pane.screen();

  // Syscalls of that file: exact counts; sorting moves the marker
  pane.type("3");
  ASSERT_TRUE(pane.wait_for([&](const std::string& x) {
    return has_row(x, "openat", 1, "1234") && has_row(x, "close", 1, "1234");
  }, 10s)) << pane.screen();
  EXPECT_NE(pane.screen().find("CALLSv"), std::string::npos) << pane.screen();
  pane.type("s");
  EXPECT_TRUE(pane.wait_for_text("CALLS/Sv", 5s)) << pane.screen();
  pane.type("<");
  EXPECT_TRUE(pane.wait_for_text("CALLSv", 5s)) << pane.screen();

  // e: the view as CSV, same numbers as the screen, created 0600
  pane.type("e");
  ASSERT_TRUE(pane.wait_for_text("wrote ior-live-syscalls-", 10s)) << pane.screen();
  auto csvs = files_starting(dir.path(), "ior-live-syscalls-");
  ASSERT_EQ(csvs.size(), 1u);
  const std::string csv = read_file(csvs[0]);
  EXPECT_TRUE(csv.starts_with("SYSCALL,CALLS,CALLS/S,AVG/S,BYTES,TIME,P50,P90,P99,ERRORS,")) << csv;
  EXPECT_NE(csv.find("\nopenat,1234,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nclose,1234,"), std::string::npos) << csv;
  struct stat st {};
  ASSERT_EQ(stat(csvs[0].c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Processes: the workload's pid and comm; Enter drills into it
  const std::string pid = words(read_file(dir.path() + "/manifest")).at(0);
  pane.type("2");
  ASSERT_TRUE(pane.wait_for([&](const std::string& x) {
    return has_row(x, pid, 1, "ior_workload") && has_row(x, pid, 2, "2468");
  }, 10s)) << pane.screen();
  pane.keys({"Enter"});
  ASSERT_TRUE(pane.wait_for([&](const std::string& x) {
    return x.find("> pid " + pid) != std::string::npos && has_row(x, f, 1, "2468");
  }, 10s)) << pane.screen();
  pane.keys({"BSpace"});
  ASSERT_TRUE(pane.wait_for([&](const std::string& x) { return x.find("> pid ") == std::string::npos; }, 10s));

  // space pauses the screen
  pane.type(" ");
  EXPECT_TRUE(pane.wait_for_text("PAUSED", 5s)) << pane.screen();
  pane.type(" ");
  EXPECT_TRUE(pane.wait_for([](const std::string& x) { return x.find("PAUSED") == std::string::npos; }, 5s));

  // Flame: the pid's frame, zoom with Enter, back with Backspace, f writes the SVG
  pane.type("6");
  ASSERT_TRUE(pane.wait_for([&](const std::string& x) { return has_row(x, pid, 1, "2468"); }, 10s))
      << pane.screen();
  pane.keys({"Enter"});
  ASSERT_TRUE(pane.wait_for([&](const std::string& x) {
    return x.find("flame: all > " + pid) != std::string::npos && has_row(x, f, 1, "2468");
  }, 10s)) << pane.screen();
  pane.keys({"BSpace"});
  ASSERT_TRUE(pane.wait_for([&](const std::string& x) { return x.find("flame: all >") == std::string::npos; }, 10s));
  pane.type("f");
  ASSERT_TRUE(pane.wait_for_text("wrote ior-live-flame-", 10s)) << pane.screen();
  auto svgs = files_starting(dir.path(), "ior-live-flame-");
  ASSERT_EQ(svgs.size(), 1u);
  const std::string svg = read_file(svgs[0]);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find(f), std::string::npos);

  // ? shows the help, any key closes it
  pane.type("?");
  EXPECT_TRUE(pane.wait_for_text("any key closes this help", 5s)) << pane.screen();
  pane.type("x");
  EXPECT_TRUE(pane.wait_for([](const std::string& x) { return x.find("any key closes") == std::string::npos; }, 5s));

  // q: the shell is back, the alternate screen left, the cursor visible
  pane.type("q");
  ASSERT_TRUE(pane.wait_for_text("ior-exit=0", 30s)) << pane.screen();
  EXPECT_EQ(pane.format("#{alternate_on}"), "0");
  EXPECT_EQ(pane.format("#{cursor_flag}"), "1");
}

void stop_with(TmuxPane& pane, const std::string& dir, const std::function<void(pid_t)>& stop) {
  // the command's stdin and stderr (and stdout) are /dev/null: the view owns the terminal
  pane.type("cd " + dir + " && TERM=xterm-256color " + IOR_BINARY +
            " -live -- /bin/sh -c 'readlink /proc/self/fd/0 /proc/self/fd/2 > fds; exec sleep 30'; echo ior-\"\"exit=$?");
  // (The quotes keep the typed command line from holding the text waited for below.)
  pane.keys({"Enter"});
  ASSERT_TRUE(pane.wait_for_text("1 Files", 60s)) << pane.screen();
  ASSERT_EQ(pane.format("#{alternate_on}"), "1");
  const pid_t pid = ior_pid(pane);
  ASSERT_GT(pid, 0);
  stop(pid);
  ASSERT_TRUE(pane.wait_for_text("ior-exit=", 30s)) << pane.screen();
  EXPECT_EQ(pane.format("#{alternate_on}"), "0");
  EXPECT_EQ(pane.format("#{cursor_flag}"), "1");
  EXPECT_EQ(pane.screen().find("1 Files"), std::string::npos) << pane.screen();
  EXPECT_EQ(read_file(dir + "/fds"), "/dev/null\n/dev/null\n");
}

TEST(LiveTmux, SigtermRestoresTheTerminal) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TMUX();
  TempDir dir;
  TmuxPane pane(dir.path(), 120, 40);
  stop_with(pane, dir.path(), [](pid_t pid) { kill(pid, SIGTERM); });
  EXPECT_NE(pane.screen_and_history().find("ior: stopped by signal 15"), std::string::npos) << pane.screen_and_history();
}

TEST(LiveTmux, CtrlCRestoresTheTerminal) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TMUX();
  TempDir dir;
  TmuxPane pane(dir.path(), 120, 40);
  stop_with(pane, dir.path(), [&](pid_t) { pane.keys({"C-c"}); });
  EXPECT_NE(pane.screen_and_history().find("ior: stopped by signal 2\n"), std::string::npos) << pane.screen_and_history();
}

TEST(LiveTmux, Vt100WithoutColourAndResizes) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TMUX();
  TempDir dir;
  TmuxPane pane(dir.path(), 120, 40);
  const std::string f = dir.path() + "/f";
  // two more sinks: their states and the live sink's are wider than 80 columns together
  std::string command = live_opens(dir.path(), "vt100", 50);
  command.replace(command.find(" -live "), 7,
                  " -live -parquet -parquet-file " + dir.path() + "/out.parquet -json-file " + dir.path() + "/out.jsonl ");
  pane.type(command);
  pane.keys({"Enter"});
  ASSERT_TRUE(pane.wait_for([&](const std::string& s) { return has_row(s, f, 1, "100"); }, 60s)) << pane.screen();
  EXPECT_EQ(colour_sequences(pane.screen_with_escapes()), 0) << pane.screen_with_escapes();

  auto lines = [](const std::string& s) {
    std::size_t n = 0, longest = 0, cur = 0;
    for (char c : s) {
      if (c == '\n') {
        ++n;
        longest = std::max(longest, cur);
        cur = 0;
      } else {
        ++cur;
      }
    }
    return std::make_pair(n, longest);
  };
  pane.resize(80, 24);
  ASSERT_TRUE(pane.wait_for([&](const std::string& s) {
    auto [n, longest] = lines(s);
    // a narrow FILE column keeps the end of the path
    return n == 24 && longest <= 80 && has_row(s, "/f", 1, "100", true) && s.find("ERRORS") != std::string::npos;
  }, 10s)) << pane.screen();
  // every sink's state whole on one line of the footer, none cut at the edge
  const std::string screen = pane.screen();
  for (const std::string name : {"parquet", "json-file", "live"}) {
    const std::regex state("(^|  )" + name +
                           ": [0-9.]+[KMGT]?B queued(, [0-9]+ waiting)?(, [0-9]+ spooled, [0-9]+ lost)?, [0-9]+ dropped");
    std::istringstream in(screen);
    bool shown = false;
    for (std::string line; std::getline(in, line);) shown = shown || std::regex_search(line, state);
    EXPECT_TRUE(shown) << name << "\n" << screen;
  }
  pane.resize(200, 60);
  ASSERT_TRUE(pane.wait_for([&](const std::string& s) {
    return lines(s).first == 60 && has_row(s, f, 1, "100") && s.find("F1Help") != std::string::npos;
  }, 10s)) << pane.screen();
  pane.type("q");
  ASSERT_TRUE(pane.wait_for_text("ior-exit=0", 30s)) << pane.screen();
  EXPECT_EQ(pane.format("#{alternate_on}"), "0");
}

TEST(LiveTmux, BytesOnScreenAndInTheCsvAndTheStream) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TMUX();
  TempDir dir;
  TmuxPane pane(dir.path(), 150, 40);
  const std::string p = dir.path() + "/p";
  // openat, one write of 4096 bytes, 200 pread64 of 4096 bytes each (fd left to the exit)
  pane.type("cd " + dir.path() + " && TERM=xterm-256color " + IOR_BINARY +
            " -live -live-interval 300ms -- /bin/sh -c 'exec " + WORKLOAD_BINARY + " preads " + dir.path() +
            " 2 100 0 > manifest'; echo ior-exit=$?");
  pane.keys({"Enter"});
  ASSERT_TRUE(pane.wait_for([&](const std::string& s) {
    return has_row(s, p, 1, "202") && has_row(s, p, 4, "800K") && has_row(s, p, 5, "4.0K");
  }, 60s)) << pane.screen();
  pane.type("e");
  ASSERT_TRUE(pane.wait_for_text("wrote ior-live-files-", 10s)) << pane.screen();
  auto csvs = files_starting(dir.path(), "ior-live-files-");
  ASSERT_EQ(csvs.size(), 1u);
  const std::string csv = read_file(csvs[0]);
  EXPECT_TRUE(csv.starts_with("FILE,CALLS,CALLS/S,AVG/S,READ,WRITTEN,TIME,P99,ERRORS\n")) << csv;
  EXPECT_NE(csv.find("\n" + p + ",202,"), std::string::npos) << csv;
  auto line_start = csv.find("\n" + p + ",");
  ASSERT_NE(line_start, std::string::npos);
  auto cells = csv.substr(line_start + 1, csv.find('\n', line_start + 1) - line_start - 1);
  std::vector<std::string> f;
  std::istringstream in(cells);
  for (std::string c; std::getline(in, c, ',');) f.push_back(c);
  ASSERT_EQ(f.size(), 9u) << cells;
  EXPECT_EQ(f[4], "819200");  // READ
  EXPECT_EQ(f[5], "4096");    // WRITTEN
  EXPECT_EQ(f[8], "0");       // ERRORS

  // Stream: the latest rows, newest first: the last pread64 of p on top of the workload's rows
  pane.type("/path=/p$");
  pane.keys({"Enter"});
  pane.type("5");
  ASSERT_TRUE(pane.wait_for([&](const std::string& s) {
    std::istringstream lines(s);
    for (std::string l; std::getline(lines, l);) {
      auto w = words(l);
      // TIME PID TID COMM SYSCALL RET BYTES LATENCY FILE
      if (w.size() == 9 && w[4] == "pread64" && w[5] == "4096" && w[6] == "4.0K" && w[8] == p) return true;
    }
    return false;
  }, 10s)) << pane.screen();
  pane.type("q");
  ASSERT_TRUE(pane.wait_for_text("ior-exit=0", 30s)) << pane.screen();
}

// The pread64 count of the Syscalls view, -1 when not on screen.
long preads_on(const std::string& screen) {
  auto r = row_of(screen, "pread64");
  return r.size() > 1 ? std::stol(r[1]) : -1;
}

TEST(LiveTmux, SwitchingTheReadFamilyOffStopsItsRowsInTheKernel) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TMUX();
  TempDir dir;
  TmuxPane pane(dir.path(), 140, 40);
  // 80 bursts of 50 pread64, 150 ms apart: about 12 s of reads
  pane.type("cd " + dir.path() + " && TERM=xterm-256color " + IOR_BINARY +
            " -live -live-interval 200ms -- /bin/sh -c 'exec " + WORKLOAD_BINARY + " preads " + dir.path() +
            " 80 50 150 > manifest'; echo ior-exit=$?");
  pane.keys({"Enter"});
  pane.type("3");
  ASSERT_TRUE(pane.wait_for([](const std::string& s) { return preads_on(s) >= 100; }, 60s)) << pane.screen();

  pane.type("t");
  ASSERT_TRUE(pane.wait_for_text("a  on   read", 5s)) << pane.screen();
  pane.type("a");
  ASSERT_TRUE(pane.wait_for_text("a  OFF  read", 5s)) << pane.screen();
  ASSERT_TRUE(pane.wait_for_text("read: off in the kernel", 5s)) << pane.screen();
  pane.keys({"Escape"});
  pane.type("3");  // a key clears the message: the row then lists what is off
  ASSERT_TRUE(pane.wait_for_text("not recorded: read", 5s)) << pane.screen();
  // rows already in the ring and the queues arrive within a refresh or two
  std::this_thread::sleep_for(1s);
  const long off = preads_on(pane.screen());
  std::this_thread::sleep_for(2s);  // the workload reads on: about 650 preads
  EXPECT_EQ(preads_on(pane.screen()), off) << pane.screen();
  EXPECT_FALSE(pane.screen().find("the traced processes have exited") != std::string::npos) << "workload too short";

  pane.type("t");
  pane.type("a");
  ASSERT_TRUE(pane.wait_for_text("read: recorded again", 5s)) << pane.screen();
  pane.keys({"Escape"});
  EXPECT_TRUE(pane.wait_for([&](const std::string& s) { return preads_on(s) > off + 100; }, 10s)) << pane.screen();
  pane.type("q");
  ASSERT_TRUE(pane.wait_for_text("ior-exit=0", 30s)) << pane.screen();
}

// A loopback TCP port nobody listens on (bound, then closed): a ClickHouse
// server that is down.
std::uint16_t closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error("no loopback port");
  }
  close(fd);
  return ntohs(a.sin_port);
}

// The number after `word` in the first screen line that holds `marker`, -1 when none.
long number_before(const std::string& screen, const std::string& marker, const std::string& word) {
  std::istringstream in(screen);
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find(marker);
    if (at == std::string::npos) continue;
    std::smatch m;
    const std::string rest = line.substr(at);
    if (std::regex_search(rest, m, std::regex("([0-9]+) " + word))) return std::stol(m[1]);
    return -1;
  }
  return -1;
}

// The footer tells each sink's state from the counters of the end-of-run
// account. With the ClickHouse server down, rows wait in memory up to
// -ch-memory, then go to the spool: the footer's waiting and spooled add up
// to the rows the run made, and after q the account has every row spooled.
TEST(LiveTmux, FooterShowsEachSinksQueuedWaitingSpooledLostAndDropped) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TMUX();
  TempDir dir;
  TmuxPane pane(dir.path(), 220, 40);
  // 4000 openat + 4000 close, about 200 bytes each in a batch: past 1 MiB
  pane.type("cd " + dir.path() + " && TERM=xterm-256color " + IOR_BINARY + " -live -live-interval 300ms" +
            " -clickhouse -ch-port " + std::to_string(closed_port()) + " -ch-spool " + dir.path() + "/spool" +
            " -ch-memory 1M -ch-batch 1000 -ch-drain-timeout 1s -- /bin/sh -c 'exec " + WORKLOAD_BINARY + " opens " +
            dir.path() + " 4000 > manifest'; echo ior-exit=$?");
  pane.keys({"Enter"});
  long rows = -1, waiting = -1, spooled = -1;
  ASSERT_TRUE(pane.wait_for([&](const std::string& s) {
    rows = number_before(s, "ior: ", "rows");
    waiting = number_before(s, "clickhouse: ", "waiting");
    spooled = number_before(s, "clickhouse: ", "spooled");
    // 8000 rows of the workload's file, more of its start and of sh
    return rows >= 8000 && spooled >= 1000 && waiting >= 0 && waiting + spooled == rows &&
           s.find("the traced processes have exited") != std::string::npos;
  }, 60s)) << "rows " << rows << " waiting " << waiting << " spooled " << spooled << "\n" << pane.screen();
  std::string s = pane.screen();
  EXPECT_EQ(number_before(s, "clickhouse: ", "lost"), 0) << s;
  EXPECT_EQ(number_before(s, "clickhouse: ", "dropped"), 0) << s;
  EXPECT_NE(s.find("clickhouse: 0B queued"), std::string::npos) << s;  // the sink's queue is empty
  EXPECT_NE(s.find(" live: 0B queued, 0 spooled, 0 lost, 0 dropped"), std::string::npos) << s;

  pane.type("q");
  ASSERT_TRUE(pane.wait_for_text("ior-exit=0", 60s)) << pane.screen();  // spooled rows are no failure
  const std::string all = pane.screen_and_history();
  // the account: "sink clickhouse  N = not copied 0 + queue full 0 + written 0 + spooled N + ..."
  std::smatch m;
  ASSERT_TRUE(std::regex_search(all, m, std::regex("sink clickhouse +([0-9]+) = .* spooled ([0-9]+) ")))
      << all;
  EXPECT_EQ(std::stol(m[1]), rows) << all;
  EXPECT_EQ(std::stol(m[2]), rows) << all;
}

// A crash in a sink's thread (the test hook IOR_TEST_LIVE_SINK_CRASH makes
// the live sink raise the signal on a row of the file `crash-here`) gives
// the terminal back: the alternate screen left, the cursor visible, the
// modes as before; the exit status is the signal's.
void expect_crash_restores(const std::string& signal_name, int exit_status) {
  TempDir dir;
  TmuxPane pane(dir.path(), 120, 40);
  pane.type("cd " + dir.path() + " && ulimit -c 0 && stty -g > before && touch crash-here && " +
            "IOR_TEST_LIVE_SINK_CRASH=" + signal_name + ":/crash-here TERM=xterm-256color " + IOR_BINARY +
            " -live -- /bin/sh -c 'while [ ! -e go ]; do sleep 0.1; done; exec cat crash-here'" +
            "; echo ior-exit=$?; stty -g > after");
  pane.keys({"Enter"});
  ASSERT_TRUE(pane.wait_for_text("1 Files", 60s)) << pane.screen();
  ASSERT_EQ(pane.format("#{alternate_on}"), "1");
  ASSERT_EQ(pane.format("#{cursor_flag}"), "0");
  std::ofstream(dir.path() + "/go").close();
  ASSERT_TRUE(pane.wait_for_text("ior-exit=" + std::to_string(exit_status), 30s)) << pane.screen();
  EXPECT_EQ(pane.format("#{alternate_on}"), "0");
  EXPECT_EQ(pane.format("#{cursor_flag}"), "1");
  EXPECT_EQ(pane.screen().find("1 Files"), std::string::npos) << pane.screen();
  // The shell makes the file before stty has written its line into it.
  ASSERT_TRUE(pane.wait_for([&](const std::string&) { return read_file(dir.path() + "/after").ends_with('\n'); }, 10s));
  EXPECT_EQ(read_file(dir.path() + "/after"), read_file(dir.path() + "/before"));  // echo, line editing back
}

TEST(LiveTmux, ASegfaultInASinkRestoresTheTerminal) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TMUX();
  expect_crash_restores("segv", 128 + SIGSEGV);
}

TEST(LiveTmux, AnAbortInASinkRestoresTheTerminal) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TMUX();
  expect_crash_restores("abort", 128 + SIGABRT);
}

// A stack overflow faults with no stack left for the handler: it runs on
// the thread's signal stack (base/alt_signal_stack.hpp), or not at all.
TEST(LiveTmux, AStackOverflowInASinkRestoresTheTerminal) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_TMUX();
  expect_crash_restores("stack", 128 + SIGSEGV);
}

TEST(LiveTmux, WithoutATerminalLiveIsAUsageError) {
  Subprocess ior({"/bin/sh", "-c", std::string(IOR_BINARY) + " -live -duration 1 < /dev/null"});
  EXPECT_EQ(ior.wait(30s), 2) << ior.err();
  EXPECT_NE(ior.err().find("-live needs a terminal: standard input is not a terminal"), std::string::npos)
      << ior.err();
  if (!TmuxPane::available()) {
    if (in_ci()) FAIL() << "tmux missing";
    return;
  }
  // standard input a terminal, standard output a file
  TempDir dir;
  TmuxPane pane(dir.path(), 120, 20);
  pane.type(std::string(IOR_BINARY) + " -live -duration 1 > " + dir.path() + "/out; echo ior-exit=$?");
  pane.keys({"Enter"});
  ASSERT_TRUE(pane.wait_for_text("ior-exit=2", 30s)) << pane.screen();
  EXPECT_NE(pane.screen().find("standard output is not a terminal"), std::string::npos) << pane.screen();
  // TERM unknown to terminfo
  pane.type("TERM=no-such-terminal " + std::string(IOR_BINARY) + " -live -duration 1; echo ior-exit=$?");
  pane.keys({"Enter"});
  ASSERT_TRUE(pane.wait_for([](const std::string& s) {
    return s.find("unknown to terminfo") != std::string::npos;
  }, 30s)) << pane.screen();
}

}  // namespace
}  // namespace ior::testing
