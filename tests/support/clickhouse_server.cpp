#include "clickhouse_server.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace ior::testing {

namespace {

// Subprocess execs without a PATH search: resolve the programs ourselves.
std::string find_program(const std::string& name, const std::string& usual) {
  if (access(usual.c_str(), X_OK) == 0) return usual;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  std::string d;
  while (std::getline(dirs, d, ':')) {
    std::string p = d + "/" + name;
    if (!d.empty() && access(p.c_str(), X_OK) == 0) return p;
  }
  return {};
}

bool parse_port(const std::string& text, uint16_t* out) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v == 0 || v > 65535) return false;
  *out = static_cast<uint16_t>(v);
  return true;
}

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  // A killed server is a zombie until init reaps it: not running.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(") ");
  return close == std::string::npos || line.compare(close + 2, 1, "Z") != 0;
}

// DIR/env, read even when its server is down (OwnClickHouseServer after kill).
std::optional<ClickHouseEndpoint> read_env(const std::string& dir, pid_t* pid, std::string* why) {
  auto fail = [&](const std::string& msg) -> std::optional<ClickHouseEndpoint> {
    if (why) *why = msg;
    return std::nullopt;
  };
  std::string path = dir + "/env";
  std::ifstream in(path);
  if (!in) {
    return fail("no ClickHouse server: " + path + " is missing (ctest -L clickhouse starts the "
                "ch_server fixture; by hand: tests/clickhouse/server/ch_server.sh start " + dir +
                " --secure)");
  }
  std::map<std::string, std::string> kv;
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    kv[line.substr(0, eq)] = value;
  }
  ClickHouseEndpoint ep;
  ep.dir = dir;
  ep.host = kv["CH_HOST"];
  ep.ca_file = kv["CH_CA_FILE"];
  ep.password_user = kv["CH_USER_PASSWORD_USER"];
  ep.password = kv["CH_USER_PASSWORD"];
  ep.own_db_user = kv["CH_OWN_DB_USER"];
  ep.own_db = kv["CH_OWN_DB"];
  if (ep.host.empty() || !parse_port(kv["CH_PORT"], &ep.port) ||
      !parse_port(kv["CH_HTTP_PORT"], &ep.http_port)) {
    return fail(path + " lacks CH_HOST, CH_PORT or CH_HTTP_PORT");
  }
  if (kv.count("CH_SECURE_PORT") && !parse_port(kv["CH_SECURE_PORT"], &ep.secure_port)) {
    return fail(path + ": bad CH_SECURE_PORT " + kv["CH_SECURE_PORT"]);
  }
  std::istringstream shards(kv["CH_SHARD_PORTS"]);
  std::string p;
  while (shards >> p) {
    uint16_t port = 0;
    if (!parse_port(p, &port)) return fail(path + ": bad CH_SHARD_PORTS " + kv["CH_SHARD_PORTS"]);
    ep.shard_ports.push_back(port);
  }
  *pid = static_cast<pid_t>(std::atol(kv["CH_PID"].c_str()));
  return ep;
}

}  // namespace

std::optional<ClickHouseEndpoint> clickhouse_server_in(const std::string& dir, std::string* why) {
  pid_t pid = 0;
  auto ep = read_env(dir, &pid, why);
  if (!ep) return ep;
  // stop removes env, but a server can also die on its own or with the machine.
  if (!process_alive(pid)) {
    if (why) {
      *why = "the ClickHouse server of " + dir + "/env (pid " + std::to_string(pid) +
             ") is not running; see " + dir + "/log/server.err.log";
    }
    return std::nullopt;
  }
  return ep;
}

std::optional<ClickHouseEndpoint> shared_clickhouse_server(std::string* why) {
  return clickhouse_server_in(IOR_CH_SERVER_DIR, why);
}

bool clickhouse_installed(std::string* why) {
  for (auto [name, usual] : {std::pair{"clickhouse-server", "/usr/sbin/clickhouse-server"},
                             std::pair{"clickhouse-client", "/usr/bin/clickhouse-client"}}) {
    if (find_program(name, usual).empty()) {
      if (why) *why = std::string(name) + " is not installed (scripts/setup.sh --test installs it)";
      return false;
    }
  }
  return true;
}

std::string own_clickhouse_dir(const std::string& name) {
  return std::string(IOR_CH_OWN_SERVERS_DIR) + "/" + name;
}

std::string clickhouse_client_query(const ClickHouseEndpoint& ep, const std::string& sql,
                                    const ClickHouseClientOptions& o) {
  std::string client = find_program("clickhouse-client", "/usr/bin/clickhouse-client");
  if (client.empty()) throw std::runtime_error("clickhouse-client is not installed");
  uint16_t port = o.port != 0 ? o.port : o.secure ? ep.secure_port : ep.port;
  if (o.secure && port == 0) throw std::runtime_error("the server in " + ep.dir + " has no secure port");
  // Always an explicit config: otherwise the client picks up whatever
  // ./clickhouse-client.xml or ~/.clickhouse-client/config.xml exists.
  std::vector<std::string> argv = {
      client, "--config-file=" + (o.config_file.empty() ? ep.dir + "/client.xml" : o.config_file),
      "--host=" + ep.host, "--port=" + std::to_string(port)};
  if (o.secure) argv.push_back("--secure");
  if (o.user) {
    argv.push_back("--user=" + *o.user);
  } else if (o.password_user) {
    argv.push_back("--user=" + ep.password_user);
    argv.push_back("--password=" + ep.password);
  }
  if (o.password) argv.push_back("--password=" + *o.password);
  for (const auto& [name, value] : o.settings) argv.push_back("--" + name + "=" + value);
  argv.push_back("--query=" + sql);
  try {
    return run_and_capture(argv, std::chrono::seconds(120));
  } catch (const std::exception& e) {
    throw std::runtime_error("clickhouse-client on port " + std::to_string(port) + " failed for `" +
                             sql + "`: " + e.what());
  }
}

OwnClickHouseServer::~OwnClickHouseServer() {
  try {
    stop();
  } catch (...) {
    // A destructor must not throw; the next start() of DIR stops leftovers.
  }
}

std::string OwnClickHouseServer::run(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/bin/bash", IOR_CH_SERVER_SCRIPT};
  argv.insert(argv.end(), args.begin(), args.end());
  Subprocess p(argv);
  // Start waits up to 30 s per attempt; stop up to 10 s per instance.
  int rc = p.wait(std::chrono::minutes(3));
  if (rc != 0) {
    throw std::runtime_error("ch_server.sh " + args[0] + " " + dir_ + " exited " + std::to_string(rc) +
                             ": " + p.err() + p.out());
  }
  return p.out();
}

void OwnClickHouseServer::reload() {
  std::string why;
  auto ep = read_env(dir_, &pid_, &why);
  if (!ep) throw std::runtime_error(why);
  ep_ = *ep;
}

const ClickHouseEndpoint& OwnClickHouseServer::start(const std::string& dir,
                                                     const std::vector<std::string>& options) {
  stop();
  dir_ = dir;
  std::vector<std::string> args = {"start", dir_};
  args.insert(args.end(), options.begin(), options.end());
  run(args);
  reload();
  return ep_;
}

void OwnClickHouseServer::kill(int instance) {
  run({"kill", dir_, std::to_string(instance)});
  reload();
}

void OwnClickHouseServer::restart(int instance) {
  run({"restart", dir_, std::to_string(instance)});
  reload();
}

void OwnClickHouseServer::stop() {
  if (dir_.empty()) return;
  run({"stop", dir_});
  dir_.clear();
  pid_ = 0;
}

}  // namespace ior::testing
