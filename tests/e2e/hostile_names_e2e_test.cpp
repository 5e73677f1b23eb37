// Names chosen by an unprivileged user reach the operator's terminal only
// escaped: a process running as nobody (setpriv) names itself with an escape
// sequence and creates and renames files whose names hold ESC[2J, an OSC
// title sequence, a newline and a forged row, a C1 CSI (C2 9B), invalid
// UTF-8, a backslash, quotes and a comma, and " -> ". ior (real BPF) prints
// their rows, its summary and its top tables: none of those bytes appears
// raw, every name comes back from its escaped form, and the rename of a to
// b is told apart from the file named "a -> b".

#include <gtest/gtest.h>
#include <iconv.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "trace_fixture.hpp"
#include "workload_hex.hpp"

namespace ior::testing {
namespace {

const std::string kMark = "iorE2E.";
const std::string kComm = "ior_workload\x1b" "c";  // ESC c resets a terminal

std::vector<std::string> hostile_names() {
  return {kMark + "clear\x1b[2J",
          kMark + "title\x1b]0;owned\x07",
          kMark + "row\n0,0,cat,1.1,read,0,,forged",  // no /: one file name
          kMark + "csi\xc2\x9b" "31m",
          kMark + "bad\xff\xfe\xc3",
          kMark + "back\\slash\\x41",
          kMark + "a -> " + kMark + "b",
          kMark + "quote'\",comma",
          kMark + "utf8-caf\xc3\xa9-\xe6\x97\xa5"};
}

// The first byte sequence in text that could act on a terminal: a control
// byte (other than the line ends and the given own sequences), a C1 control
// or invalid UTF-8 (judged by iconv); "" when there is none.
std::string terminal_hazard(std::string text, const std::vector<std::string>& own = {}) {
  for (const auto& seq : own) {
    for (auto p = text.find(seq); p != std::string::npos; p = text.find(seq, p)) text.erase(p, seq.size());
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\r') || c == 0x7f) {
      return "control byte " + std::to_string(c) + " at " + std::to_string(i) + ": " + text.substr(i > 40 ? i - 40 : 0, 80);
    }
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      return "C1 control at " + std::to_string(i);
    }
  }
  iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
  std::string out(text.size() * 4 + 4, '\0');
  char* in = text.data();
  std::size_t in_left = text.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  std::size_t r = iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  if (r == static_cast<std::size_t>(-1)) return "invalid UTF-8 at " + std::to_string(text.size() - in_left);
  return "";
}

// The rows of one of the summary's top tables: the first cell (escaped
// name) of each, the numbers at the right dropped.
std::vector<std::string> table_names(const std::string& err, const std::string& title, int numbers) {
  std::vector<std::string> names;
  std::istringstream in(err.substr(err.find(title) == std::string::npos ? err.size() : err.find(title)));
  std::string line;
  std::getline(in, line);  // title
  std::getline(in, line);  // header
  while (std::getline(in, line) && line.rfind("  ", 0) == 0) {
    std::string cell = line.substr(2);
    for (int k = 0; k < numbers; ++k) {
      cell.erase(cell.find_last_not_of(' ') + 1);
      cell.erase(cell.find_last_of(' ') + 1);
    }
    cell.erase(cell.find_last_not_of(' ') + 1);
    names.push_back(cell);
  }
  return names;
}

