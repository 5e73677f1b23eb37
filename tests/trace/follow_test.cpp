// -follow's map of followed processes, through a real Tracer: children of a
// followed process are followed from their fork, leave at exit, and past
// the map's bound are counted instead of traced.

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>
#include <vector>

#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

constexpr char kPrefix[] = "/nonexistent/follow-";

TEST(FollowTest, TheMapIsBoundedChildrenPastItAreCountedAndExitsEmptyIt) {
  IOR_REQUIRE_ROOT();
  trace::TracerOptions o;
  o.self_pid = 0;  // the test process is the followed one
  o.pid = static_cast<std::uint32_t>(getpid());
  o.follow = true;
  o.max_followed = 4;  // this process and its first 3 children
  o.ring_bytes = 4u << 20;
  trace::Tracer tracer(o);
  EXPECT_EQ(tracer.followed_count(), 1u);
  EXPECT_TRUE(tracer.is_followed(o.pid));
  tracer.attach();

  int gate[2];
  ASSERT_EQ(pipe2(gate, O_CLOEXEC), 0);
  std::vector<pid_t> kids;
  for (int i = 0; i < 8; ++i) {
    pid_t k = fork();
    ASSERT_GE(k, 0);
    if (k == 0) {
      std::string path = kPrefix + std::to_string(i);
      syscall(SYS_openat, AT_FDCWD, path.c_str(), O_RDONLY, 0);
      close(gate[1]);  // the parent's close must be the last one
      struct pollfd p {gate[0], POLLIN, 0};
      poll(&p, 1, 30'000);  // untraced: every child lives until the gate closes
      _exit(0);
    }
    kids.push_back(k);
  }
  // All 8 alive at once: the map holds 4, the other 5 were not followed.
  EXPECT_EQ(tracer.followed_count(), 4u);
  EXPECT_EQ(tracer.counters().follow_full, 5u);
  for (std::size_t i = 0; i < kids.size(); ++i) {
    EXPECT_EQ(tracer.is_followed(static_cast<std::uint32_t>(kids[i])), i < 3) << i;
  }
  close(gate[1]);
  for (pid_t k : kids) waitpid(k, nullptr, 0);
  close(gate[0]);
  EXPECT_EQ(tracer.followed_count(), 1u);  // the kernel removed each at its exit

  Collector c;
  c.keep = [](const Record& r) { return r.is_enter() && r.str0.rfind(kPrefix, 0) == 0; };
  tracer.drain(c);
  std::set<std::string> traced;
  for (const auto& r : c.records) traced.insert(r.str0);
  EXPECT_EQ(traced, (std::set<std::string>{std::string(kPrefix) + "0", std::string(kPrefix) + "1",
                                           std::string(kPrefix) + "2"}));

  tracer.unfollow(o.pid);
  EXPECT_EQ(tracer.followed_count(), 0u);
  EXPECT_FALSE(tracer.is_followed(o.pid));
}

}  // namespace
}  // namespace ior::testing
