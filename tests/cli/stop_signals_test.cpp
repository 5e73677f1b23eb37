// StopSignals in this process: signals sent to ourselves with kill(), as a
// user or a service manager would.
#include "cli/stop_signals.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace ior::cli {
namespace {

using namespace std::chrono_literals;

bool eventually(const std::atomic<int>& v, int want) {
  for (int i = 0; i < 500 && v.load() != want; ++i) std::this_thread::sleep_for(10ms);
  return v.load() == want;
}

TEST(StopSignalsTest, WaitTimesOutWithoutASignal) {
  StopSignals signals;
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(signals.wait(100ms), 0);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  EXPECT_EQ(signals.received(), 0);
}

TEST(StopSignalsTest, DuringSetupASignalCancelsAtOnce) {
  std::atomic<int> cancels{0};
  StopSignals signals([&] { ++cancels; });
  ::kill(::getpid(), SIGTERM);
  EXPECT_EQ(signals.wait(5s), SIGTERM);
  EXPECT_TRUE(eventually(cancels, 1));
  EXPECT_EQ(signals.received(), SIGTERM);
  EXPECT_EQ(signals.wait(0ms), SIGTERM) << "the stop stays";
}

TEST(StopSignalsTest, WhileTracingTheFirstSignalOnlyStopsAndASecondCancels) {
  std::atomic<int> cancels{0};
  StopSignals signals([&] { ++cancels; });
  signals.tracing_started();
  ::kill(::getpid(), SIGINT);
  EXPECT_EQ(signals.wait(5s), SIGINT);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(cancels.load(), 0) << "a graceful stop cancels nothing";
  ::kill(::getpid(), SIGHUP);
  EXPECT_TRUE(eventually(cancels, 1));
  EXPECT_EQ(signals.received(), SIGINT) << "the first signal is the one reported";
}

TEST(StopSignalsTest, AtShutdownTheFirstSignalCancels) {
  std::atomic<int> cancels{0};
  StopSignals signals([&] { ++cancels; });
  signals.tracing_started();
  signals.tracing_ended();  // -duration is over: shutting down
  ::kill(::getpid(), SIGINT);
  EXPECT_TRUE(eventually(cancels, 1));
}

TEST(StopSignalsDeathTest, OneSignalMoreThanACancellationEndsTheProcessAtOnce) {
  EXPECT_EXIT(
      {
        StopSignals signals([] {});
        signals.tracing_started();
        for (int sig : {SIGINT, SIGINT, SIGTERM}) {
          ::kill(::getpid(), sig);
          std::this_thread::sleep_for(200ms);
        }
        std::this_thread::sleep_for(5s);
        std::exit(0);
      },
      ::testing::ExitedWithCode(128 + SIGTERM), "another stop signal \\(Terminated\\): exiting at once");
}

TEST(StopSignalsTest, SigpipeIsIgnoredWhileItLives) {
  struct sigaction before {};
  {
    StopSignals signals;
    struct sigaction now {};
    sigaction(SIGPIPE, nullptr, &now);
    EXPECT_EQ(now.sa_handler, SIG_IGN);
  }
  sigaction(SIGPIPE, nullptr, &before);
  EXPECT_EQ(before.sa_handler, SIG_DFL);
}

}  // namespace
}  // namespace ior::cli
