// -metrics end to end, real BPF: ior traces a real workload while curl
// scrapes the endpoint again and again; every scrape passes promtool check
// metrics and the Python client's parser, no counter ever goes down, the
// rows each output wrote end at exactly the workload's syscalls (and at what
// the summary's account says), and the endpoint listens on loopback only.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "summary_account.hpp"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kOpens = 400;  // openat + close each: 800 rows under -path DIR

struct Sample {
  std::string type;  // "counter" or "gauge", from the # TYPE line
  double value = 0;
};
using Scrape = std::map<std::string, Sample>;  // "name\t{labels json}" -> sample

bool tools_present() {
  return ::access("/usr/bin/curl", X_OK) == 0 && ::access("/usr/bin/promtool", X_OK) == 0 &&
         std::system("/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null") == 0;
}

std::string write_temp(const std::string& text) {
  char path[] = "/tmp/ior-scrape-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    throw std::runtime_error("temp file");
  }
  ::close(fd);
  return path;
}

std::string curl(const std::string& url, const std::string& format = "") {
  std::vector<std::string> argv = {"/usr/bin/curl", "-sS", "--max-time", "5", url};
  if (!format.empty()) argv.insert(argv.end(), {"-o", "/dev/null", "-w", format});
  return run_and_capture(argv, 10s);
}

// One scrape, checked by both strict readers, as samples.
Scrape scrape(const std::string& url) {
  const std::string text = curl(url);
  const std::string path = write_temp(text);
  Subprocess promtool({"/bin/sh", "-c", "/usr/bin/promtool check metrics < " + path});
  EXPECT_EQ(promtool.wait(30s), 0) << promtool.out() << promtool.err() << text;
  EXPECT_EQ(promtool.out() + promtool.err(), "") << "promtool's lint has nothing to say";
  Subprocess parser({"/bin/sh", "-c", "/usr/bin/python3 " IOR_SOURCE_DIR "/tests/metrics/parse_metrics.py < " + path});
  EXPECT_EQ(parser.wait(30s), 0) << parser.err() << text;
  ::unlink(path.c_str());
  std::map<std::string, std::string> types;
  std::istringstream lines(text);
  for (std::string l; std::getline(lines, l);) {
    if (l.rfind("# TYPE ", 0) == 0) {
      auto sp = l.find(' ', 7);
      types[l.substr(7, sp - 7)] = l.substr(sp + 1);
    }
  }
  Scrape s;
  std::istringstream parsed(parser.out());
  for (std::string l; std::getline(parsed, l);) {
    auto t1 = l.find('\t'), t2 = l.rfind('\t');
    const std::string name = l.substr(0, t1);
    s[l.substr(0, t2)] = {types[name], std::stod(l.substr(t2 + 1))};
  }
  return s;
}

double value(const Scrape& s, const std::string& key) {
  auto it = s.find(key);
  if (it == s.end()) throw std::runtime_error("no sample " + key);
  return it->second.value;
}

std::string sink_key(const std::string& name, const std::string& sink) {
  return name + "\t{\"sink\": \"" + sink + "\"}";
}

// IPv4 addresses of this host that are not loopback.
std::vector<in_addr> other_addresses() {
  std::vector<in_addr> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    in_addr a = reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr;
    if ((ntohl(a.s_addr) >> 24) != 127) out.push_back(a);
  }
  ::freeifaddrs(list);
  return out;
}