std::vector<std::string> workload_as_nobody(const TempDir& dir) {
  const passwd* nobody = getpwnam("nobody");
  if (nobody == nullptr || chown(dir.path().c_str(), nobody->pw_uid, nobody->pw_gid) != 0) {
    throw std::runtime_error("cannot hand " + dir.path() + " to nobody");
  }
  std::vector<std::string> argv = {"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                   WORKLOAD_BINARY, "names", dir.path(), kComm, kMark + "a", kMark + "b"};
  for (const auto& n : hostile_names()) argv.push_back(n);
  return argv;
}

TEST(HostileNamesE2E, ConsoleSummaryAndTablesEscapeEveryNameAndKeepItRecoverable) {
  IOR_REQUIRE_ROOT();
  TempDir dir;
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-path", kMark}, workload_as_nobody(dir));
  ASSERT_EQ(run.exit_code, 0) << run.err;

  // Nothing that acts on a terminal, on stdout or stderr.
  EXPECT_EQ(terminal_hazard(run.out), "");
  EXPECT_EQ(terminal_hazard(run.err), "");
  // One line per row (parse_console checked every line has 8 fields), no forged row.
  EXPECT_EQ(static_cast<std::size_t>(std::count(run.out.begin(), run.out.end(), '\n')), run.rows.size() + 1);
  for (const auto& r : run.rows) {
    EXPECT_NE(r.pid, 1u) << r.raw_file;
    EXPECT_EQ(r.comm.rfind("ior_workload", 0), 0u) << r.comm;
  }

  // Every syscall of the workload is a row whose names, unescaped, are the
  // names it used (relative to the directory it moved into, so made absolute
  // by ior), with the comm it gave itself.
  const std::string in = dir.path() + "/";
  auto manifest = parse_manifest(run.workload_out);
  ASSERT_EQ(manifest.size(), 4 * (hostile_names().size() + 1));
  for (const auto& m : manifest) {
    const bool two = m.name == "rename";
    const auto arrow = m.file.find(" -> ");
    const std::string file = in + workload_unhex(m.file.substr(0, arrow));
    const std::string new_file = two ? in + workload_unhex(m.file.substr(arrow + 4)) : "";
    auto it = std::find_if(run.rows.begin(), run.rows.end(), [&](const ConsoleRow& r) {
      return r.pid == m.pid && r.tid == m.tid && r.name == m.name && r.ret == m.ret && r.two_names == two &&
             r.file == file && r.new_file == new_file;
    });
    EXPECT_NE(it, run.rows.end()) << "no row for " << m.name << " " << m.file;
    if (it != run.rows.end()) {
      EXPECT_EQ(it->comm, kComm);
    }
  }

  // The file named "a -> b" and the rename of a to b: two different fields.
  const std::string arrow_file = in + kMark + "a -> " + kMark + "b";
  std::set<std::string> arrow_fields, rename_fields;
  for (const auto& r : run.rows) {
    if (r.name == "openat" && !r.two_names && r.file == arrow_file) arrow_fields.insert(r.raw_file);
    if (r.name == "rename" && r.two_names && r.file == in + kMark + "a" && r.new_file == in + kMark + "b") {
      rename_fields.insert(r.raw_file);
    }
  }
  EXPECT_EQ(arrow_fields, std::set<std::string>{arrow_file});
  EXPECT_EQ(rename_fields, std::set<std::string>{"'" + in + kMark + "a' -> '" + in + kMark + "b'"});
  // Readable UTF-8 is printed as it is.
  EXPECT_NE(run.out.find(kMark + "utf8-caf\xc3\xa9-\xe6\x97\xa5"), std::string::npos);

  // The top tables name every file and the process, escaped.
  std::set<std::string> files;
  for (const auto& cell : table_names(run.err, "top files by total time:", 2)) {
    files.insert(unescape_terminal_text(cell));
  }
  for (const auto& n : hostile_names()) EXPECT_EQ(files.count(in + n), 1u) << n << "\n" << run.err;
  auto procs = table_names(run.err, "top processes by total time:", 3);
  ASSERT_EQ(procs.size(), 1u) << run.err;
  EXPECT_EQ(unescape_terminal_text(procs[0]), kComm);
}

// The same workload with ior's stdout and stderr on a terminal (a pty of
// script(1)), the live status line included: the only escape sequence in
// everything ior wrote is its own erase-line.
TEST(HostileNamesE2E, OnATerminalOnlyIorsOwnEraseLineIsAnEscapeSequence) {
  IOR_REQUIRE_ROOT();
  if (access("/usr/bin/script", X_OK) != 0) {
    if (in_ci()) FAIL() << "script(1) missing (bsdutils)";
    GTEST_SKIP() << "script(1) missing";
  }
  TempDir dir;
  // script copies the terminal's output to its stdout, here sent to stderr
  // so the readiness line can be waited for.
  Subprocess ior({"/bin/sh", "-c", "exec /usr/bin/script -qfec \"$0 -duration 4 -comm ior_workload -path $1\" /dev/null 1>&2",
                  IOR_BINARY, kMark});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", std::chrono::seconds(30))) << ior.err();
  run_and_capture(workload_as_nobody(dir));
  ASSERT_EQ(ior.wait(std::chrono::seconds(60)), 0) << ior.err();
  const std::string& tty = ior.err();
  EXPECT_NE(tty.find("\r\x1b[K"), std::string::npos) << "no status line was drawn";
  EXPECT_NE(tty.find("top files by total time:"), std::string::npos) << tty;
  EXPECT_NE(tty.find("csi\\xc2\\x9b31m"), std::string::npos) << tty;
  EXPECT_EQ(terminal_hazard(tty, {"\x1b[K"}), "");
}

}  // namespace
}  // namespace ior::testing
