// The replay server's own checks can fail: a hand-made client (packets laid
// out from ClickHouse's Connection::sendHello/sendQuery and
// ClientInfo::write) sends what a real server refuses, and the replay
// records each as a violation. Without this, a replay that accepted
// anything would let every ior test pass.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "replay_server.hpp"
#include "replay_test_support.hpp"

namespace ior::testing::chreplay {
namespace {

constexpr std::uint64_t kRev = 54460;

class RawClient {
 public:
  explicit RawClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) throw std::runtime_error("connect");
  }
  ~RawClient() { ::close(fd_); }
  /// Reads (and drops) what the server sends until it closes the connection,
  /// as it does after recording a violation; false if it has not by timeout.
  bool closed_by_server_within(std::chrono::milliseconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r < 0 && errno != EINTR) return false;
      if (r <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
      if (n < 0 && errno != EINTR) return false;
    }
  }
  void send(Out& out) {
    std::string b = out.take();
    ASSERT_EQ(::send(fd_, b.data(), b.size(), MSG_NOSIGNAL), static_cast<ssize_t>(b.size()));
  }
  void hello_and_addendum() {
    Out o;
    o.varuint(client_packet::kHello);
    o.str("ClickHouse raw");
    o.varuint(1);
    o.varuint(0);
    o.varuint(kRev);
    o.str("");
    o.str("default");
    o.str("");
    o.str("");  // addendum: quota key
    send(o);
  }
  void query(const std::string& text, const std::string& address, const std::string& info_name,
             std::uint64_t compression) {
    Out o;
    o.varuint(client_packet::kQuery);
    o.str("qid");
    o.fixed<std::uint8_t>(1);  // initial query
    o.str("");
    o.str("qid");
    o.str(address);
    o.fixed<std::uint64_t>(0);  // start time
    o.fixed<std::uint8_t>(1);   // TCP
    o.str("os");
    o.str("host");
    o.str(info_name);
    o.varuint(1);
    o.varuint(0);
    o.varuint(kRev);
    o.str("");                 // quota key
    o.varuint(0);              // distributed depth
    o.varuint(0);              // patch
    o.fixed<std::uint8_t>(0);  // no trace context
    o.varuint(0);
    o.varuint(0);
    o.varuint(0);  // parallel replicas
    o.str("");     // settings end
    o.str("");     // interserver secret
    o.varuint(2);  // Complete
    o.varuint(compression);
    o.str(text);
    o.str("");  // parameters end
    send(o);
  }
  void data(const Block& b, bool compressed, bool corrupt_checksum = false) {
    Out o;
    o.varuint(client_packet::kData);
    o.str("");
    Out plain;
    write_block(plain, b, kRev);
    if (!compressed) {
      o.raw(plain.bytes());
    } else {
      std::string frame = compress_frame(plain.bytes(), Method::kLz4);
      if (corrupt_checksum) frame[3] = static_cast<char>(frame[3] ^ 0x5a);
      o.raw(frame);
    }
    send(o);
  }

 private:
  int fd_ = -1;
};

// The server records a violation, then closes the connection.
std::vector<std::string> violations_once_closed(RawClient& c, const ReplayServer& s) {
  EXPECT_TRUE(c.closed_by_server_within(std::chrono::seconds(10))) << "the server kept the connection open";
  return s.transcript().violations;
}

Block one_column(const std::string& type, const std::string& value) {
  Block b = header_block({{"a", type}});
  b.columns[0].values = {value};
  b.rows = 1;
  return b;
}

ReplayServer insert_server() {
  return ReplayServer({}, [](Exchange& ex) {
    ex.start_insert(header_block({{"a", "UInt64"}}));
    while (ex.next_insert_block()) {
    }
    ex.finish_insert(0, 0);
  });
}

TEST(ReplaySelfTest, AHostNameAsTheInitialAddressIsRefused) {
  ReplayServer server({}, [](Exchange& ex) { ex.reply_done(); });
  RawClient c(server.port());
  c.hello_and_addendum();
  c.query("SELECT 1", "localhost:9000", "ClickHouse raw", 0);
  auto v = violations_once_closed(c, server);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("IP literal"), std::string::npos) << v[0];
}

TEST(ReplaySelfTest, AClientNameDifferentFromHellosIsRefused) {
  ReplayServer server({}, [](Exchange& ex) { ex.reply_done(); });
  RawClient c(server.port());
  c.hello_and_addendum();
  c.query("SELECT 1", "[::ffff:127.0.0.1]:0", "ClickHouse other", 0);
  auto v = violations_once_closed(c, server);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("client_name does not match"), std::string::npos) << v[0];
}

TEST(ReplaySelfTest, AnInsertBlockOfAnotherTypeIsRefused) {
  auto server = insert_server();
  RawClient c(server.port());
  c.hello_and_addendum();
  c.query("INSERT INTO t (a) VALUES", "127.0.0.1:0", "ClickHouse raw", 0);
  c.data(Block{}, false);
  c.data(one_column("UInt32", "7"), false);
  auto v = violations_once_closed(c, server);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("INSERT column 1 is `a` UInt32, the table's `a` UInt64"), std::string::npos) << v[0];
}

TEST(ReplaySelfTest, AFrameWithAWrongChecksumIsRefused) {
  auto server = insert_server();
  RawClient c(server.port());
  c.hello_and_addendum();
  c.query("INSERT INTO t (a) VALUES", "127.0.0.1:0", "ClickHouse raw", 1);
  c.data(Block{}, true);
  c.data(one_column("UInt64", "7"), true, /*corrupt_checksum=*/true);
  auto v = violations_once_closed(c, server);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("wrong checksum"), std::string::npos) << v[0];
}

TEST(ReplaySelfTest, ValuesSurviveTheReplaysOwnWriterAndReader) {
  Block b = header_block({{"u", "UInt64"},
                          {"i", "Int8"},
                          {"s", "String"},
                          {"lc", "LowCardinality(String)"},
                          {"id", "UUID"},
                          {"e", "Enum8('a' = 1)"}});
  b.columns[0].values = {"18446744073709551615", "0"};
  b.columns[1].values = {"-128", "127"};
  b.columns[2].values = {"", std::string("a\0b", 3)};
  b.columns[3].values = {"x", "x"};
  b.columns[4].values = {"61f0c404-5cb3-11e7-907b-a6006ad3dba0", "00000000-0000-0000-0000-000000000001"};
  b.columns[5].values = {"1", "1"};
  b.rows = 2;
  Out o;
  write_block(o, b, kRev);
  // The UUID as ClickHouse lays it out: the text's first half as one
  // little-endian UInt64, then the second half.
  const std::string& bytes = o.bytes();
  EXPECT_NE(bytes.find(std::string("\xe7\x11\xb3\x5c\x04\xc4\xf0\x61\xa0\xdb\xd3\x6a\x00\xa6\x7b\x90", 16)),
            std::string::npos);
  StringIn in(o.take());
  Block back = read_block(in, kRev);
  ASSERT_EQ(back.columns.size(), b.columns.size());
  for (std::size_t i = 0; i < b.columns.size(); ++i) EXPECT_EQ(back.columns[i].values, b.columns[i].values) << i;
}

}  // namespace
}  // namespace ior::testing::chreplay
