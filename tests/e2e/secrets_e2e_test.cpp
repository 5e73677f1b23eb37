// The ClickHouse password with real BPF and a real 18.16 server: it appears
// in no file ior writes (Parquet with its footer, flame graph, spool,
// stdout, stderr) whether it comes from the flag, the environment or a
// file; the process is not dumpable once it holds one; it goes unencrypted
// to a non-loopback address only after a warning.

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "clickhouse_server.hpp"
#include "stalling_server.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string contents(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every regular file under dir that contains needle.
std::vector<std::string> files_containing(const std::string& dir, const std::string& needle) {
  std::vector<std::string> hits;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && contents(e.path()).find(needle) != std::string::npos) hits.push_back(e.path());
  }
  return hits;
}

std::size_t regular_files(const std::string& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

enum class Source { kFlag, kEnv, kFile };

TEST(SecretsE2E, ThePasswordIsInNoFileIorWroteWhereverItCameFrom) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE(ch);
  ASSERT_FALSE(ch.password.empty());
  TempDir secret_dir;  // the password file itself lives apart from the outputs
  const std::string password_file = secret_dir.path() + "/password";
  std::ofstream(password_file) << ch.password << "\n";
  for (Source source : {Source::kFlag, Source::kEnv, Source::kFile}) {
    SCOPED_TRACE(static_cast<int>(source));
    TempDir out;
    TempDir work;
    const std::string db = "ior_secrets_" + std::to_string(static_cast<int>(source));
    clickhouse_client_query(ch, "DROP DATABASE IF EXISTS " + db);
    std::vector<std::string> args{"-duration", "120", "-comm", "ior_workload", "-console", "-clickhouse",
                                  "-ch-port", std::to_string(ch.port), "-ch-user", ch.password_user, "-ch-db", db,
                                  "-ch-batch", "50", "-parquet", "-parquet-file", out.path() + "/run.parquet",
                                  "-flamegraph", "-name", out.path() + "/fg"};
    if (source == Source::kFlag) {
      args.insert(args.end(), {"-ch-password", ch.password});
    } else if (source == Source::kEnv) {
      ::setenv("IOR_CH_PASSWORD", ch.password.c_str(), 1);
    } else {
      args.insert(args.end(), {"-ch-password-file", password_file});
    }
    auto run = trace_around(args, {WORKLOAD_BINARY, "scenario", work.path()});
    ::unsetenv("IOR_CH_PASSWORD");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_FALSE(run.rows.empty());
    // The password worked: the rows are in ClickHouse.
    EXPECT_EQ(std::stoul(clickhouse_client_query(ch, "SELECT count() FROM " + db + ".ior_events")), run.rows.size())
        << run.err;
    EXPECT_EQ(regular_files(out.path()), 3u) << "run.parquet, fg.collapsed, fg.svg";
    EXPECT_EQ(files_containing(out.path(), ch.password), std::vector<std::string>{});
    EXPECT_EQ(run.out.find(ch.password), std::string::npos) << "stdout";
    EXPECT_EQ(run.err.find(ch.password), std::string::npos) << run.err;
    std::string parquet = contents(out.path() + "/run.parquet");
    EXPECT_NE(parquet.find("ior.flags"), std::string::npos);
    if (source == Source::kFlag) {
      EXPECT_NE(parquet.find("-ch-password <redacted>"), std::string::npos) << "the footer keeps the flag, not its value";
    }
    clickhouse_client_query(ch, "DROP DATABASE " + db);
  }
}