bool connects(in_addr addr, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr = addr;
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// The local address of the TCP socket listening on port, from /proc/net/tcp
// ("0100007F" is 127.0.0.1); "" when none.
std::string listening_address(int port) {
  std::ifstream in("/proc/net/tcp");
  char want[8];
  std::snprintf(want, sizeof want, ":%04X", port);
  for (std::string l; std::getline(in, l);) {
    std::istringstream f(l);
    std::string slot, local, remote, state;
    f >> slot >> local >> remote >> state;
    if (state == "0A" && local.size() > 5 && local.substr(local.size() - 5) == want) return local.substr(0, 8);
  }
  return "";
}

TEST(MetricsE2E, ScrapedWhileAWorkloadRunsCountersNeverFallAndEndAtItsSyscalls) {
  IOR_REQUIRE_ROOT();
  if (!tools_present()) {
    if (in_ci()) FAIL() << "curl, promtool and python3-prometheus-client are needed (scripts/setup.sh --test)";
    GTEST_SKIP() << "needs curl, promtool, python3-prometheus-client";
  }
  TempDir dir;
  Subprocess ior({IOR_BINARY, "-metrics", ":0", "-path", dir.path(), "-duration", "120"});
  ASSERT_TRUE(ior.wait_for_stderr("ior: tracing", 30s)) << ior.err();
  const std::string prefix = "ior: metrics at http://";
  const auto at = ior.err().find(prefix);
  ASSERT_NE(at, std::string::npos) << ior.err();
  const std::string addr = ior.err().substr(at + prefix.size(), ior.err().find("/metrics", at) - at - prefix.size());
  ASSERT_TRUE(addr.starts_with("127.0.0.1:")) << "without a host, loopback: " << addr;
  const int port = std::stoi(addr.substr(addr.find(':') + 1));
  const std::string url = "http://" + addr + "/metrics";

  // Loopback only: the socket's address, and no answer on another address.
  EXPECT_EQ(listening_address(port), "0100007F");
  for (in_addr other : other_addresses()) EXPECT_FALSE(connects(other, port)) << inet_ntoa(other);
  EXPECT_EQ(curl("http://" + addr + "/", "%{http_code}"), "404");

  std::vector<Scrape> scrapes = {scrape(url)};
  std::thread workload([&] { run_and_capture({WORKLOAD_BINARY, "opens", dir.path(), std::to_string(kOpens)}); });
  const std::uint64_t rows = 2 * kOpens;
  const double rows_d = static_cast<double>(rows);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    scrapes.push_back(scrape(url));
    const Scrape& s = scrapes.back();
    if ((value(s, sink_key("ior_sink_rows_written_total", "console")) == rows_d &&
         value(s, sink_key("ior_sink_rows_written_total", "summary")) == rows_d) ||
        std::chrono::steady_clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(150ms);
  }
  workload.join();
  std::this_thread::sleep_for(1200ms);  // past one more report of each output
  scrapes.push_back(scrape(url));
  ASSERT_GE(scrapes.size(), 3u);

  // No counter ever goes down; every sample of the first scrape stays.
  for (std::size_t i = 1; i < scrapes.size(); ++i) {
    for (const auto& [key, before] : scrapes[i - 1]) {
      auto now = scrapes[i].find(key);
      ASSERT_NE(now, scrapes[i].end()) << key << " vanished in scrape " << i;
      if (before.type == "counter") {
        EXPECT_GE(now->second.value, before.value) << key << " scrape " << i;
      }
    }
  }
  EXPECT_GT(value(scrapes.back(), "ior_uptime_seconds\t{}"), value(scrapes.front(), "ior_uptime_seconds\t{}"));
  const Scrape& last = scrapes.back();
  EXPECT_EQ(value(last, "ior_rows_to_sinks_total\t{}"), rows_d);
  for (const char* sink : {"console", "summary"}) {
    EXPECT_EQ(value(last, sink_key("ior_sink_rows_received_total", sink)), rows_d) << sink;
    EXPECT_EQ(value(last, sink_key("ior_sink_rows_written_total", sink)), rows_d) << sink;
    EXPECT_EQ(value(last, sink_key("ior_sink_rows_lost_total", sink)), 0.0) << sink;
    EXPECT_EQ(value(last, sink_key("ior_sink_failed", sink)), 0.0) << sink;
  }
  for (const char* kind : {"enter", "exit", "task"}) {
    EXPECT_EQ(value(last, std::string("ior_ring_buffer_drops_total\t{\"kind\": \"") + kind + "\"}"), 0.0) << kind;
  }
  EXPECT_GT(value(last, "ior_rows_filtered_total\t{\"filter\": \"comm_path\"}"), 0.0) << "curl's own rows, not under -path";
  EXPECT_GT(value(last, "ior_ring_buffer_records_read_total\t{}"), 2 * rows_d);

  ior.signal(SIGINT);
  ASSERT_EQ(ior.wait(60s), 0) << ior.err();
  // The summary's account says what the endpoint said.
  const auto account = parse_account(ior.err());
  EXPECT_EQ(account_imbalance(account), "");
  EXPECT_EQ(account_term(account, "sink console", "written"), rows);
  EXPECT_EQ(account_term(account, "sink summary", "written"), rows);
  EXPECT_EQ(account_term(account, "syscalls paired", "to the sinks"), rows);
  EXPECT_EQ(parse_console(ior.out()).size(), rows);
}

TEST(MetricsE2E, ATakenPortOrABadAddressStopsIorBeforeTracing) {
  IOR_REQUIRE_ROOT();
  Subprocess first({IOR_BINARY, "-metrics", ":0", "-quiet", "-duration", "30", "-tps", "openat"});
  ASSERT_TRUE(first.wait_for_stderr("/metrics", 30s)) << first.err();
  const auto at = first.err().find("http://") + 7;
  const std::string addr = first.err().substr(at, first.err().find("/metrics", at) - at);
  Subprocess second({IOR_BINARY, "-metrics", addr, "-quiet", "-duration", "5"});
  EXPECT_EQ(second.wait(30s), 1);
  EXPECT_NE(second.err().find("cannot listen on " + addr), std::string::npos) << second.err();
  EXPECT_EQ(second.err().find("ior: tracing"), std::string::npos) << second.err();
  first.signal(SIGINT);
  EXPECT_EQ(first.wait(30s), 0) << first.err();
  Subprocess bad({IOR_BINARY, "-metrics", "somewhere:9464"});
  EXPECT_EQ(bad.wait(30s), 2);
  EXPECT_NE(bad.err().find("flag -metrics"), std::string::npos) << bad.err();
}

}  // namespace
}  // namespace ior::testing
