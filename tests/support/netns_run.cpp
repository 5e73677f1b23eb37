// netns_run ADDR PORT PROGRAM [ARGS...]: runs PROGRAM in a network namespace
// of its own, whose loopback interface is up and also carries the IPv4
// address ADDR, with a TCP listener on ADDR:PORT that nothing ever accepts
// (the kernel completes connections into its queue; PROGRAM inherits it).
// Lets a test connect ior to an address that is not a loopback one while
// no packet can leave the namespace. Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN).
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "netns_run: %s: %s\n", what, std::strerror(errno));
  std::exit(127);
}

void set_up(int sock, const char* name, const in_addr* address) {
  ifreq req{};
  std::strncpy(req.ifr_name, name, IFNAMSIZ - 1);
  if (address != nullptr) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&req.ifr_addr);
    sin->sin_family = AF_INET;
    sin->sin_addr = *address;
    if (::ioctl(sock, SIOCSIFADDR, &req) != 0) die("SIOCSIFADDR");
  }
  if (::ioctl(sock, SIOCGIFFLAGS, &req) != 0) die("SIOCGIFFLAGS");
  req.ifr_flags |= IFF_UP;
  if (::ioctl(sock, SIOCSIFFLAGS, &req) != 0) die("SIOCSIFFLAGS");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: netns_run ADDR PORT PROGRAM [ARGS...]\n");
    return 127;
  }
  in_addr address{};
  if (::inet_pton(AF_INET, argv[1], &address) != 1) {
    std::fprintf(stderr, "netns_run: %s is not an IPv4 address\n", argv[1]);
    return 127;
  }
  if (::unshare(CLONE_NEWNET) != 0) die("unshare(CLONE_NEWNET)");
  int sock = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (sock < 0) die("socket");
  set_up(sock, "lo", nullptr);  // 127.0.0.1 and ::1 come with it
  if ((ntohl(address.s_addr) >> 24) != 127) set_up(sock, "lo:1", &address);
  ::close(sock);
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);  // no CLOEXEC: PROGRAM keeps it
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr = address;
  at.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[2])));
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 ||
      ::listen(listener, 16) != 0) {
    die("listen");
  }
  ::execv(argv[3], argv + 3);
  die("exec");
}
