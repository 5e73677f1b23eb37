#pragma once
// A test hook, off unless its environment variable is set (docs/LIVE.md,
// "Testing"): IOR_TEST_LIVE_SINK_CRASH=SIGNAL:SUFFIX makes the live sink
// crash with SIGNAL (segv, bus, abort, fpe) on the first row whose file
// ends with SUFFIX, on the sink's own thread, as a bug in a sink would;
// `stack` overflows the thread's stack (recursing until the guard page
// faults: a SIGSEGV with no stack left to run a handler on, but the
// thread's signal stack). The tmux test uses it to check that a crash
// gives the terminal back.

#include <string>

#include "schema/event_row.hpp"

namespace ior::live {

inline constexpr const char* kCrashHookVariable = "IOR_TEST_LIVE_SINK_CRASH";

struct CrashHook {
  int sig = 0;  ///< 0: off
  bool overflow_stack = false;  ///< sig is SIGSEGV, by running out of stack
  std::string file_suffix;

  bool armed() const { return sig != 0; }
  bool matches(const schema::EventRow& row) const;
  [[noreturn]] void fire() const;
};

/// The hook the variable describes; off when unset or not understood.
CrashHook crash_hook_from_environment();

}  // namespace ior::live
