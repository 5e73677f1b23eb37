#pragma once
// Real ClickHouse 18.16 servers for tests, run by
// tests/clickhouse/server/ch_server.sh on free loopback ports.
//
// The shared server is the CTest fixture `ch_server` (clickhouse.server.start
// / clickhouse.server.stop, started with --secure): tests that use it link
// ior_test_clickhouse, add `FIXTURES_REQUIRED ch_server` to their test
// properties and begin with IOR_REQUIRE_CLICKHOUSE(ch). Tests that kill or
// restart servers start their own with OwnClickHouseServer.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "subprocess.hpp"  // in_ci() for the macros

namespace ior::testing {

/// What DIR/env of a ch_server.sh start says.
struct ClickHouseEndpoint {
  std::string host;            // 127.0.0.1
  uint16_t port = 0;           // native TCP (first shard with --shards)
  uint16_t http_port = 0;
  uint16_t secure_port = 0;    // native TCP over TLS; 0 without --secure
  std::string ca_file;         // CA of secure_port's certificate; empty without --secure
  std::string password_user;   // a user with a password (ior_test)...
  std::string password;        // ...and that password; user `default` has none
  std::string own_db_user;     // a user with that password allowed only...
  std::string own_db;          // ...this database (not `default`)
  std::string dir;             // the DIR given to ch_server.sh
  std::vector<uint16_t> shard_ports;  // every shard's TCP port (--shards N); else empty
};

/// Parses DIR/env; nullopt with the reason when it is missing, malformed or
/// its server (CH_PID) is not running.
std::optional<ClickHouseEndpoint> clickhouse_server_in(const std::string& dir, std::string* why);

/// The shared fixture's server (IOR_CH_SERVER_DIR); see IOR_REQUIRE_CLICKHOUSE.
std::optional<ClickHouseEndpoint> shared_clickhouse_server(std::string* why = nullptr);

/// True when clickhouse-server and clickhouse-client are installed.
bool clickhouse_installed(std::string* why);

/// A directory for an OwnClickHouseServer under the build tree:
/// <build>/tests/clickhouse/server/own/<name>.
std::string own_clickhouse_dir(const std::string& name);

struct ClickHouseClientOptions {
  bool secure = false;            // --secure to secure_port, trusting only ca_file
  bool password_user = false;     // as password_user with password
  std::optional<std::string> user;      // explicit --user (wins over password_user)
  std::optional<std::string> password;  // explicit --password
  uint16_t port = 0;              // another port (a shard); 0: port or secure_port
  std::string config_file;        // clickhouse-client config; empty: DIR/client.xml
  std::vector<std::pair<std::string, std::string>> settings;  // --name=value
};

/// Runs clickhouse-client -q SQL and returns its stdout (TabSeparated, one
/// row a line). Throws std::runtime_error with the SQL and the client's
/// stderr when it exits non-zero.
std::string clickhouse_client_query(const ClickHouseEndpoint& ep, const std::string& sql,
                                    const ClickHouseClientOptions& options = {});

/// A server of the test's own (fault tests kill and restart it). start()
/// runs ch_server.sh start DIR [options] (DIR is emptied first); the
/// destructor stops it. Errors throw with the script's output.
class OwnClickHouseServer {
 public:
  OwnClickHouseServer() = default;
  ~OwnClickHouseServer();
  OwnClickHouseServer(const OwnClickHouseServer&) = delete;
  OwnClickHouseServer& operator=(const OwnClickHouseServer&) = delete;

  /// options: "--secure", "--shards", "N".
  const ClickHouseEndpoint& start(const std::string& dir, const std::vector<std::string>& options = {});
  /// SIGKILL instance (1 = the first shard); returns when it is gone.
  void kill(int instance = 1);
  /// The instance again on the same ports and data; returns when it answers.
  void restart(int instance = 1);
  /// SIGTERM (SIGKILL after 10 s) every instance; idempotent.
  void stop();

  const ClickHouseEndpoint& endpoint() const { return ep_; }
  /// Pid of the first instance; 0 while it is killed.
  pid_t pid() const { return pid_; }

 private:
  std::string run(const std::vector<std::string>& args);
  void reload();

  std::string dir_;
  ClickHouseEndpoint ep_;
  pid_t pid_ = 0;
};

}  // namespace ior::testing

// Declares `const ClickHouseEndpoint& var` for the shared server, or skips the
// test (fails it under CI=true, where the fixture must have started it).
// Use at the top of a TEST body or of a void SetUp().
#define IOR_REQUIRE_CLICKHOUSE(var)                                              \
  std::string var##_why_;                                                        \
  const auto var##_opt_ = ::ior::testing::shared_clickhouse_server(&var##_why_); \
  if (!var##_opt_) {                                                             \
    if (::ior::testing::in_ci()) FAIL() << var##_why_;                           \
    GTEST_SKIP() << var##_why_;                                                  \
  }                                                                              \
  const ::ior::testing::ClickHouseEndpoint& var = *var##_opt_

// Skips (fails under CI=true) when clickhouse-server/-client are missing;
// for tests that run an OwnClickHouseServer.
#define IOR_REQUIRE_CLICKHOUSE_INSTALLED()                 \
  do {                                                     \
    std::string why_;                                      \
    if (!::ior::testing::clickhouse_installed(&why_)) {    \
      if (::ior::testing::in_ci()) FAIL() << why_;         \
      GTEST_SKIP() << why_;                                \
    }                                                      \
  } while (0)