TEST(SecretsE2E, ThePasswordIsInNoSpoolFile) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE(ch);
  TempDir out;
  TempDir work;
  const std::string spool = out.path() + "/spool";
  ASSERT_TRUE(fs::create_directory(spool));
  fs::permissions(spool, fs::perms::owner_all, fs::perm_options::replace);
  std::uint16_t closed = 0;
  {
    StallingServer gone(StallingServer::Mode::kSilent);
    closed = gone.port();
  }  // nothing listens there any more: every connection is refused
  auto run = trace_around({"-duration", "120", "-comm", "ior_workload", "-console", "-clickhouse", "-ch-port",
                           std::to_string(closed), "-ch-user", ch.password_user, "-ch-password", ch.password,
                           "-ch-batch", "10", "-ch-spool", spool},
                          {WORKLOAD_BINARY, "scenario", work.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_FALSE(run.rows.empty());
  ASSERT_GT(regular_files(spool), 0u) << "the rows should wait in the spool: " << run.err;
  EXPECT_EQ(files_containing(out.path(), ch.password), std::vector<std::string>{});
  EXPECT_EQ(run.out.find(ch.password), std::string::npos) << "stdout";
  EXPECT_EQ(run.err.find(ch.password), std::string::npos) << run.err;
}

// The group of /proc/<pid>/status: the process's egid while it is dumpable,
// root's once it is not (the kernel's task_dump_owner()). ior runs with
// egid 65534 (setpriv) so that the two differ.
gid_t proc_status_group(pid_t pid) {
  struct stat st {};
  if (::stat(("/proc/" + std::to_string(pid) + "/status").c_str(), &st) != 0) return static_cast<gid_t>(-1);
  return st.st_gid;
}

TEST(SecretsE2E, TheProcessIsNotDumpableOnceItHoldsAPassword) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE(ch);
  for (bool with_password : {false, true}) {
    SCOPED_TRACE(with_password);
    std::vector<std::string> argv{"/usr/bin/setpriv", "--regid=65534", "--clear-groups", IOR_BINARY, "-duration",
                                  "120", "-comm", "ior_no_such_thread", "-clickhouse", "-ch-port",
                                  std::to_string(ch.port), "-ch-db", "ior_dumpable"};
    if (with_password) argv.insert(argv.end(), {"-ch-user", ch.password_user, "-ch-password", ch.password});
    Subprocess ior(argv);
    ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 60s)) << ior.err();
    EXPECT_EQ(proc_status_group(ior.pid()), with_password ? 0u : 65534u);
    ior.signal(SIGINT);
    EXPECT_EQ(ior.wait(60s), 0) << ior.err();
  }
  clickhouse_client_query(ch, "DROP DATABASE IF EXISTS ior_dumpable");
}

// True once the namespace of pid has an established connection to local
// port 9000 whose receive queue holds bytes: ior's Hello (with the password)
// has arrived, so whatever ior prints before sending it has been printed.
bool hello_arrived(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/net/tcp");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string sl, local, remote, state, queues;
    f >> sl >> local >> remote >> state >> queues;
    auto rx = queues.substr(queues.find(':') + 1);
    if (local.ends_with(":2328") && state == "01" && std::stoul(rx, nullptr, 16) > 0) return true;
  }
  return false;
}

// ior in a network namespace of its own whose loopback interface also has
// `address`, with a listener on address:9000 that never answers.
std::string stderr_until_the_hello(const std::string& address, const std::string& password) {
  Subprocess ior({NETNS_RUN_BINARY, address, "9000", IOR_BINARY, "-clickhouse", "-ch-host", address, "-ch-port",
                  "9000", "-ch-password", password, "-duration", "120"});
  EXPECT_TRUE(StallingServer::wait_until([&] { return hello_arrived(ior.pid()); }, 30s)) << ior.err();
  ior.signal(SIGTERM);
  EXPECT_EQ(ior.wait(30s), 128 + SIGTERM) << ior.err();
  return ior.err();
}

TEST(SecretsE2E, ACleartextPasswordToANonLoopbackAddressIsWarnedAboutOnce) {
  IOR_REQUIRE_ROOT();
  const std::string password = "Zq7-cleartext-secret";
  std::string err = stderr_until_the_hello("10.200.0.1", password);
  const std::string warning =
      "ior: warning: the ClickHouse password goes unencrypted to 10.200.0.1:9000, which is not a loopback address "
      "(use -ch-secure)\n";
  EXPECT_EQ(err.substr(0, warning.size()), warning) << err;
  EXPECT_EQ(err.find("warning", warning.size()), std::string::npos) << "warned twice: " << err;
  EXPECT_EQ(err.find(password), std::string::npos) << err;
  // The same to a loopback address: no warning.
  err = stderr_until_the_hello("127.0.0.1", password);
  EXPECT_EQ(err.find("warning"), std::string::npos) << err;
}

}  // namespace
}  // namespace ior::testing
