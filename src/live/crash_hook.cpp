#include "live/crash_hook.hpp"

#include <signal.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "live/activity.hpp"

namespace ior::live {

bool CrashHook::matches(const schema::EventRow& row) const {
  return !file_suffix.empty() && row_file(row).ends_with(file_suffix);
}

namespace {

// Each call holds a page that the compiler cannot drop (written through a
// volatile) and adds to the result after the inner call returns (no tail
// call to turn into a loop): the thread's 8 MiB go in about 2000 calls.
[[gnu::noinline]] std::size_t deeper(std::size_t depth) {
  volatile char page[4096];
  page[0] = static_cast<char>(depth);
  page[sizeof page - 1] = page[0];
  if (depth == SIZE_MAX) return 0;  // never: the recursion is not provably endless
  return deeper(depth + 1) + static_cast<std::size_t>(page[sizeof page - 1]);
}

volatile std::size_t g_depth;  // where deeper()'s result goes: it must be computed

}  // namespace

void CrashHook::fire() const {
  if (overflow_stack) g_depth = deeper(0);
  if (sig == SIGABRT) std::abort();
  raise(sig);  // the thread's own signal, as a fault on it would be
  std::abort();
}

CrashHook crash_hook_from_environment() {
  CrashHook h;
  const char* v = std::getenv(kCrashHookVariable);
  if (v == nullptr) return h;
  const std::string_view spec(v);
  const auto colon = spec.find(':');
  if (colon == std::string_view::npos || colon + 1 == spec.size()) return h;
  const std::string_view name = spec.substr(0, colon);
  const bool overflow = name == "stack";
  const int sig = name == "segv" || overflow ? SIGSEGV : name == "bus" ? SIGBUS : name == "abort" ? SIGABRT : name == "fpe" ? SIGFPE : 0;
  if (sig == 0) return h;
  h.sig = sig;
  h.overflow_stack = overflow;
  h.file_suffix = spec.substr(colon + 1);
  return h;
}

}  // namespace ior::live
