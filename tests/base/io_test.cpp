// write_all under signals and errors, UniqueFd ownership, the UUID text form.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "base/unique_fd.hpp"
#include "base/uuid_text.hpp"
#include "base/write_all.hpp"

namespace ior {
namespace {

std::atomic<int> g_signals{0};
void count_signal(int) { g_signals.fetch_add(1); }

// A blocking write into a full pipe, hit by signals without SA_RESTART: each
// signal ends the write(2) early (EINTR, or a short count once some bytes
// went through); every byte must still arrive once, in order.
TEST(WriteAll, SignalsAndShortWritesLoseNoByte) {
  struct sigaction sa {};
  sa.sa_handler = count_signal;  // no SA_RESTART
  struct sigaction old {};
  ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  UniqueFd rd(p[0]), wr(p[1]);
  std::string data(8 << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 % 251);

  const pthread_t writer = pthread_self();
  std::string got;
  std::thread reader([&] {
    char buf[4096];
    while (got.size() < data.size()) {
      if (got.size() % (256 * 1024) < sizeof buf) pthread_kill(writer, SIGUSR1);
      usleep(20);
      ssize_t n = ::read(rd.get(), buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
  });
  int err = write_all(wr.get(), data);
  reader.join();
  sigaction(SIGUSR1, &old, nullptr);
  EXPECT_EQ(err, 0);
  EXPECT_GT(g_signals.load(), 10);
  EXPECT_TRUE(got == data) << "got " << got.size() << " of " << data.size() << " bytes";
}

// A write blocked on a pipe nobody reads: once give_up is set, the next
// signal ends it (EINTR) instead of being retried.
TEST(WriteAll, GiveUpEndsABlockedWriteAtTheNextSignal) {
  struct sigaction sa {};
  sa.sa_handler = count_signal;
  struct sigaction old {};
  ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  UniqueFd rd(p[0]), wr(p[1]);
  std::atomic<bool> give_up{false};
  std::atomic<int> result{-1};
  std::thread writer([&] { result = write_all(wr.get(), std::string(1 << 20, 'x'), give_up); });
  const pthread_t t = writer.native_handle();
  const int before = g_signals.load();
  // Not giving up yet: signals are retried through. Each one is sent after
  // the last was handled (two pending signals would merge into one).
  for (int i = 1; i <= 5; ++i) {
    pthread_kill(t, SIGUSR1);
    const auto handled_by = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (g_signals.load() < before + i && std::chrono::steady_clock::now() < handled_by) usleep(100);
  }
  EXPECT_GE(g_signals.load(), before + 5);
  EXPECT_EQ(result.load(), -1) << "still blocked";
  give_up = true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (result.load() == -1 && std::chrono::steady_clock::now() < deadline) {
    pthread_kill(t, SIGUSR1);
    usleep(2000);
  }
  // Had it not given up, drain the pipe so the test ends (and fails below).
  fcntl(rd.get(), F_SETFL, O_NONBLOCK);
  char buf[65536];
  while (result.load() == -1) (void)!::read(rd.get(), buf, sizeof buf);
  writer.join();
  sigaction(SIGUSR1, &old, nullptr);
  EXPECT_EQ(result.load(), EINTR);
}

TEST(WriteAll, ReturnsTheErrnoOfTheFailedWrite) {
  UniqueFd full(::open("/dev/full", O_WRONLY | O_CLOEXEC));
  ASSERT_TRUE(full);
  EXPECT_EQ(write_all(full.get(), "x"), ENOSPC);
  EXPECT_EQ(write_all(full.get(), ""), 0);  // nothing to write: no write(2)
  EXPECT_EQ(write_all(-1, "x"), EBADF);
}

bool is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

TEST(UniqueFd, ClosesWhatItOwnsOnce) {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  {
    UniqueFd a(raw);
    UniqueFd b(std::move(a));
    EXPECT_FALSE(a);
    EXPECT_EQ(b.get(), raw);
    UniqueFd c;
    c = std::move(b);
    EXPECT_TRUE(is_open(raw));
  }
  EXPECT_FALSE(is_open(raw));

  UniqueFd d(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  int kept = d.release();
  EXPECT_FALSE(d);
  EXPECT_TRUE(is_open(kept));
  d.reset(kept);
  EXPECT_EQ(d.close(), 0);
  EXPECT_FALSE(is_open(kept));
  EXPECT_EQ(d.close(), 0);  // nothing left to close
}

TEST(UuidText, CanonicalLowerCaseGroups) {
  std::array<std::uint8_t, 16> b = {0x61, 0xf0, 0xc4, 0x04, 0x5c, 0xb3, 0x11, 0xe7,
                                    0x90, 0x7b, 0xa6, 0x00, 0x6a, 0xd3, 0xdb, 0xa0};
  EXPECT_EQ(uuid_text(b), "61f0c404-5cb3-11e7-907b-a6006ad3dba0");
  EXPECT_EQ(uuid_text(std::array<std::uint8_t, 16>{}), "00000000-0000-0000-0000-000000000000");
}

}  // namespace
}  // namespace ior
